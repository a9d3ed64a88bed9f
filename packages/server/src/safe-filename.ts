/**
 * A client-sent file name made safe to use as one entry of a directory: multipart `filename`
 * values arrive exactly as the client wrote them (`../../etc/passwd`, `C:\evil\a.txt`, NUL).
 */

/** Options of {@link safeFilename}. */
export interface SafeFilenameOptions {
  /** What to return when nothing usable is left (default `"file"`); must itself be safe. */
  fallback?: string;
  /** The longest result in UTF-8 bytes (default 255, the usual file system limit; at least 32). */
  maxLength?: number;
}

const DEFAULT_FALLBACK = "file";
const DEFAULT_MAX_LENGTH = 255;
const MIN_MAX_LENGTH = 32;
/** An extension longer than this (in bytes, dot included) is not kept when a name is cut. */
const MAX_EXTENSION_LENGTH = 16;

const LONE_SURROGATE_RE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** C0 controls, DEL, C1 controls, and the bidirectional marks that make `exe.txt` look like `txt.exe`. */
const CONTROL_RE = /[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** Characters Windows refuses in names (`:` would also open an alternate data stream). */
const RESERVED_RE = /[<>:"|?*]/g;
const EDGE_RE = /^[\s.]+|[\s.]+$/g;
/** Windows device names, with or without an extension, refer to devices in any directory. */
const DEVICE_RE = /^(?:con|prn|aux|nul|com\d|lpt\d)(?:\.|$)/i;

/**
 * Turns a client-sent file name (a multipart `filename`) into a base name that is safe to
 * join to a directory of your choosing. In order, it:
 *
 * 1. replaces lone UTF-16 surrogates with `_` and normalizes to NFC (macOS sends NFD);
 * 2. keeps only what follows the last `/` or `\` (`../../x` → `x`, `C:\evil\a.txt` → `a.txt`);
 * 3. removes control characters (U+0000–U+001F, U+007F–U+009F, NUL included) and the
 *    bidirectional marks U+200E, U+200F, U+202A–U+202E, U+2066–U+2069;
 * 4. replaces each of `< > : " | ? *` with `_` (reserved on Windows);
 * 5. removes leading and trailing dots and white space (`..` → empty, `.bashrc` → `bashrc`,
 *    `a.txt.` → `a.txt`), so the result is never `.`, `..` or a hidden file;
 * 6. prefixes `_` to Windows device names (`CON`, `nul.txt`, `COM1`, …);
 * 7. cuts the name to `maxLength` UTF-8 bytes (default 255) on a character boundary, keeping
 *    the extension (the last `.` and what follows, when at most 16 bytes);
 * 8. returns `fallback` (default `"file"`) when nothing is left.
 *
 * The result contains no slash, backslash, NUL or control character and is never empty. It is a
 * name, not a unique one: two uploads may give the same result, so check for an existing file
 * (or add your own unique part) before writing.
 *
 * @throws {TypeError} when `name` is not a string, or `fallback` is empty or not itself safe.
 * @throws {RangeError} when `maxLength` is not an integer of at least 32.
 *
 * @example
 * ```ts
 * import { safeFilename } from "@ll/server";
 * safeFilename("../../etc/passwd"); // "passwd"
 * safeFilename("C:\\evil\\a.txt"); // "a.txt"
 * safeFilename(".."); // "file"
 * ```
 */
export function safeFilename(name: string, options: SafeFilenameOptions = {}): string {
  if (typeof name !== "string") throw new TypeError("name must be a string");
  const maxLength = options.maxLength ?? DEFAULT_MAX_LENGTH;
  if (!Number.isSafeInteger(maxLength) || maxLength < MIN_MAX_LENGTH) {
    throw new RangeError(`maxLength must be an integer of at least ${MIN_MAX_LENGTH}`);
  }
  const fallback = options.fallback ?? DEFAULT_FALLBACK;
  if (
    typeof fallback !== "string" ||
    fallback === "" ||
    sanitize(fallback, maxLength) !== fallback
  ) {
    throw new TypeError("fallback must be a non-empty name that safeFilename leaves unchanged");
  }
  const safe = sanitize(name, maxLength);
  return safe === "" ? fallback : safe;
}

function sanitize(name: string, maxLength: number): string {
  let safe = name.replace(LONE_SURROGATE_RE, "_").normalize("NFC");
  safe = safe.slice(Math.max(safe.lastIndexOf("/"), safe.lastIndexOf("\\")) + 1);
  safe = safe.replace(CONTROL_RE, "").replace(RESERVED_RE, "_").replace(EDGE_RE, "");
  if (DEVICE_RE.test(safe)) safe = `_${safe}`;
  return truncate(safe, maxLength);
}

/** Cuts `name` to `maxLength` UTF-8 bytes, keeping a short extension whole. */
function truncate(name: string, maxLength: number): string {
  if (Buffer.byteLength(name) <= maxLength) return name;
  const dot = name.lastIndexOf(".");
  let extension = dot > 0 ? name.slice(dot) : "";
  if (Buffer.byteLength(extension) > MAX_EXTENSION_LENGTH) extension = "";
  const stem = extension === "" ? name : name.slice(0, dot);
  let budget = maxLength - Buffer.byteLength(extension);
  let cut = "";
  // Iterating a string yields whole code points, so no character is split.
  for (const character of stem) {
    const size = Buffer.byteLength(character);
    if (size > budget) break;
    cut += character;
    budget -= size;
  }
  return cut.replace(EDGE_RE, "") + extension;
}
