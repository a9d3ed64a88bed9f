import type { Socket } from "node:net";
import type { CIMultiDictProxy, HttpVersion, RawRequestMessage } from "@ll/http-protocol";
import { MultiDict, MultiDictProxy, releaseHeaders } from "@ll/http-protocol";
import { cloneMessage, type MessageChanges } from "./clone-message.js";
import { parseDateHeader, parseIfRange } from "./conditional-headers.js";
import { decodeCookies, type GetCookiesOptions, parseCookieHeader } from "./cookies.js";
import { type ETag, parseETagList } from "./etag.js";
import { type ForwardedElement, parseForwarded } from "./forwarded.js";
import { parseHeaderParams } from "./header-params.js";
import { type HttpRangeSlice, parseHttpRange } from "./http-range.js";
import { type ResolvedMultipartLimits, resolveMultipartLimits } from "./multipart-limits.js";
import { MultipartReader } from "./multipart-reader.js";
import { percentDecode } from "./percent-decode.js";
import { type FormReadOptions, type PostValue, readPost } from "./post.js";
import { rawHeaderValue } from "./raw-header-value.js";
import type {
  DetachedSocket,
  DetachSocketOptions,
  RequestConnection,
} from "./request-connection.js";
import type { StreamReader } from "./stream-reader.js";
import { kAbort, kConnection, kReleaseUploads, kServerStore, kSetId } from "./symbols.js";
import type { UploadedFile } from "./uploaded-file.js";
import {
  HTTPBadRequest,
  HTTPRequestEntityTooLarge,
  HTTPRequestRangeNotSatisfiable,
  HTTPUnsupportedMediaType,
} from "./web-exceptions.js";

/** What `BaseRequest#clone()` may change: the head, and the connection-level attributes. */
export interface BaseRequestCloneOptions extends MessageChanges {
  /** `"http"` or `"https"`. */
  scheme?: string;
  /** The host (and port). */
  host?: string;
  /** The client's address. */
  remote?: string;
}

// aiohttp's BaseRequest.POST_METHODS: post() reads a body only for these.
const POST_METHODS = new Set(["PATCH", "POST", "PUT", "TRACE", "DELETE"]);

/**
 * What a request copy may override (`BaseRequest#clone()`); the connection-level attributes
 * `scheme`, `host` and `remote` are otherwise read from the socket and headers.
 * @internal
 */
export interface BaseRequestOverrides {
  /** `"http"` or `"https"` (e.g. behind a TLS-terminating proxy). */
  scheme?: string;
  /** The host (and port) the request is for; defaults to the `Host` header. */
  host?: string;
  /** The client's address; defaults to the socket's remote address. */
  remote?: string | undefined;
  /** Most bytes `read()` accepts; defaults to the server's `clientMaxSize`. */
  clientMaxSize?: number;
}

const SLASH = 47;
// An absolute-form target (RFC 9112 §3.2.2): `scheme://authority[path][?query]`.
const ABSOLUTE_FORM_RE = /^[A-Za-z][A-Za-z0-9+\-.]*:\/\//;

/**
 * Where the authority of an absolute-form `target` ends: at its path, its query, or the end
 * (RFC 3986 §3.2), or -1 when the target is not absolute-form. A `/path` target is told apart
 * by its first character, without a regular expression.
 */
function authorityEnd(target: string): number {
  if (target.charCodeAt(0) === SLASH || !ABSOLUTE_FORM_RE.test(target)) return -1;
  const start = target.indexOf("://") + 3;
  for (let index = start; index < target.length; index++) {
    const code = target.charCodeAt(index);
    if (code === SLASH || code === 63 /* ? */ || code === 35 /* # */) return index;
  }
  return target.length;
}

