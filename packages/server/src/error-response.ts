import { HttpProcessingError, STATUS_REASONS } from "@ll/http-protocol";
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
    const code = error.code >= 400 && error.code <= 599 ? error.code : 400;
    const response = new Response({
      status: code,
      text: `${code} ${STATUS_REASONS[code] ?? "Error"}: ${error.message}`,
    });
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
