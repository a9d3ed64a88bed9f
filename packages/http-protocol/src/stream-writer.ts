import zlib from "node:zlib";
import { chunkFrame, LAST_CHUNK } from "./chunk.js";
import { ConnectionResetError } from "./connection-reset-error.js";
import type { ContentCoding } from "./decompressor.js";

/**
 * What a {@link StreamWriter} writes to: a `net.Socket` or `tls.TLSSocket`, or any `Writable`
 * that has these members.
 */
export interface StreamWriterSink {
  write(chunk: Buffer): boolean;
  cork(): void;
  uncork(): void;
  readonly writableNeedDrain: boolean;
  readonly destroyed: boolean;
  readonly writableEnded: boolean;
  once(event: "drain" | "close" | "error", listener: (error?: Error) => void): unknown;
  off(event: "drain" | "close" | "error", listener: (error?: Error) => void): unknown;
}

// Parts smaller than this in total are copied into one buffer and written at once; larger
// ones are written one by one under cork() so that Node sends them with one writev().
const COALESCE_LIMIT = 16 * 1024;

// Brotli's default quality (11) is meant for static assets; a dynamic response wants speed.
// aiohttp leaves it at 11; we default to 4, where brotli still beats gzip -6 on text.
const DEFAULT_BROTLI_QUALITY = 4;

const RESOLVED: Promise<void> = Promise.resolve();
const EMPTY = Buffer.alloc(0);

/**
 * Writes one HTTP/1.1 message (a response) to a socket: the head, then the body, optionally
 * compressed and chunked. aiohttp's `StreamWriter`.
 *
 * - The head given to {@link writeHeaders} is held and sent together with the first body bytes
 *   (or at {@link writeEof} / {@link drain}), so a small response leaves in one write.
 * - Several buffers (head, chunk size, data, CRLF) go out as one: copied together when small,
 *   else written under `cork()`/`uncork()` so that Node issues a single `writev`.
 * - {@link write} resolves once the socket is under its high-water mark (at once, or on
 *   `'drain'`): `await writer.write(chunk)` in a loop holds memory bounded. It rejects with a
 *   {@link ConnectionResetError} if the socket is closed or fails first.
 * - With compression on, each {@link write} is compressed and flushed (`Z_SYNC_FLUSH`, brotli's
 *   `FLUSH`), so a streamed response (server-sent events, progress) reaches the client as it is
 *   written rather than when zlib's window fills; writes are queued to keep their order.
 *
 * The writer never ends or destroys the socket: keep-alive is the caller's business.
 *
 * @example
 * ```ts
 * import { HttpVersion11, StreamWriter, serializeResponseHead } from "@ll/http-protocol";
 * const writer = new StreamWriter(socket);
 * writer.enableChunking();
 * writer.writeHeaders(serializeResponseHead(HttpVersion11, 200, "OK", [["Transfer-Encoding", "chunked"]]));
 * await writer.write("hello");
 * await writer.writeEof();
 * ```
 */
export class StreamWriter {
  readonly #sink: StreamWriterSink;
  #head: Buffer | undefined = undefined;
  #chunked = false;
  #compressor: zlib.Gzip | zlib.Deflate | zlib.BrotliCompress | undefined = undefined;
  #flushKind = 0;
  #compressed: Buffer[] = [];
  #compressedLength = 0;
  #compressorError: Error | undefined = undefined;
  #queue: Promise<void> = RESOLVED;
  #drainWaiter: Promise<void> | undefined = undefined;
  #headGiven = false;
  #bodyStarted = false;
  #eof = false;
  #outputSize = 0;

  constructor(sink: StreamWriterSink) {
    this.#sink = sink;
  }

  /** Bytes handed to the socket so far: head, framing and (compressed) body. */
  get outputSize(): number {
    return this.#outputSize;
  }

  /** Bytes held by the writer and not yet handed to the socket (the pending head). */
  get bufferSize(): number {
    return this.#head === undefined ? 0 : this.#head.length;
  }

  /** Whether the body is framed with the chunked transfer coding. */
  get chunked(): boolean {
    return this.#chunked;
  }

