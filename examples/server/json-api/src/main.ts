import net from "node:net";
import {
  type BaseRequest,
  HTTPBadRequest,
  HTTPMethodNotAllowed,
  HTTPNotFound,
  jsonResponse,
  Server,
  type StreamResponse,
} from "@ll/server";

interface Todo {
  id: number;
  title: string;
  done: boolean;
}

const todos = new Map<number, Todo>();
let nextId = 1;

// A tiny JSON API: GET/POST /todos, GET/DELETE /todos/<id>. Responses are compressed when
// the client accepts it (enableCompression), and each carries an ETag for caching.
async function handler(request: BaseRequest): Promise<StreamResponse> {
  const match = /^\/todos(?:\/(\d+))?$/.exec(request.path);
  if (match === null) throw new HTTPNotFound();
  const id = match[1] === undefined ? undefined : Number(match[1]);
  let response: StreamResponse;
  if (id === undefined && request.method === "GET") {
    response = jsonResponse([...todos.values()]);
  } else if (id === undefined && request.method === "POST") {
    const body = await request.json();
    const title = (body as { title?: unknown } | null)?.title;
    if (typeof title !== "string" || title === "") {
      throw new HTTPBadRequest({ text: 'Expected a JSON object with a non-empty "title"' });
    }
    const todo = { id: nextId++, title, done: false };
    todos.set(todo.id, todo);
    response = jsonResponse(todo, { status: 201 });
  } else if (id !== undefined && (request.method === "GET" || request.method === "DELETE")) {
    const todo = todos.get(id);
    if (todo === undefined) throw new HTTPNotFound({ text: `No todo ${id}` });
    if (request.method === "DELETE") todos.delete(id);
    response = jsonResponse(todo);
  } else {
    throw new HTTPMethodNotAllowed(
      request.method,
      id === undefined ? ["GET", "POST"] : ["GET", "DELETE"],
    );
  }
  response.etag = { value: `v${nextId}-${todos.size}`, isWeak: true };
  response.enableCompression();
  return response;
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
