/** Keep-alive load for the shutdown tests: undici Pool loops, every failure classified. */
import type { Socket } from "node:net";
import { buildConnector, Pool } from "undici";

/** What a load run saw. */
export interface LoadResult {
  /** Answers by status. */
  statuses: Map<number, number>;
  /** Requests never sent: the connection was refused, or reset before the request was written. */
  refused: number;
  /** Requests that were sent and got no answer, as `code message`. */
  failures: string[];
  /** Local ports of connections reset before a byte came back. */
  resetPorts: number[];
  /** Answers by body (the fixture answers `ok <pid>`). */
  bodies: Map<string, number>;
}

/**
 * Keeps `concurrency` requests in flight on a keep-alive pool until `stop` resolves.
 */
export async function runLoad(
  origin: string,
  concurrency: number,
  stop: Promise<unknown>,
): Promise<LoadResult> {
  const result: LoadResult = {
    statuses: new Map(),
    refused: 0,
    failures: [],
    resetPorts: [],
    bodies: new Map(),
  };
  const connector = buildConnector({});
  const track = (socket: Socket): void => {
    const port = socket.localPort!;
    let received = false;
    socket.on("data", () => {
      received = true;
    });
    socket.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ECONNRESET" && !received) result.resetPorts.push(port);
    });
  };
  const pool = new Pool(origin, {
    connections: concurrency,
    pipelining: 1,
    connect: (options, callback) =>
      connector(options, (error, socket) => {
        if (error === null && socket) track(socket as Socket);
        // biome-ignore lint/suspicious/noExplicitAny: undici's callback overloads
        (callback as any)(error, socket);
      }),
  });
  let stopped = false;
  void stop.then(() => {
    stopped = true;
  });
  const loop = async (): Promise<void> => {
    while (!stopped) {
      try {
        const response = await pool.request({ path: "/", method: "GET" });
        const body = await response.body.text();
        result.bodies.set(body, (result.bodies.get(body) ?? 0) + 1);
        const status = response.statusCode;
        result.statuses.set(status, (result.statuses.get(status) ?? 0) + 1);
      } catch (error) {
        const { code, syscall } = error as { code?: string; syscall?: string };
        // Refused, or reset while connecting or writing: the request was not sent.
        if (code === "ECONNREFUSED" || syscall === "connect" || syscall === "write") {
          result.refused++;
          // Nothing listens any more: do not spin until the test stops the load.
          await Promise.race([stop, new Promise((resolve) => setTimeout(resolve, 5))]);
        } else {
          result.failures.push(`${code ?? ""} ${(error as Error).message}`);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  await pool.destroy();
  return result;
}
