import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";

const main = fileURLToPath(new URL("../dist/main.js", import.meta.url));
let child: ChildProcess | undefined;

afterEach(() => {
  child?.kill();
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
    const match = /(http:\/\/\S+?:\d+\/)/.exec(output);
    if (match) return match[1]!;
  }
  throw new Error(`the example exited without printing its URL:\n${output}`);
}

describe("server streaming example", () => {
  it("streams the lines chunked", async () => {
    const url = await start();
    const response = await request(`${url}?count=3`);
    expect(response.headers["transfer-encoding"]).toBe("chunked");
    expect(await response.body.text()).toBe("line 1 of 3\nline 2 of 3\nline 3 of 3\n");
  });
});
