import { isToken } from "@ll/http-protocol";
/**
 * `value; name=param; name="quoted param"` headers (RFC 9110 §5.6.6): `Content-Type` and
 * `Content-Disposition` of multipart parts.
 */

/** A parameterized header value: the lower-cased main value and its parameters. */
export interface HeaderWithParams {
  /** The part before the first `;`, trimmed and lower-cased (`multipart/form-data`). */
  readonly value: string;
  /** Parameters by lower-cased name, quoted-strings unquoted; the first of a repeated name wins. */
  readonly params: ReadonlyMap<string, string>;
}

/**
 * Parses `value *( OWS ";" OWS parameter )`. A `;` inside a quoted-string does not split;
 * quoted-pairs are unescaped. Parameters without `=` or with a name that is not a token are
 * skipped; `strict` makes them (and an unterminated quote) return `undefined` instead.
 */
export function parseHeaderParams(header: string, strict = false): HeaderWithParams | undefined {
  const params = new Map<string, string>();
  const semicolon = header.indexOf(";");
  const value = (semicolon === -1 ? header : header.slice(0, semicolon)).trim().toLowerCase();
  let pos = semicolon === -1 ? header.length : semicolon + 1;
  while (pos < header.length) {
    const equals = header.indexOf("=", pos);
    const nextSemicolon = header.indexOf(";", pos);
    if (equals === -1 || (nextSemicolon !== -1 && nextSemicolon < equals)) {
      // A parameter without "=", or an empty one from a stray ";".
      const end = nextSemicolon === -1 ? header.length : nextSemicolon;
      if (strict && header.slice(pos, end).trim() !== "") return undefined;
      pos = end + 1;
      continue;
    }
    const name = header.slice(pos, equals).trim().toLowerCase();
    let cursor = equals + 1;
    while (header[cursor] === " " || header[cursor] === "\t") cursor++;
    let paramValue: string;
    if (header[cursor] === '"') {
      paramValue = "";
      cursor++;
      let closed = false;
      while (cursor < header.length) {
        const char = header[cursor]!;
        if (char === "\\" && cursor + 1 < header.length) {
          paramValue += header[cursor + 1];
          cursor += 2;
        } else if (char === '"') {
          closed = true;
          cursor++;
          break;
        } else {
          paramValue += char;
          cursor++;
        }
      }
      if (!closed && strict) return undefined;
      const end = header.indexOf(";", cursor);
      if (strict && header.slice(cursor, end === -1 ? header.length : end).trim() !== "") {
        return undefined;
      }
      pos = end === -1 ? header.length : end + 1;
    } else {
      const end = nextSemicolon === -1 ? header.length : nextSemicolon;
      paramValue = header.slice(cursor, end).trim();
      pos = end + 1;
    }
    if (!isToken(name)) {
      if (strict) return undefined;
      continue;
    }
    if (!params.has(name)) params.set(name, paramValue);
  }
  return { value, params };
}
