// Imported, not the global: in an ES module the global `Buffer` is a getter, called on every
// use (Buffer.byteLength runs once or twice per response).
import { Buffer } from "node:buffer";
import type { CIMultiDict, ContentCoding, HeadersInit, OptionKeys } from "@ll/http-protocol";
import {
  ConnectionResetError,
  checkOptionKeys,
  HttpVersion10,
  HttpVersion11,
  STATUS_REASONS,
  StreamWriter,
  serializeResponseHead,
} from "@ll/http-protocol";
import type { BaseRequest } from "./base-request.js";
import { formatLastModified, parseDateHeader } from "./conditional-headers.js";
import { addVaryAcceptEncoding, selectContentCoding } from "./content-coding.js";
import {
  type Cookie,
  type DelCookieOptions,
  delCookie as deleteCookieIn,
  type SetCookieOptions,
  serializeCookie,
  setCookie as setCookieIn,
} from "./cookies.js";
import { type ETag, formatETag, parseETag } from "./etag.js";
import { parseHeaderParams } from "./header-params.js";
import type { RequestConnection } from "./request-connection.js";
import { checkChunkedAllowed, isEmptyBodyStatus, responseFraming } from "./response-framing.js";
import { ResponseHeaders } from "./response-headers.js";
import {
  kConnection,
  kFinishSync,
  kFlushHead,
  kOutputStarted,
  kPrepareUpgrade,
  kReleaseUploads,
  kSetContentType,
} from "./symbols.js";

/** Options of {@link StreamResponse}. */
export interface StreamResponseOptions {
  /** The status code, 100 to 999 (default 200). */
  status?: number;
  /** The reason phrase; defaults to the standard one for `status` (empty if none). */
  reason?: string;
  /** Initial headers. */
  headers?: HeadersInit;
}

const STREAM_RESPONSE_OPTIONS: OptionKeys<StreamResponseOptions> = {
  status: true,
  reason: true,
  headers: true,
};

// What a value the server puts in a head without the writer's validation may hold: visible
// ASCII, SP and HTAB. Narrower than RFC 9110 §5.5 on purpose: such a head can be sent as one
// string together with a UTF-8 body.
const UNSAFE_VALUE_RE = /[^\t\x20-\x7e]/;
const NON_ASCII_RE = /[^\x00-\x7f]/;

// "HTTP/1.x <status> <standard reason>\r\n", built on first use; index = status + 1000 * minor.
const statusLines: string[] = [];

function statusLine(minor: number, status: number, reason: string): string {
  if (reason === STATUS_REASONS[status]) {
    const index = status + 1000 * minor;
    return (statusLines[index] ??= `HTTP/1.${minor} ${status} ${reason}\r\n`);
  }
  return `HTTP/1.${minor} ${status} ${reason}\r\n`;
}

const RESOLVED: Promise<void> = Promise.resolve();

// The bits of a StreamResponse's state: one integer instead of a field each.
/** Chunked transfer coding (asked for, then decided by prepare()). */
const CHUNKED = 1;
/** The head is pure ASCII. */
const HEAD_ASCII = 2;
/** No body is sent (HEAD, 1xx, 204, 304). */
const EMPTY_BODY = 4;
/** writeEof() was called. */
const EOF_SENT = 8;
/** KEEP_ALIVE says whether the connection stays open (forceClose() or prepare() decided). */
const KEEP_ALIVE_SET = 16;
const KEEP_ALIVE = 32;

/** What few responses have: cookies and compression. */
class ResponseExtras {
  cookies: Map<string, Cookie> | undefined = undefined;
  /** Set by enableCompression(): the forced coding, or null to negotiate from Accept-Encoding. */
  compression: ContentCoding | null | undefined = undefined;
  /** The content coding the body is sent with; set while preparing, when compression applies. */
  contentCoding: ContentCoding | undefined = undefined;
}

// Head lines a Response without a headers dict usually has, made once.
/** The Content-Type of a text body by default. @internal */
export const TEXT_PLAIN_UTF8 = "text/plain; charset=utf-8";
const TEXT_PLAIN_UTF8_LINE = `Content-Type: ${TEXT_PLAIN_UTF8}\r\n`;
const OCTET_STREAM_LINE = "Content-Type: application/octet-stream\r\n";
// "Content-Length: <n>\r\n" for small bodies, built on first use.
const contentLengthLines: string[] = [];
const CACHED_LENGTHS = 4096;

