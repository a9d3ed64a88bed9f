import { describe, expect, it } from "vitest";
import { HttpRequestParser } from "../src/http-request-parser.js";

const GET = (path: string) => `GET ${path} HTTP/1.1\r\nHost: a\r\n\r\n`;
const POST_LENGTH = "POST /length HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello";
const POST_CHUNKED =
  "POST /chunked HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n";

/** A parser that pauses itself after every `batch` messages, recording what it sees. */
function batchingParser(batch: number) {
  const events: string[] = [];
  let sinceResume = 0;
  const parser: HttpRequestParser = new HttpRequestParser({
    onMessage(message) {
      events.push(`head ${message.path}`);
      if (++sinceResume === batch) parser.pause();
    },
    onBody(chunk) {
      events.push(`body ${chunk.toString("latin1")}`);
    },
    onMessageComplete() {
      events.push("end");
    },
  });
  return {
    parser,
    events,
    resume() {
      sinceResume = 0;
      parser.resume();
    },
  };
}

/** What the events say once adjacent body pieces are joined (splits cut bodies anywhere). */
function joined(events: string[]): string[] {
  const out: string[] = [];
  for (const event of events) {
    const last = out[out.length - 1];
    if (event.startsWith("body ") && last?.startsWith("body "))
      out[out.length - 1] = last + event.slice(5);
    else out.push(event);
  }
  return out;
}

describe("HttpParser", () => {
  describe("#pause", () => {
    const input = GET("/1") + POST_LENGTH + GET("/2") + POST_CHUNKED + GET("/3");
    const all = [
      "head /1",
      "end",
      "head /length",
      "body hello",
      "end",
      "head /2",
      "end",
      "head /chunked",
      "body abc",
      "end",
      "head /3",
      "end",
    ];

    it("stops after the message in progress and keeps the rest for resume()", () => {
      const { parser, events, resume } = batchingParser(2);
      parser.feedData(Buffer.from(input));
      expect(parser.paused).toBe(true);
      // The second message's body completes before the pause takes effect.
      expect(events).toEqual(all.slice(0, 5));
      resume();
      expect(events).toEqual(all.slice(0, 10));
      resume();
      expect(events).toEqual(all);
      expect(parser.paused).toBe(false);
    });

    it.each([1, 2, 3])(
      "gives the same messages for every split, %i message(s) a batch",
      (batch) => {
        for (let split = 0; split <= input.length; split++) {
          const { parser, events, resume } = batchingParser(batch);
          parser.feedData(Buffer.from(input.slice(0, split)));
          parser.feedData(Buffer.from(input.slice(split)));
          for (let round = 0; round < 10 && parser.paused; round++) resume();
          expect(joined(events), `split at ${split}`).toEqual(all);
        }
      },
    );

    it("parses nothing while paused between messages", () => {
      const { parser, events, resume } = batchingParser(1);
      parser.feedData(Buffer.from(GET("/1")));
      expect(events).toEqual(["head /1", "end"]);
      parser.feedData(Buffer.from(GET("/2")));
      parser.feedData(Buffer.from(GET("/3")));
      expect(events).toEqual(["head /1", "end"]);
      resume();
      expect(events).toEqual(["head /1", "end", "head /2", "end"]);
      resume();
      expect(events).toEqual(["head /1", "end", "head /2", "end", "head /3", "end"]);
    });

    it("refuses feedEof() while bytes wait unparsed", () => {
      const { parser, resume } = batchingParser(1);
      parser.feedData(Buffer.from(GET("/1") + GET("/2")));
      expect(() => parser.feedEof()).toThrow(
        new Error("feedEof() while paused with unparsed bytes: resume() first"),
      );
      resume();
      expect(() => parser.feedEof()).not.toThrow();
    });
  });
});
