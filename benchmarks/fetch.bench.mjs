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
// Both run with their defaults, which replace `globalThis.Response` with a light class
// (@hono/node-server's `overrideGlobalObjects`, @ll/server's `overrideGlobalResponse`).
// NO_OVERRIDE=1 runs @ll/server with `overrideGlobalResponse: false` (Node's own `Response`,
// which builds a stream per body) against @hono/node-server's default.
//
// wrk on one core is often the bottleneck, so requests/s mostly measures the load generator:
// the server's CPU time per request is the figure to compare.
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
  serveChild(listener);
}

// ---- load generation ---------------------------------------------------------------------------

function loadScenario(port, scenario) {
  const { path, method, body } = SCENARIOS[scenario];
  const lua = [`wrk.method = "${method}"`];
  if (body !== undefined) lua.push(`wrk.body = string.rep("x", ${body.length})`);
  return load(`http://127.0.0.1:${port}${path}`, {
    connections: CONNECTIONS,
    duration: DURATION,
    lua,
    autocannon: { method, body },
  });
}

// ---- main ------------------------------------------------------------------------------------------

async function main() {
  console.log(
    `load generator: ${hasWrk() ? "wrk" : "autocannon"}, pinning: ${hasTaskset() ? "server core 1, load core 0" : "none"}, ${ROUNDS} rounds of ${DURATION}s, @ll/server ${process.env.NO_OVERRIDE === undefined ? "with its default (overrideGlobalResponse)" : "with overrideGlobalResponse: false (Node's Response)"}`,
  );
  const only = process.env.SCENARIOS?.split(",");
  const scenarios = Object.keys(SCENARIOS).filter((s) => !only || only.includes(s));
  for (const scenario of scenarios) {
    await sideBySide(scenario, { hono: "@hono/node-server", ll: "@ll/server" }, ROUNDS, (kind) =>
      measure(
        () => startServer(SELF, ["--serve", kind]),
        (port) => loadScenario(port, scenario),
      ),
    );
  }
}

if (process.argv[2] === "--serve") {
  await serve(process.argv[3]);
} else {
  await main();
}
