// Instructions a WebSocket server executes per echoed message and per handshake, counted by
// valgrind's callgrind: @ll/websocket against `ws`'s WebSocketServer on node:http, the servers of
// websocket.bench.mjs. Unlike rates and CPU time, instruction counts hardly change from run to
// run or with what else the machine does (a noisy VM, a CI box), so a change of a few percent
// shows. They count user space only, all threads (GC and compiler included), not the kernel:
// a syscall costs the same on both sides and is not seen here.
//
//   npx tsc -b && node benchmarks/websocket-instructions.mjs     (needs valgrind: apt-get install valgrind)
//
// Each server runs under callgrind with counting off; WARM_UP echoes and WARM_UP / 10
// handshakes let the JIT settle; then counting is turned on for MESSAGES echoes over one
// client, one at a time, and MESSAGES / 10 handshakes (open, close). Ratios > 1 mean
// @ll/websocket executes fewer instructions than ws. Options (environment): MESSAGES (5000),
// WARM_UP (20000), SIZE (64 bytes), BASE=<checkout> as in websocket.bench.mjs. Not run by
// `pnpm bench` (valgrind is not a given); a run takes about 25 s per server.
import { execFileSync } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { serveChild, startServer } from "./harness.mjs";
import { NAMES, openClient, websocketServer } from "./websocket-servers.mjs";

const SELF = fileURLToPath(import.meta.url);
const MESSAGES = Number(process.env.MESSAGES ?? 5000);
const WARM_UP = Number(process.env.WARM_UP ?? 20_000);
const SIZE = Number(process.env.SIZE ?? 64);
const BASE = process.env.BASE;

async function echo(client, count) {
  const payload = "x".repeat(SIZE);
  for (let sent = 0; sent < count; sent++) {
    client.send(payload);
    await once(client, "message");
  }
}

async function handshakes(url, count) {
  for (let opened = 0; opened < count; opened++) {
    const client = await openClient(url);
    client.close();
    await once(client, "close");
  }
}

/** Runs callgrind_control on the server; returns what it printed. */
function control(server, ...args) {
  return execFileSync("callgrind_control", [...args, String(server.pid)], {
    stdio: ["ignore", "pipe", "ignore"],
  }).toString();
}

/**
 * Instructions counted since the last zeroing: on the main thread (JavaScript, the event loop)
 * and in all (V8's compiler and GC helpers too).
 */
function instructions(server) {
  const output = control(server, "-e", "Ir");
  const threads = [...output.matchAll(/Th\s*(\d+)\s+([\d,]+)/g)].map((match) => ({
    thread: Number(match[1]),
    count: Number(match[2].replaceAll(",", "")),
  }));
  const main = threads.find(({ thread }) => thread === 1);
  if (main === undefined) throw new Error(`no count in callgrind_control's output:\n${output}`);
  return { main: main.count, all: threads.reduce((sum, { count }) => sum + count, 0) };
}

async function measure(kind) {
  const server = await startServer(SELF, ["--serve", kind], {
    wrapper: [
      "valgrind",
      "--quiet",
      "--tool=callgrind",
      "--instr-atstart=no",
      "--callgrind-out-file=/dev/null",
    ],
  });
  const url = `ws://127.0.0.1:${server.port}/`;
  try {
    const client = await openClient(url);
    await echo(client, WARM_UP);
    await handshakes(url, WARM_UP / 10);
    control(server, "--instr=on");
    control(server, "--zero");
    await echo(client, MESSAGES);
    const echoed = instructions(server);
    control(server, "--zero");
    await handshakes(url, MESSAGES / 10);
    const opened = instructions(server);
    const per = (counts, count) => ({ main: counts.main / count, all: counts.all / count });
    const perMessage = per(echoed, MESSAGES);
    const perHandshake = per(opened, MESSAGES / 10);
    client.terminate();
    return { perMessage, perHandshake };
  } finally {
    await server.stop();
  }
}

async function main() {
  try {
    execFileSync("valgrind", ["--version"], { stdio: "ignore" });
  } catch {
    console.error("valgrind is not installed (apt-get install valgrind): nothing measured");
    process.exit(1);
  }
  const kinds = BASE === undefined ? ["ll", "ws"] : ["ll", "base", "ws"];
  console.log(
    `callgrind: ${MESSAGES} echoes of ${SIZE} bytes and ${MESSAGES / 10} handshakes after ${WARM_UP} echoes of warm-up${BASE === undefined ? "" : `; base: ${BASE}`}`,
  );
  const results = {};
  for (const kind of kinds) results[kind] = await measure(kind);
  const ws = results.ws;
  const k = (count) => `${(count / 1000).toFixed(1)}k`.padStart(7);
  for (const [row, key] of [
    ["echo (per message)", "perMessage"],
    ["handshake", "perHandshake"],
  ]) {
    console.log(`${row}: instructions on the main thread, in all threads`);
    for (const kind of kinds) {
      const { main, all } = results[kind][key];
      const versus =
        kind === "ws"
          ? ""
          : `   vs ws: ${(ws[key].main / main).toFixed(2)}x main, ${(ws[key].all / all).toFixed(2)}x all`;
      console.log(`  ${NAMES[kind].padEnd(16)} ${k(main)} ${k(all)}${versus}`);
    }
  }
}

if (process.argv[2] === "--serve") {
  const listener = await websocketServer(process.argv[3], { base: BASE });
  listener.listen(0, "127.0.0.1", 8192);
  await once(listener, "listening");
  serveChild(listener);
} else {
  await main();
}
