/**
 * Cookies (RFC 6265bis): parsing the request's `Cookie` header and building `Set-Cookie` values,
 * with aiohttp's `set_cookie`/`del_cookie` update rules (`helpers.CookieMixin`).
 */

import { httpDate, isToken } from "@ll/http-protocol";

/** The attributes of a response cookie, as `StreamResponse.setCookie` takes them. */
export interface CookieOptions {
  /** `Expires`: a `Date` (sent as an IMF-fixdate) or a preformatted date string. */
  expires?: Date | string;
  /** `Domain`. */
  domain?: string;
  /** `Max-Age` in seconds (an integer; 0 or less expires the cookie at once). */
  maxAge?: number;
  /** `Path`; `setCookie` defaults it to `/`, as aiohttp. */
  path?: string;
  /** `Secure`. */
  secure?: boolean;
  /** `HttpOnly`. */
  httpOnly?: boolean;
  /** `SameSite`, matched case-insensitively and sent as `Strict`, `Lax` or `None`. */
  sameSite?: "Strict" | "Lax" | "None" | "strict" | "lax" | "none";
  /** `Partitioned` (CHIPS). */
  partitioned?: boolean;
}

/** Options of `StreamResponse.setCookie`: the cookie's attributes, and how to encode its value. */
export interface SetCookieOptions extends CookieOptions {
  /**
   * Turns the value into what is sent, e.g. `encodeURIComponent` (the `cookie` package's
   * default). Without it the value is sent as it is and must already be cookie-octets.
   */
  encode?: (value: string) => string;
}

/** Options of `StreamResponse.delCookie`: the attributes that name the cookie to delete. */
export type DelCookieOptions = Pick<
  CookieOptions,
  "domain" | "path" | "secure" | "httpOnly" | "sameSite"
>;

/** Options of `BaseRequest.getCookies`. */
export interface GetCookiesOptions {
  /**
   * Turns each raw value into the value returned, e.g. `decodeURIComponent`. A value it throws
   * on is kept raw (a cookie another application set must not fail the request).
   */
  decode?: (value: string) => string;
}

/** A response cookie: its name, value and attributes, as kept in `StreamResponse.cookies`. */
export interface Cookie extends CookieOptions {
  readonly name: string;
  value: string;
}

/** The `Expires` value `delCookie` sends (aiohttp's). */
export const COOKIE_EPOCH = "Thu, 01 Jan 1970 00:00:00 GMT";

