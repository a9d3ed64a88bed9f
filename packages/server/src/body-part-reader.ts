/**
 * One part of a multipart body (aiohttp's `multipart.BodyPartReader`), read in chunks straight
 * from the body stream.
 */

import { kMaxLength } from "node:buffer";
import { brotliDecompressSync, gunzipSync, inflateSync } from "node:zlib";
import type { CIMultiDictProxy } from "@ll/http-protocol";
import { contentDispositionParam } from "./content-disposition.js";
import { parseFormUrlencoded } from "./form-urlencoded.js";
import { parseHeaderParams } from "./header-params.js";
import { type MultipartBuffer, malformedMultipart, partTooLarge } from "./multipart-buffer.js";
import {
  type MultipartLimitName,
  multipartLimitExceeded,
  type ResolvedMultipartLimits,
} from "./multipart-limits.js";

const EMPTY = Buffer.alloc(0);

/** The default `readChunk` size, aiohttp's `BodyPartReader.chunk_size`. */
export const PART_CHUNK_SIZE = 8192;

/**
 * A non-multipart part of a multipart body: its `headers`, then its data through `readChunk()`
 * (streaming), `read()`, `text()`, `json()` or `form()`, or async iteration over chunks. Data
 * comes straight off the request body, so read each part before asking the reader for the next
 * (the reader skips what is left of it).
 *
 * @example
 * ```ts
 * const reader = await request.multipart();
 * for await (const part of reader) {
 *   if (part instanceof BodyPartReader && part.filename !== undefined) {
 *     for await (const chunk of part) await sink.write(chunk);
 *   }
 * }
 * ```
 */
export class BodyPartReader {
  /** The part's headers (decoded as UTF-8, as browsers send filenames). */
  readonly headers: CIMultiDictProxy<string>;
  readonly #buffer: MultipartBuffer;
  readonly #delimiter: Buffer;
  readonly #isFormData: boolean;
  readonly #maxSize: number;
  readonly #defaultCharset: string | undefined;
  // fieldSize or fileSize, whichever this part is held to, and the bytes handed out so far.
  readonly #sizeLimitName: MultipartLimitName;
  readonly #sizeLimit: number;
  #received = 0;
  #name: string | undefined | null = null;
  #filename: string | undefined | null = null;
  #atEof = false;
  // Offset below which the buffer is known not to hold the start of a delimiter.
  #scanFrom = 0;

  /** @internal Made by {@link MultipartReader.next}. */
  constructor(
    headers: CIMultiDictProxy<string>,
    buffer: MultipartBuffer,
    delimiter: Buffer,
    options: {
      isFormData: boolean;
      maxSize: number;
      limits: ResolvedMultipartLimits;
      defaultCharset?: string;
    },
  ) {
    this.headers = headers;
    this.#buffer = buffer;
    this.#delimiter = delimiter;
    this.#isFormData = options.isFormData;
    this.#maxSize = options.maxSize;
    this.#defaultCharset = options.defaultCharset;
    this.#sizeLimitName = this.filename === undefined ? "fieldSize" : "fileSize";
    this.#sizeLimit = options.limits[this.#sizeLimitName];
  }

  /** The `name` parameter of `Content-Disposition` (the form field), or `undefined`. */
  get name(): string | undefined {
    // null: not parsed yet (headers are read-only, so once is enough).
    if (this.#name === null) {
      this.#name = contentDispositionParam(this.headers.get("Content-Disposition"), "name");
    }
    return this.#name;
  }

  /**
   * The `filename` (or RFC 8187 `filename*`) parameter of `Content-Disposition`, as the client
   * sent it (`../`, backslashes, NUL included): pass it through `safeFilename()` before using
   * it in a file system path.
   */
  get filename(): string | undefined {
    if (this.#filename === null) {
      this.#filename = contentDispositionParam(this.headers.get("Content-Disposition"), "filename");
    }
    return this.#filename;
  }

  /** Whether the part's data has been read up to its boundary. */
  atEof(): boolean {
    return this.#atEof;
  }

