import {
  type HeadersInit,
  HttpProcessingError,
  HttpVersion11,
  httpDate,
  multiDictEntries,
  STATUS_REASONS,
  serializeResponseHead,
} from "@ll/http-protocol";
import type { BaseRequest } from "./base-request.js";
import { Response } from "./response.js";
import { HTTPException } from "./web-exceptions.js";

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#x27;",
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]!);
}

/** The status answered for a protocol error: its `code` when that is a 4xx or 5xx, else 400. */
function errorStatus(error: HttpProcessingError): number {
  return error.code >= 400 && error.code <= 599 ? error.code : 400;
}

/** The text of every error answer: `"<status> <reason>: <message>"`. */
function errorText(status: number, message: string): string {
  return `${status} ${STATUS_REASONS[status] ?? "Error"}: ${message}`;
}

// Headers of a protocol error that the answer sets itself.
const FRAMING_HEADERS = new Set(["content-length", "connection", "transfer-encoding"]);

function extraHeaders(headers: HeadersInit | undefined): [string, string][] {
  if (headers === undefined) return [];
  const pairs: [string, string][] = [];
  for (const [name, value] of multiDictEntries(headers)) {
    if (!FRAMING_HEADERS.has(name.toLowerCase())) pairs.push([name, value]);
  }
  return pairs;
}

/**
 * An error answer written by the connection itself, with no request to hand a response to (a
 * malformed request, a timeout): `status`, a one-line text body saying `message`, and
 * `Connection: close`. Extra headers that cannot be serialized are left out.
 * @internal
 */
export function renderErrorAnswer(
  status: number,
  message: string,
  serverHeader: string | null,
  extra: HeadersInit | undefined = undefined,
): { head: Buffer; body: Buffer } {
  const text = errorText(status, message).replace(/[\r\n]+/g, " ");
  const body = Buffer.from(`${text}\n`, "utf8");
  const headers: [string, string][] = [
    ["Content-Type", "text/plain; charset=utf-8"],
    ["Content-Length", String(body.length)],
    ["Date", httpDate()],
  ];
  if (serverHeader !== null) headers.push(["Server", serverHeader]);
  headers.push(["Connection", "close"]);
  const reason = STATUS_REASONS[status] ?? "";
  let head: Buffer;
  try {
    head = serializeResponseHead(HttpVersion11, status, reason, [
      ...headers,
      ...extraHeaders(extra),
    ]);
  } catch {
    head = serializeResponseHead(HttpVersion11, status, reason, headers);
  }
  return { head, body };
}

/** The error answer for a protocol error (see {@link renderErrorAnswer}). @internal */
export function renderProtocolError(
  error: HttpProcessingError,
  serverHeader: string | null,
): { head: Buffer; body: Buffer } {
  return renderErrorAnswer(errorStatus(error), error.message, serverHeader, error.headers);
}

/**
 * The response for an error thrown while handling `request` (aiohttp's
 * `RequestHandler.handle_error`): an `HTTPException` becomes its own response; an
 * `HttpProcessingError` (a malformed body, a zip bomb) its `code` with its message and
 * `Connection: close`; anything else `500 Internal Server Error`, with the stack in the body
 * only when `debug` is on, as HTML when the client accepts `text/html`.
 * @internal
 */
export function errorResponse(
  request: BaseRequest,
  status: number,
  error: unknown,
  debug: boolean,
): Response {
  if (error instanceof HTTPException) {
    const response = new Response({
      status: error.status,
      reason: error.reason,
      headers: error.headers,
    });
    const text = error.text;
    if (text !== undefined && text !== null && text !== "") {
      if (!response.headers.has("Content-Type"))
        response.contentType = error.contentType ?? "text/plain";
      if (response.charset === undefined && response.contentType.startsWith("text/"))
        response.charset = "utf-8";
      response.text = text;
    }
    return response;
  }
  if (error instanceof HttpProcessingError) {
    const code = errorStatus(error);
    const response = new Response({ status: code, text: errorText(code, error.message) });
    response.forceClose();
    return response;
  }
  const title = `${status} ${STATUS_REASONS[status] ?? "Error"}`;
  const trace = debug && error instanceof Error ? (error.stack ?? String(error)) : undefined;
  const accept = request.headers.get("accept") ?? "";
  if (accept.includes("text/html")) {
    const message =
      trace === undefined
        ? "Server got itself in trouble"
        : `<h2>Traceback:</h2>\n<pre>${escapeHtml(trace)}</pre>`;
    return new Response({
      status,
      text: `<html><head><title>${title}</title></head><body>\n<h1>${title}</h1>\n${message}\n</body></html>\n`,
      contentType: "text/html",
    });
  }
  return new Response({ status, text: `${title}\n\n${trace ?? "Server got itself in trouble"}` });
}
