import { BadStatusLine, InvalidHeader, LineTooLong } from "./http-exceptions.js";

/**
 * Which block of lines a parser is reading, for error messages: a request head, a response
 * head, or the trailer section of a chunked body (which has no start line).
 * @internal
 */
export type HeadKind = "request" | "response" | "trailer";

/** "request line" or "status line", for error messages. */
function startLineName(kind: HeadKind): string {
  return kind === "request" ? "request line" : "status line";
}

/** `text` with its first letter upper-case, to start an error message. @internal */
export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * The error for a start line over `maxLineSize`: code `code` (414 for a request line, 400 for
 * a status line).
 * @internal
 */
export function startLineTooLong(
  limit: number,
  size: number,
  code: number,
  kind: HeadKind,
): LineTooLong {
  return new LineTooLong(
    `${capitalize(startLineName(kind))} is too long: ${size} bytes, the limit (maxLineSize) is ${limit}`,
    { code, limit, size, what: startLineName(kind) },
  );
}

/** The error (431) for a field line of `size` bytes, over `maxFieldSize`. @internal */
export function fieldTooLong(kind: HeadKind, limit: number, size: number): LineTooLong {
  return new LineTooLong(
    `${capitalize(kind)} field line is too long: ${size} bytes, the limit (maxFieldSize) is ${limit}`,
    { code: 431, limit, size, what: `${kind} field line` },
  );
}

/** The error (431) for more than `maxHeaders` field lines in one block. @internal */
export function tooManyFields(kind: HeadKind, limit: number): LineTooLong {
  return new LineTooLong(`Too many ${kind} fields: more than ${limit} (maxHeaders)`, {
    code: 431,
    limit,
    size: limit + 1,
    what: `${kind} fields`,
  });
}

/**
 * The error for a CR not followed by LF, or an LF without its CR (RFC 9112 §2.2 lets a
 * recipient accept a bare LF; these parsers reject both): a {@link BadStatusLine} in the start line, an {@link InvalidHeader} in a field line.
 * @internal
 */
export function bareLineEnding(
  kind: HeadKind,
  inStartLine: boolean,
  ending: "CR" | "LF",
): BadStatusLine | InvalidHeader {
  return inStartLine
    ? new BadStatusLine(`Bare ${ending} in ${startLineName(kind)}`)
    : new InvalidHeader(`Bare ${ending} in ${kind} field line`);
}

/**
 * Throws when the start line `text[lineStart, lineEnd)` holds a bare CR or LF (called when a
 * part of the start line failed to parse, so that the error is the one a split delivery
 * reports).
 * @throws {BadStatusLine} for a bare CR, else for a bare LF.
 * @internal
 */
export function checkStartLineEndings(
  text: string,
  lineStart: number,
  lineEnd: number,
  kind: HeadKind,
): void {
  const cr = text.indexOf("\r", lineStart);
  if (cr !== -1 && cr < lineEnd) throw bareLineEnding(kind, true, "CR");
  const lf = text.indexOf("\n", lineStart);
  if (lf !== -1 && lf < lineEnd) throw bareLineEnding(kind, true, "LF");
}
