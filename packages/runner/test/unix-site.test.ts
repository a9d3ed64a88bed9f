import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Agent } from "undici";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ServerRunner } from "../src/server-runner.js";
import { UnixSite } from "../src/unix-site.js";
import { get, okServer } from "./helpers.js";

let dir: string;
let runner: ServerRunner | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "ll-unix-"));
});
afterEach(async () => {
  await runner?.cleanup();
  runner = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function getVia(path: string, url: string) {
  const dispatcher = new Agent({ connect: { socketPath: path } });
  try {
    return await get(url, { dispatcher });
  } finally {
    await dispatcher.close();
  }
}

describe("UnixSite", () => {
  it("serves on a socket path", async () => {
    const path = join(dir, "app.sock");
    runner = new ServerRunner(okServer());
    await runner.setup();
    const site = new UnixSite(runner, path);
    await site.start();
    expect(site.name).toBe(`http://unix:${path}:`);
    expect(runner.addresses).toEqual([path]);
    const response = await getVia(path, "http://localhost/unix");
    expect(response.body).toBe("OK /unix");
  });

  it("replaces a stale socket file", async () => {
    const path = join(dir, "stale.sock");
    // A process killed while listening leaves its socket file behind.
    spawnSync(process.execPath, [
      "-e",
      `require("node:net").createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, "SIGKILL"))`,
    ]);
    expect(existsSync(path)).toBe(true);
    runner = new ServerRunner(okServer());
    await runner.setup();
    await new UnixSite(runner, path).start();
    expect((await getVia(path, "http://localhost/fresh")).body).toBe("OK /fresh");
  });

  it("refuses a socket a live server answers on", async () => {
    const path = join(dir, "live.sock");
    const live = net.createServer();
    await new Promise<void>((resolve) => live.listen(path, resolve));
    try {
      runner = new ServerRunner(okServer());
      await runner.setup();
      await expect(new UnixSite(runner, path).start()).rejects.toThrow(
        `socket ${path} is already in use by a running server`,
      );
    } finally {
      live.close();
    }
  });
});
