import { describe, expect, it } from "vitest";
import {
  BadHttpMessage,
  BadStatusLine,
  ContentLengthError,
  InvalidHeader,
  InvalidURLError,
  TransferEncodingError,
} from "../src/http-exceptions.js";
import {
  describeError,
  expectErrorEverySplit,
  parseEverySplit,
  parseRequests,
} from "./helpers/parse.js";

type ErrorClass = abstract new (...args: never[]) => Error;

const head = (fields: string, requestLine = "POST / HTTP/1.1") =>
  `${requestLine}\r\nHost: example.com\r\n${fields}\r\n`;
const chunked = (body: string) => `${head("Transfer-Encoding: chunked\r\n")}${body}`;

// Each row is one request-smuggling (or desync) vector: the request must be rejected with this
// error class, status code and message, whether it arrives whole or split at any offset.
const vectors: [string, string, ErrorClass, number, RegExp][] = [
  // Content-Length and Transfer-Encoding together (RFC 9112 §6.1, §6.3 item 3)
  [
    "CL.TE: Content-Length before Transfer-Encoding",
    `${head("Content-Length: 6\r\nTransfer-Encoding: chunked\r\n")}0\r\n\r\nG`,
    BadHttpMessage,
    400,
    /Transfer-Encoding can't be present with Content-Length/,
  ],
  [
    "TE.CL: Transfer-Encoding before Content-Length",
    `${head("Transfer-Encoding: chunked\r\nContent-Length: 4\r\n")}5c\r\nGPOST`,
    BadHttpMessage,
    400,
    /Transfer-Encoding can't be present with Content-Length/,
  ],
  [
    "CL.TE with an obfuscated TE value",
    head("Content-Length: 3\r\nTransfer-Encoding: xchunked\r\n"),
    BadHttpMessage,
    400,
    /Content-Length/,
  ],
  // Transfer-Encoding whose final coding is not chunked, or is obfuscated
  [
    "TE whose only coding is gzip",
    head("Transfer-Encoding: gzip\r\n"),
    TransferEncodingError,
    400,
    /must end with chunked/,
  ],
  [
    "TE with chunked before another coding",
    head("Transfer-Encoding: chunked, gzip\r\n"),
    TransferEncodingError,
    400,
    /must end with chunked/,
  ],
  [
    "TE with an unknown coding (xchunked)",
    head("Transfer-Encoding: xchunked\r\n"),
    TransferEncodingError,
    501,
    /Unsupported transfer coding: "xchunked"/,
  ],
  [
    "TE with an unknown coding before chunked",
    head("Transfer-Encoding: foo, chunked\r\n"),
    TransferEncodingError,
    501,
    /Unsupported transfer coding: "foo"/,
  ],
  [
    "TE with gzip before chunked (not decoded here)",
    head("Transfer-Encoding: gzip, chunked\r\n"),
    TransferEncodingError,
    501,
    /Unsupported transfer coding: "gzip"/,
  ],
  [
    "TE listing chunked twice",
    head("Transfer-Encoding: chunked, chunked\r\n"),
    TransferEncodingError,
    400,
    /chunked twice/,
  ],
  // The same lists spread over several Transfer-Encoding lines, which join as one list (RFC 9110
  // §5.3): a framing decision must not depend on which line a recipient reads.
  [
    "TE with an unknown coding, then chunked on a second line",
    head("Transfer-Encoding: foo\r\nTransfer-Encoding: chunked\r\n"),
    TransferEncodingError,
    501,
    /^Unsupported transfer coding: "foo"$/,
  ],
  [
    "TE with chunked, then an unknown coding on a second line",
    head("Transfer-Encoding: chunked\r\nTransfer-Encoding: foo\r\n"),
    TransferEncodingError,
    400,
    /^Transfer-Encoding must end with chunked: "chunked, foo"$/,
  ],
  [
    "TE with chunked on two lines",
    head("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n"),
    TransferEncodingError,
    400,
    /^Transfer-Encoding lists chunked twice: "chunked, chunked"$/,
  ],
  [
    "TE with gzip, then chunked on a second line",
    head("Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n"),
    TransferEncodingError,
    501,
    /^Unsupported transfer coding: "gzip"$/,
  ],
  [
    "TE with an empty line, then chunked",
    head("Transfer-Encoding:\r\nTransfer-Encoding: chunked\r\n"),
    TransferEncodingError,
    400,
    /^Invalid Transfer-Encoding: ", chunked"$/,
  ],
  [
    "TE with chunked split over lines, then Content-Length",
    head("Transfer-Encoding: foo\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n"),
    BadHttpMessage,
    400,
    /^Transfer-Encoding can't be present with Content-Length$/,
  ],
  [
    "TE with an empty list element after chunked",
    head("Transfer-Encoding: chunked,\r\n"),
    TransferEncodingError,
    400,
    /Invalid Transfer-Encoding/,
  ],
  [
    "TE with an empty list element before chunked",
    head("Transfer-Encoding: , chunked\r\n"),
    TransferEncodingError,
    400,
    /Invalid Transfer-Encoding/,
  ],
  [
    "TE with a space inside the coding",
    head("Transfer-Encoding: chunk ed\r\n"),
    TransferEncodingError,
    400,
    /Invalid Transfer-Encoding/,
  ],
  [
    "TE with parameters on chunked",
    head("Transfer-Encoding: chunked;q=1\r\n"),
    TransferEncodingError,
    400,
    /takes no parameters/,
  ],
  [
    "TE with a quoted coding",
    head('Transfer-Encoding: "chunked"\r\n'),
    TransferEncodingError,
    400,
    /Invalid Transfer-Encoding/,
  ],
  [
    "TE with a vertical tab after chunked",
    head("Transfer-Encoding: chunked\x0b\r\n"),
    InvalidHeader,
    400,
    /0x0b/,
  ],
  [
    "TE with a form feed before chunked",
    head("Transfer-Encoding: \x0cchunked\r\n"),
    InvalidHeader,
    400,
    /0x0c/,
  ],
  [
    "TE with a NUL after chunked",
    head("Transfer-Encoding: chunked\x00\r\n"),
    InvalidHeader,
    400,
    /0x00/,
  ],
  [
    "TE in an HTTP/1.0 request",
    head("Transfer-Encoding: chunked\r\n", "POST / HTTP/1.0"),
    BadHttpMessage,
    400,
    /not allowed in an HTTP\/1.0 request/,
  ],
  [
    "TE value folded onto the next line (obs-fold)",
    head("Transfer-Encoding:\r\n chunked\r\n"),
    InvalidHeader,
    400,
    /obs-fold/,
  ],
  [
    "TE with a space before the colon",
    head("Transfer-Encoding : chunked\r\n"),
    InvalidHeader,
    400,
    /Whitespace before the colon in request field "Transfer-Encoding"/,
  ],
  [
    "TE with a tab before the colon",
    head("Transfer-Encoding\t: chunked\r\n"),
    InvalidHeader,
    400,
    /Whitespace before the colon/,
  ],
  [
    "TE name with a non-token character",
    head("Transfer_Encoding\x7f: chunked\r\n"),
    InvalidHeader,
    400,
    /Invalid character in request field name/,
  ],
  // Content-Length (RFC 9110 §8.6)
  [
    "duplicate identical Content-Length",
    head("Content-Length: 5\r\nContent-Length: 5\r\n"),
    BadHttpMessage,
    400,
    /Duplicate Content-Length header/,
  ],
  [
    "duplicate different Content-Length",
    head("Content-Length: 5\r\nContent-Length: 6\r\n"),
    BadHttpMessage,
    400,
    /Duplicate Content-Length header/,
  ],
  [
    "Content-Length list of equal values",
    head("Content-Length: 5, 5\r\n"),
    InvalidHeader,
    400,
    /Invalid Content-Length: "5, 5"/,
  ],
  [
    "Content-Length with a plus sign",
    head("Content-Length: +5\r\n"),
    InvalidHeader,
    400,
    /Invalid Content-Length: "\+5"/,
  ],
  [
    "Content-Length with a minus sign",
    head("Content-Length: -1\r\n"),
    InvalidHeader,
    400,
    /Invalid Content-Length: "-1"/,
  ],
  [
    "Content-Length with a space between digits",
    head("Content-Length: 1 0\r\n"),
    InvalidHeader,
    400,
    /Invalid Content-Length: "1 0"/,
  ],
  [
    "Content-Length in hexadecimal",
    head("Content-Length: 0x10\r\n"),
    InvalidHeader,
    400,
    /Invalid Content-Length/,
  ],
  [
    "Content-Length with a decimal point",
    head("Content-Length: 5.0\r\n"),
    InvalidHeader,
    400,
    /Invalid Content-Length/,
  ],
  [
    "Content-Length with non-ASCII digits",
    head("Content-Length: \xd9\xa1\r\n"),
    InvalidHeader,
    400,
    /Invalid Content-Length/,
  ],
  [
    "Content-Length empty",
    head("Content-Length: \r\n"),
    InvalidHeader,
    400,
    /Invalid Content-Length: ""/,
  ],
  [
    "Content-Length past 2^53 - 1",
    head("Content-Length: 9007199254740992\r\n"),
    InvalidHeader,
    400,
    /Content-Length is too large/,
  ],
  [
    "Content-Length with a space before the colon",
    head("Content-Length : 5\r\n"),
    InvalidHeader,
    400,
    /Whitespace before the colon/,
  ],
  // Field syntax (RFC 9112 §5)
  [
    "obs-fold continuation line",
    head("X-Folded: a\r\n b\r\n"),
    InvalidHeader,
    400,
    /Obsolete line folding \(obs-fold\)/,
  ],
  [
    "obs-fold continuation line with a tab",
    head("X-Folded: a\r\n\tb\r\n"),
    InvalidHeader,
    400,
    /obs-fold/,
  ],
  [
    "whitespace before the first field line",
    "GET / HTTP/1.1\r\n Host: example.com\r\n\r\n",
    InvalidHeader,
    400,
    /Whitespace before the first request field line/,
  ],
  [
    "field line without a colon",
    head("X-No-Colon\r\n"),
    InvalidHeader,
    400,
    /request field line has no colon/i,
  ],
  ["empty field name", head(": value\r\n"), InvalidHeader, 400, /Empty request field name/],
  [
    "field name with a slash",
    head("X/Y: a\r\n"),
    InvalidHeader,
    400,
    /Invalid character in request field name "X\/Y"/,
  ],
  [
    "field name with obs-text",
    head("X\xe9: a\r\n"),
    InvalidHeader,
    400,
    /Invalid character in request field name/,
  ],
  // Line endings (RFC 9112 §2.2)
  [
    "bare LF ending a field line",
    "GET / HTTP/1.1\r\nHost: example.com\nX: y\r\n\r\n",
    InvalidHeader,
    400,
    /Bare LF in request field line/,
  ],
  [
    "bare LF ending the request line",
    "GET / HTTP/1.1\nHost: example.com\r\n\r\n",
    BadStatusLine,
    400,
    /Bare LF in request line/,
  ],
  [
    "bare LF line endings throughout",
    "GET / HTTP/1.1\nHost: example.com\n\n",
    BadStatusLine,
    400,
    /Bare LF in request line/,
  ],
  [
    "bare LF as the empty line",
    "GET / HTTP/1.1\r\nHost: example.com\r\n\n",
    InvalidHeader,
    400,
    /Bare LF in request field line/,
  ],
  [
    "bare CR ending a field line",
    "GET / HTTP/1.1\r\nHost: example.com\rX: y\r\n\r\n",
    InvalidHeader,
    400,
    /Bare CR in request field line/,
  ],
  [
    "bare CR inside the request line",
    "GET /\r HTTP/1.1\r\nHost: example.com\r\n\r\n",
    BadStatusLine,
    400,
    /Bare CR in request line/,
  ],
  [
    "bare LF before the request line",
    "\nGET / HTTP/1.1\r\nHost: example.com\r\n\r\n",
    BadStatusLine,
    400,
    /Bare LF in request line/,
  ],
  // Control characters in values (RFC 9110 §5.5)
  [
    "NUL in a field value",
    head("X: a\x00b\r\n"),
    InvalidHeader,
    400,
    /Invalid character 0x00 in request field "X" value/,
  ],
  ["DEL in a field value", head("X: a\x7fb\r\n"), InvalidHeader, 400, /Invalid character 0x7f/],
  ["SOH in a field value", head("X: \x01\r\n"), InvalidHeader, 400, /Invalid character 0x01/],
  ["ESC in a field value", head("X: a\x1b[0m\r\n"), InvalidHeader, 400, /Invalid character 0x1b/],
  // Request line (RFC 9112 §3)
  [
    "two spaces between method and target",
    "GET  / HTTP/1.1\r\nHost: example.com\r\n\r\n",
    BadStatusLine,
    400,
    /single spaces/,
  ],
  [
    "two spaces between target and version",
    "GET /  HTTP/1.1\r\nHost: example.com\r\n\r\n",
    BadStatusLine,
    400,
    /single spaces/,
  ],
  [
    "space inside the request target",
    "GET /a b HTTP/1.1\r\nHost: example.com\r\n\r\n",
    BadStatusLine,
    400,
    /single spaces/,
  ],
  [
    "tab as a request line separator",
    "GET\t/ HTTP/1.1\r\nHost: example.com\r\n\r\n",
    BadStatusLine,
    400,
    /single spaces/,
  ],
  [
    "leading space before the method",
    " GET / HTTP/1.1\r\nHost: example.com\r\n\r\n",
    BadStatusLine,
    400,
    /single spaces|Invalid method/,
  ],
  [
    "NUL in the request target",
    "GET /\x00 HTTP/1.1\r\nHost: example.com\r\n\r\n",
    InvalidURLError,
    400,
    /Invalid request target/,
  ],
  [
    "DEL in the request target",
    "GET /\x7f HTTP/1.1\r\nHost: example.com\r\n\r\n",
    InvalidURLError,
    400,
    /Invalid request target/,
  ],
  [
    "method with a non-token character",
    "GE(T / HTTP/1.1\r\nHost: example.com\r\n\r\n",
    BadStatusLine,
    400,
    /Invalid method: "GE\(T"/,
  ],
  [
    "asterisk-form with GET",
    "GET * HTTP/1.1\r\nHost: example.com\r\n\r\n",
    InvalidURLError,
    400,
    /for OPTIONS only/,
  ],
  [
    "CONNECT with an origin-form target",
    "CONNECT / HTTP/1.1\r\nHost: example.com\r\n\r\n",
    InvalidURLError,
    400,
    /authority-form/,
  ],
  [
    "CONNECT authority without a port",
    "CONNECT example.com HTTP/1.1\r\nHost: example.com\r\n\r\n",
    InvalidURLError,
    400,
    /authority-form/,
  ],
  [
    "relative request target",
    "GET index.html HTTP/1.1\r\nHost: example.com\r\n\r\n",
    InvalidURLError,
    400,
    /Invalid request target/,
  ],
  // Versions (RFC 9112 §2.3)
  [
    "lower-case version",
    "GET / http/1.1\r\nHost: example.com\r\n\r\n",
    BadStatusLine,
    400,
    /Invalid HTTP version: "http\/1.1"/,
  ],
  [
    "two-digit minor version",
    "GET / HTTP/1.10\r\nHost: example.com\r\n\r\n",
    BadStatusLine,
    400,
    /Invalid HTTP version/,
  ],
  [
    "version without a minor",
    "GET / HTTP/1\r\nHost: example.com\r\n\r\n",
    BadStatusLine,
    400,
    /Invalid HTTP version/,
  ],
  [
    "HTTP/2.0 in an HTTP/1 request line",
    "GET / HTTP/2.0\r\nHost: example.com\r\n\r\n",
    BadStatusLine,
    505,
    /HTTP version not supported: HTTP\/2.0/,
  ],
  [
    "HTTP/0.9 request line",
    "GET / HTTP/0.9\r\nHost: example.com\r\n\r\n",
    BadStatusLine,
    505,
    /HTTP version not supported/,
  ],
  // Host (RFC 9112 §3.2)
  [
    "HTTP/1.1 request without Host",
    "GET / HTTP/1.1\r\nX: y\r\n\r\n",
    BadHttpMessage,
    400,
    /Missing Host header/,
  ],
  [
    "HTTP/1.1 request with two Host fields",
    "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
    BadHttpMessage,
    400,
    /Duplicate Host header/,
  ],
  [
    "HTTP/1.1 request with the same Host twice",
    "GET / HTTP/1.1\r\nHost: a\r\nhost: a\r\n\r\n",
    BadHttpMessage,
    400,
    /Duplicate Host header/,
  ],
  [
    "Host with a space inside",
    "GET / HTTP/1.1\r\nHost: a b\r\n\r\n",
    BadHttpMessage,
    400,
    /Invalid Host header: "a b"/,
  ],
  [
    "Host with a path",
    "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n",
    BadHttpMessage,
    400,
    /Invalid Host header/,
  ],
  [
    "Host with a port that is not a number",
    "GET / HTTP/1.1\r\nHost: a:8x\r\n\r\n",
    BadHttpMessage,
    400,
    /Invalid Host header: "a:8x"/,
  ],
  [
    "Host with userinfo",
    "GET / HTTP/1.1\r\nHost: user@a:80\r\n\r\n",
    BadHttpMessage,
    400,
    /Invalid Host header: "user@a:80"/,
  ],
  [
    "Host with an unclosed IP literal",
    "GET / HTTP/1.1\r\nHost: [::1:80\r\n\r\n",
    BadHttpMessage,
    400,
    /Invalid Host header: "\[::1:80"/,
  ],
  // Chunked framing (RFC 9112 §7.1)
  [
    "chunk size with a 0x prefix",
    chunked("0x5\r\nhello\r\n0\r\n\r\n"),
    TransferEncodingError,
    400,
    /Invalid chunk size or extension: "0x5"/,
  ],
  [
    "chunk size that is not hex",
    chunked("g\r\nhello\r\n0\r\n\r\n"),
    TransferEncodingError,
    400,
    /Invalid chunk size: "g"/,
  ],
  [
    "chunk size with a leading space",
    chunked(" 5\r\nhello\r\n0\r\n\r\n"),
    TransferEncodingError,
    400,
    /Invalid chunk size: " 5"/,
  ],
  [
    "chunk size with a trailing space",
    chunked("5 \r\nhello\r\n0\r\n\r\n"),
    TransferEncodingError,
    400,
    /Invalid chunk size or extension: "5 "/,
  ],
  [
    "chunk size with trailing junk",
    chunked("5x\r\nhello\r\n0\r\n\r\n"),
    TransferEncodingError,
    400,
    /Invalid chunk size or extension/,
  ],
  [
    "negative chunk size",
    chunked("-5\r\nhello\r\n0\r\n\r\n"),
    TransferEncodingError,
    400,
    /Invalid chunk size: "-5"/,
  ],
  [
    "empty chunk size",
    chunked("\r\nhello\r\n0\r\n\r\n"),
    TransferEncodingError,
    400,
    /Invalid chunk size: ""/,
  ],
  [
    "chunk size past 2^53 - 1",
    chunked("20000000000000\r\n"),
    TransferEncodingError,
    400,
    /Chunk size is too large/,
  ],
  [
    "chunk size with 17 hex digits",
    chunked("fffffffffffffffff\r\n"),
    TransferEncodingError,
    400,
    /Chunk size is too large/,
  ],
  [
    "chunk extension without a name",
    chunked("5;\r\nhello\r\n0\r\n\r\n"),
    TransferEncodingError,
    400,
    /extension/,
  ],
  [
    "chunk extension with a control character",
    chunked("5;a=\x01\r\nhello\r\n0\r\n\r\n"),
    TransferEncodingError,
    400,
    /extension/,
  ],
  [
    "chunk extension with an unterminated quoted string",
    chunked('5;a="b\r\nhello\r\n0\r\n\r\n'),
    TransferEncodingError,
    400,
    /extension/,
  ],
  [
    "chunk extension with a bare CR",
    chunked("5;a\rb\r\nhello\r\n0\r\n\r\n"),
    TransferEncodingError,
    400,
    /extension/,
  ],
  [
    "bare LF after the chunk size",
    chunked("5\nhello\r\n0\r\n\r\n"),
    TransferEncodingError,
    400,
    /Bare LF after chunk size/,
  ],
  [
    "missing CRLF after chunk data",
    chunked("5\r\nhelloX0\r\n\r\n"),
    TransferEncodingError,
    400,
    /Missing CRLF after chunk data: found 0x58/,
  ],
  [
    "bare LF after chunk data",
    chunked("5\r\nhello\n0\r\n\r\n"),
    TransferEncodingError,
    400,
    /Missing CRLF after chunk data: found 0x0a/,
  ],
  [
    "chunk data longer than its size",
    chunked("3\r\nhello\r\n0\r\n\r\n"),
    TransferEncodingError,
    400,
    /Missing CRLF after chunk data: found 0x6c/,
  ],
  [
    "bare LF in the trailer section",
    chunked("0\r\nX: y\nZ: w\r\n\r\n"),
    InvalidHeader,
    400,
    /Bare LF in trailer field line/,
  ],
  [
    "obs-fold in the trailer section",
    chunked("0\r\nX: y\r\n z\r\n\r\n"),
    InvalidHeader,
    400,
    /obs-fold|Whitespace before the first/,
  ],
];

