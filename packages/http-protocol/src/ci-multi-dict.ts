import type { MultiDictInit } from "./base-multi-dict.js";
import { BaseMultiDict, BaseMultiDictProxy } from "./base-multi-dict.js";

// Header names are ASCII tokens (RFC 9110 §5.1), so plain lower-casing is the right fold.
const foldCase = (name: string): string => name.toLowerCase();

/**
 * A case-insensitive multi-dict (aiohttp/multidict's `CIMultiDict`): several values per name,
 * insertion-ordered, each name kept in the case it was added with; `get("content-type")` finds
 * `Content-Type`. Headers are held in one.
 *
 * @example
 * ```ts
 * import { CIMultiDict } from "@ll/http-protocol";
 * const headers = new CIMultiDict({ "Content-Type": "text/plain" });
 * headers.add("Set-Cookie", "a=1").add("set-cookie", "b=2");
 * headers.get("content-type"); // "text/plain"
 * headers.getAll("SET-COOKIE"); // ["a=1", "b=2"]
 * ```
 */
export class CIMultiDict<V = string> extends BaseMultiDict<V> {
  // Keeps a MultiDict from passing for a CIMultiDict (they have the same members). Type only.
  declare private readonly caseInsensitive: true;

  /** @param init `[name, value]` pairs (another multi-dict) or a plain object. */
  constructor(init?: MultiDictInit<V>) {
    super(foldCase, init);
  }

  /** A new mutable dict with the same pairs. */
  copy(): CIMultiDict<V> {
    return new CIMultiDict(this);
  }
}

/**
 * A read-only live view of a {@link CIMultiDict} (multidict's `CIMultiDictProxy`): request
 * headers are handed out as one, so a handler cannot change what the parser saw.
 */
export class CIMultiDictProxy<V = string> extends BaseMultiDictProxy<V, CIMultiDict<V>> {
  declare private readonly caseInsensitive: true;

  /** @throws {TypeError} when `dict` is not a CIMultiDict. */
  constructor(dict: CIMultiDict<V>) {
    if (!(dict instanceof CIMultiDict)) throw new TypeError("CIMultiDictProxy takes a CIMultiDict");
    super(dict);
  }

  /** A new mutable {@link CIMultiDict} with the same pairs. */
  copy(): CIMultiDict<V> {
    return new CIMultiDict(this);
  }
}
