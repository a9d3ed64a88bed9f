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
    const { date, ...headers } = response.headers;
    // Every header, exactly: nothing more is sent on a kept-alive HTTP/1.1 connection.
    expect(headers).toEqual({
      "content-type": "text/plain; charset=utf-8",
      "content-length": "2",
      server: "ll-server",
    });
    expect(date).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
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
