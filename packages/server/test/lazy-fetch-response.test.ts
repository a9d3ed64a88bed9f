import { testClient } from "@ll/test-utils";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { fetchHandler } from "../src/fetch-handler.js";
import { RawClient, recordingLogger } from "./helpers/serve.js";

// Each test file runs in a process of its own: here the global Response is still Node's.
const NativeResponse = globalThis.Response;
type ResponseBody = ConstructorParameters<typeof globalThis.Response>[0];

describe("fetchHandler({ overrideGlobalResponse: true })", () => {
  it("sends deferred responses, and they still act as Responses", async () => {
    const app = new Hono();
    app.get("/", (c) => c.text("Hello"));
    app.get("/json", (c) => c.json({ ok: true }));
    app.get("/read", async () => {
      const inner = new globalThis.Response("inner");
      return new globalThis.Response(
        `${await inner.text()}:${inner instanceof globalThis.Response}`,
      );
    });
    await using served = await testClient(
      fetchHandler(app.fetch, { overrideGlobalResponse: true }),
    );
    const text = await served.get("/");
    expect(text.headers.get("content-length")).toBe("5");
    expect(await text.text()).toBe("Hello");
    const json = await served.get("/json");
    expect(json.headers.get("content-type")).toBe("application/json");
    expect(await json.json()).toEqual({ ok: true });
    expect(await (await served.get("/read")).text()).toBe("inner:true");
  });

  it("sends the exact heads of plain answers: status, reason, Content-Type, bytes, HEAD", async () => {
    const logger = recordingLogger();
    await using served = await testClient(
      fetchHandler(
        (request) => {
          const path = new URL(request.url).pathname;
          if (path === "/created") {
            return new globalThis.Response("made", { status: 201, statusText: "Made" });
          }
          if (path === "/bytes") {
            return new globalThis.Response(new Uint8Array([104, 105]), {
              headers: { "Content-Type": "application/x-bytes" },
            });
          }
          if (path === "/bad-type") {
            return new globalThis.Response("x", {
              headers: { "content-type": "text/plain\r\nX-Injected: 1" },
            });
          }
          return new globalThis.Response("Hello");
        },
        { overrideGlobalResponse: true },
      ),
      { logger },
    );
    const exchange = async (request: string, done: (text: string) => boolean) => {
      const client = await RawClient.connect(served.server.port);
      client.write(`${request} HTTP/1.1\r\nHost: example.com\r\n\r\n`);
      return client.until(done);
    };
    const head = (body: string) => `Date: <date>\r\nServer: ll-server\r\n\r\n${body}`;
    expect(await exchange("GET /created", (text) => text.endsWith("made"))).toBe(
      `HTTP/1.1 201 Made\r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Length: 4\r\n${head("made")}`,
    );
    expect(await exchange("GET /bytes", (text) => text.endsWith("hi"))).toBe(
      `HTTP/1.1 200 OK\r\nContent-Type: application/x-bytes\r\nContent-Length: 2\r\n${head("hi")}`,
    );
    expect(await exchange("HEAD /", (text) => text.endsWith("\r\n\r\n"))).toBe(
      `HTTP/1.1 200 OK\r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Length: 5\r\n${head("")}`,
    );
    const bad = await served.get("/bad-type");
    expect(bad.status).toBe(500);
    expect(logger.lines[0]![1]).toEqual(
      new TypeError('Invalid character CR (0x0d) in the value of header "content-type"'),
    );
  });
});

describe("the deferred Response", () => {
  it("acts as Node's: headers, body kinds, clone, errors", async () => {
    fetchHandler(() => new globalThis.Response());
    const Deferred = globalThis.Response;
    expect(Deferred).not.toBe(NativeResponse);
    const cases: [string, () => unknown][] = [
      ["string", () => "text"],
      ["bytes", () => new Uint8Array([1, 2])],
      ["params", () => new URLSearchParams({ a: "1 2" })],
      ["blob", () => new Blob(["b"], { type: "image/x-test" })],
      ["null", () => null],
    ];
    for (const [, body] of cases) {
      const made = new Deferred(body() as ResponseBody, {
        headers: { "X-A": "1" },
      });
      const native = new NativeResponse(body() as ResponseBody, {
        headers: { "X-A": "1" },
      });
      expect([...made.headers]).toEqual([...native.headers]);
      expect(made.headers).not.toBe(native.headers);
      expect(await made.clone().text()).toBe(await native.clone().text());
      expect([made.bodyUsed, made.status, made.ok, made instanceof NativeResponse]).toEqual([
        false,
        200,
        true,
        true,
      ]);
    }
    const changed = new Deferred("x");
    changed.headers.set("x-b", "2");
    expect(await changed.text()).toBe("x");
    expect([...changed.headers]).toEqual([
      ["content-type", "text/plain;charset=UTF-8"],
      ["x-b", "2"],
    ]);
    expect(Object.prototype.toString.call(changed)).toBe("[object Response]");
    expect(() => new Deferred("x", { status: 99 })).toThrow(
      new RangeError('init["status"] must be in the range of 200 to 599, inclusive.'),
    );
    expect(() => new Deferred("x", { status: 204 })).toThrow(
      new TypeError("Response constructor: Invalid response status code 204"),
    );
    const json = Deferred.json({ a: 1 }, { status: 201 });
    expect([json.status, json.headers.get("content-type"), await json.json()]).toEqual([
      201,
      "application/json",
      { a: 1 },
    ]);
  });
});
