/**
 * The body of a request as a pull stream: aiohttp's `streams.StreamReader`.
 *
 * The connection feeds it the body chunks the parser emits; the handler reads them with
 * `read()`, `readany()`, `readexactly()`, `readline()`, `iterChunked()` or `for await`. The
 * buffer is bounded by flow control: past `highWaterMark` buffered bytes the reader asks the
 * connection to stop reading the socket (`onPause`), and once reads bring it to half of that it
 * asks to go on (`onResume`).
 */

const EMPTY = Buffer.alloc(0);
const DEFAULT_HIGH_WATER_MARK = 64 * 1024;
const DEFAULT_MAX_LINE_SIZE = 64 * 1024;

/** Options of {@link StreamReader}. */
export interface StreamReaderOptions {
  /** Buffered bytes past which `onPause` is called (default 64 KiB). */
  highWaterMark?: number;
  /** Called once when the buffer passes `highWaterMark`: stop feeding. */
  onPause?(): void;
  /** Called once when reads bring a paused buffer back to half of `highWaterMark`. */
  onResume?(): void;
  /** Called on the first read of any kind (the connection sends `100 Continue` then). */
  onFirstRead?(): void;
  /** Longest line `readline()`/`readuntil()` accepts (default 64 KiB). */
  maxLineSize?: number;
}

/** The body ended before `readexactly(n)` got its `n` bytes (Python's `IncompleteReadError`). */
export class IncompleteReadError extends Error {
  override name = "IncompleteReadError";
  /** The bytes read before the end. */
  readonly partial: Buffer;
  /** How many bytes were asked for. */
  readonly expected: number;

  constructor(partial: Buffer, expected: number) {
    super(`${partial.length} bytes read on a total of ${expected} expected bytes`);
    this.partial = partial;
    this.expected = expected;
  }
}

