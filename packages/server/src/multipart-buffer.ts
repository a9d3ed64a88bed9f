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
// The smallest joined buffer allocated: small appends then copy into spare room.
const MIN_STORE_SIZE = 16 * 1024;

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
  // The unconsumed bytes: a view of `#store`, or of the source's last chunk as is.
  #buffer: Buffer = EMPTY;
  // Memory allocated here when chunks had to be joined; room past `#buffer`'s end takes the
  // next chunks, so a buffer that grows by small chunks is copied O(log n) times, not once per
  // chunk (quadratic). Only bytes past the end are ever written: views handed out by
  // `consume()` all lie before it.
  #store: Buffer | undefined = undefined;
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
      this.#append(bytes);
      return true;
    }
    return false;
  }

  /** Hands out what is buffered, or the next chunk; empty at the end (a nested reader's source). */
  async readany(): Promise<Buffer> {
    if (this.#buffer.length === 0 && !(await this.more())) return EMPTY;
    return this.consume(this.#buffer.length);
  }

  #append(bytes: Buffer): void {
    const buffer = this.#buffer;
    if (buffer.length === 0) {
      // A StreamReader's chunks are ours to keep once handed out, so no copy unless joining.
      this.#buffer = bytes;
      this.#store = undefined;
      return;
    }
    const length = buffer.length + bytes.length;
    const store = this.#store;
    if (store !== undefined && store.buffer === buffer.buffer) {
      const start = buffer.byteOffset - store.byteOffset;
      if (start + length <= store.length) {
        bytes.copy(store, start + buffer.length);
        this.#buffer = store.subarray(start, start + length);
        return;
      }
    }
    const grown = Buffer.allocUnsafe(Math.max(2 * length, MIN_STORE_SIZE));
    buffer.copy(grown, 0);
    bytes.copy(grown, buffer.length);
    this.#store = grown;
    this.#buffer = grown.subarray(0, length);
  }

  /** Removes and returns the first `length` bytes. */
  consume(length: number): Buffer {
    const head = this.#buffer.subarray(0, length);
    this.#buffer = this.#buffer.subarray(length);
    return head;
  }
}
