/**
 * One log line per response in aiohttp's format language (`web_log.AccessLogger`). The format
 * is compiled once into a list of small functions, so a line costs a join, not a parse.
 */

/** Where the server writes its logs: `console` fits, as does pino or winston. */
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

/**
 * Writes one access-log line per response through `logger.info` (aiohttp's `AccessLogger`).
 *
 * Directives: `%%`, `%a` remote address, `%t` start time, `%P` pid, `%r` request line, `%s`
 * status, `%b` body bytes sent, `%T` seconds, `%Tf` seconds with fraction, `%D` microseconds,
 * `%{Name}i` a request header, `%{Name}o` a response header.
 * @throws {Error} at construction for an unknown directive.
 */
export class AccessLogger {
  readonly logger: Logger;
  readonly logFormat: string;
  readonly #parts: Part[];
  #failed = false;

  constructor(logger: Logger, logFormat: string = DEFAULT_ACCESS_LOG_FORMAT) {
    this.logger = logger;
    this.logFormat = logFormat;
    this.#parts = compile(logFormat);
  }

  /** Logs one line. Never throws: a failing logger is reported once through `logger.error`. */
  log(request: AccessLogRequest, response: AccessLogResponse, elapsedMs: number): void {
    try {
      let line = "";
      for (const part of this.#parts) line += part(request, response, elapsedMs);
      this.logger.info(line);
    } catch (error) {
      if (this.#failed) return;
      this.#failed = true;
      try {
        this.logger.error("Error in access logger", error);
      } catch {
        // a logger that cannot even report errors is not ours to crash the server for
      }
    }
  }
}
