import type { MultiDictInit } from "./base-multi-dict.js";
import { BaseMultiDict, BaseMultiDictProxy } from "./base-multi-dict.js";

const sameName = (name: string): string => name;

/**
 * A case-sensitive multi-dict (aiohttp/multidict's `MultiDict`): several values per name,
 * insertion-ordered. Query strings and form fields are held in one.
 *
 * @example
 * ```ts
 * import { MultiDict } from "@ll/http-protocol";
 * const query = new MultiDict(new URLSearchParams("a=1&a=2&b=3"));
 * query.getAll("a"); // ["1", "2"]
 * ```
 */
export class MultiDict<V = string> extends BaseMultiDict<V> {
  // Keeps a CIMultiDict from passing for a MultiDict (they have the same members). Type only.
  declare private readonly caseSensitive: true;

  /** @param init `[name, value]` pairs (another multi-dict, `URLSearchParams`) or a plain object. */
  constructor(init?: MultiDictInit<V>) {
    super(sameName, init);
  }

  /** A new mutable dict with the same pairs. */
  copy(): MultiDict<V> {
    return new MultiDict(this);
  }
}

/** A read-only live view of a {@link MultiDict} (multidict's `MultiDictProxy`). */
export class MultiDictProxy<V = string> extends BaseMultiDictProxy<V, MultiDict<V>> {
  declare private readonly caseSensitive: true;

  /** @throws {TypeError} when `dict` is not a MultiDict. */
  constructor(dict: MultiDict<V>) {
    if (!(dict instanceof MultiDict)) throw new TypeError("MultiDictProxy takes a MultiDict");
    super(dict);
  }

  /** A new mutable {@link MultiDict} with the same pairs. */
  copy(): MultiDict<V> {
    return new MultiDict(this);
  }
}
