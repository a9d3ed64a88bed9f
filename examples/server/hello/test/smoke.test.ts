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

describe("server hello example", () => {
  it("greets", async () => {
    const url = await start();
    const response = await request(`${url}?name=Ada`);
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(await response.body.text()).toBe("Hello, Ada");
  });
});
