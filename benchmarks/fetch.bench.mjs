// The same hono app served by @ll/server's fetchHandler and by @hono/node-server, side by side:
//
//   npx tsc -b packages/server && node benchmarks/fetch.bench.mjs
//
// Each server runs in a child process pinned to core 1 (`taskset -c 1`), the load generator on
// core 0: wrk when installed (`apt-get install wrk`), else autocannon. Scenarios, 50 keep-alive
// connections each:
//   text        GET /        a short text/plain body (`c.text()`)
//   json        GET /json    a small JSON body (`c.json()`)
//   post-echo   POST /echo   4 KiB body read with `c.req.text()` and sent back
// The two servers alternate for ROUNDS rounds (default 3); the median requests/s of each, the
// server's CPU time per request, and the ratios (> 1 means @ll/server is faster / cheaper) are
// printed. DURATION (s) sets a run's length; SCENARIOS=text,json picks some.
//
// Both sides replace `globalThis.Response` with a light class by default here: @hono/node-server
// does so unless told otherwise, and @ll/server runs with `overrideGlobalResponse: true`, which
// it leaves off by default. NO_OVERRIDE=1 measures @ll/server's default instead (Node's own
// `Response`, which builds a stream per body) against @hono/node-server's default.
//
// wrk on one core is often the bottleneck, so requests/s mostly measures the load generator:
// the server's CPU time per request is the figure to compare.
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
const POST_BODY = "x".repeat(4096);
const SCENARIOS = {
  text: { path: "/", method: "GET" },
  json: { path: "/json", method: "GET" },
  "post-echo": { path: "/echo", method: "POST", body: POST_BODY },
};

// ---- the servers (child process) -----------------------------------------------------------

async function makeApp() {
  const { Hono } = await import("hono");
  const app = new Hono();
  app.get("/", (c) => c.text("Hello"));
  app.get("/json", (c) => c.json({ message: "Hello", id: 42, tags: ["a", "b"] }));
  app.post("/echo", async (c) => c.text(await c.req.text()));
  return app;
}

async function serve(kind) {
  const app = await makeApp();
  let listener;
  if (kind === "ll") {
    const { Server, fetchHandler } = await import("@ll/server");
    const server = new Server(
      fetchHandler(app.fetch, { overrideGlobalResponse: process.env.NO_OVERRIDE === undefined }),
    );
    listener = net.createServer({ backlog: 8192 }, server.connectionListener);
    listener.listen(0, "127.0.0.1", 8192);
  } else {
    const { createAdaptorServer } = await import("@hono/node-server");
    listener = createAdaptorServer({ fetch: app.fetch });
    listener.keepAliveTimeout = 600_000;
    listener.listen(0, "127.0.0.1", 8192);
  }
  await once(listener, "listening");
  process.on("message", (message) => {
    if (message === "cpu") {
      const { user, system } = process.cpuUsage();
      process.send({ cpu: user + system });
    }
  });
  process.send({ port: listener.address().port });
}

async function startServer(kind) {
  const pinned = hasTaskset();
  const extra = process.env.SERVER_NODE_OPTIONS?.split(" ").filter(Boolean) ?? [];
  const node = [process.execPath, ...extra, SELF, "--serve", kind];
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
      child.kill("SIGINT");
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
  const { method, body } = SCENARIOS[scenario];
  const lines = [`wrk.method = "${method}"`];
  if (body !== undefined) lines.push(`wrk.body = string.rep("x", ${body.length})`);
  const path = join(tmpdir(), `ll-fetch-bench-${scenario}.lua`);
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}

async function load(port, scenario) {
  const { path, method, body } = SCENARIOS[scenario];
  const url = `http://127.0.0.1:${port}${path}`;
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
    method,
    body,
  });
  if (result.non2xx > 0) throw new Error(`${result.non2xx} error responses`);
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

// ---- main ------------------------------------------------------------------------------------------

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main() {
  console.log(
    `load generator: ${hasWrk() ? "wrk" : "autocannon"}, pinning: ${hasTaskset() ? "server core 1, load core 0" : "none"}, ${ROUNDS} rounds of ${DURATION}s, @ll/server ${process.env.NO_OVERRIDE === undefined ? "with overrideGlobalResponse" : "with its default (Node's Response)"}`,
  );
  const only = process.env.SCENARIOS?.split(",");
  const scenarios = Object.keys(SCENARIOS).filter((s) => !only || only.includes(s));
  for (const scenario of scenarios) {
    const rates = { ll: [], hono: [] };
    const costs = { ll: [], hono: [] };
    const ratios = [];
    const costRatios = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const kind of ["hono", "ll"]) {
        const server = await startServer(kind);
        await load(server.port, scenario); // warm-up: let the JIT settle
        const cpuBefore = await server.cpu();
        const { rate, requests } = await load(server.port, scenario);
        const cpu = (await server.cpu()) - cpuBefore;
        rates[kind].push(rate);
        costs[kind].push(cpu / requests);
        await server.stop();
      }
      ratios.push(rates.ll.at(-1) / rates.hono.at(-1));
      costRatios.push(costs.hono.at(-1) / costs.ll.at(-1));
    }
    console.log(
      `${scenario.padEnd(10)} @ll/server ${median(rates.ll).toFixed(0).padStart(7)} req/s ${median(costs.ll).toFixed(2).padStart(6)} us CPU/req   @hono/node-server ${median(rates.hono).toFixed(0).padStart(7)} req/s ${median(costs.hono).toFixed(2).padStart(6)} us CPU/req   ratio ${median(ratios).toFixed(2)}x req/s, ${median(costRatios).toFixed(2)}x CPU  (rounds: ${ratios.map((r) => r.toFixed(2)).join(", ")} / ${costRatios.map((r) => r.toFixed(2)).join(", ")})`,
    );
  }
}

if (process.argv[2] === "--serve") {
  await serve(process.argv[3]);
} else {
  await main();
}
