/**
 * Rejects option keys a constructor does not know, naming the closest valid one: a misspelt
 * option (`keepAliveTimeout` for `keepaliveTimeout`) would otherwise be ignored in silence and
 * its default used.
 */

/**
 * The valid keys of an options type, as an object with one `true` per key. Written as
 * `const KEYS: OptionKeys<ServerOptions> = { keepaliveTimeout: true, … }`, it fails to compile
 * when the interface gains or loses an option and the list is not updated.
 * @internal
 */
export type OptionKeys<T> = { readonly [K in keyof Required<T>]: true };

/**
 * Throws when `options` has an own key that `validKeys` does not list. Values are not looked
 * at (an unknown key set to `undefined` is still a mistake); anything but a plain object is
 * left to the caller's own checks.
 *
 * @param options what the user passed.
 * @param validKeys the valid keys (see {@link OptionKeys}).
 * @param what the name of what takes the options, for the message (`"Server"`).
 * @throws {TypeError} `Unknown Server option keepAliveTimeout: did you mean keepaliveTimeout?`,
 *   or, with nothing close, `Unknown Server option foo (valid options: a, b, c)`.
 * @internal
 */
export function checkOptionKeys(
  options: unknown,
  validKeys: Readonly<Record<string, true>>,
  what: string,
): void {
  if (typeof options !== "object" || options === null) return;
  // for…in rather than Object.keys: no array per call, since responses are built per request.
  for (const key in options) {
    // A valid key is the usual case: one keyed load (every value in validKeys is `true`, so
    // an inherited name never passes), and the own-key check only for the rest.
    if (validKeys[key] === true || !Object.hasOwn(options, key)) continue;
    const suggestion = closestKey(key, Object.keys(validKeys));
    throw new TypeError(
      suggestion === undefined
        ? `Unknown ${what} option ${key} (valid options: ${Object.keys(validKeys).join(", ")})`
        : `Unknown ${what} option ${key}: did you mean ${suggestion}?`,
    );
  }
}

/**
 * The valid key most like `key`: one equal to it ignoring case, else the one fewest
 * case-insensitive edits away, if that is at most a third of its length (at least 1 edit, at
 * most 3), so `keepAliveTimout` finds `keepaliveTimeout` but `foo` finds nothing.
 * @internal
 */
export function closestKey(key: string, validKeys: readonly string[]): string | undefined {
  const folded = key.toLowerCase();
  let best: string | undefined;
  let bestDistance = Math.min(3, Math.max(1, Math.floor(key.length / 3)));
  for (const candidate of validKeys) {
    const distance = editDistance(folded, candidate.toLowerCase());
    if (distance === 0) return candidate;
    if (distance < bestDistance || (distance === bestDistance && best === undefined)) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance (insertions, deletions and substitutions), one row at a time. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length]!;
}
