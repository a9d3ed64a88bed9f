import { FIELD_BLOCK_STICKY } from "./field-lines.js";
import type { HeadKind } from "./head-errors.js";
import type { ResolvedLimits } from "./parser-limits.js";
import { checkPartialHead } from "./partial-head.js";

const CR = 13;
const LF = 10;
const CRLFCRLF = Buffer.from("\r\n\r\n", "latin1");

type Latin1Slicer = (this: Buffer, start: number, end: number) => string;
// Buffer#latin1Slice skips toString's encoding dispatch; it is there on every Node >= 20.
const latin1Slice: Latin1Slicer =
  (Buffer.prototype as unknown as { latin1Slice?: Latin1Slicer }).latin1Slice ??
  function (this: Buffer, start: number, end: number) {
    return this.toString("latin1", start, end);
  };

/** Decodes `buffer[start, end)` as latin1 (one char per byte, as Node's parser does). @internal */
export function decodeLatin1(buffer: Buffer, start: number, end: number): string {
  return latin1Slice.call(buffer, start, end);
}

/**
 * Collects one head block (start line and field lines, or a trailer section) up to and including
 * its empty line, from buffers split anywhere.
 *
 * The common case, a whole block in one buffer, costs one native `indexOf` and one latin1
 * decode. Otherwise the bytes are copied aside and each later buffer is appended; what has come
 * so far is checked as it arrives ({@link checkPartialHead}), so a bare LF or an over-long line
 * fails at once and the copy stays bounded by the limits.
 * @internal
 */
export class HeadBlockReader {
  /**
   * The block last read is `text[start, end)`, as latin1, ending with the empty line's CRLF
   * (`text` may be a larger decoded window: slicing it would cost more than it saves).
   */
  text = "";
  /** Where the block starts in {@link text}. */
  start = 0;
  /** Where the block ends in {@link text}. */
  end = 0;
  /** Whether {@link text}'s field lines already matched FIELD_BLOCK_STICKY. */
  validated = false;
  /** Where the start line's CRLF is in {@link text} when {@link validated}, else -1. */
  lineEnd = -1;
  readonly #limits: ResolvedLimits;
  readonly #startLineCode: number;
  readonly #kind: HeadKind;
  readonly #hasStartLine: boolean;
  #pending: Buffer | undefined = undefined;
  #checkedFrom = 0;
  #lineIndex = 0;
  #windowSource: Buffer | undefined = undefined;
  #windowStart = 0;
  #windowText = "";
  #windowSize = 1024;
  /** Heads read from the current `feedData` buffer, and whether the last buffer had several. */
  #headsInBuffer = 0;
  #pipelined = false;

  /**
   * @param kind "request", "response" or "trailer" (for error messages).
   * @param startLineCode status for a start line over `maxLineSize` (414 for requests).
   */
  constructor(limits: ResolvedLimits, kind: HeadKind, startLineCode: number) {
    this.#limits = limits;
    this.#kind = kind;
    this.#startLineCode = startLineCode;
    this.#hasStartLine = kind !== "trailer";
    this.#lineIndex = this.#hasStartLine ? 0 : 1;
  }

  /** Whether part of a block has been received. */
  get pending(): boolean {
    return this.#pending !== undefined;
  }

  /**
   * Reads from `data` at `position`. Returns the position just past the block's empty line (the
   * block is in {@link text}), or -1 when all of `data` was taken and more is needed.
   * @throws the errors of {@link checkPartialHead}.
   */
  read(data: Buffer, position: number): number {
    if (this.#pending === undefined && this.#hasStartLine) {
      const end = this.#readWhole(data, position);
      if (end !== -1) return end;
    }
    const pending = this.#pending;
    let buffer = data;
    let start = position;
    let searchFrom = position;
    let pendingLength = 0;
    if (pending !== undefined) {
      buffer = Buffer.concat([pending, data.subarray(position)]);
      start = 0;
      pendingLength = pending.length;
      searchFrom = pendingLength > 3 ? pendingLength - 3 : 0;
    }
    const length = buffer.length;
    let end: number;
    if (this.#hasStartLine) {
      // RFC 9112 §2.2: ignore empty lines (CRLF) received before a request line.
      while (buffer[start] === CR && buffer[start + 1] === LF) start += 2;
      if (start > searchFrom) searchFrom = start;
      const found = buffer.indexOf(CRLFCRLF, searchFrom);
      end = found === -1 ? -1 : found + 4;
    } else if (buffer[start] === CR && buffer[start + 1] === LF) {
      end = start + 2;
    } else {
      const found = buffer.indexOf(CRLFCRLF, searchFrom);
      end = found === -1 ? -1 : found + 4;
    }
    if (end === -1) {
      this.#keep(buffer, start, length);
      return -1;
    }
    this.text = latin1Slice.call(buffer, start, end);
    this.start = 0;
    this.end = this.text.length;
    this.validated = false;
    this.lineEnd = -1;
    if (pending !== undefined) {
      this.#pending = undefined;
      this.#checkedFrom = 0;
      this.#lineIndex = this.#hasStartLine ? 0 : 1;
      return position + end - pendingLength;
    }
    return end;
  }

