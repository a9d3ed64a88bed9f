/**
 * `application/x-www-form-urlencoded` bodies (WHATWG URL §5.1), as aiohttp's `post()` reads them
 * with `parse_qsl(keep_blank_values=True)`, in any charset the body declares.
 */

import { multipartLimitExceeded } from "./multipart-limits.js";
import { percentDecode } from "./percent-decode.js";

/** Limits of {@link parseFormUrlencoded}, as the `multipartLimits` of the same names. */
export interface FormUrlencodedLimits {
  /** Most pairs. */
  readonly fields: number;
  /** Most bytes of one value, still percent-encoded. */
  readonly fieldSize: number;
}

const NO_LIMITS: FormUrlencodedLimits = {
  fields: Number.POSITIVE_INFINITY,
  fieldSize: Number.POSITIVE_INFINITY,
};

/**
 * Parses a urlencoded body into `[name, value]` pairs: split on `&`, `+` is a space, `%XX`
 * octets are decoded in `charset` (UTF-8 unless told); empty pairs are skipped, a pair without
 * `=` has an empty value, trailing whitespace of the body is ignored (aiohttp strips it).
 *
 * @throws {RangeError} for a charset the runtime's `TextDecoder` does not know.
 * @throws {HTTPRequestEntityTooLarge} (413) past `limits.fields` pairs or for a value longer
 *   than `limits.fieldSize`; nothing past that point is decoded.
 */
export function parseFormUrlencoded(
  body: Buffer,
  charset = "utf-8",
  limits: FormUrlencodedLimits = NO_LIMITS,
): Array<[string, string]> {
  const decoder = new TextDecoder(charset);
  // The body is ASCII when well-formed; latin1 keeps any stray byte as one character.
  const text = body.toString("latin1").trimEnd();
  const pairs: Array<[string, string]> = [];
  if (text === "") return pairs;
  const decode = (part: string): string => {
    const spaced = part.includes("+") ? part.replaceAll("+", " ") : part;
    return decoder.decode(percentDecode(spaced, "latin1"));
  };
  // One pair at a time rather than split("&"): a body over the limits stops at the first
  // pair too many instead of slicing every pair first.
  for (let start = 0; start <= text.length; ) {
    let end = text.indexOf("&", start);
    if (end === -1) end = text.length;
    const pair = text.slice(start, end);
    start = end + 1;
    if (pair === "") continue;
    if (pairs.length === limits.fields) {
      throw multipartLimitExceeded("fields", limits.fields, pairs.length + 1);
    }
    const equals = pair.indexOf("=");
    const valueSize = equals === -1 ? 0 : pair.length - equals - 1;
    if (valueSize > limits.fieldSize) {
      throw multipartLimitExceeded("fieldSize", limits.fieldSize, valueSize);
    }
    if (equals === -1) pairs.push([decode(pair), ""]);
    else pairs.push([decode(pair.slice(0, equals)), decode(pair.slice(equals + 1))]);
  }
  return pairs;
}
