// @ll/websocket's WebSocketResponse on an @ll/server Server against a `ws` WebSocketServer on a
// plain node:http server, both framing with `ws`, driven by the same `ws` clients:
//
//   npx tsc -b && node benchmarks/websocket.bench.mjs
//
// Rows:
//   echo          round trips per second: CLIENTS sockets, each sending one message and
//                 waiting for its echo
//   burst         messages per second when each message is answered with BURST (8) messages,
//                 sent one after the other by the handler (`await sendStr()` in a loop; ws:
//                 `send()` in a loop): frames a handler sends in one tick, corked into one write
//   handshake     handshakes per second: CLIENTS loops, each opening a socket and closing it
//   idle memory   RSS and heap (+ external) growth per idle WebSocket, IDLE_CONNECTIONS open,
//                 heartbeat on (ours: the `heartbeat` option; ws: its README's ping loop over
//                 `wss.clients`), measured after gc
// Each server runs in its own child process pinned to core 1 (`taskset -c 1`), the clients in
// this process on core 0. The servers alternate for ROUNDS rounds, in a different order each
// round; the median rate of each, the server's CPU time per message (or handshake), and the
// median of the per-round ratios (> 1 means @ll/websocket is faster / cheaper) are printed.
//
// Options (environment): ROUNDS (5), SECONDS per measurement (2), CLIENTS (16), SIZE (64 bytes),
// IDLE_CONNECTIONS (5000), BURST (8), ROWS=echo,burst,handshake,idle-memory to pick some. BASE=<checkout> adds
// a third server: @ll/websocket and @ll/server as built (`npx tsc -b`) in another checkout of
// this repository (say, `git worktree add /tmp/base main`), so a change is measured against its
// base in the same run.
import { execFileSync } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { hasTaskset, median, serveChild, startServer as startChild } from "./harness.mjs";
import { NAMES, openClient, websocketServer } from "./websocket-servers.mjs";

const SELF = fileURLToPath(import.meta.url);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const SECONDS = Number(process.env.SECONDS ?? 2);
const CLIENTS = Number(process.env.CLIENTS ?? 16);
const SIZE = Number(process.env.SIZE ?? 64);
const IDLE_CONNECTIONS = Number(process.env.IDLE_CONNECTIONS ?? 5000);
const BURST = Number(process.env.BURST ?? 8);
const BASE = process.env.BASE;
const HEARTBEAT = 30_000;

// ---- the servers (child process) -----------------------------------------------------------

async function serve(kind, heartbeat) {
  const listener = await websocketServer(kind, {
    base: BASE,
    heartbeat: heartbeat ? HEARTBEAT : undefined,
    burst: BURST,
  });
  listener.listen(0, "127.0.0.1", 8192);
  await once(listener, "listening");
  serveChild(listener);
}

async function startServer(kind, { heartbeat = false } = {}) {
  const server = await startChild(SELF, ["--serve", kind, String(heartbeat)]);
  return { ...server, kind, url: `ws://127.0.0.1:${server.port}/` };
}

// ---- load (this process) -------------------------------------------------------------------

/** Round trips per second: CLIENTS sockets, each sending one message and waiting for the echo. */
function echo(url) {
  return exchange(url, "x".repeat(SIZE), 1);
}

/** Messages per second: CLIENTS sockets, each sending one message and waiting for BURST answers. */
function burst(url) {
  return exchange(url, "burst".padEnd(SIZE, "x"), BURST);
}

async function exchange(url, payload, answers) {
  const clients = await Promise.all(Array.from({ length: CLIENTS }, () => openClient(url)));
  let count = 0;
  let running = true;
  const loops = clients.map(
    (client) =>
      new Promise((resolve) => {
        let received = 0;
        client.on("message", () => {
          count++;
          if (++received < answers) return;
          received = 0;
          if (running) client.send(payload);
          else resolve();
        });
        client.send(payload);
      }),
  );
  const start = process.hrtime.bigint();
  await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
  running = false;
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  const done = count;
  await Promise.all(loops);
  await Promise.all(
    clients.map((client) => {
      client.close();
      return once(client, "close");
    }),
  );
  return { rate: done / elapsed, count };
}

/** Handshakes per second: CLIENTS loops, each opening a socket and closing it cleanly. */
async function handshake(url) {
  let count = 0;
  const deadline = Date.now() + SECONDS * 1000;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (Date.now() < deadline) {
        const client = await openClient(url);
        client.close();
        await once(client, "close");
        count++;
      }
    }),
  );
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  return { rate: count / elapsed, count };
}

