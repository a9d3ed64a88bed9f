/**
 * A `BaseRequest` as a WHATWG fetch `Request`, for `(Request) => Response` applications.
 */

import type { BaseRequest } from "./base-request.js";
import type { StreamReader } from "./stream-reader.js";

// Hosts and targets the WHATWG URL parser leaves as they are: a lower-case DNS name whose last
// label starts with a letter, or a canonical dotted quad, with an optional non-default port;
// a target of path and query characters that are never percent-encoded, with no dot segment.
// Everything else goes through `new URL()`, which normalizes (and may refuse) it. Both checks
// are loops over character codes: this runs for every request a fetch application routes.

// The target characters the parser keeps as they are: A-Z a-z 0-9 - . _ ~ ! $ & ( ) * + , ; = : @ / ? %
const PLAIN_TARGET_CHARS = new Uint8Array(128);
for (const character of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&()*+,;=:@/?%") {
  PLAIN_TARGET_CHARS[character.charCodeAt(0)] = 1;
}

const SLASH = 0x2f;
const DOT = 0x2e;
const PERCENT = 0x25;
const COLON = 0x3a;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const LOWER_A = 0x61;
const LOWER_Z = 0x7a;
const HYPHEN = 0x2d;

/** Whether `target` is `/` then plain characters, with no `/.` and no `%2e` (any case). */
function isPlainTarget(target: string): boolean {
  const length = target.length;
  if (length === 0 || target.charCodeAt(0) !== SLASH) return false;
  let previous = SLASH;
  for (let index = 1; index < length; index++) {
    const code = target.charCodeAt(index);
    if (code >= 128 || PLAIN_TARGET_CHARS[code] === 0) return false;
    if (code === DOT && previous === SLASH) return false;
    if (
      code === PERCENT &&
      target.charCodeAt(index + 1) === 0x32 /* 2 */ &&
      (target.charCodeAt(index + 2) | 0x20) === 0x65 /* e or E */
    ) {
      return false;
    }
    previous = code;
  }
  return true;
}

/** Whether a label of `length` chars at `start`, of decimal `value`, is an IPv4 octet. */
function isOctet(host: string, start: number, length: number, value: number): boolean {
  // 0 to 255 without a leading zero (the URL parser reads "010" as octal).
  return value >= 0 && value <= 255 && (length === 1 || host.charCodeAt(start) !== DIGIT_0);
}

/**
 * Whether `host` is a lower-case DNS name whose last label starts with a letter (labels of
 * a-z, 0-9 and `-`, no `xn--`), or a dotted quad without leading zeros, then an optional port of 1 to 4
 * digits that is not `defaultPort`.
 */
function isPlainHost(host: string, defaultPort: string): boolean {
  const length = host.length;
  let labels = 0;
  let octets = 0; // labels that are a decimal 0 to 255 without leading zero
  let labelStart = 0;
  let value = 0; // the label's decimal value, -1 once it has a non-digit
  let index = 0;
  let code = 0;
  for (; index < length; index++) {
    code = host.charCodeAt(index);
    if (code === DOT || code === COLON) {
      const labelLength = index - labelStart;
      if (labelLength === 0) return false;
      labels++;
      if (isOctet(host, labelStart, labelLength, value)) octets++;
      if (code === COLON) break;
      labelStart = index + 1;
      value = 0;
    } else if (code >= DIGIT_0 && code <= DIGIT_9) {
      if (value >= 0) value = value * 10 + (code - DIGIT_0);
    } else if (code >= LOWER_A && code <= LOWER_Z) {
      value = -1;
    } else if (code === HYPHEN) {
      // "xn--" marks a punycode label, which the parser checks: leave it to the parser.
      if (
        host.charCodeAt(index - 1) === HYPHEN &&
        host.charCodeAt(index - 2) === 0x6e /* n */ &&
        host.charCodeAt(index - 3) === 0x78 /* x */
      ) {
        return false;
      }
      value = -1;
    } else {
      return false;
    }
  }
  const nameEnd = index;
  if (code !== COLON) {
    // The name runs to the end: close its last label.
    const labelLength = index - labelStart;
    if (labelLength === 0) return false;
    labels++;
    if (isOctet(host, labelStart, labelLength, value)) octets++;
  }
  const first = host.charCodeAt(labelStart);
  if (!(first >= LOWER_A && first <= LOWER_Z) && !(labels === 4 && octets === 4)) return false;
  if (nameEnd === length) return true;
  // A port: 1 to 4 digits, no leading zero (longer ones may be out of range), not the
  // scheme's default, which the parser drops.
  const portLength = length - nameEnd - 1;
  if (portLength < 1 || portLength > 4 || host.charCodeAt(nameEnd + 1) === DIGIT_0) return false;
  if (!isDigits(host, nameEnd + 1, length)) return false;
  return portLength !== defaultPort.length || !host.endsWith(defaultPort);
}

