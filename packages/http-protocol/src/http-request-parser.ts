import { describeByte } from "./describe-byte.js";
import { FieldSummary, parseFieldLines } from "./field-lines.js";
import { checkStartLineEndings, startLineTooLong } from "./head-errors.js";
import {
  BadHttpMessage,
  BadStatusLine,
  InvalidHeader,
  InvalidURLError,
} from "./http-exceptions.js";
import type { HttpParserHandlers } from "./http-parser.js";
import { HttpParser, UPGRADE_AFTER_BODY, UPGRADE_AFTER_HEAD, UPGRADE_NONE } from "./http-parser.js";
import { BODY_CHUNKED, BODY_LENGTH, BODY_NONE } from "./http-payload-parser.js";
import { type HttpVersion, HttpVersion11 } from "./http-version.js";
import {
  asksForUpgrade,
  LENGTH_CHUNKED,
  parseCompression,
  parseConnection,
  parseHttpVersion,
  readBodyLength,
  shouldCloseConnection,
} from "./message-framing.js";
import type { HttpParserLimits } from "./parser-limits.js";
import type { RawHttpMessage } from "./raw-http-message.js";
import { HttpMessageHead } from "./raw-http-message.js";
import { isToken, isValidTarget } from "./token-tables.js";

/** A parsed request head (aiohttp's `RawRequestMessage`). */
export interface RawRequestMessage extends RawHttpMessage {
  /** The method token as sent (case-sensitive, RFC 9110 §9.1). */
  readonly method: string;
  /**
   * The request-target as sent, like Node's `req.url`: `/path?query`, `http://host/path`,
   * `host:port` (CONNECT) or `*` (OPTIONS); visible ASCII, never a `#fragment`.
   */
  readonly path: string;
}

/** Options of {@link HttpRequestParser}: the size limits, with aiohttp's defaults. */
export type HttpRequestParserOptions = HttpParserLimits;

// The parameters are spelled out, not `...head` passed on with a spread: a spread `super()`
// call is a generic construct V8 does not inline, paid on every request.
class RequestMessage extends HttpMessageHead implements RawRequestMessage {
  constructor(
    readonly method: string,
    readonly path: string,
    version: HttpVersion,
    rawHeaders: readonly string[],
    shouldClose: boolean,
    compression: "gzip" | "deflate" | "br" | undefined,
    upgrade: boolean,
    chunked: boolean,
    contentLength: number | undefined,
  ) {
    super(version, rawHeaders, shouldClose, compression, upgrade, chunked, contentLength);
  }

  override releaseHeaders(): void {
    super.releaseHeaders();
    // A target of 13 characters or more is V8's slice of the text of the whole read (head,
    // and whatever came with it), which it keeps alive: a copy keeps only the target.
    // A shorter one V8 copied already.
    const path = this.path;
    if (path.length >= 13) {
      (this as { path: string }).path = Buffer.from(path, "latin1").toString("latin1");
    }
  }
}

const SLASH = 47;
const SP = 32;
const HASH = 35;
const DEL = 0x7f;

// RFC 9112 §3.2.2: the absolute-form an origin server takes is an "http" or "https" URI
// (RFC 9110 §4.2) with a non-empty host (§4.2.1: reject an empty one) and no userinfo (§4.2.4:
// treat it as an error), then a path or query, or nothing (the path is then "/").
const ABSOLUTE_FORM_RE =
  /^https?:\/\/(?:\[[0-9a-f:.]+\]|[a-z0-9\-._~!$&'()*+,;=%]+)(?::[0-9]*)?(?:[/?]|$)/i;
// RFC 9112 §3.2.3: authority-form is `uri-host ":" port` (CONNECT only).
const AUTHORITY_FORM_RE = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%]+):[0-9]+$/;
// RFC 9110 §7.2: `Host = uri-host [ ":" port ]`, possibly empty.
const HOST_RE = /^(?:(?:\[[0-9A-Za-z:.\-_~]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%]*)(?::[0-9]*)?)$/;
// HOST_RE's reg-name characters, for the common `name[:port]` checked without the regex.
const REG_NAME = new Uint8Array(128);
for (const char of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=%") {
  REG_NAME[char.charCodeAt(0)] = 1;
}
const COLON = 58;