/** A line or `readuntil()` chunk was longer than `maxLineSize` (aiohttp's `LineTooLong`). */
export class LineLimitError extends Error {
  override name = "LineLimitError";
  constructor(limit: number) {
    super(`Line is longer than ${limit} bytes`);
  }
}

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * A request body stream (aiohttp's `StreamReader`).
 *
 * Async iteration yields the chunks as they arrive (Node's convention; aiohttp iterates lines,
 * which `readline()` gives here).
 *
 * @example
 * for await (const chunk of request.content) hash.update(chunk);
 */
export class StreamReader implements AsyncIterable<Buffer> {
  readonly #highWaterMark: number;
  readonly #lowWaterMark: number;
  readonly #maxLineSize: number;
  readonly #onPause: (() => void) | undefined;
  readonly #onResume: (() => void) | undefined;
  #onFirstRead: (() => void) | undefined;
  // Buffered chunks from #head on; the first one is consumed from #offset.
  #chunks: Buffer[] = [];
  #head = 0;
  #offset = 0;
  #size = 0;
  #total = 0;
  #eof = false;
  #paused = false;
  #error: unknown = undefined;
  #waiter: Waiter | undefined = undefined;

  constructor(options: StreamReaderOptions = {}) {
    this.#highWaterMark = options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK;
    if (!(this.#highWaterMark > 0)) throw new RangeError("highWaterMark must be a positive number");
    this.#lowWaterMark = this.#highWaterMark / 2;
    this.#maxLineSize = options.maxLineSize ?? DEFAULT_MAX_LINE_SIZE;
    this.#onPause = options.onPause;
    this.#onResume = options.onResume;
    this.#onFirstRead = options.onFirstRead;
  }

  /** Bytes fed so far (the body size once at EOF). */
  get totalBytes(): number {
    return this.#total;
  }

  /** Bytes buffered and not read yet. */
  get bufferedSize(): number {
    return this.#size;
  }

  /** True once the end of the body was fed (bytes may still be buffered). */
  isEof(): boolean {
    return this.#eof;
  }

  /** True once the end was fed and every byte was read. */
  atEof(): boolean {
    return this.#eof && this.#size === 0;
  }

  /** The error set by {@link setException}, if any. */
  exception(): unknown {
    return this.#error;
  }

  /** Appends a body chunk (kept by reference, not copied). Ignored after EOF. */
  feedData(chunk: Buffer): void {
    if (this.#eof || chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    this.#total += chunk.length;
    if (!this.#paused && this.#size > this.#highWaterMark) {
      this.#paused = true;
      this.#onPause?.();
    }
    this.#wake();
  }

  /** Marks the end of the body. */
  feedEof(): void {
    this.#eof = true;
    this.#wake();
  }

  /** Fails the pending read and every later one with `error` (e.g. the client went away). */
  setException(error: unknown): void {
    this.#error = error;
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.reject(error);
  }

  /** Puts bytes back in front of the buffer (aiohttp's `unread_data`). */
  unreadData(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.#compact();
    this.#chunks.unshift(chunk);
    this.#size += chunk.length;
  }

  /**
   * Reads up to `n` bytes (at least one unless the body has ended), or with `n = -1` (the
   * default) everything up to the end.
   */
  async read(n = -1): Promise<Buffer> {
    this.#beginRead();
    if (n === 0) return EMPTY;
    if (n < 0) {
      while (!this.#eof) await this.#wait();
      return this.#take(this.#size);
    }
    while (this.#size === 0 && !this.#eof) await this.#wait();
    return this.#take(Math.min(n, this.#size));
  }

  /** Reads what is buffered, waiting for at least one byte unless the body has ended. */
  async readany(): Promise<Buffer> {
    this.#beginRead();
    while (this.#size === 0 && !this.#eof) await this.#wait();
    if (this.#size === 0) return EMPTY;
    const first = this.#chunks[this.#head]!;
    return this.#take(first.length - this.#offset);
  }

  /**
   * Reads exactly `n` bytes.
   * @throws {IncompleteReadError} when the body ends first.
   */
  async readexactly(n: number): Promise<Buffer> {
    this.#beginRead();
    while (this.#size < n && !this.#eof) await this.#wait();
    if (this.#size < n) {
      const partial = this.#take(this.#size);
      throw new IncompleteReadError(partial, n);
    }
    return this.#take(n);
  }

  /** Reads one line, `\n` included (the rest of the body when it has no more `\n`). */
  readline(): Promise<Buffer> {
    return this.readuntil("\n");
  }

  /**
   * Reads up to and including `separator` (the rest of the body when it does not come).
   * @throws {LineLimitError} when no separator comes within `maxLineSize` bytes.
   */
  async readuntil(separator: string | Buffer = "\n"): Promise<Buffer> {
    this.#beginRead();
    const needle = typeof separator === "string" ? Buffer.from(separator, "latin1") : separator;
    if (needle.length === 0) throw new TypeError("separator must not be empty");
    let searched = 0;
    for (;;) {
      if (this.#size > 0) {
        const joined = this.#joinBuffered();
        const found = joined.indexOf(needle, Math.max(0, searched - needle.length + 1));
        if (found !== -1) {
          const length = found + needle.length;
          if (length > this.#maxLineSize) throw new LineLimitError(this.#maxLineSize);
          return this.#take(length);
        }
        searched = joined.length;
        if (searched > this.#maxLineSize) throw new LineLimitError(this.#maxLineSize);
      }
      if (this.#eof) return this.#take(this.#size);
      await this.#wait();
    }
  }

  /** Yields chunks of at most `size` bytes until the end. */
  async *iterChunked(size: number): AsyncGenerator<Buffer, void, undefined> {
    if (!(size > 0)) throw new RangeError("size must be a positive number");
    for (;;) {
      const chunk = await this.read(size);
      if (chunk.length === 0) return;
      yield chunk;
    }
  }

  /** Yields the chunks as they arrive until the end. */
  async *iterAny(): AsyncGenerator<Buffer, void, undefined> {
    for (;;) {
      const chunk = await this.readany();
      if (chunk.length === 0) return;
      yield chunk;
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<Buffer> {
    return this.iterAny();
  }

  #beginRead(): void {
    if (this.#error !== undefined) throw this.#error;
    if (this.#waiter !== undefined) {
      // aiohttp raises RuntimeError: two readers would steal each other's bytes.
      throw new Error("StreamReader: another read is already waiting for data");
    }
    const onFirstRead = this.#onFirstRead;
    if (onFirstRead !== undefined) {
      this.#onFirstRead = undefined;
      onFirstRead();
    }
  }

  #wait(): Promise<void> {
    if (this.#error !== undefined) return Promise.reject(this.#error);
    return new Promise<void>((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }

  #wake(): void {
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.resolve();
  }

  // Merges the buffered chunks into one, so a search sees them all; returns it.
  #joinBuffered(): Buffer {
    this.#compact();
    if (this.#chunks.length > 1) this.#chunks = [Buffer.concat(this.#chunks, this.#size)];
    return this.#chunks[0]!;
  }

  // Drops consumed chunks and the consumed part of the first one.
  #compact(): void {
    if (this.#head > 0) {
      this.#chunks = this.#chunks.slice(this.#head);
      this.#head = 0;
    }
    if (this.#offset > 0 && this.#chunks.length > 0) {
      this.#chunks[0] = this.#chunks[0]!.subarray(this.#offset);
      this.#offset = 0;
    }
  }

  // Removes and returns the first `n` buffered bytes (n <= #size): a view when they are in one chunk.
  #take(n: number): Buffer {
    if (n === 0) return EMPTY;
    const first = this.#chunks[this.#head]!;
    let result: Buffer;
    if (first.length - this.#offset >= n) {
      result = first.subarray(this.#offset, this.#offset + n);
      this.#advance(n);
    } else {
      result = Buffer.allocUnsafe(n);
      let copied = 0;
      while (copied < n) {
        const chunk = this.#chunks[this.#head]!;
        const count = Math.min(chunk.length - this.#offset, n - copied);
        chunk.copy(result, copied, this.#offset, this.#offset + count);
        copied += count;
        this.#advance(count);
      }
    }
    this.#size -= n;
    if (this.#paused && this.#size <= this.#lowWaterMark) {
      this.#paused = false;
      this.#onResume?.();
    }
    return result;
  }

  // Consumes `count` bytes of the first chunk (at most what it has left).
  #advance(count: number): void {
    this.#offset += count;
    if (this.#offset === this.#chunks[this.#head]!.length) {
      this.#chunks[this.#head] = EMPTY;
      this.#head += 1;
      this.#offset = 0;
      if (this.#head === this.#chunks.length) {
        this.#chunks = [];
        this.#head = 0;
      }
    }
  }
}

/**
 * The body of every request that has none (aiohttp's `EMPTY_PAYLOAD`): at EOF from the start.
 * One instance serves every connection, so nothing may change it: feeding, failing and
 * un-reading are refused or ignored, and reads find nothing to consume.
 */
class EmptyPayload extends StreamReader {
  constructor() {
    super();
    super.feedEof();
    Object.freeze(this);
  }

  /** Ignored: an empty body gets no data. */
  override feedData(_chunk: Buffer): void {}

  /** Ignored: already at EOF. */
  override feedEof(): void {}

  /** Ignored: a body that is complete cannot fail, and failing it would fail it for everyone. */
  override setException(_error: unknown): void {}

  /** @throws {Error} always: the shared empty body cannot take bytes back. */
  override unreadData(chunk: Buffer): void {
    if (chunk.length > 0) throw new Error("Cannot unread data into an empty request body");
  }
}

/** The shared, immutable body of requests without one. @internal */
export const EMPTY_PAYLOAD: StreamReader = new EmptyPayload();
