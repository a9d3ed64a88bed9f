import { once } from "node:events";
import net from "node:net";
import type { Handler } from "../../src/server.js";
import { Server } from "../../src/server.js";
import type { ServerOptions } from "../../src/server-options.js";

/** A Server behind a `net.Server` on 127.0.0.1 port 0, and every client a test opened. */
export interface Served {
  server: Server;
  listener: net.Server;
  port: number;
  url: string;
  close(): Promise<void>;
}

const opened = new Set<Served>();
const sockets = new Set<net.Socket>();

export async function serve(handler: Handler, options?: ServerOptions): Promise<Served> {
  const server = new Server(handler, { logger: silentLogger, ...options });
  const listener = net.createServer(server.connectionListener);
  listener.listen(0, "127.0.0.1");
  await once(listener, "listening");
  const { port } = listener.address() as net.AddressInfo;
  const served: Served = {
    server,
    listener,
    port,
    url: `http://127.0.0.1:${port}`,
    async close() {
      opened.delete(served);
      listener.close();
      await server.shutdown(100);
    },
  };
  opened.add(served);
  return served;
}

/** Closes every client socket and server a test opened (for `afterEach`). */
export async function closeAll(): Promise<void> {
  for (const socket of sockets) socket.destroy();
  sockets.clear();
  await Promise.all([...opened].map((served) => served.close()));
}

export const silentLogger = {
  info() {},
  warn() {},
  error() {},
  debug() {},
};

/** A logger that records what it is given. */
export function recordingLogger(): {
  lines: unknown[][];
  info(...a: unknown[]): void;
  warn(...a: unknown[]): void;
  error(...a: unknown[]): void;
} {
  const lines: unknown[][] = [];
  return {
    lines,
    info: (...args) => lines.push(args),
    warn: (...args) => lines.push(args),
    error: (...args) => lines.push(args),
  };
}

/** A raw TCP client that collects everything it receives. */
export class RawClient {
  readonly socket: net.Socket;
  received = Buffer.alloc(0);
  closed = false;
  #waiters: (() => void)[] = [];

  constructor(port: number) {
    this.socket = net.connect(port, "127.0.0.1");
    sockets.add(this.socket);
    this.socket.on("data", (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
      this.#wake();
    });
    this.socket.on("error", () => {});
    this.socket.on("close", () => {
      this.closed = true;
      this.#wake();
    });
  }

  static async connect(port: number): Promise<RawClient> {
    const client = new RawClient(port);
    await once(client.socket, "connect");
    return client;
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) waiter();
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Everything received so far, latin1, with Date values masked. */
  text(): string {
    return mask(this.received.toString("latin1"));
  }

  /** Waits until `predicate(text)` holds, or rejects when the socket closes first. */
  async until(predicate: (text: string) => boolean): Promise<string> {
    for (;;) {
      const text = this.text();
      if (predicate(text)) return text;
      if (this.closed) throw new Error(`socket closed; received ${JSON.stringify(text)}`);
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  /** Waits until `count` responses (heads with Content-Length bodies) were received. */
  untilResponses(count: number): Promise<string> {
    return this.until((text) => countResponses(text) >= count);
  }

  /** Waits for the server to close; resolves with everything received. */
  async untilClosed(): Promise<string> {
    while (!this.closed) await new Promise<void>((resolve) => this.#waiters.push(resolve));
    return this.text();
  }
}

export function mask(text: string): string {
  return text.replace(/Date: [^\r]*\r\n/g, "Date: <date>\r\n");
}

function countResponses(text: string): number {
  let count = 0;
  let position = 0;
  for (;;) {
    const end = text.indexOf("\r\n\r\n", position);
    if (end === -1) return count;
    const head = text.slice(position, end);
    const length = /\r\nContent-Length: (\d+)/i.exec(head);
    const bodyEnd = end + 4 + (length === null ? 0 : Number(length[1]));
    if (text.length < bodyEnd) return count;
    if (!head.startsWith("HTTP/1.1 100 ")) count++;
    position = bodyEnd;
  }
}

/** A promise with its resolve function (Promise.withResolvers is Node 22+). */
export function deferred<T = void>(): { promise: Promise<T>; resolve(value: T): void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((onResolve) => (resolve = onResolve));
  return { promise, resolve };
}
