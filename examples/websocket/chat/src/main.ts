// A broadcast chat: one handler serves both the HTML page (a plain GET) and the chat socket
// (a GET with Upgrade: websocket), and every message goes to everyone connected.
import type { AddressInfo } from "node:net";
import { ServerRunner, TCPSite } from "@ll/runner";
import { type BaseRequest, Response, Server, type StreamResponse } from "@ll/server";
import { WebSocketResponse, WSMsgType } from "@ll/websocket";
import { PAGE } from "./page.js";

const members = new Map<WebSocketResponse, string>();
let joined = 0;

/** Sends `text` to every open socket; a member that just left is skipped. */
function broadcast(text: string): void {
  for (const ws of members.keys()) {
    if (!ws.closed) ws.sendStr(text).catch(() => {});
  }
}

async function chat(request: BaseRequest): Promise<StreamResponse> {
  const ws = new WebSocketResponse({ heartbeat: 30_000 });
  // Not a WebSocket handshake (a browser opening the page): answer with the page instead.
  if (!ws.canPrepare(request).ok) {
    return new Response({ text: PAGE, contentType: "text/html" });
  }
  await ws.prepare(request);
  const name = `guest${++joined}`;
  await ws.sendStr(`* you are ${name}`);
  broadcast(`* ${name} joined`);
  members.set(ws, name);
  try {
    for await (const message of ws) {
      if (message.type === WSMsgType.TEXT) broadcast(`${name}: ${message.data}`);
    }
  } finally {
    members.delete(ws);
    broadcast(`* ${name} left`);
  }
  return ws;
}

const host = process.env.HOST ?? "127.0.0.1";
const port = Number(process.env.PORT ?? 8080);
// handleSignals: Ctrl-C closes every chat socket with 1001 (going away) before exiting.
const runner = new ServerRunner(new Server(chat), { handleSignals: true });
await runner.setup();
await new TCPSite(runner, host, port).start();
const address = runner.addresses[0] as AddressInfo;
console.log(`======= Serving on http://${host}:${address.port}/ ======`);