  /**
   * The fast path: a whole, valid head in `data`. Decodes a window of `data` as latin1 and
   * matches the field block with FIELD_BLOCK_STICKY, whose match both validates the fields and
   * finds the empty line (no separate search). The window adapts to the heads seen, and
   * pipelined heads share one decoded window. Returns -1 to fall back to the general path
   * (incomplete or invalid heads, which then get their precise error).
   */
  #readWhole(data: Buffer, position: number): number {
    let start = position;
    // RFC 9112 §2.2: ignore empty lines (CRLF) received before a request line.
    while (data[start] === CR && data[start + 1] === LF) start += 2;
    let text = this.#windowText;
    let base = this.#windowStart;
    let end = -1;
    // A client that pipelined last time likely does again: decode all its heads at once.
    let windowSize = this.#pipelined ? 32768 : this.#windowSize;
    if (this.#windowSource === data && start >= base && start < base + text.length) {
      end = this.#matchHead(text, start - base);
      if (end === -1) {
        if (base + text.length === data.length) return -1;
        // Pipelined heads ran past the window: decode the rest of them in one go.
        windowSize = 32768;
      }
    }
    if (end === -1) {
      text = latin1Slice.call(data, start, Math.min(data.length, start + windowSize));
      base = start;
      this.#windowSource = data;
      this.#windowStart = start;
      this.#windowText = text;
      end = this.#matchHead(text, 0);
      if (end === -1) return -1;
    }
    const offset = start - base;
    this.text = text;
    this.start = offset;
    this.end = end;
    this.validated = true;
    this.#headsInBuffer++;
    this.#windowSize = Math.min((end - offset) * 2 + 256, 32768);
    return base + end;
  }

  /**
   * The index just past a head at `text[from]` whose field block is valid, or -1. Keeps where
   * its start line ends in {@link lineEnd}: the parser would search for it again.
   */
  #matchHead(text: string, from: number): number {
    const lineEnd = text.indexOf("\r\n", from);
    if (lineEnd === -1) return -1;
    FIELD_BLOCK_STICKY.lastIndex = lineEnd + 2;
    if (!FIELD_BLOCK_STICKY.test(text)) return -1;
    this.lineEnd = lineEnd;
    return FIELD_BLOCK_STICKY.lastIndex;
  }

  /**
   * Drops the decoded window: called when `feedData` returns, since the caller may refill the
   * same buffer with other bytes.
   */
  release(): void {
    this.#pipelined = this.#headsInBuffer > 1;
    this.#headsInBuffer = 0;
    this.#windowSource = undefined;
    this.#windowText = "";
    // Nor is the last block kept: an idle connection holds no text.
    this.text = "";
  }

  /** Keeps `buffer[start, length)` (an unterminated block) after checking what is new in it. */
  #keep(buffer: Buffer, start: number, length: number): void {
    if (start === length) {
      this.reset();
      return;
    }
    if (this.#pending === undefined || start > 0) {
      // Copy: the caller may reuse `data`. (start > 0 with a kept block means a kept lone CR
      // turned out to be a skipped empty line: nothing of the new block was checked yet.)
      this.reset();
      this.#pending = Buffer.from(buffer.subarray(start, length));
    } else {
      this.#pending = buffer; // a concatenation this reader owns
    }
    this.#check(this.#pending);
  }

  #check(kept: Buffer): void {
    const state = checkPartialHead(
      kept,
      this.#checkedFrom,
      this.#lineIndex,
      this.#limits,
      this.#startLineCode,
      this.#kind,
    );
    this.#checkedFrom = state.from;
    this.#lineIndex = state.lineIndex;
  }

  /** Forgets any partial block (the parser is done or was reset). */
  reset(): void {
    this.#pending = undefined;
    this.#checkedFrom = 0;
    this.#lineIndex = this.#hasStartLine ? 0 : 1;
  }
}
