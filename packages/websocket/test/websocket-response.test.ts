import { once } from "node:events";
import type { BaseRequest } from "@ll/server";
import { type Deferred, deferred, testClient } from "@ll/test-utils";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocketResponse, type WSMessage, WSMsgType } from "../src/index.js";
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
  closeClients();
});

/** Echoes text, binary and JSON-in-text until the connection closes; resolves with the response. */
function echoServer(options: ConstructorParameters<typeof WebSocketResponse>[0] = {}) {
  const done: Deferred<WebSocketResponse> = deferred();
  const handler = async (request: BaseRequest) => {
    const ws = new WebSocketResponse(options);
    try {
      await ws.prepare(request);
      for await (const message of ws) {
        if (message.type === WSMsgType.TEXT) await ws.sendStr(message.data);
        else if (message.type === WSMsgType.BINARY) await ws.sendBytes(message.data);
      }
      done.resolve(ws);
    } catch (error) {
      done.reject(error);
      throw error;
    }
    return ws;
  };
  return { handler, done: done.promise };
}

describe("WebSocketResponse", () => {
  describe("messages", () => {
    it("echoes text", async () => {
      const { handler } = echoServer();
      await using served = await testClient(handler);
      const client = await connect(served.makeUrl("/"));
      client.send("héllo wörld");
      expect(await nextMessage(client)).toEqual([Buffer.from("héllo wörld"), false]);
    });

    it("still reads the request's headers once the connection is taken over", async () => {
      const read = (request: BaseRequest) => ({
        path: request.path,
        url: request.url.href,
        query: request.query.get("room"),
        cookie: request.cookies.get("session"),
      });
      await using served = await testClient(async (request: BaseRequest) => {
        const before = read(request);
        const ws = new WebSocketResponse();
        await ws.prepare(request);
        // After the hand-off the request keeps its fields compactly, and builds them again.
        await ws.receive();
        await ws.sendJson({
          version: request.headers.get("Sec-WebSocket-Version"),
          custom: request.headers.getAll("x-custom"),
          raw: request.rawHeaders.filter((_field, index) => index % 2 === 0).includes("X-Custom"),
          before,
          after: read(request),
        });
        await ws.close();
        return ws;
      });
      const client = await connect(served.makeUrl("/chat/rooms/lobby?room=lobby"), undefined, {
        headers: { "X-Custom": "one, two", Cookie: "session=abc" },
      });
      client.send("go");
      const [data] = await nextMessage(client);
      const read1 = {
        path: "/chat/rooms/lobby",
        url: `http://127.0.0.1:${new URL(served.makeUrl("/")).port}/chat/rooms/lobby?room=lobby`,
        query: "lobby",
        cookie: "abc",
      };
      expect(JSON.parse(data.toString())).toEqual({
        version: "13",
        custom: ["one, two"],
        raw: true,
        before: read1,
        after: read1,
      });
    });

    it("echoes binary", async () => {
      const { handler } = echoServer();
      await using served = await testClient(handler);
      const client = await connect(served.makeUrl("/"));
      const payload = Buffer.from([0, 1, 2, 255, 254, 0x80]);
      client.send(payload);
      expect(await nextMessage(client)).toEqual([payload, true]);
    });

    it("echoes a large message", async () => {
      const { handler } = echoServer();
      await using served = await testClient(handler);
      const client = await connect(served.makeUrl("/"), undefined, { perMessageDeflate: false });
      const payload = Buffer.alloc(1024 * 1024, "abcdefghij");
      client.send(payload);
      const [data, isBinary] = await nextMessage(client);
      // Buffer#equals: a deep toEqual walks a megabyte element by element for seconds.
      expect(data.equals(payload)).toBe(true);
      expect(isBinary).toBe(true);
    });

    it("receives and sends JSON", async () => {
      const received: Deferred<unknown> = deferred();
      await using served = await testClient(async (request) => {
        const ws = new WebSocketResponse();
        await ws.prepare(request);
        const data = await ws.receiveJson<{ n: number }>();
        received.resolve(data);
        await ws.sendJson({ n: data.n + 1, list: [true, null] });
        await ws.receive();
        return ws;
      });
      const client = await connect(served.makeUrl("/"));
      client.send(JSON.stringify({ n: 41 }));
      expect(await received.promise).toEqual({ n: 41 });
      const [data, isBinary] = await nextMessage(client);
      expect(isBinary).toBe(false);
      expect(JSON.parse(data.toString())).toEqual({ n: 42, list: [true, null] });
    });

    it("joins a fragmented message into one", async () => {
      const messages: WSMessage[] = [];
      const done = deferred<void>();
      await using served = await testClient(async (request) => {
        const ws = new WebSocketResponse();
        await ws.prepare(request);
        for await (const message of ws) messages.push(message);
        done.resolve();
        return ws;
      });
      const client = await connect(served.makeUrl("/"));
      client.send("frag", { fin: false });
      client.send("men", { fin: false });
      client.send("ted", { fin: true });
      client.send(Buffer.from([1, 2]), { fin: false });
      client.send(Buffer.from([3]), { fin: true });
      client.close();
      await done.promise;
      expect(messages).toEqual([
        { type: WSMsgType.TEXT, data: "fragmented", extra: undefined },
        { type: WSMsgType.BINARY, data: Buffer.from([1, 2, 3]), extra: undefined },
      ]);
    });

    it("reads frames sent in the same packet as the handshake", async () => {
      const received = deferred<string>();
      await using served = await testClient(async (request) => {
        const ws = new WebSocketResponse();
        await ws.prepare(request);
        received.resolve(await ws.receiveStr());
        await ws.close();
        return ws;
      });
      const socket = await rawConnect(served.server.port);
      socket.write(
        Buffer.concat([
          Buffer.from(upgradeRequest("/")),
          clientFrame(0x1, Buffer.from("early"), false),
          clientFrame(0x0, Buffer.from(" bird")),
        ]),
      );
      const response = await readResponse(socket);
      expect(response.status).toBe(101);
      expect(response.headers.get("sec-websocket-accept")).toBe("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
      expect(await received.promise).toBe("early bird");
    });

    it("rejects a second concurrent receive()", async () => {
      const outcome = deferred<unknown>();
      await using served = await testClient(async (request) => {
        const ws = new WebSocketResponse();
        await ws.prepare(request);
        const first = ws.receive();
        outcome.resolve(await ws.receive().catch((error: unknown) => error));
        await first;
        return ws;
      });
      const client = await connect(served.makeUrl("/"));
      const error = await outcome.promise;
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toBe("Concurrent call to receive() is not allowed");
      client.close();
    });

    it("throws a TypeError from receiveStr() on a binary message", async () => {
      const outcome = deferred<unknown>();
      await using served = await testClient(async (request) => {
        const ws = new WebSocketResponse();
        await ws.prepare(request);
        outcome.resolve(await ws.receiveStr().catch((error: unknown) => error));
        return ws;
      });
      const client = await connect(served.makeUrl("/"));
      client.send(Buffer.from("abc"));
      const error = await outcome.promise;
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toBe(
        "Received message BINARY:<3 bytes> is not WSMsgType.TEXT",
      );
    });

    it("throws a TypeError from receiveBytes() on a text message", async () => {
      const outcome = deferred<unknown>();
      await using served = await testClient(async (request) => {
        const ws = new WebSocketResponse();
        await ws.prepare(request);
        outcome.resolve(await ws.receiveBytes().catch((error: unknown) => error));
        return ws;
      });
      const client = await connect(served.makeUrl("/"));
      client.send("abc");
      const error = await outcome.promise;
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toBe('Received message TEXT:"abc" is not WSMsgType.BINARY');
    });

    it("rejects a receive() with a TimeoutError after receiveTimeout and stays open", async () => {
      const outcome = deferred<unknown>();
      await using served = await testClient(async (request) => {
        const ws = new WebSocketResponse({ receiveTimeout: 20 });
        await ws.prepare(request);
        outcome.resolve(await ws.receive().catch((error: unknown) => error));
        await ws.sendStr("still open");
        await ws.receive(60_000);
        return ws;
      });
      const client = await connect(served.makeUrl("/"));
      const message = nextMessage(client);
      const error = await outcome.promise;
      expect(error).toMatchObject({
        name: "TimeoutError",
        message: "No message received within 20 ms",
      });
      expect(await message).toEqual([Buffer.from("still open"), false]);
    });

    it("ends a for await loop with the TimeoutError of receiveTimeout", async () => {
      const outcome = deferred<unknown>();
      const queued = deferred();
      await using served = await testClient(async (request) => {
        const ws = new WebSocketResponse({ receiveTimeout: 20 });
        await ws.prepare(request);
        // Only the wait after "first" may time out, however slow the machine.
        await queued.promise;
        const texts: string[] = [];
        try {
          for await (const message of ws) {
            if (message.type === WSMsgType.TEXT) texts.push(message.data);
          }
          outcome.resolve(texts);
        } catch (error) {
          outcome.resolve([texts, error]);
        }
        await ws.close();
        return ws;
      });
      const client = await connect(served.makeUrl("/"));
      client.send("first");
      // The pong comes after the server read "first", which is then queued.
      client.ping();
      await once(client, "pong");
      queued.resolve();
      const [texts, error] = (await outcome.promise) as [string[], unknown];
      expect(texts).toEqual(["first"]);
      expect(error).toMatchObject({
        name: "TimeoutError",
        message: "No message received within 20 ms",
      });
    });

    it("rejects sendStr() and sendBytes() of the wrong type", async () => {
      const outcome = deferred<unknown[]>();
      await using served = await testClient(async (request) => {
        const ws = new WebSocketResponse();
        await ws.prepare(request);
        outcome.resolve([
          await ws.sendStr(Buffer.from("x") as unknown as string).catch((error: unknown) => error),
          await ws.sendBytes("x" as unknown as Buffer).catch((error: unknown) => error),
          await ws.write(Buffer.from("x")).catch((error: unknown) => error),
        ]);
        await ws.close();
        return ws;
      });
      await connect(served.makeUrl("/"));
      const [str, bytes, write] = await outcome.promise;
      expect(str).toEqual(new TypeError("data must be a string, got object"));
      expect(bytes).toEqual(
        new TypeError("data must be a Buffer, typed array or ArrayBuffer, got string"),
      );
      expect(write).toEqual(
        new Error("Cannot call write() on a WebSocketResponse: use sendStr() or sendBytes()"),
      );
    });

    it("corks the frames sent in one tick into one write", async () => {
      const writes = deferred<number[]>();
      await using served = await testClient(async (request) => {
        const ws = new WebSocketResponse({ compress: false });
        await ws.prepare(request);
        const socket = request.socket;
        const chunks: number[] = [];
        const writev = socket._writev!.bind(socket);
        socket._writev = (batch, callback) => {
          chunks.push(batch.length);
          writev(batch, callback);
        };
        // Each send awaits the last: they still run in one tick (microtasks).
        for (const text of ["one", "two", "three"]) await ws.sendStr(text);
        await new Promise((resolve) => setImmediate(resolve));
        writes.resolve([...chunks]);
        await ws.receive();
        return ws;
      });
      const client = await connect(served.makeUrl("/"));
      for (const text of ["one", "two", "three"]) {
        expect(await nextMessage(client)).toEqual([Buffer.from(text), false]);
      }
      // One writev of the three frames, one buffer each.
      expect(await writes.promise).toEqual([3]);
    });

    it("resolves sends once written, in order", async () => {
      await using served = await testClient(async (request) => {
        const ws = new WebSocketResponse({ compress: false });
        await ws.prepare(request);
        const big = Buffer.alloc(256 * 1024, 7);
        for (let index = 0; index < 32; index++) await ws.sendBytes(big);
        await ws.sendStr("end");
        await ws.receive();
        return ws;
      });
      const client = await connect(served.makeUrl("/"));
      let bytes = 0;
      for (;;) {
        const [data, isBinary] = await nextMessage(client);
        if (!isBinary) {
          expect(data.toString()).toBe("end");
          break;
        }
        bytes += data.length;
      }
      expect(bytes).toBe(32 * 256 * 1024);
    });
  });

  describe("ping and pong", () => {
    it("answers pings itself and does not deliver them (autoping)", async () => {
      const { handler } = echoServer();
      await using served = await testClient(handler);
      const client = await connect(served.makeUrl("/"));
      client.ping("are you there");
      const [data] = await once(client, "pong");
      expect((data as Buffer).toString()).toBe("are you there");
      client.send("after");
      expect(await nextMessage(client)).toEqual([Buffer.from("after"), false]);
    });

    it("delivers PING and PONG when autoping is off", async () => {
      const messages: WSMessage[] = [];
      const done = deferred<void>();
      await using served = await testClient(async (request) => {
        const ws = new WebSocketResponse({ autoping: false });
        await ws.prepare(request);
        const ping = await ws.receive();
        messages.push(ping);
        if (ping.type === WSMsgType.PING) await ws.pong(ping.data);
        await ws.ping("server ping");
        messages.push(await ws.receive());
        done.resolve();
        await ws.receive();
        return ws;
      });
      const client = await connect(served.makeUrl("/"), undefined, { autoPong: false });
      // The server's pong and ping may come in one read: listen for both first.
      const pong = once(client, "pong");
      const ping = once(client, "ping");
      client.ping("client ping");
      expect((await pong)[0]).toEqual(Buffer.from("client ping"));
      const [serverPing] = await ping;
      expect(serverPing).toEqual(Buffer.from("server ping"));
      client.pong("client pong");
      await done.promise;
      expect(messages).toEqual([
        { type: WSMsgType.PING, data: Buffer.from("client ping"), extra: undefined },
        { type: WSMsgType.PONG, data: Buffer.from("client pong"), extra: undefined },
      ]);
    });
  });

  describe("permessage-deflate", () => {
    it("is negotiated when the client offers it", async () => {
      const { handler } = echoServer();
      await using served = await testClient(handler);
      const client = await connect(served.makeUrl("/"), undefined, { perMessageDeflate: true });
      expect(client.extensions).toBe("permessage-deflate");
      const payload = "compress me ".repeat(1000);
      client.send(payload);
      expect(await nextMessage(client)).toEqual([Buffer.from(payload), false]);
    });

    it("is not negotiated when compress is false", async () => {
      const { handler } = echoServer({ compress: false });
      await using served = await testClient(handler);
      const client = await connect(served.makeUrl("/"), undefined, { perMessageDeflate: true });
      expect(client.extensions).toBe("");
      const payload = "plain ".repeat(1000);
      client.send(payload);
      expect(await nextMessage(client)).toEqual([Buffer.from(payload), false]);
    });

    it("is not negotiated when the client does not offer it", async () => {
      const flag = deferred<boolean>();
      await using served = await testClient(async (request) => {
        const ws = new WebSocketResponse();
        await ws.prepare(request);
        flag.resolve(ws.compress);
        await ws.receive();
        return ws;
      });
      const client = await connect(served.makeUrl("/"), undefined, { perMessageDeflate: false });
      expect(client.extensions).toBe("");
      expect(await flag.promise).toBe(false);
    });

    it("takes ws's PerMessageDeflate options", async () => {
      const { handler } = echoServer({ compress: { serverNoContextTakeover: true } });
      await using served = await testClient(handler);
      const upgrade = deferred<string | undefined>();
      const client = await connect(served.makeUrl("/"), undefined, {
        perMessageDeflate: true,
        // ws's client reports only the extension's name: read the header itself.
        finishRequest: (request) => {
          request.once("upgrade", (response) =>
            upgrade.resolve(response.headers["sec-websocket-extensions"]),
          );
          request.end();
        },
      });
      expect(await upgrade.promise).toBe("permessage-deflate; server_no_context_takeover");
      client.send("x".repeat(5000));
      expect(await nextMessage(client)).toEqual([Buffer.from("x".repeat(5000)), false]);
    });
  });

  describe("many connections", () => {
    it("serves 200 concurrent sockets", async () => {
      const { handler } = echoServer();
      await using served = await testClient(handler);
      const url = served.makeUrl("/");
      const clients = await Promise.all(
        Array.from({ length: 200 }, () => connect(url, undefined, { perMessageDeflate: false })),
      );
      const replies = await Promise.all(
        clients.map((client, index) => {
          const reply = nextMessage(client);
          client.send(`client ${index}`);
          return reply;
        }),
      );
      expect(replies.map(([data]) => data.toString())).toEqual(
        clients.map((_, index) => `client ${index}`),
      );
      const closes = await Promise.all(
        clients.map((client) => {
          const closed = closeEvent(client);
          client.close(1000);
          return closed;
        }),
      );
      expect(closes.every(({ code }) => code === 1000)).toBe(true);
    });
  });
});

describe("new WebSocketResponse(options)", () => {
  it("refuses an unknown option, naming the closest valid one", () => {
    expect(() => new WebSocketResponse({ maxMessageSize: 10 } as never)).toThrow(
      new TypeError(
        "Unknown WebSocketResponse option maxMessageSize (valid options: timeout, receiveTimeout, autoclose, autoping, heartbeat, protocols, compress, maxMsgSize)",
      ),
    );
    expect(() => new WebSocketResponse({ autoClose: false } as never)).toThrow(
      new TypeError("Unknown WebSocketResponse option autoClose: did you mean autoclose?"),
    );
    expect(() => new WebSocketResponse({ protocol: ["chat"] } as never)).toThrow(
      new TypeError("Unknown WebSocketResponse option protocol: did you mean protocols?"),
    );
  });
});
