/**
 * The `Forwarded` header (RFC 7239 §4), parsed the way aiohttp's `BaseRequest.forwarded` does.
 */

// tchar (RFC 9110 §5.6.2) by char code: 1 where the character may appear in a token.
// biome-ignore format: a lookup table, one row per 32 code points
const TCHAR = new Uint8Array([
  0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
  0,1,0,1,1,1,1,1,0,0,1,1,0,1,1,0,1,1,1,1,1,1,1,1,1,1,0,0,0,0,0,0,
  0,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,0,0,0,1,1,
  1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,0,1,0,1,0,
]);

const isTchar = (code: number): boolean => code < 128 && TCHAR[code] === 1;
// qdtext as aiohttp has it, minus the backslash (RFC 9110 §5.6.4: HTAB, SP, %x21, %x23-7E; no
// obs-text, whose encoding is unspecified). aiohttp's regex also lets a lone backslash pass as
// qdtext, which makes it backtrack exponentially on `"\\\\…` without a closing quote; here a
// backslash always starts a quoted-pair, as the RFC says.
const isQdtext = (code: number): boolean =>
  code === 0x09 ||
  code === 0x20 ||
  code === 0x21 ||
  (code >= 0x23 && code <= 0x7e && code !== 0x5c);
const isQuotedPairChar = (code: number): boolean => code === 0x09 || (code >= 0x20 && code <= 0x7e);
const isDigit = (code: number): boolean => code >= 0x30 && code <= 0x39;

/** One forwarded-element: parameter names lower-cased, values unquoted and unescaped. */
export type ForwardedElement = Readonly<Record<string, string>>;

/**
 * Parses every `Forwarded` field value into its forwarded-elements, one object per element (per
 * proxy), in order, like aiohttp's `BaseRequest.forwarded`:
 * - values are a token or a quoted-string (quotes removed, quoted-pairs unescaped); a `:port`
 *   of up to four digits after the value is kept as part of it;
 * - whitespace is allowed around pairs and separators (Postel's law, as aiohttp);
 * - a pair with bad syntax, or one not separated from the previous by `;`, makes the rest of
 *   that element be skipped up to the next `,`, so an element a trusted proxy appended after a
 *   forged one is still found;
 * - `by`, `for`, `host` and `proto` contents are not validated.
 */
export function parseForwarded(fieldValues: Iterable<string>): readonly ForwardedElement[] {
  const elements: ForwardedElement[] = [];
  for (const fieldValue of fieldValues) {
    let element: Record<string, string> = Object.create(null);
    elements.push(element);
    const length = fieldValue.length;
    let pos = 0;
    let needSeparator = false;
    while (pos >= 0 && pos < length) {
      const pair = matchPair(fieldValue, pos);
      const code = fieldValue.charCodeAt(pos);
      if (pair !== undefined) {
        if (needSeparator) {
          pos = fieldValue.indexOf(",", pos);
        } else {
          element[pair.name] = pair.value;
          pos = pair.end;
          needSeparator = true;
        }
      } else if (code === 0x2c /* , */) {
        needSeparator = false;
        element = Object.create(null);
        elements.push(element);
        pos += 1;
      } else if (code === 0x3b /* ; */) {
        needSeparator = false;
        pos += 1;
      } else if (code === 0x20 || code === 0x09) {
        pos += 1;
      } else {
        pos = fieldValue.indexOf(",", pos);
      }
    }
  }
  return elements.map((element) => Object.freeze(element));
}

interface Pair {
  name: string;
  value: string;
  end: number;
}

/** Matches `token "=" (token / quoted-string) [":" 1*4DIGIT]` at `start`, aiohttp's pair regex. */
function matchPair(text: string, start: number): Pair | undefined {
  let pos = start;
  while (pos < text.length && isTchar(text.charCodeAt(pos))) pos += 1;
  if (pos === start || text.charCodeAt(pos) !== 0x3d /* = */) return undefined;
  const name = text.slice(start, pos).toLowerCase();
  pos += 1;
  let value: string;
  if (text.charCodeAt(pos) === 0x22 /* " */) {
    const quoted = readQuotedString(text, pos);
    if (quoted === undefined) return undefined;
    value = quoted.value;
    pos = quoted.end;
  } else {
    const valueStart = pos;
    while (pos < text.length && isTchar(text.charCodeAt(pos))) pos += 1;
    if (pos === valueStart) return undefined;
    value = text.slice(valueStart, pos);
  }
  if (text.charCodeAt(pos) === 0x3a /* : */ && isDigit(text.charCodeAt(pos + 1))) {
    const portStart = pos;
    pos += 1;
    while (pos - portStart <= 4 && isDigit(text.charCodeAt(pos))) pos += 1;
    value += text.slice(portStart, pos);
  }
  return { name, value, end: pos };
}

/** Reads the quoted-string opening at `start`; `undefined` when it is not closed or invalid. */
function readQuotedString(text: string, start: number): { value: string; end: number } | undefined {
  let value = "";
  let pos = start + 1;
  while (pos < text.length) {
    const code = text.charCodeAt(pos);
    if (code === 0x22) return { value, end: pos + 1 };
    if (code === 0x5c /* \ */) {
      const next = text.charCodeAt(pos + 1);
      if (!isQuotedPairChar(next)) return undefined;
      value += text[pos + 1];
      pos += 2;
    } else if (isQdtext(code)) {
      value += text[pos];
      pos += 1;
    } else {
      return undefined;
    }
  }
  return undefined;
}
