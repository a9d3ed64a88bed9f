/**
 * HTTP exceptions: throw one from a handler and it becomes that response (aiohttp's
 * `web_exceptions`). Each class fixes its status in a static `statusCode`; the base constructor
 * reads it from `new.target`, so a subclass is one line.
 */
import { CIMultiDict, type HeadersInit, STATUS_REASONS } from "@ll/http-protocol";

/** Options of every {@link HTTPException} (aiohttp's keyword arguments). */
export interface HTTPExceptionOptions {
  /** Extra response headers. */
  headers?: HeadersInit;
  /** The reason phrase (default: the status's standard one). */
  reason?: string;
  /** The body (default `"<status>: <reason>"`, none for 204, 205 and 304). */
  text?: string;
  /** The body's Content-Type (default `text/plain`). */
  contentType?: string;
}

function toHeaders(init: HeadersInit | undefined): CIMultiDict<string> {
  if (init === undefined) return new CIMultiDict<string>();
  if (init instanceof CIMultiDict) return init.copy();
  if (Symbol.iterator in init) return new CIMultiDict<string>(init as Iterable<[string, string]>);
  return new CIMultiDict<string>(init as Record<string, string>);
}

/**
 * The base of every HTTP exception (aiohttp's `HTTPException`).
 *
 * @example
 * import { HTTPNotFound } from "@ll/server";
 * throw new HTTPNotFound({ text: "No such user" });
 */
export class HTTPException extends Error {
  /** The status a subclass answers with; the base class and the category classes have none. */
  static readonly statusCode: number = 0;
  /** Statuses whose response has no body, so no default text. */
  static readonly emptyBody: boolean = false;

  readonly status: number;
  readonly reason: string;
  readonly text: string | undefined;
  readonly headers: CIMultiDict<string>;
  readonly contentType: string | undefined;

  constructor(options: HTTPExceptionOptions = {}) {
    const type = new.target as typeof HTTPException;
    const status = type.statusCode;
    if (status === 0) {
      throw new TypeError(`${type.name} is abstract: throw one of its subclasses`);
    }
    const reason = options.reason ?? STATUS_REASONS[status] ?? "";
    const text = options.text ?? (type.emptyBody ? undefined : `${status}: ${reason}`);
    super(text ?? reason);
    this.name = type.name;
    this.status = status;
    this.reason = reason;
    this.text = text;
    this.headers = toHeaders(options.headers);
    this.contentType = options.contentType;
  }
}

/** Any 4xx or 5xx exception. */
export class HTTPError extends HTTPException {}
/** Any 2xx exception. */
export class HTTPSuccessful extends HTTPException {}
/** Any 3xx exception. */
export class HTTPRedirection extends HTTPException {}
/** Any 4xx exception. */
export class HTTPClientError extends HTTPError {}
/** Any 5xx exception. */
export class HTTPServerError extends HTTPError {}

// 2xx
export class HTTPOk extends HTTPSuccessful {
  static override readonly statusCode = 200;
}
export class HTTPCreated extends HTTPSuccessful {
  static override readonly statusCode = 201;
}
export class HTTPAccepted extends HTTPSuccessful {
  static override readonly statusCode = 202;
}
export class HTTPNonAuthoritativeInformation extends HTTPSuccessful {
  static override readonly statusCode = 203;
}
export class HTTPNoContent extends HTTPSuccessful {
  static override readonly statusCode = 204;
  static override readonly emptyBody = true;
}
export class HTTPResetContent extends HTTPSuccessful {
  static override readonly statusCode = 205;
  static override readonly emptyBody = true;
}
export class HTTPPartialContent extends HTTPSuccessful {
  static override readonly statusCode = 206;
}

/**
 * A redirect: `location` goes in the `Location` header (aiohttp's `HTTPMove`).
 * @throws {TypeError} when `location` is missing, empty, or neither a string nor a URL
 *   (`HTTPFound needs a location`): aiohttp raises for an empty one too, and a missing one
 *   would otherwise redirect to the path `undefined`.
 */
export class HTTPMove extends HTTPRedirection {
  readonly location: string;

  constructor(location: string | URL, options: HTTPExceptionOptions = {}) {
    if ((typeof location !== "string" && !(location instanceof URL)) || String(location) === "") {
      throw new TypeError(`${new.target.name} needs a location`);
    }
    const target = String(location);
    super(options);
    this.headers.set("Location", target);
    this.location = target;
  }
}

// 3xx
export class HTTPMultipleChoices extends HTTPMove {
  static override readonly statusCode = 300;
}
export class HTTPMovedPermanently extends HTTPMove {
  static override readonly statusCode = 301;
}
export class HTTPFound extends HTTPMove {
  static override readonly statusCode = 302;
}
export class HTTPSeeOther extends HTTPMove {
  static override readonly statusCode = 303;
}
export class HTTPNotModified extends HTTPRedirection {
  static override readonly statusCode = 304;
  static override readonly emptyBody = true;
}
export class HTTPUseProxy extends HTTPMove {
  static override readonly statusCode = 305;
}
export class HTTPTemporaryRedirect extends HTTPMove {
  static override readonly statusCode = 307;
}
export class HTTPPermanentRedirect extends HTTPMove {
  static override readonly statusCode = 308;
}

