/**
 * A response that sends a file from disk (aiohttp's `web_fileresponse.FileResponse`), with
 * validators, conditional requests, ranges and pre-compressed siblings.
 */

import { randomBytes } from "node:crypto";
import type { BigIntStats } from "node:fs";
import { type FileHandle, lstat, open, stat } from "node:fs/promises";
import {
  checkOptionKeys,
  type HeadersInit,
  type OptionKeys,
  STATUS_REASONS,
} from "@ll/http-protocol";
import type { BaseRequest } from "./base-request.js";
import { formatLastModified, parseDateHeader, parseIfRange } from "./conditional-headers.js";
import { parseAcceptEncoding } from "./content-coding.js";
import { type ETag, etagMatches, formatETag, parseETagList } from "./etag.js";
import { type ByteRange, resolveRanges } from "./http-range.js";
import {
  FALLBACK_CONTENT_TYPE,
  guessContentType,
  type MimeTypes,
  resolveMimeTypes,
} from "./mime-types.js";
import { StreamResponse } from "./stream-response.js";

/** Options of {@link FileResponse}. */
export interface FileResponseOptions {
  /** Bytes read from disk per write (aiohttp's `chunk_size`, default 256 KiB). */
  chunkSize?: number;
  /** The status of a full answer (default 200). */
  status?: number;
  /** The reason phrase of a full answer. */
  reason?: string;
  /** Extra headers; a `Content-Type` given here wins over the guess from the extension. */
  headers?: HeadersInit;
  /**
   * Media types by extension, consulted before the built-in table, e.g.
   * `{ ".vtt": "text/vtt" }` (keys without case, with or without the dot). Per response on
   * purpose: there is no process-wide registry to change.
   */
  mimeTypes?: MimeTypes;
}

const FILE_RESPONSE_OPTIONS: OptionKeys<FileResponseOptions> = {
  chunkSize: true,
  status: true,
  reason: true,
  headers: true,
  mimeTypes: true,
};

/** Pre-compressed siblings, in aiohttp's order of preference: `.br`, then `.gz`. */
const SIBLINGS: ReadonlyArray<readonly [coding: string, extension: string]> = [
  ["br", ".br"],
  ["gzip", ".gz"],
];

const DEFAULT_CHUNK_SIZE = 256 * 1024;

interface OpenedFile {
  handle: FileHandle;
  stats: BigIntStats;
  coding: string | undefined;
}

/**
 * Sends the file at `path`, streamed from disk with backpressure (never read whole), as aiohttp's
 * `FileResponse`:
 * - `Content-Type` from the extension (unless given), `Last-Modified`, `ETag`
 *   (`"<mtime in ns, hex>-<size, hex>"`, aiohttp's format) and `Accept-Ranges: bytes`;
 * - `If-Match` / `If-Unmodified-Since` failures give 412, `If-None-Match` /
 *   `If-Modified-Since` hits give 304 (RFC 9110 §13.2.2 order);
 * - `Range` (GET and HEAD only, RFC 9110 §14.2): one range gives 206 with `Content-Range`,
 *   several give 206 `multipart/byteranges`, an unsatisfiable or malformed set gives 416 with
 *   `Content-Range: bytes *\/size`; `If-Range` (a date or a strong ETag) that does not match
 *   gives the full 200;
 * - a `path.br` or `path.gz` sibling is sent instead, with `Content-Encoding` and
 *   `Vary: Accept-Encoding`, when the client accepts that coding (q > 0) and it is a regular
 *   file (symbolic links are not followed for siblings, as aiohttp);
 * - a missing file gives 404, an unreadable one 403, and anything not a regular file
 *   (a directory, a socket) 403, as aiohttp.
 *
 * @example
 * ```ts
 * import { FileResponse } from "@ll/server";
 * const handler = () => new FileResponse("./public/index.html");
 * ```
 */
export class FileResponse extends StreamResponse {
  readonly #path: string;
  readonly #chunkSize: number;
  readonly #mimeTypes: ReadonlyMap<string, string> | undefined;

  /**
   * @throws {RangeError} when `chunkSize` is not a positive integer, or for an invalid status.
   * @throws {TypeError} for an invalid `mimeTypes` entry, or a key of `options` it does not
   *   know (the message names the closest valid one).
   */
  constructor(path: string, options: FileResponseOptions = {}) {
    if (new.target === FileResponse) {
      checkOptionKeys(options, FILE_RESPONSE_OPTIONS, "FileResponse");
    }
    super({ status: options.status, reason: options.reason, headers: options.headers });
    this.#mimeTypes = resolveMimeTypes(options.mimeTypes);
    const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
    if (!Number.isSafeInteger(chunkSize) || chunkSize <= 0) {
      throw new RangeError("chunkSize must be a positive integer");
    }
    this.#path = path;
    this.#chunkSize = chunkSize;
  }

