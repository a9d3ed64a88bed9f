import { CIMultiDict, CIMultiDictProxy } from "./ci-multi-dict.js";
import { BadHttpMessage, BadStatusLine, InvalidHeader, LineTooLong } from "./http-exceptions.js";
import { FIELD_BLOCK_RE, TOKEN_RE } from "./token-tables.js";

/** Size limits shared by the request and response parsers (aiohttp's defaults). */
export interface HttpParserLimits {
  /** Longest start line (request line or status line) in bytes, CRLF excluded. Default 8190. */
  maxLineSize?: number;
  /** Longest field line (`name: value`) in bytes, CRLF excluded. Default 8190. */
  maxFieldSize?: number;
  /** Most field lines in one header block (or one trailer section). Default 128. */
  maxHeaders?: number;
}

/** {@link HttpParserLimits} with every default resolved. @internal */
export interface ResolvedLimits {
  maxLineSize: number;
  maxFieldSize: number;
  maxHeaders: number;
}

/** Resolves the limits once, in a parser's constructor. @internal */
export function resolveLimits(options: HttpParserLimits | undefined): ResolvedLimits {
  const limits = {
    maxLineSize: options?.maxLineSize ?? 8190,
    maxFieldSize: options?.maxFieldSize ?? 8190,
    maxHeaders: options?.maxHeaders ?? 128,
  };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new RangeError(`${name} must be a positive integer`);
    }
  }
  return limits;
}

/**
 * The fields a parser needs for framing and connection management, collected while the field
 * lines are split (so the CIMultiDict can be built lazily). Repeated list fields are joined
 * with ", " (RFC 9110 §5.3); singleton fields count their lines. @internal
 */
export class FieldSummary {
  /** The field lines as `[name, value, …]` (values without surrounding OWS). */
  readonly rawHeaders: string[] = [];
  contentLength: string | undefined = undefined;
  transferEncoding: string | undefined = undefined;
  connection: string | undefined = undefined;
  upgrade: string | undefined = undefined;
  contentEncoding: string | undefined = undefined;
  host: string | undefined = undefined;
  hostCount = 0;
  /** A `Sec-WebSocket-Key1` field (the pre-RFC 6455 draft-76 handshake) was seen. */
  oldWebSocketKey = false;
  /** Name of the first singleton field seen twice, if any. */
  duplicate: string | undefined = undefined;
  /** Bit per singleton field already seen (`1 << id`). */
  seen = 0;
}

const CR = 13;
const LF = 10;
const SP = 32;
const HTAB = 9;

// The fields the parsers look at: framing, connection, and the singletons (RFC 9110 §5.5 and
// its ABNF, as aiohttp's `singletons`: a second line is a 400, since two recipients may pick
// different ones). Unlike aiohttp, Transfer-Encoding is not one: it is a list, and its lines
// are joined. The index in FIELD_NAMES is the field's id.
const FIELD_NAMES = [
  "",
  "content-length",
  "transfer-encoding",
  "connection",
  "upgrade",
  "content-encoding",
  "host",
  "content-location",
  "content-range",
  "content-type",
  "etag",
  "max-forwards",
  "server",
  "user-agent",
  "sec-websocket-key1",
];
const CONTENT_LENGTH = 1;
const TRANSFER_ENCODING = 2;
const CONNECTION = 3;
const UPGRADE = 4;
const CONTENT_ENCODING = 5;
const HOST = 6;
const CONTENT_LOCATION = 7;
const SEC_WEBSOCKET_KEY1 = 14;
/** Bit `1 << id` is set for the singleton fields. */
const SINGLETONS = 0b11_1111_1100_0010;
// The usual spelling of each name, compared before lower-casing (no allocation when it matches).
const CANONICAL_NAMES = FIELD_NAMES.map(canonicalFieldName).map((name) =>
  name === "Etag" ? "ETag" : name,
);

// FIELD_ID[length * 32 + (first letter & 31)] is the id of the only candidate name with that
// length and first letter (content-encoding and content-location share one slot: told apart by
// their ninth letter), so most names are never lower-cased.
const FIELD_ID = new Uint8Array(32 * 32);
for (let id = 1; id < FIELD_NAMES.length; id++) {
  const name = FIELD_NAMES[id]!;
  FIELD_ID[name.length * 32 + (name.charCodeAt(0) & 31)] ||= id;
}

