import { Response, Server, StreamResponse } from "@ll/server";
import { WebSocketResponse, WSMsgType } from "@ll/websocket";
import { afterEach, describe, expect, it } from "vitest";
import { RawTestServer, TestClient, testClient } from "../src/index.js";

const silentLogger = { info() {}, warn() {}, error() {}, debug() {} };
const opened: (TestClient | RawTestServer)[] = [];

afterEach(async () => {
  await Promise.all(opened.splice(0).map((closable) => closable.close()));
});

async function client(...args: Parameters<typeof testClient>): Promise<TestClient> {
  const started = await testClient(...args);
  opened.push(started);
  return started;
}

describe("RawTestServer", () => {
  it("listens on 127.0.0.1 on a free port and makes URLs", async () => {
    const server = new RawTestServer(() => new Response({ text: "raw" }));
    opened.push(server);
    expect(server.started).toBe(false);
    expect(() => server.port).toThrow(new Error("RawTestServer is not started: call start()"));
    await server.start();
    expect(server.started).toBe(true);
    expect(server.port).toBeGreaterThan(0);
    expect(server.makeUrl("/a?b=c")).toBe(`http://127.0.0.1:${server.port}/a?b=c`);
    expect(() => server.makeUrl("a")).toThrow(new TypeError('path must start with "/", got "a"'));
    const response = await fetch(server.makeUrl("/"));
    expect(await response.text()).toBe("raw");
  });

  it("closes, and later calls do nothing", async () => {
    const server = new RawTestServer(() => new Response({ text: "" }));
    await server.start();
    const url = server.makeUrl("/");
    await server.close();
    await server.close();
    expect(server.started).toBe(false);
    await expect(fetch(url)).rejects.toThrow(TypeError);
    await expect(server.start()).rejects.toThrow(new Error("RawTestServer was closed"));
  });

  it("is disposed by await using", async () => {
    let url: string;
    {
      await using server = new RawTestServer(() => new Response({ text: "" }));
      await server.start();
      url = server.makeUrl("/");
    }
    await expect(fetch(url)).rejects.toThrow(TypeError);
  });

  it("takes a Server, but not a Server with options", async () => {
    const app = new Server(() => new Response({ text: "given" }));
    const server = new RawTestServer(app);
    opened.push(server);
    expect(server.server).toBe(app);
    expect(() => new RawTestServer(app, {})).toThrow(
      new TypeError("serverOptions cannot be given with a Server: pass them to new Server()"),
    );
  });
});

