import { once } from "node:events";
import net from "node:net";
import { type BaseRequest, Response, type StreamResponse } from "@ll/server";
import { WebSocketResponse } from "@ll/websocket";
import { afterEach, describe, expect, it } from "vitest";
import { pool } from "./helpers/exchange.js";
import { serve } from "./helpers/serve.js";

let close: (() => Promise<void>) | undefined;
afterEach(async () => close?.());

const GET = "GET /x HTTP/1.1\r\nHost: a\r\n\r\n";
const UPGRADE =
  "GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";

async function handler(request: BaseRequest): Promise<StreamResponse> {
  if (request.path === "/ws") {
    const ws = new WebSocketResponse();
    await ws.prepare(request);
    for await (const _ of ws);
    return ws;
  }
  const body = await request.read();
  return new Response({ text: `read ${body.length}` });
}

describe("connection hand-off", () => {
  it("leaves every other connection unharmed by pipelined bytes around an upgrade", async () => {
    const served = await serve(handler);
    close = served.close;
    // The trigger, many times over, on connections that then stay open.
    const attackers = await pool(Array.from({ length: 20 }), 10, async () => {
      const socket = net.connect(served.port, "127.0.0.1");
      socket.on("error", () => {});
      await once(socket, "connect");
      socket.write(GET + UPGRADE + GET);
      await once(socket, "data");
      return socket;
    });
    // Fresh connections, with and without bodies, are served as if nothing happened.
    const answers = await pool(Array.from({ length: 100 }), 20, async (_, index) => {
      const response = await fetch(`http://127.0.0.1:${served.port}/x`, {
        method: index % 2 === 0 ? "GET" : "POST",
        body: index % 2 === 0 ? undefined : "body",
      });
      return `${response.status} ${await response.text()}`;
    });
    expect(new Set(answers)).toEqual(new Set(["200 read 0", "200 read 4"]));
    for (const socket of attackers) socket.destroy();
    expect(served.errors).toEqual([]);
  });
});
