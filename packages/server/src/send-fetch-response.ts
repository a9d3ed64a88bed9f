/**
 * A WHATWG fetch `Response` sent as our response: the bridge back from
 * `(Request) => Response` applications.
 */

import { ConnectionResetError } from "@ll/http-protocol";
import type { BaseRequest } from "./base-request.js";
import {
  type DeferredResponse,
  kDeferred,
  kDeferredBody,
  kPlainInit,
  kReal,
  LazyFetchResponse,
  NOT_DEFERRED,
  TEXT_PLAIN,
} from "./lazy-fetch-response.js";
import { Response } from "./response.js";
import { isEmptyBodyStatus } from "./response-framing.js";
import {
  isSafeHeaderValue,
  StreamResponse,
  type StreamResponseOptions,
} from "./stream-response.js";
import { kSetContentType } from "./symbols.js";

type FetchResponse = globalThis.Response;

// Node's fetch (undici) keeps the body a Response was made with (a string, or bytes) in its
// internal state, beside the stream it would otherwise be read from. Reading it there spares
// the stream and gives the Content-Length. The state is keyed by a symbol; it is looked up
// once, and when it is not there (another fetch implementation) every body is streamed.
interface UndiciBody {
  source: unknown;
  length: number | null;
}
const kUndiciState: symbol | undefined = Object.getOwnPropertySymbols(
  new globalThis.Response(null),
).find((symbol) => symbol.description === "state");

/** The whole body of `response` when it was made from a string or bytes, else undefined. */
function knownBody(response: FetchResponse): string | Uint8Array | undefined {
  if (kUndiciState === undefined || response.bodyUsed) return undefined;
  const state = (response as unknown as Record<symbol, { body?: UndiciBody | null } | undefined>)[
    kUndiciState
  ];
  const source = state?.body?.source;
  if (typeof source === "string" || source instanceof Uint8Array) return source;
  return undefined;
}

/**
 * Response headers as pairs for `StreamResponse`, minus those the server decides. `entries`
 * have lower-case names; with `setCookies` (a `Headers`' `getSetCookie()`), the `set-cookie`
 * entries are taken from it, one field each.
 */
function headerPairs(
  entries: Iterable<[string, string]>,
  setCookies: readonly string[] | undefined,
): {
  pairs: [string, string][];
  contentType: string | undefined;
  contentLength: string | undefined;
  close: boolean;
} {
  const pairs: [string, string][] = [];
  let contentType: string | undefined;
  let contentLength: string | undefined;
  let close = false;
  for (const [name, value] of entries) {
    switch (name) {
      case "set-cookie":
        if (setCookies !== undefined) continue; // added one by one below
        break;
      case "content-length":
        contentLength = value;
        continue;
      case "transfer-encoding":
      case "keep-alive":
        continue; // framing is the server's: chunked when no length is known
      case "connection":
        // Hop-by-hop: only its close option is honoured.
        if (/(?:^|,)\s*close\s*(?:,|$)/i.test(value)) close = true;
        continue;
      case "content-type":
        contentType = value;
        break;
    }
    pairs.push([name, value]);
  }
  if (setCookies !== undefined) for (const cookie of setCookies) pairs.push(["set-cookie", cookie]);
  return { pairs, contentType, contentLength, close };
}

// The Content-Type `Response.json()` and most frameworks give JSON: known to be plain (as a
// string body's default is), no need to test it.
const APPLICATION_JSON = "application/json";

/**
 * The common answer of a framework under `overrideGlobalResponse`, sent without building a
 * header list: a deferred `Response` with a string or bytes body and at most a Content-Type
 * (as a plain object's only key, or the default of a string body). Undefined for anything
 * else, which takes the general path.
 */
