import { testClient } from "@ll/test-utils";
import { fetch } from "undici";
import { describe, expect, it } from "vitest";
import { pickRequestId, resolveRequestId } from "../src/request-id.js";
import { Response } from "../src/response.js";
import { Server } from "../src/server.js";
import { recordingLogger } from "./helpers/serve.js";

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("requestId option", () => {
  it("is off by default: request.id is undefined and no header is added", async () => {
    await using served = await testClient((request) => new Response({ text: String(request.id) }));
    const { origin: url } = served.server;
    const response = await fetch(url, { headers: { "x-request-id": "given" } });
    expect(await response.text()).toBe("undefined");
    expect(response.headers.get("x-request-id")).toBeNull();
  });

  it("keeps a valid X-Request-Id from the client and echoes it", async () => {
    await using served = await testClient((request) => new Response({ text: request.id! }), {
      requestId: true,
    });
    const { origin: url } = served.server;
    const response = await fetch(url, { headers: { "x-request-id": "abc-123_{x}" } });
    expect(await response.text()).toBe("abc-123_{x}");
    expect(response.headers.get("x-request-id")).toBe("abc-123_{x}");
  });

  it.each([
    ["with a space", "a b"],
    ["too long", "x".repeat(201)],
    ["non-ASCII", "caf\u00e9"],
  ])("replaces an id %s with a new UUID", async (_what, given) => {
    await using served = await testClient((request) => new Response({ text: request.id! }), {
      requestId: true,
    });
    const { origin: url } = served.server;
    const response = await fetch(url, {
      headers: { "x-request-id": Buffer.from(given, "latin1").toString("latin1") },
    });
    const id = await response.text();
    expect(id).toMatch(UUID_RE);
    expect(response.headers.get("x-request-id")).toBe(id);
  });

  it("keeps an id of exactly 200 characters", () => {
    const options = resolveRequestId(true)!;
    const id = "y".repeat(200);
    expect(pickRequestId(options, { get: () => id })).toBe(id);
  });

  it("uses the header and generator given", async () => {
    let count = 0;
    await using served = await testClient((request) => new Response({ text: request.id! }), {
      requestId: { header: "X-Trace", generate: () => `id-${++count}` },
    });
    const { origin: url } = served.server;
    const first = await fetch(url);
    expect(await first.text()).toBe("id-1");
    expect(first.headers.get("x-trace")).toBe("id-1");
    const second = await fetch(url, { headers: { "x-trace": "mine" } });
    expect(await second.text()).toBe("mine");
  });

  it("does not replace a header the handler set", async () => {
    await using served = await testClient(
      () => new Response({ text: "ok", headers: { "X-Request-Id": "handler" } }),
      { requestId: true },
    );
    const { origin: url } = served.server;
    expect((await fetch(url)).headers.get("x-request-id")).toBe("handler");
  });

  it("shares the id with a clone of the request", async () => {
    await using served = await testClient(
      (request) => new Response({ text: request.clone({ remote: "10.0.0.1" }).id! }),
      { requestId: { generate: () => "fixed" } },
    );
    const { origin: url } = served.server;
    expect(await (await fetch(url)).text()).toBe("fixed");
  });

  it("puts the id in error logs and the access log", async () => {
    const logger = recordingLogger();
    const access = recordingLogger();
    const failure = new Error("boom");
    await using served = await testClient(
      () => {
        throw failure;
      },
      { logger, accessLog: access, accessLogFormat: "%s", requestId: true },
    );
    const { origin: url } = served.server;
    const response = await fetch(url, { headers: { "x-request-id": "req-9" } });
    expect(response.status).toBe(500);
    expect(response.headers.get("x-request-id")).toBe("req-9");
    expect(logger.lines).toEqual([
      ["Error handling request from 127.0.0.1", failure, { requestId: "req-9" }],
    ]);
    expect(access.lines).toEqual([["500", { requestId: "req-9" }]]);
  });

  it("answers 500 and logs when the generator returns an invalid id", async () => {
    const logger = recordingLogger();
    await using served = await testClient(() => new Response({ text: "never" }), {
      logger,
      requestId: { generate: () => "not valid" },
    });
    const { origin: url } = served.server;
    expect((await fetch(url)).status).toBe(500);
    expect(logger.lines).toEqual([
      [
        "Error handling request from 127.0.0.1",
        new TypeError("requestId.generate must return 1-200 visible ASCII characters"),
      ],
    ]);
  });

  it.each([
    ["a string", "yes", "requestId must be a boolean or an object { header?, generate? }"],
    ["a bad header", { header: "X Bad" }, "requestId.header must be a header name (an HTTP token)"],
    [
      "a generator that is not a function",
      { generate: 1 },
      "requestId.generate must be a function",
    ],
  ])("rejects %s", (_what, value, message) => {
    expect(() => new Server(() => new Response(), { requestId: value as never })).toThrow(
      new TypeError(message),
    );
  });
});
