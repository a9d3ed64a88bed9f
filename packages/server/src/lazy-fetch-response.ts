/**
 * A fetch `Response` that defers building the real one: what `fetchHandler`'s
 * `overrideGlobalResponse` option puts in place of `globalThis.Response`.
 *
 * Node's `Response` builds a `ReadableStream` for every body, a string one included, which
 * costs more than serving a small response does. Frameworks such as hono call
 * `new Response(text, init)` for each request, and the server only needs the status, the
 * headers and the string back. This class keeps what it was given; the server reads it
 * directly, and any other use (`text()`, `body`, `clone()`…) builds the real `Response` once
 * and forwards to it. It inherits from the real `Response.prototype`, and `instanceof` it
 * accepts real responses too, so code checking `instanceof Response` keeps working.
 */

import { forwardToReal } from "./forward-to-real.js";

const NativeResponse: typeof globalThis.Response = globalThis.Response;
type NativeResponse = globalThis.Response;

/** The real `Response`, built on first use. @internal */
export const kReal: unique symbol = Symbol("realResponse");
/** The body and init as given, while no real `Response` was built. @internal */
export const kDeferred: unique symbol = Symbol("deferredResponse");

/** `LazyFetchResponse[kDeferredBody](value)`: the body as given, for the server. @internal */
export const kDeferredBody: unique symbol = Symbol("deferredBody");
/** `LazyFetchResponse[kPlainInit](response)`: the init when its headers are plain. @internal */
export const kPlainInit: unique symbol = Symbol("plainInit");
/** What `kDeferredBody` gives for anything but a deferred response. @internal */
export const NOT_DEFERRED: unique symbol = Symbol("notDeferred");

/** What a deferred response holds. @internal */
export interface DeferredResponse {
  readonly body: unknown;
  /**
   * The headers as `[lower-case name, value]` pairs when they were given as a plain object
   * of strings and never read through `headers`; else undefined (read `headers`).
   */
  readonly entries: [string, string][] | undefined;
}

/** `init.headers` as lower-case pairs when it is a plain object of strings. */
function plainEntries(init: ResponseInit["headers"]): [string, string][] | undefined {
  if (init === undefined) return [];
  if (Object.getPrototypeOf(init) !== Object.prototype) return undefined;
  const entries: [string, string][] = [];
  for (const name in init as Record<string, unknown>) {
    const value = (init as Record<string, unknown>)[name];
    if (typeof value !== "string") return undefined;
    entries.push([name.toLowerCase(), value]);
  }
  return entries;
}

/** The Content-Type a fetch `Response` gives a string body by default. @internal */
export const TEXT_PLAIN = "text/plain;charset=UTF-8";

/** Whether a body adds no Content-Type of its own but a string's default. */
function hasPlainBody(body: unknown): boolean {
  return (
    body === null ||
    typeof body === "string" ||
    body instanceof ArrayBuffer ||
    ArrayBuffer.isView(body) ||
    body instanceof ReadableStream
  );
}

/** @internal */
export class LazyFetchResponse {
  #body: unknown;
  #init: ResponseInit | undefined;
  #headers: Headers | undefined = undefined;
  #real: NativeResponse | undefined = undefined;

  constructor(body?: unknown, init?: ResponseInit) {
    const status = init?.status;
    // The checks the real constructor makes first (its messages' substance).
    if (status !== undefined && (!Number.isInteger(status) || status < 200 || status > 599)) {
      throw new RangeError(`init["status"] must be in the range of 200 to 599, inclusive.`);
    }
    if (
      (status === 204 || status === 205 || status === 304) &&
      body !== null &&
      body !== undefined
    ) {
      throw new TypeError(`Response constructor: Invalid response status code ${status}`);
    }
    this.#body = body ?? null;
    this.#init = init;
  }

  /** `Response.json(data, init)`, deferred too. */
  static json(data: unknown, init?: ResponseInit): LazyFetchResponse {
    const text = JSON.stringify(data);
    if (text === undefined) throw new TypeError("Value is not JSON serializable");
    const given = init?.headers;
    let headers: ConstructorParameters<typeof Headers>[0];
    if (given === undefined) headers = { "content-type": "application/json" };
    else {
      headers = new Headers(given);
      if (!headers.has("content-type")) headers.set("content-type", "application/json");
    }
    return new LazyFetchResponse(text, {
      status: init?.status,
      statusText: init?.statusText,
      headers,
    });
  }

