import { checkOptionKeys, type OptionKeys } from "@ll/http-protocol";
import type { Logger } from "./access-logger.js";
import { AccessLogger } from "./access-logger.js";
import {
  DEFAULT_MULTIPART_LIMITS,
  type MultipartLimits,
  type ResolvedMultipartLimits,
  resolveMultipartLimits,
} from "./multipart-limits.js";
import { type RequestIdOptions, type ResolvedRequestId, resolveRequestId } from "./request-id.js";

/** Options of {@link Server}; each has aiohttp's default where aiohttp has one. */
export interface ServerOptions {
  /**
   * How long an idle keep-alive connection is kept open, in ms (default 3630000: longer than
   * load balancers' idle timeouts, as in aiohttp). 0 closes a connection as soon as it is idle.
   * Values above 2^31-1 (Node's timer limit, ~24.8 days) are clamped to it.
   */
  keepaliveTimeout?: number;
  /** Turn TCP keep-alive probes on for each connection (default true). */
  tcpKeepalive?: boolean;
  /** Longest request line, in bytes (default 8190; longer gets 414). */
  maxLineSize?: number;
  /** Longest header field line, in bytes (default 8190; longer gets 431). */
  maxFieldSize?: number;
  /** Most header fields per request (default 128; more gets 431). */
  maxHeaders?: number;
  /** Largest body `request.read()`/`text()`/`json()` accept, in bytes (default 1 MiB; more gets 413). 0 means no limit. */
  clientMaxSize?: number;
  /**
   * Limits of each form `request.post()` and `request.multipart()` read: `fields` (default
   * 1000), `files` (100), `parts` (1000), `fieldSize` (1 MiB), `fileSize` (Infinity, so
   * `post()` stops at `clientMaxSize`), `headerSize` (8 KiB) and `headerPairs` (32). Those
   * left out keep their default; crossing one answers 413 with a text naming it.
   */
  multipartLimits?: MultipartLimits;
  /**
   * When the client goes away, abandon the handler: its result is ignored and nothing is
   * written (default false; `request.signal` aborts either way).
   */
  handlerCancellation?: boolean;
  /**
   * Most ms a client may take to send a request head, from its first byte (or from the
   * connection's start); past it the server answers 408 and closes (default 60000, Node's
   * `headersTimeout`). 0 disables it.
   */
  headersTimeout?: number;
  /**
   * Most ms a client may take to send a whole request, head and body, from its first byte;
   * past it the server answers 408 (if no response has started) and closes (default 300000,
   * Node's `requestTimeout`). It bounds a client that trickles or stops sending its body,
   * which `headersTimeout` does not see. 0 disables it.
   */
  requestTimeout?: number;
  /** Put the error's stack in the body of 500 responses (default false). */
  debug?: boolean;
  /** Where handler errors go (default `console`). */
  logger?: Logger;
  /** A logger for one access-log line per response, or null for none (default null). */
  accessLog?: Logger | null;
  /** The access-log format, with aiohttp's directives (default aiohttp's `LOG_FORMAT`). */
  accessLogFormat?: string;
  /**
   * Give the access logger a fields object with each line: `{ remote, method, path, version,
   * status, bytes, duration, userAgent, referer, requestId }` (pino and winston merge it into
   * their JSON entry), for JSON log pipelines (default false).
   */
  accessLogStructured?: boolean;
  /**
   * Give each request an id (default false): `true`, or `{ header, generate }` to choose the
   * header (default `X-Request-Id`) and the generator (default `crypto.randomUUID()`). The
   * client's header value is kept when it is 1–200 visible ASCII characters. The id is
   * `request.id`, is echoed in the response header, and goes into access and error logs.
   */
  requestId?: boolean | RequestIdOptions;
  /** Undo a request body's `Content-Encoding` (gzip, deflate, br) before the handler reads it (default true). */
  autoDecompress?: boolean;
  /**
   * The `Server` header added to responses that set none; null sends none (default
   * `"ll-server"`, a product token without version, so it tells attackers little).
   */
  serverHeader?: string | null;
}

// Every option, once: adding one to ServerOptions without listing it here fails to compile.
const SERVER_OPTIONS: OptionKeys<ServerOptions> = {
  keepaliveTimeout: true,
  tcpKeepalive: true,
  maxLineSize: true,
  maxFieldSize: true,
  maxHeaders: true,
  clientMaxSize: true,
  multipartLimits: true,
  handlerCancellation: true,
  headersTimeout: true,
  requestTimeout: true,
  debug: true,
  logger: true,
  accessLog: true,
  accessLogFormat: true,
  accessLogStructured: true,
  requestId: true,
  autoDecompress: true,
  serverHeader: true,
};

