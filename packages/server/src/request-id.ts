import { randomUUID } from "node:crypto";
import { isToken } from "@ll/http-protocol";

/** The `requestId` server option in its object form. */
export interface RequestIdOptions {
  /** The request (and response) header carrying the id (default `X-Request-Id`). */
  header?: string;
  /** Makes an id when the request has none (or an invalid one); default `crypto.randomUUID()`. */
  generate?: () => string;
}

/** `requestId` resolved: the header name (lower case for lookups) and the generator. @internal */
export interface ResolvedRequestId {
  readonly header: string;
  readonly generate: () => string;
}

// An id taken from the client is echoed in a response header and written to logs: only
// visible ASCII (no spaces, no control characters that could forge a log line), bounded.
const ID_RE = /^[\x21-\x7e]{1,200}$/;

/**
 * Validates the `requestId` option: undefined/false for off, true for the defaults.
 * @throws {TypeError} for anything else, a header that is not a token, or `generate` not a function.
 * @internal
 */
export function resolveRequestId(
  value: boolean | RequestIdOptions | undefined,
): ResolvedRequestId | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return { header: "X-Request-Id", generate: randomUUID };
  if (typeof value !== "object" || value === null) {
    throw new TypeError("requestId must be a boolean or an object { header?, generate? }");
  }
  const header = value.header ?? "X-Request-Id";
  if (typeof header !== "string" || !isToken(header)) {
    throw new TypeError("requestId.header must be a header name (an HTTP token)");
  }
  const generate = value.generate ?? randomUUID;
  if (typeof generate !== "function") throw new TypeError("requestId.generate must be a function");
  return Object.freeze({ header, generate });
}

/**
 * The id of a request: the client's header value when it is 1–200 visible ASCII characters,
 * else a new one.
 * @internal
 */
export function pickRequestId(
  options: ResolvedRequestId,
  headers: { get(name: string): string | undefined },
): string {
  const given = headers.get(options.header);
  if (given !== undefined && ID_RE.test(given)) return given;
  const made = options.generate();
  if (typeof made !== "string" || !ID_RE.test(made)) {
    throw new TypeError("requestId.generate must return 1-200 visible ASCII characters");
  }
  return made;
}
