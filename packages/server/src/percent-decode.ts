/**
 * Percent-decoding to bytes (RFC 3986 §2.1), for `application/x-www-form-urlencoded` bodies and
 * RFC 8187 parameters, whose bytes are then decoded in the charset they declare.
 */

const PERCENT_RE = /%([0-9A-Fa-f]{2})/g;

/**
 * Percent-decodes `text` into bytes: each `%XX` becomes that octet, every other character its
 * bytes in `encoding` (`latin1` for text that was decoded byte per character); a `%` not
 * followed by two hex digits stays as it is (as WHATWG URL and Python's `unquote` do).
 */
export function percentDecode(text: string, encoding: "utf8" | "latin1" = "utf8"): Buffer {
  if (!text.includes("%")) return Buffer.from(text, encoding);
  const parts: Buffer[] = [];
  let last = 0;
  for (const match of text.matchAll(PERCENT_RE)) {
    if (match.index > last) parts.push(Buffer.from(text.slice(last, match.index), encoding));
    parts.push(Buffer.of(Number.parseInt(match[1]!, 16)));
    last = match.index + 3;
  }
  if (last < text.length) parts.push(Buffer.from(text.slice(last), encoding));
  return Buffer.concat(parts);
}
