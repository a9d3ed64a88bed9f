import { describeByte } from "./describe-byte.js";
import type { HttpVersion } from "./http-version.js";
import { STATUS_REASONS } from "./status-reasons.js";
import { TOKEN_RE } from "./token-tables.js";

// What a field value or reason phrase may hold (RFC 9110 §5.5, RFC 9112 §4): HTAB, SP, VCHAR and
// obs-text. Anything else is refused: CR and LF would let a value inject headers or a body
// (response splitting), NUL and other CTLs are refused by RFC 9110 §5.5 recipients, and a
// character above U+00FF has no single byte in the Latin-1 the head is encoded in.
const INVALID_FIELD_CHAR_RE = /[^\t\x20-\x7e\x80-\xff]/;

// Status lines for HTTP/1.1 with the standard reason, built on first use: most responses
// are one of a dozen statuses, and this saves building the same string again.
const statusLines: string[] = [];

/**
 * Serializes a response head: the status line, one line per header in the order given, and the
 * empty line, encoded as Latin-1 (aiohttp's `StreamWriter.write_headers`, but refusing what
 * aiohttp would let through).
 *
 * @param reason the reason phrase; pass `STATUS_REASONS[status] ?? ""` for the standard one.
 * @param headers `[name, value]` pairs: an array, a `CIMultiDict`, a `Map`…
 * @throws {RangeError} when `status` is not an integer from 100 to 999.
 * @throws {TypeError} when a header name is not a token (RFC 9110 §5.6.2), or a header value or
 *   the reason holds CR, LF, NUL, another control character or a character above U+00FF; the
 *   message names the header. Nothing is serialized.
 *
 * @example
 * ```ts
 * import { HttpVersion11, serializeResponseHead } from "@ll/http-protocol";
 * serializeResponseHead(HttpVersion11, 200, "OK", [["Content-Length", "2"]]);
 * // <Buffer "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n">
 * ```
 */
export function serializeResponseHead(
  version: HttpVersion,
  status: number,
  reason: string,
  headers: Iterable<readonly [string, string]>,
): Buffer {
  let head = statusLine(version, status, reason);
  for (const [name, value] of headers) {
    if (!TOKEN_RE.test(name)) throw new TypeError(`Invalid header name: ${JSON.stringify(name)}`);
    if (INVALID_FIELD_CHAR_RE.test(value)) {
      const bad = describeChar(INVALID_FIELD_CHAR_RE.exec(value)![0]);
      throw new TypeError(`Invalid character ${bad} in the value of header "${name}"`);
    }
    head += `${name}: ${value}\r\n`;
  }
  return Buffer.from(`${head}\r\n`, "latin1");
}

function statusLine(version: HttpVersion, status: number, reason: string): string {
  if (!Number.isInteger(status) || status < 100 || status > 999) {
    throw new RangeError(`status must be an integer from 100 to 999, not ${String(status)}`);
  }
  const standard = version.major === 1 && version.minor === 1 && reason === STATUS_REASONS[status];
  if (standard) {
    const cached = statusLines[status];
    if (cached !== undefined) return cached;
  }
  const bad = INVALID_FIELD_CHAR_RE.exec(reason);
  if (bad !== null)
    throw new TypeError(`Invalid character ${describeChar(bad[0])} in the reason phrase`);
  // RFC 9112 §4: the SP after the status code is required even when the reason is empty.
  const line = `HTTP/${version.major}.${version.minor} ${status} ${reason}\r\n`;
  if (standard) statusLines[status] = line;
  return line;
}

const CHAR_NAMES: Record<string, string> = { "\0": "NUL", "\n": "LF", "\r": "CR", "\x7f": "DEL" };

/** `CR (0x0d)`, `U+2028`: a refused character, for an error message. */
function describeChar(char: string): string {
  const code = char.charCodeAt(0);
  if (code > 0xff) return `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  const name = CHAR_NAMES[char];
  return name === undefined ? describeByte(code) : `${name} (${describeByte(code)})`;
}