// cookie-value = *cookie-octet / ( DQUOTE *cookie-octet DQUOTE ), cookie-octet = %x21 / %x23-2B /
// %x2D-3A / %x3C-5B / %x5D-7E: no CTLs, whitespace, DQUOTE, comma, semicolon or backslash.
const COOKIE_VALUE_RE =
  /^(?:[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*|"[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*")$/;
// An attribute value (RFC 6265bis §4.1.1 av-octet): any CHAR except CTLs and ";".
const ATTRIBUTE_VALUE_RE = /^[\x20-\x3a\x3c-\x7e]*$/;
// What a request cookie name may hold: aiohttp's `_COOKIE_NAME_RE`, wider than a token because
// real browsers send names with `()`, `[]`, `{}`, `/`, `:`… (aiohttp widened it for them).
const REQUEST_COOKIE_NAME_RE = /^[!#$%&'()*+\-./0-9:<=>?@A-Z[\]^_`a-z{|}~]+$/;
const SAME_SITE: ReadonlyMap<string, "Strict" | "Lax" | "None"> = new Map([
  ["strict", "Strict"],
  ["lax", "Lax"],
  ["none", "None"],
]);

/**
 * Parses a `Cookie` request header into a read-only map of name → value, leniently, as
 * browsers send it (RFC 6265bis §5.6.3 and aiohttp's `parse_cookie_header`): pairs are split on
 * `;`, whitespace around names and values is dropped, a pair without `=` is a name with an
 * empty value, a value in double quotes is unquoted (with aiohttp's `\"` and `\ooo` escapes),
 * and pairs whose name holds characters no browser sends are skipped. Values are not
 * percent-decoded. When a name repeats, the first one wins: browsers list the cookie with the
 * longest path first (RFC 6265bis §5.8.3), whereas aiohttp's dict keeps the last.
 */
export function parseCookieHeader(header: string | undefined): ReadonlyMap<string, string> {
  const cookies = new Map<string, string>();
  if (header === undefined || header === "") return cookies;
  for (const pair of splitCookiePairs(header)) {
    const equals = pair.indexOf("=");
    const name = (equals === -1 ? pair : pair.slice(0, equals)).trim();
    if (!REQUEST_COOKIE_NAME_RE.test(name) || cookies.has(name)) continue;
    const value = equals === -1 ? "" : pair.slice(equals + 1).trim();
    cookies.set(name, unquote(value));
  }
  return cookies;
}

/** Splits on `;`, except inside a value in double quotes (aiohttp's regex allows one there). */
function splitCookiePairs(header: string): string[] {
  if (!header.includes('"')) return header.split(";");
  const pairs: string[] = [];
  let start = 0;
  while (start <= header.length) {
    let end = header.indexOf(";", start);
    if (end === -1) end = header.length;
    const equals = header.indexOf("=", start);
    if (equals !== -1 && equals < end) {
      let quote = equals + 1;
      while (header[quote] === " " || header[quote] === "\t") quote++;
      if (header[quote] === '"') {
        let index = quote + 1;
        while (index < header.length && header[index] !== '"')
          index += header[index] === "\\" ? 2 : 1;
        if (index < header.length) {
          end = header.indexOf(";", index);
          if (end === -1) end = header.length;
        }
      }
    }
    pairs.push(header.slice(start, end));
    start = end + 1;
  }
  return pairs;
}

// http.cookies._unquote: a value in quotes loses them, `\ooo` becomes that octet, `\x` is x.
function unquote(value: string): string {
  if (value.length < 2 || value[0] !== '"' || value[value.length - 1] !== '"') return value;
  return value
    .slice(1, -1)
    .replace(/\\(?:([0-3][0-7][0-7])|(.))/g, (_match, octal: string | undefined, char: string) =>
      octal === undefined ? char : String.fromCharCode(Number.parseInt(octal, 8)),
    );
}

/**
 * `cookies` with each value passed through `decode`; a value `decode` throws on stays raw.
 * @throws {TypeError} when `decode` is not a function or returns something else than a string.
 */
export function decodeCookies(
  cookies: ReadonlyMap<string, string>,
  decode: (value: string) => string,
): ReadonlyMap<string, string> {
  if (typeof decode !== "function") throw new TypeError("decode must be a function");
  const decoded = new Map<string, string>();
  for (const [name, value] of cookies) {
    let result: unknown;
    try {
      result = decode(value);
    } catch {
      result = value;
    }
    if (typeof result !== "string") {
      throw new TypeError(`decode must return a string, got ${typeof result} for cookie ${name}`);
    }
    decoded.set(name, result);
  }
  return decoded;
}

/**
 * Sets or updates a cookie in `cookies` with aiohttp's `set_cookie` rules: the value always
 * changes; `path` is always set (default `/`); `expires` replaces the old one or, when not given,
 * drops a `delCookie` epoch; `maxAge` replaces the old one or, when not given, drops it; the
 * other attributes change only when given. `encode`, when given, turns the value into what is
 * kept and sent.
 *
 * @throws {TypeError} when the name is not a token, the value (once encoded) is not
 *   cookie-octets (optionally in double quotes), an attribute holds `;` or a control character,
 *   `maxAge` is not an integer, `sameSite` is not Strict, Lax or None, or `encode` is not a
 *   function returning a string.
 */
export function setCookie(
  cookies: Map<string, Cookie>,
  name: string,
  rawValue: string,
  options: SetCookieOptions = {},
): void {
  const encode = options.encode;
  let value = rawValue;
  if (encode !== undefined) {
    if (typeof encode !== "function") throw new TypeError("Cookie encode must be a function");
    if (typeof rawValue !== "string") {
      throw new TypeError(`Cookie value of ${name} must be a string, got ${typeof rawValue}`);
    }
    value = encode(rawValue);
    if (typeof value !== "string") {
      throw new TypeError(`Cookie encode must return a string, got ${typeof value}`);
    }
  }
  validateCookie(name, value, options);
  const cookie = cookies.get(name) ?? { name, value };
  cookie.value = value;
  if (options.expires !== undefined) cookie.expires = options.expires;
  else if (cookie.expires === COOKIE_EPOCH) delete cookie.expires;
  if (options.domain !== undefined) cookie.domain = options.domain;
  if (options.maxAge !== undefined) cookie.maxAge = options.maxAge;
  else delete cookie.maxAge;
  cookie.path = options.path ?? "/";
  if (options.secure !== undefined) cookie.secure = options.secure;
  if (options.httpOnly !== undefined) cookie.httpOnly = options.httpOnly;
  if (options.sameSite !== undefined) cookie.sameSite = options.sameSite;
  if (options.partitioned !== undefined) cookie.partitioned = options.partitioned;
  cookies.set(name, cookie);
}

/**
 * Replaces `name` in `cookies` by an empty cookie that expires at once (`Expires` in 1970 and
 * `Max-Age=0`), as aiohttp's `del_cookie`; the browser deletes the cookie with that name,
 * domain and path.
 */
export function delCookie(
  cookies: Map<string, Cookie>,
  name: string,
  options: DelCookieOptions = {},
): void {
  cookies.delete(name);
  setCookie(cookies, name, "", { ...options, maxAge: 0, expires: COOKIE_EPOCH });
}

/**
 * Serializes a cookie as a `Set-Cookie` field value (RFC 6265bis §4.1.1): `name=value` then
 * `Expires`, `Max-Age`, `Domain`, `Path`, `Secure`, `HttpOnly`, `SameSite`, `Partitioned`.
 * An empty value is sent as `name=` (Python's `SimpleCookie` sends `name=""`).
 *
 * @throws {TypeError} as {@link setCookie}, for a cookie changed in place since.
 */
export function serializeCookie(cookie: Cookie): string {
  validateCookie(cookie.name, cookie.value, cookie);
  let line = `${cookie.name}=${cookie.value}`;
  if (cookie.expires !== undefined) {
    line += `; Expires=${typeof cookie.expires === "string" ? cookie.expires : httpDate(cookie.expires)}`;
  }
  if (cookie.maxAge !== undefined) line += `; Max-Age=${cookie.maxAge}`;
  if (cookie.domain !== undefined) line += `; Domain=${cookie.domain}`;
  if (cookie.path !== undefined) line += `; Path=${cookie.path}`;
  if (cookie.secure) line += "; Secure";
  if (cookie.httpOnly) line += "; HttpOnly";
  if (cookie.sameSite !== undefined)
    line += `; SameSite=${SAME_SITE.get(cookie.sameSite.toLowerCase())}`;
  if (cookie.partitioned) line += "; Partitioned";
  return line;
}

function validateCookie(name: string, value: string, options: CookieOptions): void {
  // cookie-name is a token (RFC 6265bis §4.1.1, RFC 9110 §5.6.2).
  if (!isToken(name)) {
    throw new TypeError(`Cookie name ${JSON.stringify(name)} is not a token`);
  }
  if (typeof value !== "string" || !COOKIE_VALUE_RE.test(value)) {
    throw new TypeError(
      `Cookie value ${JSON.stringify(value)} of ${name} holds a character a cookie value cannot ` +
        "(whitespace, '\"', ',', ';', '\\' or a control character): pass { encode: encodeURIComponent } or encode it first",
    );
  }
  for (const attribute of ["domain", "path"] as const) {
    const attributeValue = options[attribute];
    if (attributeValue !== undefined && !ATTRIBUTE_VALUE_RE.test(attributeValue)) {
      throw new TypeError(
        `Cookie ${attribute} ${JSON.stringify(attributeValue)} holds ';' or a control character`,
      );
    }
  }
  if (typeof options.expires === "string" && !ATTRIBUTE_VALUE_RE.test(options.expires)) {
    throw new TypeError(
      `Cookie expires ${JSON.stringify(options.expires)} holds ';' or a control character`,
    );
  }
  if (options.expires instanceof Date && Number.isNaN(options.expires.getTime())) {
    throw new TypeError("Cookie expires is an invalid Date");
  }
  if (options.maxAge !== undefined && !Number.isSafeInteger(options.maxAge)) {
    throw new TypeError(
      `Cookie maxAge must be an integer number of seconds, got ${options.maxAge}`,
    );
  }
  if (options.sameSite !== undefined && !SAME_SITE.has(String(options.sameSite).toLowerCase())) {
    throw new TypeError(
      `Cookie sameSite must be "Strict", "Lax" or "None", got ${JSON.stringify(options.sameSite)}`,
    );
  }
}
