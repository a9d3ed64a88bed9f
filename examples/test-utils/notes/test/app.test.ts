import type { Response } from "@ll/server";
import { inject, makeMockedRequest, testClient } from "@ll/test-utils";
import { describe, expect, it } from "vitest";
import { createApp } from "../src/app.js";

describe("notes app", () => {
  // Unit test: the handler called with a request built in memory.
  it("creates a note from a mocked request", async () => {
    const app = createApp();
    const request = makeMockedRequest("POST", "/notes", {
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ text: "buy milk" }),
    });
    const response = (await app(request)) as Response;
    expect(response.status).toBe(201);
    expect(response.text).toBe('{"id":1,"text":"buy milk"}');
  });

  // Fast test: the real server code, in memory.
  it("answers 400 to a note without text, and 405 to PUT", async () => {
    const app = createApp();
    const bad = await inject(app, { method: "POST", url: "/notes", body: "{}" });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toBe('expected JSON {"text": "…"}');
    const put = await inject(app, { method: "PUT", url: "/notes" });
    expect(put.status).toBe(405);
    expect(put.headers.get("allow")).toBe("GET,POST");
  });

  // Integration test: a real server and client on 127.0.0.1.
  it("stores and lists notes over HTTP", async () => {
    await using client = await testClient(createApp());
    const created = await client.post("/notes", { body: JSON.stringify({ text: "call Ada" }) });
    expect(created.status).toBe(201);
    expect(await (await client.get("/notes/1")).json()).toEqual({ id: 1, text: "call Ada" });
    expect(await (await client.get("/notes")).json()).toEqual([{ id: 1, text: "call Ada" }]);
    expect((await client.get("/notes/2")).status).toBe(404);
  });

  // WebSocket test: the greeting sent right after the handshake is not lost.
  it("announces new notes on /live", async () => {
    await using client = await testClient(createApp());
    await using ws = await client.wsConnect("/live");
    expect(await ws.receiveJson()).toEqual({ notes: 0 });
    await client.post("/notes", { body: JSON.stringify({ text: "hello" }) });
    expect(await ws.receiveJson()).toEqual({ added: { id: 1, text: "hello" } });
  });
});
