import type { Socket } from "node:net";
import type { StreamWriterSink } from "@ll/http-protocol";
import { httpDate } from "@ll/http-protocol";

// Most UTF-16 units of pipelined answers joined before they are written.
const BATCH_LIMIT = 64 * 1024;

// The bits of ConnectionOutput's flags.
/** Writes are held back (corked) while the answers to a pipeline are computed. */
const HELD = 1;
/**
 * Something in the batch is not ASCII. Otherwise the batch is written as latin1, a plain copy,
 * where UTF-8 would check every character.
 */
const BATCH_NOT_ASCII = 2;
/** A release at the end of this turn of the event loop is scheduled. */
const RELEASE_SCHEDULED = 4;

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
  // HELD, BATCH_NOT_ASCII and RELEASE_SCHEDULED: one integer, as a taken-over connection may
  // keep this object for the life of the new protocol.
  #flags = 0;
  #batch = "";
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
    if ((this.#flags & HELD) !== 0) return;
    this.#flags |= HELD;
    this.#socket.cork();
  }

  /**
   * The `Date` of a response head prepared now (see `httpDate()`). While answers are held, the
   * first one's is kept for the others: they are answered in the same turn of the event loop,
   * since an answer that waits goes through {@link release} (at once or {@link releaseSoon}),
   * which forgets it.
   */
  date(): string {
    if ((this.#flags & HELD) === 0) return httpDate();
    return (this.#heldDate ??= httpDate());
  }

  /** Writes what is held. */
  release(): void {
    if ((this.#flags & HELD) === 0) return;
    this.#heldDate = undefined;
    ConnectionOutput.#flushBatch(this);
    this.#flags &= ~HELD;
    this.#socket.uncork();
  }

  /**
   * Releases at the end of this turn of the event loop: a handler that waits on I/O must not
   * hold back the answers before it.
   */
  releaseSoon(): void {
    if ((this.#flags & (RELEASE_SCHEDULED | HELD)) !== HELD) return;
    this.#flags |= RELEASE_SCHEDULED;
    // The output as an argument rather than a bound closure: nothing more per connection.
    setImmediate(ConnectionOutput.#scheduledRelease, this);
  }

  static #scheduledRelease(output: ConnectionOutput): void {
    output.#flags &= ~RELEASE_SCHEDULED;
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
        ConnectionOutput.#flushBatch(this);
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
    if ((this.#flags & HELD) !== 0) {
      this.#batch += text;
      if (!ascii) this.#flags |= BATCH_NOT_ASCII;
      if (this.#batch.length < BATCH_LIMIT) return true;
      return ConnectionOutput.#flushBatch(this);
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
    ConnectionOutput.#flushBatch(this);
    socket.cork();
    socket.write(head, "latin1");
    socket.write(body, "utf8");
    const ready = !socket.writableNeedDrain;
    socket.uncork();
    return ready;
  }

  /** For a `StreamWriter` writing several parts at once: held parts go out first. */
  cork(): void {
    ConnectionOutput.#flushBatch(this);
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

  // Static: an instance method would cost every connection a field.
  static #flushBatch(output: ConnectionOutput): boolean {
    const batch = output.#batch;
    if (batch.length === 0) return true;
    const flags = output.#flags;
    const encoding = (flags & BATCH_NOT_ASCII) === 0 ? "latin1" : "utf8";
    output.#batch = "";
    output.#flags = flags & ~BATCH_NOT_ASCII;
    return output.#socket.write(batch, encoding);
  }
}
