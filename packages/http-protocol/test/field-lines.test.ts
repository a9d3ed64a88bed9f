import { describe, expect, it } from "vitest";
import { buildHeaders, canonicalFieldName, parseFieldLines } from "../src/field-lines.js";
import { BadHttpMessage, InvalidHeader, LineTooLong } from "../src/http-exceptions.js";
import { resolveLimits } from "../src/parser-limits.js";

const limits = resolveLimits({ maxFieldSize: 40, maxHeaders: 4 });

/** Parses the field block `text` (field lines and the empty line) as request fields. */
function parse(text: string) {
  return parseFieldLines(text, 0, text.length, limits, "request");
}

/** What `run` throws (fails the test when it returns). */
function thrown(run: () => void): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

describe("parseFieldLines", () => {
  it("splits the lines into names and values without surrounding whitespace", () => {
    const summary = parse("X-A: \t a b \t\r\nX-Empty:\r\n\r\n");
    expect(summary.rawHeaders).toEqual(["X-A", "a b", "X-Empty", ""]);
  });

  it("parses from `start` to `end` only", () => {
    const text = "GET / HTTP/1.1\r\nHost: a\r\n\r\nrest";
    const summary = parseFieldLines(text, 16, 27, limits, "request");
    expect(summary.rawHeaders).toEqual(["Host", "a"]);
    expect(summary.host).toBe("a");
    expect(summary.hostCount).toBe(1);
  });

  it("collects the framing and connection fields, in any case", () => {
    const summary = parse(
      "content-LENGTH: 5\r\nConnection: keep-alive\r\nUPGRADE: websocket\r\nContent-Encoding: gzip\r\n\r\n",
    );
    expect(summary.contentLength).toBe("5");
    expect(summary.connection).toBe("keep-alive");
    expect(summary.upgrade).toBe("websocket");
    expect(summary.contentEncoding).toBe("gzip");
    expect(summary.transferEncoding).toBeUndefined();
  });

  it("joins repeated list fields with a comma (RFC 9110 §5.3)", () => {
    const summary = parse("Transfer-Encoding: foo\r\nTransfer-Encoding: chunked\r\n\r\n");
    expect(summary.transferEncoding).toBe("foo, chunked");
  });

  it("tells Content-Location from Content-Encoding", () => {
    const summary = parse("Content-Location: /a\r\n\r\n");
    expect(summary.contentEncoding).toBeUndefined();
    expect(summary.rawHeaders).toEqual(["Content-Location", "/a"]);
  });

  it("notes the draft-76 WebSocket key", () => {
    expect(parse("Sec-WebSocket-Key1: 1\r\n\r\n").oldWebSocketKey).toBe(true);
  });

  it("skips the check when the block was validated already", () => {
    // Not valid (a space before the colon), but the caller vouches for it.
    const text = "A : 1\r\n\r\n";
    expect(parseFieldLines(text, 0, text.length, limits, "request", true).rawHeaders).toEqual([
      "A ",
      "1",
    ]);
  });

  it.each([
    ["Host: a\r\nHost: b\r\n\r\n", BadHttpMessage, 400, "Duplicate Host header"],
    // The message spells the name from its lower-case form.
    ["ETag: a\r\netag: b\r\n\r\n", BadHttpMessage, 400, "Duplicate Etag header"],
    [
      "Content-Type: a\r\nContent-Type: b\r\n\r\n",
      BadHttpMessage,
      400,
      "Duplicate Content-Type header",
    ],
    [" A: 1\r\n\r\n", InvalidHeader, 400, "Whitespace before the first request field line"],
    [
      "A: 1\r\n 2\r\n\r\n",
      InvalidHeader,
      400,
      "Obsolete line folding (obs-fold) in request field line",
    ],
    ["A 1\r\n\r\n", InvalidHeader, 400, "Request field line has no colon"],
    [": 1\r\n\r\n", InvalidHeader, 400, "Empty request field name"],
    ["A\t: 1\r\n\r\n", InvalidHeader, 400, 'Whitespace before the colon in request field "A"'],
    ["A(: 1\r\n\r\n", InvalidHeader, 400, 'Invalid character in request field name "A("'],
    ["A: 1\x0b2\r\n\r\n", InvalidHeader, 400, 'Invalid character 0x0b in request field "A" value'],
    ["A: 1\x7f\r\n\r\n", InvalidHeader, 400, 'Invalid character 0x7f in request field "A" value'],
    ["A: 1\r2\r\n\r\n", InvalidHeader, 400, "Bare CR in request field line"],
    ["A: 1\n\r\n", InvalidHeader, 400, "Bare LF in request field line"],
    [
      `A: ${"a".repeat(38)}\r\n\r\n`,
      LineTooLong,
      431,
      "Request field line is too long: 41 bytes, the limit (maxFieldSize) is 40",
    ],
    [
      "A: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nE: 5\r\n\r\n",
      LineTooLong,
      431,
      "Too many request fields: more than 4 (maxHeaders)",
    ],
  ] as const)("rejects %j", (text, type, code, message) => {
    const error = thrown(() => parse(text));
    expect(error).toBeInstanceOf(type);
    expect((error as BadHttpMessage).code).toBe(code);
    expect((error as BadHttpMessage).message).toBe(message);
  });

  it("names the kind of block in its errors", () => {
    const text = "A 1\r\n\r\n";
    const error = thrown(() => parseFieldLines(text, 0, text.length, limits, "trailer"));
    expect(error).toBeInstanceOf(InvalidHeader);
    expect((error as InvalidHeader).message).toBe("Trailer field line has no colon");
  });
});

describe("canonicalFieldName", () => {
  it.each([
    ["content-length", "Content-Length"],
    ["host", "Host"],
    ["sec-websocket-key1", "Sec-Websocket-Key1"],
  ])("spells %s as %s", (lowerName, name) => {
    expect(canonicalFieldName(lowerName)).toBe(name);
  });
});

describe("buildHeaders", () => {
  it("keeps every pair in order, case-insensitively", () => {
    const headers = buildHeaders(["Set-Cookie", "a=1", "X-A", "1", "set-cookie", "b=2"]);
    expect([...headers.entries()]).toEqual([
      ["Set-Cookie", "a=1"],
      ["X-A", "1"],
      ["set-cookie", "b=2"],
    ]);
    expect(headers.getAll("SET-COOKIE")).toEqual(["a=1", "b=2"]);
  });

  it("leaves out the excluded names, in any case", () => {
    const headers = buildHeaders(["Content-Length", "1", "X-A", "1"], new Set(["content-length"]));
    expect([...headers.entries()]).toEqual([["X-A", "1"]]);
  });
});
