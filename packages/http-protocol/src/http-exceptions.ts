/**
 * Protocol errors, after aiohttp's `http_exceptions`: the parser throws them on bad input and the
 * server answers with their `code`. Callers branch on the class with `instanceof`; `code` is
 * always the numeric HTTP status to answer, never a string id.
 *
 * ```
 * HttpProcessingError                 500 unless told
 * ├── HttpBadRequest                  400
 * └── BadHttpMessage                  400
 *     ├── PayloadEncodingError        400
 *     │   ├── ContentEncodingError    400
 *     │   ├── TransferEncodingError   400 (501 for an unknown coding)
 *     │   └── ContentLengthError      400
 *     ├── LineTooLong                 400 (414 request line, 431 header fields)
 *     ├── InvalidHeader               400
 *     ├── BadStatusLine               400 (505 for an unsupported version)
 *     └── InvalidURLError             400
 * ```
 */

import type { HeadersInit } from "./base-multi-dict.js";

/** Options of {@link HttpProcessingError} and its subclasses. */
export interface HttpProcessingErrorOptions {
  /** The HTTP status to answer; each class has its default. */
  code?: number;
  /** Headers to send with the error response (e.g. `Allow`, `Retry-After`). */
  headers?: HeadersInit;
  /** The underlying error (zlib's, a decoder's), kept as `error.cause`. */
  cause?: unknown;
}

/**
 * The base of every protocol error: something in the bytes of a message could not be processed.
 * Mirrors aiohttp's `HttpProcessingError(code, message, headers)`; the message comes first here,
 * as with every JavaScript error.
 *
 * @example
 * ```ts
 * import { HttpProcessingError } from "@ll/http-protocol";
 * try { parser.feedData(data); } catch (error) {
 *   if (error instanceof HttpProcessingError) answer(error.code, error.message);
 * }
 * ```
 */
export class HttpProcessingError extends Error {
  /** The HTTP status the server answers with. */
  code: number;
  /** Headers to send with the error response, if any. */
  headers: HeadersInit | undefined;

  /** The class's default status, used when `options.code` is not given. */
  static defaultCode = 500;
  /** The class's default message, used when no message is given. */
  static defaultMessage = "HTTP processing error";

  constructor(message?: string, options?: HttpProcessingErrorOptions) {
    const defaults = new.target as typeof HttpProcessingError;
    super(
      message === undefined || message === "" ? defaults.defaultMessage : message,
      options !== undefined && "cause" in options ? { cause: options.cause } : undefined,
    );
    this.code = options?.code ?? defaults.defaultCode;
    this.headers = options?.headers;
  }

  override get name(): string {
    return this.constructor.name;
  }
}

/** A request that is not valid HTTP/1.1 (aiohttp's `HttpBadRequest`): 400. */
export class HttpBadRequest extends HttpProcessingError {
  static override defaultCode = 400;
  static override defaultMessage = "Bad Request";
}

/** A message that breaks RFC 9112 framing or syntax (aiohttp's `BadHttpMessage`): 400. */
export class BadHttpMessage extends HttpProcessingError {
  static override defaultCode = 400;
  static override defaultMessage = "Bad Request";
}

/** A body that cannot be decoded (aiohttp's `PayloadEncodingError`): 400. */
export class PayloadEncodingError extends BadHttpMessage {
  static override defaultMessage = "Bad payload encoding";
}

/** A body whose `Content-Encoding` (gzip, deflate, br) cannot be decompressed: 400. */
export class ContentEncodingError extends PayloadEncodingError {
  static override defaultMessage = "Can not decode content-encoding";
}

/**
 * A bad `Transfer-Encoding` header or chunked framing: 400, or 501 (`code` given by the parser)
 * for a transfer coding the server does not implement (RFC 9112 §6.1).
 */
export class TransferEncodingError extends PayloadEncodingError {
  static override defaultMessage = "Bad transfer encoding";
}

/** A body shorter than its `Content-Length`, or a malformed `Content-Length`: 400. */
export class ContentLengthError extends PayloadEncodingError {
  static override defaultMessage = "Not enough data to satisfy content length header";
}

/** Options of {@link LineTooLong}: the limit that was exceeded and the size seen. */
export interface LineTooLongOptions extends HttpProcessingErrorOptions {
  /** The limit exceeded, in bytes (or a count, for `maxHeaders`). */
  limit?: number;
  /** The size seen when the parser gave up (at least `limit + 1`). */
  size?: number;
  /** What was being read, for the default message: "request line", "header field"… */
  what?: string;
}

/**
 * A start line or header field over the parser's limit. aiohttp answers 400; we carry the precise
 * status (the parser passes `code`): 414 URI Too Long for the request line (RFC 9110 §15.5.15)
 * and 431 Request Header Fields Too Large for header fields (RFC 6585 §5).
 *
 * @example
 * ```ts
 * new LineTooLong(undefined, { limit: 8190, size: 9000, what: "request line", code: 414 });
 * // message: "Got more than 8190 bytes (9000) when reading request line"
 * ```
 */
export class LineTooLong extends BadHttpMessage {
  static override defaultMessage = "Line is too long";
  /** The limit exceeded, if the thrower said. */
  readonly limit: number | undefined;
  /** The size seen, if the thrower said. */
  readonly size: number | undefined;

  constructor(message?: string, options?: LineTooLongOptions) {
    const limit = options?.limit;
    const size = options?.size;
    if ((message === undefined || message === "") && limit !== undefined) {
      // aiohttp's wording: "Got more than %s bytes (%s) when reading %s."
      message = `Got more than ${limit} bytes (${size ?? "unknown"}) when reading ${options?.what ?? "a line"}`;
    }
    super(message, options);
    this.limit = limit;
    this.size = size;
  }
}

/** A header field line that is not valid RFC 9110/9112 syntax: 400. */
export class InvalidHeader extends BadHttpMessage {
  static override defaultMessage = "Invalid HTTP header";
}

/**
 * A request or status line that is not valid: 400, or 505 (`code` given by the parser) for an
 * HTTP version the server does not support (RFC 9110 §15.6.6).
 */
export class BadStatusLine extends BadHttpMessage {
  static override defaultMessage = "Bad status line";
}

/** A request-target that is not valid for its method (RFC 9112 §3.2): 400. */
export class InvalidURLError extends BadHttpMessage {
  static override defaultMessage = "Invalid URL";
}
