import net from "node:net";
import {
  type BaseRequest,
  HTTPFound,
  HTTPMethodNotAllowed,
  HTTPNotFound,
  jsonResponse,
  Server,
  type StreamResponse,
} from "@ll/server";

const items = new Map([["1", { id: 1, name: "apple" }]]);

// Errors are thrown, as in aiohttp: the server turns each HTTPException into its response.
function handler(request: BaseRequest): StreamResponse {
  if (request.method !== "GET") throw new HTTPMethodNotAllowed(request.method, ["GET"]);
  if (request.path === "/") throw new HTTPFound("/items/1");
  const match = /^\/items\/([^/]+)$/.exec(request.path);
  const item = match === null ? undefined : items.get(match[1]!);
  if (item === undefined) throw new HTTPNotFound();
  return jsonResponse(item);
}

const server = new Server(handler);
const host = process.env.HOST ?? "127.0.0.1";
const listener = net.createServer(server.connectionListener);
listener.listen(Number(process.env.PORT ?? 8080), host, () => {
  const { port } = listener.address() as net.AddressInfo;
  console.log(`======= Serving on http://${host}:${port}/ ======`);
});