  static redirect(url: string | URL, status?: number): NativeResponse {
    return NativeResponse.redirect(url, (status ?? 302) as 301 | 302 | 303 | 307 | 308);
  }

  static error(): NativeResponse {
    return NativeResponse.error();
  }

  /**
   * The body `value` was made with, when it is one of these whose real `Response` was never
   * built; else {@link NOT_DEFERRED}. The server's fast path: no object is made to say so.
   */
  static [kDeferredBody](value: object): unknown {
    return #body in value && value.#real === undefined ? value.#body : NOT_DEFERRED;
  }

  /**
   * The init `response` was made with (undefined when none) when its headers are still as
   * given and are absent or a plain object; else null (read `headers`).
   */
  static [kPlainInit](response: LazyFetchResponse): ResponseInit | undefined | null {
    if (response.#headers !== undefined) return null;
    const init = response.#init;
    const headers = init?.headers;
    return headers === undefined || Object.getPrototypeOf(headers) === Object.prototype
      ? init
      : null;
  }

  static [Symbol.hasInstance](value: unknown): boolean {
    return value instanceof NativeResponse;
  }

  get status(): number {
    return this.#real?.status ?? this.#init?.status ?? 200;
  }

  get statusText(): string {
    return this.#real?.statusText ?? this.#init?.statusText ?? "";
  }

  get ok(): boolean {
    const status = this.status;
    return status >= 200 && status < 300;
  }

  get headers(): Headers {
    if (this.#real !== undefined) return this.#real.headers;
    // A Blob, FormData or URLSearchParams body gives its own Content-Type: the real
    // constructor knows which.
    if (!hasPlainBody(this.#body)) return this[kReal].headers;
    let headers = this.#headers;
    if (headers === undefined) {
      headers = this.#headers = new Headers(this.#init?.headers);
      // As the real constructor: a string body says it is UTF-8 text unless told otherwise.
      if (typeof this.#body === "string" && !headers.has("content-type")) {
        headers.set("content-type", TEXT_PLAIN);
      }
    }
    return headers;
  }

  get [Symbol.toStringTag](): string {
    return "Response";
  }

  /** The real `Response`, built on first use of anything but status and headers. */
  get [kReal](): NativeResponse {
    let real = this.#real;
    if (real === undefined) {
      const init = this.#init;
      real = this.#real = new NativeResponse(
        this.#body as ConstructorParameters<typeof NativeResponse>[0],
        {
          status: init?.status,
          statusText: init?.statusText,
          // The headers as read and changed through `headers`, else as given.
          headers: this.#headers ?? init?.headers,
        },
      );
      this.#body = undefined;
    }
    return real;
  }

  /** What the server sends directly, undefined once the real `Response` exists. */
  get [kDeferred](): DeferredResponse | undefined {
    if (this.#real !== undefined) return undefined;
    const body = this.#body;
    let entries: [string, string][] | undefined;
    if (this.#headers === undefined) {
      entries = plainEntries(this.#init?.headers);
      if (
        entries !== undefined &&
        typeof body === "string" &&
        !entries.some(([name]) => name === "content-type")
      ) {
        entries.push(["content-type", TEXT_PLAIN]);
      }
    }
    return { body, entries };
  }
}

// Every other member of Response.prototype (and of the Body mixin) goes to the real one.
forwardToReal(LazyFetchResponse, NativeResponse, kReal);
Object.setPrototypeOf(LazyFetchResponse, NativeResponse);

/**
 * Puts {@link LazyFetchResponse} in place of `globalThis.Response` (once; later calls do
 * nothing). The process-wide `Response` then defers its body.
 * @internal
 */
export function overrideGlobalResponse(): void {
  if (globalThis.Response !== NativeResponse) return;
  globalThis.Response = LazyFetchResponse as unknown as typeof globalThis.Response;
}
