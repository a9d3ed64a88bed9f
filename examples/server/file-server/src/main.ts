import net from "node:net";
import { fileURLToPath } from "node:url";
import { type BaseRequest, Server, serveStatic } from "@ll/server";

// Serves ROOT (default: this example's `public` folder). serveStatic keeps every request inside
// the root (`..`, `%2e%2e`, `%2f`, backslashes, NUL, dotfiles and symbolic links leaving the
// root all get 404), answers 405 to methods other than GET and HEAD, serves `index.html` for
// directories, and returns a FileResponse, which does the rest: types, ETag/Last-Modified,
// 304/412, ranges and multi-ranges, `.br`/`.gz` siblings.
const root = process.env.ROOT ?? fileURLToPath(new URL("../public", import.meta.url));

function handler(request: BaseRequest) {
  return serveStatic(request, { root, index: "index.html" });
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
