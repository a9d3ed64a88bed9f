import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CIMultiDict,
  HttpVersion,
  HttpVersion10,
  HttpVersion11,
  serializeResponseHead,
} from "../src/index.js";
import { parseResponses } from "./helpers/parse.js";

const latin1 = (buffer: Buffer) => buffer.toString("latin1");

describe("serializeResponseHead", () => {
  it("writes the status line, each header in order and the empty line", () => {
    const head = serializeResponseHead(HttpVersion11, 200, "OK", [
      ["Content-Type", "text/plain; charset=utf-8"],
      ["Set-Cookie", "a=1"],
      ["set-cookie", "b=2"],
      ["Content-Length", "2"],
    ]);
    expect(latin1(head)).toBe(
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\nContent-Length: 2\r\n\r\n",
    );
  });

  it("writes a head with no headers", () => {
    expect(latin1(serializeResponseHead(HttpVersion11, 204, "No Content", []))).toBe(
      "HTTP/1.1 204 No Content\r\n\r\n",
    );
  });

  it("writes HTTP/1.0 and a custom reason", () => {
    expect(latin1(serializeResponseHead(HttpVersion10, 200, "Fine", []))).toBe(
      "HTTP/1.0 200 Fine\r\n\r\n",
    );
  });

  it("keeps the space after the status when the reason is empty (RFC 9112 §4)", () => {
    expect(latin1(serializeResponseHead(HttpVersion11, 599, "", []))).toBe("HTTP/1.1 599 \r\n\r\n");
  });

  it("gives the same bytes for a cached status line each time", () => {
    const first = serializeResponseHead(HttpVersion11, 404, "Not Found", []);
    const second = serializeResponseHead(HttpVersion11, 404, "Not Found", []);
    expect(latin1(second)).toBe("HTTP/1.1 404 Not Found\r\n\r\n");
    expect(second).not.toBe(first);
  });

  it("takes a CIMultiDict, keeping its case and order", () => {
    const headers = new CIMultiDict([
      ["X-B", "1"],
      ["x-a", "2"],
    ]);
    expect(latin1(serializeResponseHead(HttpVersion11, 200, "OK", headers))).toBe(
      "HTTP/1.1 200 OK\r\nX-B: 1\r\nx-a: 2\r\n\r\n",
    );
  });

  it("writes obs-text, tabs and empty values as Latin-1 bytes", () => {
    const head = serializeResponseHead(HttpVersion11, 200, "OK", [
      ["Content-Disposition", 'attachment; filename="r\u00e9sum\u00e9.pdf"'],
      ["X-Tab", "a\tb"],
      ["X-Empty", ""],
    ]);
    expect(head.includes(Buffer.from([0x72, 0xe9, 0x73]))).toBe(true);
    expect(latin1(head)).toBe(
      'HTTP/1.1 200 OK\r\nContent-Disposition: attachment; filename="r\u00e9sum\u00e9.pdf"\r\nX-Tab: a\tb\r\nX-Empty: \r\n\r\n',
    );
  });

  describe("refuses injections with a TypeError naming the header", () => {
    const refuse = (headers: [string, string][], message: string) =>
      expect(() => serializeResponseHead(HttpVersion11, 200, "OK", headers)).toThrow(
        new TypeError(message),
      );

    it("CR in a value", () =>
      refuse([["X-A", "a\rb"]], 'Invalid character CR (0x0d) in the value of header "X-A"'));
    it("LF in a value", () =>
      refuse([["X-A", "a\nb"]], 'Invalid character LF (0x0a) in the value of header "X-A"'));
    it("CRLF in a value (response splitting)", () =>
      refuse(
        [["Location", "/x\r\nSet-Cookie: evil=1"]],
        'Invalid character CR (0x0d) in the value of header "Location"',
      ));
    it("NUL in a value", () =>
      refuse([["X-A", "a\0b"]], 'Invalid character NUL (0x00) in the value of header "X-A"'));
    it("another control character in a value", () =>
      refuse([["X-A", "a\x01"]], 'Invalid character 0x01 in the value of header "X-A"'));
    it("DEL in a value", () =>
      refuse([["X-A", "\x7f"]], 'Invalid character DEL (0x7f) in the value of header "X-A"'));
    it("a character above U+00FF in a value", () =>
      refuse([["X-A", "\u20ac"]], 'Invalid character U+20AC in the value of header "X-A"'));
    it("CR in a name", () => refuse([["X-A\r", "1"]], 'Invalid header name: "X-A\\r"'));
    it("LF in a name", () => refuse([["X-A\nX-B", "1"]], 'Invalid header name: "X-A\\nX-B"'));
    it("NUL in a name", () => refuse([["X\0", "1"]], 'Invalid header name: "X\\u0000"'));
    it("a colon in a name", () => refuse([["X-A:", "1"]], 'Invalid header name: "X-A:"'));
    it("a space in a name", () => refuse([["X A", "1"]], 'Invalid header name: "X A"'));
    it("an empty name", () => refuse([["", "1"]], 'Invalid header name: ""'));
    it("CRLF in the reason", () =>
      expect(() => serializeResponseHead(HttpVersion11, 200, "OK\r\nX: 1", [])).toThrow(
        new TypeError("Invalid character CR (0x0d) in the reason phrase"),
      ));
  });

  it("refuses a bad header after good ones", () => {
    expect(() =>
      serializeResponseHead(HttpVersion11, 200, "OK", [
        ["X-Good", "1"],
        ["X-Bad", "\n"],
      ]),
    ).toThrow(TypeError);
  });

  it.each([99, 1000, 200.5, Number.NaN])("refuses status %s with a RangeError", (status) => {
    expect(() => serializeResponseHead(HttpVersion11, status, "OK", [])).toThrow(RangeError);
  });

  it("gives bytes the response parser reads back to the same head", () => {
    const token = fc.stringMatching(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,20}$/);
    // Field values as parsers see them: no leading or trailing whitespace (RFC 9110 §5.5).
    const value = fc
      .stringMatching(/^[\t\x20-\x7e\x80-\xff]{0,30}$/)
      .map((text) => text.replace(/^[\t ]+|[\t ]+$/g, ""));
    const framing = /^(content-length|transfer-encoding|connection|upgrade|content-encoding)$/i;
    const header = fc.tuple(token, value).filter(([name]) => !framing.test(name));
    fc.assert(
      fc.property(
        fc.integer({ min: 200, max: 599 }).filter((status) => status !== 204 && status !== 304),
        fc.stringMatching(/^[\x20-\x7e]{0,20}$/),
        fc.array(header, { maxLength: 10 }),
        (status, reason, headers) => {
          const head = serializeResponseHead(HttpVersion11, status, reason, [
            ...headers,
            ["Content-Length", "0"],
          ]);
          const { messages, error } = parseResponses([head]);
          expect(error).toBeUndefined();
          const message = messages[0]!.message;
          expect(message.code).toBe(status);
          expect(message.version.equals(HttpVersion11)).toBe(true);
          expect(message.rawHeaders).toEqual([...headers.flat(), "Content-Length", "0"]);
        },
      ),
    );
  });

  it("writes the version it is given", () => {
    expect(latin1(serializeResponseHead(new HttpVersion(1, 1), 200, "OK", []))).toBe(
      "HTTP/1.1 200 OK\r\n\r\n",
    );
  });
});
