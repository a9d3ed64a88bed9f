import net from "node:net";
import { HTTPNotFound, Response, Server } from "@ll/server";
import {
  BasicTracerProvider,
  ConsoleSpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { instrumentServer } from "./tracing.js";

// Every request becomes a SERVER span, printed by the console exporter (swap in an OTLP
// exporter for a real backend). Send `traceparent` to join an existing trace:
//   curl -H 'traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' localhost:8080/hello
const provider = new BasicTracerProvider({
  spanProcessors: [new SimpleSpanProcessor(new ConsoleSpanExporter())],
});
instrumentServer(provider.getTracer("ll-server-example"));

const server = new Server(async (request) => {
  if (request.path === "/hello") return new Response({ text: "Hello, traced world" });
  if (request.path === "/fail") throw new Error("something broke");
  throw new HTTPNotFound();
});
const host = process.env.HOST ?? "127.0.0.1";
const listener = net.createServer(server.connectionListener);
listener.listen(Number(process.env.PORT ?? 8080), host, () => {
  const { port } = listener.address() as net.AddressInfo;
  console.log(`======= Serving on http://${host}:${port}/ ======`);
});

process.on("SIGINT", () => {
  listener.close();
  void server
    .shutdown(5000)
    .then(() => provider.shutdown())
    .then(() => process.exit(0));
});
