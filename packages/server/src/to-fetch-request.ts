/**
 * A `BaseRequest` as a WHATWG fetch `Request`, for `(Request) => Response` applications.
 */

import type { BaseRequest } from "./base-request.js";
import type { StreamReader } from "./stream-reader.js";

// Hosts and targets the WHATWG URL parser leaves as they are: a lower-case DNS name whose last
// label starts with a letter, or a canonical dotted quad, with an optional non-default port;
// a target of path and query characters that are never percent-encoded, with no dot segment.
// Everything else goes through `new URL()`, which normalizes (and may refuse) it.
const PLAIN_HOST_RE =
  /^(?:(?:[a-z0-9-]+\.)*[a-z][a-z0-9-]*|(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d))(?::([1-9]\d{0,3}))?$/;
const PLAIN_TARGET_RE = /^\/[A-Za-z0-9\-._~!$&()*+,;=:@/?%]*$/;
const DOT_SEGMENT_RE = /\/\.|%2e/i;

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
    PLAIN_TARGET_RE.test(relUrl) &&
    !DOT_SEGMENT_RE.test(relUrl) &&
    !host.includes("xn--")
  ) {
    const match = PLAIN_HOST_RE.exec(host);
    // Ports up to 9999 only on this path: longer ones may be out of range, and the default
    // port is dropped by the parser.
    const port = match?.[1];
    if (match !== null && port !== (scheme === "http" ? "80" : "443")) return href;
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
