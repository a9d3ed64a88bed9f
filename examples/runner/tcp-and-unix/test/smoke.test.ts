import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Agent, request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { startExample } from "../../../start-example.js";

const main = new URL("../dist/main.js", import.meta.url);
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
    const started = await startExample(main, { env: { SOCKET_PATH: socketPath }, ready: /unix:/ });
    child = started.child;
    const output = started.output;
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
