import type { FieldSummary } from "./field-lines.js";
import type { HeadKind } from "./head-errors.js";
import {
  BadHttpMessage,
  BadStatusLine,
  InvalidHeader,
  TransferEncodingError,
} from "./http-exceptions.js";
import { HttpVersion, HttpVersion10, HttpVersion11 } from "./http-version.js";
import { TOKEN_RE } from "./token-tables.js";

/** `Connection: close` was listed. @internal */
export const CONNECTION_CLOSE = 1;
/** `Connection: keep-alive` was listed. @internal */
export const CONNECTION_KEEP_ALIVE = 2;
/** `Connection: upgrade` was listed. @internal */
export const CONNECTION_UPGRADE = 4;

/**
 * The connection options of a `Connection` field value (RFC 9110 §7.6.1: a comma-separated list
 * of case-insensitive tokens), as CONNECTION_* bits.
 * @internal
 */
export function parseConnection(value: string | undefined): number {
  if (value === undefined) return 0;
  // The usual spellings skip the lower-casing.
  if (value === "keep-alive" || value === "Keep-Alive") return CONNECTION_KEEP_ALIVE;
  if (value === "close" || value === "Close") return CONNECTION_CLOSE;
  if (value === "Upgrade" || value === "upgrade") return CONNECTION_UPGRADE;
  const lower = value.toLowerCase();
  // The three common single-option values skip the split.
  if (lower === "keep-alive") return CONNECTION_KEEP_ALIVE;
  if (lower === "close") return CONNECTION_CLOSE;
  if (lower === "upgrade") return CONNECTION_UPGRADE;
  let flags = 0;
  for (const option of lower.split(",")) {
    const trimmed = option.trim();
    if (trimmed === "close") flags |= CONNECTION_CLOSE;
    else if (trimmed === "keep-alive") flags |= CONNECTION_KEEP_ALIVE;
    else if (trimmed === "upgrade") flags |= CONNECTION_UPGRADE;
  }
  return flags;
}

/**
 * Whether the connection must close after this message: HTTP/1.1 keeps it alive unless
 * `close` is listed; HTTP/1.0 closes it unless `keep-alive` is (RFC 9112 §9.3). `close` wins.
 * @internal
 */
export function shouldCloseConnection(http11: boolean, connection: number): boolean {
  if (connection & CONNECTION_CLOSE) return true;
  return http11 ? false : (connection & CONNECTION_KEEP_ALIVE) === 0;
}

const DIGITS_RE = /^[0-9]+$/;

/**
 * Parses a `Content-Length` value (RFC 9110 §8.6: `1*DIGIT`). Anything else, a list (even of
 * equal values), a sign, inner whitespace or a value past `Number.MAX_SAFE_INTEGER`, is
 * rejected rather than repaired: it is how two parsers come to disagree on framing.
 * @throws {InvalidHeader}
 * @internal
 */
export function parseContentLength(value: string): number {
  if (!DIGITS_RE.test(value)) {
    throw new InvalidHeader(`Invalid Content-Length: ${JSON.stringify(value)}`);
  }
  const length = value.length <= 15 ? Number.parseInt(value, 10) : Number(value);
  if (!Number.isSafeInteger(length)) {
    throw new InvalidHeader(`Content-Length is too large: ${value}`);
  }
  return length;
}

/** Transfer codings registered with IANA (RFC 9112 §7): known, but only chunked is decoded. */
const KNOWN_CODINGS = new Set(["chunked", "compress", "deflate", "gzip", "x-compress", "x-gzip"]);

/**
 * Checks a `Transfer-Encoding` value (RFC 9112 §6.1, §7) and returns normally only when the
 * body is chunked and chunked is the one coding. In order: chunked listed but not last, or
 * twice, is 400 (§6.3 item 4); an unknown coding is 501 (§6.1); a known coding without chunked
 * (`gzip`) is 400; a known one we do not decode before chunked (`gzip, chunked`) is 501. Empty list elements, parameters on chunked and any
 * non-token are rejected: lenient readings are how TE obfuscation smuggles requests.
 * @throws {TransferEncodingError}
 * @internal
 */
