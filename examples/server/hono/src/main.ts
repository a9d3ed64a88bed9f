import net from "node:net";
import { fetchHandler, Server } from "@ll/server";
import { Hono } from "hono";
import { getCookie } from "hono/cookie";
import { streamSSE } from "hono/streaming";

// A hono app, served by @ll/server: routes, params, JSON in and out, cookies and a
// server-sent event stream, all through fetchHandler(app.fetch).
const app = new Hono();
app.get("/", (c) => c.text("Hello from hono on @ll/server"));
app.get("/users/:id", (c) => c.json({ id: c.req.param("id") }));
app.post("/echo", async (c) => c.json({ received: await c.req.json() }));
app.get("/login", (c) => {
  c.header("Set-Cookie", "session=abc; Path=/; HttpOnly", { append: true });
  c.header("Set-Cookie", "theme=dark; Path=/", { append: true });
  return c.text("logged in");
});
app.get("/whoami", (c) => c.text(`session=${getCookie(c, "session") ?? "none"}`));
app.get("/events", (c) =>
  streamSSE(c, async (stream) => {
    for (let id = 1; id <= 3; id++) {
      await stream.writeSSE({ id: String(id), event: "tick", data: `tick ${id}` });
    }
  }),
);

const server = new Server(fetchHandler(app.fetch));
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