  /**
   * Reads up to `size` bytes of the part's raw data (not decoded); an empty buffer once the part
   * is over.
   *
   * @throws {HTTPBadRequest} when the body ends before the part's closing boundary.
   * @throws {HTTPRequestEntityTooLarge} (413) once more than the `fieldSize` limit (a part
   *   without a file name) or the `fileSize` limit (with one) has been read.
   */
  async readChunk(size: number = PART_CHUNK_SIZE): Promise<Buffer> {
    if (this.#atEof) return EMPTY;
    if (!(size > 0)) throw new RangeError("size must be a positive number");
    const chunk = await this.#nextChunk(size);
    this.#received += chunk.length;
    if (this.#received > this.#sizeLimit) {
      throw multipartLimitExceeded(this.#sizeLimitName, this.#sizeLimit, this.#received);
    }
    return chunk;
  }

  /** The next up to `size` bytes of the part; empty at its end. */
  async #nextChunk(size: number): Promise<Buffer> {
    const delimiter = this.#delimiter;
    for (;;) {
      const buffer = this.#buffer.buffer;
      const index = buffer.indexOf(delimiter, this.#scanFrom);
      if (index !== -1) {
        const length = Math.min(index, size);
        if (length === index) this.#atEof = true;
        this.#scanFrom = index - length;
        return this.#buffer.consume(length);
      }
      // Bytes before the last (delimiter length - 1) cannot start a delimiter: hand them out.
      const safe = buffer.length - delimiter.length + 1;
      if (safe > 0) {
        const length = Math.min(safe, size);
        this.#scanFrom = safe - length;
        return this.#buffer.consume(length);
      }
      if (!(await this.#buffer.more())) {
        throw malformedMultipart(
          "Multipart body ended inside a part: its closing boundary is missing",
        );
      }
    }
  }

  /**
   * Reads the rest of the part's data; with `decode`, undoes its Content-Transfer-Encoding and
   * (outside `multipart/form-data`, RFC 7578 §4.8) Content-Encoding.
   *
   * @throws {HTTPRequestEntityTooLarge} when the part outgrows the reader's `clientMaxSize`, or
   *   its `fieldSize`/`fileSize` limit.
   */
  async read(options: { decode?: boolean } = {}): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let size = 0;
    for (;;) {
      const chunk = await this.readChunk(65536);
      if (chunk.length === 0) break;
      size += chunk.length;
      if (size > this.#maxSize) throw partTooLarge(this.#maxSize, size);
      chunks.push(chunk);
    }
    const data = Buffer.concat(chunks, size);
    return options.decode ? this.decode(data) : data;
  }

  /** Reads the part as text, in `encoding` or the part's charset (UTF-8 by default). */
  async text(options: { encoding?: string } = {}): Promise<string> {
    const data = await this.read({ decode: true });
    return decodeText(data, options.encoding ?? this.getCharset("utf-8"));
  }

  /** Reads the part as JSON; `undefined` for an empty part, as aiohttp's `None`. */
  async json(options: { encoding?: string } = {}): Promise<unknown> {
    const text = await this.text(options);
    if (text === "") return undefined;
    try {
      return JSON.parse(text);
    } catch (error) {
      throw malformedMultipart(`Multipart part is not valid JSON: ${(error as Error).message}`);
    }
  }

  /** Reads the part as `application/x-www-form-urlencoded` pairs. */
  async form(options: { encoding?: string } = {}): Promise<Array<[string, string]>> {
    const data = await this.read({ decode: true });
    return parseFormUrlencoded(data, options.encoding ?? this.getCharset("utf-8"));
  }

  /** Reads what is left of the part into the void (aiohttp's `release`); no size limit applies. */
  async release(): Promise<void> {
    while (!this.#atEof) await this.#nextChunk(65536);
  }

  /**
   * Undoes the part's Content-Transfer-Encoding (base64, quoted-printable; 7bit/8bit/binary as
   * is) and, outside form-data, its Content-Encoding (gzip, deflate, br).
   *
   * @throws {HTTPBadRequest} for an unknown or corrupt encoding.
   */
  decode(data: Buffer): Buffer {
    const transfer = this.headers.get("Content-Transfer-Encoding")?.trim().toLowerCase();
    if (transfer === "base64") data = Buffer.from(data.toString("latin1"), "base64");
    else if (transfer === "quoted-printable") data = decodeQuotedPrintable(data);
    else if (
      transfer !== undefined &&
      transfer !== "binary" &&
      transfer !== "8bit" &&
      transfer !== "7bit"
    ) {
      throw malformedMultipart(
        `Unknown Content-Transfer-Encoding in a multipart part: ${transfer}`,
      );
    }
    const coding = this.#isFormData
      ? undefined
      : this.headers.get("Content-Encoding")?.trim().toLowerCase();
    if (coding === undefined || coding === "identity") return data;
    const options = { maxOutputLength: Math.min(this.#maxSize, kMaxLength) };
    try {
      if (coding === "gzip" || coding === "x-gzip") return gunzipSync(data, options);
      if (coding === "deflate") return inflateSync(data, options);
      if (coding === "br") return brotliDecompressSync(data, options);
    } catch (error) {
      throw malformedMultipart(
        `Cannot decode a ${coding} multipart part: ${(error as Error).message}`,
      );
    }
    throw malformedMultipart(`Unknown Content-Encoding in a multipart part: ${coding}`);
  }

  /** The `charset` parameter of the part's Content-Type, or the form's `_charset_`, or `fallback`. */
  getCharset(fallback: string): string {
    const contentType = this.headers.get("Content-Type");
    const charset =
      contentType === undefined ? undefined : parseHeaderParams(contentType)?.params.get("charset");
    return charset ?? this.#defaultCharset ?? fallback;
  }

  /** Iterates over the part's raw data in chunks. */
  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer, void, undefined> {
    for (;;) {
      const chunk = await this.readChunk();
      if (chunk.length === 0) return;
      yield chunk;
    }
  }
}

/**
 * Decodes bytes in a WHATWG-named charset.
 *
 * @throws {HTTPBadRequest} for a charset the runtime does not know.
 */
export function decodeText(data: Buffer, charset: string): string {
  try {
    return new TextDecoder(charset).decode(data);
  } catch {
    throw malformedMultipart(`Unknown charset ${JSON.stringify(charset)}`);
  }
}

// RFC 2045 §6.7: "=XX" is an octet, "=" at the end of a line is a soft line break.
function decodeQuotedPrintable(data: Buffer): Buffer {
  const text = data.toString("latin1").replace(/=\r?\n/g, "");
  return Buffer.from(
    text.replace(/=([0-9A-Fa-f]{2})/g, (_match, hex: string) =>
      String.fromCharCode(Number.parseInt(hex, 16)),
    ),
    "latin1",
  );
}
