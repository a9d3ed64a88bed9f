import net from "node:net";
import { type BaseRequest, Server, StreamResponse } from "@ll/server";

// Streams `count` lines (default 5): each write resolves when the socket can take more, so
// a slow client never makes the server buffer the whole body.
async function handler(request: BaseRequest): Promise<StreamResponse> {
  const count = Math.min(Number(request.query.get("count") ?? 5) || 5, 10_000);
  const response = new StreamResponse({ headers: { "Content-Type": "text/plain; charset=utf-8" } });
  await response.prepare(request);
  for (let line = 1; line <= count; line++) {
    if (request.signal.aborted) break;
    await response.write(`line ${line} of ${count}\n`);
  }
  await response.writeEof();
  return response;
}

const server = new Server(handler);
const host = process.env.HOST ?? "127.0.0.1";
const listener = net.createServer(server.connectionListener);
listener.listen(Number(process.env.PORT ?? 8080), host, () => {
  const { port } = listener.address() as net.AddressInfo;
  console.log(`======= Serving on http://${host}:${port}/ ======`);
});
