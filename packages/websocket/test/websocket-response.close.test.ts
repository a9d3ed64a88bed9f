import { once } from "node:events";
import { ConnectionResetError } from "@ll/http-protocol";
import type { BaseRequest } from "@ll/server";
import { deferred, testClient } from "@ll/test-utils";
import { afterEach, describe, expect, it, vi } from "vitest";
import WebSocket from "ws";
import { type HeartbeatWheels, heartbeatWheelsOf } from "../src/heartbeat.js";
import {
  WebSocketResponse,
  type WebSocketResponseOptions,
  WSCloseCode,
  type WSMessage,
  WSMsgType,
} from "../src/index.js";
import {
  clientFrame,
  closeClients,
  closeEvent,
  connect,
  nextMessage,
  rawConnect,
  readResponse,
  upgradeRequest,
} from "./helpers/ws-client.js";

afterEach(async () => {
  vi.useRealTimers();
  closeClients();
});

interface Outcome {
  ws: WebSocketResponse;
  messages: WSMessage[];
}

/**
 * A handler that records every message until CLOSE, CLOSING or CLOSED (after `script`
 * ran, if given) and then what `receive()` returns next.
 */
function recording(
  options: WebSocketResponseOptions = {},
  script?: (ws: WebSocketResponse) => Promise<void>,
) {
  const outcome = deferred<Outcome>();
  const handler = async (request: BaseRequest) => {
    const ws = new WebSocketResponse(options);
    await ws.prepare(request);
    const messages: WSMessage[] = [];
    try {
      for (;;) {
        const message = await ws.receive();
        messages.push(message);
        if (message.type >= WSMsgType.CLOSING || message.type === WSMsgType.CLOSE) break;
      }
      await script?.(ws);
      messages.push(await ws.receive());
      outcome.resolve({ ws, messages });
    } catch (error) {
      outcome.reject(error);
    }
    return ws;
  };
  return { outcome: outcome.promise, handler };
}

const CLOSED = { type: WSMsgType.CLOSED, data: undefined, extra: undefined };

