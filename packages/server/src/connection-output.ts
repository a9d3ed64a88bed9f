import type { Socket } from "node:net";
import type { StreamWriterSink } from "@ll/http-protocol";
import { httpDate } from "@ll/http-protocol";

// Most UTF-16 units of pipelined answers joined before they are written.
const BATCH_LIMIT = 64 * 1024;

/**
 * The write side of one connection, and its only writer (aiohttp's `StreamWriter` over the
 * transport): whole responses, streamed bodies (it is their `StreamWriter`'s sink), 100
 * Continue and error answers all go through it, so bytes leave in the order they were given.
 *
 * While {@link hold} is on (a pipeline being answered), whole responses are joined into one
 * string and written once, which is cheaper than a `writev` of many small chunks; every other
 * write first flushes what is joined, so nothing overtakes it.
 * @internal
 */
export class ConnectionOutput implements StreamWriterSink {
  readonly #socket: Socket;
  #held = false;
  #batch = "";
  // Whether everything in #batch is ASCII: it is then written as latin1, a plain copy, where
  // UTF-8 would check every character.
  #batchAscii = true;
  #releaseScheduled = false;
  // The Date of the answers joined while held: they are computed in one go, and reading the
  // clock for each costs more than the rest of a small answer's head.
  #heldDate: string | undefined = undefined;

  constructor(socket: Socket) {
    this.#socket = socket;
  }

  /** Whether the socket still takes writes. */
  get writable(): boolean {
    const socket = this.#socket;
    return !socket.destroyed && !socket.writableEnded;
  }

  get writableNeedDrain(): boolean {
    return this.#socket.writableNeedDrain;
  }

  get destroyed(): boolean {
    return this.#socket.destroyed;
  }

  get writableEnded(): boolean {
    return this.#socket.writableEnded;
  }

  /** Holds writes back (corked) while the answers to a pipeline are computed. */
  hold(): void {
    if (this.#held) return;
    this.#held = true;
    this.#socket.cork();
  }

  /**
   * The `Date` of a response head prepared now (see `httpDate()`). While answers are held, the
   * first one's is kept for the others: they are answered in the same turn of the event loop,
   * since an answer that waits goes through {@link release} (at once or {@link releaseSoon}),
   * which forgets it.
   */
  date(): string {
    if (!this.#held) return httpDate();
    return (this.#heldDate ??= httpDate());
  }

  /** Writes what is held. */
  release(): void {
    if (!this.#held) return;
    this.#heldDate = undefined;
    this.#flushBatch();
    this.#held = false;
    this.#socket.uncork();
  }

  /**
   * Releases at the end of this turn of the event loop: a handler that waits on I/O must not
   * hold back the answers before it.
   */
  releaseSoon(): void {
    if (this.#releaseScheduled || !this.#held) return;
    this.#releaseScheduled = true;
    // The output as an argument rather than a bound closure: nothing more per connection.
    setImmediate(ConnectionOutput.#scheduledRelease, this);
  }

  static #scheduledRelease(output: ConnectionOutput): void {
    output.#releaseScheduled = false;
    output.release();
  }

  /**
   * Writes a whole response: `head` (latin1) and `body` (a string as UTF-8). `headAscii` says
   * the head is pure ASCII, so head and a string body can go out as one string; `bodyAscii`
   * that a string body is too. Returns false when the socket needs a drain.
   */
  sendWhole(
    head: string,
    body: Buffer | string | undefined,
    headAscii: boolean,
    bodyAscii = false,
  ): boolean {
    let text: string;
    let ascii: boolean;
    if (body === undefined || body.length === 0) {
      if (!headAscii) {
        this.#flushBatch();
        return this.#socket.write(head, "latin1");
      }
      text = head;
      ascii = true;
    } else if (typeof body === "string" && headAscii) {
      text = head + body;
      ascii = bodyAscii;
    } else {
      return this.writeAll(head, body);
    }
    if (this.#held) {
      this.#batch += text;
      if (!ascii) this.#batchAscii = false;
      if (this.#batch.length < BATCH_LIMIT) return true;
      return this.#flushBatch();
    }
    return this.#socket.write(text, ascii ? "latin1" : "utf8");
  }

  /**
   * Writes `data` (a string as latin1) now, after everything given before: a streamed body's
   * chunk or 100 Continue. It ends a {@link hold}: a stream waiting for a drain must not wait
   * on a cork nobody lifts.
   */
  write(data: Buffer | string): boolean {
    this.release();
    return this.#socket.write(data, "latin1");
  }

  /** Writes `head` (a string as latin1) and `body` (a string as UTF-8) in one go, in order. */
  writeAll(head: Buffer | string, body: Buffer | string): boolean {
    const socket = this.#socket;
    this.#flushBatch();
    socket.cork();
    socket.write(head, "latin1");
    socket.write(body, "utf8");
    const ready = !socket.writableNeedDrain;
    socket.uncork();
    return ready;
  }

  /** For a `StreamWriter` writing several parts at once: held parts go out first. */
  cork(): void {
    this.#flushBatch();
    this.#socket.cork();
  }

  uncork(): void {
    this.#socket.uncork();
  }

  /** Sends what is held, then ends our side of the connection. */
  end(): void {
    this.release();
    this.#socket.end();
  }

  once(event: "drain" | "close" | "error", listener: (error?: Error) => void): this {
    this.#socket.once(event, listener);
    return this;
  }

  off(event: "drain" | "close" | "error", listener: (error?: Error) => void): this {
    this.#socket.off(event, listener);
    return this;
  }

  #flushBatch(): boolean {
    const batch = this.#batch;
    if (batch.length === 0) return true;
    const encoding = this.#batchAscii ? "latin1" : "utf8";
    this.#batch = "";
    this.#batchAscii = true;
    return this.#socket.write(batch, encoding);
  }
}
