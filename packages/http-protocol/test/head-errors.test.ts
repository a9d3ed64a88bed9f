import { describe, expect, it } from "vitest";
import {
  bareLineEnding,
  checkStartLineEndings,
  fieldTooLong,
  startLineTooLong,
  tooManyFields,
} from "../src/head-errors.js";
import { BadStatusLine, InvalidHeader, LineTooLong } from "../src/http-exceptions.js";

/** What `run` throws (fails the test when it returns). */
function thrown(run: () => void): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

describe("startLineTooLong", () => {
  it.each([
    ["request", 414, "Request line is too long: 9000 bytes, the limit (maxLineSize) is 8190"],
    ["response", 400, "Status line is too long: 9000 bytes, the limit (maxLineSize) is 8190"],
  ] as const)("names the %s start line", (kind, code, message) => {
    const error = startLineTooLong(8190, 9000, code, kind);
    expect(error).toBeInstanceOf(LineTooLong);
    expect(error.message).toBe(message);
    expect(error.code).toBe(code);
    expect(error.limit).toBe(8190);
    expect(error.size).toBe(9000);
  });
});

describe("fieldTooLong", () => {
  it.each([
    ["request", "Request field line is too long: 11 bytes, the limit (maxFieldSize) is 10"],
    ["response", "Response field line is too long: 11 bytes, the limit (maxFieldSize) is 10"],
    ["trailer", "Trailer field line is too long: 11 bytes, the limit (maxFieldSize) is 10"],
  ] as const)("is a 431 for a %s field line", (kind, message) => {
    const error = fieldTooLong(kind, 10, 11);
    expect(error).toBeInstanceOf(LineTooLong);
    expect(error.message).toBe(message);
    expect(error.code).toBe(431);
    expect(error.limit).toBe(10);
    expect(error.size).toBe(11);
  });
});

describe("tooManyFields", () => {
  it.each([
    ["request", "Too many request fields: more than 2 (maxHeaders)"],
    ["response", "Too many response fields: more than 2 (maxHeaders)"],
    ["trailer", "Too many trailer fields: more than 2 (maxHeaders)"],
  ] as const)("is a 431 for %s fields, one past the limit", (kind, message) => {
    const error = tooManyFields(kind, 2);
    expect(error).toBeInstanceOf(LineTooLong);
    expect(error.message).toBe(message);
    expect(error.code).toBe(431);
    expect(error.limit).toBe(2);
    expect(error.size).toBe(3);
  });
});

describe("bareLineEnding", () => {
  it.each([
    ["request", true, "CR", BadStatusLine, "Bare CR in request line"],
    ["response", true, "LF", BadStatusLine, "Bare LF in status line"],
    ["request", false, "LF", InvalidHeader, "Bare LF in request field line"],
    ["response", false, "CR", InvalidHeader, "Bare CR in response field line"],
    ["trailer", false, "LF", InvalidHeader, "Bare LF in trailer field line"],
  ] as const)("%s, start line %s, %s: %O %s", (kind, inStartLine, ending, type, message) => {
    const error = bareLineEnding(kind, inStartLine, ending);
    expect(error).toBeInstanceOf(type);
    expect(error.message).toBe(message);
    expect(error.code).toBe(400);
  });
});

describe("checkStartLineEndings", () => {
  it("accepts a start line without CR or LF", () => {
    expect(() => checkStartLineEndings("GET / HTTP/1.1\r\n", 0, 14, "request")).not.toThrow();
  });

  it("ignores the CRLF after the line", () => {
    expect(() => checkStartLineEndings("HTTP/1.1 200 OK\r\n", 0, 15, "response")).not.toThrow();
  });

  it.each([
    ["GET /\r HTTP/1.1\r\n", "request", "Bare CR in request line"],
    ["GET /\n HTTP/1.1\r\n", "request", "Bare LF in request line"],
    ["HTTP/1.1 200\rOK\r\n", "response", "Bare CR in status line"],
    // A CR and an LF in one line: the CR is reported, as a split delivery reports it first.
    ["HTTP/1.1\n200\rOK\r\n", "response", "Bare CR in status line"],
  ] as const)("rejects %j", (text, kind, message) => {
    const error = thrown(() => checkStartLineEndings(text, 0, text.length - 2, kind));
    expect(error).toBeInstanceOf(BadStatusLine);
    expect((error as BadStatusLine).message).toBe(message);
    expect((error as BadStatusLine).code).toBe(400);
  });
});
