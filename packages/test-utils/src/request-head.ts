import { type HeadersInit, multiDictEntries } from "@ll/http-protocol";

// Bytes that would end a line or a start-line part early: with them, a value could smuggle in
// a header or a second request (fetch refuses them for the same reason).
const LINE_BREAK_RE = /[\r\n]/;
const START_LINE_RE = /[\r\n \t]/;

/**
 * The header fields of `headers` as `[name, value]` pairs, in order, repeated names kept.
 * @throws {TypeError} when a name or value holds CR or LF, or a name is empty.
 * @internal
 */
export function headerPairs(headers: HeadersInit | undefined, caller: string): [string, string][] {
  if (headers === undefined) return [];
  if (typeof headers !== "object" || headers === null) {
    throw new TypeError(`${caller}: headers must be an object, [name, value] pairs or a Headers`);
  }
  const pairs: [string, string][] = [];
  for (const [name, value] of multiDictEntries(headers)) {
    if (typeof name !== "string" || name === "" || LINE_BREAK_RE.test(name)) {
      throw new TypeError(`${caller}: invalid header name ${JSON.stringify(name)}`);
    }
    const text = String(value);
    if (LINE_BREAK_RE.test(text)) {
      throw new TypeError(`${caller}: the value of header ${name} must not contain CR or LF`);
    }
    pairs.push([name, text]);
  }
  return pairs;
}

/** Whether `pairs` has a field named `name` (any case). @internal */
export function hasHeader(pairs: readonly [string, string][], name: string): boolean {
  const lower = name.toLowerCase();
  return pairs.some(([field]) => field.toLowerCase() === lower);
}

/**
 * A request head as a client writes it: `METHOD target HTTP/x.y`, the fields, the empty line.
 * @throws {TypeError} when `method` or `target` is empty or holds whitespace, CR or LF.
 * @internal
 */
export function serializeRequestHead(
  method: string,
  target: string,
  version: string,
  pairs: readonly [string, string][],
  caller: string,
): string {
  if (typeof method !== "string" || method === "" || START_LINE_RE.test(method)) {
    throw new TypeError(`${caller}: method must be a token, got ${JSON.stringify(method)}`);
  }
  if (typeof target !== "string" || target === "" || START_LINE_RE.test(target)) {
    throw new TypeError(
      `${caller}: the request target must be non-empty, without spaces, CR or LF, got ${JSON.stringify(target)}`,
    );
  }
  let head = `${method} ${target} ${version}\r\n`;
  for (const [name, value] of pairs) head += `${name}: ${value}\r\n`;
  return `${head}\r\n`;
}
