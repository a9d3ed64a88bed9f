import type { CIMultiDictProxy } from "./ci-multi-dict.js";
import { HeadBlockReader } from "./head-block-reader.js";
import type { HeadKind } from "./head-errors.js";
import { BadHttpMessage } from "./http-exceptions.js";
import { BODY_LENGTH, BODY_NONE, HttpPayloadParser } from "./http-payload-parser.js";
import type { HttpParserLimits, ResolvedLimits } from "./parser-limits.js";
import { resolveLimits } from "./parser-limits.js";

/**
 * Callbacks of {@link HttpRequestParser} and {@link HttpResponseParser}, called synchronously
 * from `feedData`/`feedEof`, in order: `onMessage` once per message head, `onBody` for each
 * piece of its body, `onMessageComplete` once the message ends.
 */
export interface HttpParserHandlers<M> {
  /** A message head was parsed. */
  onMessage(message: M): void;
  /**
   * A piece of the message body (chunked framing removed, content coding not undone). It is a
   * zero-copy view of the buffer that was fed: copy it to keep it past this call.
   */
  onBody(chunk: Buffer): void;
  /** The message ended; `trailers` holds the trailer fields of a chunked body, if any. */
  onMessageComplete(trailers: CIMultiDictProxy<string> | undefined): void;
}

/** Keep parsing after this message. @internal */
export const UPGRADE_NONE = 0;
/** Stop parsing once this message's head is done (CONNECT, 101). @internal */
export const UPGRADE_AFTER_HEAD = 1;
/** Stop parsing once this message's body is done (an Upgrade request with a body). @internal */
export const UPGRADE_AFTER_BODY = 2;

/** How the body of the message just parsed is framed; set by `parseHead`. @internal */
export interface BodyFraming {
  mode: number;
  length: number;
  upgrade: number;
  /** The connection closes after this message: nothing but empty lines may follow. */
  close: boolean;
}

/**
 * The incremental machinery shared by the request and response parsers (aiohttp's
 * `HttpParser`): heads split anywhere, bodies, pipelining, the upgraded state and a parser
 * that stays failed after its first error. Its public members are those of both parsers; the
 * class itself is not exported from the package (no `@internal` tag: the parsers' declarations
 * extend it).
 */
export abstract class HttpParser<M> {
  /** Set by {@link parseHead} for the message it returns. */
  protected readonly framing: BodyFraming = {
    mode: BODY_NONE,
    length: 0,
    upgrade: UPGRADE_NONE,
    close: false,
  };
  protected readonly limits: ResolvedLimits;
  readonly #handlers: HttpParserHandlers<M>;
  readonly #headReader: HeadBlockReader;
  // Made with the first body: a connection that only ever gets GETs does without it.
  #onBody: ((chunk: Buffer) => void) | undefined = undefined;
  #payload: HttpPayloadParser | undefined = undefined;
  #upgradeAfterBody = false;
  #closeAfterBody = false;
  #closed = false;
  #upgraded = false;
  #paused = false;
  #tail: Buffer[] = [];
  #error: unknown = undefined;

  constructor(
    handlers: HttpParserHandlers<M>,
    options: HttpParserLimits | undefined,
    kind: HeadKind,
    startLineCode: number,
  ) {
    this.#handlers = handlers;
    this.limits = resolveLimits(options);
    this.#headReader = new HeadBlockReader(this.limits, kind, startLineCode);
  }

  /**
   * Parses one head block, `text[start, end)` (latin1, from the start line to the empty line's
   * CRLF), into a message and sets {@link framing}. `validated`: the field lines already matched
   * FIELD_BLOCK_STICKY; `knownLineEnd`: where the start line's CRLF is, when known (else -1).
   */
  protected abstract parseHead(
    text: string,
    start: number,
    end: number,
    validated: boolean,
    knownLineEnd: number,
  ): M;

  /**
   * True once the head of an upgrade (a request with `Connection: upgrade` and `Upgrade`, a
   * CONNECT request, a 101 response) and its body, if any, were parsed: the parser then stops
   * parsing and keeps the bytes that follow for {@link takeTail}.
   */
  get upgraded(): boolean {
    return this.#upgraded;
  }

  /** True while {@link pause} holds the bytes after a message back (until {@link resume}). */
  get paused(): boolean {
    return this.#paused;
  }

  /**
   * Stops parsing at the next message boundary: the message in progress (its head, then its
   * body) still completes, and every byte after it is kept, unparsed, until {@link resume}. A
   * connection calls it from `onMessage` when it has enough requests waiting, so one client's
   * burst of pipelined requests is parsed a batch at a time (aiohttp's `pause_reading`).
   */
  pause(): void {
    this.#paused = true;
  }

