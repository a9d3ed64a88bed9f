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

describe("server streaming example", () => {
  it("streams the lines chunked", async () => {
    const url = await start();
    const response = await request(`${url}?count=3`);
    expect(response.headers["transfer-encoding"]).toBe("chunked");
    expect(await response.body.text()).toBe("line 1 of 3\nline 2 of 3\nline 3 of 3\n");
  });
});
