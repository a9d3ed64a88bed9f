// Imported, not the global: in an ES module the global `Buffer` is a getter, called on every
// use (Buffer.byteLength runs once or twice per response).
import { Buffer } from "node:buffer";
import { checkOptionKeys, type OptionKeys } from "@ll/http-protocol";
import type { BaseRequest } from "./base-request.js";
import type { StreamResponseOptions } from "./stream-response.js";
import { StreamResponse, TEXT_PLAIN_UTF8, toChunk } from "./stream-response.js";
import { kSetContentType } from "./symbols.js";

/** Options of {@link Response}. */
export interface ResponseOptions extends StreamResponseOptions {
  /** The body: bytes, or a string sent as UTF-8 (type `application/octet-stream` unless told). */
  body?: Buffer | Uint8Array | string | null;
  /** A text body: sets `text/plain; charset=utf-8` unless `contentType`/`charset` say otherwise. */
  text?: string | null;
  /** The media type of `Content-Type`. */
  contentType?: string;
  /** The `charset` parameter of `Content-Type` (also the encoding of `text`). */
  charset?: string;
}

// Charsets a text body can be encoded in with Node's own encoders.
const NODE_ENCODINGS: Readonly<Record<string, BufferEncoding>> = {
  "utf-8": "utf8",
  utf8: "utf8",
  "iso-8859-1": "latin1",
  latin1: "latin1",
  "us-ascii": "ascii",
  ascii: "ascii",
  "utf-16le": "utf16le",
};

const RESPONSE_OPTIONS: OptionKeys<ResponseOptions> = {
  status: true,
  reason: true,
  headers: true,
  body: true,
  text: true,
  contentType: true,
  charset: true,
};

function nodeEncoding(charset: string | undefined): BufferEncoding {
  if (charset === undefined) return "utf8";
  const encoding = NODE_ENCODINGS[charset.toLowerCase()];
  if (encoding === undefined) {
    throw new TypeError(
      `charset ${JSON.stringify(charset)} is not supported for text bodies (use utf-8, iso-8859-1, us-ascii or utf-16le, or pass body bytes)`,
    );
  }
  return encoding;
}

/**
 * A response with the whole body in memory: aiohttp's `web.Response`. `Content-Length` is
 * set from the body, and head and body go out in one write.
 *
 * @example
 * ```ts
 * import { Response } from "@ll/server";
 *
 * const ok = new Response({ text: "OK" });
 * const created = new Response({ status: 201, body: Buffer.from([1, 2, 3]) });
 * const html = new Response({ text: "<h1>Hi</h1>", contentType: "text/html" });
 * ```
 */
export class Response extends StreamResponse {
  // A string body stays a string until it must be bytes: the head and a UTF-8 body can then
  // be written as one string.
  #body: Buffer | string | undefined = undefined;

  /**
   * @throws {TypeError} when both `body` and `text` are given, `text` is not a string, `body`
   *   is not bytes or a string, `contentType`/`charset` come with a `Content-Type` header, or
   *   `charset` cannot encode text, or `options` has a key it does not know (the message names
   *   the closest valid one).
   * @throws {RangeError} as {@link StreamResponse} for a bad status.
   */
  constructor(options?: ResponseOptions) {
    if (new.target === Response) checkOptionKeys(options, RESPONSE_OPTIONS, "Response");
    super(options);
    if (options === undefined) return;
    // The usual `{ text }` alone takes this short path; the checks below are a method of their
    // own so that this constructor stays small enough for V8 to inline where it is called.
    const text = options.text;
    if (
      typeof text === "string" &&
      options.body == null &&
      options.contentType === undefined &&
      options.charset === undefined &&
      options.headers === undefined
    ) {
      this[kSetContentType](TEXT_PLAIN_UTF8);
      this.#body = text;
      return;
    }
    this.#configure(options);
  }

