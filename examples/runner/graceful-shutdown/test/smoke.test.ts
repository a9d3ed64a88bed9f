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

describe("runner graceful-shutdown example", () => {
  it("answers the slow request in flight after SIGTERM, then exits 0", async () => {
    child = spawn(process.execPath, [main], {
      env: { ...process.env, PORT: "0", SLOW_MS: "300" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let output = "";
    for await (const chunk of child.stdout!) {
      output += chunk;
      if (output.includes("(Press CTRL+C to quit)")) break;
    }
    const url = /Running on (http:\/\/\S+:\d+)/.exec(output)![1]!;
    const slow = request(`${url}/slow`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const exited = once(child, "exit");
    child.kill("SIGTERM");
    const response = await slow;
    expect(response.statusCode).toBe(200);
    expect(response.headers.connection).toBe("close");
    expect(await response.body.text()).toBe("finished despite the shutdown");
    expect((await exited)[0]).toBe(0);
  });
});