describe("WebSocketResponse", () => {
  describe("#close", () => {
    it("closes with the code and message, and takes the peer's answer as closeCode", async () => {
      const result = deferred<unknown[]>();
      await using served = await testClient(async (request) => {
        const ws = new WebSocketResponse();
        await ws.prepare(request);
        const first = await ws.close({ code: 4001, message: "bye" });
        const second = await ws.close();
        result.resolve([
          first,
          second,
          ws.closed,
          ws.closeCode,
          ws.exception(),
          await ws.receive(),
        ]);
        return ws;
      });
      const client = await connect(served.makeUrl("/"));
      expect(await closeEvent(client)).toEqual({ code: 4001, reason: "bye" });
      expect(await result.promise).toEqual([true, false, true, 4001, undefined, CLOSED]);
    });

    it("ends a waiting receive() with CLOSING", async () => {
      const pending = deferred<WSMessage>();
      await using served = await testClient(async (request) => {
        const ws = new WebSocketResponse();
        await ws.prepare(request);
        const receiving = ws.receive();
        await ws.close({ code: WSCloseCode.GOING_AWAY });
        pending.resolve(await receiving);
        return ws;
      });
      const client = await connect(served.makeUrl("/"));
      expect(await closeEvent(client)).toEqual({ code: 1001, reason: "" });
      expect(await pending.promise).toEqual({
        type: WSMsgType.CLOSING,
        data: undefined,
        extra: undefined,
      });
    });

    it("drops the connection after the timeout when the peer never answers", async () => {
      const result = deferred<WebSocketResponse>();
      await using served = await testClient(async (request) => {
        const ws = new WebSocketResponse({ timeout: 30 });
        await ws.prepare(request);
        await ws.close();
        result.resolve(ws);
        return ws;
      });
      const socket = await rawConnect(served.server.port);
      socket.write(upgradeRequest("/"));
      const pending = { rest: Buffer.alloc(0) };
      expect((await readResponse(socket, pending)).status).toBe(101);
      const ws = await result.promise;
      expect(ws.closeCode).toBe(1006);
      expect(ws.exception()).toMatchObject({
        name: "TimeoutError",
        message: "The peer did not answer the close frame within 30 ms",
      });
      // A paused socket never sees the end: read it to the close (unless a reset closed it).
      socket.resume();
      if (!socket.closed) await once(socket, "close");
    });

    it("rejects codes that may not be sent and long messages", async () => {
      const errors = deferred<unknown[]>();
      await using served = await testClient(async (request) => {
        const ws = new WebSocketResponse();
        await ws.prepare(request);
        errors.resolve([
          await ws.close({ code: 1006 }).catch((error: unknown) => error),
          await ws.close({ code: 1000, message: "x".repeat(124) }).catch((error: unknown) => error),
        ]);
        await ws.close();
        return ws;
      });
      await connect(served.makeUrl("/"));
      expect(await errors.promise).toEqual([
        new RangeError("close code must be 1000-1003, 1007-1014 or 3000-4999, got 1006"),
        new RangeError("close message must be at most 123 bytes"),
      ]);
    });

    it.each([
      ["with permessage-deflate", true],
      ["without permessage-deflate (frames written at once)", false],
    ])("rejects sends after close() %s", async (_name, compress) => {
      const error = deferred<unknown>();
      await using served = await testClient(async (request) => {
        const ws = new WebSocketResponse({ compress });
        await ws.prepare(request);
        await ws.close();
        error.resolve(await ws.sendStr("late").catch((reason: unknown) => reason));
        return ws;
      });
      await connect(served.makeUrl("/"));
      // aiohttp raises ConnectionResetError for a send on a closed WebSocket.
      const rejection = await error.promise;
      expect(rejection).toBeInstanceOf(ConnectionResetError);
      expect((rejection as Error).message).toBe("Cannot write to closing transport");
    });

    it("is what writeEof() does", async () => {
      await using served = await testClient(async (request) => {
        const ws = new WebSocketResponse();
        await ws.prepare(request);
        await ws.writeEof();
        return ws;
      });
      const client = await connect(served.makeUrl("/"));
      expect(await closeEvent(client)).toEqual({ code: 1000, reason: "" });
    });
  });

  describe("client close", () => {
    it("delivers CLOSE with the client's code and answers it (autoclose)", async () => {
      const { outcome, handler } = recording();
      await using served = await testClient(handler);
      const client = await connect(served.makeUrl("/"));
      client.send("before");
      client.close(4000, "done");
      const { ws, messages } = await outcome;
      expect(messages).toEqual([
        { type: WSMsgType.TEXT, data: "before", extra: undefined },
        { type: WSMsgType.CLOSE, data: 4000, extra: "done" },
        CLOSED,
      ]);
      expect(ws.closed).toBe(true);
      expect(ws.closeCode).toBe(4000);
      expect(await ws.close()).toBe(false);
      expect(await closeEvent(client)).toEqual({ code: 4000, reason: "done" });
    });

    it("reports 1005 for a close frame without a code", async () => {
      const { outcome, handler } = recording();
      await using served = await testClient(handler);
      const client = await connect(served.makeUrl("/"));
      client.close();
      const { ws, messages } = await outcome;
      expect(messages[0]).toEqual({ type: WSMsgType.CLOSE, data: 1005, extra: "" });
      expect(ws.closeCode).toBe(1005);
    });

    it("lets the handler answer when autoclose is off", async () => {
      const { outcome, handler } = recording({ autoclose: false }, async (ws) => {
        expect(ws.closed).toBe(false);
        await ws.sendStr("last words");
        expect(await ws.receive()).toEqual({
          type: WSMsgType.CLOSING,
          data: undefined,
          extra: undefined,
        });
        expect(await ws.close({ code: 4002, message: "my terms" })).toBe(true);
      });
      await using served = await testClient(handler);
      const client = await connect(served.makeUrl("/"));
      const lastWords = nextMessage(client);
      const closed = closeEvent(client);
      client.close(4000, "done");
      const { ws, messages } = await outcome;
      expect(messages).toEqual([{ type: WSMsgType.CLOSE, data: 4000, extra: "done" }, CLOSED]);
      expect(ws.closeCode).toBe(4000);
      expect(await lastWords).toEqual([Buffer.from("last words"), false]);
      expect(await closed).toEqual({ code: 4002, reason: "my terms" });
    });

    it("delivers ERROR when the connection is lost without a close frame", async () => {
      const { outcome, handler } = recording();
      await using served = await testClient(handler);
      const client = await connect(served.makeUrl("/"));
      // The send callback runs once the bytes are in the socket, so terminate() keeps them.
      await new Promise((resolve) => client.send("before", resolve));
      client.terminate();
      const { ws, messages } = await outcome;
      expect(messages).toEqual([
        { type: WSMsgType.TEXT, data: "before", extra: undefined },
        { type: WSMsgType.ERROR, data: expect.any(ConnectionResetError), extra: undefined },
        CLOSED,
      ]);
      expect(messages[1]!.data).toMatchObject({
        message: "WebSocket connection lost without a close frame",
      });
      expect(ws.closeCode).toBe(1006);
      expect(ws.exception()).toBe(messages[1]!.data);
    });

    it("returns CLOSED after the close, then throws on the 5th call", async () => {
      const results = deferred<unknown[]>();
      await using served = await testClient(async (request) => {
        const ws = new WebSocketResponse();
        await ws.prepare(request);
        const seen: unknown[] = [];
        for (let call = 0; call < 6; call++) {
          seen.push(
            await ws.receive().then(
              (message) => message.type,
              (error: Error) => error,
            ),
          );
        }
        results.resolve(seen);
        return ws;
      });
      const client = await connect(served.makeUrl("/"));
      client.close(1000);
      expect(await results.promise).toEqual([
        WSMsgType.CLOSE,
        WSMsgType.CLOSED,
        WSMsgType.CLOSED,
        WSMsgType.CLOSED,
        WSMsgType.CLOSED,
        new Error("WebSocket connection is closed."),
      ]);
    });
  });

  describe("protocol errors", () => {
    it("closes with 1009 on a message over maxMsgSize", async () => {
      const { outcome, handler } = recording({ maxMsgSize: 1024 });
      await using served = await testClient(handler);
      const client = await connect(served.makeUrl("/"), undefined, { perMessageDeflate: false });
      const closed = closeEvent(client);
      client.send(Buffer.alloc(1024, 1));
      client.send(Buffer.alloc(1025, 1));
      const { ws, messages } = await outcome;
      expect(messages).toHaveLength(3);
      expect(messages[0]).toEqual({
        type: WSMsgType.BINARY,
        data: Buffer.alloc(1024, 1),
        extra: undefined,
      });
      expect(messages[1]).toMatchObject({ type: WSMsgType.ERROR, extra: undefined });
      expect(messages[1]!.data).toBeInstanceOf(RangeError);
      expect((messages[1]!.data as Error).message).toBe("Max payload size exceeded");
      expect(messages[2]).toEqual(CLOSED);
      expect(ws.closeCode).toBe(WSCloseCode.MESSAGE_TOO_BIG);
      expect(ws.exception()).toBe(messages[1]!.data);
      expect((await closed).code).toBe(1009);
    });

    it("closes with 1009 on a compressed message that inflates over maxMsgSize", async () => {
      const { outcome, handler } = recording({ maxMsgSize: 10_000 });
      await using served = await testClient(handler);
      const client = await connect(served.makeUrl("/"), undefined, { perMessageDeflate: true });
      expect(client.extensions).not.toBe("");
      const closed = closeEvent(client);
      client.send("z".repeat(20_000));
      const { ws, messages } = await outcome;
      expect(messages[0]).toMatchObject({ type: WSMsgType.ERROR });
      expect(ws.closeCode).toBe(1009);
      expect((await closed).code).toBe(1009);
    });

    it("closes with 1009 over the 4 MiB default", async () => {
      const { outcome, handler } = recording();
      await using served = await testClient(handler);
      const client = await connect(served.makeUrl("/"), undefined, { perMessageDeflate: false });
      client.send(Buffer.alloc(4 * 1024 * 1024 + 1));
      expect((await closeEvent(client)).code).toBe(1009);
      expect((await outcome).ws.closeCode).toBe(1009);
    });

    it("takes any size with maxMsgSize 0", async () => {
      const { outcome, handler } = recording({ maxMsgSize: 0 });
      await using served = await testClient(handler);
      const client = await connect(served.makeUrl("/"), undefined, { perMessageDeflate: false });
      client.send(Buffer.alloc(5 * 1024 * 1024));
      client.close();
      const { messages } = await outcome;
      expect(messages[0]!.type).toBe(WSMsgType.BINARY);
      expect((messages[0]!.data as Buffer).length).toBe(5 * 1024 * 1024);
    });

    it("closes with 1007 on invalid UTF-8, sending the close frame", async () => {
      const { outcome, handler } = recording();
      await using served = await testClient(handler);
      const socket = await rawConnect(served.server.port);
      socket.write(upgradeRequest("/"));
      const pending = { rest: Buffer.alloc(0) };
      expect((await readResponse(socket, pending)).status).toBe(101);
      socket.write(clientFrame(0x1, Buffer.from([0x61, 0xff])));
      const { ws, messages } = await outcome;
      expect(messages[0]).toMatchObject({ type: WSMsgType.ERROR });
      expect((messages[0]!.data as Error).message).toBe(
        "Invalid WebSocket frame: invalid UTF-8 sequence",
      );
      expect(ws.closeCode).toBe(WSCloseCode.INVALID_TEXT);
      let bytes = pending.rest;
      while (bytes.length < 4) bytes = Buffer.concat([bytes, (await once(socket, "data"))[0]]);
      // FIN + close opcode, 2-byte payload: the code 1007, no reason.
      expect(bytes.subarray(0, 4)).toEqual(Buffer.from([0x88, 0x02, 0x03, 0xef]));
    });
  });

  describe("heartbeat", () => {
    it("closes with 1006 when the client does not answer a ping", async () => {
      // performance too: heartbeats share one timer per interval, which reads performance.now().
      vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
      const { outcome, handler } = recording({ heartbeat: 1000 });
      await using served = await testClient(handler);
      const client = await connect(served.makeUrl("/"), undefined, { autoPong: false });
      const closed = closeEvent(client);
      const ping = once(client, "ping");
      await vi.advanceTimersByTimeAsync(1000);
      await ping;
      await vi.advanceTimersByTimeAsync(499);
      expect(client.readyState).toBe(client.OPEN);
      await vi.advanceTimersByTimeAsync(1);
      const { ws, messages } = await outcome;
      expect(messages).toHaveLength(2);
      expect(messages[0]).toMatchObject({ type: WSMsgType.ERROR });
      expect(messages[0]!.data).toMatchObject({
        name: "TimeoutError",
        message: "No frame from the peer within 500 ms of a heartbeat ping",
      });
      expect(messages[1]).toEqual(CLOSED);
      expect(ws.closeCode).toBe(WSCloseCode.ABNORMAL_CLOSURE);
      expect(ws.exception()).toBe(messages[0]!.data);
      expect((await closed).code).toBe(1006);
    });

    it("keeps a client that answers pings", async () => {
      // performance too: heartbeats share one timer per interval, which reads performance.now().
      vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
      const result = deferred<WebSocketResponse>();
      await using served = await testClient(async (request) => {
        const ws = new WebSocketResponse({ heartbeat: 1000 });
        await ws.prepare(request);
        for await (const message of ws) {
          if (message.type === WSMsgType.TEXT) await ws.sendStr(message.data);
        }
        result.resolve(ws);
        return ws;
      });
      const client = await connect(served.makeUrl("/"));
      const ping = once(client, "ping");
      await vi.advanceTimersByTimeAsync(1000);
      await ping;
      // ws sent the pong before emitting "ping": the echo proves the server has read it.
      client.send("after the ping");
      expect(await nextMessage(client)).toEqual([Buffer.from("after the ping"), false]);
      await vi.advanceTimersByTimeAsync(600);
      client.send("still here");
      expect(await nextMessage(client)).toEqual([Buffer.from("still here"), false]);
      const closed = closeEvent(client);
      client.close(1000);
      expect(await closed).toEqual({ code: 1000, reason: "" });
      expect((await result.promise).closeCode).toBe(1000);
    });
  });

  describe("heartbeat of many connections", () => {
    it("times them all with one timer and closes each silent one with 1006", async () => {
      vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
      const ended: Promise<WebSocketResponse>[] = [];
      let wheels: HeartbeatWheels | undefined;
      await using served = await testClient(async (request: BaseRequest) => {
        wheels = heartbeatWheelsOf(request);
        const ws = new WebSocketResponse({ heartbeat: 1000 });
        const done = deferred<WebSocketResponse>();
        ended.push(done.promise);
        await ws.prepare(request);
        for await (const _message of ws) {
          // Nothing arrives: the clients do not even answer pings.
        }
        done.resolve(ws);
        return ws;
      });
      const clients = await Promise.all(
        Array.from({ length: 3 }, () =>
          connect(served.makeUrl("/"), undefined, { autoPong: false }),
        ),
      );
      expect(wheels!.count).toBe(1);
      expect(wheels!.size(1000)).toBe(3);
      expect(vi.getTimerCount()).toBe(1);
      const closes = clients.map((client) => closeEvent(client));
      const pings = clients.map((client) => once(client, "ping"));
      await vi.advanceTimersByTimeAsync(1000);
      await Promise.all(pings);
      await vi.advanceTimersByTimeAsync(499);
      for (const client of clients) expect(client.readyState).toBe(client.OPEN);
      await vi.advanceTimersByTimeAsync(1);
      for (const closed of closes) expect((await closed).code).toBe(1006);
      for (const ws of await Promise.all(ended)) {
        expect(ws.closeCode).toBe(WSCloseCode.ABNORMAL_CLOSURE);
        expect(ws.exception()).toMatchObject({
          name: "TimeoutError",
          message: "No frame from the peer within 500 ms of a heartbeat ping",
        });
      }
      expect(wheels!.count).toBe(0);
    });

    it("gives each server its own timer, so one server's connections never share another's", async () => {
      vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
      const wheels: HeartbeatWheels[] = [];
      const ended: Promise<void>[] = [];
      const handler = async (request: BaseRequest) => {
        const ws = new WebSocketResponse({ heartbeat: 1000 });
        const done = deferred<void>();
        ended.push(done.promise);
        await ws.prepare(request);
        wheels.push(heartbeatWheelsOf(request));
        for await (const _message of ws) {
          // Nothing arrives.
        }
        done.resolve();
        return ws;
      };
      await using first = await testClient(handler);
      await using second = await testClient(handler);
      const clients = [
        await connect(first.makeUrl("/")),
        await connect(first.makeUrl("/")),
        await connect(second.makeUrl("/")),
      ];
      expect(wheels).toHaveLength(3);
      const [firstWheels, alsoFirstWheels, secondWheels] = wheels;
      expect(alsoFirstWheels).toBe(firstWheels);
      expect(secondWheels).not.toBe(firstWheels);
      expect(firstWheels!.size(1000)).toBe(2);
      expect(secondWheels!.size(1000)).toBe(1);
      expect(vi.getTimerCount()).toBe(2);
      // The second server's only connection goes: its wheel is dropped, the first server's runs on.
      clients[2]!.close(1000);
      await ended[2];
      expect(secondWheels!.count).toBe(0);
      expect(firstWheels!.size(1000)).toBe(2);
    });
  });

  describe("server shutdown", () => {
    it("closes open WebSockets with 1001 so their handlers return", async () => {
      const { outcome, handler } = recording();
      await using served = await testClient(handler);
      const clients = await Promise.all([
        connect(served.makeUrl("/")),
        connect(served.makeUrl("/")),
      ]);
      const closes = clients.map((client) => closeEvent(client));
      await served.close();
      for (const closed of closes) {
        expect(await closed).toEqual({ code: 1001, reason: "Server shutdown" });
      }
      const { ws, messages } = await outcome;
      expect(messages).toEqual([
        { type: WSMsgType.CLOSING, data: undefined, extra: undefined },
        CLOSED,
      ]);
      expect(ws.closeCode).toBe(1001);
    });

    it("closes with 1001 a WebSocket prepared while the server is shutting down", async () => {
      const entered = deferred();
      const gate = deferred();
      const { outcome, handler } = recording();
      await using served = await testClient(async (request) => {
        entered.resolve();
        await gate.promise;
        return handler(request);
      });
      const client = new WebSocket(served.makeUrl("/").replace(/^http/, "ws"));
      client.on("error", () => {});
      const closed = closeEvent(client);
      await entered.promise;
      const shutdown = served.server.server.shutdown(60_000);
      gate.resolve();
      expect(await closed).toEqual({ code: 1001, reason: "Server shutdown" });
      await shutdown;
      expect((await outcome).ws.closeCode).toBe(1001);
    });
  });
});
