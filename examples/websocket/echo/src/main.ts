// A WebSocket echo server: every text or binary message comes back as it was sent.
import type { AddressInfo } from "node:net";
import { ServerRunner, TCPSite } from "@ll/runner";
import { type BaseRequest, Server } from "@ll/server";
import { WebSocketResponse, WSMsgType } from "@ll/websocket";

async function echo(request: BaseRequest): Promise<WebSocketResponse> {
  // heartbeat: ping a silent client every 30 s and drop it if it does not answer.
  const ws = new WebSocketResponse({ heartbeat: 30_000 });
  await ws.prepare(request);
  // The loop ends when the client closes, or with code 1001 when the server shuts down.
  for await (const message of ws) {
    if (message.type === WSMsgType.TEXT) await ws.sendStr(message.data);
    else if (message.type === WSMsgType.BINARY) await ws.sendBytes(message.data);
  }
  return ws;
}

const host = process.env.HOST ?? "127.0.0.1";
const port = Number(process.env.PORT ?? 8080);
// handleSignals: Ctrl-C closes the open WebSockets with 1001 (going away) before exiting.
const runner = new ServerRunner(new Server(echo), { handleSignals: true });
await runner.setup();
await new TCPSite(runner, host, port).start();
const address = runner.addresses[0] as AddressInfo;
console.log(`======= Serving on ws://${host}:${address.port}/ ======`);