function sendDeferredPlain(fetchResponse: FetchResponse): StreamResponse | undefined {
  const body = LazyFetchResponse[kDeferredBody](fetchResponse);
  if (body === NOT_DEFERRED) return undefined;
  if (typeof body !== "string" && !(body instanceof Uint8Array)) return undefined;
  const init = LazyFetchResponse[kPlainInit](fetchResponse as unknown as LazyFetchResponse);
  if (init === null) return undefined;
  let contentType: string | undefined;
  const headers = init?.headers as Record<string, unknown> | undefined;
  if (headers !== undefined) {
    for (const name in headers) {
      const value = headers[name];
      if (
        contentType !== undefined ||
        typeof value !== "string" ||
        name.toLowerCase() !== "content-type"
      ) {
        return undefined;
      }
      contentType = value;
    }
  }
  if (contentType === undefined) {
    if (typeof body !== "string") return undefined;
    contentType = TEXT_PLAIN;
  } else if (
    contentType !== TEXT_PLAIN &&
    contentType !== APPLICATION_JSON &&
    !isSafeHeaderValue(contentType)
  ) {
    return undefined; // the general path validates it (and says what is wrong)
  }
  const status = init?.status ?? 200;
  const statusText = init?.statusText;
  const response = new Response();
  if (status !== 200 || (statusText !== undefined && statusText !== "")) {
    response.setStatus(status, statusText === "" ? undefined : statusText);
  }
  response.body = body;
  response[kSetContentType](contentType);
  return response;
}

/**
 * A response that streams a fetch `Response`'s body: `prepare()` sends the head, `writeEof()`
 * copies the body chunk by chunk, each write waiting for the socket (backpressure). When the
 * client goes away the body stream is cancelled.
 */
class FetchStreamResponse extends StreamResponse {
  readonly #request: BaseRequest;
  readonly #body: ReadableStream<Uint8Array>;
  readonly #declaredLength: number | undefined;
  #copied = false;

  constructor(
    request: BaseRequest,
    options: StreamResponseOptions,
    body: ReadableStream<Uint8Array>,
    declaredLength: number | undefined,
  ) {
    super(options);
    this.#request = request;
    this.#body = body;
    this.#declaredLength = declaredLength;
  }

  override async writeEof(data?: Buffer | Uint8Array | string): Promise<void> {
    if (!this.#copied) {
      this.#copied = true;
      await this.#copy();
    }
    return super.writeEof(data);
  }

  async #copy(): Promise<void> {
    const request = this.#request;
    const reader = this.#body.getReader();
    if (request.method === "HEAD" || isEmptyBodyStatus(this.status)) {
      // No body goes out: do not run the application's stream at all.
      await reader.cancel().catch(() => undefined);
      return;
    }
    const signal = request.signal;
    let failure: unknown;
    const onAbort = (): void => {
      failure ??= new ConnectionResetError();
      reader.cancel(signal.reason).catch(() => undefined);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
    const declared = this.#declaredLength;
    let written = 0;
    try {
      for (;;) {
        if (failure !== undefined) throw failure;
        const { done, value } = await reader.read();
        if (failure !== undefined) throw failure;
        if (done) break;
        if (!(value instanceof Uint8Array)) {
          throw new TypeError("The response body stream must give Uint8Array chunks");
        }
        written += value.byteLength;
        if (declared !== undefined && written > declared) {
          throw new Error(
            `The response body is longer than its Content-Length of ${declared} bytes`,
          );
        }
        try {
          await this.write(value);
        } catch (error) {
          failure = error;
          throw error;
        }
      }
      if (declared !== undefined && written < declared) {
        throw new Error(
          `The response body ended after ${written} of its Content-Length of ${declared} bytes`,
        );
      }
    } catch (error) {
      // The stream failed, or the socket did: stop the application's stream either way.
      reader.cancel(error).catch(() => undefined);
      throw error;
    } finally {
      signal.removeEventListener("abort", onAbort);
      reader.releaseLock();
    }
  }
}

