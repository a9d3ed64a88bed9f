import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import net from "node:net";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { get } from "./helpers.js";

const fixture = fileURLToPath(new URL("fixtures/run-server.mjs", import.meta.url));
let child: ChildProcess | undefined;
afterEach(() => {
  child?.kill("SIGKILL");
  child = undefined;
});

/** Runs the fixture and resolves with the URL of its banner. */
async function start(args: string[]): Promise<string> {
  child = spawn(process.execPath, [fixture, ...args], { stdio: ["ignore", "pipe", "inherit"] });
  let output = "";
  for await (const chunk of child.stdout!) {
    output += chunk;
    const match = /Running on (http:\/\/\S+:\d+)/.exec(output);
    if (match && output.includes("(Press CTRL+C to quit)")) return match[1]!;
  }
  throw new Error(`the fixture exited without its banner:\n${output}`);
}

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe("runServer", () => {
  it("prints the banner, answers the request in flight on SIGTERM, and exits 0", async () => {
    const url = await start(["0"]);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const slow = get(`${url}/slow`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const exited = once(child!, "exit");
    child!.kill("SIGTERM");
    const response = await slow;
    expect(response.status).toBe(200);
    expect(response.headers.connection).toBe("close");
    expect(response.body).toBe("done");
    expect((await exited)[0]).toBe(0);
  });

  it("answers from two worker processes with workers: 2, and drains them on SIGTERM", async () => {
    const url = await start([String(await freePort()), "2"]);
    const pids = new Set<string>();
    for (let attempt = 0; attempt < 200 && pids.size < 2; attempt += 1) {
      // A new connection each time, so the primary hands it to the next worker.
      pids.add((await get(`${url}/pid`, { reset: true })).body);
    }
    expect(pids.size).toBe(2);
    expect(pids.has(String(child!.pid))).toBe(false);
    const exited = once(child!, "exit");
    child!.kill("SIGTERM");
    expect((await exited)[0]).toBe(0);
  });
});
