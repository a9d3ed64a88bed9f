/**
 * The fetch `Request` that `fetchHandler` gives applications: built on first use of what a
 * router does not need.
 *
 * Constructing a WHATWG `Request` costs several times what serving a small response does, and
 * most requests only have their `method` and `url` read (routing), and maybe a header. This
 * object answers those from the `BaseRequest`; any other member builds the real `Request`
 * once (`toFetchRequest`, sharing the `Headers` already made) and forwards to it. It inherits
 * from `Request.prototype`, so `instanceof Request` holds.
 */

import type { BaseRequest } from "./base-request.js";
import { forwardToReal } from "./forward-to-real.js";
import { fetchHeaders, fetchRequestInit, fetchUrl, hasFetchBody } from "./to-fetch-request.js";
import { HTTPBadRequest } from "./web-exceptions.js";

const kReal: unique symbol = Symbol("realRequest");

/** @internal */
export class LazyFetchRequest {
  readonly #request: BaseRequest;
  #url: string | undefined = undefined;
  #headers: Headers | undefined = undefined;
  #real: globalThis.Request | undefined = undefined;
  #bodyUsed = false;

  constructor(request: BaseRequest) {
    this.#request = request;
  }

  /**
   * The absolute URL.
   * @throws {HTTPBadRequest} when the host and target make no valid URL (a bad `Host`).
   */
  get url(): string {
    let url = this.#url;
    if (url === undefined) {
      try {
        url = this.#url = fetchUrl(this.#request);
      } catch (error) {
        throw new HTTPBadRequest({ text: (error as Error).message });
      }
    }
    return url;
  }

  /** The method, as sent. */
  get method(): string {
    return this.#request.method;
  }

  /** The headers, every field as sent. */
  get headers(): Headers {
    this.#headers ??= fetchHeaders(this.#request);
    return this.#headers;
  }

  /** Aborts when the client goes away (the request's own signal). */
  get signal(): AbortSignal {
    return this.#request.signal;
  }

  /** The real `Request`, built on first use. */
  get [kReal](): globalThis.Request {
    let real = this.#real;
    if (real === undefined) {
      real = this.#real = new globalThis.Request(
        this.url,
        fetchRequestInit(this.#request, this.headers),
      );
      // Its body was read already (text(), json()…): the real one's must say so, as Node's
      // does after a read (bodyUsed, clone() and a second read refused), not start anew from
      // the drained request. A read started on its stream marks it disturbed at once.
      if (this.#bodyUsed)
        real.body
          ?.getReader()
          .read()
          .catch(() => {});
    }
    return real;
  }

  /** Whether the body was read. */
  get bodyUsed(): boolean {
    return this.#bodyUsed || (this.#real?.bodyUsed ?? false);
  }

  // The body readers take the body through `request.read()`, without a stream, and so within
  // the server's `clientMaxSize` (413 beyond it). GET and HEAD have none.
  async #bytes(): Promise<Buffer> {
    if (this.#real !== undefined) return Buffer.from(await this.#real.arrayBuffer());
    // As Node's: a request without a body (GET, HEAD) reads as empty, as often as asked.
    if (!hasFetchBody(this.#request)) return Buffer.alloc(0);
    if (this.#bodyUsed) throw new TypeError("Body is unusable: Body has already been read");
    this.#bodyUsed = true;
    return this.#request.read();
  }

  /** The body as text (UTF-8). */
  async text(): Promise<string> {
    return (await this.#bytes()).toString("utf8");
  }

  /** The body parsed as JSON. */
  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  /** The body as an ArrayBuffer. */
  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await this.#bytes();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer;
  }

  /** The body as bytes. */
  async bytes(): Promise<Uint8Array> {
    return new Uint8Array(await this.arrayBuffer());
  }

  get [Symbol.toStringTag](): string {
    return "Request";
  }
}

// Every other member of Request.prototype (and of the Body mixin) goes to the real one.
forwardToReal(LazyFetchRequest, globalThis.Request, kReal);
