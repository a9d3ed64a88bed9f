import type { CIMultiDictProxy } from "./ci-multi-dict.js";
import { buildHeaders } from "./field-lines.js";
import type { HttpVersion } from "./http-version.js";

/** What a parsed request head and a parsed response head have in common. */
export interface RawHttpMessage {
  /** The HTTP version as sent (`HTTP/1.2` and up are served as HTTP/1.1). */
  readonly version: HttpVersion;
  /** The header fields, a read-only case-insensitive multi-dict (built on first access). */
  readonly headers: CIMultiDictProxy<string>;
  /** The header fields as sent: `[name, value, name, value, …]`, names in their original case. */
  readonly rawHeaders: readonly string[];
  /** Whether the connection must close after this exchange (RFC 9112 §9.3). */
  readonly shouldClose: boolean;
  /** The body's content coding, when it is one {@link createDecompressor} undoes. */
  readonly compression: "gzip" | "deflate" | "br" | undefined;
  /** A protocol switch (`Connection: upgrade` with `Upgrade`; CONNECT; status 101). */
  readonly upgrade: boolean;
  /** The body uses the chunked transfer coding. */
  readonly chunked: boolean;
  /** The Content-Length, when one was sent. */
  readonly contentLength: number | undefined;
}

/**
 * The shared part of the parsers' message objects: plain fields, and the multi-dict built from
 * `rawHeaders` only when `headers` is first read (most servers look up a few fields, if any).
 * @internal
 */
export class HttpMessageHead {
  #headers: CIMultiDictProxy<string> | undefined = undefined;

  constructor(
    readonly version: HttpVersion,
    readonly rawHeaders: readonly string[],
    readonly shouldClose: boolean,
    readonly compression: "gzip" | "deflate" | "br" | undefined,
    readonly upgrade: boolean,
    readonly chunked: boolean,
    readonly contentLength: number | undefined,
  ) {}

  get headers(): CIMultiDictProxy<string> {
    return (this.#headers ??= buildHeaders(this.rawHeaders));
  }
}
