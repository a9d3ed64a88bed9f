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

/** What the fields of a released message are joined with: no field line can hold it. */
const NUL = "\0";

/**
 * The shared part of the parsers' message objects: plain fields, and the multi-dict built from
 * `rawHeaders` only when `headers` is first read (most servers look up a few fields, if any).
 * @internal
 */
export class HttpMessageHead {
  #headers: CIMultiDictProxy<string> | undefined = undefined;
  #rawHeaders: readonly string[] | undefined;
  /** `rawHeaders` joined by NUL (which no field holds), once released. */
  #packedFields: string | undefined = undefined;

  constructor(
    readonly version: HttpVersion,
    rawHeaders: readonly string[],
    readonly shouldClose: boolean,
    readonly compression: "gzip" | "deflate" | "br" | undefined,
    readonly upgrade: boolean,
    readonly chunked: boolean,
    readonly contentLength: number | undefined,
  ) {
    this.#rawHeaders = rawHeaders;
  }

  get rawHeaders(): readonly string[] {
    if (this.#rawHeaders === undefined) {
      this.#rawHeaders = this.#packedFields!.split(NUL);
      this.#packedFields = undefined;
    }
    return this.#rawHeaders;
  }

  get headers(): CIMultiDictProxy<string> {
    return (this.#headers ??= buildHeaders(this.rawHeaders));
  }

  /**
   * Drops the multi-dict `headers` built, and keeps the fields as one string instead of an
   * array of strings (which share, and so keep, the whole head's text): both are built again
   * on the next read.
   */
  releaseHeaders(): void {
    this.#headers = undefined;
    const rawHeaders = this.#rawHeaders;
    if (rawHeaders === undefined || rawHeaders.length === 0) return;
    // A field holding NUL cannot come from a parser; one set by hand stays an array.
    for (const field of rawHeaders) if (field.includes(NUL)) return;
    this.#packedFields = rawHeaders.join(NUL);
    this.#rawHeaders = undefined;
  }
}

/**
 * Lets a parsed message that will be kept a long time (the request of a connection taken over
 * by another protocol, kept by its handler) hold its fields as compactly as it can: the
 * multi-dict `headers` built is dropped and `rawHeaders` kept as one string; read again, each
 * is built again (an equal object, not the same one). Messages of other kinds are left alone.
 * @internal
 */
export function releaseHeaders(message: RawHttpMessage): void {
  if (message instanceof HttpMessageHead) message.releaseHeaders();
}
