// Graceful shutdown: on SIGINT/SIGTERM, runServer() stops listening, lets the slow request in
// flight finish (answered with Connection: close), then exits with code 0.
import { runServer } from "@ll/runner";
import { type BaseRequest, Response } from "@ll/server";

async function handler(request: BaseRequest): Promise<Response> {
  if (request.path === "/slow") {
    console.log("slow request started");
    await new Promise((resolve) => setTimeout(resolve, Number(process.env.SLOW_MS ?? 3000)));
    return new Response({ text: "finished despite the shutdown" });
  }
  return new Response({ text: "try /slow, then press Ctrl+C" });
}

await runServer(handler, {
  host: process.env.HOST ?? "127.0.0.1",
  port: Number(process.env.PORT ?? 8080),
  shutdownTimeout: 10_000,
});
console.log("shut down gracefully");
