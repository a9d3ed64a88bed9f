/**
 * A streaming, pull-based multipart body reader (aiohttp's `multipart.MultipartReader`; RFC 2046
 * §5.1 framing, RFC 7578 for `multipart/form-data`).
 */

import { CIMultiDict, CIMultiDictProxy, isToken, type ReadonlyMultiDict } from "@ll/http-protocol";
import { BodyPartReader } from "./body-part-reader.js";
import { parseHeaderParams } from "./header-params.js";
import { MultipartBuffer, type MultipartSource, malformedMultipart } from "./multipart-buffer.js";
import {
  DEFAULT_MULTIPART_LIMITS,
  type MultipartLimits,
  multipartLimitExceeded,
  type ResolvedMultipartLimits,
  resolveMultipartLimits,
} from "./multipart-limits.js";

/** Options of {@link MultipartReader}. */
export interface MultipartReaderOptions {
  /** The most bytes `BodyPartReader.read()` gathers for one part (default: unlimited). */
  clientMaxSize?: number;
  /** The longest header line of a part (aiohttp's `max_field_size`, default 8190). */
  maxFieldSize?: number;
  /** The most header lines of a part (default 128). */
  maxHeaders?: number;
  /**
   * Part counts and sizes past which reading throws a 413 (defaults:
   * {@link DEFAULT_MULTIPART_LIMITS}); counts are checked as `next()` reads each part's
   * headers, sizes as a part's data is read.
   */
  limits?: MultipartLimits;
}

/** Parts seen so far by a reader and the readers nested in it. */
interface PartCounts {
  parts: number;
  fields: number;
  files: number;
}

const CRLF = Buffer.from("\r\n");
const CRLF_CRLF = Buffer.from("\r\n\r\n");
// RFC 2046 §5.1.1: 1 to 70 characters from bchars, not ending in a space.
const BOUNDARY_RE = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;
const HEADER_VALUE_FORBIDDEN_RE = /[\x00-\x08\x0a-\x1f\x7f]/;
// Transport padding after a boundary (RFC 2046 §5.1.1 LWSP) longer than this is not padding.
const MAX_PADDING = 256;

/** A part of a multipart body: a plain part, or a nested multipart body. */
export type MultipartPart = BodyPartReader | MultipartReader;

/**
 * Reads a `multipart/*` body part by part, straight from the request body: `next()` resolves to
 * the next part (a {@link BodyPartReader}, or a nested `MultipartReader` for a `multipart/*`
 * part) or `null` after the closing boundary; `for await` works too. Reading a part is optional:
 * `next()` skips what is left of the previous one. Framing is strict: a missing or malformed
 * boundary, part headers that are not HTTP fields, or a body that ends before the closing
 * boundary throw an `HTTPBadRequest` saying what was wrong (a handler that lets it through
 * answers 400).
 *
 * @example
 * ```ts
 * import { BodyPartReader } from "@ll/server";
 * const reader = await request.multipart();
 * for (let part = await reader.next(); part !== null; part = await reader.next()) {
 *   if (part instanceof BodyPartReader) console.log(part.name, (await part.read()).length);
 * }
 * ```
 */
export class MultipartReader {
  /** The headers that declared this body (the request's, or the enclosing part's). */
  readonly headers: ReadonlyMultiDict<string>;
  readonly #buffer: MultipartBuffer;
  readonly #dashBoundary: Buffer;
  readonly #delimiter: Buffer;
  readonly #isFormData: boolean;
  readonly #clientMaxSize: number;
  readonly #maxFieldSize: number;
  readonly #maxHeaders: number;
  readonly #limits: ResolvedMultipartLimits;
  // Shared with nested readers: the limits hold for the whole body.
  #counts: PartCounts = { parts: 0, fields: 0, files: 0 };
  #atBof = true;
  #atEof = false;
  #lastPart: MultipartPart | undefined;

