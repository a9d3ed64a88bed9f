import { describe, expect, it } from "vitest";
import { BadStatusLine, InvalidHeader, LineTooLong } from "../src/http-exceptions.js";
import { resolveLimits } from "../src/parser-limits.js";
import { checkPartialHead } from "../src/partial-head.js";

const limits = resolveLimits({ maxLineSize: 20, maxFieldSize: 10, maxHeaders: 2 });

/** What `run` throws (fails the test when it returns). */
function thrown(run: () => void): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

describe("checkPartialHead", () => {
  it("returns where the last complete line ends and how many lines came before", () => {
    const buffer = Buffer.from("GET / HTTP/1.1\r\nHost: a\r\nX-");
    expect(checkPartialHead(buffer, 0, 0, limits, 414, "request")).toEqual({
      from: 25,
      lineIndex: 2,
    });
  });

  it("resumes from where the previous call stopped", () => {
    const buffer = Buffer.from("GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n");
    expect(checkPartialHead(buffer, 25, 2, limits, 414, "request")).toEqual({
      from: 33,
      lineIndex: 3,
    });
  });

  it("waits on a trailing CR: the LF may follow", () => {
    const buffer = Buffer.from("GET / HTTP/1.1\r");
    expect(checkPartialHead(buffer, 0, 0, limits, 414, "request")).toEqual({
      from: 0,
      lineIndex: 0,
    });
  });

  it("does not count an empty rest as a field (it may become the empty line)", () => {
    const buffer = Buffer.from("A: 1\r\nB: 2\r\n\r");
    expect(checkPartialHead(buffer, 0, 1, limits, 400, "trailer")).toEqual({
      from: 12,
      lineIndex: 3,
    });
  });

  it.each([
    ["GET /\rx", 0, "request", BadStatusLine, 400, "Bare CR in request line"],
    ["GET /\n", 0, "request", BadStatusLine, 400, "Bare LF in request line"],
    ["HTTP/1.1 200 OK\n", 0, "response", BadStatusLine, 400, "Bare LF in status line"],
    [
      "GET / HTTP/1.1\r\nA: 1\rx",
      0,
      "request",
      InvalidHeader,
      400,
      "Bare CR in request field line",
    ],
    ["A: 1\n", 1, "trailer", InvalidHeader, 400, "Bare LF in trailer field line"],
    [
      `GET /${"a".repeat(20)}`,
      0,
      "request",
      LineTooLong,
      414,
      "Request line is too long: 25 bytes, the limit (maxLineSize) is 20",
    ],
    [
      `HTTP/1.1 200 ${"a".repeat(10)}\r\n`,
      0,
      "response",
      LineTooLong,
      400,
      "Status line is too long: 23 bytes, the limit (maxLineSize) is 20",
    ],
    [
      "GET / HTTP/1.1\r\nX-Long: 12345",
      0,
      "request",
      LineTooLong,
      431,
      "Request field line is too long: 13 bytes, the limit (maxFieldSize) is 10",
    ],
    [
      "A: 1\r\nB: 2\r\nC",
      1,
      "trailer",
      LineTooLong,
      431,
      "Too many trailer fields: more than 2 (maxHeaders)",
    ],
  ] as const)("rejects %j", (text, lineIndex, kind, type, code, message) => {
    const startLineCode = kind === "request" ? 414 : 400;
    const error = thrown(() =>
      checkPartialHead(Buffer.from(text), 0, lineIndex, limits, startLineCode, kind),
    );
    expect(error).toBeInstanceOf(type);
    expect((error as InvalidHeader).code).toBe(code);
    expect((error as InvalidHeader).message).toBe(message);
  });
});