// The last character of each name (lower case; `| 0x20` leaves digits as they are).
const LAST_CODES = FIELD_NAMES.map((name) => name.charCodeAt(name.length - 1) | 0x20);

/** `content-length` → `Content-Length`, for messages and fast comparisons. @internal */
export function canonicalFieldName(lowerName: string): string {
  return lowerName.replace(
    /(^|-)([a-z])/g,
    (_match, dash: string, letter: string) => dash + letter.toUpperCase(),
  );
}

/** The id of the field `name` (from FIELD_NAMES) or 0. */
function fieldId(name: string, nameLength: number): number {
  let id = FIELD_ID[nameLength * 32 + (name.charCodeAt(0) & 31)]!;
  if (id === 0) return 0;
  if (id === CONTENT_ENCODING && (name.charCodeAt(8) | 0x20) === 108 /* l */) id = CONTENT_LOCATION;
  if (name === CANONICAL_NAMES[id]) return id;
  // The last letter rules out most other names before lower-casing.
  if ((name.charCodeAt(nameLength - 1) | 0x20) !== LAST_CODES[id]) return 0;
  return name.toLowerCase() === FIELD_NAMES[id] ? id : 0;
}

function noteField(summary: FieldSummary, id: number, value: string): void {
  const bit = 1 << id;
  if (SINGLETONS & bit) {
    if (summary.seen & bit) summary.duplicate ??= FIELD_NAMES[id];
    summary.seen |= bit;
  }
  switch (id) {
    case CONTENT_LENGTH:
      summary.contentLength = value;
      break;
    case TRANSFER_ENCODING:
      // A list field (RFC 9110 §5.3, §6.1 of RFC 9112): its lines join into one list, judged as
      // if sent on one line, so `foo` then `chunked` is not read as just `chunked`.
      summary.transferEncoding =
        summary.transferEncoding === undefined ? value : `${summary.transferEncoding}, ${value}`;
      break;
    case CONNECTION:
      summary.connection =
        summary.connection === undefined ? value : `${summary.connection}, ${value}`;
      break;
    case UPGRADE:
      summary.upgrade = value;
      break;
    case CONTENT_ENCODING:
      summary.contentEncoding = value;
      break;
    case HOST:
      summary.host = value;
      summary.hostCount++;
      break;
    case SEC_WEBSOCKET_KEY1:
      summary.oldWebSocketKey = true;
      break;
  }
}

/**
 * FIELD_BLOCK_RE as a sticky match from `lastIndex`, without the end anchor: on success,
 * `lastIndex` is just past the empty line. @internal
 */
export const FIELD_BLOCK_STICKY = new RegExp(FIELD_BLOCK_RE.source.slice(1, -1), "y");

/**
 * Splits the field lines of `text` (a latin1 string) from `start` up to and including the empty
 * line that ends at `end`, into `rawHeaders` and the fields the parsers interpret. Singleton
 * fields seen twice (RFC 9110 §5.5, as aiohttp) are rejected.
 *
 * The whole block is validated with one linear regular expression (unless `validated` says the
 * head reader did it already); when it does not match, {@link diagnoseFieldLines} finds the
 * first bad line to say what is wrong.
 *
 * @throws {LineTooLong} code 431 for a line over `maxFieldSize` or more than `maxHeaders` lines.
 * @throws {InvalidHeader} for obs-fold, whitespace before the colon, a bad name, a CTL in a value,
 *   or a bare CR or LF.
 * @throws {BadHttpMessage} for a duplicate singleton field.
 * @internal
 */