  /**
   * Parses `data`, calling the handlers for everything complete in it; a partial head or body is
   * kept for the next call.
   * @throws {HttpProcessingError} (a subclass) on bad input. The parser is then dead: every later
   *   call throws the same error. An error thrown by a handler also propagates and kills it.
   */
  feedData(data: Buffer): void {
    if (this.#error !== undefined) throw this.#error;
    if (this.#upgraded || (this.#paused && this.#atBoundary())) {
      if (data.length > 0) this.#tail.push(data);
      return;
    }
    try {
      this.#execute(data);
    } catch (error) {
      this.#error = error;
      throw error;
    } finally {
      this.#headReader.release();
    }
  }

  #execute(data: Buffer): void {
    const length = data.length;
    const handlers = this.#handlers;
    let position = 0;
    while (position < length) {
      if (this.#paused && this.#atBoundary()) {
        this.#tail.push(data.subarray(position));
        return;
      }
      if (this.#closed) {
        checkAfterClose(data, position);
        return;
      }
      const payload = this.#payload;
      if (payload !== undefined) {
        position = payload.feed(data, position);
        if (!payload.done) return;
        this.#payload = undefined;
        handlers.onMessageComplete(payload.trailers);
        if (this.#upgradeAfterBody) {
          this.#enterUpgraded(data, position);
          return;
        }
        this.#closed = this.#closeAfterBody;
        continue;
      }
      const next = this.#headReader.read(data, position);
      if (next === -1) return;
      position = next;
      const reader = this.#headReader;
      const message = this.parseHead(
        reader.text,
        reader.start,
        reader.end,
        reader.validated,
        reader.lineEnd,
      );
      const framing = this.framing;
      handlers.onMessage(message);
      if (framing.mode === BODY_NONE || (framing.mode === BODY_LENGTH && framing.length === 0)) {
        handlers.onMessageComplete(undefined);
        if (framing.upgrade !== UPGRADE_NONE) {
          this.#enterUpgraded(data, position);
          return;
        }
        this.#closed = framing.close;
      } else if (framing.upgrade === UPGRADE_AFTER_HEAD) {
        handlers.onMessageComplete(undefined);
        this.#enterUpgraded(data, position);
        return;
      } else {
        this.#upgradeAfterBody = framing.upgrade === UPGRADE_AFTER_BODY;
        this.#closeAfterBody = framing.close;
        this.#payload = new HttpPayloadParser(
          framing.mode,
          framing.length,
          (this.#onBody ??= (chunk) => this.#handlers.onBody(chunk)),
          this.limits,
        );
      }
    }
  }

  /** Between messages: no body and no partial head in progress. */
  #atBoundary(): boolean {
    return this.#payload === undefined && !this.#headReader.pending;
  }

  #enterUpgraded(data: Buffer, position: number): void {
    this.#upgraded = true;
    this.#upgradeAfterBody = false;
    if (position < data.length) this.#tail.push(data.subarray(position));
  }

  /**
   * Signals the end of the input. A body read until EOF (responses without a length) then
   * completes.
   * @throws {HttpProcessingError} when a message is incomplete: a partial head
   *   ({@link BadHttpMessage}), a short Content-Length body ({@link ContentLengthError}) or an
   *   unfinished chunked body ({@link TransferEncodingError}).
   */
  feedEof(): void {
    if (this.#error !== undefined) throw this.#error;
    if (this.#upgraded) return;
    if (this.#paused && this.#tail.length > 0) {
      throw new Error("feedEof() while paused with unparsed bytes: resume() first");
    }
    try {
      const payload = this.#payload;
      if (payload !== undefined) {
        payload.feedEof();
        this.#payload = undefined;
        this.#handlers.onMessageComplete(payload.trailers);
      } else if (this.#headReader.pending) {
        throw new BadHttpMessage("Incomplete message head at end of input");
      }
    } catch (error) {
      this.#error = error;
      throw error;
    }
  }

  /**
   * Returns, and forgets, the bytes received after the upgrade message (including those fed
   * while {@link upgraded}); an empty buffer when there are none.
   */
  takeTail(): Buffer {
    const tail = this.#tail;
    this.#tail = [];
    if (tail.length === 0) return Buffer.alloc(0);
    return Buffer.concat(tail);
  }

  /**
   * Leaves the upgraded state (the upgrade was not taken) or the {@link paused} one and parses
   * the kept bytes at once, calling the handlers as `feedData` would; if a handler pauses the
   * parser again, what is left stays kept.
   * @throws {HttpProcessingError} as {@link feedData} does.
   */
  resume(): void {
    if (!this.#upgraded && !this.#paused) return;
    this.#upgraded = false;
    this.#paused = false;
    const tail = this.#tail;
    this.#tail = [];
    // Chunk by chunk, not concatenated: a burst is resumed many times, a batch at a time.
    for (let index = 0; index < tail.length; index++) {
      if (this.#upgraded || this.#paused) {
        for (let rest = index; rest < tail.length; rest++) this.#tail.push(tail[rest]!);
        return;
      }
      this.feedData(tail[index]!);
    }
  }
}

/**
 * After a message that closes the connection only empty lines may follow: anything else is
 * rejected, as llhttp and aiohttp do, rather than parsed as a request nobody will answer.
 */
function checkAfterClose(data: Buffer, position: number): void {
  for (let index = position; index < data.length; index++) {
    const byte = data[index];
    if (byte !== 13 && byte !== 10) {
      throw new BadHttpMessage("Data after `Connection: close`");
    }
  }
}
