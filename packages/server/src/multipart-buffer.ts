/**
 * The pull buffer a {@link MultipartReader} and its parts (nested readers included) share over
 * one body stream: the boundary scanner needs to look ahead and give back, which a StreamReader's
 * `readany()` alone does not offer.
 * @internal
 */

import { HTTPBadRequest, HTTPRequestEntityTooLarge } from "./web-exceptions.js";

/** What a multipart body is read from: `readany()` resolves to an empty chunk at the end. */
export interface MultipartSource {
  readany(): Promise<Uint8Array>;
}

const EMPTY = Buffer.alloc(0);

/**
 * The error for a malformed or truncated multipart body: a 400 whose text says what was wrong.
 * @internal
 */
export function malformedMultipart(message: string): HTTPBadRequest {
  return new HTTPBadRequest({ text: message });
}

/**
 * The error for a part larger than the reader's `clientMaxSize`: a 413.
 * @internal
 */
export function partTooLarge(maxSize: number, actualSize: number): HTTPRequestEntityTooLarge {
  return new HTTPRequestEntityTooLarge(maxSize, actualSize);
}

/** @internal */
export class MultipartBuffer implements MultipartSource {
  readonly #source: MultipartSource;
  #buffer: Buffer = EMPTY;
  #eof = false;

  constructor(source: MultipartSource) {
    this.#source = source;
  }

  /** The bytes read and not consumed yet. */
  get buffer(): Buffer {
    return this.#buffer;
  }

  /** Whether the source has ended (what is buffered is all there is). */
  get eof(): boolean {
    return this.#eof;
  }

  /** Reads one more chunk into the buffer; `false` when the source has ended. */
  async more(): Promise<boolean> {
    while (!this.#eof) {
      const chunk = await this.#source.readany();
      if (chunk.length === 0) {
        this.#eof = true;
        break;
      }
      const bytes = Buffer.isBuffer(chunk)
        ? chunk
        : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      // A StreamReader's chunks are ours to keep once handed out, so no copy unless joining.
      this.#buffer = this.#buffer.length === 0 ? bytes : Buffer.concat([this.#buffer, bytes]);
      return true;
    }
    return false;
  }

  /** Hands out what is buffered, or the next chunk; empty at the end (a nested reader's source). */
  async readany(): Promise<Buffer> {
    if (this.#buffer.length === 0 && !(await this.more())) return EMPTY;
    return this.consume(this.#buffer.length);
  }

  /** Removes and returns the first `length` bytes. */
  consume(length: number): Buffer {
    const head = this.#buffer.subarray(0, length);
    this.#buffer = this.#buffer.subarray(length);
    return head;
  }
}
