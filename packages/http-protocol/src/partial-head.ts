import {
  bareLineEnding,
  fieldTooLong,
  type HeadKind,
  startLineTooLong,
  tooManyFields,
} from "./head-errors.js";
import type { ResolvedLimits } from "./parser-limits.js";

const CR = 13;
const LF = 10;

/**
 * Validates the unterminated head held in `buffer` from `start` (no empty line yet) as far as it
 * goes, so that input which can never become a valid head fails now instead of waiting: a bare
 * LF or CR, a start line over `maxLineSize` (`startLineCode`, 414 for requests) or a field line
 * over `maxFieldSize`, too many field lines. `from` is where the previous call stopped (a line
 * start) and the return value is where this one stopped; `lineIndex` counts the lines before
 * `from` (0 is the start line; a trailer section starts at 1).
 * @throws {BadStatusLine} for a bare CR or LF in the start line.
 * @throws {InvalidHeader} for a bare CR or LF in a field line.
 * @throws {LineTooLong} for a line over its limit or too many field lines.
 * @internal
 */
export function checkPartialHead(
  buffer: Buffer,
  from: number,
  lineIndex: number,
  limits: ResolvedLimits,
  startLineCode: number,
  kind: HeadKind,
): { from: number; lineIndex: number } {
  let lineStart = from;
  for (;;) {
    const lf = buffer.indexOf(LF, lineStart);
    const cr = buffer.indexOf(CR, lineStart);
    if (cr !== -1 && cr < buffer.length - 1 && (lf === -1 || cr < lf - 1)) {
      throw bareLineEnding(kind, lineIndex === 0, "CR");
    }
    if (lf === -1) break;
    if (cr !== lf - 1) throw bareLineEnding(kind, lineIndex === 0, "LF");
    checkLineLength(lf - 1 - lineStart, lineIndex, limits, startLineCode, kind);
    lineIndex++;
    lineStart = lf + 1;
  }
  let rest = buffer.length - lineStart;
  if (rest > 0 && buffer[buffer.length - 1] === CR) rest--;
  // An empty rest may still become the empty line: only a started line counts as a field.
  if (rest > 0) checkLineLength(rest, lineIndex, limits, startLineCode, kind);
  return { from: lineStart, lineIndex };
}

/** Throws when line number `lineIndex` (0 = start line) of `size` bytes is over its limit. */
function checkLineLength(
  size: number,
  lineIndex: number,
  limits: ResolvedLimits,
  startLineCode: number,
  kind: HeadKind,
): void {
  if (lineIndex === 0) {
    if (size > limits.maxLineSize)
      throw startLineTooLong(limits.maxLineSize, size, startLineCode, kind);
  } else {
    if (size > limits.maxFieldSize) throw fieldTooLong(kind, limits.maxFieldSize, size);
    if (lineIndex > limits.maxHeaders) throw tooManyFields(kind, limits.maxHeaders);
  }
}
