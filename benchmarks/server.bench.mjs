// @ll/server against a plain node:http server answering the same bytes, side by side:
//
//   npx tsc -b packages/server && node benchmarks/server.bench.mjs
//
// Each server runs in a child process pinned to core 1 (`taskset -c 1`), the load generator on
// core 0: wrk when installed (`apt-get install wrk`), else autocannon. Scenarios:
//   keep-alive    GET, 50 keep-alive connections
//   pipelined     GET, 50 connections, 16 requests per write (wrk Lua script / autocannon
//                 `pipelining: 16`)
//   per-request   GET with `Connection: close`, a new connection per request
//   post-echo     POST of 4 KiB, echoed back
//   idle memory   RSS and heap growth per idle keep-alive connection, 5,000 connections
// The two servers alternate for ROUNDS rounds (default 3); the median requests/s of each, the
// server's CPU time per request, and the ratios (> 1 means @ll/server is faster / cheaper) are
// printed. DURATION (s) sets a run's length; SCENARIOS=keep-alive,pipelined,... picks some.
// BASE=<checkout> adds a third server: @ll/server as built (`npx tsc -b`) in another checkout of
// this repository (say, `git worktree add /tmp/base main`), so a change is measured against its
// base in the same run.
import { once } from "node:events";
import net from "node:net";
import { fileURLToPath } from "node:url";
import {
  hasTaskset,
  hasWrk,
  load,
  measure,
  serveChild,
  sideBySide,
  startServer,
} from "./harness.mjs";

const SELF = fileURLToPath(import.meta.url);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const DURATION = Number(process.env.DURATION ?? 5);
const CONNECTIONS = 50;
const IDLE_CONNECTIONS = Number(process.env.IDLE_CONNECTIONS ?? 5000);
const BASE = process.env.BASE;
const BODY = "Hello";
const POST_BODY = "x".repeat(4096);

// ---- the servers (child process) -----------------------------------------------------------

async function serve(kind) {
  let listener;
  if (kind === "ll" || kind === "base") {
    const { Response, Server } = await import(
      kind === "base" ? `${BASE}/packages/server/dist/index.js` : "@ll/server"
    );
    const server = new Server(async (request) => {
      if (request.method === "POST") return new Response({ body: await request.read() });
      return new Response({ text: BODY });
    });
    listener = net.createServer({ backlog: 8192 }, server.connectionListener);
  } else {
    const http = await import("node:http");
    listener = http.createServer((request, response) => {
      if (request.method === "POST") {
        const chunks = [];
        request.on("data", (chunk) => chunks.push(chunk));
        request.on("end", () => {
          const body = Buffer.concat(chunks);
          response.writeHead(200, {
            "Content-Type": "application/octet-stream",
            "Content-Length": body.length,
          });
          response.end(body);
        });
        return;
      }
      response.writeHead(200, {
        "Content-Type": "text/plain; charset=utf-8",
        "Content-Length": BODY.length,
      });
      response.end(BODY);
    });
    // Idle connections must outlive the memory measurement (node:http closes them after 5 s).
    listener.keepAliveTimeout = 600_000;
    listener.headersTimeout = 600_000;
    listener.requestTimeout = 0;
  }
  listener.listen(0, "127.0.0.1", 8192);
  await once(listener, "listening");
  serveChild(listener);
}

// ---- load generation ---------------------------------------------------------------------------

function loadOptions(scenario) {
  const lua = [];
  if (scenario === "post-echo") {
    lua.push('wrk.method = "POST"', `wrk.body = string.rep("x", ${POST_BODY.length})`);
  }
  if (scenario === "per-request") lua.push('wrk.headers["Connection"] = "close"');
  if (scenario === "pipelined") {
    lua.push(
      "init = function(args)",
      "  local r = {}",
      "  for i = 1, 16 do r[i] = wrk.format() end",
      "  req = table.concat(r)",
      "end",
      "request = function() return req end",
    );
  }
  return {
    connections: CONNECTIONS,
    duration: DURATION,
    lua,
    autocannon: {
      pipelining: scenario === "pipelined" ? 16 : 1,
      method: scenario === "post-echo" ? "POST" : "GET",
      body: scenario === "post-echo" ? POST_BODY : undefined,
      headers: scenario === "per-request" ? { connection: "close" } : undefined,
    },
  };
}

const startKind = (kind) => startServer(SELF, ["--serve", kind]);
const loadScenario = (port, scenario) => load(`http://127.0.0.1:${port}/`, loadOptions(scenario));

// ---- idle memory ----------------------------------------------------------------------------

async function idleMemory(kind) {
  const server = await startKind(kind);
  const request = "GET / HTTP/1.1\r\nHost: bench\r\n\r\n";
  const before = await server.memory();
  const sockets = [];
  for (let opened = 0; opened < IDLE_CONNECTIONS; opened += 500) {
    const batch = [];
    for (let i = 0; i < 500 && opened + i < IDLE_CONNECTIONS; i++) {
      const socket = net.connect(server.port, "127.0.0.1");
      sockets.push(socket);
      batch.push(
        new Promise((resolve, reject) => {
          socket.on("error", reject);
          socket.once("connect", () => socket.write(request));
          socket.once("data", resolve);
        }),
      );
    }
    await Promise.all(batch);
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
  const after = await server.memory();
  for (const socket of sockets) socket.destroy();
  await server.stop();
  return {
    rss: (after.rss - before.rss) / IDLE_CONNECTIONS,
    heap: (after.heapUsed + after.external - before.heapUsed - before.external) / IDLE_CONNECTIONS,
  };
}

// ---- main ------------------------------------------------------------------------------------------

async function main() {
  console.log(
    `load generator: ${hasWrk() ? "wrk" : "autocannon"}, pinning: ${hasTaskset() ? "server core 1, load core 0" : "none"}, ${ROUNDS} rounds of ${DURATION}s${BASE === undefined ? "" : `; base: ${BASE}`}`,
  );
  const only = process.env.SCENARIOS?.split(",");
  const scenarios = ["keep-alive", "pipelined", "per-request", "post-echo"].filter(
    (s) => !only || only.includes(s),
  );
  // Besides requests/s, the server's CPU time per request (process.cpuUsage() in the server
  // child): on a machine shared with other work it is steadier than a rate.
  for (const scenario of scenarios) {
    const names = { node: "node:http", ll: "@ll/server" };
    if (BASE !== undefined) names.base = "base      ";
    await sideBySide(scenario, names, ROUNDS, (kind) =>
      measure(
        () => startKind(kind),
        (port) => loadScenario(port, scenario),
      ),
    );
  }
  if (!only || only.includes("idle-memory")) {
    const ours = await idleMemory("ll");
    const theirs = await idleMemory("node");
    const kib = (bytes) => (bytes / 1024).toFixed(2);
    console.log(
      `idle memory  @ll/server ${kib(ours.rss)} KiB RSS, ${kib(ours.heap)} KiB heap per connection   node:http ${kib(theirs.rss)} KiB RSS, ${kib(theirs.heap)} KiB heap   (${IDLE_CONNECTIONS} connections)`,
    );
  }
}

if (process.argv[2] === "--serve") {
  await serve(process.argv[3]);
} else {
  await main();
}
