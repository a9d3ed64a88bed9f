import { expect } from "vitest";
import type { HttpParserHandlers } from "../../src/http-parser.js";
import type { RawRequestMessage } from "../../src/http-request-parser.js";
import { HttpRequestParser } from "../../src/http-request-parser.js";
import type { RawResponseMessage } from "../../src/http-response-parser.js";
import { HttpResponseParser } from "../../src/http-response-parser.js";

/** What a test compares of one parsed message: its head, body (latin1) and trailers. */
export interface ParsedMessage<M> {
  message: M;
  body: string;
  trailers: [string, string][] | undefined;
  complete: boolean;
}

/** The outcome of feeding a parser: messages, the error thrown (if any), the upgraded tail. */
export interface ParseResult<M> {
  messages: ParsedMessage<M>[];
  error: unknown;
  upgraded: boolean;
  tail: string;
}

type AnyParser = HttpRequestParser | HttpResponseParser;

function collect<M>(
  create: (handlers: HttpParserHandlers<M>) => AnyParser,
  chunks: readonly Buffer[],
  eof: boolean,
): ParseResult<M> {
  const messages: ParsedMessage<M>[] = [];
  let current: ParsedMessage<M> | undefined;
  const parser = create({
    onMessage(message) {
      current = { message, body: "", trailers: undefined, complete: false };
      messages.push(current);
    },
    onBody(chunk) {
      current!.body += chunk.toString("latin1");
    },
    onMessageComplete(trailers) {
      current!.complete = true;
      current!.trailers = trailers === undefined ? undefined : [...trailers.entries()];
    },
  });
  let error: unknown;
  try {
    for (const chunk of chunks) parser.feedData(chunk);
    if (eof) parser.feedEof();
  } catch (thrown) {
    error = thrown;
  }
  return { messages, error, upgraded: parser.upgraded, tail: parser.takeTail().toString("latin1") };
}

/** Feeds `chunks` to a new {@link HttpRequestParser} and collects what comes out. */
export function parseRequests(
  chunks: readonly Buffer[],
  options?: ConstructorParameters<typeof HttpRequestParser>[1],
  eof = false,
): ParseResult<RawRequestMessage> {
  return collect((handlers) => new HttpRequestParser(handlers, options), chunks, eof);
}

/** Feeds `chunks` to a new {@link HttpResponseParser} and collects what comes out. */
export function parseResponses(
  chunks: readonly Buffer[],
  options?: ConstructorParameters<typeof HttpResponseParser>[1],
  eof = false,
): ParseResult<RawResponseMessage> {
  return collect((handlers) => new HttpResponseParser(handlers, options), chunks, eof);
}

/**
 * The input whole, split in two at every offset, and byte by byte. Inputs over 1 KiB (limit
 * tests) are split at 200 offsets spread over them and at each end instead.
 */
export function everySplit(data: Buffer): Buffer[][] {
  const splits: Buffer[][] = [[data]];
  const offsets = new Set<number>();
  if (data.length <= 1024) {
    for (let offset = 1; offset < data.length; offset++) offsets.add(offset);
  } else {
    for (let index = 1; index < 200; index++) offsets.add(Math.floor((data.length * index) / 200));
    for (let offset = 1; offset < 16; offset++) offsets.add(offset).add(data.length - offset);
  }
  for (const offset of offsets) {
    splits.push([data.subarray(0, offset), data.subarray(offset)]);
  }
  if (data.length > 1024) return splits;
  const bytes: Buffer[] = [];
  for (let offset = 0; offset < data.length; offset++)
    bytes.push(data.subarray(offset, offset + 1));
  splits.push(bytes);
  return splits;
}

/** A plain snapshot of a message (getters read), for `toEqual`. */
export function snapshot<M>(result: ParseResult<M>): unknown {
  return {
    messages: result.messages.map(({ message, body, trailers, complete }) => ({
      ...plain(message as object),
      body,
      trailers,
      complete,
    })),
    error: describeError(result.error),
    upgraded: result.upgraded,
    tail: result.tail,
  };
}

function plain(message: object): Record<string, unknown> {
  const record = message as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of [
    "method",
    "path",
    "code",
    "reason",
    "rawHeaders",
    "shouldClose",
    "compression",
    "upgrade",
    "chunked",
    "contentLength",
  ]) {
    if (key in record) out[key] = record[key];
  }
  out.version = String(record.version);
  return out;
}

/** `{ name, code, message }` of an error, or undefined. */
export function describeError(error: unknown): unknown {
  if (error === undefined) return undefined;
  const { name, message, code } = error as { name: string; message: string; code?: number };
  return { name, code, message };
}

/**
 * Parses `input` whole and at every split and asserts that every delivery gives the same
 * result; returns it.
 */
export function parseEverySplit<M = RawRequestMessage>(
  input: string | Buffer,
  parse: (chunks: readonly Buffer[]) => ParseResult<M> = parseRequests as never,
): ParseResult<M> {
  const data = typeof input === "string" ? Buffer.from(input, "latin1") : input;
  const whole = parse([data]);
  const expected = snapshot(whole);
  for (const chunks of everySplit(data)) {
    const actual = snapshot(parse(chunks));
    expect(actual, `split ${chunks.map((chunk) => chunk.length).join("+")}`).toEqual(expected);
  }
  return whole;
}

/** Asserts that `input`, whole and at every split, fails with `errorClass` and `code`. */
export function expectErrorEverySplit(
  input: string | Buffer,
  errorClass: abstract new (...args: never[]) => Error,
  code: number,
  message: RegExp,
  parse: (chunks: readonly Buffer[]) => ParseResult<unknown> = parseRequests,
): void {
  const data = typeof input === "string" ? Buffer.from(input, "latin1") : input;
  for (const chunks of everySplit(data)) {
    const { error } = parse(chunks);
    const split = chunks.map((chunk) => chunk.length).join("+");
    expect(error, `split ${split}`).toBeInstanceOf(errorClass);
    expect((error as { code: number }).code, `split ${split}`).toBe(code);
    expect((error as Error).message, `split ${split}`).toMatch(message);
  }
}
