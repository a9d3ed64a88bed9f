import type { CIMultiDictProxy } from "./ci-multi-dict.js";
import { describeByte } from "./describe-byte.js";
import { buildHeaders, parseFieldLines } from "./field-lines.js";
import { decodeLatin1, HeadBlockReader } from "./head-block-reader.js";
import { ContentLengthError, TransferEncodingError } from "./http-exceptions.js";
import type { ResolvedLimits } from "./parser-limits.js";
import { CHUNK_EXT_RE } from "./token-tables.js";

/** No body. @internal */
export const BODY_NONE = 0;
/** A body of `Content-Length` bytes. @internal */
export const BODY_LENGTH = 1;
/** A chunked body (RFC 9112 §7.1). @internal */
export const BODY_CHUNKED = 2;
/** A body that ends when the connection does (responses only, RFC 9112 §6.3 item 8). @internal */
export const BODY_UNTIL_EOF = 3;

// Chunked decoding states (RFC 9112 §7.1).
const CHUNK_SIZE = 0;
const CHUNK_DATA = 1;
const CHUNK_DATA_CR = 2;
const CHUNK_DATA_LF = 3;
const CHUNK_TRAILERS = 4;

const CR = 13;
const LF = 10;

// HEX_VALUE[byte] is the value of a HEXDIG, or 255.
// biome-ignore format: lookup table
const HEX_VALUE = new Uint8Array(256).fill(255);
for (let digit = 0; digit < 10; digit++) HEX_VALUE[48 + digit] = digit;
for (let digit = 0; digit < 6; digit++) HEX_VALUE[65 + digit] = HEX_VALUE[97 + digit] = 10 + digit;

/**
 * Trailer fields that are dropped, not returned (RFC 9110 §6.5.1: a trailer must not carry
 * framing, routing, request modifiers or content metadata, and a recipient must not merge such
 * a field into the header section). Dropping rather than rejecting mirrors what llhttp-based
 * servers do while keeping such fields from ever reaching application code.
 */
const FORBIDDEN_TRAILERS = new Set([
  "transfer-encoding",
  "content-length",
  "host",
  "content-encoding",
  "content-type",
  "content-range",
  "trailer",
  "connection",
  "keep-alive",
  "upgrade",
  "te",
  "authorization",
  "cookie",
  "set-cookie",
  "expect",
]);

/**
 * Decodes one message body (Content-Length, chunked with trailers, or until EOF) from buffers
 * split anywhere, handing the payload bytes to `onBody` as zero-copy `subarray`s of the buffers
 * it is fed. Chunk extensions are validated and ignored.
 * @internal
 */
export class HttpPayloadParser {
  /** True once the body is complete. */
  done = false;
  /** The trailer section of a chunked body, once `done`. */
  trailers: CIMultiDictProxy<string> | undefined = undefined;
  readonly #onBody: (chunk: Buffer) => void;
  readonly #limits: ResolvedLimits;
  readonly #mode: number;
  #remaining: number;
  #chunkState = CHUNK_SIZE;
  #sizeLine: Buffer | undefined = undefined;
  #trailerReader: HeadBlockReader | undefined = undefined;

  constructor(
    mode: number,
    length: number,
    onBody: (chunk: Buffer) => void,
    limits: ResolvedLimits,
  ) {
    this.#mode = mode;
    this.#remaining = length;
    this.#onBody = onBody;
    this.#limits = limits;
    if (mode === BODY_NONE || (mode === BODY_LENGTH && length === 0)) this.done = true;
  }