/** Options with their defaults applied, shared by every connection. @internal */
export interface ResolvedServerOptions {
  readonly keepaliveTimeout: number;
  readonly tcpKeepalive: boolean;
  readonly maxLineSize: number;
  readonly maxFieldSize: number;
  readonly maxHeaders: number;
  readonly clientMaxSize: number;
  readonly multipartLimits: ResolvedMultipartLimits;
  readonly handlerCancellation: boolean;
  readonly headersTimeout: number;
  readonly requestTimeout: number;
  readonly debug: boolean;
  readonly logger: Logger;
  readonly accessLogger: AccessLogger | undefined;
  readonly requestId: ResolvedRequestId | undefined;
  readonly autoDecompress: boolean;
  readonly serverHeader: string | null;
}

// setTimeout's delay is a signed 32-bit int: larger values fire at once (with a warning).
const MAX_TIMER_DELAY = 2 ** 31 - 1;
const SERVER_HEADER_RE = /^[\x21-\x7e](?:[\t\x20-\x7e]*[\x21-\x7e])?$/;

function duration(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || Number.isNaN(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative number`);
  }
  return Math.min(value, MAX_TIMER_DELAY);
}

function size(name: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`${name} must be ${min === 0 ? "a non-negative" : "a positive"} integer`);
  }
  return value;
}

function flag(name: string, value: boolean | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") throw new TypeError(`${name} must be a boolean`);
  return value;
}

function isLogger(value: unknown): value is Logger {
  const logger = value as Partial<Logger> | null;
  return (
    typeof logger === "object" &&
    logger !== null &&
    typeof logger.info === "function" &&
    typeof logger.warn === "function" &&
    typeof logger.error === "function"
  );
}

/**
 * Applies defaults and validates.
 * @throws {RangeError} for a negative or non-numeric duration or size.
 * @throws {TypeError} for a flag that is not a boolean, a logger without `info`/`warn`/`error`,
 *   a `serverHeader` that is not a printable ASCII string, or `multipartLimits` that is not an
 *   object of known limits with number values, or a key it does not know (the message names
 *   the closest valid one: `Unknown Server option keepAliveTimeout: did you mean
 *   keepaliveTimeout?`).
 * @throws {RangeError} for a multipart limit that is not a positive integer or `Infinity`.
 * @internal
 */
export function resolveServerOptions(options: ServerOptions | undefined): ResolvedServerOptions {
  const given = options ?? {};
  if (typeof given !== "object") throw new TypeError("options must be an object");
  checkOptionKeys(given, SERVER_OPTIONS, "Server");
  const logger = given.logger ?? console;
  if (!isLogger(logger)) throw new TypeError("logger must have info, warn and error methods");
  const accessLog = given.accessLog ?? null;
  if (accessLog !== null && !isLogger(accessLog)) {
    throw new TypeError("accessLog must be null or have info, warn and error methods");
  }
  const format = given.accessLogFormat;
  if (format !== undefined && typeof format !== "string")
    throw new TypeError("accessLogFormat must be a string");
  const accessLogStructured = flag("accessLogStructured", given.accessLogStructured, false);
  const serverHeader = given.serverHeader === undefined ? "ll-server" : given.serverHeader;
  if (
    serverHeader !== null &&
    (typeof serverHeader !== "string" || !SERVER_HEADER_RE.test(serverHeader))
  ) {
    throw new TypeError(
      "serverHeader must be null or a non-empty string of printable ASCII characters",
    );
  }
  return Object.freeze({
    keepaliveTimeout: duration("keepaliveTimeout", given.keepaliveTimeout, 3_630_000),
    tcpKeepalive: flag("tcpKeepalive", given.tcpKeepalive, true),
    maxLineSize: size("maxLineSize", given.maxLineSize, 8190, 1),
    maxFieldSize: size("maxFieldSize", given.maxFieldSize, 8190, 1),
    maxHeaders: size("maxHeaders", given.maxHeaders, 128, 1),
    clientMaxSize: size("clientMaxSize", given.clientMaxSize, 1024 * 1024, 0),
    multipartLimits: resolveMultipartLimits(
      given.multipartLimits,
      DEFAULT_MULTIPART_LIMITS,
      "multipartLimits",
    ),
    handlerCancellation: flag("handlerCancellation", given.handlerCancellation, false),
    headersTimeout: duration("headersTimeout", given.headersTimeout, 60_000),
    requestTimeout: duration("requestTimeout", given.requestTimeout, 300_000),
    debug: flag("debug", given.debug, false),
    logger,
    accessLogger:
      accessLog === null
        ? undefined
        : new AccessLogger(accessLog, format, { structured: accessLogStructured }),
    requestId: resolveRequestId(given.requestId),
    autoDecompress: flag("autoDecompress", given.autoDecompress, true),
    serverHeader,
  });
}
