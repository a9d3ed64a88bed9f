import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";

const main = fileURLToPath(new URL("../dist/main.js", import.meta.url));
let child: ChildProcess | undefined;

afterEach(() => {
  child?.kill("SIGKILL");
  child = undefined;
});

/** Starts the built example on a free port and returns the URL it prints. */
async function start(): Promise<string> {
  child = spawn(process.execPath, [main], {
    env: { ...process.env, PORT: "0" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let output = "";
  for await (const chunk of child.stdout!) {
    output += chunk;
    const match = /Serving on (http:\/\/\S+?:\d+\/)/.exec(output);
    if (match) return match[1]!;
  }
  throw new Error(`the example exited without printing its URL:\n${output}`);
}

describe("seed example (web hello)", () => {
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