/** Whether `host` matches HOST_RE; `name[:port]` is checked by a loop, the rest by HOST_RE. */
function isValidHost(host: string): boolean {
  const length = host.length;
  let index = 0;
  let code = 0;
  while (index < length) {
    code = host.charCodeAt(index);
    if (code >= 128 || REG_NAME[code] === 0) break;
    index++;
  }
  if (index < length && code === COLON) {
    index++;
    while (index < length) {
      code = host.charCodeAt(index);
      if (code < 48 || code > 57) break;
      index++;
    }
  }
  return index === length || HOST_RE.test(host);
}

/**
 * The index of the first space in `text` from `from`, or -1. A request-target is usually
 * short: a loop finds its end for less than a search call costs, up to `end` (the line's end;
 * past it, or for a long target, the search call answers).
 */
function indexOfSpace(text: string, from: number, end: number): number {
  const stop = end - from > 32 ? from + 32 : Math.max(end, from);
  for (let index = from; index < stop; index++) {
    if (text.charCodeAt(index) === SP) return index;
  }
  return text.indexOf(" ", stop);
}

/** Whether `text[from, end)` holds a space: after the request line's second one, a third part. */
function hasSpace(text: string, from: number, end: number): boolean {
  const found = indexOfSpace(text, from, end);
  return found !== -1 && found < end;
}

/** Whether `text` holds "HTTP/1.1" at `at`. */
function isHttp11At(text: string, at: number): boolean {
  return (
    text.charCodeAt(at) === 72 && // H
    text.charCodeAt(at + 1) === 84 && // T
    text.charCodeAt(at + 2) === 84 && // T
    text.charCodeAt(at + 3) === 80 && // P
    text.charCodeAt(at + 4) === SLASH &&
    text.charCodeAt(at + 5) === 49 && // 1
    text.charCodeAt(at + 6) === 46 && // .
    text.charCodeAt(at + 7) === 49 // 1
  );
}

/**
 * Incremental, strict HTTP/1.1 request parser (RFC 9112), the counterpart of aiohttp's
 * `HttpRequestParser`: feed it the bytes of a connection, split anywhere, and it calls its
 * handlers with each request head, body piece and end.
 *
 * It rejects, rather than repairs, everything two HTTP implementations could read differently:
 * Content-Length with Transfer-Encoding, a Transfer-Encoding not ending in chunked, duplicate or
 * malformed Content-Length, obs-fold, whitespace before a colon, bare CR or LF, CTLs in values,
 * malformed chunks, bad versions, HTTP/1.1 without exactly one Host, a request-target that is not
 * visible ASCII, holds a `#fragment` or has a form its method does not take (origin-form
 * `/path` or absolute-form `http(s)://host/path` for any method, authority-form `host:port`
 * for CONNECT only, `*` for OPTIONS only). Each rejection is an
 * `HttpProcessingError` subclass whose `code` is the status to answer.
 *
 * Also worth knowing: empty lines before a request line are skipped (RFC 9112 §2.2); after a
 * request that closes the connection only empty lines may follow ("Data after `Connection:
 * close`", as llhttp and aiohttp); names and values are latin1-decoded, as Node does, and
 * obs-text is allowed in values; repeated Transfer-Encoding lines join into one list; trailer fields that would carry framing, routing or content
 * metadata (Content-Length, Transfer-Encoding, Host, Content-Type, Authorization…) are dropped
 * (RFC 9110 §6.5.1); a CONNECT request's bytes after its head go to the tunnel (`takeTail()`),
 * never to a body; an Upgrade request's body, if announced, is read before `upgraded` is set.
 *
 * @example
 * ```ts
 * import { HttpRequestParser } from "@ll/http-protocol";
 *
 * const parser = new HttpRequestParser({
 *   onMessage: (message) => console.log(message.method, message.path),
 *   onBody: (chunk) => console.log(chunk.length),
 *   onMessageComplete: () => console.log("done"),
 * });
 * parser.feedData(Buffer.from("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n"));
 * ```
 */
export class HttpRequestParser extends HttpParser<RawRequestMessage> {
  // Filled anew by each head (its rawHeaders array, which the message keeps, is new each time).
  readonly #fields = new FieldSummary();

