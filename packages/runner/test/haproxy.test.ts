// Two runServer instances behind a real haproxy, restarted one after the other under load: with
// shutdownDelay and a readiness endpoint answering 503 while shutting down, haproxy takes each
// instance out of rotation before it stops listening, and the client sees no error at all.
// Needs `haproxy` on PATH (CI installs it); skipped otherwise. Loopback only.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { runLoad } from "./load.js";

const fixture = fileURLToPath(new URL("fixtures/graceful-server.mjs", import.meta.url));
const HAPROXY = spawnSync("sh", ["-c", "command -v haproxy"], { encoding: "utf8" }).stdout.trim();
if (HAPROXY === "") {
  console.warn("haproxy.test.ts skipped: haproxy is not on PATH (apt-get install haproxy)");
}

const children = new Set<ChildProcess>();
let dir: string | undefined;

afterEach(() => {
  for (const child of children) child.kill("SIGKILL");
  children.clear();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/**
 * Starts an instance on `port` with a 2 s shutdownDelay (haproxy needs two failed checks, 100 ms
 * apart, to take it out); resolves with its process once it listens.
 */
async function startInstance(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [fixture, String(port), "2000"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.add(child);
  let output = "";
  for await (const chunk of child.stdout!) {
    output += chunk;
    if (output.includes("(Press CTRL+C to quit)")) return child;
  }
  throw new Error(`the instance exited without its banner:\n${output}`);
}

/** SIGTERM, then wait for a clean exit. */
async function stopInstance(child: ChildProcess): Promise<void> {
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  const [code] = await exited;
  children.delete(child);
  expect(code).toBe(0);
}

/** Resolves once haproxy sends a request to `child` (health checks brought it back). */
async function untilServed(origin: string, child: ChildProcess): Promise<void> {
  for (;;) {
    const response = await request(origin);
    if ((await response.body.text()) === `ok ${child.pid}`) return;
  }
}

function haproxyConfig(port: number, backends: number[]): string {
  return `global
  maxconn 4096

defaults
  mode http
  timeout connect 2s
  timeout client 20s
  timeout server 20s
  # Generous: on a busy machine a slow check must not take a healthy instance out.
  timeout check 2s
  # No retry-on and no redispatch: haproxy would hide a request lost by an instance by
  # sending it again elsewhere; here every loss reaches the client.
  retries 0

frontend web
  bind 127.0.0.1:${port}
  default_backend app

backend app
  balance roundrobin
  option httpchk GET /ready
  http-check expect status 200
  default-server inter 100ms fastinter 100ms downinter 100ms fall 2 rise 1
${backends.map((backend, index) => `  server app${index} 127.0.0.1:${backend} check`).join("\n")}
`;
}

describe.skipIf(HAPROXY === "")("rolling restart behind haproxy", () => {
  it("answers every request while each instance is restarted in turn", async () => {
    dir = mkdtempSync(join(tmpdir(), "ll-haproxy-"));
    const [frontPort, portA, portB] = [await freePort(), await freePort(), await freePort()];
    let instanceA = await startInstance(portA);
    let instanceB = await startInstance(portB);
    const config = join(dir, "haproxy.cfg");
    writeFileSync(config, haproxyConfig(frontPort, [portA, portB]));
    const haproxy = spawn(HAPROXY, ["-f", config, "-db"], { stdio: ["ignore", "ignore", "pipe"] });
    children.add(haproxy);
    let haproxyErrors = "";
    haproxy.stderr!.on("data", (chunk) => {
      haproxyErrors += chunk;
    });
    const origin = `http://127.0.0.1:${frontPort}`;
    // haproxy is up once it answers; both instances once each has answered.
    for (;;) {
      try {
        await (await request(origin)).body.text();
        break;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    await untilServed(origin, instanceA);
    await untilServed(origin, instanceB);

    let stopLoad!: () => void;
    const stopped = new Promise<void>((resolve) => (stopLoad = resolve));
    const load = runLoad(origin, 16, stopped);
    await stopInstance(instanceA);
    instanceA = await startInstance(portA);
    await untilServed(origin, instanceA);
    await stopInstance(instanceB);
    instanceB = await startInstance(portB);
    await untilServed(origin, instanceB);
    stopLoad();
    const result = await load;

    expect(result.failures).toEqual([]);
    expect(result.refused).toBe(0);
    expect([...result.statuses.keys()]).toEqual([200]);
    const answered = result.statuses.get(200)!;
    expect(answered).toBeGreaterThan(100);
    console.log(
      `rolling restart behind haproxy: ${answered} answered by ${result.bodies.size} processes, 0 errors`,
    );
    haproxy.kill("SIGTERM");
    await once(haproxy, "exit");
    children.delete(haproxy);
    expect(haproxyErrors).not.toMatch(/\[ALERT\]/);
  }, 60_000);
});