describe("request smuggling vectors", () => {
  it.each(vectors)("rejects %s", (_name, input, errorClass, code, message) => {
    expectErrorEverySplit(input, errorClass, code, message);
  });

  it.each([
    ["foo", "chunked"],
    ["chunked", "foo"],
    ["chunked", "chunked"],
    ["gzip", "chunked"],
    ["chunked", "gzip"],
  ])("rejects Transfer-Encoding %s then %s on two lines as it does on one", (first, second) => {
    const oneLine = parseRequests([
      Buffer.from(head(`Transfer-Encoding: ${first}, ${second}\r\n`)),
    ]);
    const twoLines = parseRequests([
      Buffer.from(head(`Transfer-Encoding: ${first}\r\nTransfer-Encoding: ${second}\r\n`)),
    ]);
    expect(oneLine.error).toBeInstanceOf(TransferEncodingError);
    expect(describeError(twoLines.error)).toEqual(describeError(oneLine.error));
  });

  it("rejects a request that ends inside a Content-Length body at EOF", () => {
    const { error } = parseRequests(
      [Buffer.from(`${head("Content-Length: 10\r\n")}abc`)],
      undefined,
      true,
    );
    expect(error).toBeInstanceOf(ContentLengthError);
    expect((error as ContentLengthError).message).toMatch(/7 more bytes were expected/);
  });

  it("rejects a request that ends inside a chunked body at EOF", () => {
    const { error } = parseRequests([Buffer.from(chunked("5\r\nhel"))], undefined, true);
    expect(error).toBeInstanceOf(TransferEncodingError);
  });

  it("reads a request with neither Content-Length nor Transfer-Encoding as having no body", () => {
    // RFC 9112 §6.3 item 7: the bytes after the head are the next request.
    const result = parseEverySplit(`${head("")}GET /next HTTP/1.1\r\nHost: example.com\r\n\r\n`);
    expect(result.messages.map(({ message, body }) => [message.method, body])).toEqual([
      ["POST", ""],
      ["GET", ""],
    ]);
  });

  it("drops Content-Length and Transfer-Encoding sent as trailers", () => {
    const result = parseEverySplit(
      chunked(
        "0\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\nHost: evil\r\nX-Ok: 1\r\n\r\n",
      ),
    );
    expect(result.messages[0]!.trailers).toEqual([["X-Ok", "1"]]);
  });

  it("accepts CONNECT's tunnel bytes only as the upgraded tail", () => {
    const result = parseEverySplit(
      "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\nContent-Length: 3\r\n\r\nGET / HTTP/1.1\r\n\r\n",
    );
    expect(result.messages).toHaveLength(1);
    expect(result.upgraded).toBe(true);
    expect(result.tail).toBe("GET / HTTP/1.1\r\n\r\n");
  });

  it("keeps the parser failed after the first error", () => {
    const { error } = parseRequests([
      Buffer.from("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"),
      Buffer.from("GET / HTTP/1.1\r\nHost: a\r\n\r\n"),
    ]);
    expect(error).toBeInstanceOf(BadHttpMessage);
  });
});