  /**
   * @param handlers called synchronously for each head, body piece and message end.
   * @param options size limits: `maxLineSize` (request line, else 414), `maxFieldSize` (one
   *   field line, else 431), `maxHeaders` (field lines, else 431).
   * @throws {RangeError} when a limit is not a positive integer.
   */
  constructor(handlers: HttpParserHandlers<RawRequestMessage>, options?: HttpRequestParserOptions) {
    super(handlers, options, "request", 414);
  }

  protected parseHead(
    text: string,
    start: number,
    end: number,
    validated: boolean,
    knownLineEnd: number,
  ): RawRequestMessage {
    const lineEnd = knownLineEnd !== -1 ? knownLineEnd : text.indexOf("\r\n", start);
    if (lineEnd - start > this.limits.maxLineSize) {
      throw startLineTooLong(this.limits.maxLineSize, lineEnd - start, 414, "request");
    }
    // request-line = method SP request-target SP HTTP-version (RFC 9112 §3): exactly one SP
    // between parts, none inside them.
    // GET, the usual method, is the one constant string (a token): not a new string each time,
    // nor a search for the space after it.
    const isGet =
      text.charCodeAt(start) === 71 && // G
      text.charCodeAt(start + 1) === 69 && // E
      text.charCodeAt(start + 2) === 84 && // T
      text.charCodeAt(start + 3) === SP;
    const firstSpace = isGet ? start + 3 : text.indexOf(" ", start);
    const secondSpace = firstSpace === -1 ? -1 : indexOfSpace(text, firstSpace + 1, lineEnd);
    // "HTTP/1.1", the usual version, holds no space: the search for a third part is skipped.
    const isHttp11 =
      secondSpace !== -1 && lineEnd - secondSpace === 9 && isHttp11At(text, secondSpace + 1);
    if (
      secondSpace === -1 ||
      secondSpace > lineEnd ||
      secondSpace === firstSpace + 1 ||
      (!isHttp11 && hasSpace(text, secondSpace + 1, lineEnd))
    ) {
      this.#badLine(
        text,
        start,
        lineEnd,
        "Invalid request line (want method, target and version separated by single spaces)",
        text.slice(start, lineEnd),
      );
    }
    const method = isGet ? "GET" : text.slice(start, firstSpace);
    if (!isGet && !isToken(method)) this.#badLine(text, start, lineEnd, "Invalid method", method);
    const path = text.slice(firstSpace + 1, secondSpace);
    const version = isHttp11 ? HttpVersion11 : parseHttpVersion(text, secondSpace + 1, lineEnd);
    if (version === undefined) {
      this.#badLine(
        text,
        start,
        lineEnd,
        "Invalid HTTP version",
        text.slice(secondSpace + 1, lineEnd),
      );
    }
    if (!isValidTarget(path)) {
      checkStartLineEndings(text, start, lineEnd, "request");
      throw badTargetByte(path);
    }
    // origin-form, the common case, needs no more checks (but not for CONNECT).
    if (path.charCodeAt(0) !== SLASH || method === "CONNECT") checkTarget(method, path);

    const fields = parseFieldLines(
      text,
      lineEnd + 2,
      end,
      this.limits,
      "request",
      validated,
      this.#fields,
    );
    if (fields.oldWebSocketKey) {
      // As aiohttp: the draft-76 handshake reads 8 body bytes no length announces.
      throw new InvalidHeader("Sec-WebSocket-Key1 (pre-RFC 6455 WebSocket) is not supported");
    }
    const http11 = version.minor !== 0;
    if (fields.host === undefined) {
      // RFC 9112 §3.2: a 1.1 request must carry exactly one Host (duplicates are caught above).
      if (http11) throw new BadHttpMessage("Missing Host header (required in HTTP/1.1)");
    } else if (!isValidHost(fields.host)) {
      throw new BadHttpMessage(`Invalid Host header: ${JSON.stringify(fields.host)}`);
    }

    const framing = this.framing;
    framing.mode = BODY_NONE;
    framing.length = 0;
    const length = readBodyLength(fields, http11, "request");
    const chunked = length === LENGTH_CHUNKED;
    const contentLength = length >= 0 ? length : undefined;
    if (chunked) {
      framing.mode = BODY_CHUNKED;
    } else if (length >= 0) {
      framing.mode = BODY_LENGTH;
      framing.length = length;
    }

    // The calls for fields a request may lack are made only when it has them: V8 then inlines
    // them only where they are common, and keeps its inlining budget for the rest.
    const connection = fields.connection === undefined ? 0 : parseConnection(fields.connection);
    let upgrade = false;
    framing.upgrade = UPGRADE_NONE;
    if (method === "CONNECT") {
      // RFC 9110 §9.3.6: CONNECT has no content; what follows the head belongs to the tunnel.
      upgrade = true;
      framing.upgrade = UPGRADE_AFTER_HEAD;
    } else if (http11 && asksForUpgrade(connection, fields)) {
      // RFC 9110 §7.8: ignore Upgrade in HTTP/1.0; a body is read before switching.
      upgrade = true;
      framing.upgrade = UPGRADE_AFTER_BODY;
    }
    const shouldClose = shouldCloseConnection(http11, connection);
    framing.close = shouldClose;
    return new RequestMessage(
      method,
      path,
      version,
      fields.rawHeaders,
      shouldClose,
      fields.contentEncoding === undefined ? undefined : parseCompression(fields.contentEncoding),
      upgrade,
      chunked,
      contentLength,
    );
  }

  /** Throws for a malformed request line: a bare CR or LF in it, or else `what` was wrong. */
  #badLine(text: string, start: number, lineEnd: number, what: string, part: string): never {
    checkStartLineEndings(text, start, lineEnd, "request");
    throw new BadStatusLine(`${what}: ${JSON.stringify(part)}`);
  }
}

