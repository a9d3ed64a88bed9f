import net from "node:net";
import { fetchHandler, Server } from "@ll/server";

// A bare fetch-style application: a function from a WHATWG Request to a Response, as
// Cloudflare Workers, Deno and Bun take them, served by @ll/server.
async function app(request: globalThis.Request): Promise<globalThis.Response> {
  const url = new URL(request.url);
  if (url.pathname === "/")
    return new globalThis.Response(`Hello, ${url.searchParams.get("name") ?? "world"}`);
  if (url.pathname === "/upper" && request.method === "POST") {
    return new globalThis.Response((await request.text()).toUpperCase());
  }
  return globalThis.Response.json({ error: "not found", path: url.pathname }, { status: 404 });
}

const server = new Server(fetchHandler(app));
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
