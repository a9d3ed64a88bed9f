import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Agent, request } from "undici";
import { afterEach, describe, expect, it } from "vitest";

const main = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "ll-example-"));
const socketPath = join(dir, "app.sock");
let child: ChildProcess | undefined;

afterEach(() => {
  child?.kill("SIGKILL");
  child = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe("runner tcp-and-unix example", () => {
  it("answers on the TCP port and on the Unix socket", async () => {
    child = spawn(process.execPath, [main], {
      env: { ...process.env, PORT: "0", SOCKET_PATH: socketPath },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let output = "";
    for await (const chunk of child.stdout!) {
      output += chunk;
      if (output.includes("unix:")) break;
    }
    const tcpUrl = /Serving on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output)![1]!;
    expect(output).toContain(`Serving on http://unix:${socketPath}:/`);
    const viaTcp = await request(tcpUrl);
    expect(await viaTcp.body.text()).toBe("Hello over tcp");
    const dispatcher = new Agent({ connect: { socketPath } });
    const viaUnix = await request("http://localhost/", { dispatcher });
    expect(await viaUnix.body.text()).toBe("Hello over unix");
    await dispatcher.close();
  });
});
