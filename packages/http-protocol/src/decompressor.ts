import { Transform, type TransformCallback } from "node:stream";
import * as zlib from "node:zlib";
import { ContentEncodingError, HttpProcessingError } from "./http-exceptions.js";

/** A content coding {@link createDecompressor} undoes (RFC 9110 §8.4.1). */
/** A content coding this package can decode and encode (RFC 9110 §8.4.1). */
export type ContentCoding = "gzip" | "deflate" | "br";

/** Options of {@link createDecompressor}. */
export interface DecompressorOptions {
  /**
   * Most bytes the decompressed body may have. Past it the stream fails with a 413
   * `HttpProcessingError` and stops inflating, so a small "zip bomb" cannot exhaust memory.
   */
  maxOutputSize: number;
}

type Inflater = zlib.Gunzip | zlib.Inflate | zlib.InflateRaw | zlib.BrotliDecompress;

/**
 * A Transform that undoes one content coding with a bound on its output. Inflation runs on the
 * zlib thread pool one output chunk (16 KiB) at a time, and Node's zlib stops between chunks
 * once its stream is destroyed: passing the bound destroys it, so at most one chunk more than
 * `maxOutputSize` is ever produced.
 */
class Decompressor extends Transform {
  readonly #encoding: ContentCoding;
  readonly #maxOutputSize: number;
  #inflater: Inflater | undefined = undefined;
  #outputSize = 0;
  #header: Buffer | undefined = undefined;
  #failed = false;

  constructor(encoding: ContentCoding, maxOutputSize: number) {
    super();
    this.#encoding = encoding;
    this.#maxOutputSize = maxOutputSize;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.#failed) {
      callback();
      return;
    }
    let inflater = this.#inflater;
    if (inflater === undefined) {
      if (this.#encoding === "deflate") {
        // Look at the first two bytes to tell zlib-wrapped from raw deflate.
        const header = this.#header === undefined ? chunk : Buffer.concat([this.#header, chunk]);
        if (header.length < 2) {
          this.#header = header;
          callback();
          return;
        }
        this.#header = undefined;
        chunk = header;
      }
      inflater = this.#inflater = this.#createInflater(chunk);
    }
    inflater.write(chunk, () => callback());
  }

  override _flush(callback: TransformCallback): void {
    const inflater = this.#inflater;
    if (this.#failed) {
      callback();
    } else if (inflater !== undefined) {
      inflater.once("end", () => callback());
      inflater.end();
    } else if (this.#header !== undefined) {
      callback(new ContentEncodingError("Can not decode content-encoding: deflate (truncated)"));
    } else {
      callback(); // an empty body
    }
  }

  override _destroy(error: Error | null, callback: (error: Error | null) => void): void {
    this.#inflater?.destroy();
    callback(error);
  }

  #createInflater(first: Buffer): Inflater {
    let inflater: Inflater;
    if (this.#encoding === "gzip") {
      inflater = zlib.createGunzip();
    } else if (this.#encoding === "br") {
      inflater = zlib.createBrotliDecompress();
    } else {
      // RFC 9110 §8.4.1.2 says zlib-wrapped, but some servers send raw deflate (aiohttp's
      // ZLibDecompressor accepts both): a zlib header has CM = 8 and a check multiple of 31.
      const zlibWrapped = (first[0]! & 0x0f) === 8 && ((first[0]! << 8) | first[1]!) % 31 === 0;
      inflater = zlibWrapped ? zlib.createInflate() : zlib.createInflateRaw();
    }
    inflater.on("data", (chunk: Buffer) => {
      if (this.#failed) return;
      this.#outputSize += chunk.length;
      if (this.#outputSize > this.#maxOutputSize) {
        this.#fail(
          new HttpProcessingError(
            `Decompressed body is too large: more than ${this.#maxOutputSize} bytes (maxOutputSize)`,
            { code: 413 },
          ),
        );
        return;
      }
      this.push(chunk);
    });
    inflater.on("error", (error: Error) => {
      this.#fail(
        new ContentEncodingError(`Can not decode content-encoding: ${this.#encoding}`, {
          cause: error,
        }),
      );
    });
    return inflater;
  }

  #fail(error: Error): void {
    if (this.#failed) return;
    this.#failed = true;
    this.#inflater?.destroy();
    this.destroy(error);
  }
}

/**
 * Creates a Transform that decompresses a body sent with `Content-Encoding` `gzip`, `deflate`
 * (zlib-wrapped or raw) or `br` (aiohttp's `DeflateBuffer`).
 *
 * The stream errors with a {@link ContentEncodingError} on corrupt or truncated data and with an
 * `HttpProcessingError` whose `code` is 413 once the output passes `maxOutputSize`.
 *
 * @example
 * ```ts
 * import { createDecompressor } from "@ll/http-protocol";
 *
 * const gunzip = createDecompressor("gzip", { maxOutputSize: 10 * 1024 * 1024 });
 * ```
 * @throws {RangeError} when `maxOutputSize` is not a non-negative number, or for another encoding.
 */
export function createDecompressor(
  encoding: ContentCoding,
  options: DecompressorOptions,
): Transform {
  const { maxOutputSize } = options;
  if (typeof maxOutputSize !== "number" || Number.isNaN(maxOutputSize) || maxOutputSize < 0) {
    throw new RangeError("maxOutputSize must be a non-negative number");
  }
  if (encoding !== "gzip" && encoding !== "deflate" && encoding !== "br") {
    throw new RangeError(`encoding must be "gzip", "deflate" or "br", not ${String(encoding)}`);
  }
  return new Decompressor(encoding, maxOutputSize);
}