describe("TestClient", () => {
  it("sends every method and resolves with a Response", async () => {
    const test = await client(
      async (request) =>
        new Response({ text: `${request.method} ${request.relUrl} ${await request.text()}` }),
    );
    expect(await (await test.get("/a?x=1")).text()).toBe("GET /a?x=1 ");
    expect(await (await test.post("/p", { body: "data" })).text()).toBe("POST /p data");
    expect(await (await test.put("/u", { body: "u" })).text()).toBe("PUT /u u");
    expect(await (await test.patch("/q", { body: "q" })).text()).toBe("PATCH /q q");
    expect(await (await test.delete("/d")).text()).toBe("DELETE /d ");
    expect(await (await test.options("/o")).text()).toBe("OPTIONS /o ");
    const head = await test.head("/h");
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe("8");
    expect(await head.text()).toBe("");
    const custom = await test.request("PROPFIND", "/c");
    expect(await custom.text()).toBe("PROPFIND /c ");
  });

  it("reuses one keep-alive connection", async () => {
    const ports = new Set<number | undefined>();
    const test = await client((request) => {
      ports.add((request.socket as { remotePort?: number }).remotePort);
      return new Response({ text: "" });
    });
    for (let index = 0; index < 3; index++) {
      const response = await test.get("/");
      expect(response.headers.get("connection")).toBeNull();
      await response.text();
      // undici returns the connection to its pool once the body's end was processed.
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect([...ports]).toEqual([expect.any(Number)]);
  });

  it("passes headers and lets redirects be seen", async () => {
    const test = await client(
      (request) =>
        new Response({
          status: 302,
          headers: { Location: "/elsewhere", "X-Echo": request.headers.get("x-in") ?? "" },
        }),
    );
    const response = await test.get("/", { headers: { "X-In": "hi" }, redirect: "manual" });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/elsewhere");
    expect(response.headers.get("x-echo")).toBe("hi");
  });

  it("starts the server it is given", async () => {
    const server = new RawTestServer(() => new Response({ text: "started" }));
    const test = new TestClient(server);
    opened.push(test);
    await expect(test.get("/")).rejects.toThrow(
      new Error("TestClient is not started: call start()"),
    );
    await test.start();
    expect(server.started).toBe(true);
    expect(test.makeUrl("/x")).toBe(`http://127.0.0.1:${server.port}/x`);
    expect(await (await test.get("/")).text()).toBe("started");
  });

  it("closes its server, and refuses requests after", async () => {
    const test = await testClient(() => new Response({ text: "" }));
    await test.close();
    expect(test.server.started).toBe(false);
    await expect(test.get("/")).rejects.toThrow(new Error("TestClient was closed"));
    await test.close();
  });

  it("is disposed by await using, streaming bodies included", async () => {
    let server: RawTestServer;
    {
      await using test = await testClient(async (request) => {
        const stream = new StreamResponse();
        await stream.prepare(request);
        await stream.write("a");
        await stream.writeEof("b");
        return stream;
      });
      server = test.server;
      expect(await (await test.get("/")).text()).toBe("ab");
    }
    expect(server.started).toBe(false);
  });

  it("refuses a server that is not a RawTestServer", () => {
    expect(() => new TestClient({} as never)).toThrow(
      new TypeError("server must be a RawTestServer"),
    );
  });
});

async function echoWebSocket(request: Parameters<ConstructorParameters<typeof Server>[0]>[0]) {
  const ws = new WebSocketResponse({ protocols: ["chat"] });
  await ws.prepare(request);
  await ws.sendStr("hello");
  await ws.sendBytes(Buffer.from([1, 2]));
  await ws.sendJson({ greeting: "hi" });
  for await (const message of ws) {
    if (message.type === WSMsgType.TEXT && message.data === "close") {
      await ws.close({ code: 4000, message: "bye" });
    } else if (message.type === WSMsgType.TEXT) {
      await ws.sendStr(`echo ${message.data}`);
    } else if (message.type === WSMsgType.BINARY) {
      await ws.sendBytes(message.data);
    }
  }
  return ws;
}

describe("TestClient#wsConnect", () => {
  it("receives the messages sent before the first receive()", async () => {
    const test = await client(echoWebSocket, { logger: silentLogger });
    const ws = await test.wsConnect("/ws", { protocols: ["chat"] });
    expect(ws.protocol).toBe("chat");
    // The server sent three messages right after the handshake: none is lost.
    await new Promise((resolve) => setImmediate(resolve));
    expect(await ws.receive()).toEqual({ type: WSMsgType.TEXT, data: "hello", extra: undefined });
    expect(await ws.receiveBytes()).toEqual(Buffer.from([1, 2]));
    expect(await ws.receiveJson()).toEqual({ greeting: "hi" });
  });

  it("sends and receives text, bytes and JSON", async () => {
    const test = await client(echoWebSocket, { logger: silentLogger });
    const ws = await test.wsConnect("/ws");
    expect(ws.protocol).toBeUndefined();
    await ws.receiveStr();
    await ws.receiveBytes();
    await ws.receiveJson();
    await ws.sendStr("one");
    expect(await ws.receiveStr()).toBe("echo one");
    await ws.sendJson({ a: 1 });
    expect(await ws.receiveStr()).toBe('echo {"a":1}');
    await ws.sendBytes(new Uint8Array([9]));
    expect(await ws.receiveBytes()).toEqual(Buffer.from([9]));
    await expect(ws.receiveStr(5)).rejects.toThrow(
      new DOMException("No message within 5 ms", "TimeoutError"),
    );
  });

  it("reports the server's close and closeCode", async () => {
    const test = await client(echoWebSocket, { logger: silentLogger });
    const ws = await test.wsConnect("/ws");
    await ws.sendStr("close");
    const received = [];
    for await (const message of ws) received.push(message.type);
    expect(received).toEqual([WSMsgType.TEXT, WSMsgType.BINARY, WSMsgType.TEXT]);
    expect(ws.closeCode).toBe(4000);
    expect(ws.closed).toBe(true);
    expect(await ws.receive()).toEqual({
      type: WSMsgType.CLOSED,
      data: undefined,
      extra: undefined,
    });
  });

  it("closes from the client with a code the server sees", async () => {
    let serverCode: number | undefined;
    const test = await client(async (request) => {
      const ws = new WebSocketResponse();
      await ws.prepare(request);
      const message = await ws.receive();
      serverCode = message.type === WSMsgType.CLOSE ? message.data : undefined;
      return ws;
    });
    const ws = await test.wsConnect("/ws");
    expect(await ws.close({ code: 4001, message: "done" })).toBe(true);
    expect(await ws.close()).toBe(false);
    expect(ws.closeCode).toBe(4001);
    expect(serverCode).toBe(4001);
    await expect(ws.sendStr("late")).rejects.toThrow(new Error("The WebSocket is closed"));
  });

  it("names the wrong message type", async () => {
    const test = await client(echoWebSocket, { logger: silentLogger });
    const ws = await test.wsConnect("/ws");
    await expect(ws.receiveBytes()).rejects.toThrow(
      new TypeError('Received message TEXT:"hello" is not WSMsgType.BINARY'),
    );
  });

  it("rejects a refused handshake", async () => {
    const test = await client(() => new Response({ status: 403, text: "no" }));
    await expect(test.wsConnect("/ws")).rejects.toThrow("Unexpected server response: 403");
  });

  it("closes the WebSockets it opened on close()", async () => {
    const test = await testClient(echoWebSocket, { logger: silentLogger });
    const ws = await test.wsConnect("/ws");
    await test.close();
    expect(ws.closed).toBe(true);
    expect(ws.closeCode).toBe(1000);
  });
});
