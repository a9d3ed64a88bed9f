import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { startExample } from "../../../start-example.js";

const main = new URL("../dist/main.js", import.meta.url);
let child: ChildProcess | undefined;

afterEach(() => {
  child?.kill("SIGKILL");
  child = undefined;
});

/** Starts the built example on a free port and returns the URL it prints. */
async function start(): Promise<string> {
  const started = await startExample(main, { ready: /Serving on (http:\/\/\S+?:\d+\/)/ });
  child = started.child;
  return started.url;
}

describe("web hello example (the README example)", () => {
  it("answers OK on 127.0.0.1", async () => {
    const url = await start();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const response = await request(url);
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(response.headers["content-length"]).toBe("2");
    expect(await response.body.text()).toBe("OK");
  });

  it("shuts down with exit code 0 on SIGTERM", async () => {
    await start();
    const running = child!;
    running.kill("SIGTERM");
    const [code] = await once(running, "exit");
    expect(code).toBe(0);
  });
});
