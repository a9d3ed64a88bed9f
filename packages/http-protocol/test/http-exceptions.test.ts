import { describe, expect, it } from "vitest";
import {
  BadHttpMessage,
  BadStatusLine,
  ContentEncodingError,
  ContentLengthError,
  HttpBadRequest,
  HttpProcessingError,
  InvalidHeader,
  InvalidURLError,
  LineTooLong,
  PayloadEncodingError,
  TransferEncodingError,
} from "../src/index.js";

describe("http-exceptions", () => {
  // Each class: its parent, default code and default message (aiohttp's http_exceptions tree).
  it.each([
    [HttpProcessingError, Error, 500, "HTTP processing error"],
    [HttpBadRequest, HttpProcessingError, 400, "Bad Request"],
    [BadHttpMessage, HttpProcessingError, 400, "Bad Request"],
    [PayloadEncodingError, BadHttpMessage, 400, "Bad payload encoding"],
    [ContentEncodingError, PayloadEncodingError, 400, "Can not decode content-encoding"],
    [TransferEncodingError, PayloadEncodingError, 400, "Bad transfer encoding"],
    [
      ContentLengthError,
      PayloadEncodingError,
      400,
      "Not enough data to satisfy content length header",
    ],
    [LineTooLong, BadHttpMessage, 400, "Line is too long"],
    [InvalidHeader, BadHttpMessage, 400, "Invalid HTTP header"],
    [BadStatusLine, BadHttpMessage, 400, "Bad status line"],
    [InvalidURLError, BadHttpMessage, 400, "Invalid URL"],
  ] as const)("%o has its parent, default code and message", (Class, Parent, code, message) => {
    const error = new Class();
    expect(error).toBeInstanceOf(Parent);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(Class.name);
    expect(error.code).toBe(code);
    expect(error.message).toBe(message);
    expect(error.headers).toBeUndefined();
    expect(String(error)).toBe(`${Class.name}: ${message}`);
  });

  it("takes a message, a code, headers and a cause", () => {
    const cause = new Error("zlib said no");
    const error = new TransferEncodingError('Unsupported transfer coding: "gzip"', {
      code: 501,
      headers: { Connection: "close" },
      cause,
    });
    expect(error.message).toBe('Unsupported transfer coding: "gzip"');
    expect(error.code).toBe(501);
    expect(error.headers).toEqual({ Connection: "close" });
    expect(error.cause).toBe(cause);
  });

  it("carries 505 on a BadStatusLine for an unsupported version", () => {
    const error = new BadStatusLine("HTTP version not supported: HTTP/2.0", { code: 505 });
    expect(error).toBeInstanceOf(BadHttpMessage);
    expect(error.code).toBe(505);
  });

  it("keeps the stack of where it was made", () => {
    expect(new InvalidHeader().stack).toContain("http-exceptions.test.ts");
  });

  it("names a subclass of its own after it", () => {
    class DecompressSizeError extends PayloadEncodingError {}
    expect(new DecompressSizeError().name).toBe("DecompressSizeError");
  });

  describe("LineTooLong", () => {
    it("says the limit and the size seen (aiohttp's wording)", () => {
      const error = new LineTooLong(undefined, {
        limit: 8190,
        size: 9000,
        what: "request line",
        code: 414,
      });
      expect(error.message).toBe("Got more than 8190 bytes (9000) when reading request line");
      expect(error.code).toBe(414);
      expect(error.limit).toBe(8190);
      expect(error.size).toBe(9000);
    });

    it("carries 431 for header fields", () => {
      const error = new LineTooLong("Header field line is too long", {
        code: 431,
        limit: 8190,
        size: 8191,
      });
      expect(error.message).toBe("Header field line is too long");
      expect(error.code).toBe(431);
      expect(error.limit).toBe(8190);
    });

    it("answers 400 by default, like aiohttp", () => {
      const error = new LineTooLong(undefined, { limit: 10 });
      expect(error.code).toBe(400);
      expect(error.message).toBe("Got more than 10 bytes (unknown) when reading a line");
      expect(error.size).toBeUndefined();
    });
  });
});
