import { describe, expect, it } from "vitest";
import { LineTooLong, TransferEncodingError } from "../src/http-exceptions.js";
import { HttpRequestParser } from "../src/http-request-parser.js";
import { expectErrorEverySplit, parseEverySplit, parseRequests } from "./helpers/parse.js";

const post = (fields: string) => `POST /upload HTTP/1.1\r\nHost: example.com\r\n${fields}\r\n`;
const chunked = (body: string) => post("Transfer-Encoding: chunked\r\n") + body;

describe("HttpPayloadParser (through HttpRequestParser)", () => {
  describe("Content-Length", () => {
    // aiohttp: test_parse_length_payload, test_http_payload_parser_length
    it("reads exactly Content-Length bytes", () => {
      const result = parseEverySplit(
        `${post("Content-Length: 4\r\n")}dataGET / HTTP/1.1\r\nHost: a\r\n\r\n`,
      );
      expect(result.messages.map(({ body }) => body)).toEqual(["data", ""]);
      expect(result.messages[0]!.message.contentLength).toBe(4);
    });

    it("completes a zero Content-Length at once", () => {
      const result = parseEverySplit(post("Content-Length: 0\r\n"));
      expect(result.messages[0]).toMatchObject({ body: "", complete: true });
    });

    it("accepts leading zeros and surrounding whitespace", () => {
      const result = parseEverySplit(`${post("Content-Length: \t 003 \t\r\n")}abc`);
      expect(result.messages[0]!.body).toBe("abc");
      expect(result.messages[0]!.message.contentLength).toBe(3);
    });

    it("passes binary bytes through unchanged", () => {
      const body = Buffer.from([0, 13, 10, 255, 128, 13, 10, 13, 10]);
      const data = Buffer.concat([Buffer.from(post(`Content-Length: ${body.length}\r\n`)), body]);
      expect(Buffer.from(parseEverySplit(data).messages[0]!.body, "latin1")).toEqual(body);
    });

    it("reports a message as incomplete until its last byte", () => {
      const { messages } = parseRequests([Buffer.from(`${post("Content-Length: 5\r\n")}abcd`)]);
      expect(messages[0]).toMatchObject({ body: "abcd", complete: false });
    });
  });

  describe("chunked", () => {
    // aiohttp: test_http_request_chunked_payload
    it("decodes chunks", () => {
      const result = parseEverySplit(chunked("4\r\ndata\r\n4\r\nline\r\n0\r\n\r\n"));
      expect(result.messages[0]).toMatchObject({
        body: "dataline",
        complete: true,
        trailers: undefined,
      });
      expect(result.messages[0]!.message.chunked).toBe(true);
    });

    // aiohttp: test_http_request_chunked_payload_and_next_message
    it("reads the next message after the last chunk", () => {
      const result = parseEverySplit(
        `${chunked("4\r\ndata\r\n4\r\nline\r\n0\r\n\r\n")}POST /test2 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n`,
      );
      expect(result.messages.map(({ message, complete }) => [message.path, complete])).toEqual([
        ["/upload", true],
        ["/test2", false],
      ]);
    });

    it("accepts upper- and lower-case hex digits and leading zeros", () => {
      expect(
        parseEverySplit(
          chunked(`A\r\n${"x".repeat(10)}\r\n00b\r\n${"y".repeat(11)}\r\n000\r\n\r\n`),
        ).messages[0]!.body,
      ).toBe("x".repeat(10) + "y".repeat(11));
    });

    it("accepts Transfer-Encoding in any case and with OWS", () => {
      expect(
        parseEverySplit(`${post("Transfer-Encoding: \tChunked \r\n")}1\r\na\r\n0\r\n\r\n`)
          .messages[0]!.body,
      ).toBe("a");
    });

    // aiohttp: test_parse_chunked_payload_chunk_extension
    it.each([
      ["a name", "5;name\r\n"],
      ["a token value", "5;name=value\r\n"],
      ["a quoted value", '5;name="quoted \\" value; x=y"\r\n'],
      ["several extensions", '5;a=1;b;c="2"\r\n'],
      ["BWS around the semicolon and equals (RFC 9112 §7.1.1)", "5 ; a = 1\t;\tb\r\n"],
    ])("validates and ignores a chunk extension with %s", (_name, sizeLine) => {
      expect(parseEverySplit(chunked(`${sizeLine}hello\r\n0;last\r\n\r\n`)).messages[0]!.body).toBe(
        "hello",
      );
    });

    // aiohttp: test_http_request_chunked_payload_chunks
    it("hands each chunk's data as views of the fed buffers", () => {
      const bodies: Buffer[] = [];
      const parser = new HttpRequestParser({
        onMessage() {},
        onBody: (chunk) => bodies.push(chunk),
        onMessageComplete() {},
      });
      const data = Buffer.from(chunked("3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"));
      parser.feedData(data);
      expect(bodies.map(String)).toEqual(["abc", "de"]);
      expect(bodies.every((chunk) => chunk.buffer === data.buffer)).toBe(true);
    });

    it("parses trailers into a CIMultiDictProxy", () => {
      const result = parseEverySplit(
        chunked(
          "1\r\na\r\n0\r\nX-Checksum: abc\r\nx-checksum:  def \r\nServer-Timing: db;dur=53\r\n\r\n",
        ),
      );
      expect(result.messages[0]!.trailers).toEqual([
        ["X-Checksum", "abc"],
        ["x-checksum", "def"],
        ["Server-Timing", "db;dur=53"],
      ]);
    });

    it("gives trailers case-insensitive access", () => {
      let trailers: { get(name: string): string | undefined } | undefined;
      const parser = new HttpRequestParser({
        onMessage() {},
        onBody() {},
        onMessageComplete: (received) => {
          trailers = received;
        },
      });
      parser.feedData(Buffer.from(chunked("0\r\nExpires: never\r\n\r\n")));
      expect(trailers?.get("EXPIRES")).toBe("never");
    });

    it.each([
      "Content-Length",
      "Transfer-Encoding",
      "Host",
      "Content-Type",
      "Trailer",
      "Authorization",
    ])("drops a %s trailer (RFC 9110 §6.5.1)", (name) => {
      const result = parseEverySplit(chunked(`0\r\n${name}: x\r\nX-Kept: 1\r\n\r\n`));
      expect(result.messages[0]!.trailers).toEqual([["X-Kept", "1"]]);
    });

    it("limits the trailer section like the header section", () => {
      const trailers = Array.from({ length: 3 }, (_, index) => `X-${index}: ${index}\r\n`).join("");
      const { error } = parseRequests([Buffer.from(chunked(`0\r\n${trailers}\r\n`))], {
        maxHeaders: 2,
      });
      expect(error).toBeInstanceOf(LineTooLong);
      expect((error as LineTooLong).message).toBe(
        "Too many trailer fields: more than 2 (maxHeaders)",
      );
    });

    it("rejects a chunk size line over maxLineSize", () => {
      expectErrorEverySplit(
        chunked(`5;${"a".repeat(9000)}\r\nhello\r\n0\r\n\r\n`),
        TransferEncodingError,
        400,
        /Chunk size line is too long: more than 8190 bytes \(maxLineSize\)/,
      );
    });

    it("rejects an endless chunk size line before it ends", () => {
      const { error } = parseRequests([Buffer.from(chunked("5;")), Buffer.alloc(9000, "a")]);
      expect(error).toBeInstanceOf(TransferEncodingError);
    });

    it("accepts the largest safe chunk size and waits for its data", () => {
      const { error, messages } = parseRequests([Buffer.from(chunked("1fffffffffffff\r\nabc"))]);
      expect(error).toBeUndefined();
      expect(messages[0]).toMatchObject({ body: "abc", complete: false });
    });
  });
});
