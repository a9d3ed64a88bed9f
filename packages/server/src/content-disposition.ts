/**
 * The `Content-Disposition` of a multipart part (RFC 7578 §4.2, RFC 2183, with RFC 8187
 * extended parameters): aiohttp's `parse_content_disposition` and
 * `content_disposition_filename`, for `BodyPartReader.name` and `.filename`.
 */

import { parseHeaderParams } from "./header-params.js";
import { percentDecode } from "./percent-decode.js";

/**
 * Reads parameter `name` (`name` or `filename`) from a `Content-Disposition` value: the RFC 8187
 * form `name*=charset'lang'percent-encoded` wins over the plain one, as in aiohttp; leading
 * `/` and `\` are stripped from the result (aiohttp does so against path tricks). `undefined`
 * when the header is missing or malformed (an unterminated quote, a parameter without `=`) or
 * has no such parameter.
 *
 * Browsers send non-ASCII filenames as raw UTF-8 in the plain parameter and escape `"`, CR and
 * LF as `%22`, `%0D`, `%0A` (WHATWG HTML's form encoding); those are not decoded, as in aiohttp.
 */
export function contentDispositionParam(
  header: string | undefined,
  name: string,
): string | undefined {
  if (header === undefined || header === "") return undefined;
  const parsed = parseHeaderParams(header, true);
  if (parsed === undefined || parsed.value === "") return undefined;
  const extended = parsed.params.get(`${name}*`);
  if (extended !== undefined) {
    const decoded = decodeExtendedValue(extended);
    if (decoded !== undefined) return stripLeadingSlashes(decoded);
  }
  const plain = parsed.params.get(name);
  return plain === undefined ? undefined : stripLeadingSlashes(plain);
}

function stripLeadingSlashes(value: string): string {
  return value.replace(/^[\\/]+/, "");
}

// RFC 8187 §3.2: ext-value = charset "'" [ language ] "'" value-chars (percent-encoded).
function decodeExtendedValue(value: string): string | undefined {
  const first = value.indexOf("'");
  const second = first === -1 ? -1 : value.indexOf("'", first + 1);
  if (second === -1) return undefined;
  const charset = value.slice(0, first).toLowerCase() || "utf-8";
  const encoded = value.slice(second + 1);
  try {
    const bytes = percentDecode(encoded);
    return new TextDecoder(charset, { fatal: true }).decode(bytes);
  } catch {
    // An unknown charset (RangeError) or bytes that are not in it (TypeError): ignore the
    // parameter, as aiohttp does on LookupError/UnicodeDecodeError.
    return undefined;
  }
}
