import type { Transform } from "node:stream";
import type { HttpProcessingError, RawRequestMessage } from "@ll/http-protocol";
import { createDecompressor } from "@ll/http-protocol";
import type { BaseRequest } from "./base-request.js";
import { rawHeaderValue } from "./raw-header-value.js";
import { EMPTY_PAYLOAD, StreamReader } from "./stream-reader.js";
import type { StreamResponse } from "./stream-response.js";

// The body buffered per request before reading from the socket pauses (aiohttp's read_bufsize).
const BODY_HIGH_WATER_MARK = 64 * 1024;

/** What a request's body asks of its connection. @internal */
export interface BodyFlow {
  /** The body's reader is full (true) or has room again (false): stop or go on reading. */
  bodyPaused(entry: PendingRequest, paused: boolean): void;
  /** The handler started reading the body (the time to send `100 Continue`). */
  bodyReadStarted(entry: PendingRequest): void;
}

// The bits of PendingRequest's flags.
const BODY_DONE = 1;
const BODY_PAUSED = 2;
const EXPECT_CONTINUE = 4;
const CONTINUE_SENT = 8;
const READ_STARTED = 16;
const DISCARDING = 32;

function hasExpectContinue(rawHeaders: readonly string[]): boolean {
  return rawHeaderValue(rawHeaders, "expect")?.trim().toLowerCase() === "100-continue";
}

/**
 * One parsed request of a connection, waiting for or in the handler, with the receiving side of
 * its body: the reader the handler reads, decompression, draining what the handler did not
 * read, and the `100 Continue` bookkeeping (aiohttp keeps these in `web_protocol.py` and
 * `streams.py`).
 * @internal
 */
export class PendingRequest {
  request: BaseRequest | undefined = undefined;
  response: StreamResponse | undefined = undefined;
  // The booleans below, a bit each of one integer: a WebSocket keeps its request's entry for
  // the life of the connection.
  #flags: number;
  // What only a request with a body has: most requests (and a WebSocket's, kept for the life
  // of the connection) have none.
  #body: BodyProgress | undefined = undefined;

  constructor(
    readonly message: RawRequestMessage | undefined,
    readonly payload: StreamReader,
    readonly error: HttpProcessingError | undefined,
  ) {
    this.#flags = payload === EMPTY_PAYLOAD ? BODY_DONE : 0;
  }

  /** Body bytes received (before decompression). */
  get received(): number {
    return this.#body?.received ?? 0;
  }

  /** What inflates a compressed body, if it is one. */
  get decompressor(): Transform | undefined {
    return this.#body?.decompressor;
  }

  /** The body is all in (or failed, or there is none). */
  get bodyDone(): boolean {
    return (this.#flags & BODY_DONE) !== 0;
  }

  /** The body's reader is full: the connection stopped reading for it. */
  get bodyPaused(): boolean {
    return (this.#flags & BODY_PAUSED) !== 0;
  }

  set bodyPaused(value: boolean) {
    this.#flags = value ? this.#flags | BODY_PAUSED : this.#flags & ~BODY_PAUSED;
  }

  /** The client sent `Expect: 100-continue`. */
  get expectContinue(): boolean {
    return (this.#flags & EXPECT_CONTINUE) !== 0;
  }

  /** `100 Continue` was sent. */
  get continueSent(): boolean {
    return (this.#flags & CONTINUE_SENT) !== 0;
  }

  /** Records that `100 Continue` was sent. */
  markContinueSent(): void {
    this.#flags |= CONTINUE_SENT;
  }

  /** The handler started reading the body. */
  get readStarted(): boolean {
    return (this.#flags & READ_STARTED) !== 0;
  }

  /** The handler answered without reading the rest: it is read and thrown away. */
  get discarding(): boolean {
    return (this.#flags & DISCARDING) !== 0;
  }

  /** A request without a body (or a protocol error, with no message). */
  static bodiless(
    message: RawRequestMessage | undefined,
    error?: HttpProcessingError,
  ): PendingRequest {
    return new PendingRequest(message, EMPTY_PAYLOAD, error);
  }

  /**
   * A request whose body is still to arrive. `maxOutputSize` bounds what a compressed body may
   * expand to; undefined leaves the body as sent.
   */
  static withBody(
    message: RawRequestMessage,
    flow: BodyFlow,
    maxOutputSize: number | undefined,
  ): PendingRequest {
    let entry: PendingRequest | undefined;
    const payload = new StreamReader({
      highWaterMark: BODY_HIGH_WATER_MARK,
      onPause: () => flow.bodyPaused(entry!, true),
      onResume: () => flow.bodyPaused(entry!, false),
      onFirstRead: () => {
        entry!.#flags |= READ_STARTED;
        flow.bodyReadStarted(entry!);
      },
    });
    entry = new PendingRequest(message, payload, undefined);
    entry.#body = new BodyProgress();
    // HTTP/1.0 has no 100 Continue (RFC 9110 §10.1.1).
    if (message.version.minor !== 0 && hasExpectContinue(message.rawHeaders)) {
      entry.#flags |= EXPECT_CONTINUE;
    }
    if (maxOutputSize !== undefined && message.compression !== undefined) {
      PendingRequest.#decompress(entry, message.compression, maxOutputSize);
    }
    return entry;
  }

  // Static: an instance method would cost every entry a field.
  static #decompress(
    entry: PendingRequest,
    encoding: "gzip" | "deflate" | "br",
    maxOutputSize: number,
  ): void {
    const payload = entry.payload;
    const decompressor = createDecompressor(encoding, { maxOutputSize });
    decompressor.on("data", (chunk: Buffer) => payload.feedData(chunk));
    decompressor.on("end", () => payload.feedEof());
    decompressor.on("error", (error: Error) => payload.setException(error));
    entry.#body!.decompressor = decompressor;
  }

  /**
   * Takes a piece of the body as sent. Returns false when the decompressor is full: stop
   * reading until it emits `'drain'`.
   */
  feedBody(chunk: Buffer): boolean {
    const body = this.#body!;
    body.received += chunk.length;
    if (this.discarding) return true;
    const decompressor = body.decompressor;
    if (decompressor !== undefined) return decompressor.write(chunk);
    this.payload.feedData(chunk);
    return true;
  }

  /** The body is complete. */
  endBody(): void {
    this.#flags |= BODY_DONE;
    if (this.discarding) return;
    const decompressor = this.#body?.decompressor;
    if (decompressor !== undefined) decompressor.end();
    else this.payload.feedEof();
  }

  /** The body will not complete: its reader fails with `error`. */
  failBody(error: unknown): void {
    if (this.bodyDone) return;
    this.#flags |= BODY_DONE;
    this.#body?.decompressor?.destroy();
    this.payload.setException(error);
  }

  /** Bytes discarded since the handler's answer. */
  get discarded(): number {
    const body = this.#body;
    return body === undefined ? 0 : body.received - body.discardFrom;
  }

  /** The handler answered without reading the rest: what still comes is thrown away. */
  startDiscarding(): void {
    this.#flags |= DISCARDING;
    const body = this.#body;
    if (body !== undefined) {
      body.discardFrom = body.received;
      body.decompressor?.destroy();
    }
    this.payload.setException(
      new Error("The request body was not read before the response was sent"),
    );
  }
}

/** How far the body of a {@link PendingRequest} arrived, and its decompressor. */
class BodyProgress {
  /** Body bytes received (before decompression). */
  received = 0;
  /** `received` when discarding started. */
  discardFrom = 0;
  decompressor: Transform | undefined = undefined;
}
