/**
 * Serving WHATWG fetch-style applications, `(Request) => Response`, on the server.
 */

import type { BaseRequest } from "./base-request.js";
import { LazyFetchRequest } from "./lazy-fetch-request.js";
import { overrideGlobalResponse } from "./lazy-fetch-response.js";
import { sendFetchResponse } from "./send-fetch-response.js";
import type { Handler } from "./server.js";
import type { StreamResponse } from "./stream-response.js";

/** What a fetch application gets besides the `Request`. */
export interface FetchContext {
  /** The server's own request: the socket, `remote`, `state` and the rest. */
  readonly request: BaseRequest;
}

/**
 * A fetch-style application: hono's `app.fetch`, an itty-router `router.fetch`, a Remix
 * request handler, or any function from a WHATWG `Request` to a `Response`.
 */
export type FetchApp = (
  request: globalThis.Request,
  context: FetchContext,
) => globalThis.Response | Promise<globalThis.Response>;

/** Options of {@link fetchHandler}. */
export interface FetchHandlerOptions {
  /**
   * Replaces `globalThis.Response`, for the whole process, with a subclass-compatible one that
   * keeps a string or bytes body as given until something other than the server reads it
   * (default true, as `@hono/node-server` does; `false` keeps Node's own). Node's `Response`
   * builds a stream for every body; frameworks create one per request, and that costs more
   * than the rest of a small answer. The replacement's instances are `instanceof Response`
   * and act as Node's (their first use of `body`, `text()`, `clone()`… builds the real one),
   * and `instanceof` it accepts Node's responses. It is put in place when `fetchHandler` is
   * called, never on import.
   */
  overrideGlobalResponse?: boolean;
  /**
   * Turns an error the application threw (or rejected with) into a response. Without it, or
   * when it throws, the error goes to the server as any handler's would: an `HTTPException`
   * becomes its response, anything else a 500.
   */
  onError?(
    error: unknown,
    request: globalThis.Request,
    context: FetchContext,
  ): globalThis.Response | Promise<globalThis.Response>;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

/** @throws {TypeError} unless `value` is a fetch `Response`. */
function checkResponse(value: unknown): globalThis.Response {
  if (value instanceof globalThis.Response) return value;
  const kind = typeof value === "object" && value !== null ? value.constructor?.name : typeof value;
  throw new TypeError(`The fetch application must return a Response, got ${kind ?? "null"}`);
}

/**
 * A server handler that serves a fetch-style application: each request is given to `app`
 * as a WHATWG `Request` (what {@link toFetchRequest} builds, but made lazily: a router that
 * reads only `method`, `url` and headers never pays for the rest), and the `Response` it
 * returns is sent by {@link sendFetchResponse}: streamed bodies with backpressure, every
 * `Set-Cookie` kept, `Content-Length` when the length is known, HEAD without a body. When the
 * client goes away, the request's `signal` aborts and a streamed response body is cancelled.
 *
 * WebSockets are not served through the fetch interface: use `WebSocketResponse` in a
 * plain handler (and `fetchHandler` for the other requests).
 *
 * @example
 * ```ts
 * import net from "node:net";
 * import { Hono } from "hono";
 * import { Server, fetchHandler } from "@ll/server";
 *
 * const app = new Hono().get("/", (c) => c.text("Hello"));
 * const server = new Server(fetchHandler(app.fetch));
 * net.createServer(server.connectionListener).listen(8080);
 * ```
 * @throws {TypeError} when `app` (or `options.onError`) is not a function.
 */
export function fetchHandler(app: FetchApp, options: FetchHandlerOptions = {}): Handler {
  if (typeof app !== "function") throw new TypeError("app must be a function");
  const onError = options.onError;
  if (onError !== undefined && typeof onError !== "function") {
    throw new TypeError("onError must be a function");
  }
  const recover = (
    error: unknown,
    fetchRequest: globalThis.Request,
    context: FetchContext,
  ): StreamResponse | Promise<StreamResponse> => {
    if (onError === undefined) throw error;
    const answer = onError(error, fetchRequest, context);
    if (isThenable(answer)) {
      return Promise.resolve(answer).then((value) =>
        sendFetchResponse(context.request, checkResponse(value)),
      );
    }
    return sendFetchResponse(context.request, checkResponse(answer));
  };
  if (options.overrideGlobalResponse !== false) overrideGlobalResponse();
  return (request: BaseRequest): StreamResponse | Promise<StreamResponse> => {
    const fetchRequest = new LazyFetchRequest(request) as unknown as globalThis.Request;
    const context: FetchContext = { request };
    let result: globalThis.Response | Promise<globalThis.Response>;
    try {
      result = app(fetchRequest, context);
    } catch (error) {
      return recover(error, fetchRequest, context);
    }
    if (isThenable(result)) {
      return Promise.resolve(result).then(
        (value) => sendFetchResponse(request, checkResponse(value)),
        (error: unknown) => recover(error, fetchRequest, context),
      );
    }
    return sendFetchResponse(request, checkResponse(result));
  };
}