  /**
   * @param headers headers with the `Content-Type: multipart/…; boundary=…` of the body.
   * @param content the body: a StreamReader or anything with `readany()`.
   * @throws {HTTPBadRequest} when the Content-Type is not multipart or has no valid boundary.
   * @throws {TypeError} for an unknown limit or one that is not a number.
   * @throws {RangeError} for a limit that is not a positive integer or `Infinity`.
   */
  constructor(
    headers: ReadonlyMultiDict<string>,
    content: MultipartSource,
    options: MultipartReaderOptions = {},
  ) {
    this.#limits = resolveMultipartLimits(options.limits, DEFAULT_MULTIPART_LIMITS, "limits");
    const contentType = parseHeaderParams(headers.get("Content-Type") ?? "");
    if (contentType === undefined || !contentType.value.startsWith("multipart/")) {
      throw malformedMultipart(
        `Expected a multipart Content-Type, got ${JSON.stringify(headers.get("Content-Type") ?? "")}`,
      );
    }
    const boundary = contentType.params.get("boundary");
    if (boundary === undefined || !BOUNDARY_RE.test(boundary)) {
      throw malformedMultipart(
        boundary === undefined
          ? "The multipart Content-Type has no boundary"
          : `Invalid multipart boundary ${JSON.stringify(boundary)}: 1 to 70 characters of RFC 2046 bchars`,
      );
    }
    this.headers = headers;
    // A nested reader shares its parent's buffer (it is handed that as `content`).
    this.#buffer = content instanceof MultipartBuffer ? content : new MultipartBuffer(content);
    this.#dashBoundary = Buffer.from(`--${boundary}`, "latin1");
    this.#delimiter = Buffer.from(`\r\n--${boundary}`, "latin1");
    this.#isFormData = contentType.value === "multipart/form-data";
    // 0 means no limit, as the server's clientMaxSize.
    const maxSize = options.clientMaxSize;
    this.#clientMaxSize = maxSize !== undefined && maxSize > 0 ? maxSize : Number.POSITIVE_INFINITY;
    this.#maxFieldSize = options.maxFieldSize ?? 8190;
    this.#maxHeaders = options.maxHeaders ?? 128;
  }

  /** Whether the closing boundary has been read. */
  atEof(): boolean {
    return this.#atEof;
  }

  /**
   * Skips what is left of the previous part and resolves to the next one, or `null` after the
   * closing boundary.
   *
   * @throws {HTTPBadRequest} for malformed framing or a truncated body.
   * @throws {HTTPRequestEntityTooLarge} (413) when the part is one too many (`fields`, `files`,
   *   `parts`) or its headers are too large (`headerSize`, `headerPairs`).
   */
  async next(): Promise<MultipartPart | null> {
    if (this.#atEof) return null;
    await this.#releaseLastPart();
    if (this.#atBof) {
      await this.#readFirstBoundary();
      this.#atBof = false;
    } else {
      await this.#readBoundaryAt(0);
    }
    if (this.#atEof) return null;
    const headers = await this.#readHeaders();
    const contentType = parseHeaderParams(headers.get("Content-Type") ?? "");
    const limits = this.#limits;
    const counts = this.#counts;
    if (contentType?.value.startsWith("multipart/")) {
      const nested = new MultipartReader(headers, this.#buffer, {
        clientMaxSize: this.#clientMaxSize,
        maxFieldSize: this.#maxFieldSize,
        maxHeaders: this.#maxHeaders,
        limits,
      });
      nested.#counts = counts;
      this.#lastPart = nested;
    } else {
      const bodyPart = new BodyPartReader(headers, this.#buffer, this.#delimiter, {
        isFormData: this.#isFormData,
        maxSize: this.#clientMaxSize,
        limits,
      });
      // Kept even when a limit throws below, so that a later next() skips this part.
      this.#lastPart = bodyPart;
      // busboy's split: a part with a file name is a file, any other one a field.
      if (bodyPart.filename === undefined) {
        if (++counts.fields > limits.fields) {
          throw multipartLimitExceeded("fields", limits.fields, counts.fields);
        }
      } else if (++counts.files > limits.files) {
        throw multipartLimitExceeded("files", limits.files, counts.files);
      }
    }
    if (++counts.parts > limits.parts) {
      throw multipartLimitExceeded("parts", limits.parts, counts.parts);
    }
    return this.#lastPart;
  }

