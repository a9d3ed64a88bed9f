import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Response } from "@ll/server";
import { Agent } from "undici";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runServer } from "../src/run-server.js";
import { get } from "./helpers.js";

const fixture = fileURLToPath(new URL("fixtures/run-server.mjs", import.meta.url));
let child: ChildProcess | undefined;
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "ll-run-server-"));
});
afterEach(() => {
  child?.kill("SIGKILL");
  child = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Runs the fixture and resolves with the URL of its banner; with `ipc`, the fixture can say
 * when a request is in flight.
 */
async function start(args: string[], ipc = false): Promise<string> {
  child = spawn(process.execPath, [fixture, ...args], {
    stdio: ipc ? ["ignore", "pipe", "inherit", "ipc"] : ["ignore", "pipe", "inherit"],
  });
  let output = "";
  for await (const chunk of child.stdout!) {
    output += chunk;
    const match = /Running on (http:\/\/\S+:\d*)/.exec(output);
    if (match && output.includes("(Press CTRL+C to quit)")) return match[1]!;
  }
  throw new Error(`the fixture exited without its banner:\n${output}`);
}

describe("runServer", () => {
  it("prints the banner, answers the request in flight on SIGTERM, and exits 0", async () => {
    const url = await start(["0"], true);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const inFlight = once(child!, "message");
    const slow = get(`${url}/slow`);
    expect((await inFlight)[0]).toBe("slow");
    // An open IPC channel would keep the fixture alive after its shutdown.
    child!.disconnect();
    const exited = once(child!, "exit");
    child!.kill("SIGTERM");
    const response = await slow;
    expect(response.status).toBe(200);
    expect(response.headers.connection).toBe("close");
    expect(response.body).toBe("done");
    expect((await exited)[0]).toBe(0);
  });

  it("answers from two worker processes with workers: 2, and drains them on SIGTERM", async () => {
    const url = await start(["0", "2"]);
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

  it("serves on a Unix socket with mode, set before the banner", async () => {
    const path = join(dir, "app.sock");
    const url = await start(["unix", path, "660"]);
    expect(url).toBe(`http://unix:${path}:`);
    expect(statSync(path).mode & 0o777).toBe(0o660);
    const dispatcher = new Agent({ connect: { socketPath: path } });
    try {
      expect((await get("http://localhost/", { dispatcher })).body).toBe("done");
    } finally {
      await dispatcher.close();
    }
    const exited = once(child!, "exit");
    child!.kill("SIGTERM");
    expect((await exited)[0]).toBe(0);
  });

  it("says when the socket's directory is not writable", async () => {
    // Root may write anywhere, so as root the server runs as nobody.
    const asRoot = process.getuid?.() === 0;
    chmodSync(dir, 0o755);
    const locked = join(dir, "locked");
    mkdirSync(locked, { mode: 0o555 });
    const path = join(locked, "app.sock");
    child = spawn(process.execPath, [fixture, "unix", path, "660"], {
      stdio: ["ignore", "ignore", "pipe"],
      ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
    });
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const [code] = await once(child, "exit");
    expect(code).toBe(1);
    expect(stderr).toContain(
      `Error: cannot listen on ${path}: the directory ${locked} is not writable by this process\n`,
    );
  });

  it("refuses mode without path, and a mode out of range", async () => {
    const handler = () => new Response({ text: "OK" });
    await expect(runServer(handler, { mode: 0o660, handleSignals: false })).rejects.toThrow(
      new TypeError("mode needs path: it sets the permissions of the Unix socket file"),
    );
    await expect(
      runServer(handler, { path: join(dir, "app.sock"), mode: 0o1000, handleSignals: false }),
    ).rejects.toThrow(
      new RangeError("mode must be an integer from 0 to 0o777 (e.g. 0o660), got 512"),
    );
  });
});
