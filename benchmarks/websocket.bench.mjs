// WebSocket echo round trips per second and handshakes per second: @ll/websocket's
// WebSocketResponse on an @ll/server Server, against a `ws` WebSocketServer on a plain
// node:http server, side by side in one process, driven by the same `ws` client.
//
// Run on the built packages:
//   npx tsc -b packages/websocket && node benchmarks/websocket.bench.mjs
// Options (environment): ROUNDS (3), SECONDS per measurement (2), CLIENTS (16), SIZE (64 bytes).
//
// Both servers get clients with permessage-deflate off, so both frame the same bytes. Each
// round measures both servers, alternating which goes first; the ratio (ours / ws) of each
// round is printed, then the median over the rounds.

import { once } from "node:events";
import http from "node:http";
import net from "node:net";
import { Server } from "@ll/server";
import { WebSocketResponse, WSMsgType } from "@ll/websocket";
import WebSocket, { WebSocketServer } from "ws";

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const SECONDS = Number(process.env.SECONDS ?? 2);
const CLIENTS = Number(process.env.CLIENTS ?? 16);
const SIZE = Number(process.env.SIZE ?? 64);
const CLIENT_OPTIONS = { perMessageDeflate: false };

async function startOurs() {
  const server = new Server(async (request) => {
    const ws = new WebSocketResponse();
    await ws.prepare(request);
    for await (const message of ws) {
      if (message.type === WSMsgType.TEXT) await ws.sendStr(message.data);
      else if (message.type === WSMsgType.BINARY) await ws.sendBytes(message.data);
    }
    return ws;
  });
  const listener = net.createServer(server.connectionListener);
  listener.listen(0, "127.0.0.1");
  await once(listener, "listening");
  return {
    name: "@ll/websocket",
    url: `ws://127.0.0.1:${listener.address().port}/`,
    async close() {
      listener.close();
      await server.shutdown(1000);
    },
  };
}

async function startWs() {
  const httpServer = http.createServer((_request, response) => {
    response.writeHead(426).end();
  });
  const wss = new WebSocketServer({ server: httpServer });
  wss.on("connection", (socket) => {
    socket.on("message", (data, isBinary) => socket.send(data, { binary: isBinary }));
  });
  httpServer.listen(0, "127.0.0.1");
  await once(httpServer, "listening");
  return {
    name: "ws on node:http",
    url: `ws://127.0.0.1:${httpServer.address().port}/`,
    async close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      httpServer.close();
      httpServer.closeAllConnections();
    },
  };
}

/** Round trips per second: CLIENTS sockets, each sending one message and waiting for the echo. */
async function echoRate(url) {
  const clients = await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      const client = new WebSocket(url, CLIENT_OPTIONS);
      await once(client, "open");
      return client;
    }),
  );
  const payload = "x".repeat(SIZE);
  let count = 0;
  let running = true;
  const loops = clients.map(
    (client) =>
      new Promise((resolve) => {
        client.on("message", () => {
          count++;
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
  return done / elapsed;
}

/** Handshakes per second: CLIENTS loops, each opening a socket and closing it cleanly. */
async function handshakeRate(url) {
  let count = 0;
  const deadline = Date.now() + SECONDS * 1000;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (Date.now() < deadline) {
        const client = new WebSocket(url, CLIENT_OPTIONS);
        await once(client, "open");
        client.close();
        await once(client, "close");
        count++;
      }
    }),
  );
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  return count / elapsed;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const format = (value) => Math.round(value).toLocaleString("en-US").padStart(9);

const ours = await startOurs();
const theirs = await startWs();
const ratios = { echo: [], handshake: [] };
try {
  // Warm-up: JIT both paths before measuring.
  for (const server of [ours, theirs]) {
    await echoRate(server.url);
    await handshakeRate(server.url);
  }
  for (let round = 1; round <= ROUNDS; round++) {
    const order = round % 2 === 1 ? [ours, theirs] : [theirs, ours];
    for (const [kind, measure] of [
      ["echo", echoRate],
      ["handshake", handshakeRate],
    ]) {
      const rates = new Map();
      for (const server of order) rates.set(server, await measure(server.url));
      const ratio = rates.get(ours) / rates.get(theirs);
      ratios[kind].push(ratio);
      console.log(
        `round ${round} ${kind.padEnd(9)}  ${ours.name} ${format(rates.get(ours))}/s` +
          `  ${theirs.name} ${format(rates.get(theirs))}/s  ratio ${ratio.toFixed(3)}`,
      );
    }
  }
  console.log(
    `median ratio (ours / ws, higher is better): echo round trips ${median(ratios.echo).toFixed(3)},` +
      ` handshakes ${median(ratios.handshake).toFixed(3)}`,
  );
} finally {
  await ours.close();
  await theirs.close();
}