/**
 * Turns a WHATWG fetch `Response` (the global one) into a response the server sends: status
 * and status text, every header (each `Set-Cookie` kept), and the body: one write with
 * `Content-Length` when it is a string or bytes (or when the application set
 * `Content-Length`), else streamed chunked, chunk by chunk with backpressure, the stream
 * cancelled when the client goes away. HEAD requests get the headers only, and the body
 * stream is cancelled unread. `Transfer-Encoding`, `Keep-Alive` and `Connection` are the
 * server's to decide (`Connection: close` is honoured).
 *
 * A handler may also return the fetch `Response` itself: the server converts it with this.
 *
 * @example
 * ```ts
 * import { Server, sendFetchResponse } from "@ll/server";
 *
 * const server = new Server((request) =>
 *   sendFetchResponse(request, globalThis.Response.json({ ok: true })),
 * );
 * ```
 * @throws {TypeError} when `fetchResponse` is a network error (`Response.error()`), its body
 *   was already read, or a header is not one a response head may carry.
 */
export function sendFetchResponse(
  request: BaseRequest,
  fetchResponse: FetchResponse,
): StreamResponse {
  const plain = sendDeferredPlain(fetchResponse);
  if (plain !== undefined) return plain;
  // A deferred Response (fetchHandler's overrideGlobalResponse) is read without building it.
  const deferred = (fetchResponse as Partial<Record<typeof kDeferred, DeferredResponse>>)[
    kDeferred
  ];
  let deferredEntries = deferred?.entries;
  let lazy = deferred !== undefined;
  let known: string | Uint8Array | null | undefined;
  let stream: ReadableStream<Uint8Array> | undefined;
  if (deferred !== undefined) {
    const body = deferred.body;
    if (body === null || typeof body === "string" || body instanceof Uint8Array) known = body;
    else if (body instanceof ArrayBuffer) known = new Uint8Array(body);
    else if (body instanceof ReadableStream) stream = body;
    else {
      // A Blob, FormData, URLSearchParams…: the real Response knows how to serialize it.
      fetchResponse = (fetchResponse as unknown as Record<typeof kReal, FetchResponse>)[kReal];
      deferredEntries = undefined;
      lazy = false;
    }
  }
  const status = fetchResponse.status;
  if (status === 0 || (!lazy && fetchResponse.type === "error")) {
    throw new TypeError("A network error Response cannot be sent");
  }
  let headerEntries: Iterable<[string, string]>;
  let setCookies: readonly string[] | undefined;
  if (deferredEntries !== undefined) {
    headerEntries = deferredEntries;
  } else {
    const headers = fetchResponse.headers;
    headerEntries = headers;
    setCookies = headers.getSetCookie();
  }
  const { pairs, contentType, contentLength, close } = headerPairs(headerEntries, setCookies);
  const statusText = fetchResponse.statusText;
  const reason = statusText === "" ? undefined : statusText;
  if (known === undefined && stream === undefined) {
    if (fetchResponse.bodyUsed) throw new TypeError("The Response body was already read");
    const body = fetchResponse.body;
    if (body === null) known = null;
    else {
      known = knownBody(fetchResponse);
      if (known === undefined) stream = body;
    }
  }
  let response: StreamResponse;
  if (known !== undefined) {
    // The whole body is at hand: one write, with its Content-Length.
    const body = known ?? undefined;
    if (pairs.length === 1 && contentType !== undefined && isSafeHeaderValue(contentType)) {
      // Only a Content-Type: the head is built without a header dict.
      response = new Response({ status, reason, body });
      response[kSetContentType](contentType);
    } else {
      response = new Response({ status, reason, headers: pairs, body });
    }
  } else {
    let declaredLength: number | undefined;
    if (contentLength !== undefined) {
      if (!/^\d{1,15}$/.test(contentLength)) {
        throw new TypeError(`Invalid Content-Length header: ${JSON.stringify(contentLength)}`);
      }
      declaredLength = Number(contentLength);
    }
    response = new FetchStreamResponse(
      request,
      { status, reason, headers: pairs },
      stream!,
      declaredLength,
    );
    if (declaredLength !== undefined) response.contentLength = declaredLength;
  }
  if (close) response.forceClose();
  return response;
}