export function parseFieldLines(
  text: string,
  start: number,
  end: number,
  limits: ResolvedLimits,
  kind: string,
  validated = false,
): FieldSummary {
  const summary = new FieldSummary();
  const rawHeaders = summary.rawHeaders;
  if (!validated) {
    FIELD_BLOCK_STICKY.lastIndex = start;
    if (!FIELD_BLOCK_STICKY.test(text) || FIELD_BLOCK_STICKY.lastIndex !== end) {
      diagnoseFieldLines(text, start, limits, kind);
    }
  }
  const { maxFieldSize, maxHeaders } = limits;
  let count = 0;
  let position = start;
  for (;;) {
    // The block matched FIELD_BLOCK_RE: every CR starts a CRLF.
    const lineEnd = text.indexOf("\r", position);
    if (lineEnd === position) break;
    if (lineEnd - position > maxFieldSize)
      throw fieldTooLong(kind, maxFieldSize, lineEnd - position);
    if (++count > maxHeaders) throw tooManyFields(kind, maxHeaders);
    const colon = text.indexOf(":", position);
    const name = text.slice(position, colon);
    let valueStart = colon + 1;
    let valueEnd = lineEnd;
    let code = text.charCodeAt(valueStart);
    while (valueStart < valueEnd && (code === SP || code === HTAB)) {
      code = text.charCodeAt(++valueStart);
    }
    code = text.charCodeAt(valueEnd - 1);
    while (valueEnd > valueStart && (code === SP || code === HTAB)) {
      code = text.charCodeAt(--valueEnd - 1);
    }
    const value = text.slice(valueStart, valueEnd);
    rawHeaders.push(name, value);
    const nameLength = colon - position;
    if (nameLength < 32) {
      const id = fieldId(name, nameLength);
      if (id !== 0) noteField(summary, id, value);
    }
    position = lineEnd + 2;
  }
  if (summary.duplicate !== undefined) {
    throw new BadHttpMessage(`Duplicate ${canonicalFieldName(summary.duplicate)} header`);
  }
  return summary;
}

function fieldTooLong(kind: string, limit: number, size: number): LineTooLong {
  return new LineTooLong(
    `${capitalize(kind)} field line is too long: ${size} bytes, the limit (maxFieldSize) is ${limit}`,
    { code: 431, limit, size, what: `${kind} field line` },
  );
}

function tooManyFields(kind: string, limit: number): LineTooLong {
  return new LineTooLong(`Too many ${kind} fields: more than ${limit} (maxHeaders)`, {
    code: 431,
    limit,
    size: limit + 1,
    what: `${kind} fields`,
  });
}

/** Describes a byte for an error message: `0x0b`. */
export function describeByte(code: number): string {
  return `0x${code.toString(16).padStart(2, "0")}`;
}

/**
 * Throws the error for the first bad field line of `text` from `start` (called only when the
 * block failed the fast check). Checks run line by line in the same order as
 * {@link checkPartialHead}, so a split delivery reports the same error.
 */
function diagnoseFieldLines(
  text: string,
  start: number,
  limits: ResolvedLimits,
  kind: string,
): never {
  let position = start;
  let count = 0;
  for (;;) {
    const lf = text.indexOf("\n", position);
    const cr = text.indexOf("\r", position);
    if (cr !== -1 && cr < lf - 1) throw new InvalidHeader(`Bare CR in ${kind} field line`);
    if (lf === -1 || cr !== lf - 1) throw new InvalidHeader(`Bare LF in ${kind} field line`);
    const end = cr;
    if (end === position) break;
    if (end - position > limits.maxFieldSize) {
      throw fieldTooLong(kind, limits.maxFieldSize, end - position);
    }
    if (++count > limits.maxHeaders) throw tooManyFields(kind, limits.maxHeaders);
    checkFieldLine(text.slice(position, end), count === 1, kind);
    position = end + 2;
  }
  throw new InvalidHeader(`Invalid ${kind} field block`);
}