/** Whether `text[start, end)` is all ASCII digits (and not empty). */
function isDigits(text: string, start: number, end: number): boolean {
  if (start >= end) return false;
  for (let index = start; index < end; index++) {
    const code = text.charCodeAt(index);
    if (code < DIGIT_0 || code > DIGIT_9) return false;
  }
  return true;
}

/**
 * The absolute URL of `request` as a string, as `Request#url` holds it: scheme, host and
 * target from the request (so `clone({ scheme, host, relUrl })` overrides apply).
 * @throws {TypeError} when the host and target do not make a valid URL.
 * @internal
 */
export function fetchUrl(request: BaseRequest): string {
  const scheme = request.scheme;
  const host = request.host;
  const relUrl = request.relUrl;
  const href = `${scheme}://${host}${relUrl}`;
  // The common case costs a string concatenation; it is what the URL parser would give.
  if (
    (scheme === "http" || scheme === "https") &&
    isPlainTarget(relUrl) &&
    isPlainHost(host, scheme === "http" ? "80" : "443")
  ) {
    return href;
  }
  try {
    return new URL(href).href;
  } catch (error) {
    throw new TypeError(`The request has no valid absolute URL: ${JSON.stringify(href)}`, {
      cause: error,
    });
  }
}

/**
 * The request headers as a `Headers` object, every field as sent (repeated ones too).
 * @internal
 */
export function fetchHeaders(request: BaseRequest): Headers {
  const headers = new Headers();
  const raw = request.rawHeaders;
  for (let index = 0; index < raw.length; index += 2) headers.append(raw[index]!, raw[index + 1]!);
  return headers;
}

/**
 * Whether the request has a body a fetch `Request` may carry: never for GET and HEAD, which
 * the Fetch standard forbids a body.
 * @internal
 */
export function hasFetchBody(request: BaseRequest): boolean {
  const method = request.method;
  return method !== "GET" && method !== "HEAD" && request.bodyExists;
}

/**
 * The request body as a byte stream pulling from `content`: nothing is read from the socket
 * until the application reads the stream (a high-water mark of 0 keeps it from reading ahead).
 * @internal
 */
export function fetchBodyStream(content: StreamReader): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const chunk = await content.readany();
        if (chunk.length === 0) controller.close();
        else controller.enqueue(chunk);
      },
      // Nothing to do on cancel: the server drains or closes on an unread body after the
      // response, as for any handler.
    },
    { highWaterMark: 0 },
  );
}

/**
 * The options `new Request(url, init)` takes for `request`, with `headers` given.
 * @internal
 */
export function fetchRequestInit(request: BaseRequest, headers: Headers): RequestInit {
  const init: RequestInit & { duplex?: "half" } = {
    method: request.method,
    headers,
    signal: request.signal,
  };
  if (hasFetchBody(request)) {
    init.body = fetchBodyStream(request.content);
    init.duplex = "half"; // a streamed body: the answer may start before it has been sent
  }
  return init;
}

/**
 * A WHATWG fetch `Request` (the global one) for `request`: its absolute URL (scheme, host and
 * target, `clone()` overrides included), method, headers (every field, repeated ones too), the
 * body as a stream read from `request.content` only when the application reads it (none for
 * GET and HEAD), and a `signal` that aborts when the client goes away.
 *
 * The body is not limited by `clientMaxSize`: a stream is read as the application pulls it.
 *
 * @example
 * ```ts
 * import { Server, toFetchRequest, type BaseRequest } from "@ll/server";
 *
 * const server = new Server(async (request: BaseRequest) => {
 *   const fetchRequest = toFetchRequest(request);
 *   return new globalThis.Response(`You asked for ${new URL(fetchRequest.url).pathname}`);
 * });
 * ```
 * @throws {TypeError} when the host and target do not make a valid URL, or a header is not
 *   one a `Headers` object takes.
 */
export function toFetchRequest(request: BaseRequest): globalThis.Request {
  return new globalThis.Request(
    fetchUrl(request),
    fetchRequestInit(request, fetchHeaders(request)),
  );
}
