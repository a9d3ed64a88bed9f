import { once } from "node:events";
import net from "node:net";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { type Handler, Server, type ServerOptions } from "@ll/server";

/** A Server on 127.0.0.1 port 0 with a logger that keeps what it is given. */
export async function serve(handler: Handler, options?: ServerOptions) {
  const errors: unknown[][] = [];
  const logger = {
    info() {},
    warn() {},
    debug() {},
    error: (...args: unknown[]) => errors.push(args),
  };
  const server = new Server(handler, { logger, ...options });
  const listener = net.createServer(server.connectionListener).listen(0, "127.0.0.1");
  await once(listener, "listening");
  const port = (listener.address() as net.AddressInfo).port;
  return {
    server,
    port,
    errors,
    async close() {
      listener.close();
      await server.shutdown(100);
    },
  };
}

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/** Bytes of memory in use (JS heap and buffers) after a full collection. */
export function memoryInUse(): number {
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

export const MiB = 1024 * 1024;
