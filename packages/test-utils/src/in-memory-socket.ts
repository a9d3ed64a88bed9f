import { Duplex } from "node:stream";

/**
 * One end of an in-memory connection (see {@link createSocketPair}): what one end writes, the
 * other reads, with backpressure, and `end()` on one side is the end of the other's input.
 * Destroying an end is a lost connection: the other end reads to the end of what was written,
 * then closes.
 * @internal
 */
export class InMemorySocket extends Duplex {
  /** The peer's address, as a TCP socket reports it (`request.remote` reads it). */
  remoteAddress: string | undefined = "127.0.0.1";
  /** The port of the peer (a made-up one: there is no port). */
  remotePort: number | undefined = undefined;
  /** The local address (`request.host` falls back to it without a `Host` header). */
  localAddress: string | undefined = "127.0.0.1";
  /** The local port (none: nothing listens). */
  localPort: number | undefined = undefined;
  #peer: InMemorySocket | undefined = undefined;
  // The write callback held back while the peer's readable buffer is full.
  #pendingWrite: (() => void) | undefined = undefined;
  // The end of this end's input was pushed (no more may be).
  #inputEnded = false;

  // Where writes go when this end has no peer (a mocked request's connection).
  readonly #sink: Buffer[] | undefined;

  /** @param sink when given, this end has no peer: what is written is appended to it. */
  constructor(sink?: Buffer[]) {
    super({ allowHalfOpen: true });
    this.#sink = sink;
  }

  /** @internal */
  connect(peer: InMemorySocket): void {
    this.#peer = peer;
  }

  override _write(
    chunk: Buffer,
    _encoding: BufferEncoding,
    callback: (error?: Error | null) => void,
  ): void {
    if (this.#sink !== undefined) {
      this.#sink.push(Buffer.from(chunk));
      callback();
      return;
    }
    const peer = this.#peer!;
    if (peer.destroyed || peer.#inputEnded) {
      callback(Object.assign(new Error("write EPIPE"), { code: "EPIPE" }));
      return;
    }
    if (peer.push(chunk)) callback();
    else peer.#pendingWrite = () => callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    const peer = this.#peer;
    if (peer !== undefined) peer.#endInput();
    callback();
  }

  #endInput(): void {
    if (this.#inputEnded || this.destroyed) return;
    this.#inputEnded = true;
    this.push(null);
  }

  override _read(): void {
    const pending = this.#pendingWrite;
    this.#pendingWrite = undefined;
    pending?.();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const peer = this.#peer;
    this.#pendingWrite = undefined;
    if (peer !== undefined && !peer.destroyed) {
      // Like a TCP connection going away: the peer reads what was already sent, then its input
      // ends and the connection is gone.
      peer.#pendingWrite = undefined;
      peer.#endInput();
      if (peer.readableLength === 0 || peer.readableEnded) peer.destroy();
      else peer.once("end", () => peer.destroy());
    }
    callback(error);
  }
}

/**
 * Two connected {@link InMemorySocket}s: `client` is what a client writes its request to,
 * `server` what the server's connection code reads it from.
 * @internal
 */
export function createSocketPair(): { client: InMemorySocket; server: InMemorySocket } {
  const client = new InMemorySocket();
  const server = new InMemorySocket();
  client.connect(server);
  server.connect(client);
  return { client, server };
}
