import { describe, expect, it } from "vitest";
import {
  BadHttpMessage,
  BadStatusLine,
  HttpProcessingError,
  InvalidHeader,
  InvalidURLError,
  LineTooLong,
  TransferEncodingError,
} from "../src/http-exceptions.js";
import type { RawRequestMessage } from "../src/http-request-parser.js";
import { HttpRequestParser } from "../src/http-request-parser.js";
import { HttpVersion } from "../src/http-version.js";
import { expectErrorEverySplit, parseEverySplit, parseRequests } from "./helpers/parse.js";

const request = (fields: string, requestLine = "GET /path HTTP/1.1") =>
  `${requestLine}\r\nHost: example.com\r\n${fields}\r\n`;

/** `text` with the regular-expression metacharacters escaped. */
function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

function only(input: string): RawRequestMessage {
  const result = parseEverySplit(input);
  expect(result.error).toBeUndefined();
  expect(result.messages).toHaveLength(1);
  return result.messages[0]!.message as RawRequestMessage;
}

describe("HttpRequestParser", () => {
  describe("#feedData", () => {
    // aiohttp: test_parse_headers
    it("parses the request line and field lines", () => {
      const message = only(request("Test: line\r\nTest2: data\r\n", "GET /test HTTP/1.1"));
      expect(message.method).toBe("GET");
      expect(message.path).toBe("/test");
      expect(message.version).toEqual(new HttpVersion(1, 1));
      expect(message.rawHeaders).toEqual(["Host", "example.com", "Test", "line", "Test2", "data"]);
      expect([...message.headers.entries()]).toEqual([
        ["Host", "example.com"],
        ["Test", "line"],
        ["Test2", "data"],
      ]);
      expect(message.headers.get("test2")).toBe("data");
      expect(message.shouldClose).toBe(false);
      expect(message.upgrade).toBe(false);
      expect(message.chunked).toBe(false);
      expect(message.compression).toBeUndefined();
      expect(message.contentLength).toBeUndefined();
    });

    it("trims spaces and tabs around field values, keeping inner ones", () => {
      const message = only(request("X-A: \t a \t b \t \r\nX-Empty:\r\nX-Spaces:   \r\n"));
      expect(message.rawHeaders.slice(2)).toEqual(["X-A", "a \t b", "X-Empty", "", "X-Spaces", ""]);
    });

    // aiohttp: test_http_request_parser_non_utf8 (obs-text is allowed in values)
    it("accepts obs-text in field values, decoded as latin1", () => {
      const message = only(request("X-Latin: caf\xe9 \xff\r\n"));
      expect(message.headers.get("x-latin")).toBe("caf\xe9 \xff");
    });

    it("keeps repeated fields in order", () => {
      const message = only(request("Accept: a\r\nX: 1\r\naccept: b\r\n"));
      expect(message.headers.getAll("ACCEPT")).toEqual(["a", "b"]);
    });

    it.each(["M-SEARCH", "PROPFIND", "get", "BREW", "!#$%&'*+-.^_`|~"])(
      "accepts any method token (%s)",
      (method) => {
        expect(only(request("", `${method} /x HTTP/1.1`)).method).toBe(method);
      },
    );

    // aiohttp: test_url_absolute (without its fragment: a target carries none)
    it("accepts an absolute-form target", () => {
      expect(only(request("", "GET https://example.com:8080/a?b HTTP/1.1")).path).toBe(
        "https://example.com:8080/a?b",
      );
    });

    // aiohttp: test_url_connect, test_headers_connect
    it("accepts an authority-form target for CONNECT and upgrades", () => {
      const result = parseEverySplit(
        "CONNECT www.google.com:443 HTTP/1.1\r\nHost: www.google.com:443\r\n\r\n",
      );
      const message = result.messages[0]!.message as RawRequestMessage;
      expect(message.path).toBe("www.google.com:443");
      expect(message.upgrade).toBe(true);
      expect(result.upgraded).toBe(true);
      expect(result.messages[0]!.complete).toBe(true);
    });

    it("accepts an IPv6 authority-form target for CONNECT", () => {
      expect(only("CONNECT [::1]:443 HTTP/1.1\r\nHost: [::1]:443\r\n\r\n").path).toBe("[::1]:443");
    });

    it("accepts the asterisk-form target for OPTIONS", () => {
      expect(only(request("", "OPTIONS * HTTP/1.1")).path).toBe("*");
    });

    // aiohttp: test_parse_uri_percent_encoded, test_http_request_parser_two_slashes
    it("keeps the target as sent", () => {
      expect(only(request("", "GET //path/%20a?q=%2F&x HTTP/1.1")).path).toBe(
        "//path/%20a?q=%2F&x",
      );
    });

    it("serves HTTP/1.2 through HTTP/1.9 as HTTP/1.1", () => {
      const message = parseEverySplit("GET / HTTP/1.9\r\nX: y\r\n\r\n");
      expect(message.error).toBeInstanceOf(BadHttpMessage); // Host is required, as in 1.1
      const withHost = only("GET / HTTP/1.9\r\nHost: a\r\n\r\n");
      expect(String(withHost.version)).toMatch(/1\.9/);
      expect(withHost.shouldClose).toBe(false);
    });

    it("accepts a Host of any valid form (RFC 9110 §7.2)", () => {
      for (const host of [
        "example.com:8080",
        "[::1]:443",
        "[::1]",
        "a:",
        "",
        "%41.b~!$&'()*+,;=",
      ]) {
        expect(only(`GET / HTTP/1.1\r\nHost: ${host}\r\n\r\n`).headers.get("host")).toBe(host);
      }
    });

    it("accepts HTTP/1.0 without Host", () => {
      const message = only("GET / HTTP/1.0\r\n\r\n");
      expect(message.version.minor).toBe(0);
      expect(message.shouldClose).toBe(true);
    });

    it("skips empty lines before a request line (RFC 9112 §2.2)", () => {
      const result = parseEverySplit(`\r\n\r\n${request("")}\r\n${request("", "GET /2 HTTP/1.1")}`);
      expect(result.messages.map(({ message }) => (message as RawRequestMessage).path)).toEqual([
        "/path",
        "/2",
      ]);
    });

    it("reads every pipelined request in one buffer", () => {
      const one = `${request("Content-Length: 3\r\n", "POST /1 HTTP/1.1")}abc`;
      const two = `${request("Transfer-Encoding: chunked\r\n", "POST /2 HTTP/1.1")}2\r\nde\r\n0\r\n\r\n`;
      const three = request("", "GET /3 HTTP/1.1");
      const result = parseEverySplit(one + two + three);
      expect(
        result.messages.map(({ message, body, complete }) => [
          (message as RawRequestMessage).path,
          body,
          complete,
        ]),
      ).toEqual([
        ["/1", "abc", true],
        ["/2", "de", true],
        ["/3", "", true],
      ]);
    });

    it("hands body chunks as views of the fed buffer", () => {
      const data = Buffer.from(`${request("Content-Length: 5\r\n", "POST / HTTP/1.1")}hello`);
      const chunks: Buffer[] = [];
      const parser = new HttpRequestParser({
        onMessage() {},
        onBody: (chunk) => chunks.push(chunk),
        onMessageComplete() {},
      });
      parser.feedData(data);
      expect(chunks).toHaveLength(1);
      expect(chunks[0]!.buffer).toBe(data.buffer);
      expect(chunks[0]!.toString()).toBe("hello");
    });

    it("reads a refilled buffer afresh", () => {
      const paths: string[] = [];
      const parser = new HttpRequestParser({
        onMessage: (message) => paths.push(message.path),
        onBody() {},
        onMessageComplete() {},
      });
      const data = Buffer.from(request("", "GET /a HTTP/1.1"));
      parser.feedData(data);
      data.write(request("", "GET /b HTTP/1.1"));
      parser.feedData(data);
      expect(paths).toEqual(["/a", "/b"]);
    });

    it("rethrows the first error on every later call", () => {
      const parser = new HttpRequestParser({ onMessage() {}, onBody() {}, onMessageComplete() {} });
      const bad = Buffer.from("GET / HTTP/1.1\r\n\r\n");
      let first: unknown;
      try {
        parser.feedData(bad);
      } catch (error) {
        first = error;
      }
      expect(first).toBeInstanceOf(HttpProcessingError);
      expect(() => parser.feedData(Buffer.from(request("")))).toThrow(first as Error);
      expect(() => parser.feedEof()).toThrow(first as Error);
    });
  });

  describe("request-target (RFC 9112 §3.2)", () => {
    it.each([
      ["origin-form", "GET /where?q=now HTTP/1.1", "/where?q=now"],
      ["absolute-form", "GET http://example.com/info/abs HTTP/1.1", "http://example.com/info/abs"],
      [
        "absolute-form https",
        "GET https://example.com/info/abs HTTP/1.1",
        "https://example.com/info/abs",
      ],
      [
        "absolute-form with a query",
        "GET http://example.com/info/abs?a=1&b=2 HTTP/1.1",
        "http://example.com/info/abs?a=1&b=2",
      ],
      ["absolute-form with an empty path", "GET http://example.com HTTP/1.1", "http://example.com"],
      [
        "absolute-form with an empty path and a query",
        "GET http://example.com?a=1 HTTP/1.1",
        "http://example.com?a=1",
      ],
      [
        "absolute-form with a port",
        "GET http://example.com:8080/x HTTP/1.1",
        "http://example.com:8080/x",
      ],
      [
        "absolute-form with an IPv6 host",
        "GET http://[::1]:8080/x HTTP/1.1",
        "http://[::1]:8080/x",
      ],
      [
        "absolute-form with an upper-case scheme",
        "GET HTTP://example.com/x HTTP/1.1",
        "HTTP://example.com/x",
      ],
      ["authority-form for CONNECT", "CONNECT www.example.com:443 HTTP/1.1", "www.example.com:443"],
      ["asterisk-form for OPTIONS", "OPTIONS * HTTP/1.1", "*"],
    ])("accepts the %s target", (_name, requestLine, path) => {
      expect(only(request("", requestLine)).path).toBe(path);
    });

    it.each([
      ["origin-form", "/info#frag"],
      ["origin-form with a query", "/info?a=1#frag"],
      ["origin-form with an empty fragment", "/info#"],
      ["absolute-form", "http://example.com/info#frag"],
    ])("rejects a fragment in an %s target", (_name, target) => {
      expectErrorEverySplit(
        request("", `GET ${target} HTTP/1.1`),
        InvalidURLError,
        400,
        new RegExp(
          `^A fragment is not allowed in the request target: ${escapeRegExp(JSON.stringify(target))}$`,
        ),
      );
    });

    it.each([
      [
        "authority-form with GET",
        "GET www.example.com:443",
        /^The authority-form target \(host:port\) is for CONNECT only, not GET: "www\.example\.com:443"$/,
      ],
      [
        "authority-form with OPTIONS",
        "OPTIONS example.com:80",
        /^The authority-form target \(host:port\) is for CONNECT only, not OPTIONS: "example\.com:80"$/,
      ],
      [
        "IPv6 authority-form with POST",
        "POST [::1]:443",
        /^The authority-form target \(host:port\) is for CONNECT only, not POST: "\[::1\]:443"$/,
      ],
      [
        "asterisk-form with GET",
        "GET *",
        /^The asterisk-form target is for OPTIONS only, not GET$/,
      ],
      [
        "asterisk-form with CONNECT",
        "CONNECT *",
        /^CONNECT needs an authority-form target \(host:port\): "\*"$/,
      ],
      [
        "absolute-form with CONNECT",
        "CONNECT http://example.com:443/",
        /^CONNECT needs an authority-form target/,
      ],
      [
        "a scheme other than http and https",
        "GET ftp://example.com/x",
        /^Invalid request target \(want "\/path", "http:\/\/host\/path" or "https:\/\/host\/path"\): "ftp:\/\/example\.com\/x"$/,
      ],
      ["a URN", "GET urn:isbn:0451450523", /^Invalid request target \(want/],
      ["a scheme without //", "GET http:/x", /^Invalid request target \(want/],
      ["an empty host", "GET http:///x", /^Invalid request target \(want/],
      ["an empty host before a query", "GET http://?x", /^Invalid request target \(want/],
      ["userinfo", "GET http://user:pass@example.com/x", /^Invalid request target \(want/],
      ["a bad IPv6 host", "GET http://[::g]/x", /^Invalid request target \(want/],
      ["a bad port", "GET http://example.com:8x/x", /^Invalid request target \(want/],
      ["a relative path", "GET index.html", /^Invalid request target \(want/],
      ["a path without its slash", "GET ?a=1", /^Invalid request target \(want/],
    ])("rejects %s", (_name, requestLineStart, message) => {
      expectErrorEverySplit(
        request("", `${requestLineStart} HTTP/1.1`),
        InvalidURLError,
        400,
        message,
      );
    });

    // aiohttp: test_parse_uri_utf8 accepts raw UTF-8; the RFC 9112 request-target is ASCII.
    it("rejects raw UTF-8 bytes in the target", () => {
      const bytes = Buffer.concat([
        Buffer.from("GET /"),
        Buffer.from("путь"),
        Buffer.from(" HTTP/1.1\r\nHost: a\r\n\r\n"),
      ]);
      expectErrorEverySplit(
        bytes,
        InvalidURLError,
        400,
        /^Invalid request target \(byte 0xd0 is not ASCII\): "\/\\u00d0\\u00bf\\u00d1/,
      );
    });

    it.each(Array.from({ length: 128 }, (_, index) => [(index + 0x80).toString(16), index + 0x80]))(
      "rejects byte 0x%s in the target",
      (_hex, byte) => {
        const bytes = Buffer.from(
          `GET /a${String.fromCharCode(byte)}b HTTP/1.1\r\nHost: a\r\n\r\n`,
          "latin1",
        );
        expectErrorEverySplit(
          bytes,
          InvalidURLError,
          400,
          new RegExp(`^Invalid request target \\(byte 0x${byte.toString(16)} is not ASCII\\): `),
        );
      },
    );

    it("rejects a non-ASCII byte in an absolute-form host", () => {
      expectErrorEverySplit(
        request("", "GET http://\xe9xample.com/ HTTP/1.1"),
        InvalidURLError,
        400,
        /^Invalid request target \(byte 0xe9 is not ASCII\)/,
      );
    });

    it.each(
      [...Array.from({ length: 32 }, (_, index) => index), 0x7f]
        .filter((byte) => byte !== 0x0a && byte !== 0x0d)
        .map((byte) => [byte.toString(16).padStart(2, "0"), byte]),
    )("rejects control byte 0x%s in the target", (_hex, byte) => {
      expectErrorEverySplit(
        Buffer.from(`GET /a${String.fromCharCode(byte)}b HTTP/1.1\r\nHost: a\r\n\r\n`, "latin1"),
        InvalidURLError,
        400,
        new RegExp(
          `^Invalid request target \\(control character 0x${byte.toString(16).padStart(2, "0")}\\): `,
        ),
      );
    });

    it.each([
      ["CR", "\r", /^Bare CR in request line$/],
      ["LF", "\n", /^Bare LF in request line$/],
    ])("rejects a bare %s in the target", (_name, byte, message) => {
      expectErrorEverySplit(
        `GET /a${byte}b HTTP/1.1\r\nHost: a\r\n\r\n`,
        BadStatusLine,
        400,
        message,
      );
    });
  });

  describe("keep-alive", () => {
    it.each([
      // aiohttp: test_conn_default_1_0, test_conn_default_1_1
      ["HTTP/1.0", "", true],
      ["HTTP/1.1", "", false],
      // aiohttp: test_conn_close, test_conn_close_1_0
      ["HTTP/1.1", "Connection: close\r\n", true],
      ["HTTP/1.0", "Connection: close\r\n", true],
      // aiohttp: test_conn_keep_alive_1_0, test_conn_keep_alive_1_1
      ["HTTP/1.0", "Connection: keep-alive\r\n", false],
      ["HTTP/1.1", "Connection: keep-alive\r\n", false],
      // aiohttp: test_conn_other_1_0, test_conn_other_1_1
      ["HTTP/1.0", "Connection: test\r\n", true],
      ["HTTP/1.1", "Connection: test\r\n", false],
      ["HTTP/1.1", "Connection: Keep-Alive, CLOSE\r\n", true],
      ["HTTP/1.0", "Connection: foo, Keep-Alive\r\n", false],
      ["HTTP/1.1", "Connection: foo\r\nConnection: close\r\n", true],
    ])("%s with %j closes: %s", (version, fields, expected) => {
      expect(only(request(fields, `GET / ${version}`)).shouldClose).toBe(expected);
    });
  });

  describe("upgrade", () => {
    // aiohttp: test_conn_upgrade, test_http_request_upgrade
    it("stops parsing after an upgrade request's head and keeps the tail", () => {
      const result = parseEverySplit(
        request("Connection: Upgrade\r\nUpgrade: websocket\r\n") +
          "\x81\x05hello GET / HTTP/1.1\r\n\r\n",
      );
      expect(result.messages).toHaveLength(1);
      expect((result.messages[0]!.message as RawRequestMessage).upgrade).toBe(true);
      expect(result.upgraded).toBe(true);
      expect(result.tail).toBe("\x81\x05hello GET / HTTP/1.1\r\n\r\n");
    });

    it("accepts upgrade among other connection options", () => {
      expect(only(request("Connection: keep-alive, Upgrade\r\nUpgrade: h2c\r\n")).upgrade).toBe(
        true,
      );
    });

    // aiohttp: test_bad_upgrade
    it("does not upgrade without an Upgrade field", () => {
      const result = parseEverySplit(request("Connection: upgrade\r\n") + request(""));
      expect(result.messages).toHaveLength(2);
      expect((result.messages[0]!.message as RawRequestMessage).upgrade).toBe(false);
      expect(result.upgraded).toBe(false);
    });

    it("ignores Upgrade in an HTTP/1.0 request (RFC 9110 §7.8)", () => {
      expect(
        only(request("Connection: upgrade\r\nUpgrade: websocket\r\n", "GET / HTTP/1.0")).upgrade,
      ).toBe(false);
    });

    it("reads an upgrade request's body before stopping", () => {
      const result = parseEverySplit(
        request("Connection: upgrade\r\nUpgrade: h2c\r\nContent-Length: 4\r\n", "POST / HTTP/1.1") +
          "bodyPRI *",
      );
      expect(result.messages[0]!.body).toBe("body");
      expect(result.upgraded).toBe(true);
      expect(result.tail).toBe("PRI *");
    });

    it("keeps bytes fed while upgraded and parses them on resume()", () => {
      const messages: string[] = [];
      const parser = new HttpRequestParser({
        onMessage: (message) => messages.push(message.path),
        onBody() {},
        onMessageComplete() {},
      });
      parser.feedData(
        Buffer.from(
          `${request("Connection: upgrade\r\nUpgrade: websocket\r\n", "GET /ws HTTP/1.1")}GET /a`,
        ),
      );
      expect(parser.upgraded).toBe(true);
      parser.feedData(Buffer.from(" HTTP/1.1\r\nHost: a\r\n\r\n"));
      expect(messages).toEqual(["/ws"]);
      parser.resume();
      expect(parser.upgraded).toBe(false);
      expect(messages).toEqual(["/ws", "/a"]);
      expect(parser.takeTail().length).toBe(0);
    });

    it("returns the tail once from takeTail()", () => {
      const parser = new HttpRequestParser({ onMessage() {}, onBody() {}, onMessageComplete() {} });
      parser.feedData(
        Buffer.from(`${request("Connection: upgrade\r\nUpgrade: websocket\r\n")}abc`),
      );
      parser.feedData(Buffer.from("def"));
      expect(parser.takeTail().toString()).toBe("abcdef");
      expect(parser.takeTail().toString()).toBe("");
    });
  });

  describe("compression", () => {
    it.each([
      // aiohttp: test_compression_empty, test_compression_deflate, test_compression_gzip,
      // test_compression_brotli, test_compression_unknown
      ["", undefined],
      ["Content-Encoding: deflate\r\n", "deflate"],
      ["Content-Encoding: gzip\r\n", "gzip"],
      ["Content-Encoding: GZIP\r\n", "gzip"],
      ["Content-Encoding: x-gzip\r\n", "gzip"],
      ["Content-Encoding: br\r\n", "br"],
      ["Content-Encoding: compress\r\n", undefined],
      ["Content-Encoding: gzip, br\r\n", undefined],
    ])("reads %j as %s", (fields, expected) => {
      expect(only(request(fields)).compression).toBe(expected);
    });
  });

  describe("limits", () => {
    // aiohttp: test_http_request_max_status_line
    it("accepts a request line exactly at maxLineSize", () => {
      const target = `/${"a".repeat(8190 - "GET / HTTP/1.1".length)}`;
      expect(only(`GET ${target} HTTP/1.1\r\nHost: a\r\n\r\n`).path).toBe(target);
    });

    it("rejects a request line over maxLineSize with 414", () => {
      const target = `/${"a".repeat(8191 - "GET / HTTP/1.1".length)}`;
      expectErrorEverySplit(
        `GET ${target} HTTP/1.1\r\nHost: a\r\n\r\n`,
        LineTooLong,
        414,
        /Request line is too long: 8191 bytes, the limit \(maxLineSize\) is 8190/,
      );
    });

    it("rejects an unterminated request line over maxLineSize before it ends", () => {
      const { error } = parseRequests([Buffer.from(`GET /${"a".repeat(9000)}`)]);
      expect(error).toBeInstanceOf(LineTooLong);
      expect((error as LineTooLong).code).toBe(414);
    });

    // aiohttp: test_max_header_field_size, test_max_header_value_size
    it("accepts a field line exactly at maxFieldSize", () => {
      const value = "v".repeat(8190 - "X: ".length);
      expect(only(request(`X: ${value}\r\n`)).headers.get("x")).toBe(value);
    });

    it("rejects a field line over maxFieldSize with 431", () => {
      const value = "v".repeat(8191 - "X: ".length);
      expectErrorEverySplit(
        request(`X: ${value}\r\n`),
        LineTooLong,
        431,
        /Request field line is too long: 8191 bytes, the limit \(maxFieldSize\) is 8190/,
      );
    });

    it("rejects a long field name with 431", () => {
      expectErrorEverySplit(
        request(`${"N".repeat(9000)}: v\r\n`),
        LineTooLong,
        431,
        /maxFieldSize/,
      );
    });

    it("accepts maxHeaders field lines and rejects one more with 431", () => {
      const fields = (count: number) =>
        Array.from({ length: count - 1 }, (_, index) => `X-${index}: ${index}\r\n`).join("");
      expect(only(request(fields(128))).rawHeaders).toHaveLength(256);
      expectErrorEverySplit(
        request(fields(129)),
        LineTooLong,
        431,
        /Too many request fields: more than 128 \(maxHeaders\)/,
      );
    });

    it("honours custom limits", () => {
      const options = { maxLineSize: 20, maxFieldSize: 10, maxHeaders: 2 };
      expect(
        parseRequests([Buffer.from("GET /012345 HTTP/1.1\r\nHost: a\r\n\r\n")], options).error,
      ).toBeUndefined();
      expect(
        (
          parseRequests([Buffer.from("GET /0123456 HTTP/1.1\r\nHost: a\r\n\r\n")], options)
            .error as LineTooLong
        ).code,
      ).toBe(414);
      expect(
        (parseRequests([Buffer.from(request("X: 1234567\r\n"))], options).error as LineTooLong)
          .code,
      ).toBe(431);
      expect(
        (parseRequests([Buffer.from(request("A: 1\r\nB: 2\r\n"))], options).error as LineTooLong)
          .code,
      ).toBe(431);
    });

    it("rejects limits that are not positive integers", () => {
      const handlers = { onMessage() {}, onBody() {}, onMessageComplete() {} };
      expect(() => new HttpRequestParser(handlers, { maxHeaders: 0 })).toThrow(
        new RangeError("maxHeaders must be a positive integer"),
      );
    });
  });

  describe("#feedEof", () => {
    it("rejects a partial head", () => {
      const { error } = parseRequests(
        [Buffer.from("GET / HTTP/1.1\r\nHost: a\r\n")],
        undefined,
        true,
      );
      expect(error).toBeInstanceOf(BadHttpMessage);
      expect((error as Error).message).toBe("Incomplete message head at end of input");
    });

    it("accepts the end of input between requests", () => {
      const { error, messages } = parseRequests(
        [Buffer.from(`${request("")}\r\n`)],
        undefined,
        true,
      );
      expect(error).toBeUndefined();
      expect(messages).toHaveLength(1);
    });
  });

  describe("cases ported from aiohttp's tests/test_http_parser.py", () => {
    /** A pattern matching exactly `message`. */
    const exactly = (message: string) =>
      new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`);
    const rejects = (
      input: string,
      errorClass: abstract new (...args: never[]) => Error,
      message: RegExp,
    ) => expectErrorEverySplit(input, errorClass, 400, message);

    // aiohttp: test_cve_2023_37276
    it("rejects a bare CR hiding a Transfer-Encoding field", () => {
      rejects(
        "POST / HTTP/1.1\r\nHost: localhost:8080\r\nX-Abc: \rxTransfer-Encoding: chunked\r\n\r\n",
        BadHttpMessage,
        /Bare CR/,
      );
    });

    // aiohttp: test_bad_header_name
    it.each([...'"(),/;<=>?@[\\]{}'])("rejects %j in a field name", (delimiter) => {
      rejects(
        `POST / HTTP/1.1\r\nHost: a\r\nhead${delimiter}er: val\r\n\r\n`,
        BadHttpMessage,
        /Invalid character in request field name/,
      );
    });

    // aiohttp: test_bad_headers
    it.each([
      ["Content-Length: -5", 'Invalid Content-Length: "-5"'],
      ["Content-Length: +256", 'Invalid Content-Length: "+256"'],
      ["Content-Length: \xc2\xb9", 'Invalid Content-Length: "\xc2\xb9"'],
      ["Content-Length: \xf0\x9d\x9f\x99", 'Invalid Content-Length: "\xf0\x9d\x9f\x99"'],
      ["Foo: abc\rdef", "Bare CR in request field line"],
      ["Bar: abc\ndef", "Bare LF in request field line"],
      ["Baz: abc\x00def", 'Invalid character 0x00 in request field "Baz" value'],
      ["Foo : bar", 'Whitespace before the colon in request field "Foo"'],
      ["Foo\t: bar", 'Whitespace before the colon in request field "Foo"'],
      ["\xffoo: bar", 'Invalid character in request field name "\xffoo"'],
      ["Foo: abc\x01def", 'Invalid character 0x01 in request field "Foo" value'],
      ["Foo: abc\x7fdef", 'Invalid character 0x7f in request field "Foo" value'],
      ["Foo: abc\x1fdef", 'Invalid character 0x1f in request field "Foo" value'],
    ])("rejects the field line %j: %s", (line, message) => {
      rejects(`POST / HTTP/1.1\r\nHost: a\r\n${line}\r\n\r\n`, InvalidHeader, exactly(message));
    });

    // aiohttp: test_ctl_host_header_bad_characters
    it("rejects a CTL in Host", () => {
      rejects(
        "GET /test HTTP/1.1\r\nHost: trusted.example\x01@bad.test\r\n\r\n",
        BadHttpMessage,
        /0x01/,
      );
    });

    // aiohttp: test_duplicate_singleton_header_rejected
    it.each([
      "Content-Length",
      "Content-Location",
      "Content-Range",
      "Content-Type",
      "ETag",
      "Host",
      "Max-Forwards",
      "Server",
      "User-Agent",
    ])("rejects a duplicate %s", (name) => {
      const [first, second] = name === "Content-Length" ? ["1", "2"] : ["value1", "value2"];
      const host = name === "Host" ? "" : "Host: example.com\r\n";
      rejects(
        `GET /test HTTP/1.1\r\n${host}${name}: ${first}\r\n${name}: ${second}\r\n\r\n`,
        BadHttpMessage,
        /Duplicate/i,
      );
    });

    // Unlike aiohttp, Transfer-Encoding is not a singleton: it is a list (RFC 9110 §5.3), and
    // its lines join into one, which is judged as if it had been sent on one line.
    it("reads two Transfer-Encoding lines as one list", () => {
      expectErrorEverySplit(
        "GET /test HTTP/1.1\r\nHost: example.com\r\nTransfer-Encoding: value1\r\nTransfer-Encoding: value2\r\n\r\n",
        TransferEncodingError,
        501,
        /^Unsupported transfer coding: "value1"$/,
      );
    });

    // aiohttp: test_bad_chunked
    it("rejects a bad chunk size instead of reading on", () => {
      rejects(
        "GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0_2e\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n0\r\n\r\n",
        TransferEncodingError,
        /0_2e/,
      );
    });

    // aiohttp: test_whitespace_before_header
    it("rejects a tab before the first field", () => {
      rejects(
        "GET / HTTP/1.1\r\n\tContent-Length: 1\r\n\r\nX",
        InvalidHeader,
        /Whitespace before the first/,
      );
    });

    // aiohttp: test_parse_body_with_CRLF
    it("skips a CRLF before the request line", () => {
      const result = parseEverySplit(
        "\r\nGET /test HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nbody",
      );
      expect(result.messages[0]!.body).toBe("body");
    });

    // aiohttp: test_headers_multi_feed, test_headers_split_field (covered by every split)
    it("joins a field line fed in pieces", () => {
      const { messages } = parseRequests(
        ["GET /test HTTP/1.1\r\nHost: a\r\n", "t", "est: line", " continue\r\n\r\n"].map((part) =>
          Buffer.from(part),
        ),
      );
      expect(messages[0]!.message.headers.get("test")).toBe("line continue");
    });

    // aiohttp: test_parse_headers_multi
    it("keeps repeated Set-Cookie fields", () => {
      const message = only(
        "GET /test HTTP/1.1\r\nHost: a\r\nSet-Cookie: c1=cookie1\r\nSet-Cookie: c2=cookie2\r\n\r\n",
      );
      expect(message.headers.getAll("set-cookie")).toEqual(["c1=cookie1", "c2=cookie2"]);
    });

    // aiohttp: test_conn_close_comma_list, test_conn_close_multiple_headers
    it("closes when close is one of several connection options or lines", () => {
      expect(only(request("Connection: close, keep-alive\r\n")).shouldClose).toBe(true);
      expect(only(request("Connection: keep-alive\r\nConnection: close\r\n")).shouldClose).toBe(
        true,
      );
    });

    // aiohttp: test_conn_upgrade_multiple_headers
    it("upgrades when upgrade is on a second Connection line", () => {
      expect(
        only(request("Connection: keep-alive\r\nConnection: upgrade\r\nUpgrade: websocket\r\n"))
          .upgrade,
      ).toBe(true);
    });

    // aiohttp: test_te_header_non_ascii
    it("rejects a Transfer-Encoding spelled with a Kelvin sign", () => {
      rejects(
        `GET /test HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chun${Buffer.from("\u212a").toString("latin1")}ed\r\n\r\n`,
        TransferEncodingError,
        /Invalid Transfer-Encoding/,
      );
    });

    // aiohttp: test_compression_non_ascii
    it("does not read a non-ASCII look-alike as a content coding", () => {
      expect(
        only(request(`Content-Encoding: de${Buffer.from("\ufb02").toString("latin1")}ate\r\n`))
          .compression,
      ).toBeUndefined();
    });

    // aiohttp: test_request_te_chunked123, test_request_te_first_chunked
    it("rejects chunked123 and chunked before another coding", () => {
      expectErrorEverySplit(
        request("Transfer-Encoding: chunked123\r\n"),
        TransferEncodingError,
        501,
        /chunked123/,
      );
      rejects(
        request("Transfer-Encoding: chunked, not\r\n"),
        TransferEncodingError,
        /must end with chunked/,
      );
    });

    // aiohttp: test_request_te_chunked_with_content_length
    it("rejects Content-Length with Transfer-Encoding", () => {
      rejects(
        request("content-length: 1234\r\ntransfer-encoding: chunked\r\n"),
        BadHttpMessage,
        /Transfer-Encoding can't be present with Content-Length/,
      );
    });

    // aiohttp: test_headers_old_websocket_key1
    it("rejects the pre-RFC 6455 Sec-WebSocket-Key1 handshake", () => {
      rejects(request("SEC-WEBSOCKET-KEY1: line\r\n"), InvalidHeader, /Sec-WebSocket-Key1/);
    });

    // aiohttp: test_headers_content_length_err_1, test_headers_content_length_err_2
    it.each(["line", "-1"])("rejects Content-Length %j", (value) => {
      rejects(request(`content-length: ${value}\r\n`), InvalidHeader, /Invalid Content-Length/);
    });

    // aiohttp: test_invalid_header_spacing
    const OBS_FOLD = "Obsolete line folding (obs-fold) in request field line";
    const BEFORE_COLON = 'Whitespace before the colon in request field "foo"';
    const BARE_LF = "Bare LF in request field line";
    it.each([
      [": value", "Empty request field name"],
      ["\x00foo: value", 'Invalid character in request field name "\x00foo"'],
      ["foo\x00: value", 'Invalid character in request field name "foo\x00"'],
      ["\x00: value", 'Invalid character in request field name "\x00"'],
      [" foo: value", OBS_FOLD],
      ["foo : value", BEFORE_COLON],
      [" : value", OBS_FOLD],
      ["  foo: value", OBS_FOLD],
      ["foo  : value", BEFORE_COLON],
      ["  : value", OBS_FOLD],
      ["\nfoo: value", BARE_LF],
      ["foo\n: value", BARE_LF],
      ["\n: value", BARE_LF],
      ["\xa0foo: value", 'Invalid character in request field name "\xa0foo"'],
      ["foo\xa0: value", 'Invalid character in request field name "foo\xa0"'],
      ["\xa0: value", 'Invalid character in request field name "\xa0"'],
      ["\t foo: value", OBS_FOLD],
      ["foo\t : value", BEFORE_COLON],
      ["\t : value", OBS_FOLD],
    ])("rejects padding around a field name: %j (%s)", (line, message) => {
      rejects(`GET /test HTTP/1.1\r\nHost: a\r\n${line}\r\n\r\n`, InvalidHeader, exactly(message));
    });

    // aiohttp: test_empty_header_name, test_invalid_header, test_invalid_name
    it.each([
      [":test", "Empty request field name"],
      ["test line", "Request field line has no colon"],
      ["test[]: line", 'Invalid character in request field name "test[]"'],
    ])("rejects the field line %j: %s", (line, message) => {
      rejects(`GET /test HTTP/1.1\r\nHost: a\r\n${line}\r\n\r\n`, InvalidHeader, exactly(message));
    });

    // aiohttp: test_max_header_combined_size
    it("limits the name and value together", () => {
      const half = "t".repeat(4100);
      expectErrorEverySplit(
        `GET /test HTTP/1.1\r\nHost: a\r\n${half}:${half}\r\n\r\n`,
        LineTooLong,
        431,
        /Request field line is too long/,
      );
    });

    // aiohttp: test_http_request_bad_status_line, test_http_request_bad_status_line_whitespace
    it.each([
      [
        "getpath \r\n\r\n",
        'Invalid request line (want method, target and version separated by single spaces): "getpath "',
      ],
      ["GET\n/path\fHTTP/1.1\r\n\r\n", "Bare LF in request line"],
    ])("rejects the request line %j: %s", (input, message) => {
      rejects(input, BadStatusLine, exactly(message));
    });

    // aiohttp: test_http_request_bad_status_line_number, test_http_request_bad_status_line_separator
    it.each(["\xf0\x9d\x9f\x99", "\xc2\xb9", "\xb9"])(
      "rejects a non-ASCII digit %j in the version",
      (digit) => {
        rejects(
          `GET /digit HTTP/1.${digit}\r\nHost: a\r\n\r\n`,
          BadStatusLine,
          /Invalid HTTP version/,
        );
      },
    );

    // aiohttp: test_http_request_message_after_close, test_http_request_message_after_close_comma_list
    it.each(["close", "close, keep-alive"])("rejects data after Connection: %s", (value) => {
      rejects(
        `GET / HTTP/1.1\r\nHost: a\r\nConnection: ${value}\r\n\r\nInvalid\r\n\r\n`,
        BadHttpMessage,
        /Data after `Connection: close`/,
      );
    });

    it("accepts empty lines after Connection: close", () => {
      expect(parseEverySplit(`${request("Connection: close\r\n")}\r\n\r\n`).messages).toHaveLength(
        1,
      );
    });
  });
});
