import net from "node:net";
import { resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type BaseRequest,
  FileResponse,
  HTTPForbidden,
  HTTPMethodNotAllowed,
  Server,
} from "@ll/server";

// Serves ROOT (default: this example's `public` folder). FileResponse does the rest: types,
// ETag/Last-Modified, 304/412, ranges and multi-ranges, `.br`/`.gz` siblings, 404/403.
const root = resolve(process.env.ROOT ?? fileURLToPath(new URL("../public", import.meta.url)));

function handler(request: BaseRequest): FileResponse {
  if (request.method !== "GET" && request.method !== "HEAD") {
    throw new HTTPMethodNotAllowed(request.method, ["GET", "HEAD"]);
  }
  const relative = request.path.endsWith("/") ? `${request.path}index.html` : request.path;
  const path = resolve(root, `.${relative}`);
  // request.path is decoded: refuse anything that escapes the root (`/../`, `%2e%2e`).
  if (path !== root && !path.startsWith(root + sep)) throw new HTTPForbidden();
  return new FileResponse(path);
}

const server = new Server(handler);
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