/**
 * Checks the request-target's form against the method (RFC 9112 §3.2): origin-form (`/path`)
 * or absolute-form (`http://host/path`) for any method but CONNECT, authority-form
 * (`host:port`) for CONNECT only, asterisk-form (`*`) for OPTIONS only.
 */
function checkTarget(method: string, path: string): void {
  if (method === "CONNECT") {
    if (!AUTHORITY_FORM_RE.test(path)) {
      throw new InvalidURLError(
        `CONNECT needs an authority-form target (host:port): ${JSON.stringify(path)}`,
      );
    }
  } else if (path.charCodeAt(0) === SLASH) {
    // origin-form, the common case
  } else if (path === "*") {
    if (method !== "OPTIONS") {
      throw new InvalidURLError(`The asterisk-form target is for OPTIONS only, not ${method}`);
    }
  } else if (!ABSOLUTE_FORM_RE.test(path)) {
    // `host:port` also reads as an absolute-URI with the scheme "host": name the real mistake.
    if (AUTHORITY_FORM_RE.test(path)) {
      throw new InvalidURLError(
        `The authority-form target (host:port) is for CONNECT only, not ${method}: ${JSON.stringify(path)}`,
      );
    }
    throw new InvalidURLError(
      `Invalid request target (want "/path", "http://host/path" or "https://host/path"): ${JSON.stringify(path)}`,
    );
  }
}

/**
 * The error for a target that failed TARGET_RE (called only then): names its first bad byte.
 * A fragment is the client's alone (RFC 9110 §4.2.5) and the request-target is ASCII
 * (RFC 9112 §3.2): two readers could disagree on where a path with either ends.
 */
function badTargetByte(path: string): InvalidURLError {
  // JSON-quoted, with DEL and non-ASCII escaped too, so the message stays ASCII.
  const quoted = JSON.stringify(path).replace(
    /[\x7f-\xff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  if (path.length === 0) return new InvalidURLError(`Invalid request target: ${quoted}`);
  for (let index = 0; index < path.length; index++) {
    const code = path.charCodeAt(index);
    if (code === HASH) {
      return new InvalidURLError(`A fragment is not allowed in the request target: ${quoted}`);
    }
    if (code > DEL) {
      return new InvalidURLError(
        `Invalid request target (byte ${describeByte(code)} is not ASCII): ${quoted}`,
      );
    }
    if (code < 0x21 || code === DEL) {
      return new InvalidURLError(
        `Invalid request target (control character ${describeByte(code)}): ${quoted}`,
      );
    }
  }
  return new InvalidURLError(`Invalid request target: ${quoted}`);
}