/**
 * An incoming HTTP request, as the handler sees it: aiohttp's `web.BaseRequest`. Head-level
 * attributes are computed on first use and cached, so a handler pays only for what it reads.
 * The body is streamed through `content` (a {@link StreamReader}) or read whole with
 * {@link read}, {@link text} and {@link json}.
 *
 * Requests are created by the server; handlers receive them.
 *
 * @example
 * ```ts
 * import { Response, Server, type BaseRequest } from "@ll/server";
 *
 * const server = new Server(async (request: BaseRequest) => {
 *   const name = request.query.get("name") ?? "world";
 *   return new Response({ text: `Hello, ${name} (${request.method} ${request.path})` });
 * });
 * ```
 */
export class BaseRequest {
  readonly #message: RawRequestMessage;
  readonly #payload: StreamReader;
  readonly #connection: RequestConnection;
  #relUrl: string | undefined = undefined;
  #path: string | undefined = undefined;
  // What most requests never use, made on first use: a request (and a WebSocket's, kept for
  // the life of the connection) holds one field for all of it.
  #lazy: LazyRequestFields | undefined;
  #id: string | undefined = undefined;

  /**
   * @param message the parsed head.
   * @param payload the body stream.
   * @param connection the connection it came in on.
   * @param overrides attributes that differ from what the connection says (for copies).
   * @internal
   */
  constructor(
    message: RawRequestMessage,
    payload: StreamReader,
    connection: RequestConnection,
    overrides?: BaseRequestOverrides,
  ) {
    this.#message = message;
    this.#payload = payload;
    this.#connection = connection;
    this.#lazy = overrides === undefined ? undefined : new LazyRequestFields(overrides);
  }

  // Static, as the other private methods: an instance method would cost every request a field.
  static #lazyOf(request: BaseRequest): LazyRequestFields {
    return (request.#lazy ??= new LazyRequestFields(undefined));
  }

  /** @internal */
  get [kConnection](): RequestConnection {
    return this.#connection;
  }

  /** @internal */
  get [kServerStore](): Map<symbol, unknown> {
    return this.#connection.serverStore;
  }

  /** @internal */
  [kAbort](reason: unknown): void {
    const lazy = BaseRequest.#lazyOf(this);
    if (lazy.aborted) return;
    lazy.aborted = true;
    lazy.abortReason = reason;
    lazy.abortController?.abort(reason);
  }

  /** @internal */
  [kSetId](id: string): void {
    this.#id = id;
  }

  /**
   * The request id (the server's `requestId` option): the client's `X-Request-Id` when valid,
   * else a generated one; echoed in the response and written in access and error logs.
   * `undefined` when the option is off.
   */
  get id(): string | undefined {
    return this.#id;
  }

  /** The parsed head this request was built from (aiohttp's `message`). */
  get message(): RawRequestMessage {
    return this.#message;
  }

  /** The method token as sent (`"GET"`, `"POST"`…; case-sensitive, RFC 9110 §9.1). */
  get method(): string {
    return this.#message.method;
  }

  /** The HTTP version of the request. */
  get version(): HttpVersion {
    return this.#message.version;
  }

  /** The request headers, read-only and case-insensitive. */
  get headers(): CIMultiDictProxy<string> {
    return this.#message.headers;
  }

  /** The headers as sent: `[name, value, name, value, …]` with the names' original case. */
  get rawHeaders(): readonly string[] {
    return this.#message.rawHeaders;
  }

  /**
   * Whether the client allows the connection to stay open after the response (HTTP/1.1
   * unless `Connection: close`; HTTP/1.0 only with `Connection: keep-alive`).
   */
  get keepAlive(): boolean {
    return !this.#message.shouldClose;
  }

