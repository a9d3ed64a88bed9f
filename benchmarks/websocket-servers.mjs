// What the WebSocket benchmarks share: the servers they compare, built the same way for every
// script (an
// @ll/websocket echo handler on an @ll/server Server (this checkout's, or BASE's), and `ws`'s
// WebSocketServer on a plain node:http server; each answers a text message starting with
// "burst" with `burst` copies of it, any other message with one; neither listens yet), their
// names, and the client that talks to both.

import { once } from "node:events";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import WebSocket from "ws";

/** The servers' names in the results. */
export const NAMES = { ll: "@ll/websocket", base: "base", ws: "ws on node:http" };

// Both servers get clients with permessage-deflate off, so both frame the same bytes.
const CLIENT_OPTIONS = { perMessageDeflate: false };

/** A `ws` client connected to `url`. */
export async function openClient(url) {
  const client = new WebSocket(url, CLIENT_OPTIONS);
  await once(client, "open");
  return client;
}

/**
 * The listener of `kind` ("ll", "base" or "ws"); `base` is the checkout "base" loads from,
 * `heartbeat` (ms) turns pings on (ours: the `heartbeat` option; ws: its README's ping loop).
 */
export async function websocketServer(kind, { base, heartbeat, burst = 8 } = {}) {
  return kind === "ws"
    ? serveWs(heartbeat, burst)
    : serveOurs(kind === "base" ? base : undefined, heartbeat, burst);
}

async function serveOurs(root, heartbeat, burst) {
  const importFrom = (name) =>
    root === undefined
      ? import(`@ll/${name}`)
      : import(pathToFileURL(resolve(root, "packages", name, "dist/index.js")).href);
  const { Server } = await importFrom("server");
  const { WebSocketResponse, WSMsgType } = await importFrom("websocket");
  const net = await import("node:net");
  const server = new Server(async (request) => {
    const ws = new WebSocketResponse(heartbeat ? { heartbeat } : {});
    await ws.prepare(request);
    for await (const message of ws) {
      if (message.type === WSMsgType.TEXT) {
        const count = message.data.startsWith("burst") ? burst : 1;
        for (let sent = 0; sent < count; sent++) await ws.sendStr(message.data);
      } else if (message.type === WSMsgType.BINARY) await ws.sendBytes(message.data);
    }
    return ws;
  });
  return net.createServer({ backlog: 8192 }, server.connectionListener);
}

async function serveWs(heartbeat, burst) {
  const http = await import("node:http");
  const { WebSocketServer } = await import("ws");
  const listener = http.createServer((_request, response) => response.writeHead(426).end());
  const wss = new WebSocketServer({ server: listener });
  wss.on("connection", (socket) => {
    socket.on("message", (data, isBinary) => {
      const count = !isBinary && data.toString("latin1", 0, 5) === "burst" ? burst : 1;
      for (let sent = 0; sent < count; sent++) socket.send(data, { binary: isBinary });
    });
    if (heartbeat) {
      socket.isAlive = true;
      socket.on("pong", () => {
        socket.isAlive = true;
      });
    }
  });
  if (heartbeat) {
    // ws's README heartbeat: one interval for all clients; a client that did not answer the
    // last ping is terminated.
    setInterval(() => {
      for (const socket of wss.clients) {
        if (!socket.isAlive) socket.terminate();
        else {
          socket.isAlive = false;
          socket.ping();
        }
      }
    }, heartbeat).unref();
  }
  return listener;
}
