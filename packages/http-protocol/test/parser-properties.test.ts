import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HttpProcessingError } from "../src/http-exceptions.js";
import { parseRequests, parseResponses, snapshot } from "./helpers/parse.js";

/** A request as the generator builds it, before serialization. */
interface GeneratedRequest {
  method: string;
  target: string;
  fields: [string, string][];
  framing: "none" | "length" | "chunked";
  body: Uint8Array;
  chunkSizes: number[];
  trailers: [string, string][];
}

// Names the parser interprets (framing, connection, singletons) are left out of random fields.
const SPECIAL = new Set([
  "host",
  "content-length",
  "transfer-encoding",
  "connection",
  "upgrade",
  "content-encoding",
  "content-location",
  "content-range",
  "content-type",
  "etag",
  "max-forwards",
  "server",
  "user-agent",
  "trailer",
  "te",
  "keep-alive",
  "authorization",
  "cookie",
  "set-cookie",
  "expect",
]);

const token = fc.stringMatching(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,12}$/);
const fieldName = token.filter((name) => !SPECIAL.has(name.toLowerCase()));
// A field value without surrounding whitespace: VCHAR / obs-text, with SP and HTAB inside.
const fieldValue = fc.oneof(
  fc.constant(""),
  fc.stringMatching(/^[\x21-\x7e\x80-\xff](?:[\t\x20-\x7e\x80-\xff]{0,20}[\x21-\x7e\x80-\xff])?$/),
);
const field = fc.tuple(fieldName, fieldValue);

const generatedRequest: fc.Arbitrary<GeneratedRequest> = fc.record({
  method: token.filter((method) => method !== "CONNECT"),
  // An origin-form target: visible ASCII but "#" (RFC 9112 §3.2).
  target: fc.stringMatching(/^\/[\x21\x22\x24-\x7e]{0,30}$/),
  fields: fc.array(field, { maxLength: 8 }),
  framing: fc.constantFrom("none" as const, "length" as const, "chunked" as const),
  body: fc.uint8Array({ maxLength: 64 }),
  chunkSizes: fc.array(fc.integer({ min: 1, max: 16 }), { maxLength: 8 }),
  trailers: fc.array(field, { maxLength: 3 }),
});

/** Serializes a generated request (a tiny test-only writer). */
function serialize(request: GeneratedRequest): Buffer {
  const lines = [`${request.method} ${request.target} HTTP/1.1`, "Host: example.com"];
  for (const [name, value] of request.fields) lines.push(`${name}: ${value}`);
  const body = request.framing === "none" ? new Uint8Array() : request.body;
  if (request.framing === "length") lines.push(`Content-Length: ${body.length}`);
  if (request.framing === "chunked") lines.push("Transfer-Encoding: chunked");
  const parts: Buffer[] = [Buffer.from(`${lines.join("\r\n")}\r\n\r\n`, "latin1")];
  if (request.framing === "chunked") {
    let offset = 0;
    let index = 0;
    while (offset < body.length) {
      const size = Math.min(
        request.chunkSizes[index++ % Math.max(1, request.chunkSizes.length)] ?? 7,
        body.length - offset,
      );
      parts.push(
        Buffer.from(`${size.toString(16)}${index % 2 ? ";ext=1" : ""}\r\n`),
        Buffer.from(body.subarray(offset, offset + size)),
        Buffer.from("\r\n"),
      );
      offset += size;
    }
    const trailers = request.trailers.map(([name, value]) => `${name}: ${value}\r\n`).join("");
    parts.push(Buffer.from(`0\r\n${trailers}\r\n`, "latin1"));
  } else {
    parts.push(Buffer.from(body));
  }
  return Buffer.concat(parts);
}

/** Cuts `data` at the given offsets (taken modulo its length). */
function cut(data: Buffer, offsets: number[]): Buffer[] {
  const points = [...new Set(offsets.map((offset) => offset % (data.length + 1)))].sort(
    (a, b) => a - b,
  );
  const chunks: Buffer[] = [];
  let previous = 0;
  for (const point of points) {
    chunks.push(data.subarray(previous, point));
    previous = point;
  }
  chunks.push(data.subarray(previous));
  return chunks;
}

const offsets = fc.array(fc.nat({ max: 10_000 }), { maxLength: 12 });

