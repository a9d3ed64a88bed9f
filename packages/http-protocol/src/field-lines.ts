import { CIMultiDict, CIMultiDictProxy } from "./ci-multi-dict.js";
import { describeByte } from "./describe-byte.js";
import {
  bareLineEnding,
  capitalize,
  fieldTooLong,
  type HeadKind,
  tooManyFields,
} from "./head-errors.js";
import { BadHttpMessage, InvalidHeader } from "./http-exceptions.js";
import type { ResolvedLimits } from "./parser-limits.js";
import { FIELD_BLOCK_RE, TOKEN_RE } from "./token-tables.js";

/**
 * The fields a parser needs for framing and connection management, collected while the field
 * lines are split (so the CIMultiDict can be built lazily). Repeated list fields are joined
 * with ", " (RFC 9110 §5.3); singleton fields count their lines. @internal
 */
export class FieldSummary {
  // Each field is set by reset(), the one list of their empty values.
  /**
   * The field lines as `[name, value, …]` (values without surrounding OWS): a new array for each
   * block, since the message keeps it.
   */
  rawHeaders!: string[];
  contentLength!: string | undefined;
  transferEncoding!: string | undefined;
  connection!: string | undefined;
  upgrade!: string | undefined;
  contentEncoding!: string | undefined;
  host!: string | undefined;
  hostCount!: number;
  /** A `Sec-WebSocket-Key1` field (the pre-RFC 6455 draft-76 handshake) was seen. */
  oldWebSocketKey!: boolean;
  /** Name of the first singleton field seen twice, if any. */
  duplicate!: string | undefined;
  /** Bit per singleton field already seen (`1 << id`). */
  seen!: number;

  constructor() {
    this.reset();
  }

  /** Empties the summary for the next block (a parser reuses its own: one object less each). */
  reset(): this {
    this.rawHeaders = [];
    this.contentLength = undefined;
    this.transferEncoding = undefined;
    this.connection = undefined;
    this.upgrade = undefined;
    this.contentEncoding = undefined;
    this.host = undefined;
    this.hostCount = 0;
    this.oldWebSocketKey = false;
    this.duplicate = undefined;
    this.seen = 0;
    return this;
  }
}

const SP = 32;
const HTAB = 9;
const CR = 13;
const COLON = 58;

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
 * `reused`, when given, is reset and filled instead of a new summary (a parser passes its own,
 * for each head it reads).
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
  kind: HeadKind,
  validated = false,
  reused?: FieldSummary,
): FieldSummary {
  const summary = reused === undefined ? new FieldSummary() : reused.reset();
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
    // The block matched FIELD_BLOCK_RE: every CR starts a CRLF, every other line is
    // `token ":" value`. The name, short, is scanned here (a search call costs more), then the
    // value's CR is searched for from the colon: each character is looked at once.
    if (text.charCodeAt(position) === CR) break;
    let colon = position + 1;
    while (text.charCodeAt(colon) !== COLON) colon++;
    const lineEnd = text.indexOf("\r", colon + 1);
    if (lineEnd - position > maxFieldSize)
      throw fieldTooLong(kind, maxFieldSize, lineEnd - position);
    if (++count > maxHeaders) throw tooManyFields(kind, maxHeaders);
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

/**
 * Throws the error for the first bad field line of `text` from `start` (called only when the
 * block failed the fast check). Checks run line by line in the same order as
 * {@link checkPartialHead}, so a split delivery reports the same error.
 */
function diagnoseFieldLines(
  text: string,
  start: number,
  limits: ResolvedLimits,
  kind: HeadKind,
): never {
  let position = start;
  let count = 0;
  for (;;) {
    const lf = text.indexOf("\n", position);
    const cr = text.indexOf("\r", position);
    if (cr !== -1 && cr < lf - 1) throw bareLineEnding(kind, false, "CR");
    if (lf === -1 || cr !== lf - 1) throw bareLineEnding(kind, false, "LF");
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
function checkFieldLine(line: string, first: boolean, kind: HeadKind): void {
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