function contentLengthLine(length: number): string {
  if (length < CACHED_LENGTHS) {
    return (contentLengthLines[length] ??= `Content-Length: ${length}\r\n`);
  }
  return `Content-Length: ${length}\r\n`;
}

/**
 * The head of a response without a headers dict is a function of these parts alone; the last
 * one built is kept with them, since a server mostly sends the same head many times a second
 * (only the Date changes, once a second). The key is compared as given (status and reason,
 * not the status line): a hit costs no lookup in the status tables. A memo: it never holds
 * anything but what {@link buildPlainHead} gives for its key, so sharing it between servers is
 * safe.
 */
const plainHead = {
  minor: -1,
  status: 0,
  reason: "",
  contentTypeLine: "",
  length: -1,
  chunked: false,
  date: "",
  server: null as string | null,
  connection: undefined as string | undefined,
  head: "",
};

function buildPlainHead(
  minor: number,
  status: number,
  reason: string,
  contentTypeLine: string,
  length: number,
  chunked: boolean,
  date: string,
  server: string | null,
  connection: string | undefined,
): string {
  const memo = plainHead;
  if (
    memo.date === date &&
    memo.status === status &&
    memo.reason === reason &&
    memo.minor === minor &&
    memo.contentTypeLine === contentTypeLine &&
    memo.length === length &&
    memo.chunked === chunked &&
    memo.server === server &&
    memo.connection === connection
  ) {
    return memo.head;
  }
  const parts = [statusLine(minor, status, reason), contentTypeLine];
  if (length !== -1) parts.push(contentLengthLine(length));
  if (chunked) parts.push("Transfer-Encoding: chunked\r\n");
  parts.push(`Date: ${date}\r\n`);
  if (server !== null) parts.push(`Server: ${server}\r\n`);
  if (connection !== undefined) parts.push(`Connection: ${connection}\r\n`);
  parts.push("\r\n");
  // join() makes one flat string, where `+=` would make a tree of pieces that every write of
  // this head walks again (V8 flattens the batch of answers each time it is written).
  const head = parts.join("");
  memo.minor = minor;
  memo.status = status;
  memo.reason = reason;
  memo.contentTypeLine = contentTypeLine;
  memo.length = length;
  memo.chunked = chunked;
  memo.date = date;
  memo.server = server;
  memo.connection = connection;
  memo.head = head;
  return head;
}

/** Whether `value` is safe to put in a head as it is (see {@link checkHeaderValue}). @internal */
export function isSafeHeaderValue(value: string): boolean {
  return !UNSAFE_VALUE_RE.test(value);
}

/**
 * @throws {TypeError} unless `value` is safe to put in a head as it is.
 * @internal
 */
export function checkHeaderValue(what: string, value: string): void {
  if (typeof value !== "string") throw new TypeError(`${what} must be a string`);
  if (!isSafeHeaderValue(value)) {
    throw new TypeError(
      `${what} must hold only visible ASCII characters, spaces and tabs: ${JSON.stringify(value)}`,
    );
  }
}

/** Turns a Buffer, Uint8Array or string into what the writer takes. @internal */
export function toChunk(data: unknown, what: string): Buffer | string {
  if (typeof data === "string" || Buffer.isBuffer(data)) return data;
  if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  throw new TypeError(`${what} must be a Buffer, Uint8Array or string`);
}

/**
 * A response whose body is streamed: aiohttp's `web.StreamResponse`. Set the status and
 * headers, send the head with {@link prepare}, write the body with {@link write} (each call
 * resolves when the socket can take more), end it with {@link writeEof}, and return the
 * response from the handler.
 *
 * Framing follows aiohttp: `Content-Length` when one was set, else chunked for HTTP/1.1, else
 * (HTTP/1.0) the body ends when the connection closes. HEAD requests and 1xx/204/304 responses
 * get no body. `Date` and `Server` are added unless set; `Connection: close` when the
 * connection will close, `Connection: keep-alive` for a kept-alive HTTP/1.0 connection.
 *
 * @example
 * ```ts
 * import { StreamResponse, type BaseRequest } from "@ll/server";
 *
 * async function handler(request: BaseRequest) {
 *   const response = new StreamResponse({ headers: { "Content-Type": "text/plain" } });
 *   await response.prepare(request);
 *   for (let i = 0; i < 3; i++) await response.write(`line ${i}\n`);
 *   await response.writeEof();
 *   return response;
 * }
 * ```
 */