  /**
   * Takes body bytes from `data` at `position`; returns the position after them (where the next
   * message starts once {@link done}).
   * @throws {TransferEncodingError} on a malformed chunked body.
   */
  feed(data: Buffer, position: number): number {
    const length = data.length;
    if (this.#mode === BODY_LENGTH) {
      const available = length - position;
      if (available <= 0) return position;
      const take = Math.min(available, this.#remaining);
      this.#remaining -= take;
      if (this.#remaining === 0) this.done = true;
      this.#onBody(data.subarray(position, position + take));
      return position + take;
    }
    if (this.#mode === BODY_UNTIL_EOF) {
      if (position < length) this.#onBody(data.subarray(position));
      return length;
    }
    while (position < length && !this.done) {
      switch (this.#chunkState) {
        case CHUNK_SIZE:
          position = this.#readSizeLine(data, position);
          break;
        case CHUNK_DATA: {
          const available = length - position;
          const take = Math.min(available, this.#remaining);
          this.#remaining -= take;
          if (this.#remaining === 0) this.#chunkState = CHUNK_DATA_CR;
          this.#onBody(data.subarray(position, position + take));
          position += take;
          break;
        }
        case CHUNK_DATA_CR:
        case CHUNK_DATA_LF: {
          const expected = this.#chunkState === CHUNK_DATA_CR ? CR : LF;
          if (data[position] !== expected) {
            throw new TransferEncodingError(
              `Missing CRLF after chunk data: found ${describeByte(data[position]!)}`,
            );
          }
          position++;
          this.#chunkState = expected === CR ? CHUNK_DATA_LF : CHUNK_SIZE;
          break;
        }
        default:
          position = this.#readTrailers(data, position);
      }
    }
    return position;
  }

  /** Reads a `chunk-size [ chunk-ext ] CRLF` line (RFC 9112 §7.1). */
  #readSizeLine(data: Buffer, position: number): number {
    const lf = data.indexOf(LF, position);
    const kept = this.#sizeLine;
    if (lf === -1) {
      const rest = data.subarray(position);
      // Check before copying; the last byte may be the line's CR.
      this.#checkSizeLineLength((kept?.length ?? 0) + rest.length - 1);
      this.#sizeLine = kept === undefined ? Buffer.from(rest) : Buffer.concat([kept, rest]);
      return data.length;
    }
    if (kept === undefined) {
      this.#parseSizeLine(data, position, lf);
    } else {
      this.#sizeLine = undefined;
      const line = Buffer.concat([kept, data.subarray(position, lf + 1)]);
      this.#parseSizeLine(line, 0, line.length - 1);
    }
    return lf + 1;
  }

  #checkSizeLineLength(size: number): void {
    // A chunk-size line is bounded like a start line: an endless extension must not grow memory.
    if (size > this.#limits.maxLineSize) {
      throw new TransferEncodingError(
        `Chunk size line is too long: more than ${this.#limits.maxLineSize} bytes (maxLineSize)`,
      );
    }
  }

  /** Parses the size line `line[start, lf)` (`lf` is the index of its LF). */
  #parseSizeLine(line: Buffer, start: number, lf: number): void {
    this.#checkSizeLineLength(lf - start - 1);
    if (line[lf - 1] !== CR || lf === start) {
      throw new TransferEncodingError("Bare LF after chunk size");
    }
    const end = lf - 1;
    let size = 0;
    let index = start;
    for (; index < end; index++) {
      const digit = HEX_VALUE[line[index]!]!;
      if (digit === 255) break;
      size = size * 16 + digit;
      if (size > Number.MAX_SAFE_INTEGER) {
        throw new TransferEncodingError("Chunk size is too large (over 2^53 - 1)");
      }
    }
    if (index === start) {
      throw new TransferEncodingError(
        `Invalid chunk size: ${JSON.stringify(decodeLatin1(line, start, end))}`,
      );
    }
    if (index < end && !CHUNK_EXT_RE.test(decodeLatin1(line, index, end))) {
      throw new TransferEncodingError(
        `Invalid chunk size or extension: ${JSON.stringify(decodeLatin1(line, start, end))}`,
      );
    }
    if (size === 0) {
      this.#chunkState = CHUNK_TRAILERS;
    } else {
      this.#remaining = size;
      this.#chunkState = CHUNK_DATA;
    }
  }

  /** Reads the trailer section and its empty line (RFC 9112 §7.1.2). */
  #readTrailers(data: Buffer, position: number): number {
    const reader = (this.#trailerReader ??= new HeadBlockReader(this.#limits, "trailer", 431));
    const next = reader.read(data, position);
    if (next === -1) return data.length;
    const text = reader.text;
    if (text.length > 2) {
      const { rawHeaders } = parseFieldLines(text, 0, text.length, this.#limits, "trailer");
      this.trailers = buildHeaders(rawHeaders, FORBIDDEN_TRAILERS);
    }
    this.done = true;
    return next;
  }

  /**
   * The input ended. A body read until EOF is then complete.
   * @throws {ContentLengthError} when fewer than Content-Length bytes came.
   * @throws {TransferEncodingError} when the chunked body did not end.
   */
  feedEof(): void {
    if (this.done) return;
    if (this.#mode === BODY_UNTIL_EOF) {
      this.done = true;
    } else if (this.#mode === BODY_LENGTH) {
      throw new ContentLengthError(
        `Not enough data to satisfy Content-Length: ${this.#remaining} more bytes were expected`,
      );
    } else {
      throw new TransferEncodingError("Not enough data to satisfy chunked transfer coding");
    }
  }
}