  /** The path of the file to send. */
  get path(): string {
    return this.#path;
  }

  /** Answers the request from the file: sends the head and the body (see the class comment). */
  override async prepare(request: BaseRequest): Promise<void> {
    if (this.prepared) return super.prepare(request);
    let opened: OpenedFile | undefined;
    try {
      opened = await this.#open(request.headers.get("Accept-Encoding"));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return this.#answerEmpty(
        request,
        code === "EACCES" || code === "EPERM" || code === "NOT_REGULAR" ? 403 : 404,
      );
    }
    try {
      await this.#send(request, opened);
    } finally {
      await opened.handle.close().catch(() => undefined);
    }
  }

  /** Opens the file (or the best accepted sibling) and stats the open descriptor. */
  async #open(acceptEncoding: string | undefined): Promise<OpenedFile> {
    const accepted = acceptEncoding === undefined ? undefined : parseAcceptEncoding(acceptEncoding);
    if (accepted !== undefined) {
      const any = accepted.get("*") ?? 0;
      const candidates = SIBLINGS.map(([coding, extension]) => ({
        coding,
        extension,
        quality:
          accepted.get(coding) ?? (coding === "gzip" ? accepted.get("x-gzip") : undefined) ?? any,
      }))
        .filter((candidate) => candidate.quality > 0)
        .sort((a, b) => b.quality - a.quality);
      for (const { coding, extension } of candidates) {
        const siblingPath = this.#path + extension;
        try {
          if (!(await lstat(siblingPath)).isFile()) continue;
          const handle = await open(siblingPath, "r");
          const stats = await handle.stat({ bigint: true });
          if (stats.isFile()) return { handle, stats, coding };
          await handle.close();
        } catch {
          // No such sibling (or not readable): try the next one, then the file itself.
        }
      }
    }
    // Stat before opening: opening a FIFO would block.
    if (!(await stat(this.#path)).isFile()) throw notRegular();
    const handle = await open(this.#path, "r");
    const stats = await handle.stat({ bigint: true });
    if (!stats.isFile()) {
      await handle.close();
      throw notRegular();
    }
    return { handle, stats, coding: undefined };
  }

  async #send(request: BaseRequest, { handle, stats, coding }: OpenedFile): Promise<void> {
    const size = Number(stats.size);
    const etag: ETag = {
      value: `${stats.mtimeNs.toString(16)}-${stats.size.toString(16)}`,
      isWeak: false,
    };
    // HTTP dates have whole seconds; Last-Modified rounds up (aiohttp's ceil), and comparisons
    // use the exact time, so a file changed within the same second still counts as changed.
    const mtime = Number(stats.mtimeNs / 1000000n) / 1000;
    const headers = request.headers;

    // RFC 9110 §13.2.2: If-Match, else If-Unmodified-Since; then If-None-Match, else
    // If-Modified-Since.
    const ifMatch = parseETagList(headers.get("If-Match"));
    if (ifMatch !== undefined && !etagMatches(etag, ifMatch, { weak: false })) {
      return this.#answerEmpty(request, 412);
    }
    const ifUnmodifiedSince = dateHeader(headers.get("If-Unmodified-Since"));
    if (ifMatch === undefined && ifUnmodifiedSince !== undefined && mtime > ifUnmodifiedSince) {
      return this.#answerEmpty(request, 412);
    }
    const ifNoneMatch = parseETagList(headers.get("If-None-Match"));
    const ifModifiedSince = dateHeader(headers.get("If-Modified-Since"));
    if (
      (ifNoneMatch !== undefined && etagMatches(etag, ifNoneMatch, { weak: true })) ||
      (ifNoneMatch === undefined && ifModifiedSince !== undefined && mtime <= ifModifiedSince)
    ) {
      this.setStatus(304);
      this.#setValidators(etag, mtime);
      this.headers.delete("Content-Length");
      return super.prepare(request);
    }

    const contentType =
      this.headers.get("Content-Type") ??
      guessContentType(this.#path, this.#mimeTypes) ??
      FALLBACK_CONTENT_TYPE;
    this.headers.set("Content-Type", contentType);
    if (coding !== undefined) {
      this.headers.set("Content-Encoding", coding);
      this.headers.set("Vary", "Accept-Encoding");
    }
    this.#setValidators(etag, mtime);
    this.headers.set("Accept-Ranges", "bytes");

    let ranges: readonly ByteRange[] | undefined;
    const range = headers.get("Range");
    if (
      range !== undefined &&
      (request.method === "GET" || request.method === "HEAD") &&
      ifRangeMatches(headers.get("If-Range"), etag, mtime)
    ) {
      const resolution = resolveRanges(range, size);
      if (resolution.kind === "unsatisfiable") {
        this.headers.delete("Content-Encoding");
        this.headers.set("Content-Range", `bytes */${size}`);
        return this.#answerEmpty(request, 416);
      }
      if (resolution.kind === "ranges") ranges = resolution.ranges;
    }

    if (ranges === undefined) {
      this.contentLength = size;
      await super.prepare(request);
      if (request.method !== "HEAD") await this.#copy(handle, 0, size);
      return this.writeEof();
    }
    this.setStatus(206);
    if (ranges.length === 1) {
      const [{ start, end }] = ranges as [ByteRange];
      this.headers.set("Content-Range", `bytes ${start}-${end}/${size}`);
      this.contentLength = end - start + 1;
      await super.prepare(request);
      if (request.method !== "HEAD") await this.#copy(handle, start, end - start + 1);
      return this.writeEof();
    }
    // RFC 9110 §14.6: multipart/byteranges, each part with its Content-Type and Content-Range.
    const boundary = randomBytes(16).toString("hex");
    const partHeads = ranges.map(
      ({ start, end }, index) =>
        `${index === 0 ? "" : "\r\n"}--${boundary}\r\nContent-Type: ${contentType}\r\n` +
        `Content-Range: bytes ${start}-${end}/${size}\r\n\r\n`,
    );
    const tail = `\r\n--${boundary}--\r\n`;
    this.headers.set("Content-Type", `multipart/byteranges; boundary=${boundary}`);
    this.contentLength = ranges.reduce(
      (total, { start, end }, index) =>
        total + Buffer.byteLength(partHeads[index]!) + end - start + 1,
      Buffer.byteLength(tail),
    );
    await super.prepare(request);
    if (request.method !== "HEAD") {
      for (const [index, { start, end }] of ranges.entries()) {
        await this.write(partHeads[index]!);
        await this.#copy(handle, start, end - start + 1);
      }
      await this.write(tail);
    }
    return this.writeEof();
  }

  #setValidators(etag: ETag, mtime: number): void {
    this.headers.set("ETag", formatETag(etag));
    this.headers.set("Last-Modified", formatLastModified(mtime * 1000));
  }

  /** Streams `count` bytes from `position`, awaiting each write (backpressure). */
  async #copy(handle: FileHandle, position: number, count: number): Promise<void> {
    let remaining = count;
    while (remaining > 0) {
      const buffer = Buffer.allocUnsafe(Math.min(this.#chunkSize, remaining));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) throw new Error(`${this.#path} was truncated while it was being sent`);
      await this.write(bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead));
      position += bytesRead;
      remaining -= bytesRead;
    }
  }

  /** Answers `status` with a short text body (`404: Not Found`), as an HTTPException would. */
  async #answerEmpty(request: BaseRequest, status: number): Promise<void> {
    this.setStatus(status);
    for (const name of ["ETag", "Last-Modified", "Accept-Ranges", "Content-Encoding", "Vary"]) {
      this.headers.delete(name);
    }
    const text = `${status}: ${STATUS_REASONS[status] ?? ""}`;
    this.headers.set("Content-Type", "text/plain; charset=utf-8");
    this.contentLength = Buffer.byteLength(text);
    await super.prepare(request);
    return this.writeEof(text);
  }
}

function notRegular(): NodeJS.ErrnoException {
  return Object.assign(new Error("Not a regular file"), { code: "NOT_REGULAR" });
}

function dateHeader(value: string | undefined): number | undefined {
  const date = parseDateHeader(value);
  return date === undefined ? undefined : date.getTime() / 1000;
}

/**
 * RFC 9110 §13.1.5: the range applies when If-Range is absent, or is an HTTP date not older
 * than the file, or is a strong entity tag equal to the current one (weak ones never match).
 */
function ifRangeMatches(value: string | undefined, etag: ETag, mtime: number): boolean {
  if (value === undefined) return true;
  const condition = parseIfRange(value);
  if (condition === undefined) return false;
  if (condition instanceof Date) return mtime <= condition.getTime() / 1000;
  return etagMatches(etag, [condition], { weak: false });
}
