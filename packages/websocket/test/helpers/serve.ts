import { once } from "node:events";
import net from "node:net";
import type { BaseRequest, StreamResponse } from "@ll/server";
import { Server } from "@ll/server";

/** A Server behind a `net.Server` on 127.0.0.1, port 0. */
export interface Served {
  server: Server;
  port: number;
  /** `ws://127.0.0.1:<port>` + `path`. */
  url(path?: string): string;
  /** Closes the listener and shuts the Server down (taken-over sockets get their onShutdown). */
  close(): Promise<void>;
}

const running = new Set<Served>();

/** Starts `handler` on a new Server; `closeServers()` (in `afterEach`) shuts it down. */
export async function serve(
  handler: (request: BaseRequest) => StreamResponse | Promise<StreamResponse>,
): Promise<Served> {
  const server = new Server(handler);
  const listener = net.createServer(server.connectionListener);
  listener.listen(0, "127.0.0.1");
  await once(listener, "listening");
  const { port } = listener.address() as net.AddressInfo;
  let closed = false;
  const served: Served = {
    server,
    port,
    url: (path = "/") => `ws://127.0.0.1:${port}${path}`,
    async close() {
      if (closed) return;
      closed = true;
      listener.close();
      running.delete(served);
      await server.shutdown(1000);
    },
  };
  running.add(served);
  return served;
}

/** Shuts down every server `serve()` started and that is still running. */
export async function closeServers(): Promise<void> {
  await Promise.all([...running].map((served) => served.close()));
}
