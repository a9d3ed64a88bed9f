import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Pool } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { ServerRunner } from "../src/server-runner.js";
import { okServer } from "./helpers.js";
import { runLoad } from "./load.js";

const fixture = fileURLToPath(new URL("fixtures/graceful-server.mjs", import.meta.url));
let child: ChildProcess | undefined;

afterEach(() => {
  child?.kill("SIGKILL");
  child = undefined;
});

/** Starts the fixture; resolves with its origin once it prints its banner. */
async function startGraceful(port: number, shutdownDelay: number, acceptedFile: string) {
  const started = spawn(process.execPath, [fixture, String(port), String(shutdownDelay)], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, ACCEPTED_FILE: acceptedFile },
  });
  let output = "";
  for await (const chunk of started.stdout!) {
    output += chunk;
    const match = /Running on (http:\/\/\S+:\d+)/.exec(output);
    if (match) return { child: started, origin: match[1]! };
  }
  throw new Error(`the fixture exited without its banner:\n${output}`);
}

describe("ServerRunner shutdownDelay", () => {
  it("keeps serving with shuttingDown true and Connection: close, then stops listening", async () => {
    const server = okServer();
    const runner = new ServerRunner(server, { shutdownDelay: 200 });
    expect(runner.shutdownDelay).toBe(200);
    await runner.setup();
    const { TCPSite } = await import("../src/tcp-site.js");
    const site = new TCPSite(runner, "127.0.0.1", 0);
    await site.start();
    const { port } = runner.addresses[0] as { port: number };
    const cleanup = runner.cleanup();
    expect(server.shuttingDown).toBe(true);
    expect(server.shutdownSignal.aborted).toBe(true);
    const pool = new Pool(`http://127.0.0.1:${port}`);
    const response = await pool.request({ path: "/during", method: "GET" });
    expect(response.statusCode).toBe(200);
    expect(response.headers.connection).toBe("close");
    expect(await response.body.text()).toBe("OK /during");
    await cleanup;
    await pool.destroy();
    expect(runner.addresses).toEqual([]);
  });

  it("rejects a negative shutdownDelay", () => {
    expect(() => new ServerRunner(okServer(), { shutdownDelay: -1 })).toThrow(
      new RangeError("shutdownDelay must be a non-negative number"),
    );
  });

  it("loses no request under keep-alive load when SIGTERM comes with a shutdownDelay", async () => {
    const acceptedFile = join(tmpdir(), `ll-accepted-${process.pid}-${Date.now()}.json`);
    const started = await startGraceful(0, 300, acceptedFile);
    child = started.child;
    const exited = once(started.child, "exit");
    const load = runLoad(started.origin, 32, exited);
    // Let the pool open its connections and carry traffic before the signal.
    const probe = new Pool(started.origin);
    for (let index = 0; index < 20; index++) {
      await (await probe.request({ path: "/", method: "GET" })).body.text();
    }
    await probe.destroy();
    started.child.kill("SIGTERM");
    const [code] = await exited;
    const result = await load;
    const accepted = new Set<number>(JSON.parse(readFileSync(acceptedFile, "utf8")));
    rmSync(acceptedFile, { force: true });
    expect(code).toBe(0);
    expect([...result.statuses.keys()]).toEqual([200]);
    expect(result.statuses.get(200)).toBeGreaterThan(100);
    // When listening stops, Linux resets the connections it completed but the process had not
    // accepted yet: a client cannot tell them from a lost request, but the server never read
    // them. Every request lost must be one of those; none the server accepted.
    const lostOnAccepted = result.resetPorts.filter((port) => accepted.has(port));
    expect(lostOnAccepted).toEqual([]);
    expect(result.failures.every((failure) => failure === "ECONNRESET read ECONNRESET")).toBe(true);
    expect(result.failures.length).toBeLessThanOrEqual(result.resetPorts.length);
    console.log(
      `shutdownDelay under load: ${result.statuses.get(200)} answered, ${result.refused} not sent, ${result.failures.length} reset by the kernel before accept`,
    );
  }, 30_000);
});