async function idleMemory(kind) {
  const server = await startServer(kind, { heartbeat: true });
  // Warm-up: load the code paths (and their JIT) before the baseline.
  for (let i = 0; i < 3; i++) (await openClient(server.url)).terminate();
  await new Promise((resolve) => setTimeout(resolve, 200));
  const before = await server.memory();
  const clients = [];
  for (let opened = 0; opened < IDLE_CONNECTIONS; opened += 250) {
    const batch = Math.min(250, IDLE_CONNECTIONS - opened);
    clients.push(
      ...(await Promise.all(Array.from({ length: batch }, () => openClient(server.url)))),
    );
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
  const after = await server.memory();
  for (const client of clients) client.terminate();
  await server.stop();
  return {
    rss: (after.rss - before.rss) / IDLE_CONNECTIONS,
    heap: (after.heapUsed + after.external - before.heapUsed - before.external) / IDLE_CONNECTIONS,
  };
}

// ---- main ----------------------------------------------------------------------------------

async function main() {
  if (hasTaskset()) execFileSync("taskset", ["-pc", "0", String(process.pid)], { stdio: "ignore" });
  const kinds = BASE === undefined ? ["ll", "ws"] : ["ll", "base", "ws"];
  console.log(
    `pinning: ${hasTaskset() ? "servers core 1, clients core 0" : "none"}; ${ROUNDS} rounds of ${SECONDS}s, ${CLIENTS} clients, ${SIZE}-byte messages${BASE === undefined ? "" : `; base: ${BASE}`}`,
  );
  const only = process.env.ROWS?.split(",");
  const rows = [
    ["echo", echo, "msg"],
    ["burst", burst, "msg"],
    ["handshake", handshake, "hs"],
  ].filter(([name]) => !only || only.includes(name));
  if (rows.length > 0) {
    const servers = [];
    for (const kind of kinds) servers.push(await startServer(kind));
    try {
      for (const server of servers) {
        for (const [, measure] of rows) await measure(server.url); // warm-up: let the JIT settle
      }
      for (const [name, measure, unit] of rows) {
        const rates = Object.fromEntries(kinds.map((kind) => [kind, []]));
        const costs = Object.fromEntries(kinds.map((kind) => [kind, []]));
        for (let round = 0; round < ROUNDS; round++) {
          const order = round % 2 === 0 ? servers : [...servers].reverse();
          for (const server of order) {
            const cpuBefore = await server.cpu();
            const { rate, count } = await measure(server.url);
            const cpu = (await server.cpu()) - cpuBefore;
            rates[server.kind].push(rate);
            costs[server.kind].push(cpu / count);
          }
        }
        const ratio = (kind) => {
          const rateRatios = rates[kind].map((rate, i) => rate / rates.ws[i]);
          const costRatios = costs[kind].map((cost, i) => costs.ws[i] / cost);
          return `${median(rateRatios).toFixed(2)}x ${unit}/s, ${median(costRatios).toFixed(2)}x CPU (rounds: ${rateRatios.map((r) => r.toFixed(2)).join(", ")})`;
        };
        console.log(`${name}:`);
        for (const kind of kinds) {
          console.log(
            `  ${NAMES[kind].padEnd(16)} ${median(rates[kind]).toFixed(0).padStart(7)} ${unit}/s ${median(costs[kind]).toFixed(2).padStart(7)} us CPU/${unit}${kind === "ws" ? "" : `   vs ws: ${ratio(kind)}`}`,
          );
        }
      }
    } finally {
      for (const server of servers) await server.stop();
    }
  }
  if (!only || only.includes("idle-memory")) {
    const kib = (bytes) => (bytes / 1024).toFixed(2).padStart(6);
    const results = {};
    for (const kind of kinds) results[kind] = await idleMemory(kind);
    console.log(`idle memory (${IDLE_CONNECTIONS} WebSockets, heartbeat on):`);
    for (const kind of kinds) {
      const { rss, heap } = results[kind];
      console.log(
        `  ${NAMES[kind].padEnd(16)} ${kib(rss)} KiB RSS, ${kib(heap)} KiB heap per connection${kind === "ws" ? "" : `   vs ws: ${(rss / results.ws.rss).toFixed(2)}x RSS, ${(heap / results.ws.heap).toFixed(2)}x heap`}`,
      );
    }
  }
}

if (process.argv[2] === "--serve") {
  await serve(process.argv[3], process.argv[4] === "true");
} else {
  await main();
}