export class StreamResponse {
  #status = 200;
  #reason = "OK";
  // Headers are created on first use: a response whose headers the handler never touches
  // keeps Content-Type and Content-Length in two fields and its head is built without a dict.
  #headers: ResponseHeaders | undefined = undefined;
  #contentTypeValue: string | undefined = undefined;
  #contentLengthValue: number | undefined = undefined;
  // chunked, keep-alive, head and body state: bits of one integer (see the constants above).
  #flags = HEAD_ASCII;
  #request: BaseRequest | undefined = undefined;
  #connection: RequestConnection | undefined = undefined;
  // The head not written yet; before prepare(), the header lines of a protocol switch
  // (kPrepareUpgrade), Connection included, for the head built without a dict.
  #head: string | undefined = undefined;
  #writer: StreamWriter | undefined = undefined;
  #eofPromise: Promise<void> | undefined = undefined;
  #bodyLength = 0;
  // Cookies and compression, made on first use: most responses have neither.
  #extras: ResponseExtras | undefined = undefined;

  /**
   * @throws {RangeError} when `status` is not an integer from 100 to 999.
   * @throws {TypeError} when `reason` holds characters other than visible ASCII, SP or HTAB,
   *   or `options` has a key it does not know (the message names the closest valid one).
   */
  constructor(options?: StreamResponseOptions) {
    // Subclasses check their own options (a superset of these).
    if (new.target === StreamResponse) {
      checkOptionKeys(options, STREAM_RESPONSE_OPTIONS, "StreamResponse");
    }
    const status = options?.status;
    const reason = options?.reason;
    // 200 OK, the usual case, needs no checks.
    if (status !== undefined || reason !== undefined) this.setStatus(status ?? 200, reason);
    const headers = options?.headers;
    if (headers !== undefined) {
      // A copy, as aiohttp makes: the caller's dict (an exception's, say) stays untouched.
      this.#headers = new ResponseHeaders(headers);
    }
  }

  /** The status code. */
  get status(): number {
    return this.#status;
  }

  /** The reason phrase. */
  get reason(): string {
    return this.#reason;
  }

  /**
   * Sets the status and reason (aiohttp's `set_status`).
   * @param reason defaults to the standard phrase for `status`.
   * @throws {RangeError} when `status` is not an integer from 100 to 999.
   * @throws {TypeError} when `reason` holds characters other than visible ASCII, SP or HTAB.
   * @throws {Error} after {@link prepare}.
   */
  setStatus(status: number, reason?: string): void {
    if (this.#request !== undefined) {
      throw new Error("Cannot change the response status code after the headers have been sent");
    }
    if (!Number.isInteger(status) || status < 100 || status > 999) {
      throw new RangeError(`status must be an integer from 100 to 999, not ${String(status)}`);
    }
    const phrase = reason ?? STATUS_REASONS[status] ?? "";
    if (reason !== undefined) checkHeaderValue("reason", phrase);
    this.#status = status;
    this.#reason = phrase;
  }

