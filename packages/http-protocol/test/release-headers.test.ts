import { describe, expect, it } from "vitest";
import type { RawRequestMessage } from "../src/http-request-parser.js";
import { HttpRequestParser } from "../src/http-request-parser.js";
import { HttpVersion } from "../src/http-version.js";
import { HttpMessageHead, releaseHeaders } from "../src/raw-http-message.js";

function parse(head: string): RawRequestMessage {
  const messages: RawRequestMessage[] = [];
  const parser = new HttpRequestParser({
    onMessage: (message) => messages.push(message),
    onBody: () => {},
    onMessageComplete: () => {},
  });
  parser.feedData(Buffer.from(head, "latin1"));
  expect(messages).toHaveLength(1);
  return messages[0]!;
}

describe("releaseHeaders", () => {
  it("drops the multi-dict and the field strings; both read back equal", () => {
    const message = parse(
      "GET /chat HTTP/1.1\r\nHost: example.com\r\nUpgrade: websocket\r\nX-Long-Value: abcdefghijklmnopqrstuvwxyz \xe9\r\nX-Empty:\r\n\r\n",
    );
    const headers = message.headers;
    const rawHeaders = message.rawHeaders;
    releaseHeaders(message);
    expect(message.rawHeaders).not.toBe(rawHeaders);
    expect(message.rawHeaders).toEqual([
      "Host",
      "example.com",
      "Upgrade",
      "websocket",
      "X-Long-Value",
      "abcdefghijklmnopqrstuvwxyz \xe9",
      "X-Empty",
      "",
    ]);
    expect(message.headers).not.toBe(headers);
    expect([...message.headers.entries()]).toEqual([...headers.entries()]);
    expect(message.headers.get("x-long-value")).toBe("abcdefghijklmnopqrstuvwxyz \xe9");
    // Once built again, they stay.
    expect(message.headers).toBe(message.headers);
    expect(message.rawHeaders).toBe(message.rawHeaders);
    expect(message.method).toBe("GET");
    expect(message.path).toBe("/chat");
  });

  it("leaves a message without fields, and one with a NUL set by hand, as they are", () => {
    const empty = parse("GET / HTTP/1.0\r\n\r\n");
    releaseHeaders(empty);
    expect(empty.rawHeaders).toEqual([]);
    expect([...empty.headers.entries()]).toEqual([]);
    const fields = ["X-A", "a\0b"];
    const byHand = new HttpMessageHead(
      new HttpVersion(1, 1),
      fields,
      false,
      undefined,
      false,
      false,
      undefined,
    );
    releaseHeaders(byHand);
    expect(byHand.rawHeaders).toBe(fields);
    expect(byHand.headers.get("x-a")).toBe("a\0b");
  });

  it("does nothing to a message of another kind", () => {
    const plain = {
      version: new HttpVersion(1, 1),
      rawHeaders: ["Host", "x"],
    } as unknown as RawRequestMessage;
    releaseHeaders(plain);
    expect(plain.rawHeaders).toEqual(["Host", "x"]);
  });
});
