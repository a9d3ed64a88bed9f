/** What {@link responseFraming} decides from. @internal */
export interface ResponseFramingInput {
  /** The request's HTTP version: the response is sent in it (1.0 as 1.0, any 1.x as 1.1). */
  version: { readonly major: number; readonly minor: number };
  /** The request method (`HEAD` gets the headers of a GET, without the body). */
  method: string;
  /** The response status. */
  status: number;
  /** Whether the response has a `Content-Length`. */
  hasContentLength: boolean;
  /** Whether `enableChunkedEncoding()` was called. */
  chunkedRequested: boolean;
  /**
   * Whether the body is compressed on the way out: any `Content-Length` is the uncompressed
   * size, so it cannot frame the body.
   */
  compressed: boolean;
  /** The request's own keep-alive wish (its version and `Connection` header). */
  requestKeepAlive: boolean;
  /** The response's decision, if any: false after `forceClose()`. */
  responseKeepAlive: boolean | undefined;
  /** Whether the connection can carry another request after this one. */
  connectionAllowsKeepAlive: boolean;
}

/** How a response is framed on the wire, from {@link responseFraming}. @internal */
export interface ResponseFraming {
  /** The response's minor version: 0 for HTTP/1.0, 1 for HTTP/1.1. */
  minor: 0 | 1;
  /** Whether the response has content: false for HEAD and 1xx, 204 and 304 responses. */
  bodyAllowed: boolean;
  /**
   * How the body's end is marked: `length` by `Content-Length`, `chunked` by the last chunk,
   * `close-delimited` by closing the connection (HTTP/1.0 without a length), `none` when there
   * is no body.
   */
  framing: "length" | "chunked" | "close-delimited" | "none";
  /** Whether `Content-Length` must be removed: 1xx, 204 and 304 responses have none. */
  removeContentLength: boolean;
  /** Whether the connection stays open after the response. */
  keepAlive: boolean;
  /**
   * The `Connection` header to send unless the response has one: `close` when an HTTP/1.1
   * connection will close, `keep-alive` when an HTTP/1.0 one stays open, else none.
   */
  connectionHeader: "close" | "keep-alive" | undefined;
}

/** RFC 9110 §6.4.1: 1xx, 204 and 304 responses never have content. @internal */
export function isEmptyBodyStatus(status: number): boolean {
  return status < 200 || status === 204 || status === 304;
}

/** Whether the response to a request of `version` is sent as HTTP/1.0. */
function isHttp10(version: ResponseFramingInput["version"]): boolean {
  return version.major === 1 && version.minor === 0;
}

/**
 * Refuses chunked encoding asked for a response to an HTTP/1.0 request, which cannot read it.
 * A response calls it before the connection records the response, then {@link responseFraming}.
 * @throws {Error} when `chunkedRequested` and `version` is HTTP/1.0.
 * @internal
 */
export function checkChunkedAllowed(
  version: ResponseFramingInput["version"],
  chunkedRequested: boolean,
): void {
  if (chunkedRequested && isHttp10(version)) {
    throw new Error("Using chunked encoding is forbidden for HTTP/1.0");
  }
}

/**
 * Decides how a response is framed and whether its connection stays open, as aiohttp does:
 * `Content-Length` when one is set, else chunked for HTTP/1.1, else (HTTP/1.0) the body ends
 * when the connection closes, which then cannot stay open. HEAD requests and 1xx, 204 and
 * 304 responses have no body. The connection stays open when the response (after
 * `forceClose()`, it does not) or else the request asks for it, the framing allows it, and the
 * connection can take another request. A pure function of its input.
 * @throws {Error} for chunked encoding in a response to an HTTP/1.0 request
 *   ({@link checkChunkedAllowed}).
 * @internal
 */
export function responseFraming(input: ResponseFramingInput): ResponseFraming {
  checkChunkedAllowed(input.version, input.chunkedRequested);
  const minor = isHttp10(input.version) ? 0 : 1;
  const status = input.status;
  const emptyStatus = isEmptyBodyStatus(status);
  const bodyAllowed = !(input.method === "HEAD" || emptyStatus);
  // A compressed body's length is unknown up front: the length set was the uncompressed one.
  const hasLength = input.hasContentLength && !input.compressed;
  let keepAlive = input.responseKeepAlive ?? input.requestKeepAlive;
  let framing: ResponseFraming["framing"] = "none";
  if (bodyAllowed) {
    if (input.chunkedRequested || (!hasLength && minor === 1)) framing = "chunked";
    else if (hasLength) framing = "length";
    else {
      // HTTP/1.0 without a length: the body ends with the connection.
      framing = "close-delimited";
      keepAlive = false;
    }
  }
  // RFC 9110 §8.6: HEAD keeps the length of the GET body; 1xx, 204 and 304 (and 2xx to
  // CONNECT) have none.
  const removeContentLength =
    !bodyAllowed && hasLength && (emptyStatus || (input.method === "CONNECT" && status < 300));
  // The connection is asked last (it records the response), so its answer is an input here.
  keepAlive = input.connectionAllowsKeepAlive && keepAlive;
  let connectionHeader: ResponseFraming["connectionHeader"];
  if (keepAlive) {
    if (minor === 0) connectionHeader = "keep-alive";
  } else if (minor === 1) {
    connectionHeader = "close";
  }
  return { minor, bodyAllowed, framing, removeContentLength, keepAlive, connectionHeader };
}