describe("parser properties", () => {
  it("(a) gives the same messages for any split of a valid stream", () => {
    fc.assert(
      fc.property(
        fc.array(generatedRequest, { minLength: 1, maxLength: 4 }),
        offsets,
        (requests, cuts) => {
          const data = Buffer.concat(requests.map(serialize));
          const whole = snapshot(parseRequests([data]));
          expect(snapshot(parseRequests(cut(data, cuts)))).toEqual(whole);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("(a) gives the same responses for any split of a valid stream", () => {
    const response = fc.record({
      code: fc.integer({ min: 100, max: 599 }),
      reason: fc.stringMatching(/^[\t\x20-\x7e\x80-\xff]{0,20}$/),
      fields: fc.array(field, { maxLength: 6 }),
      chunked: fc.boolean(),
      body: fc.uint8Array({ maxLength: 40 }),
    });
    fc.assert(
      fc.property(
        fc.array(response, { minLength: 1, maxLength: 3 }),
        offsets,
        (responses, cuts) => {
          const data = Buffer.concat(
            responses.map(({ code, reason, fields, chunked, body }) => {
              const lines = [
                `HTTP/1.1 ${code} ${reason}`,
                ...fields.map(([name, value]) => `${name}: ${value}`),
              ];
              const noBody = code < 200 || code === 204 || code === 304;
              lines.push(
                chunked
                  ? "Transfer-Encoding: chunked"
                  : `Content-Length: ${noBody ? 0 : body.length}`,
              );
              const payload = noBody
                ? []
                : chunked
                  ? [
                      Buffer.from(`${body.length.toString(16)}\r\n`),
                      Buffer.from(body),
                      Buffer.from("\r\n0\r\n\r\n"),
                    ]
                  : [Buffer.from(body)];
              if (chunked && !noBody && body.length === 0)
                payload.splice(0, 3, Buffer.from("0\r\n\r\n"));
              return Buffer.concat([
                Buffer.from(`${lines.join("\r\n")}\r\n\r\n`, "latin1"),
                ...payload,
              ]);
            }),
          );
          const whole = parseResponses([data], undefined, true);
          expect(whole.error).toBeUndefined();
          expect(snapshot(parseResponses(cut(data, cuts), undefined, true))).toEqual(
            snapshot(whole),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it("(b) turns arbitrary bytes into messages or an HttpProcessingError, nothing else", () => {
    const prefixes = [
      "",
      "GET / HTTP/1.1\r\n",
      "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n",
      "HTTP/1.1 200 OK\r\n",
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...prefixes),
        fc.uint8Array({ maxLength: 300 }),
        offsets,
        (prefix, bytes, cuts) => {
          const data = Buffer.concat([Buffer.from(prefix, "latin1"), bytes]);
          for (const result of [
            parseRequests(cut(data, cuts), undefined, true),
            parseResponses(cut(data, cuts), undefined, true),
          ]) {
            if (result.error !== undefined)
              expect(result.error).toBeInstanceOf(HttpProcessingError);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it("(b) survives arbitrary bytes drawn from the HTTP alphabet", () => {
    const alphabet = fc.constantFrom(
      ..."GET POST / HTTP/1.1 \r\n:;=0aF\t\x00\x7f\xff-chunked Content-Length Transfer-Encoding Host".split(
        "",
      ),
    );
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 400 }), offsets, (characters, cuts) => {
        const data = Buffer.from(characters.join(""), "latin1");
        const result = parseRequests(cut(data, cuts), undefined, true);
        if (result.error !== undefined) expect(result.error).toBeInstanceOf(HttpProcessingError);
      }),
      { numRuns: 500 },
    );
  });

  it("(c) parses back what was serialized", () => {
    fc.assert(
      fc.property(fc.array(generatedRequest, { minLength: 1, maxLength: 3 }), (requests) => {
        const result = parseRequests([Buffer.concat(requests.map(serialize))], undefined, true);
        expect(result.error).toBeUndefined();
        expect(result.messages).toHaveLength(requests.length);
        requests.forEach((request, index) => {
          const { message, body, trailers, complete } = result.messages[index]!;
          expect(message.method).toBe(request.method);
          expect(message.path).toBe(request.target);
          expect(message.rawHeaders.slice(2, 2 + request.fields.length * 2)).toEqual(
            request.fields.flat(),
          );
          expect(message.chunked).toBe(request.framing === "chunked");
          expect(Buffer.from(body, "latin1")).toEqual(
            Buffer.from(request.framing === "none" ? [] : request.body),
          );
          if (request.framing === "chunked" && request.trailers.length > 0)
            expect(trailers).toEqual(request.trailers);
          expect(complete).toBe(true);
        });
      }),
      { numRuns: 300 },
    );
  });
});