export function checkTransferEncoding(value: string): void {
  const lower = value.toLowerCase();
  if (lower === "chunked") return;
  const codings = lower.split(",");
  const names: string[] = [];
  for (const coding of codings) {
    const trimmed = coding.trim();
    const semicolon = trimmed.indexOf(";");
    const name = (semicolon === -1 ? trimmed : trimmed.slice(0, semicolon)).trimEnd();
    if (!TOKEN_RE.test(name)) {
      throw new TransferEncodingError(`Invalid Transfer-Encoding: ${JSON.stringify(value)}`);
    }
    if (name === "chunked" && semicolon !== -1) {
      throw new TransferEncodingError(
        `The chunked transfer coding takes no parameters: ${JSON.stringify(value)}`,
      );
    }
    names.push(name);
  }
  const chunkedCount = names.filter((name) => name === "chunked").length;
  const endsChunked = names[names.length - 1] === "chunked";
  if (chunkedCount > 0 && !endsChunked) {
    throw new TransferEncodingError(
      `Transfer-Encoding must end with chunked: ${JSON.stringify(value)}`,
    );
  }
  if (chunkedCount > 1) {
    throw new TransferEncodingError(
      `Transfer-Encoding lists chunked twice: ${JSON.stringify(value)}`,
    );
  }
  const unknown = names.find((name) => !KNOWN_CODINGS.has(name));
  if (unknown !== undefined) {
    throw new TransferEncodingError(`Unsupported transfer coding: ${JSON.stringify(unknown)}`, {
      code: 501,
    });
  }
  if (!endsChunked) {
    throw new TransferEncodingError(
      `Transfer-Encoding must end with chunked: ${JSON.stringify(value)}`,
    );
  }
  const other = names.find((name) => name !== "chunked")!;
  throw new TransferEncodingError(`Unsupported transfer coding: ${JSON.stringify(other)}`, {
    code: 501,
  });
}

/**
 * The content coding to undo, from a `Content-Encoding` value: `gzip` (or its alias `x-gzip`,
 * RFC 9110 §8.4.1.3), `deflate` or `br`; `undefined` for none, identity, or anything else
 * (a list of codings is left to the application, as aiohttp does).
 * @internal
 */
export function parseCompression(value: string | undefined): "gzip" | "deflate" | "br" | undefined {
  if (value === undefined) return undefined;
  const lower = value.toLowerCase();
  if (lower === "gzip" || lower === "x-gzip") return "gzip";
  if (lower === "deflate") return "deflate";
  if (lower === "br") return "br";
  return undefined;
}

const ZERO = 48;

/**
 * Parses `HTTP-version = "HTTP/" DIGIT "." DIGIT` at `text[start, end)` (RFC 9112 §2.3).
 * `HTTP/1.x` with x > 1 is served as HTTP/1.1 (RFC 9110 §2.5) but reported as sent.
 * Returns undefined for anything not `HTTP/d.d`.
 * @throws {BadStatusLine} code 505 for another major version.
 * @internal
 */
export function parseHttpVersion(
  text: string,
  start: number,
  end: number,
): HttpVersion | undefined {
  if (
    end - start === 8 &&
    text.charCodeAt(start) === 72 && // H
    text.charCodeAt(start + 1) === 84 && // T
    text.charCodeAt(start + 2) === 84 && // T
    text.charCodeAt(start + 3) === 80 && // P
    text.charCodeAt(start + 4) === 47 && // /
    text.charCodeAt(start + 6) === 46 // .
  ) {
    const major = text.charCodeAt(start + 5) - ZERO;
    const minor = text.charCodeAt(start + 7) - ZERO;
    if (minor >= 0 && minor <= 9) {
      if (major === 1) {
        if (minor === 1) return HttpVersion11;
        if (minor === 0) return HttpVersion10;
        return new HttpVersion(1, minor);
      }
      if (major >= 0 && major <= 9) {
        throw new BadStatusLine(`HTTP version not supported: ${text.slice(start, end)}`, {
          code: 505,
        });
      }
    }
  }
  return undefined;
}

/** {@link readBodyLength}: the body is chunked. @internal */
export const LENGTH_CHUNKED = -1;
/** {@link readBodyLength}: neither Content-Length nor Transfer-Encoding was sent. @internal */
export const LENGTH_NONE = -2;

/**
 * The body length the framing fields give (RFC 9112 §6.3): a Content-Length, LENGTH_CHUNKED or
 * LENGTH_NONE.
 * @throws {BadHttpMessage} for Transfer-Encoding in HTTP/1.0 (§6.1: faulty framing) or with
 *   Content-Length (§6.1 allows rejecting it; we do: it is the CL.TE / TE.CL smuggling pair).
 * @throws the errors of {@link checkTransferEncoding} and {@link parseContentLength}.
 * @internal
 */
export function readBodyLength(
  fields: FieldSummary,
  http11: boolean,
  kind: Exclude<HeadKind, "trailer">,
): number {
  if (fields.transferEncoding !== undefined) {
    if (!http11) {
      throw new BadHttpMessage(`Transfer-Encoding is not allowed in an HTTP/1.0 ${kind}`);
    }
    if (fields.contentLength !== undefined) {
      throw new BadHttpMessage("Transfer-Encoding can't be present with Content-Length");
    }
    checkTransferEncoding(fields.transferEncoding);
    return LENGTH_CHUNKED;
  }
  return fields.contentLength === undefined
    ? LENGTH_NONE
    : parseContentLength(fields.contentLength);
}

/**
 * Whether `Connection` lists `upgrade` and an `Upgrade` field names a protocol (RFC 9110 §7.8).
 * @internal
 */
export function asksForUpgrade(connection: number, fields: FieldSummary): boolean {
  return (
    (connection & CONNECTION_UPGRADE) !== 0 && fields.upgrade !== undefined && fields.upgrade !== ""
  );
}