/** Throws the error for one field line that is not `token ":" value` (CRLF excluded). */
function checkFieldLine(line: string, first: boolean, kind: string): void {
  const code = line.charCodeAt(0);
  if (code === SP || code === HTAB) {
    // RFC 9112 §2.2 (whitespace before the first field) and §5.2 (obs-fold): reject, not repair.
    throw new InvalidHeader(
      first
        ? `Whitespace before the first ${kind} field line`
        : `Obsolete line folding (obs-fold) in ${kind} field line`,
    );
  }
  const colon = line.indexOf(":");
  if (colon === -1) throw new InvalidHeader(`${capitalize(kind)} field line has no colon`);
  const name = line.slice(0, colon);
  if (name.length === 0) throw new InvalidHeader(`Empty ${kind} field name`);
  const last = name.charCodeAt(name.length - 1);
  if (last === SP || last === HTAB) {
    // RFC 9112 §5.1: no whitespace between the field name and the colon.
    throw new InvalidHeader(`Whitespace before the colon in ${kind} field "${name.trimEnd()}"`);
  }
  if (!TOKEN_RE.test(name)) {
    throw new InvalidHeader(`Invalid character in ${kind} field name "${name}"`);
  }
  for (let index = colon + 1; index < line.length; index++) {
    const byte = line.charCodeAt(index);
    if ((byte < SP && byte !== HTAB) || byte === 0x7f) {
      throw new InvalidHeader(
        `Invalid character ${describeByte(byte)} in ${kind} field "${name}" value`,
      );
    }
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Validates the unterminated head held in `buffer` from `start` (no empty line yet) as far as it
 * goes, so that input which can never become a valid head fails now instead of waiting: a bare
 * LF or CR, a start line over `maxLineSize` (`startLineCode`, 414 for requests) or a field line
 * over `maxFieldSize`, too many field lines. `from` is where the previous call stopped (a line
 * start) and the return value is where this one stopped; `lineIndex` counts the lines before
 * `from` (0 is the start line; a trailer section starts at 1).
 * @internal
 */
export function checkPartialHead(
  buffer: Buffer,
  from: number,
  lineIndex: number,
  limits: ResolvedLimits,
  startLineCode: number,
  kind: string,
): { from: number; lineIndex: number } {
  let lineStart = from;
  for (;;) {
    const lf = buffer.indexOf(LF, lineStart);
    const cr = buffer.indexOf(CR, lineStart);
    if (cr !== -1 && cr < buffer.length - 1 && (lf === -1 || cr < lf - 1)) {
      throw lineIndex === 0
        ? new BadStatusLine(`Bare CR in ${startLineName(kind)}`)
        : new InvalidHeader(`Bare CR in ${kind} field line`);
    }
    if (lf === -1) break;
    if (cr !== lf - 1) {
      throw lineIndex === 0
        ? new BadStatusLine(`Bare LF in ${startLineName(kind)}`)
        : new InvalidHeader(`Bare LF in ${kind} field line`);
    }
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
  kind: string,
): void {
  if (lineIndex === 0) {
    if (size > limits.maxLineSize)
      throw startLineTooLong(limits.maxLineSize, size, startLineCode, kind);
  } else {
    if (size > limits.maxFieldSize) throw fieldTooLong(kind, limits.maxFieldSize, size);
    if (lineIndex > limits.maxHeaders) throw tooManyFields(kind, limits.maxHeaders);
  }
}

/** The error for a start line over `maxLineSize`. @internal */
export function startLineTooLong(
  limit: number,
  size: number,
  code: number,
  kind: string,
): LineTooLong {
  return new LineTooLong(
    `${capitalize(startLineName(kind))} is too long: ${size} bytes, the limit (maxLineSize) is ${limit}`,
    { code, limit, size, what: startLineName(kind) },
  );
}

/** "request line" or "status line", for error messages. */
function startLineName(kind: string): string {
  return kind === "request" ? "request line" : "status line";
}

/**
 * Throws when the start line `text[lineStart, lineEnd)` holds a bare CR or LF (called when a part of the
 * start line failed to parse, so that the error is the one a split delivery reports).
 * @internal
 */
export function checkStartLineEndings(
  text: string,
  lineStart: number,
  lineEnd: number,
  kind: string,
): void {
  const cr = text.indexOf("\r", lineStart);
  if (cr !== -1 && cr < lineEnd) throw new BadStatusLine(`Bare CR in ${startLineName(kind)}`);
  const lf = text.indexOf("\n", lineStart);
  if (lf !== -1 && lf < lineEnd) throw new BadStatusLine(`Bare LF in ${startLineName(kind)}`);
}

/**
 * Builds the read-only multi-dict of flat `[name, value, …]` pairs, leaving out the names in
 * `exclude` (lower case).
 * @internal
 */
export function buildHeaders(
  rawHeaders: readonly string[],
  exclude?: ReadonlySet<string>,
): CIMultiDictProxy<string> {
  const headers = new CIMultiDict<string>();
  for (let index = 0; index < rawHeaders.length; index += 2) {
    const name = rawHeaders[index]!;
    if (exclude === undefined || !exclude.has(name.toLowerCase())) {
      headers.add(name, rawHeaders[index + 1]!);
    }
  }
  return new CIMultiDictProxy(headers);
}
