/**
 * `Range: bytes=…` (RFC 9110 §14.1.2, §14.2) in two forms: aiohttp's single-range slice
 * (`BaseRequest.http_range`) and the multi-range list `FileResponse` serves.
 *
 * What is answered how (RFC 9110 §14.2 lets a server ignore or reject a bad Range):
 * - another range unit than `bytes`: ignored (the full 200 is sent), as §14.2 requires;
 * - a syntactically invalid `bytes=` set: 416 (aiohttp answers its `ValueError` with 416 too);
 * - no range satisfiable for the size (every first-byte-pos past the end, or only `-0`): 416;
 * - more than {@link MAX_RANGES} ranges, or ranges adding up to more than the representation
 *   (overlaps used to amplify a response): ignored, the full 200 is sent (§14.2 "MAY ignore").
 */

/**
 * aiohttp's `http_range` slice: `start` is the first byte (negative for a suffix, `bytes=-500`
 * → `-500`) and `end` is exclusive; `undefined` means open (no Range at all gives both).
 */
export interface HttpRangeSlice {
  readonly start: number | undefined;
  readonly end: number | undefined;
}

/** A byte range resolved against a size: `start` and `end` both inclusive, as Content-Range. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/** The most ranges one request may ask for before the Range header is ignored. */
export const MAX_RANGES = 100;

// aiohttp's `^bytes=(\d*)-(\d*)$` (ASCII digits only).
const SINGLE_RANGE_RE = /^bytes=(\d*)-(\d*)$/;
const RANGE_SPEC_RE = /^(\d*)-(\d*)$/;

/**
 * Parses a `Range` header the way aiohttp's `BaseRequest.http_range` does: one `bytes=` range
 * into a slice (end exclusive; a suffix range as a negative start).
 *
 * @throws {RangeError} "range not in acceptable format" for anything but one `bytes=a-b` range,
 *   "start cannot be after end" and "No start or end of range specified", as aiohttp's
 *   `ValueError`s.
 */
export function parseHttpRange(header: string | undefined): HttpRangeSlice {
  if (header === undefined) return { start: undefined, end: undefined };
  const match = SINGLE_RANGE_RE.exec(header);
  if (match === null) throw new RangeError("range not in acceptable format");
  let start = match[1] === "" ? undefined : toInteger(match[1]!);
  let end = match[2] === "" ? undefined : toInteger(match[2]!);
  if (start === undefined && end !== undefined) {
    start = -end;
    end = undefined;
  } else if (start !== undefined && end !== undefined) {
    end += 1;
    if (start >= end) throw new RangeError("start cannot be after end");
  }
  if (start === undefined && end === undefined) {
    throw new RangeError("No start or end of range specified");
  }
  return { start, end };
}

/** The outcome of {@link resolveRanges}: what a file server answers. */
export type RangeResolution =
  | { readonly kind: "ignore" }
  | { readonly kind: "unsatisfiable" }
  | { readonly kind: "ranges"; readonly ranges: readonly ByteRange[] };

/**
 * Parses a `Range` header with any number of ranges and resolves it against a representation of
 * `size` bytes (RFC 9110 §14.1.2): unsatisfiable ranges are dropped, last positions past the end
 * are clamped, suffix ranges count from the end. See the module comment for what is ignored.
 */
export function resolveRanges(header: string, size: number): RangeResolution {
  const equals = header.indexOf("=");
  if (equals === -1) return { kind: "unsatisfiable" };
  if (header.slice(0, equals).trim().toLowerCase() !== "bytes") return { kind: "ignore" };
  const specs = header.slice(equals + 1).split(",");
  const ranges: ByteRange[] = [];
  let total = 0;
  let elements = 0;
  for (const rawSpec of specs) {
    const spec = rawSpec.trim();
    // RFC 9110 §5.6.1: empty list elements are allowed and do not count.
    if (spec === "") continue;
    if (++elements > MAX_RANGES) return { kind: "ignore" };
    const match = RANGE_SPEC_RE.exec(spec);
    if (match === null || (match[1] === "" && match[2] === "")) return { kind: "unsatisfiable" };
    let start: number;
    let end: number;
    if (match[1] === "") {
      const suffix = toInteger(match[2]!);
      if (suffix === 0 || size === 0) continue;
      start = Math.max(0, size - suffix);
      end = size - 1;
    } else {
      start = toInteger(match[1]!);
      end = match[2] === "" ? size - 1 : toInteger(match[2]!);
      if (end < start) return { kind: "unsatisfiable" };
      if (start >= size) continue;
      end = Math.min(end, size - 1);
    }
    total += end - start + 1;
    ranges.push({ start, end });
  }
  if (elements === 0) return { kind: "unsatisfiable" };
  if (ranges.length === 0) return { kind: "unsatisfiable" };
  if (total > size) return { kind: "ignore" };
  return { kind: "ranges", ranges };
}

// Digits beyond 2^53 cannot address a file anyway: they saturate, so the range is simply past
// the end (unsatisfiable) rather than a rounding surprise.
function toInteger(digits: string): number {
  const value = Number(digits);
  return Number.isSafeInteger(value) ? value : Number.MAX_SAFE_INTEGER;
}
