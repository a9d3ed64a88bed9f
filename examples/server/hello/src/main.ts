import net from "node:net";
import { type BaseRequest, Response, Server } from "@ll/server";

// The low-level server needs no runner: its connectionListener serves any socket.
const server = new Server((request: BaseRequest) => {
  const name = request.query.get("name") ?? "world";
  return new Response({ text: `Hello, ${name}` });
});

const host = process.env.HOST ?? "127.0.0.1";
const listener = net.createServer(server.connectionListener);
listener.listen(Number(process.env.PORT ?? 8080), host, () => {
  const { port } = listener.address() as net.AddressInfo;
  console.log(`======= Serving on http://${host}:${port}/ ======`);
});

process.on("SIGINT", () => {
  listener.close();
  void server.shutdown(5000).then(() => process.exit(0));
});