  /** Reads every remaining part into the void, up to the closing boundary. */
  async release(): Promise<void> {
    for (let part = await this.next(); part !== null; part = await this.next()) {
      await part.release();
    }
  }

  /** Iterates over the parts (`next()` until `null`). */
  async *[Symbol.asyncIterator](): AsyncGenerator<MultipartPart, void, undefined> {
    for (let part = await this.next(); part !== null; part = await this.next()) yield part;
  }

  async #releaseLastPart(): Promise<void> {
    const part = this.#lastPart;
    if (part === undefined) return;
    this.#lastPart = undefined;
    if (!part.atEof()) await part.release();
    // A nested body may have an epilogue: skip to this body's next delimiter.
    if (part instanceof MultipartReader) await this.#skipToDelimiter();
  }

  async #skipToDelimiter(): Promise<void> {
    const delimiter = this.#delimiter;
    for (;;) {
      const buffer = this.#buffer.buffer;
      const index = buffer.indexOf(delimiter);
      if (index !== -1) {
        this.#buffer.consume(index);
        return;
      }
      this.#buffer.consume(Math.max(0, buffer.length - delimiter.length + 1));
      if (!(await this.#buffer.more())) throw this.#truncated();
    }
  }

  // RFC 2046 §5.1.1: the first boundary is a dash-boundary at the very start of the body, or a
  // delimiter (CRLF + dash-boundary) after a preamble, which is discarded.
  async #readFirstBoundary(): Promise<void> {
    const dashBoundary = this.#dashBoundary;
    let atStart = true;
    for (;;) {
      const buffer = this.#buffer.buffer;
      if (atStart && buffer.length >= dashBoundary.length) {
        if (buffer.subarray(0, dashBoundary.length).equals(dashBoundary)) {
          return this.#readBoundaryTail(dashBoundary.length);
        }
        atStart = false;
      }
      if (!atStart) {
        const index = buffer.indexOf(this.#delimiter);
        if (index !== -1) {
          this.#buffer.consume(index);
          return this.#readBoundaryAt(0);
        }
        this.#buffer.consume(Math.max(0, buffer.length - this.#delimiter.length + 1));
      }
      if (!(await this.#buffer.more())) {
        throw malformedMultipart(
          `Could not find the starting boundary ${JSON.stringify(dashBoundary.toString("latin1"))} in the multipart body`,
        );
      }
    }
  }

  /** Reads the delimiter the buffer starts with and what follows it. */
  async #readBoundaryAt(offset: number): Promise<void> {
    while (this.#buffer.buffer.length < offset + this.#delimiter.length) {
      if (!(await this.#buffer.more())) throw this.#truncated();
    }
    const found = this.#buffer.buffer.subarray(offset, offset + this.#delimiter.length);
    if (!found.equals(this.#delimiter)) throw this.#invalidBoundary();
    return this.#readBoundaryTail(offset + this.#delimiter.length);
  }

  /**
   * After a boundary at `[0, end)`: `--` closes the body; otherwise optional transport padding
   * and CRLF start a part. Anything else is a malformed boundary.
   */
  async #readBoundaryTail(end: number): Promise<void> {
    for (;;) {
      const buffer = this.#buffer.buffer;
      if (buffer.length > end + 1 && buffer[end] === 0x2d /* - */) {
        if (buffer[end + 1] !== 0x2d) throw this.#invalidBoundary();
        this.#buffer.consume(end + 2);
        this.#atEof = true;
        return;
      }
      if (buffer.length === end + 1 && buffer[end] === 0x2d) {
        if (!(await this.#buffer.more())) throw this.#truncated();
        continue;
      }
      let cursor = end;
      while (cursor < buffer.length && (buffer[cursor] === 0x20 || buffer[cursor] === 0x09))
        cursor++;
      if (cursor - end > MAX_PADDING) throw this.#invalidBoundary();
      if (cursor < buffer.length) {
        if (buffer[cursor] !== 0x0d) throw this.#invalidBoundary();
        if (cursor + 1 < buffer.length) {
          if (buffer[cursor + 1] !== 0x0a) throw this.#invalidBoundary();
          this.#buffer.consume(cursor + 2);
          return;
        }
      }
      if (!(await this.#buffer.more())) throw this.#truncated();
    }
  }

  async #readHeaders(): Promise<CIMultiDictProxy<string>> {
    const limit = (this.#maxHeaders + 1) * (this.#maxFieldSize + 2);
    const headerSize = this.#limits.headerSize;
    let end: number;
    // Where the next search for CRLF CRLF starts: what was searched is not searched again.
    let scanFrom = 0;
    for (;;) {
      const buffer = this.#buffer.buffer;
      if (buffer.length >= 2 && buffer[0] === 0x0d && buffer[1] === 0x0a) {
        this.#buffer.consume(2);
        return new CIMultiDictProxy(new CIMultiDict<string>());
      }
      end = buffer.indexOf(CRLF_CRLF, scanFrom);
      if (end !== -1) break;
      // headerSize counts the header lines with their CRLFs, not the blank line: a block that
      // fits has its CRLF CRLF within the first headerSize + 2 bytes.
      if (buffer.length >= headerSize + 2) {
        throw multipartLimitExceeded("headerSize", headerSize, buffer.length);
      }
      if (buffer.length > limit) throw malformedMultipart("Multipart part headers are too large");
      scanFrom = Math.max(0, buffer.length - 3);
      if (!(await this.#buffer.more())) throw this.#truncated();
    }
    if (end + 2 > headerSize) throw multipartLimitExceeded("headerSize", headerSize, end + 2);
    const block = this.#buffer.consume(end + 4);
    const headers = new CIMultiDict<string>();
    let lines = 0;
    for (let start = 0; start < end; ) {
      let lineEnd = block.indexOf(CRLF, start);
      if (lineEnd === -1 || lineEnd > end) lineEnd = end;
      if (lineEnd - start > this.#maxFieldSize) {
        throw malformedMultipart(
          `A multipart part header line is longer than ${this.#maxFieldSize} bytes`,
        );
      }
      if (++lines > this.#limits.headerPairs) {
        throw multipartLimitExceeded("headerPairs", this.#limits.headerPairs, lines);
      }
      if (lines > this.#maxHeaders)
        throw malformedMultipart("Too many headers in a multipart part");
      const line = block.toString("utf8", start, lineEnd);
      const colon = line.indexOf(":");
      const name = colon === -1 ? "" : line.slice(0, colon);
      const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, "");
      if (!isToken(name) || HEADER_VALUE_FORBIDDEN_RE.test(value)) {
        throw malformedMultipart(`Invalid multipart part header line ${JSON.stringify(line)}`);
      }
      headers.add(name, value);
      start = lineEnd + 2;
    }
    return new CIMultiDictProxy(headers);
  }

  #invalidBoundary(): Error {
    const buffer = this.#buffer.buffer;
    const lineEnd = buffer.indexOf(CRLF, 2);
    const line = buffer.toString(
      "latin1",
      0,
      lineEnd === -1 ? Math.min(buffer.length, 80) : Math.min(lineEnd, 80),
    );
    return malformedMultipart(
      `Invalid multipart boundary line ${JSON.stringify(line.replace(/^\r\n/, ""))}, expected ${JSON.stringify(this.#dashBoundary.toString("latin1"))}`,
    );
  }

  #truncated(): Error {
    return malformedMultipart("Multipart body ended before its closing boundary");
  }
}
