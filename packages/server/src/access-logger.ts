import { logError, logMessage } from "./log.js";

/**
 * One log line per response in aiohttp's format language (`web_log.AccessLogger`). The format
 * is compiled once into a list of small functions, so a line costs a join, not a parse.
 */

/**
 * Where the server writes its logs: `console`, a pino logger or a winston logger, as they are
 * (each gets messages, errors with their stacks, and fields in the shape it keeps whole).
 */
export interface Logger {
  info(message: string, ...args: unknown[]): void;
  warn(message: string, ...args: unknown[]): void;
  error(message: string, ...args: unknown[]): void;
  debug?(message: string, ...args: unknown[]): void;
}

/** What the access log reads of a request; `BaseRequest` has it all. */
export interface AccessLogRequest {
  readonly remote: string | undefined;
  readonly method: string;
  readonly rawPath: string;
  readonly version: { readonly major: number; readonly minor: number };
  readonly headers: { get(name: string): string | undefined };
  /** The request id, when the server's `requestId` option is on. */
  readonly id?: string | undefined;
}

/** What the access log reads of a response; `StreamResponse` has it all. */
export interface AccessLogResponse {
  readonly status: number;
  readonly bodyLength: number;
  readonly headers: { get(name: string): string | undefined };
}

/** aiohttp's default access-log format. */
export const DEFAULT_ACCESS_LOG_FORMAT = '%a %t "%r" %s %b "%{Referer}i" "%{User-Agent}i"';

type Part = (request: AccessLogRequest, response: AccessLogResponse, elapsedMs: number) => string;

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

const pad = (value: number, width = 2): string => String(value).padStart(width, "0");

/** `[23/Nov/2026:22:30:00 +0000]`: aiohttp's `%t`, in local time with its offset. */
function formatTime(date: Date): string {
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "-";
  const zone = `${sign}${pad(Math.floor(Math.abs(offset) / 60))}${pad(Math.abs(offset) % 60)}`;
  return (
    `[${pad(date.getDate())}/${MONTHS[date.getMonth()]}/${date.getFullYear()}:` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())} ${zone}]`
  );
}

// The directives without an argument. The time is when the request started, as in aiohttp.
const SIMPLE: Readonly<Record<string, Part>> = {
  a: (request) => request.remote ?? "-",
  t: (_request, _response, elapsedMs) => formatTime(new Date(Date.now() - elapsedMs)),
  P: () => `<${process.pid}>`,
  r: (request) =>
    `${request.method} ${request.rawPath} HTTP/${request.version.major}.${request.version.minor}`,
  s: (_request, response) => String(response.status),
  b: (_request, response) => String(response.bodyLength),
  T: (_request, _response, elapsedMs) => String(Math.round(elapsedMs / 1000)),
  Tf: (_request, _response, elapsedMs) => (elapsedMs / 1000).toFixed(6),
  D: (_request, _response, elapsedMs) => String(Math.round(elapsedMs * 1000)),
};

// `%%`, `%{Name}i|o`, `%Tf` before `%T`, then the one-letter directives.
const DIRECTIVE_RE = /%(%|\{([^}]*)\}([io])|Tf|[a-zA-Z])/g;

function compile(format: string): Part[] {
  const parts: Part[] = [];
  let last = 0;
  for (const match of format.matchAll(DIRECTIVE_RE)) {
    const literal = format.slice(last, match.index);
    if (literal !== "") parts.push(() => literal);
    last = match.index + match[0].length;
    const [, directive, header, kind] = match;
    if (directive === "%") {
      parts.push(() => "%");
    } else if (header !== undefined) {
      if (header === "") throw new Error(`Empty header name in access log directive ${match[0]}`);
      parts.push(
        kind === "i"
          ? (request) => request.headers.get(header) ?? "-"
          : (_request, response) => response.headers.get(header) ?? "-",
      );
    } else {
      const part = SIMPLE[directive!];
      if (part === undefined) throw new Error(`Unknown access log directive %${directive}`);
      parts.push(part);
    }
  }
  const rest = format.slice(last);
  if (rest !== "") parts.push(() => rest);
  return parts;
}

/** Options of {@link AccessLogger}. */
export interface AccessLoggerOptions {
  /**
   * Hand the logger an {@link AccessLogFields} object with each line (pino and winston merge it
   * into their JSON entry; `console` prints it after the line), for JSON log pipelines.
   */
  structured?: boolean;
}

/** The fields of a structured access-log entry. */
export interface AccessLogFields {
  /** The client's address (`request.remote`), or null when unknown. */
  remote: string | null;
  method: string;
  /** The request target as sent: path and query. */
  path: string;
  /** The HTTP version, e.g. `"1.1"`. */
  version: string;
  status: number;
  /** Body bytes sent. */
  bytes: number;
  /** ms from the handler call to the last byte handed to the socket. */
  duration: number;
  userAgent: string | null;
  referer: string | null;
  /** The request id, or null when the server's `requestId` option is off. */
  requestId: string | null;
}

/**
 * Writes one access-log line per response through `logger.info` (aiohttp's `AccessLogger`);
 * with `structured`, the line comes with an {@link AccessLogFields} object.
 *
 * Directives: `%%`, `%a` remote address, `%t` start time, `%P` pid, `%r` request line, `%s`
 * status, `%b` body bytes sent, `%T` seconds, `%Tf` seconds with fraction, `%D` microseconds,
 * `%{Name}i` a request header, `%{Name}o` a response header.
 * @throws {Error} at construction for an unknown directive.
 */
export class AccessLogger {
  readonly logger: Logger;
  readonly logFormat: string;
  /** Whether each line comes with an {@link AccessLogFields} object. */
  readonly structured: boolean;
  readonly #parts: Part[];
  #failed = false;

  /** @throws {TypeError} when `options.structured` is not a boolean. */
  constructor(
    logger: Logger,
    logFormat: string = DEFAULT_ACCESS_LOG_FORMAT,
    options: AccessLoggerOptions = {},
  ) {
    const structured = options.structured ?? false;
    if (typeof structured !== "boolean") throw new TypeError("structured must be a boolean");
    this.logger = logger;
    this.logFormat = logFormat;
    this.structured = structured;
    this.#parts = compile(logFormat);
  }

  /** Logs one line. Never throws: a failing logger is reported once through `logger.error`. */
  log(request: AccessLogRequest, response: AccessLogResponse, elapsedMs: number): void {
    try {
      let line = "";
      for (const part of this.#parts) line += part(request, response, elapsedMs);
      if (this.structured) {
        logMessage(this.logger, "info", line, accessLogFields(request, response, elapsedMs));
      } else if (request.id !== undefined) {
        logMessage(this.logger, "info", line, { requestId: request.id });
      } else {
        this.logger.info(line);
      }
    } catch (error) {
      if (this.#failed) return;
      this.#failed = true;
      try {
        logError(this.logger, "Error in access logger", error);
      } catch {
        // a logger that cannot even report errors is not ours to crash the server for
      }
    }
  }
}

function accessLogFields(
  request: AccessLogRequest,
  response: AccessLogResponse,
  elapsedMs: number,
): AccessLogFields {
  const headers = request.headers;
  return {
    remote: request.remote ?? null,
    method: request.method,
    path: request.rawPath,
    version: `${request.version.major}.${request.version.minor}`,
    status: response.status,
    bytes: response.bodyLength,
    duration: Math.round(elapsedMs * 1000) / 1000,
    userAgent: headers.get("User-Agent") ?? null,
    referer: headers.get("Referer") ?? null,
    requestId: request.id ?? null,
  };
}