  /** The content coding being applied, if any. */
  get compression(): ContentCoding | undefined {
    if (this.#compressor === undefined) return undefined;
    return this.#compressor instanceof zlib.Gzip
      ? "gzip"
      : this.#compressor instanceof zlib.Deflate
        ? "deflate"
        : "br";
  }

  /**
   * Frames the body with the chunked transfer coding (RFC 9112 §7.1). The caller sends
   * `Transfer-Encoding: chunked` in the head.
   * @throws {Error} once body bytes were written.
   */
  enableChunking(): void {
    this.#assertBodyNotStarted("enableChunking");
    this.#chunked = true;
  }

  /**
   * Compresses the body with `encoding` (`deflate` is the zlib format, RFC 9110 §8.4.1.2). The
   * caller sends `Content-Encoding` and either chunking or no `Content-Length`.
   * @param level zlib's level (0-9, default 6), or brotli's quality (0-11, default 4).
   * @throws {Error} once body bytes were written, or when compression is already on.
   * @throws {RangeError} for an unknown encoding or a level out of range.
   */
  enableCompression(encoding: ContentCoding, level?: number): void {
    this.#assertBodyNotStarted("enableCompression");
    if (this.#compressor !== undefined) throw new Error("Compression is already enabled");
    let compressor: zlib.Gzip | zlib.Deflate | zlib.BrotliCompress;
    if (encoding === "br") {
      if (level !== undefined && !(Number.isInteger(level) && level >= 0 && level <= 11)) {
        throw new RangeError("level must be an integer from 0 to 11 for br");
      }
      compressor = zlib.createBrotliCompress({
        params: { [zlib.constants.BROTLI_PARAM_QUALITY]: level ?? DEFAULT_BROTLI_QUALITY },
      });
      this.#flushKind = zlib.constants.BROTLI_OPERATION_FLUSH;
    } else if (encoding === "gzip" || encoding === "deflate") {
      if (level !== undefined && !(Number.isInteger(level) && level >= 0 && level <= 9)) {
        throw new RangeError(`level must be an integer from 0 to 9 for ${encoding}`);
      }
      const options = { level: level ?? zlib.constants.Z_DEFAULT_COMPRESSION };
      compressor = encoding === "gzip" ? zlib.createGzip(options) : zlib.createDeflate(options);
      this.#flushKind = zlib.constants.Z_SYNC_FLUSH;
    } else {
      throw new RangeError(`encoding must be "gzip", "deflate" or "br", not ${String(encoding)}`);
    }
    compressor.on("data", (data: Buffer) => {
      this.#compressed.push(data);
      this.#compressedLength += data.length;
    });
    compressor.on("error", (error: Error) => {
      this.#compressorError = error;
    });
    this.#compressor = compressor;
  }

  /**
   * Holds the serialized head (see `serializeResponseHead`) to send with the first body bytes.
   * @throws {Error} when a head was already given.
   */
  writeHeaders(head: Buffer): void {
    if (this.#headGiven) throw new Error("writeHeaders() was already called");
    this.#headGiven = true;
    this.#head = head;
  }

  /**
   * Writes body bytes (a string as UTF-8). An empty chunk sends only a pending head.
   * @throws {TypeError} (rejects) when `chunk` is not a Buffer, Uint8Array or string.
   * @returns a promise that resolves when the socket can take more (backpressure).
   * @throws {ConnectionResetError} (rejects) when the socket is closed or fails.
   * @throws {Error} (rejects) after {@link writeEof}.
   */
  write(chunk: Buffer | Uint8Array | string): Promise<void> {
    if (this.#eof) return Promise.reject(new Error("write() after writeEof()"));
    const data = toBuffer(chunk);
    if (data === undefined)
      return Promise.reject(new TypeError("chunk must be a Buffer or a string"));
    if (data.length > 0) this.#bodyStarted = true;
    if (this.#compressor === undefined)
      return this.#writeBody(data.length === 0 ? [] : [data], data.length);
    if (data.length === 0) return this.#enqueue(() => this.#writeBody([], 0));
    return this.#enqueue(async () => {
      await this.#compress(data, false);
      return this.#writeBody(...this.#takeCompressed());
    });
  }

  /**
   * Ends the body, after writing `chunk` if given: the rest of the compressed stream and, when
   * chunked, the last chunk `0\r\n\r\n`. A pending head is sent too. Calling it again does
   * nothing.
   * @throws {ConnectionResetError} (rejects) when the socket is closed or fails.
   */
  writeEof(chunk?: Buffer | Uint8Array | string): Promise<void> {
    if (this.#eof) return this.#queue;
    const data = chunk === undefined ? EMPTY : toBuffer(chunk);
    if (data === undefined)
      return Promise.reject(new TypeError("chunk must be a Buffer or a string"));
    this.#eof = true;
    if (data.length > 0) this.#bodyStarted = true;
    if (this.#compressor === undefined) {
      return this.#writeBody(data.length === 0 ? [] : [data], data.length, true);
    }
    return this.#enqueue(async () => {
      await this.#compress(data, true);
      const [parts, length] = this.#takeCompressed();
      return this.#writeBody(parts, length, true);
    });
  }

  /**
   * Sends a pending head, then resolves when the socket is under its high-water mark (aiohttp's
   * `drain`). Use it to flush the head of a response with no body yet, e.g. before a hand-off.
   * @throws {ConnectionResetError} (rejects) when the socket is closed or fails.
   */
  drain(): Promise<void> {
    return this.#enqueueIfCompressing(() => this.#writeBody([], 0));
  }

  #assertBodyNotStarted(method: string): void {
    if (this.#bodyStarted || this.#eof)
      throw new Error(`${method}() must be called before the body is written`);
  }

  #enqueueIfCompressing(task: () => Promise<void>): Promise<void> {
    return this.#compressor === undefined ? task() : this.#enqueue(task);
  }

  #enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.#queue.then(task);
    // The queue goes on after a failed task; the failure reaches the caller through `run`.
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Feeds the compressor and waits until it has flushed (or ended). */
  #compress(data: Buffer, final: boolean): Promise<void> {
    const compressor = this.#compressor!;
    return new Promise((resolve, reject) => {
      const done = (error?: Error | null): void => {
        compressor.off("error", fail);
        if (error) reject(error);
        else resolve();
      };
      const fail = (error: Error): void => {
        if (final) compressor.off("end", done);
        reject(error);
      };
      if (this.#compressorError !== undefined) return reject(this.#compressorError);
      // Destroyed by #closed() after an earlier write found the socket gone: end() would never
      // emit 'end'.
      if (compressor.destroyed) return reject(new ConnectionResetError());
      compressor.once("error", fail);
      if (final) {
        compressor.once("end", done);
        compressor.end(data);
        // The readable side must be consumed for 'end'; 'data' listeners already do.
      } else {
        compressor.write(data);
        // Output produced by the flush is emitted as 'data' before this callback (ws relies on
        // the same ordering in permessage-deflate).
        compressor.flush(this.#flushKind, done);
      }
    });
  }

  #takeCompressed(): [Buffer[], number] {
    const taken: [Buffer[], number] = [this.#compressed, this.#compressedLength];
    this.#compressed = [];
    this.#compressedLength = 0;
    return taken;
  }

  /** Frames `parts` (`length` bytes in all), prepends a pending head and writes it all. */
  #writeBody(parts: Buffer[], length: number, last = false): Promise<void> {
    const sink = this.#sink;
    if (sink.destroyed || sink.writableEnded) return Promise.reject(this.#closed());
    let buffers = this.#chunked && length > 0 ? chunkFrame(parts, length) : parts;
    if (last && this.#chunked) buffers.push(LAST_CHUNK);
    const head = this.#head;
    if (head !== undefined) {
      this.#head = undefined;
      buffers = [head, ...buffers];
    }
    if (buffers.length === 0) return this.#drained();
    let total = 0;
    for (const buffer of buffers) total += buffer.length;
    this.#outputSize += total;
    let ready: boolean;
    if (buffers.length === 1) {
      ready = sink.write(buffers[0]!);
    } else if (total <= COALESCE_LIMIT) {
      ready = sink.write(Buffer.concat(buffers, total));
    } else {
      sink.cork();
      for (const buffer of buffers) sink.write(buffer);
      ready = !sink.writableNeedDrain;
      sink.uncork();
    }
    return ready ? RESOLVED : this.#drained();
  }

  /** Resolves when the sink does not need a drain; rejects if it closes or fails first. */
  #drained(): Promise<void> {
    const sink = this.#sink;
    if (sink.destroyed) return Promise.reject(this.#closed());
    if (!sink.writableNeedDrain) return RESOLVED;
    this.#drainWaiter ??= new Promise<void>((resolve, reject) => {
      const settle = (error?: Error): void => {
        sink.off("drain", onDrain);
        sink.off("close", onClose);
        sink.off("error", onError);
        this.#drainWaiter = undefined;
        if (error === undefined) resolve();
        else reject(error);
      };
      const onDrain = (): void => settle();
      const onClose = (): void => settle(this.#closed());
      const onError = (error?: Error): void => settle(this.#closed(error));
      sink.once("drain", onDrain);
      sink.once("close", onClose);
      sink.once("error", onError);
    });
    return this.#drainWaiter;
  }

  /** The error for a write the socket cannot take; frees the compressor, which is of no more use. */
  #closed(cause?: Error): ConnectionResetError {
    this.#compressor?.destroy();
    return new ConnectionResetError(undefined, cause === undefined ? undefined : { cause });
  }
}

/** A chunk as bytes (a string as UTF-8); undefined when it is neither. */
function toBuffer(chunk: Buffer | Uint8Array | string): Buffer | undefined {
  if (typeof chunk === "string") return Buffer.from(chunk, "utf8");
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array)
    return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return undefined;
}
