/**
 * The date-valued validators and preconditions (RFC 9110 §8.8.2, §13.1): `Last-Modified`,
 * `If-Modified-Since`, `If-Unmodified-Since` and `If-Range`.
 */

import { httpDate, parseHttpDate } from "@ll/http-protocol";
import { type ETag, parseETag } from "./etag.js";

/**
 * Parses a date header (`If-Modified-Since`…); `undefined` when absent or not an HTTP date
 * (RFC 9110 §13.1.3: an invalid date makes the condition be ignored).
 */
export function parseDateHeader(value: string | undefined): Date | undefined {
  return value === undefined ? undefined : parseHttpDate(value.trim());
}

/**
 * Parses `If-Range`: an entity tag (`"…"` or `W/"…"`) or an HTTP date (RFC 9110 §13.1.5);
 * `undefined` when absent or neither. aiohttp's `if_range` only knows dates.
 */
export function parseIfRange(value: string | undefined): Date | ETag | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed.startsWith('"') || trimmed.startsWith("W/")) return parseETag(trimmed);
  return parseHttpDate(trimmed);
}

/**
 * Formats a `Last-Modified` value: a `Date` or a time in milliseconds since the epoch (as
 * `Date.now()` or `stats.mtimeMs`; aiohttp takes seconds) is rounded up to the next whole
 * second, as aiohttp's `ceil`, so that the header is never earlier than the change; a string is
 * taken as it is.
 *
 * @throws {TypeError} for an invalid date or a string holding control characters.
 */
export function formatLastModified(value: Date | number | string): string {
  if (typeof value === "string") {
    if (/[\x00-\x1f\x7f]/.test(value))
      throw new TypeError("lastModified holds a control character");
    return value;
  }
  const time = typeof value === "number" ? value : value.getTime();
  if (!Number.isFinite(time)) throw new TypeError("lastModified must be a valid date");
  return httpDate(Math.ceil(time / 1000) * 1000);
}
