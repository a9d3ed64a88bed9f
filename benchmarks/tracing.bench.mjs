// What the diagnostics channels cost: @ll/server with no subscriber, and with one subscriber on
// every `ll.server.request` event and on `ll.server.response.finish`, each against a node:http
// server answering the same bytes, side by side:
//
//   npx tsc -b packages/server && node benchmarks/tracing.bench.mjs
//
// Keep-alive GET, 50 connections (wrk when installed, else autocannon); the server in a child
// process pinned to core 1, the load on core 0 (`taskset`, when available). The three servers
// take turns for ROUNDS rounds (default 5) of DURATION s (default 3), so noise on a shared
// machine hits all of them; the medians and the median of each round's ratio are printed.
import { execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import net from "node:net";
import { fileURLToPath } from "node:url";

const SELF = fileURLToPath(import.meta.url);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const DURATION = Number(process.env.DURATION ?? 3);
const CONNECTIONS = 50;
const BODY = "Hello";
const KINDS = ["node", "ll", "ll-traced"];

async function serve(kind) {
  let listener;
  if (kind === "node") {
    const http = await import("node:http");
    listener = http.createServer((_request, response) => {
      response.writeHead(200, {
        "Content-Type": "text/plain; charset=utf-8",
        "Content-Length": BODY.length,
      });
      response.end(BODY);
    });
  } else {
    const { Response, Server } = await import("@ll/server");
    if (kind === "ll-traced") {
      // What an APM agent does at the least: look at each event.
      const diagnosticsChannel = await import("node:diagnostics_channel");
      const seen = { events: 0 };
      const count = () => {
        seen.events++;
      };
      diagnosticsChannel
        .tracingChannel("ll.server.request")
        .subscribe({ start: count, end: count, asyncStart: count, asyncEnd: count, error: count });
      diagnosticsChannel.subscribe("ll.server.response.finish", count);
    }
    const server = new Server(async () => new Response({ text: BODY }));
    listener = net.createServer({ backlog: 8192 }, server.connectionListener);
  }
  listener.listen(0, "127.0.0.1", 8192);
  await once(listener, "listening");
  process.on("message", (message) => {
    if (message === "cpu") {
      const { user, system } = process.cpuUsage();
      process.send({ cpu: user + system });
    }
  });
  process.send({ port: listener.address().port });
}

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

async function startServer(kind) {
  const node = [process.execPath, SELF, "--serve", kind];
  const pinned = hasTaskset();
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
    async stop() {
      child.kill();
      await once(child, "exit");
    },
  };
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

async function load(port) {
  const url = `http://127.0.0.1:${port}/`;
  if (hasWrk()) {
    const args = ["-t1", `-c${CONNECTIONS}`, `-d${DURATION}s`, url];
    const output = await run(
      hasTaskset() ? ["taskset", "-c", "0", "wrk", ...args] : ["wrk", ...args],
    );
    const rate = /Requests\/sec:\s+([\d.]+)/.exec(output);
    const total = /(\d+) requests in/.exec(output);
    if (rate === null || total === null) throw new Error(`unexpected wrk output:\n${output}`);
    return { rate: Number(rate[1]), requests: Number(total[1]) };
  }
  const { default: autocannon } = await import("autocannon");
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION });
  return { rate: result.requests.average, requests: result.requests.total };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main() {
  console.log(
    `load generator: ${hasWrk() ? "wrk" : "autocannon"}, pinning: ${hasTaskset() ? "server core 1, load core 0" : "none"}, ${ROUNDS} rounds of ${DURATION}s, keep-alive GET`,
  );
  const rates = Object.fromEntries(KINDS.map((kind) => [kind, []]));
  const costs = Object.fromEntries(KINDS.map((kind) => [kind, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const kind of KINDS) {
      const server = await startServer(kind);
      await load(server.port); // warm-up: let the JIT settle
      const before = await server.cpu();
      const { rate, requests } = await load(server.port);
      costs[kind].push(((await server.cpu()) - before) / requests);
      rates[kind].push(rate);
      await server.stop();
    }
  }
  const node = rates.node;
  for (const kind of ["ll", "ll-traced"]) {
    const ratios = rates[kind].map((rate, round) => rate / node[round]);
    const costRatios = costs[kind].map((cost, round) => costs.node[round] / cost);
    const label = kind === "ll" ? "no subscriber" : "one subscriber";
    console.log(
      `${label.padEnd(15)} @ll/server ${median(rates[kind]).toFixed(0).padStart(7)} req/s ${median(costs[kind]).toFixed(2).padStart(6)} us CPU/req   node:http ${median(node).toFixed(0).padStart(7)} req/s ${median(costs.node).toFixed(2).padStart(6)} us CPU/req   ratio ${median(ratios).toFixed(2)}x req/s, ${median(costRatios).toFixed(2)}x CPU  (rounds: ${ratios.map((r) => r.toFixed(2)).join(", ")})`,
    );
  }
  const tracedCost = costs["ll-traced"].map((cost, round) => cost / costs.ll[round]);
  console.log(
    `one subscriber vs none: ${median(tracedCost).toFixed(3)}x CPU per request (rounds: ${tracedCost.map((r) => r.toFixed(2)).join(", ")})`,
  );
  const traced = rates["ll-traced"].map((rate, round) => rate / rates.ll[round]);
  console.log(
    `one subscriber vs none: ${median(traced).toFixed(3)}x req/s (rounds: ${traced.map((r) => r.toFixed(2)).join(", ")})`,
  );
}

if (process.argv[2] === "--serve") {
  await serve(process.argv[3]);
} else {
  await main();
}
