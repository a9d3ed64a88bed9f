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
import { once } from "node:events";
import net from "node:net";
import { fileURLToPath } from "node:url";
import {
  hasTaskset,
  hasWrk,
  load,
  measure,
  median,
  serveChild,
  sideBySide,
  startServer,
} from "./harness.mjs";

const SELF = fileURLToPath(import.meta.url);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const DURATION = Number(process.env.DURATION ?? 3);
const CONNECTIONS = 50;
const BODY = "Hello";

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
  serveChild(listener);
}

const loadOnce = (port) =>
  load(`http://127.0.0.1:${port}/`, { connections: CONNECTIONS, duration: DURATION });

async function main() {
  console.log(
    `load generator: ${hasWrk() ? "wrk" : "autocannon"}, pinning: ${hasTaskset() ? "server core 1, load core 0" : "none"}, ${ROUNDS} rounds of ${DURATION}s, keep-alive GET`,
  );
  const { rates, costs } = await sideBySide(
    "keep-alive",
    { node: "node:http", ll: "@ll/server", "ll-traced": "@ll/server, one subscriber" },
    ROUNDS,
    (kind) => measure(() => startServer(SELF, ["--serve", kind]), loadOnce),
  );
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
