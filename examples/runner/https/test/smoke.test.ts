import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Agent, request } from "undici";
import { afterEach, describe, expect, it } from "vitest";

const main = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const hasOpenssl = spawnSync("openssl", ["version"]).status === 0;
let child: ChildProcess | undefined;

afterEach(() => {
  child?.kill("SIGKILL");
  child = undefined;
});

describe("runner https example", () => {
  it.skipIf(!hasOpenssl)("serves HTTPS with its self-signed certificate", async () => {
    child = spawn(process.execPath, [main], {
      env: { ...process.env, PORT: "0" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let output = "";
    for await (const chunk of child.stdout!) {
      output += chunk;
      if (output.includes("(Press CTRL+C to quit)")) break;
    }
    const url = /Running on (https:\/\/\S+:\d+)/.exec(output)![1]!;
    const dispatcher = new Agent({ connect: { rejectUnauthorized: false } });
    const response = await request(`${url}/`, { dispatcher });
    expect(response.statusCode).toBe(200);
    expect(await response.body.text()).toBe("secure: true, scheme: https");
    await dispatcher.close();
  });
});
