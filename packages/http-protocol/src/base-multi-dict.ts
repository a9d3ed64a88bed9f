/**
 * The one implementation behind {@link MultiDict} and {@link CIMultiDict}: they differ only in
 * how a name is folded before comparing (`fold`).
 *
 * Layout: three parallel arrays, `names` (as added), `keys` (folded) and `values`, in insertion
 * order. A request has a dozen or so headers, and a linear scan over a packed array of strings
 * beats hashing into a `Map` both to build and to look up at that size (see
 * `benchmarks/writer.bench.mjs`), so there is no index.
 */

/** What a multi-dict can be built from: `[name, value]` pairs (another multi-dict) or an object. */
export type MultiDictInit<V> = Iterable<readonly [string, V]> | Readonly<Record<string, V>>;

/**
 * Headers wherever an `@ll/*` API takes them (responses, HTTP exceptions, protocol errors): a
 * plain object, `[name, value]` pairs, or a multi-dict such as a `CIMultiDict`.
 */
export type HeadersInit = MultiDictInit<string>;

/** The read-only interface of every multi-dict and proxy, for code that accepts any of them. */
export interface ReadonlyMultiDict<V> extends Iterable<[string, V]> {
  /** The number of `[name, value]` pairs (a name added twice counts twice). */
  readonly size: number;
  /** The first value of `name`, or `undefined`. */
  get(name: string): V | undefined;
  /** All values of `name` in insertion order (an empty array when there is none). */
  getAll(name: string): V[];
  /** Whether `name` has at least one value. */
  has(name: string): boolean;
  /** The names, in insertion order and original case, once per pair. */
  keys(): IterableIterator<string>;
  /** The values, in insertion order. */
  values(): IterableIterator<V>;
  /** The `[name, value]` pairs, in insertion order. */
  entries(): IterableIterator<[string, V]>;
  /** Calls `callback` for each pair in insertion order. */
  forEach(callback: (value: V, name: string, dict: this) => void): void;
}

type Fold = (name: string) => string;

const inspect = Symbol.for("nodejs.util.inspect.custom");

/**
 * The mutable multi-dict: shared by {@link MultiDict} and {@link CIMultiDict}.
 * @internal
 */
export abstract class BaseMultiDict<V> implements ReadonlyMultiDict<V> {
  #names: string[] = [];
  #keys: string[] = [];
  #values: V[] = [];
  readonly #fold: Fold;

  protected constructor(fold: Fold, init: MultiDictInit<V> | undefined) {
    this.#fold = fold;
    if (init !== undefined) this.extend(init);
  }

  get size(): number {
    return this.#values.length;
  }

  get(name: string): V | undefined {
    const index = this.#keys.indexOf(this.#fold(name));
    return index === -1 ? undefined : this.#values[index];
  }

