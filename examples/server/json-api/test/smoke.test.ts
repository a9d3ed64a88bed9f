import type { ChildProcess } from "node:child_process";
import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { startExample } from "../../../start-example.js";

const main = new URL("../dist/main.js", import.meta.url);
let child: ChildProcess | undefined;

afterEach(() => {
  child?.kill();
  child = undefined;
});

/** Starts the built example on a free port and returns the URL it prints. */
async function start(): Promise<string> {
  const started = await startExample(main, { ready: /(http:\/\/\S+?:\d+\/)/ });
  child = started.child;
  return started.url;
}

describe("server json-api example", () => {
  it("creates, lists and deletes todos", async () => {
    const url = await start();
    const created = await request(`${url}todos`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ title: "write tests" }),
    });
    expect(created.statusCode).toBe(201);
    expect(await created.body.json()).toEqual({ id: 1, title: "write tests", done: false });
    const listed = await request(`${url}todos`, { headers: { "Accept-Encoding": "identity" } });
    expect(listed.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(await listed.body.json()).toEqual([{ id: 1, title: "write tests", done: false }]);
    const compressed = await request(`${url}todos/1`, { headers: { "Accept-Encoding": "gzip" } });
    expect(compressed.headers["content-encoding"]).toBe("gzip");
    expect(compressed.headers.vary).toBe("Accept-Encoding");
    await compressed.body.dump();
    const deleted = await request(`${url}todos/1`, { method: "DELETE" });
    expect(deleted.statusCode).toBe(200);
    await deleted.body.dump();
    const gone = await request(`${url}todos/1`);
    expect(gone.statusCode).toBe(404);
    expect(await gone.body.text()).toBe("No todo 1");
  });

  it("answers 400 for a bad body", async () => {
    const url = await start();
    const response = await request(`${url}todos`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "{}",
    });
    expect(response.statusCode).toBe(400);
    expect(await response.body.text()).toBe('Expected a JSON object with a non-empty "title"');
  });
});
