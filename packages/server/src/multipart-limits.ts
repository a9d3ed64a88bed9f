/**
 * Per-form limits of `request.post()` and `request.multipart()` (busboy's `limits`): how many
 * fields, files and parts a form may have and how large each may be, on top of the body-wide
 * `clientMaxSize`.
 */

import { HTTPRequestEntityTooLarge } from "./web-exceptions.js";

/**
 * Limits of one form body, set with the server's `multipartLimits` option and overridable per
 * call with `request.post({ limits })` or `request.multipart({ limits })`. Each is a positive
 * integer, or `Infinity` for none; exceeding one answers 413 with a text naming it.
 */
export interface MultipartLimits {
  /**
   * Most non-file fields (default 1000, PHP's `max_input_vars`: far above any hand-made form,
   * and it stops a body of thousands of tiny fields early). urlencoded bodies count their pairs.
   */
  fields?: number;
  /** Most file parts, parts with a `filename` (default 100). */
  files?: number;
  /**
   * Most parts, fields and files together (default 1000): bounds the per-part bookkeeping
   * whatever the mix. Nested `multipart/*` parts count too.
   */
  parts?: number;
  /**
   * Most bytes of one field value as sent, before any transfer decoding (default 1 MiB,
   * busboy's default: a long text area fits, a file sent as a field does not).
   */
  fieldSize?: number;
  /**
   * Most bytes of one file as sent (default `Infinity`: `request.post()` is bounded by
   * `clientMaxSize` already, and a streaming reader may well want large uploads).
   */
  fileSize?: number;
  /**
   * Most bytes of one part's header block, the lines between its boundary and the blank line
   * (default 8 KiB: a browser sends about 100 bytes, a long UTF-8 `filename*` stays well below).
   */
  headerSize?: number;
  /** Most header lines of one part (default 32; browsers send two or three). */
  headerPairs?: number;
}

/** Every limit, resolved. @internal */
export type ResolvedMultipartLimits = Readonly<Required<MultipartLimits>>;

/** The defaults of the server's `multipartLimits` option (see {@link MultipartLimits}). */
export const DEFAULT_MULTIPART_LIMITS: Readonly<Required<MultipartLimits>> = Object.freeze({
  fields: 1000,
  files: 100,
  parts: 1000,
  fieldSize: 1024 * 1024,
  fileSize: Number.POSITIVE_INFINITY,
  headerSize: 8 * 1024,
  headerPairs: 32,
});

/** The name of one limit. */
export type MultipartLimitName = keyof MultipartLimits;

const NAMES = Object.keys(DEFAULT_MULTIPART_LIMITS) as MultipartLimitName[];

// What a 413 says for each limit, before " (multipartLimits.<name>)".
const MESSAGES: Record<MultipartLimitName, (limit: number) => string> = {
  fields: (limit) => `Too many fields: the limit is ${limit}`,
  files: (limit) => `Too many files: the limit is ${limit}`,
  parts: (limit) => `Too many parts: the limit is ${limit}`,
  fieldSize: (limit) => `A field is too large: the limit is ${limit} bytes`,
  fileSize: (limit) => `A file is too large: the limit is ${limit} bytes`,
  headerSize: (limit) => `A part's headers are too large: the limit is ${limit} bytes`,
  headerPairs: (limit) => `A part has too many header lines: the limit is ${limit}`,
};

/**
 * Validates `limits` and fills what it leaves out from `base`.
 *
 * @param label how the caller spelled the option, for error messages (`"multipartLimits"`).
 * @throws {TypeError} when `limits` is not an object, has a key that is not a limit, or a value
 *   that is not a number.
 * @throws {RangeError} for a value that is not a positive integer or `Infinity`.
 * @internal
 */
export function resolveMultipartLimits(
  limits: MultipartLimits | undefined,
  base: ResolvedMultipartLimits,
  label: string,
): ResolvedMultipartLimits {
  if (limits === undefined) return base;
  if (typeof limits !== "object" || limits === null) {
    throw new TypeError(`${label} must be an object`);
  }
  const resolved: Record<string, number> = { ...base };
  for (const [name, value] of Object.entries(limits)) {
    if (!(NAMES as string[]).includes(name)) {
      throw new TypeError(`${label}.${name} is not a multipart limit (known: ${NAMES.join(", ")})`);
    }
    if (value === undefined) continue;
    if (typeof value !== "number") throw new TypeError(`${label}.${name} must be a number`);
    if (!(value > 0) || (!Number.isSafeInteger(value) && value !== Number.POSITIVE_INFINITY)) {
      throw new RangeError(`${label}.${name} must be a positive integer or Infinity`);
    }
    resolved[name] = value;
  }
  return Object.freeze(resolved) as ResolvedMultipartLimits;
}

/**
 * The 413 for an exceeded limit, its text naming the limit; `actual` is the count or size seen.
 * @internal
 */
export function multipartLimitExceeded(
  name: MultipartLimitName,
  limit: number,
  actual: number,
): HTTPRequestEntityTooLarge {
  return new HTTPRequestEntityTooLarge(limit, actual, {
    text: `${MESSAGES[name](limit)} (multipartLimits.${name})`,
  });
}
