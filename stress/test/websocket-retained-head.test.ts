import { once } from "node:events";
import net from "node:net";
import type { BaseRequest } from "@ll/server";
import { WebSocketResponse } from "@ll/websocket";
import { afterEach, describe, expect, it } from "vitest";
import { memoryInUse, serve } from "./helpers/serve.js";

let close: (() => Promise<void>) | undefined;
afterEach(async () => close?.());

const CONNECTIONS = 200;
const PATH = "/websocket/chat/room-1234?user=someone&token=abcdef";
// Each within the default limit of a field line (8190 bytes): 32,000 bytes of fields in all.
const FIELD_SIZE = 8000;
const FIELDS = 4;

describe("idle WebSockets with large request heads", () => {
  it("keep one compact copy of their header fields, not the text of the whole read", async () => {
    let open = 0;
    let allClosed: (() => void) | undefined;
    const handler = async (request: BaseRequest) => {
      open++;
      // What a handler reads to route and authenticate (the request caches it) before the
      // hand-off, and what it keeps after.
      if (request.query.get("user") !== "someone" || !request.url.pathname.endsWith("1234")) {
        throw new Error("not the request sent");
      }
      void request.cookies.get("session");
      const ws = new WebSocketResponse();
      await ws.prepare(request);
      const kept = [request.path, request.relUrl, request.cookies.get("session")];
      for await (const _ of ws);
      kept.length = 0;
      if (--open === 0) allClosed?.();
      return ws;
    };
    const served = await serve(handler);
    close = served.close;

    // Raw sockets: a client that keeps nothing of its request, so what grows is the server's.
    const upgrade = (padded: boolean) => {
      let fields = `Cookie: session=${padded ? "s".repeat(FIELD_SIZE) : "s"}\r\n`;
      for (let index = 1; index < FIELDS; index++) {
        fields += `X-Pad-${index}: ${padded ? "p".repeat(FIELD_SIZE) : "p"}\r\n`;
      }
      return Buffer.from(
        `GET ${PATH} HTTP/1.1\r\nHost: 127.0.0.1:${served.port}\r\nUpgrade: websocket\r\n` +
          "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
          `Sec-WebSocket-Version: 13\r\n${fields}\r\n`,
        "latin1",
      );
    };
    const connect = async (head: Buffer) => {
      const socket = net.connect(served.port, "127.0.0.1");
      socket.write(head);
      const [answer] = (await once(socket, "data")) as [Buffer];
      expect(answer.toString("latin1")).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n/);
      return socket;
    };
    /** Memory per connection of CONNECTIONS idle WebSockets opened with `head`. */
    const growth = async (head: Buffer) => {
      const before = memoryInUse();
      const sockets = await Promise.all(Array.from({ length: CONNECTIONS }, () => connect(head)));
      const grown = (memoryInUse() - before) / CONNECTIONS;
      const closed = new Promise<void>((resolve) => {
        allClosed = resolve;
      });
      for (const socket of sockets) socket.destroy();
      await closed;
      return grown;
    };

    const small = upgrade(false);
    const large = upgrade(true);
    // Loads the code paths of both before measuring.
    for (const head of [small, large]) (await connect(head)).destroy();
    const extra = large.length - small.length;
    // Bytes kept per byte of fields: the lower of two rounds, as what else the process
    // allocates meanwhile (code, its own buffers) can only add to one.
    let kept = Number.POSITIVE_INFINITY;
    for (let round = 0; round < 2; round++) {
      kept = Math.min(kept, ((await growth(large)) - (await growth(small))) / extra);
    }
    // The request keeps its fields (a handler may read them for the connection's life), once:
    // nothing it handed out before the hand-off keeps the text of the whole read (a second
    // copy) alive.
    expect(kept).toBeGreaterThan(0.8);
    expect(kept).toBeLessThan(1.5);
    expect(served.errors).toEqual([]);
  });
});