  /** `"https"` on a TLS socket, else `"http"` (aiohttp's `scheme`), unless overridden. */
  get scheme(): string {
    const scheme = this.#lazy?.overrides?.scheme;
    if (scheme !== undefined) return scheme;
    return (this.#connection.socket as Socket & { encrypted?: boolean }).encrypted === true
      ? "https"
      : "http";
  }

  /** Whether {@link scheme} is `"https"`. */
  get secure(): boolean {
    return this.scheme === "https";
  }

  /**
   * The host the request is for: the `Host` header (or the authority of an absolute-form
   * target), else the socket's local address and port (HTTP/1.0 without `Host`).
   */
  get host(): string {
    const host = this.#lazy?.overrides?.host;
    if (host !== undefined) return host;
    // RFC 9112 §3.2.2: an absolute-form target's authority replaces the Host header.
    const target = this.#message.path;
    const end = authorityEnd(target);
    if (end !== -1) return target.slice(target.indexOf("://") + 3, end);
    // From the raw fields, not `headers`: the dict would be built for this one lookup (fetch
    // applications ask for the URL on every request). The parser lets one Host through at most.
    const header = rawHeaderValue(this.#message.rawHeaders, "host");
    if (header !== undefined && header !== "") return header;
    const socket = this.#connection.socket;
    const address = socket.localAddress ?? "localhost";
    const hostname = address.includes(":") ? `[${address}]` : address;
    return socket.localPort === undefined ? hostname : `${hostname}:${socket.localPort}`;
  }

  /** The client's IP address (aiohttp's `remote`), undefined once the socket is gone. */
  get remote(): string | undefined {
    const overrides = this.#lazy?.overrides;
    if (overrides !== undefined && "remote" in overrides) return overrides.remote;
    return this.#connection.socket.remoteAddress;
  }

  /**
   * The request-target relative to the host: `"/path?query"` as sent (aiohttp's `rel_url`,
   * here a string, since a WHATWG `URL` is always absolute). For an absolute-form target
   * (`GET http://host/path?query`), what follows its authority, as sent: `"/path?query"`,
   * with `"/"` for an empty path (`http://host` → `"/"`, `http://host?x` → `"/?x"`).
   */
  get relUrl(): string {
    let relUrl = this.#relUrl;
    if (relUrl === undefined) {
      relUrl = this.#message.path;
      const end = authorityEnd(relUrl);
      if (end !== -1) {
        // RFC 9110 §4.2.3: an empty path is "/".
        relUrl = relUrl.charCodeAt(end) === SLASH ? relUrl.slice(end) : `/${relUrl.slice(end)}`;
      }
      this.#relUrl = relUrl;
    }
    return relUrl;
  }

  /**
   * The absolute URL of the request, built from {@link scheme}, {@link host} and
   * {@link relUrl} (aiohttp's `url`).
   * @throws {TypeError} when the host and target do not make a valid URL.
   */
  get url(): URL {
    // Concatenated rather than resolved against a base, so "//evil/x" stays a path.
    const lazy = BaseRequest.#lazyOf(this);
    lazy.url ??= new URL(`${this.scheme}://${this.host}${this.relUrl}`);
    return lazy.url;
  }

  /**
   * The path and query of the target as sent, not decoded, without the scheme and host
   * (aiohttp's `raw_path`): the same string as {@link relUrl}, so `GET http://host/a?b` gives
   * `"/a?b"`. The target as sent, absolute-form included, is `message.path`.
   */
  get rawPath(): string {
    return this.relUrl;
  }

  /** The path of the target, percent-decoded (UTF-8), without the query. */
  get path(): string {
    let path = this.#path;
    if (path === undefined) {
      const relUrl = this.relUrl;
      const question = relUrl.indexOf("?");
      const raw = question === -1 ? relUrl : relUrl.slice(0, question);
      path = raw.includes("%") ? percentDecode(raw).toString("utf8") : raw;
      this.#path = path;
    }
    return path;
  }

  /** The query string after `?`, as sent (not decoded; empty when there is none). */
  get queryString(): string {
    const relUrl = this.relUrl;
    const question = relUrl.indexOf("?");
    return question === -1 ? "" : relUrl.slice(question + 1);
  }

  /** The query parameters, decoded as `application/x-www-form-urlencoded` (aiohttp's `query`). */
  get query(): MultiDictProxy<string> {
    const lazy = BaseRequest.#lazyOf(this);
    lazy.query ??= new MultiDictProxy(new MultiDict(new URLSearchParams(this.queryString)));
    return lazy.query;
  }

  static #parsedContentType(request: BaseRequest): {
    mimeType: string;
    charset: string | undefined;
  } {
    const lazy = BaseRequest.#lazyOf(request);
    let parsed = lazy.contentType;
    if (parsed === undefined) {
      const header = request.#message.headers.get("content-type");
      const params = header === undefined || header === "" ? undefined : parseHeaderParams(header);
      parsed =
        params === undefined
          ? { mimeType: "application/octet-stream", charset: undefined }
          : { mimeType: params.value, charset: params.params.get("charset")?.toLowerCase() };
      lazy.contentType = parsed;
    }
    return parsed;
  }

  /**
   * The media type of the body, lower-cased, without parameters; `application/octet-stream`
   * when there is no `Content-Type` (RFC 9110 §8.3, as aiohttp).
   */
  get contentType(): string {
    return BaseRequest.#parsedContentType(this).mimeType;
  }

  /** The `charset` parameter of `Content-Type`, lower-cased, if any. */
  get charset(): string | undefined {
    return BaseRequest.#parsedContentType(this).charset;
  }

  /** The `Content-Length` of the body, if sent. */
  get contentLength(): number | undefined {
    return this.#message.contentLength;
  }

  /** Whether the request has a body (chunked, or a non-zero `Content-Length`). */
  get bodyExists(): boolean {
    const message = this.#message;
    return message.chunked || (message.contentLength !== undefined && message.contentLength > 0);
  }

  /** Whether body bytes remain to be read (aiohttp's `can_read_body`). */
  get canReadBody(): boolean {
    return !this.#payload.atEof();
  }

  /** The body as a stream: async-iterable, `read(n)`, `readline()`, `readany()`, `iterChunked(n)`. */
  get content(): StreamReader {
    return this.#payload;
  }

  /** Most bytes {@link read} accepts (the server's `clientMaxSize`, unless overridden). */
  get clientMaxSize(): number {
    return this.#lazy?.overrides?.clientMaxSize ?? this.#connection.clientMaxSize;
  }

  /** The connection's socket (a `tls.TLSSocket` for HTTPS). */
  get socket(): Socket {
    return this.#connection.socket;
  }

  /** Storage for the handler and middleware-like code, one per request. */
  get state(): Map<unknown, unknown> {
    const lazy = BaseRequest.#lazyOf(this);
    lazy.state ??= new Map();
    return lazy.state;
  }

  /**
   * Aborts when the client goes away before the response is complete (the socket closed or
   * errored). Its `reason` is the socket's error, or an `Error` saying the connection was lost.
   */
  get signal(): AbortSignal {
    const lazy = BaseRequest.#lazyOf(this);
    let controller = lazy.abortController;
    if (controller === undefined) {
      controller = lazy.abortController = new AbortController();
      if (lazy.aborted) controller.abort(lazy.abortReason);
    }
    return controller.signal;
  }

  /**
   * Reads the whole body (aiohttp's `read()`); later calls return the same bytes.
   * @throws {HTTPRequestEntityTooLarge} (413) when the body is larger than {@link clientMaxSize}.
   * @throws {HttpProcessingError} when the body is malformed or the connection was lost.
   */
  read(): Promise<Buffer> {
    const lazy = BaseRequest.#lazyOf(this);
    lazy.body ??= BaseRequest.#readBody(this);
    return lazy.body;
  }

  static async #readBody(request: BaseRequest): Promise<Buffer> {
    const maxSize = request.clientMaxSize;
    const declared = request.#message.contentLength;
    if (maxSize > 0 && declared !== undefined && declared > maxSize) {
      throw new HTTPRequestEntityTooLarge(maxSize, declared);
    }
    const payload = request.#payload;
    const chunks: Buffer[] = [];
    let size = 0;
    for (;;) {
      const chunk = await payload.readany();
      if (chunk.length === 0) break;
      size += chunk.length;
      if (maxSize > 0 && size > maxSize) throw new HTTPRequestEntityTooLarge(maxSize, size);
      chunks.push(chunk);
    }
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
  }