// 4xx
export class HTTPBadRequest extends HTTPClientError {
  static override readonly statusCode = 400;
}
export class HTTPUnauthorized extends HTTPClientError {
  static override readonly statusCode = 401;
}
export class HTTPPaymentRequired extends HTTPClientError {
  static override readonly statusCode = 402;
}
export class HTTPForbidden extends HTTPClientError {
  static override readonly statusCode = 403;
}
export class HTTPNotFound extends HTTPClientError {
  static override readonly statusCode = 404;
}

/** 405: sets `Allow` to the sorted, comma-joined `allowedMethods`, as aiohttp does. */
export class HTTPMethodNotAllowed extends HTTPClientError {
  static override readonly statusCode = 405;
  /** The refused method, upper-cased. */
  readonly method: string;
  readonly allowedMethods: ReadonlySet<string>;

  constructor(
    method: string,
    allowedMethods: Iterable<string>,
    options: HTTPExceptionOptions = {},
  ) {
    super(options);
    const allowed = [...allowedMethods];
    this.headers.set("Allow", [...allowed].sort().join(","));
    this.method = method.toUpperCase();
    this.allowedMethods = new Set(allowed);
  }
}

export class HTTPNotAcceptable extends HTTPClientError {
  static override readonly statusCode = 406;
}
export class HTTPProxyAuthenticationRequired extends HTTPClientError {
  static override readonly statusCode = 407;
}
export class HTTPRequestTimeout extends HTTPClientError {
  static override readonly statusCode = 408;
}
export class HTTPConflict extends HTTPClientError {
  static override readonly statusCode = 409;
}
export class HTTPGone extends HTTPClientError {
  static override readonly statusCode = 410;
}
export class HTTPLengthRequired extends HTTPClientError {
  static override readonly statusCode = 411;
}
export class HTTPPreconditionFailed extends HTTPClientError {
  static override readonly statusCode = 412;
}

/** 413 with aiohttp's text naming the limit and the size seen. */
export class HTTPRequestEntityTooLarge extends HTTPClientError {
  static override readonly statusCode = 413;
  readonly maxSize: number;
  readonly actualSize: number;

  constructor(maxSize: number, actualSize: number, options: HTTPExceptionOptions = {}) {
    super({
      ...options,
      text:
        options.text ??
        `Maximum request body size ${maxSize} exceeded, actual body size ${actualSize}`,
    });
    this.maxSize = maxSize;
    this.actualSize = actualSize;
  }
}

export class HTTPRequestURITooLong extends HTTPClientError {
  static override readonly statusCode = 414;
}
export class HTTPUnsupportedMediaType extends HTTPClientError {
  static override readonly statusCode = 415;
}
export class HTTPRequestRangeNotSatisfiable extends HTTPClientError {
  static override readonly statusCode = 416;
}
export class HTTPExpectationFailed extends HTTPClientError {
  static override readonly statusCode = 417;
}
export class HTTPMisdirectedRequest extends HTTPClientError {
  static override readonly statusCode = 421;
}
export class HTTPUnprocessableEntity extends HTTPClientError {
  static override readonly statusCode = 422;
}
export class HTTPFailedDependency extends HTTPClientError {
  static override readonly statusCode = 424;
}
export class HTTPUpgradeRequired extends HTTPClientError {
  static override readonly statusCode = 426;
}
export class HTTPPreconditionRequired extends HTTPClientError {
  static override readonly statusCode = 428;
}
export class HTTPTooManyRequests extends HTTPClientError {
  static override readonly statusCode = 429;
}
export class HTTPRequestHeaderFieldsTooLarge extends HTTPClientError {
  static override readonly statusCode = 431;
}

/** 451: `link` names the blocking authority, sent as `Link: <link>; rel="blocked-by"`. */
export class HTTPUnavailableForLegalReasons extends HTTPClientError {
  static override readonly statusCode = 451;
  readonly link: string | undefined;

  constructor(link?: string | URL, options: HTTPExceptionOptions = {}) {
    super(options);
    this.link = link === undefined ? undefined : String(link);
    if (this.link !== undefined) this.headers.set("Link", `<${this.link}>; rel="blocked-by"`);
  }
}

// 5xx
export class HTTPInternalServerError extends HTTPServerError {
  static override readonly statusCode = 500;
}
export class HTTPNotImplemented extends HTTPServerError {
  static override readonly statusCode = 501;
}
export class HTTPBadGateway extends HTTPServerError {
  static override readonly statusCode = 502;
}
export class HTTPServiceUnavailable extends HTTPServerError {
  static override readonly statusCode = 503;
}
export class HTTPGatewayTimeout extends HTTPServerError {
  static override readonly statusCode = 504;
}
export class HTTPVersionNotSupported extends HTTPServerError {
  static override readonly statusCode = 505;
}
export class HTTPVariantAlsoNegotiates extends HTTPServerError {
  static override readonly statusCode = 506;
}
export class HTTPInsufficientStorage extends HTTPServerError {
  static override readonly statusCode = 507;
}
export class HTTPNotExtended extends HTTPServerError {
  static override readonly statusCode = 510;
}
export class HTTPNetworkAuthenticationRequired extends HTTPServerError {
  static override readonly statusCode = 511;
}
