import { once } from "node:events";
import net from "node:net";

/** How one connection ended, seen from the client. */
export interface Outcome {
  /** "answered": at least one status line came; "silent": closed with nothing; "hang": no close in time. */
  kind: "answered" | "silent" | "hang";
  /** The status codes received, in order (100 Continue included). */
  statuses: number[];
  /** The client saw a reset (ECONNRESET) or other socket error. */
  reset: boolean;
  received: Buffer;
}

const STATUS_LINE = /HTTP\/1\.[01] (\d{3}) /g;

/**
 * Connects to 127.0.0.1:`port`, writes `input`, half-closes, and collects everything until the
 * server closes or `deadline` ms pass (then the connection is destroyed and counted as a hang).
 */
export async function exchange(port: number, input: Buffer, deadline = 5000): Promise<Outcome> {
  const socket = net.connect(port, "127.0.0.1");
  const chunks: Buffer[] = [];
  let reset = false;
  socket.on("data", (chunk: Buffer) => chunks.push(chunk));
  socket.on("error", () => {
    reset = true;
  });
  await once(socket, "connect");
  socket.end(input);
  const timer = setTimeout(() => socket.destroy(new Error("hang")), deadline);
  let hung = false;
  socket.once("error", (error) => {
    if (error.message === "hang") hung = true;
  });
  await once(socket, "close");
  clearTimeout(timer);
  const received = Buffer.concat(chunks);
  const statuses = [...received.toString("latin1").matchAll(STATUS_LINE)].map((match) =>
    Number(match[1]),
  );
  const kind = hung ? "hang" : statuses.length > 0 ? "answered" : "silent";
  return { kind, statuses, reset: reset && !hung, received };
}

/** Runs `task` over `items` with at most `concurrency` at once, in order of completion. */
export async function pool<T, R>(
  items: readonly T[],
  concurrency: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

/** Counts of each key, sorted by count, as `key: n (p%)` lines for a report. */
export function histogram(keys: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([key, count]) => `${key}: ${count} (${((100 * count) / keys.length).toFixed(1)}%)`)
    .join(", ");
}
