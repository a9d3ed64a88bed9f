import { gzipSync } from "node:zlib";
import type { RawRequestMessage } from "@ll/http-protocol";
import { HttpRequestParser } from "@ll/http-protocol";
import { describe, expect, it } from "vitest";
import { type BodyFlow, PendingRequest } from "../src/pending-request.js";
import { EMPTY_PAYLOAD } from "../src/stream-reader.js";

function message(head: string): RawRequestMessage {
  let parsed: RawRequestMessage | undefined;
  const parser = new HttpRequestParser({
    onMessage: (value) => {
      parsed = value;
    },
    onBody() {},
    onMessageComplete() {},
  });
  parser.feedData(Buffer.from(head));
  return parsed!;
}

function recordingFlow() {
  const events: string[] = [];
  const flow: BodyFlow = {
    bodyPaused: (_entry, paused) => events.push(paused ? "pause" : "resume"),
    bodyReadStarted: () => events.push("read started"),
  };
  return { flow, events };
}

const POST = (fields: string) => `POST / HTTP/1.1\r\nHost: a\r\n${fields}\r\n`;

describe("PendingRequest", () => {
  describe(".bodiless", () => {
    it("shares the immutable empty body", async () => {
      const entry = PendingRequest.bodiless(message("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
      expect(entry.payload).toBe(EMPTY_PAYLOAD);
      expect(entry.bodyDone).toBe(true);
      entry.failBody(new Error("no"));
      EMPTY_PAYLOAD.setException(new Error("no"));
      EMPTY_PAYLOAD.feedData(Buffer.from("x"));
      expect((await EMPTY_PAYLOAD.read()).length).toBe(0);
      expect(() => EMPTY_PAYLOAD.unreadData(Buffer.from("x"))).toThrow(
        new Error("Cannot unread data into an empty request body"),
      );
    });
  });

  describe(".withBody", () => {
    it("feeds the body to its reader and tells when reading starts", async () => {
      const { flow, events } = recordingFlow();
      const entry = PendingRequest.withBody(
        message(POST("Content-Length: 5\r\n")),
        flow,
        undefined,
      );
      expect(entry.feedBody(Buffer.from("hel"))).toBe(true);
      entry.feedBody(Buffer.from("lo"));
      entry.endBody();
      expect((await entry.payload.read()).toString()).toBe("hello");
      expect(events).toEqual(["read started"]);
      expect(entry.received).toBe(5);
      expect(entry.readStarted).toBe(true);
    });

    it.each([
      ["Expect: 100-continue\r\n", "HTTP/1.1", true],
      ["Expect: 100-Continue \r\n", "HTTP/1.1", true],
      ["Expect: 100-continue\r\n", "HTTP/1.0", false],
      ["", "HTTP/1.1", false],
    ])("reads %j in %s as expecting 100 Continue: %s", (field, version, expected) => {
      const head = `POST / ${version}\r\nHost: a\r\nContent-Length: 1\r\n${field}\r\n`;
      const entry = PendingRequest.withBody(message(head), recordingFlow().flow, undefined);
      expect(entry.expectContinue).toBe(expected);
    });

    it("decompresses a body when given a limit", async () => {
      const gzipped = gzipSync("compressed");
      const head = POST(`Content-Encoding: gzip\r\nContent-Length: ${gzipped.length}\r\n`);
      const entry = PendingRequest.withBody(message(head), recordingFlow().flow, 1024);
      entry.feedBody(gzipped);
      entry.endBody();
      expect((await entry.payload.read()).toString()).toBe("compressed");
    });

    it("leaves a compressed body as sent without a limit", async () => {
      const gzipped = gzipSync("compressed");
      const head = POST(`Content-Encoding: gzip\r\nContent-Length: ${gzipped.length}\r\n`);
      const entry = PendingRequest.withBody(message(head), recordingFlow().flow, undefined);
      entry.feedBody(gzipped);
      entry.endBody();
      expect(await entry.payload.read()).toEqual(gzipped);
    });
  });

  describe("#failBody", () => {
    it("fails a waiting read once", async () => {
      const entry = PendingRequest.withBody(
        message(POST("Content-Length: 5\r\n")),
        recordingFlow().flow,
        undefined,
      );
      const read = entry.payload.read();
      entry.failBody(new Error("lost"));
      entry.failBody(new Error("again"));
      await expect(read).rejects.toThrow(new Error("lost"));
      expect(entry.bodyDone).toBe(true);
    });
  });

  describe("#startDiscarding", () => {
    it("counts what arrives after the answer and fails the reader", async () => {
      const entry = PendingRequest.withBody(
        message(POST("Content-Length: 10\r\n")),
        recordingFlow().flow,
        undefined,
      );
      entry.feedBody(Buffer.from("abc"));
      entry.startDiscarding();
      entry.feedBody(Buffer.from("defg"));
      expect(entry.discarded).toBe(4);
      await expect(entry.payload.read()).rejects.toThrow(
        new Error("The request body was not read before the response was sent"),
      );
    });
  });
});
