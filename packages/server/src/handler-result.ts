import type { BaseRequest } from "./base-request.js";
import { errorResponse } from "./error-response.js";
import { type LogFields, logError, logMessage } from "./log.js";
import { sendFetchResponse } from "./send-fetch-response.js";
import type { ResolvedServerOptions } from "./server-options.js";
import type { StreamResponse } from "./stream-response.js";
import { kOutputStarted } from "./symbols.js";
import { HTTPException } from "./web-exceptions.js";

/** The fields every log line about `request` carries: its id, when the server gives ids. */
export function requestLogFields(request: BaseRequest): LogFields | undefined {
  const id = request.id;
  return id === undefined ? undefined : { requestId: id };
}

/**
 * The answer to an error the handler threw (aiohttp's `handle_error`): an `HTTPException`'s own
 * response, a protocol error's status, else a logged 500. Undefined when the handler's
 * response already started (`started`): only cutting the connection can say "failed" then.
 * @internal
 */
export function responseForError(
  request: BaseRequest,
  error: unknown,
  started: boolean,
  options: ResolvedServerOptions,
): StreamResponse | undefined {
  if (started) {
    // The head (and maybe some body) is out: a chunked body then lacks its last chunk.
    logError(
      options.logger,
      `Error handling request from ${request.remote} after the response started`,
      error,
      requestLogFields(request),
    );
    return undefined;
  }
  const response = errorResponse(request, 500, error, options.debug);
  if (response.status === 500) {
    logError(
      options.logger,
      `Error handling request from ${request.remote}`,
      error,
      requestLogFields(request),
    );
  }
  return response;
}

/**
 * The answer when a handler returned something that is not a `StreamResponse` (`result`),
 * given the response it had started, if any (`current`): a WHATWG `Response` is sent as
 * `fetchHandler` sends an application's; a returned `HTTPException` is answered as if thrown,
 * with a warning; anything else is logged and answered 500. Undefined when `current` already
 * started: the connection must be cut.
 * @internal
 */
export function responseForResult(
  request: BaseRequest,
  result: unknown,
  current: StreamResponse | undefined,
  options: ResolvedServerOptions,
): StreamResponse | undefined {
  const started = current?.[kOutputStarted] === true;
  if (result instanceof globalThis.Response) {
    try {
      return sendFetchResponse(request, result);
    } catch (error) {
      return responseForError(request, error, started, options);
    }
  }
  if (result instanceof HTTPException && !started) {
    // aiohttp answered a returned exception (with a deprecation warning): so do we, and warn.
    logMessage(
      options.logger,
      "warn",
      `Handler for ${request.method} ${request.path} from ${request.remote} returned an HTTPException (${result.name}): throw it instead`,
      requestLogFields(request),
    );
    return errorResponse(request, result.status, result, options.debug);
  }
  if (result !== undefined) {
    const got = typeof result === "object" ? (result?.constructor?.name ?? "null") : typeof result;
    logError(
      options.logger,
      `Error handling request from ${request.remote}: the handler must return a StreamResponse, got ${got}`,
      undefined,
      requestLogFields(request),
    );
  } else if (current === undefined) {
    logError(
      options.logger,
      `Error handling request from ${request.remote}: the handler returned no response`,
      undefined,
      requestLogFields(request),
    );
  }
  return started ? undefined : errorResponse(request, 500, undefined, options.debug);
}
