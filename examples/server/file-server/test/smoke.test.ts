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

describe("server file-server example", () => {
  it("serves index.html, ranges and 304s", async () => {
    const url = await start();
    const response = await request(url);
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("text/html; charset=utf-8");
    const etag = response.headers.etag as string;
    expect(await response.body.text()).toContain("Hello from the file server.");
    const cached = await request(url, { headers: { "If-None-Match": etag } });
    expect(cached.statusCode).toBe(304);
    await cached.body.dump();
    const partial = await request(`${url}style.css`, { headers: { Range: "bytes=0-3" } });
    expect(partial.statusCode).toBe(206);
    expect(await partial.body.text()).toBe("body");
  });

  it("answers 404 and refuses to leave its root", async () => {
    const url = await start();
    const missing = await request(`${url}nope.txt`);
    expect(missing.statusCode).toBe(404);
    await missing.body.dump();
    const escaped = await request(`${url}..%2Fpackage.json`);
    expect(escaped.statusCode).toBe(403);
    await escaped.body.dump();
  });
});
