/**
 * `application/x-www-form-urlencoded` bodies (WHATWG URL §5.1), as aiohttp's `post()` reads them
 * with `parse_qsl(keep_blank_values=True)`, in any charset the body declares.
 */

import { percentDecode } from "./percent-decode.js";

/**
 * Parses a urlencoded body into `[name, value]` pairs: split on `&`, `+` is a space, `%XX`
 * octets are decoded in `charset` (UTF-8 unless told); empty pairs are skipped, a pair without
 * `=` has an empty value, trailing whitespace of the body is ignored (aiohttp strips it).
 *
 * @throws {RangeError} for a charset the runtime's `TextDecoder` does not know.
 */
export function parseFormUrlencoded(body: Buffer, charset = "utf-8"): Array<[string, string]> {
  const decoder = new TextDecoder(charset);
  // The body is ASCII when well-formed; latin1 keeps any stray byte as one character.
  const text = body.toString("latin1").trimEnd();
  const pairs: Array<[string, string]> = [];
  if (text === "") return pairs;
  const decode = (part: string): string => {
    const spaced = part.includes("+") ? part.replaceAll("+", " ") : part;
    return decoder.decode(percentDecode(spaced, "latin1"));
  };
  for (const pair of text.split("&")) {
    if (pair === "") continue;
    const equals = pair.indexOf("=");
    if (equals === -1) pairs.push([decode(pair), ""]);
    else pairs.push([decode(pair.slice(0, equals)), decode(pair.slice(equals + 1))]);
  }
  return pairs;
}
