import { isToken } from "@ll/http-protocol";
/**
 * The `Content-Disposition` header: read on a multipart part (RFC 7578 §4.2, RFC 2183, with
 * RFC 8187 extended parameters; aiohttp's `parse_content_disposition` and
 * `content_disposition_filename`, for `BodyPartReader.name` and `.filename`), and written on a
 * response for a download (RFC 6266, {@link contentDisposition}).
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

/** Options of {@link contentDisposition}. */
export interface ContentDispositionOptions {
  /**
   * The disposition type: `"attachment"` (the default: save it) or `"inline"` (show it), or
   * another token.
   */
  type?: string;
}

// What may stay as it is in the ASCII fallback: printable ASCII (quotes and backslashes are
// escaped). Anything else becomes "_", one per code point.
const NOT_PRINTABLE_ASCII_RE = /[^\x20-\x7e]/gu;
// Combining marks left by NFKD: "é" → "e" + U+0301 → "e".
const COMBINING_MARKS_RE = /[\u0300-\u036f]/g;
// A %xx sequence: some browsers decode one in the plain `filename` (RFC 6266 Appendix D), so a
// name holding one also gets `filename*`, which they read instead.
const PERCENT_ESCAPE_RE = /%[0-9A-Fa-f]{2}/;
// RFC 8187 §3.2.1 attr-char: what goes unencoded in `filename*`.
const ATTR_CHAR_RE = /^[A-Za-z0-9!#$&+\-.^_`|~]$/;

/**
 * Builds a `Content-Disposition` value for a response (RFC 6266): `attachment` (or `type`),
 * then `filename="…"` with an ASCII-only fallback name (accents dropped, other non-ASCII and
 * control characters replaced by `_`, `"` and `\` escaped), then, when that fallback differs
 * from `filename` (or `filename` holds a `%xx` sequence), `filename*=UTF-8''…` with the exact
 * name percent-encoded (RFC 8187), which current browsers prefer. The name is used as given:
 * pass it through `safeFilename()` first if it comes from a user.
 *
 * @param filename the name the browser should save the file under; without it, only the type.
 * @throws {TypeError} when `filename` is given but is not a non-empty string, or `type` is not
 *   a token.
 * @example
 * ```ts
 * import { FileResponse, contentDisposition } from "@ll/server";
 *
 * contentDisposition("report.pdf"); // 'attachment; filename="report.pdf"'
 * contentDisposition("Résumé €.pdf");
 * // 'attachment; filename="Resume _.pdf"; filename*=UTF-8\'\'R%C3%A9sum%C3%A9%20%E2%82%AC.pdf'
 * new FileResponse("/srv/files/42", {
 *   headers: { "Content-Disposition": contentDisposition("report.pdf") },
 * });
 * ```
 */
export function contentDisposition(
  filename?: string,
  options: ContentDispositionOptions = {},
): string {
  const type = options.type ?? "attachment";
  if (typeof type !== "string" || !isToken(type)) {
    throw new TypeError(
      `type must be a token such as "attachment" or "inline", got ${JSON.stringify(type)}`,
    );
  }
  if (filename === undefined) return type;
  if (typeof filename !== "string" || filename === "") {
    throw new TypeError("filename must be a non-empty string");
  }
  const fallback = filename
    .normalize("NFKD")
    .replace(COMBINING_MARKS_RE, "")
    .replace(NOT_PRINTABLE_ASCII_RE, "_");
  let value = `${type}; filename="${fallback.replace(/[\\"]/g, "\\$&")}"`;
  if (fallback !== filename || PERCENT_ESCAPE_RE.test(filename)) {
    value += `; filename*=UTF-8''${encodeExtendedValue(filename)}`;
  }
  return value;
}

/** RFC 8187 §3.2.1 value-chars: attr-chars as they are, every other UTF-8 byte as %XX. */
function encodeExtendedValue(value: string): string {
  let encoded = "";
  for (const char of value) {
    if (ATTR_CHAR_RE.test(char)) {
      encoded += char;
      continue;
    }
    // A lone surrogate is encoded as U+FFFD, as TextEncoder does.
    for (const byte of Buffer.from(char, "utf8")) {
      encoded += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
    }
  }
  return encoded;
}