  /**
   * The response headers, a case-insensitive multi-dict: mutable until {@link prepare}, then
   * read-only (changing them throws `Error("Cannot change the headers after prepare()")`: they
   * were sent).
   */
  get headers(): CIMultiDict<string> {
    let headers = this.#headers;
    if (headers === undefined) {
      headers = this.#headers = new ResponseHeaders();
      if (this.#contentTypeValue !== undefined) headers.add("Content-Type", this.#contentTypeValue);
      if (this.#contentLengthValue !== undefined) {
        headers.add("Content-Length", String(this.#contentLengthValue));
      }
      if (this.#request !== undefined) headers.lock();
    }
    return headers;
  }

  /** @throws {Error} once the head is prepared: what it would change was sent. */
  static #checkNotPrepared(response: StreamResponse, what: string): void {
    if (response.#request !== undefined) throw new Error(`Cannot ${what} after prepare()`);
  }

  static #getHeader(
    response: StreamResponse,
    name: "Content-Type" | "Content-Length",
  ): string | undefined {
    const headers = response.#headers;
    if (headers !== undefined) return headers.get(name);
    if (name === "Content-Type") return response.#contentTypeValue;
    return response.#contentLengthValue === undefined
      ? undefined
      : String(response.#contentLengthValue);
  }

  /** The `Content-Length` header as a number, undefined when unset. */
  get contentLength(): number | undefined {
    if (this.#headers === undefined) return this.#contentLengthValue;
    const value = this.#headers.get("Content-Length");
    return value === undefined ? undefined : Number(value);
  }

  /**
   * Sets (or, with undefined, removes) `Content-Length`.
   * @throws {RangeError} when not a non-negative integer.
   * @throws {Error} with chunked encoding enabled, or after {@link prepare}.
   */
  set contentLength(value: number | undefined) {
    StreamResponse.#checkNotPrepared(this, "change contentLength");
    if (value !== undefined) {
      if (!Number.isSafeInteger(value) || value < 0) {
        throw new RangeError("contentLength must be a non-negative integer");
      }
      if ((this.#flags & CHUNKED) !== 0) {
        throw new Error("You can't set a content length when chunked encoding is enabled");
      }
    }
    if (this.#headers === undefined) {
      this.#contentLengthValue = value;
    } else if (value === undefined) {
      this.#headers.delete("Content-Length");
    } else {
      this.#headers.set("Content-Length", String(value));
    }
  }

  static #setContentTypeValue(response: StreamResponse, value: string | undefined): void {
    if (value !== undefined) checkHeaderValue("contentType", value);
    if (response.#headers === undefined) response.#contentTypeValue = value;
    else if (value === undefined) response.#headers.delete("Content-Type");
    else response.#headers.set("Content-Type", value);
  }

  /**
   * The media type of `Content-Type` without parameters; `application/octet-stream` when unset
   * (aiohttp's `content_type`). Setting it keeps the charset.
   */
  get contentType(): string {
    const value = StreamResponse.#getHeader(this, "Content-Type");
    if (value === undefined || value === "") return "application/octet-stream";
    return parseHeaderParams(value)?.value ?? "application/octet-stream";
  }

  /**
   * @throws {TypeError} when the value holds CR, LF or other control characters.
   * @throws {Error} after {@link prepare}.
   */
  set contentType(value: string) {
    StreamResponse.#checkNotPrepared(this, "change contentType");
    checkHeaderValue("contentType", value);
    const charset = this.charset;
    StreamResponse.#setContentTypeValue(
      this,
      charset === undefined ? value : `${value}; charset=${charset}`,
    );
  }

  /** The `charset` parameter of `Content-Type`, lower-cased, if any. */
  get charset(): string | undefined {
    const value = StreamResponse.#getHeader(this, "Content-Type");
    if (value === undefined || value === "") return undefined;
    return parseHeaderParams(value)?.params.get("charset")?.toLowerCase();
  }

  /**
   * Sets (or, with undefined, removes) the `charset` parameter of `Content-Type`.
   * @throws {Error} when no content type was set (aiohttp refuses a charset for
   *   `application/octet-stream`), or after {@link prepare}.
   */
  set charset(value: string | undefined) {
    StreamResponse.#checkNotPrepared(this, "change charset");
    const contentType = this.contentType;
    if (contentType === "application/octet-stream") {
      throw new Error(
        "Setting charset for application/octet-stream doesn't make sense, set contentType first",
      );
    }
    if (value !== undefined) checkHeaderValue("charset", value);
    StreamResponse.#setContentTypeValue(
      this,
      value === undefined ? contentType : `${contentType}; charset=${value.toLowerCase()}`,
    );
  }

  /**
   * Whether the connection stays open after this response: undefined until {@link prepare}
   * decides (from the request, unless {@link forceClose} was called), then a boolean.
   */
  get keepAlive(): boolean | undefined {
    const flags = this.#flags;
    return (flags & KEEP_ALIVE_SET) === 0 ? undefined : (flags & KEEP_ALIVE) !== 0;
  }

  /**
   * The cookies this response sets, by name (aiohttp's `cookies`); each becomes a `Set-Cookie`
   * header when the response is prepared.
   */
  get cookies(): Map<string, Cookie> {
    const extras = (this.#extras ??= new ResponseExtras());
    extras.cookies ??= new Map();
    return extras.cookies;
  }

  /**
   * Sets or updates a cookie (aiohttp's `set_cookie`): `path` defaults to `/`; on an update,
   * only the attributes given change (and `maxAge` is dropped unless given). The value is sent
   * as it is, so it must be cookie-octets; pass `encode` (e.g. `encodeURIComponent`) to send
   * any string.
   * @throws {TypeError} when the name is not a token, the value (once encoded) not
   *   cookie-octets (optionally in double quotes), or an attribute invalid.
   * @throws {Error} after {@link prepare}.
   */
  setCookie(name: string, value: string, options?: SetCookieOptions): void {
    StreamResponse.#checkNotPrepared(this, "change the cookies");
    setCookieIn(this.cookies, name, value, options);
  }

  /**
   * Deletes a cookie in the browser (aiohttp's `del_cookie`): sends it empty with `Max-Age=0`
   * and an `Expires` in 1970, for the given domain and path (default `/`).
   * @throws {Error} after {@link prepare}.
   */
  delCookie(name: string, options?: DelCookieOptions): void {
    StreamResponse.#checkNotPrepared(this, "change the cookies");
    deleteCookieIn(this.cookies, name, options);
  }

  /** `Last-Modified` as a `Date`; undefined when unset or not an HTTP date. */
  get lastModified(): Date | undefined {
    return parseDateHeader(this.#headers?.get("Last-Modified"));
  }

  /**
   * Sets `Last-Modified` from a `Date`, a time in ms since the epoch (rounded up to the
   * second, as aiohttp) or a preformatted string; undefined removes it.
   * @throws {TypeError} for an invalid date.
   * @throws {Error} after {@link prepare}.
   */
  set lastModified(value: Date | number | string | undefined) {
    StreamResponse.#checkNotPrepared(this, "change lastModified");
    if (value === undefined) this.#headers?.delete("Last-Modified");
    else this.headers.set("Last-Modified", formatLastModified(value));
  }

  /** `ETag` as `{ value, isWeak }`; undefined when unset or malformed. */
  get etag(): ETag | undefined {
    return parseETag(this.#headers?.get("ETag"));
  }

  /**
   * Sets `ETag`: a string is a strong tag's value (quoted for you); undefined removes it.
   * @throws {TypeError} when the value holds `"`, spaces or control characters.
   * @throws {Error} after {@link prepare}.
   */
  set etag(value: ETag | string | undefined) {
    StreamResponse.#checkNotPrepared(this, "change etag");
    if (value === undefined) this.#headers?.delete("ETag");
    else this.headers.set("ETag", formatETag(value));
  }

  /**
   * Compresses the body (aiohttp's `enable_compression`): with `force`, in that coding; else
   * in the best of gzip, deflate and br the request's `Accept-Encoding` accepts (q-values
   * honoured; on a tie gzip first), adding `Vary: Accept-Encoding`. Nothing happens when the
   * response already has a `Content-Encoding` (a pre-compressed file). `Content-Length` is
   * dropped, so the body is sent chunked (HTTP/1.1).
   * @throws {TypeError} for another `force` coding.
   * @throws {Error} after {@link prepare}.
   */
  enableCompression(force?: ContentCoding): void {
    StreamResponse.#checkNotPrepared(this, "enable compression");
    if (force !== undefined && force !== "gzip" && force !== "deflate" && force !== "br") {
      throw new TypeError(`force must be "gzip", "deflate" or "br", got ${JSON.stringify(force)}`);
    }
    (this.#extras ??= new ResponseExtras()).compression = force ?? null;
  }

  /** Adds the Set-Cookie headers and starts compression, before framing is decided. */
  static #applyCookiesAndCompression(response: StreamResponse, request: BaseRequest): void {
    const extras = response.#extras!;
    const cookies = extras.cookies;
    if (cookies !== undefined) {
      for (const cookie of cookies.values())
        response.headers.add("Set-Cookie", serializeCookie(cookie));
    }
    const compression = extras.compression;
    if (compression === undefined || isEmptyBodyStatus(response.#status)) return;
    const headers = response.headers;
    if (headers.has("Content-Encoding")) return;
    let coding: ContentCoding | undefined = compression ?? undefined;
    if (compression === null) {
      addVaryAcceptEncoding(headers);
      coding = selectContentCoding(request.headers.get("Accept-Encoding"));
    }
    if (coding === undefined) return;
    headers.set("Content-Encoding", coding);
    headers.delete("Content-Length");
    // HEAD gets the headers a GET would, but no compressor: it would write a stream trailer.
    if (request.method !== "HEAD") extras.contentCoding = coding;
  }

  /** Closes the connection after this response (aiohttp's `force_close`). */
  forceClose(): void {
    this.#flags = (this.#flags | KEEP_ALIVE_SET) & ~KEEP_ALIVE;
  }

  /** Whether chunked transfer coding was asked for. */
  get chunked(): boolean {
    return (this.#flags & CHUNKED) !== 0;
  }

  /**
   * Sends the body with the chunked transfer coding (HTTP/1.1; without it the body is chunked
   * anyway when no `Content-Length` is set).
   * @throws {Error} when a `Content-Length` is set, or after {@link prepare}.
   */
  enableChunkedEncoding(): void {
    StreamResponse.#checkNotPrepared(this, "enable chunked encoding");
    if (StreamResponse.#getHeader(this, "Content-Length") !== undefined) {
      throw new Error("You can't enable chunked encoding when a content length is set");
    }
    this.#flags |= CHUNKED;
  }

  /** Whether the head was prepared (sent or queued for sending). */
  get prepared(): boolean {
    return this.#request !== undefined;
  }

  /** Body bytes written so far, before any compression (aiohttp's `body_length`). */
  get bodyLength(): number {
    return this.#bodyLength;
  }

  /**
   * Decides framing and keep-alive, completes the headers and queues the head; it leaves with
   * the first body bytes (or at {@link writeEof}), so a small response is one write.
   * A second call with the same request does nothing.
   * @throws {Error} when already prepared for another request.
   * @throws {TypeError} when a header name or value is invalid (nothing is sent).
   */
  async prepare(request: BaseRequest): Promise<void> {
    this.prepareHead(request);
  }

  /**
   * The synchronous part of {@link prepare}; returns whether the head was built by this call.
   * @internal
   */
  protected prepareHead(request: BaseRequest): boolean {
    if (this.#request !== undefined) {
      if (this.#request !== request)
        throw new Error("Response has already been prepared for another request");
      return false;
    }
    const flags = this.#flags;
    if ((flags & EOF_SENT) !== 0) return false;
    // Extension point (cookies, compression): code that must change the head does it here,
    // before framing is decided: it adds its headers through `this.headers` (which switches
    // the head to the general, validating path below) and, to compress, sets
    // `contentCoding` of `this.#extras` (the writer then compresses; Content-Length must be
    // removed).
    const extras = this.#extras;
    if (extras !== undefined) StreamResponse.#applyCookiesAndCompression(this, request);
    const connection = request[kConnection];
    const version = request.version;
    const status = this.#status;
    const chunkedRequested = (flags & CHUNKED) !== 0;
    // Refused before the connection records the response.
    checkChunkedAllowed(version, chunkedRequested);
    // Ask the connection last: it records the response, may veto keep-alive and may add
    // headers (the request id), so the headers are read after it.
    const connectionAllowsKeepAlive = connection.responseStarting(request, this);
    const headers = this.#headers;
    const { minor, bodyAllowed, framing, removeContentLength, keepAlive, connectionHeader } =
      responseFraming({
        version,
        method: request.method,
        status,
        hasContentLength:
          headers === undefined
            ? this.#contentLengthValue !== undefined
            : headers.get("Content-Length") !== undefined,
        chunkedRequested,
        compressed: extras?.contentCoding !== undefined,
        requestKeepAlive: request.keepAlive,
        responseKeepAlive: this.keepAlive,
        connectionAllowsKeepAlive,
      });
    const chunked = framing === "chunked";
    const emptyBody = !bodyAllowed;
    let headAscii = true;
    const serverHeader = connection.serverHeader;
    let head: string;
    if (headers === undefined) {
      const contentType = this.#contentTypeValue;
      const length = removeContentLength ? undefined : this.#contentLengthValue;
      let contentTypeLine = "";
      if (contentType === TEXT_PLAIN_UTF8) contentTypeLine = TEXT_PLAIN_UTF8_LINE;
      else if (contentType !== undefined) contentTypeLine = `Content-Type: ${contentType}\r\n`;
      else if (!emptyBody && length !== 0) contentTypeLine = OCTET_STREAM_LINE;
      // Before prepare(), #head holds a protocol switch's lines (kPrepareUpgrade), if any.
      const upgradeLines = this.#head;
      if (upgradeLines === undefined) {
        head = buildPlainHead(
          minor,
          status,
          this.#reason,
          contentTypeLine,
          length ?? -1,
          chunked,
          connection.output.date(),
          serverHeader,
          connectionHeader,
        );
      } else {
        // A 101 from kPrepareUpgrade: its own lines (Connection among them) go before Date.
        head = statusLine(minor, status, this.#reason) + contentTypeLine;
        if (length !== undefined) head += contentLengthLine(length);
        if (chunked) head += "Transfer-Encoding: chunked\r\n";
        head += `${upgradeLines}Date: ${connection.output.date()}\r\n`;
        if (serverHeader !== null) head += `Server: ${serverHeader}\r\n`;
        head += "\r\n";
      }
    } else {
      if (removeContentLength) headers.delete("Content-Length");
      if (emptyBody) {
        // RFC 9112 §6.1: no Transfer-Encoding on a response that cannot have content.
        if (headers.get("Transfer-Encoding") === "chunked") headers.delete("Transfer-Encoding");
      } else {
        if (chunked) headers.set("Transfer-Encoding", "chunked");
        // RFC 9110 §8.3: content without a type may be sniffed; say it is opaque bytes.
        if (headers.get("Content-Length") !== "0")
          headers.setDefault("Content-Type", "application/octet-stream");
      }
      headers.setDefault("Date", connection.output.date());
      if (serverHeader !== null) headers.setDefault("Server", serverHeader);
      if (connectionHeader !== undefined && !headers.has("Connection")) {
        headers.set("Connection", connectionHeader);
      }
      // Validates every name and value (throws TypeError before anything is sent).
      head = serializeResponseHead(
        minor === 0 ? HttpVersion10 : HttpVersion11,
        status,
        this.#reason,
        headers,
      ).toString("latin1");
      headAscii = !NON_ASCII_RE.test(head);
    }
    this.#flags =
      (chunked ? CHUNKED : 0) |
      (headAscii ? HEAD_ASCII : 0) |
      (emptyBody ? EMPTY_BODY : 0) |
      KEEP_ALIVE_SET |
      (keepAlive ? KEEP_ALIVE : 0);
    this.#connection = connection;
    this.#request = request;
    this.#head = head;
    // Sent (or about to be): a later change would be lost, so it throws.
    headers?.lock();
    return true;
  }

  /** The writer, created with the pending head on first use. */
  static #ensureWriter(response: StreamResponse): StreamWriter {
    let writer = response.#writer;
    if (writer === undefined) {
      // A streamed body must reach the socket now: release answers held back for a pipeline.
      writer = response.#writer = new StreamWriter(response.#connection!.output);
      if ((response.#flags & CHUNKED) !== 0) writer.enableChunking();
      const contentCoding = response.#extras?.contentCoding;
      if (contentCoding !== undefined) writer.enableCompression(contentCoding);
      // kFlushHead may have sent the head already.
      if (response.#head !== undefined) writer.writeHeaders(Buffer.from(response.#head, "latin1"));
      response.#head = undefined;
    }
    return writer;
  }

  /**
   * Sets a `Content-Type` value known to be valid, skipping the checks (Response's defaults).
   * @internal
   */
  [kSetContentType](value: string): void {
    if (this.#headers === undefined) this.#contentTypeValue = value;
    else this.#headers.set("Content-Type", value);
  }

  /** @internal */
  get [kOutputStarted](): boolean {
    return this.#request !== undefined && this.#head === undefined;
  }

  /** @internal */
  [kFlushHead](): Promise<void> {
    if (this.#request === undefined)
      return Promise.reject(new Error("The response head was not prepared"));
    if (this.#writer === undefined && this.#head === undefined) return RESOLVED; // sent whole
    const head = this.#head;
    if (
      this.#writer === undefined &&
      head !== undefined &&
      this.#extras?.contentCoding === undefined
    ) {
      // No body yet (a hand-off, say): the head goes out in one write, without a writer.
      return StreamResponse.#writeWhole(this, head, undefined, false) ?? RESOLVED;
    }
    return StreamResponse.#ensureWriter(this).drain();
  }

  /**
   * Prepares a `101 Switching Protocols` head (a WebSocket's): `fields` are its name/value pairs
   * (Connection among them, keep-alive is moot on a connection that changes protocols), built by
   * the caller and valid. Without a headers dict (the handler never touched `headers`), the head
   * is built as one string with no dict; otherwise they are set on it, and checked.
   * @throws {TypeError} when a value holds characters other than visible ASCII, SP or HTAB.
   * @internal
   */
  [kPrepareUpgrade](request: BaseRequest, fields: readonly (readonly [string, string])[]): void {
    if (this.#request !== undefined) {
      // Prepared already: prepareHead() says whether that is for this request.
    } else if (this.#headers !== undefined || this.#extras?.cookies !== undefined) {
      const headers = this.headers;
      for (const [name, value] of fields) headers.set(name, value);
    } else {
      let lines = "";
      for (const [name, value] of fields) {
        checkHeaderValue(name, value);
        lines += `${name}: ${value}\r\n`;
      }
      // Taken by prepareHead() (#head holds nothing else before it).
      this.#head = lines;
    }
    this.prepareHead(request);
  }

  /**
   * Writes body bytes (a string as UTF-8); resolves when the socket can take more.
   * @throws {Error} before {@link prepare} or after {@link writeEof}.
   * @throws {TypeError} when `data` is not a Buffer, Uint8Array or string.
   * @throws {ConnectionResetError} (rejects) when the client went away.
   */
  async write(data: Buffer | Uint8Array | string): Promise<void> {
    const chunk = toChunk(data, "data");
    if ((this.#flags & EOF_SENT) !== 0) throw new Error("Cannot call write() after writeEof()");
    if (this.#request === undefined) throw new Error("Cannot call write() before prepare()");
    if ((this.#flags & EMPTY_BODY) !== 0) return; // HEAD, 1xx, 204, 304: the body is not sent.
    this.#bodyLength += typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.length;
    return StreamResponse.#ensureWriter(this).write(chunk);
  }

  /**
   * Ends the body, after writing `data` if given; later calls do nothing (aiohttp's
   * `write_eof`). The head and a small body leave in one write.
   * @throws {Error} before {@link prepare}.
   * @throws {ConnectionResetError} (rejects) when the client went away.
   */
  writeEof(data?: Buffer | Uint8Array | string): Promise<void> {
    if ((this.#flags & EOF_SENT) !== 0) return this.#eofPromise ?? RESOLVED;
    let chunk: Buffer | string | undefined;
    try {
      chunk = this.eofBody(data);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.#request === undefined)
      return Promise.reject(new Error("Cannot call writeEof() before prepare()"));
    return StreamResponse.#end(this, chunk) ?? RESOLVED;
  }

  /**
   * What {@link writeEof} sends last: `data` here; `Response` sends its body.
   * @throws {TypeError} when `data` is not a Buffer, Uint8Array or string.
   * @internal
   */
  protected eofBody(data: Buffer | Uint8Array | string | undefined): Buffer | string | undefined {
    return data === undefined ? undefined : toChunk(data, "data");
  }

  /**
   * prepare() + writeEof() without promises when nothing needs waiting for (the server's path
   * for responses whose `prepare` and `writeEof` are not overridden): true when done.
   * @internal
   */
  [kFinishSync](request: BaseRequest): true | Promise<void> {
    this.prepareHead(request);
    if ((this.#flags & EOF_SENT) !== 0) return this.#eofPromise ?? true;
    return StreamResponse.#end(this, this.eofBody(undefined)) ?? true;
  }

  /** Ends the body; undefined when all was handed to a socket that needs no drain. */
  static #end(
    response: StreamResponse,
    data: Buffer | string | undefined,
  ): Promise<void> | undefined {
    const flags = (response.#flags |= EOF_SENT);
    // The handler is done with the request: remove the files post() spooled.
    response.#request?.[kReleaseUploads]?.();
    let chunk = data;
    // A string body whose UTF-8 size is its length is ASCII: it can go out as latin1, a copy.
    let bodyAscii = false;
    if ((flags & EMPTY_BODY) !== 0) chunk = undefined;
    else if (typeof chunk === "string") {
      const size = Buffer.byteLength(chunk);
      bodyAscii = size === chunk.length;
      response.#bodyLength += size;
    } else if (chunk !== undefined) response.#bodyLength += chunk.length;
    const head = response.#head;
    let promise: Promise<void> | undefined;
    if (
      response.#writer === undefined &&
      head !== undefined &&
      (flags & CHUNKED) === 0 &&
      response.#extras?.contentCoding === undefined
    ) {
      promise = StreamResponse.#writeWhole(response, head, chunk, bodyAscii);
    } else {
      promise = StreamResponse.#ensureWriter(response).writeEof(chunk);
    }
    response.#eofPromise = promise;
    return promise;
  }

  /** The head and the whole body straight to the connection, one write (no writer needed). */
  static #writeWhole(
    response: StreamResponse,
    head: string,
    chunk: Buffer | string | undefined,
    bodyAscii: boolean,
  ): Promise<void> | undefined {
    response.#head = undefined;
    const output = response.#connection!.output;
    if (!output.writable) return Promise.reject(new ConnectionResetError());
    return output.sendWhole(head, chunk, (response.#flags & HEAD_ASCII) !== 0, bodyAscii)
      ? undefined
      : StreamResponse.#connectionDrained(response);
  }

  static #connectionDrained(response: StreamResponse): Promise<void> {
    // Reuses the writer's drain logic (resolve on 'drain', reject on 'close'/'error').
    const writer = new StreamWriter(response.#connection!.output);
    return writer.drain();
  }
}
