import { testClient } from "@ll/test-utils";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { fetchHandler } from "../src/fetch-handler.js";

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
});
