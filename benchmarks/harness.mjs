// What the side-by-side benchmarks share: servers in child processes pinned to core 1, load on
// core 0, the server's CPU time and memory asked over IPC, wrk (or autocannon) runs, medians.
import { execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

let tasksetAvailable;
/** Whether `taskset` can pin processes to cores here. */
export function hasTaskset() {
  if (tasksetAvailable === undefined) {
    try {
      execFileSync("taskset", ["-c", "0", "true"]);
      tasksetAvailable = true;
    } catch {
      tasksetAvailable = false;
    }
  }
  return tasksetAvailable;
}

let wrkAvailable;
/** Whether `wrk` is installed. */
export function hasWrk() {
  if (wrkAvailable === undefined) {
    try {
      execFileSync("wrk", ["--version"], { stdio: "ignore" });
      wrkAvailable = true;
    } catch (error) {
      // wrk --version exits 1 after printing its version.
      wrkAvailable = error.status === 1;
    }
  }
  return wrkAvailable;
}

/** Runs a command; resolves with its standard output. */
export function run([command, ...args]) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "inherit"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve(output) : reject(new Error(`${command} exited with ${code}`)),
    );
  });
}

/** The median of `values`. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * In a server child: answers the parent's "cpu" and "memory" questions, then tells it the port
 * `listener` listens on.
 */
export function serveChild(listener) {
  process.on("message", (message) => {
    if (message === "cpu") {
      const { user, system } = process.cpuUsage();
      process.send({ cpu: user + system });
    }
    if (message === "memory") {
      globalThis.gc?.();
      globalThis.gc?.();
      const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
      process.send({ rss, heapUsed, external, arrayBuffers });
    }
  });
  // A clean exit, so `--cpu-prof` (SERVER_FLAGS) writes its profile.
  process.on("SIGINT", () => process.exit(0));
  process.send({ port: listener.address().port });
}

/**
 * Starts `node <script> ...args` pinned to core 1 (with `--expose-gc` and the flags in
 * SERVER_FLAGS, say `--cpu-prof --cpu-prof-dir=/tmp/prof`); resolves once it reports its port.
 * `wrapper` runs node under another program (`["valgrind", "--tool=callgrind", ...]`), which
 * must keep node's process id and inherited file descriptors (the IPC channel).
 */
export async function startServer(script, args, { wrapper = [] } = {}) {
  const flags = process.env.SERVER_FLAGS?.split(" ").filter(Boolean) ?? [];
  const node = [...wrapper, process.execPath, "--expose-gc", ...flags, script, ...args];
  const pinned = hasTaskset();
  const child = spawn(pinned ? "taskset" : node[0], pinned ? ["-c", "1", ...node] : node.slice(1), {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const [message] = await once(child, "message");
  const ask = async (question) => {
    child.send(question);
    const [answer] = await once(child, "message");
    return answer;
  };
  return {
    port: message.port,
    /** The server's process id (`taskset` and the wrapper exec it in place). */
    pid: child.pid,
    /** CPU time (µs) the server used so far. */
    cpu: async () => (await ask("cpu")).cpu,
    /** Its memory after a full collection. */
    memory: () => ask("memory"),
    async stop() {
      // SIGINT lets a profiled server write its profile.
      child.kill("SIGINT");
      await once(child, "exit");
    },
  };
}

/**
 * Loads `url` for `duration` s from core 0 with wrk (`lua`: lines of a wrk script) or, without
 * wrk, autocannon (`autocannon`: its options). Resolves with requests/s and the total.
 */
export async function load(url, { connections, duration, lua = [], autocannon = {} }) {
  if (hasWrk()) {
    const script = join(tmpdir(), `ll-bench-${process.pid}-${Date.now()}.lua`);
    writeFileSync(script, `${lua.join("\n")}\n`);
    const args = ["-t1", `-c${connections}`, `-d${duration}s`, "-s", script, url];
    const command = hasTaskset() ? ["taskset", "-c", "0", "wrk", ...args] : ["wrk", ...args];
    let output;
    try {
      output = await run(command);
    } finally {
      rmSync(script, { force: true });
    }
    const match = /Requests\/sec:\s+([\d.]+)/.exec(output);
    const total = /(\d+) requests in/.exec(output);
    if (match === null || total === null) throw new Error(`unexpected wrk output:\n${output}`);
    const errors = /Non-2xx or 3xx responses: (\d+)/.exec(output);
    if (errors !== null) throw new Error(`${errors[1]} error responses:\n${output}`);
    return { rate: Number(match[1]), requests: Number(total[1]) };
  }
  const { default: autocannonRun } = await import("autocannon");
  const result = await autocannonRun({ url, connections, duration, ...autocannon });
  return { rate: result.requests.average, requests: result.requests.total };
}

/**
 * One measurement of a server: starts it with `start()`, runs `loadOnce(port)` once to let the
 * JIT settle, then again measured; resolves with requests/s and the server's CPU µs per request.
 */
export async function measure(start, loadOnce) {
  const server = await start();
  try {
    await loadOnce(server.port);
    const cpuBefore = await server.cpu();
    const { rate, requests } = await loadOnce(server.port);
    return { rate, cost: ((await server.cpu()) - cpuBefore) / requests };
  } finally {
    await server.stop();
  }
}

/**
 * Measures `reference` (the first of `names`) and the others (kinds passed to `measureKind`) in
 * turn for `rounds` rounds and prints one line per other kind: the medians of each and of the
 * per-round ratios to the reference (> 1: that kind is faster, cheaper). Resolves with every
 * round's `rates` and `costs` per kind, for comparisons of its own.
 */
export async function sideBySide(label, names, rounds, measureKind) {
  const [reference, ...others] = Object.keys(names);
  const rates = Object.fromEntries(Object.keys(names).map((kind) => [kind, []]));
  const costs = Object.fromEntries(Object.keys(names).map((kind) => [kind, []]));
  for (let round = 0; round < rounds; round++) {
    for (const kind of Object.keys(names)) {
      const { rate, cost } = await measureKind(kind);
      rates[kind].push(rate);
      costs[kind].push(cost);
    }
  }
  const side = (kind) =>
    `${names[kind]} ${median(rates[kind]).toFixed(0).padStart(7)} req/s ${median(costs[kind]).toFixed(2).padStart(6)} us CPU/req`;
  const list = (values) => values.map((value) => value.toFixed(2)).join(", ");
  for (const ours of others) {
    const ratios = rates[ours].map((rate, round) => rate / rates[reference][round]);
    const costRatios = costs[ours].map((cost, round) => costs[reference][round] / cost);
    console.log(
      `${label.padEnd(12)} ${side(ours)}   ${side(reference)}   ratio ${median(ratios).toFixed(2)}x req/s, ${median(costRatios).toFixed(2)}x CPU  (rounds: ${list(ratios)} / ${list(costRatios)})`,
    );
  }
  return { rates, costs };
}
