import { describe, expect, it } from "vitest";
import {
  BadHttpMessage,
  BadStatusLine,
  InvalidHeader,
  LineTooLong,
  TransferEncodingError,
} from "../src/http-exceptions.js";
import type { RawResponseMessage } from "../src/http-response-parser.js";
import { HttpResponseParser } from "../src/http-response-parser.js";
import { expectErrorEverySplit, parseEverySplit, parseResponses } from "./helpers/parse.js";

const withEof = (chunks: readonly Buffer[]) => parseResponses(chunks, undefined, true);
const toHead = (chunks: readonly Buffer[]) => parseResponses(chunks, { method: "HEAD" }, true);
const toConnect = (chunks: readonly Buffer[]) =>
  parseResponses(chunks, { method: "CONNECT" }, true);

describe("HttpResponseParser", () => {
  // aiohttp: test_http_response_parser_utf8, test_http_response_parser_bad_status_line...
  it("parses the status line and fields", () => {
    const result = parseEverySplit(
      "HTTP/1.1 200 Ok\r\nContent-Length: 2\r\nX-A: b\r\n\r\nhi",
      withEof,
    );
    const message = result.messages[0]!.message as RawResponseMessage;
    expect(message.code).toBe(200);
    expect(message.reason).toBe("Ok");
    expect(String(message.version)).toBe("HTTP/1.1");
    expect(message.rawHeaders).toEqual(["Content-Length", "2", "X-A", "b"]);
    expect(message.headers.get("x-a")).toBe("b");
    expect(message.shouldClose).toBe(false);
    expect(result.messages[0]!.body).toBe("hi");
  });

  // aiohttp: test_http_response_parser_no_reason
  it("accepts an empty reason, with or without its space", () => {
    for (const line of ["HTTP/1.1 200 \r\n", "HTTP/1.1 200\r\n"]) {
      const message = parseEverySplit(`${line}Content-Length: 0\r\n\r\n`, withEof).messages[0]!
        .message as RawResponseMessage;
      expect([message.code, message.reason]).toEqual([200, ""]);
    }
  });

  it("keeps a reason with spaces, tabs and obs-text", () => {
    const message = parseEverySplit(
      "HTTP/1.1 404 Not \tFound \xe9\r\nContent-Length: 0\r\n\r\n",
      withEof,
    ).messages[0]!.message as RawResponseMessage;
    expect(message.reason).toBe("Not \tFound \xe9");
  });

  it("reads a body without a length until EOF and marks the connection to close", () => {
    const result = parseEverySplit("HTTP/1.1 200 OK\r\n\r\nall of this", withEof);
    expect(result.messages[0]).toMatchObject({ body: "all of this", complete: true });
    expect((result.messages[0]!.message as RawResponseMessage).shouldClose).toBe(true);
  });

  it("completes a read-until-EOF body only at EOF", () => {
    const { messages } = parseResponses([Buffer.from("HTTP/1.1 200 OK\r\n\r\nabc")]);
    expect(messages[0]).toMatchObject({ body: "abc", complete: false });
  });

  it.each([
    [204, "No Content"],
    [304, "Not Modified"],
  ])("reads no body for %i even with Content-Length", (code, reason) => {
    const result = parseEverySplit(
      `HTTP/1.1 ${code} ${reason}\r\nContent-Length: 5\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n`,
      withEof,
    );
    expect(result.messages.map(({ message }) => (message as RawResponseMessage).code)).toEqual([
      code,
      200,
    ]);
  });

  it("reads 1xx interim responses before the final one", () => {
    const result = parseEverySplit(
      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx",
      withEof,
    );
    expect(
      result.messages.map(({ message, body }) => [(message as RawResponseMessage).code, body]),
    ).toEqual([
      [100, ""],
      [103, ""],
      [200, "x"],
    ]);
  });

  it("reads no body for a response to HEAD", () => {
    const result = parseEverySplit(
      "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
      toHead,
    );
    expect(result.messages.map(({ body, complete }) => [body, complete])).toEqual([
      ["", true],
      ["", true],
    ]);
  });

  it("switches protocols on 101 and keeps the tail", () => {
    const result = parseEverySplit(
      "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n\x81\x02hi",
      withEof,
    );
    expect((result.messages[0]!.message as RawResponseMessage).upgrade).toBe(true);
    expect(result.upgraded).toBe(true);
    expect(result.tail).toBe("\x81\x02hi");
  });

  it("opens a tunnel on a 2xx answer to CONNECT", () => {
    const result = parseEverySplit(
      "HTTP/1.1 200 Connection Established\r\n\r\ntunnel bytes",
      toConnect,
    );
    expect(result.upgraded).toBe(true);
    expect(result.tail).toBe("tunnel bytes");
  });

  it("decodes a chunked response with trailers", () => {
    const result = parseEverySplit(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-T: 1\r\n\r\n",
      withEof,
    );
    expect(result.messages[0]).toMatchObject({
      body: "abc",
      trailers: [["X-T", "1"]],
      complete: true,
    });
  });

  it.each([
    ["HTTP/1.0", "", true],
    ["HTTP/1.0", "Connection: keep-alive\r\n", false],
    ["HTTP/1.1", "", false],
    ["HTTP/1.1", "Connection: close\r\n", true],
  ])("%s with %j closes: %s", (version, fields, expected) => {
    const message = parseEverySplit(
      `${version} 200 OK\r\n${fields}Content-Length: 0\r\n\r\n`,
      withEof,
    ).messages[0]!.message as RawResponseMessage;
    expect(message.shouldClose).toBe(expected);
  });

  it("takes a new method hint between responses", () => {
    const codes: number[] = [];
    const parser = new HttpResponseParser({
      onMessage: (message) => codes.push(message.code),
      onBody() {},
      onMessageComplete() {},
    });
    parser.method = "HEAD";
    parser.feedData(Buffer.from("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n"));
    parser.method = "GET";
    parser.feedData(Buffer.from("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc"));
    expect(codes).toEqual([200, 200]);
  });

  describe("errors", () => {
    it.each([
      // aiohttp: test_http_response_parser_bad_status_line_too_long
      [
        "a status line over maxLineSize",
        `HTTP/1.1 200 ${"x".repeat(8190)}\r\n\r\n`,
        LineTooLong,
        400,
        /Status line is too long/,
      ],
      // aiohttp: test_http_response_parser_bad_version
      ["a bad version", "HT/11 200 Ok\r\n\r\n", BadStatusLine, 400, /Invalid HTTP version/],
      ["HTTP/2.0", "HTTP/2.0 200 Ok\r\n\r\n", BadStatusLine, 505, /HTTP version not supported/],
      // aiohttp: test_http_response_parser_code_under_100, test_http_response_parser_code_above_999
      ["a code under 100", "HTTP/1.1 99 test\r\n\r\n", BadStatusLine, 400, /Invalid status line/],
      [
        "a four-digit code",
        "HTTP/1.1 9999 test\r\n\r\n",
        BadStatusLine,
        400,
        /Invalid status line/,
      ],
      [
        "a code that is not a number",
        "HTTP/1.1 ttt test\r\n\r\n",
        BadStatusLine,
        400,
        /Invalid status line/,
      ],
      [
        "a control character in the reason",
        "HTTP/1.1 200 O\x01K\r\n\r\n",
        BadStatusLine,
        400,
        /Invalid status line/,
      ],
      [
        "Content-Length with Transfer-Encoding",
        "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
        BadHttpMessage,
        400,
        /Content-Length/,
      ],
      [
        "an unknown transfer coding",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: br\r\n\r\n",
        TransferEncodingError,
        501,
        /Unsupported transfer coding: "br"/,
      ],
      [
        "a transfer coding not ending in chunked",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
        TransferEncodingError,
        400,
        /must end with chunked/,
      ],
      ["obs-fold", "HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\r\n", InvalidHeader, 400, /obs-fold/],
      ["a bare LF", "HTTP/1.1 200 OK\nX: a\r\n\r\n", BadStatusLine, 400, /Bare LF in status line/],
    ])("rejects %s", (_name, input, errorClass, code, message) => {
      expectErrorEverySplit(input, errorClass, code, message, withEof);
    });
  });
});