  /**
   * Reads the body as text, decoded with the `charset` of `Content-Type` (UTF-8 by default).
   * @throws {HTTPUnsupportedMediaType} (415) for a charset this runtime cannot decode.
   * @throws {HTTPRequestEntityTooLarge} as {@link read}.
   */
  async text(): Promise<string> {
    const charset = this.charset;
    let decoder: { decode(input: Uint8Array): string } | undefined;
    if (charset !== undefined && charset !== "utf-8" && charset !== "utf8") {
      try {
        decoder = new TextDecoder(charset);
      } catch {
        throw new HTTPUnsupportedMediaType({ text: `Unsupported charset: ${charset}` });
      }
    }
    const body = await this.read();
    return decoder === undefined ? body.toString("utf8") : decoder.decode(body);
  }

  /**
   * Reads the body as JSON.
   * @throws {HTTPBadRequest} (400) when the body is not valid JSON.
   * @throws {HTTPRequestEntityTooLarge} as {@link read}.
   */
  async json(): Promise<unknown> {
    const text = await this.text();
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new HTTPBadRequest({ text: `Invalid JSON body: ${(error as Error).message}` });
    }
  }

  /**
   * The cookies of the `Cookie` header, name to value (aiohttp's `cookies`), parsed leniently
   * as browsers send them; the first of a repeated name wins.
   */
  get cookies(): ReadonlyMap<string, string> {
    const lazy = BaseRequest.#lazyOf(this);
    lazy.cookies ??= parseCookieHeader(this.#message.headers.get("cookie"));
    return lazy.cookies;
  }

  /**
   * The cookies as {@link cookies} has them, with each value passed through `decode` (e.g.
   * `decodeURIComponent`, the counterpart of `setCookie(name, value, { encode })`); a value
   * `decode` throws on is kept raw. Without `decode`, the same map as {@link cookies}.
   * @throws {TypeError} when `decode` is not a function or does not return a string.
   * @example
   * ```ts
   * const cart = request.getCookies({ decode: decodeURIComponent }).get("cart");
   * ```
   */
  getCookies(options?: GetCookiesOptions): ReadonlyMap<string, string> {
    const decode = options?.decode;
    return decode === undefined ? this.cookies : decodeCookies(this.cookies, decode);
  }

  /**
   * The `Forwarded` header (RFC 7239) as one frozen object per forwarded-element, in order
   * (aiohttp's `forwarded`): names lower-cased, values unquoted, malformed parts skipped.
   */
  get forwarded(): readonly ForwardedElement[] {
    const lazy = BaseRequest.#lazyOf(this);
    lazy.forwarded ??= parseForwarded(this.#message.headers.getAll("forwarded"));
    return lazy.forwarded;
  }

  /** `If-Modified-Since` as a `Date`; undefined when absent or not an HTTP date. */
  get ifModifiedSince(): Date | undefined {
    return parseDateHeader(this.#message.headers.get("if-modified-since"));
  }

  /** `If-Unmodified-Since` as a `Date`; undefined when absent or not an HTTP date. */
  get ifUnmodifiedSince(): Date | undefined {
    return parseDateHeader(this.#message.headers.get("if-unmodified-since"));
  }

  /** The entity tags of `If-Match` (`*` as `{ value: "*" }`); undefined when absent. */
  get ifMatch(): readonly ETag[] | undefined {
    return parseETagList(this.#message.headers.get("if-match"));
  }

  /** The entity tags of `If-None-Match` (`*` as `{ value: "*" }`); undefined when absent. */
  get ifNoneMatch(): readonly ETag[] | undefined {
    return parseETagList(this.#message.headers.get("if-none-match"));
  }

  /**
   * `If-Range`: a `Date` or an entity tag (RFC 9110 §13.1.5; aiohttp only knows dates);
   * undefined when absent or neither.
   */
  get ifRange(): Date | ETag | undefined {
    return parseIfRange(this.#message.headers.get("if-range"));
  }

  /**
   * The `Range` header as aiohttp's `http_range` slice: `start` (negative for a suffix) and
   * `end` (exclusive), both undefined without a Range header.
   * @throws {HTTPRequestRangeNotSatisfiable} (416) for anything but one `bytes=a-b` range.
   */
  get httpRange(): HttpRangeSlice {
    try {
      return parseHttpRange(this.#message.headers.get("range"));
    } catch (error) {
      throw new HTTPRequestRangeNotSatisfiable({ text: (error as Error).message });
    }
  }

  /**
   * A streaming reader of a `multipart/*` body (aiohttp's `multipart()`); each part's
   * `read()` is bounded by {@link clientMaxSize}. The server's `multipartLimits` (with
   * `options.limits` over them) are checked as the parts are read: counts and header sizes by
   * `next()`, a part's size as its data is read.
   * @throws {HTTPBadRequest} (400) when the Content-Type is not multipart with a valid boundary.
   * @throws {TypeError} for an unknown limit in `options.limits` or one that is not a number.
   * @throws {RangeError} for a limit that is not a positive integer or `Infinity`.
   */
  async multipart(options: FormReadOptions = {}): Promise<MultipartReader> {
    return new MultipartReader(this.#message.headers, this.#payload, {
      clientMaxSize: this.clientMaxSize,
      limits: resolveMultipartLimits(options.limits, this.#connection.multipartLimits, "limits"),
    });
  }

  /**
   * Reads a `application/x-www-form-urlencoded` or `multipart/form-data` body into a
   * read-only multi-dict (aiohttp's `post()`): text fields as strings, non-text fields without
   * a file name as Buffers, files as `FileField`s whose data is spooled to a temporary file
   * past 1 MiB and removed once the response has been sent. Other methods than PATCH, POST,
   * PUT, TRACE and DELETE, and other content types, give an empty dict. Later calls return
   * the same dict (the limits of the first call apply).
   *
   * The server's `multipartLimits`, with `options.limits` over them, bound the form: a
   * urlencoded body its `fields` and `fieldSize`, a multipart one all of them. A multipart body
   * is rejected as soon as it crosses one, without reading the rest.
   *
   * @example
   * ```ts
   * const form = await request.post({ limits: { files: 1, fileSize: 10 * 1024 * 1024 } });
   * ```
   * @throws {HTTPRequestEntityTooLarge} (413) past {@link clientMaxSize} or a limit; the text
   *   names it, e.g. `Too many fields: the limit is 1000 (multipartLimits.fields)`.
   * @throws {HTTPBadRequest} (400) for a malformed multipart body.
   * @throws {HTTPUnsupportedMediaType} (415) for an unknown charset.
   * @throws {TypeError} for an unknown limit in `options.limits` or one that is not a number.
   * @throws {RangeError} for a limit that is not a positive integer or `Infinity`.
   */
  post(options: FormReadOptions = {}): Promise<MultiDictProxy<PostValue>> {
    // Checked on every call, so that a bad limit is never hidden by an earlier read.
    const limits = resolveMultipartLimits(
      options.limits,
      this.#connection.multipartLimits,
      "limits",
    );
    const lazy = BaseRequest.#lazyOf(this);
    lazy.post ??= BaseRequest.#readPost(this, limits);
    return lazy.post;
  }

  static async #readPost(
    request: BaseRequest,
    limits: ResolvedMultipartLimits,
  ): Promise<MultiDictProxy<PostValue>> {
    if (!POST_METHODS.has(request.method)) return new MultiDictProxy(new MultiDict<PostValue>());
    const lazy = BaseRequest.#lazyOf(request);
    lazy.uploads ??= [];
    return readPost(request, lazy.uploads, limits);
  }

  /** @internal */
  [kReleaseUploads](): void {
    const uploads = this.#lazy?.uploads;
    if (uploads === undefined || uploads.length === 0) return;
    for (const file of uploads.splice(0)) void file.close();
  }

  /**
   * A copy of this request with some attributes replaced (aiohttp's `clone()`), e.g. for code
   * behind a reverse proxy: `request.clone({ scheme: "https", host, remote })`. The copy shares
   * the body stream, the connection and a copy of {@link state}.
   * @throws {Error} when the body was already read.
   * @throws {TypeError} when `method` is not a token or `relUrl` not a request-target.
   */
  clone(options: BaseRequestCloneOptions = {}): BaseRequest {
    const lazy = BaseRequest.#lazyOf(this);
    if (lazy.body !== undefined) throw new Error("Cannot clone request after reading its content");
    const { scheme, host, remote, ...changes } = options;
    const overrides: BaseRequestOverrides = { ...lazy.overrides };
    if (scheme !== undefined) overrides.scheme = scheme;
    if (host !== undefined) overrides.host = host;
    if (remote !== undefined) overrides.remote = remote;
    const clone = new BaseRequest(
      cloneMessage(this.#message, changes),
      this.#payload,
      this.#connection,
      overrides,
    );
    const cloneLazy = clone.#lazy!;
    if (lazy.state !== undefined) cloneLazy.state = new Map(lazy.state);
    cloneLazy.uploads = lazy.uploads ??= [];
    clone.#id = this.#id;
    return clone;
  }

  /**
   * Takes the connection over from the server, after a response (typically
   * `101 Switching Protocols`) has been prepared: what is buffered is flushed, the server stops
   * reading, parsing, timing and closing the socket, and forgets the connection except for
   * `server.shutdown()`, which calls `options.onShutdown` and waits for the socket's `'close'`.
   * When the handler then returns its response, nothing more is written. The request still
   * answers whatever the handler reads of it, but keeps its header fields compactly for the
   * life of the new protocol: `headers`, `rawHeaders`, `url`, `query`, `cookies` and
   * `forwarded` read after this are equal new objects.
   *
   * @returns the socket and the bytes the client sent past the request head.
   * @throws {Error} when no response head was written for this request yet, or the socket was
   *   already taken over or closed.
   */
  detachSocket(options?: DetachSocketOptions): DetachedSocket {
    const detached = this.#connection.detachSocket(this, options);
    // The handler may keep this request for the life of the new protocol (a WebSocket's
    // receive loop): what was built from the head to answer it goes, `headers` is built again
    // from `rawHeaders` if read again.
    releaseHeaders(this.#message);
    // What was derived from the head shares its text, and so keeps all of it alive: made again
    // (equal, from the compact copy) if read again.
    this.#relUrl = undefined;
    this.#path = undefined;
    this.#lazy?.forgetDerived();
    return detached;
  }
}

/** The fields of a {@link BaseRequest} that most requests never set, in one object. */
class LazyRequestFields {
  url: URL | undefined = undefined;
  query: MultiDictProxy<string> | undefined = undefined;
  contentType: { mimeType: string; charset: string | undefined } | undefined = undefined;
  state: Map<unknown, unknown> | undefined = undefined;
  abortController: AbortController | undefined = undefined;
  abortReason: unknown = undefined;
  aborted = false;
  body: Promise<Buffer> | undefined = undefined;
  cookies: ReadonlyMap<string, string> | undefined = undefined;
  forwarded: readonly ForwardedElement[] | undefined = undefined;
  post: Promise<MultiDictProxy<PostValue>> | undefined = undefined;
  // Shared with clones, so that the files are removed whichever request the response names.
  uploads: UploadedFile[] | undefined = undefined;

  /** @param overrides what a copy overrides (`BaseRequest#clone()`). */
  constructor(readonly overrides: BaseRequestOverrides | undefined) {}

  /** Drops what was parsed from the head (it would keep the head's text alive): made again if read. */
  forgetDerived(): void {
    this.url = undefined;
    this.query = undefined;
    this.contentType = undefined;
    this.cookies = undefined;
    this.forwarded = undefined;
  }
}