  /** The constructor's general case: every combination of options, and their errors. */
  #configure(options: ResponseOptions): void {
    const body = options.body ?? undefined;
    const text = options.text ?? undefined;
    const contentType = options.contentType;
    const charset = options.charset;
    if (body !== undefined && text !== undefined)
      throw new TypeError("body and text are not allowed together");
    if (
      (contentType !== undefined || charset !== undefined) &&
      options.headers !== undefined &&
      this.headers.has("Content-Type")
    ) {
      throw new TypeError(
        "passing both a Content-Type header and contentType or charset is not allowed",
      );
    }
    if (text !== undefined) {
      if (typeof text !== "string")
        throw new TypeError(`text must be a string, not ${typeof text}`);
      const encoding = nodeEncoding(charset);
      if (contentType === undefined && charset === undefined && options.headers === undefined) {
        this[kSetContentType](TEXT_PLAIN_UTF8); // the common case, without parsing
      } else {
        this.#setContentType(contentType ?? "text/plain", charset ?? "utf-8");
      }
      this.#body = encoding === "utf8" ? text : Buffer.from(text, encoding);
    } else {
      if (body !== undefined) this.#body = toChunk(body, "body");
      if (contentType !== undefined) this.#setContentType(contentType, charset);
      else if (charset !== undefined) throw new TypeError("charset needs a contentType");
    }
  }

  #setContentType(contentType: string, charset: string | undefined): void {
    this.contentType = contentType;
    if (charset !== undefined) this.charset = charset;
  }

  /** The body as bytes, undefined when there is none. */
  get body(): Buffer | undefined {
    const body = this.#body;
    if (typeof body === "string") {
      const bytes = Buffer.from(body, "utf8");
      this.#body = bytes;
      return bytes;
    }
    return body;
  }

  /**
   * Replaces the body; a string is sent as UTF-8.
   * @throws {TypeError} when not bytes, a string, null or undefined.
   * @throws {Error} after {@link prepare}.
   */
  set body(value: Buffer | Uint8Array | string | null | undefined) {
    if (this.prepared) throw new Error("Cannot change the body after prepare()");
    this.#body = value === null || value === undefined ? undefined : toChunk(value, "body");
  }

  /** The body decoded with the response's charset (UTF-8 by default), undefined without body. */
  get text(): string | undefined {
    const body = this.#body;
    if (body === undefined || typeof body === "string") return body;
    const charset = this.charset;
    if (charset === undefined) return body.toString("utf8");
    return new TextDecoder(charset).decode(body);
  }

  /**
   * Replaces the body with `value` encoded in the response's charset; sets
   * `text/plain; charset=utf-8` when no content type was set.
   * @throws {TypeError} when not a string, or the charset cannot encode text.
   */
  set text(value: string) {
    if (typeof value !== "string")
      throw new TypeError(`text must be a string, not ${typeof value}`);
    if (this.prepared) throw new Error("Cannot change the body after prepare()");
    if (this.contentType === "application/octet-stream")
      this.#setContentType("text/plain", "utf-8");
    const encoding = nodeEncoding(this.charset);
    this.#body = encoding === "utf8" ? value : Buffer.from(value, encoding);
  }

  /** The body's size in bytes (0 without body). */
  #bodySize(): number {
    const body = this.#body;
    if (body === undefined) return 0;
    return typeof body === "string" ? Buffer.byteLength(body, "utf8") : body.length;
  }

  /**
   * Sets `Content-Length` from the body (unless chunked or already set), then as
   * {@link StreamResponse.prepare}.
   * @internal
   */
  protected override prepareHead(request: BaseRequest): boolean {
    if (!this.prepared && !this.chunked && this.contentLength === undefined) {
      const size = this.#bodySize();
      // RFC 9110 §8.6: no Content-Length: 0 on HEAD or 304, which stand for another body.
      if (size !== 0 || (this.status !== 304 && request.method !== "HEAD"))
        this.contentLength = size;
    }
    return super.prepareHead(request);
  }

  /**
   * The body is what `writeEof()` sends (its argument is ignored).
   * @internal
   */
  protected override eofBody(
    _data: Buffer | Uint8Array | string | undefined,
  ): Buffer | string | undefined {
    return this.bodyLength > 0 ? undefined : this.#body;
  }
}
