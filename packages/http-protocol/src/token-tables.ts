/**
 * Character classes of RFC 9110 §5.6 and RFC 9112, as regular expressions (for whole strings,
 * where V8's irregexp scans faster than a JavaScript loop) and as byte tables (for the few
 * places that look at single bytes).
 *
 * @internal
 * @module
 */

/**
 * `tchar` lookup: `TOKEN_TABLE[byte] === 1` when the byte may appear in a token
 * (RFC 9110 §5.6.2: `!#$%&'*+-.^_\`|~`, DIGIT, ALPHA).
 */
// biome-ignore format: one row per 32 code points
export const TOKEN_TABLE: Uint8Array = new Uint8Array([
  0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0, // 0x00-0x1f: CTLs
  0,1,0,1,1,1,1,1,0,0,1,1,0,1,1,0,1,1,1,1,1,1,1,1,1,1,0,0,0,0,0,0, //  !"#$%&'()*+,-./0-9:;<=>?
  0,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,0,0,0,1,1, // @A-Z[\]^_
  1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,0,1,0,1,0, // `a-z{|}~DEL
  0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0, // 0x80-0xff: obs-text
  0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
  0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
  0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
]);

/** A whole string that is one `token` (RFC 9110 §5.6.2). */
export const TOKEN_RE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * A whole block of field lines (RFC 9112 §5), each `token ":" field-value CRLF`, ending with
 * the empty line. Field values may hold SP, HTAB, VCHAR and obs-text (RFC 9110 §5.5); any other
 * byte (CTLs, a bare CR or LF, DEL), a line starting with whitespace (obs-fold) or whitespace
 * before the colon fails the match. The value class excludes CR, so the match is linear.
 */
export const FIELD_BLOCK_RE = /^(?:[!#$%&'*+\-.^_`|~0-9A-Za-z]+:[\t\x20-\x7e\x80-\xff]*\r\n)*\r\n$/;

/**
 * A request-target's bytes (RFC 9112 §3.2, RFC 3986 §2): visible ASCII but `#`, since a
 * fragment is never sent (RFC 9110 §4.2.5). Not CTLs, SP or DEL, and, unlike Node's parser,
 * not obs-text: a raw UTF-8 path must be percent-encoded.
 */
export const TARGET_RE = /^[\x21\x22\x24-\x7e]+$/;

/**
 * Whether `target` matches {@link TARGET_RE}. Short targets (most paths) are checked by a loop,
 * cheaper than a regular expression call; long ones with TARGET_RE.
 */
export function isValidTarget(target: string): boolean {
  const length = target.length;
  if (length > 32) return TARGET_RE.test(target);
  for (let index = 0; index < length; index++) {
    const code = target.charCodeAt(index);
    // 0x21 to 0x7e, but not 0x23 (#).
    if (code < 0x21 || code > 0x7e || code === 0x23) return false;
  }
  return length > 0;
}

/** `reason-phrase = 1*( HTAB / SP / VCHAR / obs-text )` (RFC 9112 §4), possibly empty. */
export const REASON_RE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * `chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )` with
 * `chunk-ext-val = token / quoted-string` (RFC 9112 §7.1.1, BWS = OWS of RFC 9110 §5.6.3).
 */
export const CHUNK_EXT_RE =
  /^(?:[ \t]*;[ \t]*[!#$%&'*+\-.^_`|~0-9A-Za-z]+(?:[ \t]*=[ \t]*(?:[!#$%&'*+\-.^_`|~0-9A-Za-z]+|"(?:[\t\x20\x21\x23-\x5b\x5d-\x7e\x80-\xff]|\\[\t\x20-\x7e\x80-\xff])*"))?)*$/;

/**
 * Whether `value` is a non-empty token. Short values (methods) are checked with TOKEN_TABLE,
 * cheaper than a regular expression call; long ones with TOKEN_RE.
 */
export function isToken(value: string): boolean {
  const length = value.length;
  if (length > 16) return TOKEN_RE.test(value);
  for (let index = 0; index < length; index++) {
    const code = value.charCodeAt(index);
    if (code > 127 || TOKEN_TABLE[code] === 0) return false;
  }
  return length > 0;
}
