import { once } from "node:events";
import { type BaseRequest, Response, type StreamResponse } from "@ll/server";
import { WebSocketResponse, WSMsgType } from "@ll/websocket";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { MiB, memoryInUse, serve } from "./helpers/serve.js";

let close: (() => Promise<void>) | undefined;
afterEach(async () => close?.());

const MESSAGES = 300_000;

describe("WebSocket message flood", () => {
  it("stops reading a flood the handler does not keep up with, and loses nothing", async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const counted = new Promise<number>((resolveCount) => {
      const handler = async (request: BaseRequest): Promise<StreamResponse> => {
        if (request.path !== "/ws") return new Response({ text: "still here" });
        const ws = new WebSocketResponse({ maxMsgSize: 1024 * 1024 });
        await ws.prepare(request);
        await released; // a handler busy elsewhere: nothing is read meanwhile
        let count = 0;
        for await (const message of ws) if (message.type === WSMsgType.TEXT) count++;
        resolveCount(count);
        return ws;
      };
      close = undefined;
      void serve(handler).then((served) => {
        close = served.close;
        flood(served.port).catch(() => {});
      });
    });

    let floodResult: { grown: number; buffered: number } | undefined;
    async function flood(port: number) {
      // Uncompressed: inflating 300,000 messages one zlib call each would make this about
      // zlib's speed, not the server's flow control.
      const client = new WebSocket(`ws://127.0.0.1:${port}/ws`, { perMessageDeflate: false });
      await once(client, "open");
      const before = memoryInUse();
      for (let index = 0; index < MESSAGES; index++) client.send("");
      // Let the bytes the kernel takes reach the server.
      for (let turn = 0; turn < 50; turn++) await new Promise((resolve) => setTimeout(resolve, 5));
      floodResult = { grown: memoryInUse() - before, buffered: client.bufferedAmount };
      release();
      await new Promise<void>((resolve) => {
        const check = () => (client.bufferedAmount === 0 ? resolve() : setTimeout(check, 5));
        check();
      });
      client.close(1000);
    }

    expect(await counted).toBe(MESSAGES);
    // What grew is what the client still holds, not a queue of messages on the server.
    const { grown, buffered } = floodResult!;
    expect(grown - buffered).toBeLessThan(8 * MiB);
  });

  it("closes with 1009 on a message over maxMsgSize and keeps serving", async () => {
    const served = await serve(async (request) => {
      if (request.path !== "/ws") return new Response({ text: "still here" });
      const ws = new WebSocketResponse({ maxMsgSize: 64 * 1024 });
      await ws.prepare(request);
      for await (const _ of ws);
      return ws;
    });
    close = served.close;
    const client = new WebSocket(`ws://127.0.0.1:${served.port}/ws`);
    client.on("error", () => {});
    await once(client, "open");
    client.send(Buffer.alloc(65 * 1024));
    const [code] = (await once(client, "close")) as [number];
    expect(code).toBe(1009);
    const response = await fetch(`http://127.0.0.1:${served.port}/`);
    expect(await response.text()).toBe("still here");
  });
});