  getAll(name: string): V[] {
    const key = this.#fold(name);
    const keys = this.#keys;
    const result: V[] = [];
    for (let index = keys.indexOf(key); index !== -1; index = keys.indexOf(key, index + 1)) {
      result.push(this.#values[index]!);
    }
    return result;
  }

  has(name: string): boolean {
    return this.#keys.includes(this.#fold(name));
  }

  /** Appends a pair, keeping any earlier values of `name`. */
  add(name: string, value: V): this {
    this.#names.push(name);
    this.#keys.push(this.#fold(name));
    this.#values.push(value);
    return this;
  }

  /**
   * Replaces every value of `name` by `value`: the first pair keeps its position (taking the new
   * name's case), later ones are removed; a new name is appended.
   */
  set(name: string, value: V): this {
    const key = this.#fold(name);
    const index = this.#keys.indexOf(key);
    if (index === -1) {
      this.#names.push(name);
      this.#keys.push(key);
      this.#values.push(value);
    } else {
      this.#names[index] = name;
      this.#values[index] = value;
      this.#removeFrom(key, index + 1);
    }
    return this;
  }

  /** The first value of `name`; when there is none, adds `[name, value]` and returns `value`. */
  setDefault(name: string, value: V): V {
    const index = this.#keys.indexOf(this.#fold(name));
    if (index !== -1) return this.#values[index]!;
    this.add(name, value);
    return value;
  }

  /** Removes every value of `name`; returns whether there was one. */
  delete(name: string): boolean {
    const key = this.#fold(name);
    const index = this.#keys.indexOf(key);
    if (index === -1) return false;
    this.#removeFrom(key, index);
    return true;
  }

  /** Removes every pair. */
  clear(): void {
    this.#names = [];
    this.#keys = [];
    this.#values = [];
  }

  /** Adds every pair of `init`, keeping existing values (aiohttp's `extend`). */
  extend(init: MultiDictInit<V>): this {
    for (const [name, value] of multiDictEntries(init)) this.add(name, value);
    return this;
  }

  /**
   * Replaces the values of each name in `init` by the values given for it there (aiohttp's
   * `update`); names not in `init` are left alone.
   */
  update(init: MultiDictInit<V>): this {
    const seen = new Set<string>();
    for (const [name, value] of multiDictEntries(init)) {
      const key = this.#fold(name);
      if (seen.has(key)) {
        this.add(name, value);
      } else {
        seen.add(key);
        this.set(name, value);
      }
    }
    return this;
  }

  keys(): IterableIterator<string> {
    return this.#names.slice().values();
  }

  values(): IterableIterator<V> {
    return this.#values.slice().values();
  }

  entries(): IterableIterator<[string, V]> {
    return this.#pairs().values();
  }

  [Symbol.iterator](): IterableIterator<[string, V]> {
    return this.#pairs().values();
  }

  forEach(callback: (value: V, name: string, dict: this) => void): void {
    const names = this.#names.slice();
    const values = this.#values.slice();
    for (let index = 0; index < names.length; index++)
      callback(values[index]!, names[index]!, this);
  }

  /** `CIMultiDict(2) { 'Host' => 'a', 'Accept' => '*' }` in `console.log` and the REPL. */
  [inspect](): string {
    const pairs = this.#pairs().map(
      ([name, value]) => `${JSON.stringify(name)} => ${String(value)}`,
    );
    return `${this.constructor.name}(${pairs.length}) { ${pairs.join(", ")} }`;
  }

  #pairs(): [string, V][] {
    const names = this.#names;
    const values = this.#values;
    const pairs: [string, V][] = new Array(names.length);
    for (let index = 0; index < names.length; index++)
      pairs[index] = [names[index]!, values[index]!];
    return pairs;
  }

  /** Removes the pairs with folded name `key` at or after `start`, in one pass. */
  #removeFrom(key: string, start: number): void {
    const names = this.#names;
    const keys = this.#keys;
    const values = this.#values;
    let to = start;
    for (let from = start; from < keys.length; from++) {
      if (keys[from] === key) continue;
      names[to] = names[from]!;
      keys[to] = keys[from]!;
      values[to] = values[from]!;
      to++;
    }
    names.length = to;
    keys.length = to;
    values.length = to;
  }
}

/**
 * The read-only live view over a multi-dict: shared by {@link MultiDictProxy} and
 * {@link CIMultiDictProxy}. It sees later changes to the dict it wraps.
 * @internal
 */
export abstract class BaseMultiDictProxy<V, D extends BaseMultiDict<V>>
  implements ReadonlyMultiDict<V>
{
  readonly #dict: D;

  protected constructor(dict: D) {
    this.#dict = dict;
  }

  get size(): number {
    return this.#dict.size;
  }

  get(name: string): V | undefined {
    return this.#dict.get(name);
  }

  getAll(name: string): V[] {
    return this.#dict.getAll(name);
  }

  has(name: string): boolean {
    return this.#dict.has(name);
  }

  keys(): IterableIterator<string> {
    return this.#dict.keys();
  }

  values(): IterableIterator<V> {
    return this.#dict.values();
  }

  entries(): IterableIterator<[string, V]> {
    return this.#dict.entries();
  }

  [Symbol.iterator](): IterableIterator<[string, V]> {
    return this.#dict.entries();
  }

  forEach(callback: (value: V, name: string, dict: this) => void): void {
    this.#dict.forEach((value, name) => {
      callback(value, name, this);
    });
  }

  [inspect](): string {
    return `${this.constructor.name}(${this.#dict[inspect]()})`;
  }
}

function isIterable<V>(init: MultiDictInit<V>): init is Iterable<readonly [string, V]> {
  return typeof (init as Partial<Iterable<unknown>>)[Symbol.iterator] === "function";
}

/**
 * The `[name, value]` pairs of `init` in order: the pairs (or multi-dict, or `Headers`) as they
 * are, a plain object's entries. @internal
 */
export function multiDictEntries<V>(init: MultiDictInit<V>): Iterable<readonly [string, V]> {
  return isIterable(init) ? init : Object.entries(init);
}
