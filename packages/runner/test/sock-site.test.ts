import { type ChildProcess, spawn } from "node:child_process";
import net from "node:net";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { ServerRunner } from "../src/server-runner.js";
import { SockSite } from "../src/sock-site.js";
import { get, okServer } from "./helpers.js";

const fixture = fileURLToPath(new URL("fixtures/run-server.mjs", import.meta.url));
let runner: ServerRunner | undefined;
const listeners: net.Server[] = [];
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
  await runner?.cleanup();
  runner = undefined;
  for (const listener of listeners.splice(0)) listener.close();
});

async function bound(): Promise<net.Server> {
  const listener = net.createServer();
  listeners.push(listener);
  await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
  return listener;
}

describe("SockSite", () => {
  it("serves on a listening net.Server bound elsewhere", async () => {
    const listener = await bound();
    runner = new ServerRunner(okServer());
    await runner.setup();
    const site = new SockSite(runner, listener);
    await site.start();
    const { port } = listener.address() as net.AddressInfo;
    expect(site.name).toBe(`http://127.0.0.1:${port}`);
    expect((await get(`${site.name}/sock`)).body).toBe("OK /sock");
  });

  it("serves on a file descriptor passed by a parent, as systemd socket activation does", async () => {
    const listener = await bound();
    const fd = (listener as unknown as { _handle: { fd: number } })._handle.fd;
    const { port } = listener.address() as net.AddressInfo;
    const child = spawn(process.execPath, [fixture, "fd3"], {
      stdio: ["ignore", "pipe", "inherit", fd],
    });
    children.push(child);
    let output = "";
    for await (const chunk of child.stdout!) {
      output += chunk;
      if (output.includes("(Press CTRL+C to quit)")) break;
    }
    // Only the child serves from now on.
    listener.close();
    expect(output).toContain(`Running on http://127.0.0.1:${port}`);
    expect((await get(`http://127.0.0.1:${port}/fd`)).body).toBe("done");
  });

  it("refuses a net.Server that is not listening", async () => {
    runner = new ServerRunner(okServer());
    await runner.setup();
    await expect(new SockSite(runner, net.createServer()).start()).rejects.toThrow(
      "SockSite needs a net.Server that is already listening",
    );
  });
});
