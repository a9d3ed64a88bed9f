/**
 * Entity tags (RFC 9110 §8.8.3): the value type, the `If-Match`/`If-None-Match` list parser, the
 * strong and weak comparisons (§8.8.3.2) and the `ETag` header form. aiohttp keeps these in
 * `helpers.py` (`ETag`, `LIST_QUOTED_ETAG_RE`) and `web_request.py` (`_etag_values`).
 */

/** An entity tag: the opaque value without quotes and whether it is weak (`W/"…"`). */
export interface ETag {
  /** The characters between the quotes (or `*` for `If-Match: *`). */
  readonly value: string;
  /** `true` for a weak validator (`W/"…"`). */
  readonly isWeak: boolean;
}

/** The `*` of `If-Match: *` / `If-None-Match: *`: it matches any current representation. */
export const ETAG_ANY = "*";

// etagc = "!" / %x23-7E / obs-text (RFC 9110 §8.8.3). Header values reach us latin1-decoded,
// so obs-text is U+0080..U+00FF; anything above is not from the wire.
const ETAGC_RE = /^[\x21\x23-\x7e\x80-\xff]+$/;
const QUOTED_ETAG_RE = /^(W\/)?"([\x21\x23-\x7e\x80-\xff]+)"$/;
// One list element at a time (sticky): an entity-tag followed by a comma or the end. Anything
// else stops the list there, keeping the tags read so far, as aiohttp's `(.)` garbage group does.
const LIST_ELEMENT_RE = /(W\/)?"([\x21\x23-\x7e\x80-\xff]+)"(?:[ \t]*,[ \t]*|[ \t]*$)/y;

/**
 * Parses an `If-Match` or `If-None-Match` field value into its entity tags, like aiohttp's
 * `BaseRequest.if_match`: `*` gives `[{ value: "*", isWeak: false }]`; a malformed element ends
 * the list (the tags before it are kept).
 *
 * @returns `undefined` when the header is absent or empty.
 */
export function parseETagList(header: string | undefined): readonly ETag[] | undefined {
  if (header === undefined || header === "") return undefined;
  if (header.trim() === ETAG_ANY) return [{ value: ETAG_ANY, isWeak: false }];
  const tags: ETag[] = [];
  LIST_ELEMENT_RE.lastIndex = header.length - header.trimStart().length;
  while (LIST_ELEMENT_RE.lastIndex < header.length) {
    const match = LIST_ELEMENT_RE.exec(header);
    if (match === null) break;
    tags.push({ value: match[2]!, isWeak: match[1] !== undefined });
  }
  return tags;
}

/**
 * Parses one `ETag` field value (`"xyz"` or `W/"xyz"`, or `*`); `undefined` when malformed, as
 * aiohttp's `StreamResponse.etag` getter.
 */
export function parseETag(header: string | undefined): ETag | undefined {
  if (header === undefined || header === "") return undefined;
  if (header === ETAG_ANY) return { value: ETAG_ANY, isWeak: false };
  const match = QUOTED_ETAG_RE.exec(header);
  return match === null ? undefined : { value: match[2]!, isWeak: match[1] !== undefined };
}

/**
 * Serializes an entity tag for the `ETag` header: a string is a strong tag's value.
 *
 * @throws {TypeError} when the value is empty or holds a character an entity tag cannot (`"`,
 *   a space, a control character).
 */
export function formatETag(etag: ETag | string): string {
  const { value, isWeak } = typeof etag === "string" ? { value: etag, isWeak: false } : etag;
  if (value === ETAG_ANY) return ETAG_ANY;
  if (!ETAGC_RE.test(value)) {
    throw new TypeError(
      `ETag value ${JSON.stringify(value)} is not valid: it must be visible ASCII without '"'`,
    );
  }
  return isWeak ? `W/"${value}"` : `"${value}"`;
}

/**
 * Whether `etag` (the current representation's) matches any tag in `list`, by the strong
 * comparison (`weak: false`: both strong and equal, for `If-Match` and `If-Range`) or the weak
 * one (`weak: true`: equal values, for `If-None-Match`); RFC 9110 §8.8.3.2. `*` matches all.
 */
export function etagMatches(
  etag: ETag | string,
  list: readonly ETag[],
  options: { weak: boolean },
): boolean {
  const current = typeof etag === "string" ? { value: etag, isWeak: false } : etag;
  if (list.length === 1 && list[0]!.value === ETAG_ANY) return true;
  if (!options.weak && current.isWeak) return false;
  return list.some((tag) => tag.value === current.value && (options.weak || !tag.isWeak));
}
