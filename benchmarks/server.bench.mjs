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
import { execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const SELF = fileURLToPath(import.meta.url);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const DURATION = Number(process.env.DURATION ?? 5);
const CONNECTIONS = 50;
const IDLE_CONNECTIONS = Number(process.env.IDLE_CONNECTIONS ?? 5000);
const BODY = "Hello";
const POST_BODY = "x".repeat(4096);

// ---- the servers (child process) -----------------------------------------------------------

async function serve(kind) {
  let listener;
  if (kind === "ll") {
    const { Response, Server } = await import("@ll/server");
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
  process.send({ port: listener.address().port });
}

async function startServer(kind) {
  const pinned = hasTaskset();
  const node = [process.execPath, "--expose-gc", SELF, "--serve", kind];
  const child = spawn(pinned ? "taskset" : node[0], pinned ? ["-c", "1", ...node] : node.slice(1), {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const [message] = await once(child, "message");
  return {
    port: message.port,
    async cpu() {
      child.send("cpu");
      const [usage] = await once(child, "message");
      return usage.cpu;
    },
    async memory() {
      child.send("memory");
      const [usage] = await once(child, "message");
      return usage;
    },
    async stop() {
      child.kill();
      await once(child, "exit");
    },
  };
}

// ---- load generation ---------------------------------------------------------------------------

let tasksetAvailable;
function hasTaskset() {
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
function hasWrk() {
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

function luaScript(scenario) {
  const lines = [];
  if (scenario === "post-echo") {
    lines.push('wrk.method = "POST"', `wrk.body = string.rep("x", ${POST_BODY.length})`);
  }
  if (scenario === "per-request") lines.push('wrk.headers["Connection"] = "close"');
  if (scenario === "pipelined") {
    lines.push(
      "init = function(args)",
      "  local r = {}",
      "  for i = 1, 16 do r[i] = wrk.format() end",
      "  req = table.concat(r)",
      "end",
      "request = function() return req end",
    );
  }
  const path = join(tmpdir(), `ll-server-bench-${scenario}.lua`);
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}

async function load(port, scenario) {
  const url = `http://127.0.0.1:${port}/`;
  if (hasWrk()) {
    const args = ["-t1", `-c${CONNECTIONS}`, `-d${DURATION}s`, "-s", luaScript(scenario), url];
    const command = hasTaskset() ? ["taskset", "-c", "0", "wrk", ...args] : ["wrk", ...args];
    const output = await run(command);
    const match = /Requests\/sec:\s+([\d.]+)/.exec(output);
    const total = /(\d+) requests in/.exec(output);
    if (match === null || total === null) throw new Error(`unexpected wrk output:\n${output}`);
    const errors = /Non-2xx or 3xx responses: (\d+)/.exec(output);
    if (errors !== null) throw new Error(`${errors[1]} error responses:\n${output}`);
    return { rate: Number(match[1]), requests: Number(total[1]) };
  }
  const { default: autocannon } = await import("autocannon");
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: DURATION,
    pipelining: scenario === "pipelined" ? 16 : 1,
    method: scenario === "post-echo" ? "POST" : "GET",
    body: scenario === "post-echo" ? POST_BODY : undefined,
    headers: scenario === "per-request" ? { connection: "close" } : undefined,
  });
  return { rate: result.requests.average, requests: result.requests.total };
}

function run([command, ...args]) {
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

// ---- idle memory ----------------------------------------------------------------------------

async function idleMemory(kind) {
  const server = await startServer(kind);
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

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main() {
  console.log(
    `load generator: ${hasWrk() ? "wrk" : "autocannon"}, pinning: ${hasTaskset() ? "server core 1, load core 0" : "none"}, ${ROUNDS} rounds of ${DURATION}s`,
  );
  const only = process.env.SCENARIOS?.split(",");
  const scenarios = ["keep-alive", "pipelined", "per-request", "post-echo"].filter(
    (s) => !only || only.includes(s),
  );
  // Besides requests/s, the server's CPU time per request (process.cpuUsage() in the server
  // child): on a machine shared with other work it is steadier than a rate.
  for (const scenario of scenarios) {
    const rates = { ll: [], node: [] };
    const costs = { ll: [], node: [] };
    const ratios = [];
    const costRatios = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const kind of ["node", "ll"]) {
        const server = await startServer(kind);
        await load(server.port, scenario); // warm-up: let the JIT settle
        const cpuBefore = await server.cpu();
        const { rate, requests } = await load(server.port, scenario);
        const cpu = (await server.cpu()) - cpuBefore;
        rates[kind].push(rate);
        costs[kind].push(cpu / requests);
        await server.stop();
      }
      ratios.push(rates.ll.at(-1) / rates.node.at(-1));
      costRatios.push(costs.node.at(-1) / costs.ll.at(-1));
    }
    console.log(
      `${scenario.padEnd(12)} @ll/server ${median(rates.ll).toFixed(0).padStart(7)} req/s ${median(costs.ll).toFixed(2).padStart(6)} us CPU/req   node:http ${median(rates.node).toFixed(0).padStart(7)} req/s ${median(costs.node).toFixed(2).padStart(6)} us CPU/req   ratio ${median(ratios).toFixed(2)}x req/s, ${median(costRatios).toFixed(2)}x CPU  (rounds: ${ratios.map((r) => r.toFixed(2)).join(", ")} / ${costRatios.map((r) => r.toFixed(2)).join(", ")})`,
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
