import { once } from "node:events";
import net from "node:net";

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

/** A raw TCP client that collects everything it receives, for tests of exact bytes. */
export class RawClient {
  readonly socket: net.Socket;
  closed = false;
  #chunks: Buffer[] = [];
  #raw = ""; // everything received, latin1
  #waiters: (() => void)[] = [];
  // Responses counted so far and where the next one starts: counting goes on from there, so a
  // burst of thousands of answers is not re-scanned on every chunk.
  #responses = 0;
  #position = 0;

  constructor(port: number) {
    // Closed by the server's shutdown when the test's server is disposed.
    this.socket = net.connect(port, "127.0.0.1");
    this.socket.on("data", (chunk: Buffer) => {
      this.#chunks.push(chunk);
      this.#raw += chunk.toString("latin1");
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

  /** Everything received so far. */
  get received(): Buffer {
    if (this.#chunks.length > 1) this.#chunks = [Buffer.concat(this.#chunks)];
    return this.#chunks[0] ?? Buffer.alloc(0);
  }

  /** Everything received so far, latin1, with Date values masked. */
  text(): string {
    return mask(this.#raw);
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
  async untilResponses(count: number): Promise<string> {
    for (;;) {
      this.#countResponses();
      if (this.#responses >= count) return this.text();
      if (this.closed) throw new Error(`socket closed; received ${JSON.stringify(this.text())}`);
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  #countResponses(): void {
    const text = this.#raw;
    for (;;) {
      const position = this.#position;
      const end = text.indexOf("\r\n\r\n", position);
      if (end === -1) return;
      const head = text.slice(position, end);
      const length = /\r\nContent-Length: (\d+)/i.exec(head);
      const bodyEnd = end + 4 + (length === null ? 0 : Number(length[1]));
      if (text.length < bodyEnd) return;
      if (!head.startsWith("HTTP/1.1 100 ")) this.#responses++;
      this.#position = bodyEnd;
    }
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
