import type { BaseRequest } from "@ll/server";
import { Response } from "@ll/server";
import { deferred, type TestClient, testClient } from "@ll/test-utils";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type WebSocketReady, WebSocketResponse } from "../src/index.js";
import { acceptKey } from "../src/websocket-handshake.js";
import {
  closeClients,
  connect,
  rawConnect,
  readResponse,
  upgradeRequest,
} from "./helpers/ws-client.js";

afterEach(async () => {
  closeClients();
});

/** `/plain` answers "plain"; anything else is a WebSocket that closes after one message. */
async function handler(request: BaseRequest) {
  if (request.path === "/plain") return new Response({ text: "plain" });
  const ws = new WebSocketResponse({ protocols: ["superchat", "chat"] });
  await ws.prepare(request);
  await ws.receive();
  return ws;
}

// One server for the handshakes that need no handler of their own.
let shared: TestClient;
beforeAll(async () => {
  shared = await testClient(handler);
});
afterAll(() => shared.close());

async function exchange(lines: string, served: TestClient = shared) {
  const socket = await rawConnect(served.server.port);
  socket.write(lines);
  const pending = { rest: Buffer.alloc(0) };
  const response = await readResponse(socket, pending);
  return { socket, response, pending };
}

describe("WebSocketResponse", () => {
  describe("#prepare", () => {
    // RFC 6455 §1.3's example key and accept value.
    it("answers 101 with the accept key and no body framing", async () => {
      const { response } = await exchange(upgradeRequest("/"));
      expect(response.head.split("\r\n")[0]).toBe("HTTP/1.1 101 Switching Protocols");
      expect(response.headers.get("upgrade")).toBe("websocket");
      expect(response.headers.get("connection")).toBe("upgrade");
      expect(response.headers.get("sec-websocket-accept")).toBe("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
      expect(response.headers.has("content-length")).toBe(false);
      expect(response.headers.has("transfer-encoding")).toBe(false);
      expect(response.headers.has("sec-websocket-protocol")).toBe(false);
      expect(response.headers.has("sec-websocket-extensions")).toBe(false);
    });

    it("sends the upgrade fields, then Date and Server, in one head", async () => {
      const { response } = await exchange(upgradeRequest("/"));
      expect(response.head.replace(/^Date: .*$/m, "Date: <date>").split("\r\n")).toEqual([
        "HTTP/1.1 101 Switching Protocols",
        "Upgrade: websocket",
        "Connection: upgrade",
        "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=",
        "Date: <date>",
        expect.stringMatching(/^Server: /),
      ]);
    });

    it("keeps the headers and cookies the handler set before prepare()", async () => {
      await using served = await testClient(async (request) => {
        const ws = new WebSocketResponse();
        ws.headers.set("X-Trace", "abc");
        ws.setCookie("session", "42");
        await ws.prepare(request);
        await ws.receive();
        return ws;
      });
      const { response } = await exchange(upgradeRequest("/"), served);
      const lines = response.head.split("\r\n");
      expect(lines[0]).toBe("HTTP/1.1 101 Switching Protocols");
      expect(lines.slice(1, 6)).toEqual([
        "X-Trace: abc",
        "Upgrade: websocket",
        "Connection: upgrade",
        "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=",
        "Set-Cookie: session=42; Path=/",
      ]);
    });

    it("chooses the first of the client's subprotocols that the server speaks", async () => {
      const chosen = deferred<string | undefined>();
      await using served = await testClient(async (request) => {
        const ws = new WebSocketResponse({ protocols: ["superchat", "chat"] });
        await ws.prepare(request);
        chosen.resolve(ws.protocol);
        await ws.receive();
        return ws;
      });
      const client = await connect(served.makeUrl("/"), ["v2.chat", "chat", "superchat"]);
      expect(client.protocol).toBe("chat");
      expect(await chosen.promise).toBe("chat");
    });

    it("sends no subprotocol when none is shared", async () => {
      const { response } = await exchange(
        upgradeRequest("/", ["Sec-WebSocket-Protocol: mqtt, wamp"]),
      );
      expect(response.status).toBe(101);
      expect(response.headers.has("sec-websocket-protocol")).toBe(false);
    });

    it("drops compression for a malformed Sec-WebSocket-Extensions", async () => {
      const { response } = await exchange(
        upgradeRequest("/", ["Sec-WebSocket-Extensions: permessage-deflate; =bad"]),
      );
      expect(response.status).toBe(101);
      expect(response.headers.has("sec-websocket-extensions")).toBe(false);
    });

    it("accepts a permessage-deflate offer from a raw client", async () => {
      const { response } = await exchange(
        upgradeRequest("/", [
          "Sec-WebSocket-Extensions: x-webkit-deflate-frame, permessage-deflate; client_max_window_bits",
        ]),
      );
      // What ws's WebSocketServer answers to the same offer.
      expect(response.headers.get("sec-websocket-extensions")).toBe("permessage-deflate");
    });

    it("reads list fields sent on several lines, whatever the case of their names", async () => {
      // RFC 9110 §5.3: `Connection: keep-alive` + `connection: Upgrade` is `keep-alive, Upgrade`;
      // the subprotocol list and the extension offers are joined the same way.
      const { response } = await exchange(
        upgradeRequest("/", [
          "sec-websocket-protocol: mqtt",
          "SEC-WEBSOCKET-PROTOCOL: chat",
          "Sec-WebSocket-Extensions: x-webkit-deflate-frame",
          "sec-websocket-extensions: permessage-deflate",
        ]).replace("Connection: Upgrade", "Connection: keep-alive\r\nconnection: Upgrade"),
      );
      expect(response.status).toBe(101);
      expect(response.headers.get("sec-websocket-accept")).toBe("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
      expect(response.headers.get("sec-websocket-protocol")).toBe("chat");
      expect(response.headers.get("sec-websocket-extensions")).toBe("permessage-deflate");
    });

    it("takes the first Sec-WebSocket-Key when the client sends two", async () => {
      const { response } = await exchange(
        upgradeRequest("/").replace(
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==",
        ),
      );
      expect(response.status).toBe(101);
      expect(response.headers.get("sec-websocket-accept")).toBe("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    });

    it("answers a GET without Upgrade with 400 and keeps the connection usable", async () => {
      const { socket, response, pending } = await exchange(
        "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
      );
      expect(response.status).toBe(400);
      expect(response.body).toContain('Can "Upgrade" only to "websocket", got Upgrade: (none)');
      socket.write("GET /plain HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      const next = await readResponse(socket, pending);
      expect(next.status).toBe(200);
      expect(next.body).toBe("plain");
    });

    it.each([
      [
        "a missing Connection: upgrade",
        upgradeRequest("/").replace("Connection: Upgrade", "Connection: keep-alive"),
        'No "upgrade" in the Connection header, got Connection: "keep-alive"',
      ],
      [
        "an Upgrade to another protocol",
        upgradeRequest("/").replace("Upgrade: websocket", "Upgrade: h2c"),
        'Can "Upgrade" only to "websocket", got Upgrade: "h2c"',
      ],
      [
        "a key that is not 16 bytes of base64",
        upgradeRequest("/").replace("dGhlIHNhbXBsZSBub25jZQ==", "c2hvcnQ="),
        'Invalid Sec-WebSocket-Key: "c2hvcnQ=" (expected 16 bytes in base64)',
      ],
      [
        "a missing key",
        upgradeRequest("/").replace("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n", ""),
        "Invalid Sec-WebSocket-Key: (none) (expected 16 bytes in base64)",
      ],
    ])("answers %s with 400", async (_name, request, text) => {
      const { response } = await exchange(request);
      expect(response.status).toBe(400);
      expect(response.body).toContain(text);
    });

    it("answers an unsupported version with 400 and the versions it speaks", async () => {
      const { response } = await exchange(
        upgradeRequest("/").replace("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 12"),
      );
      expect(response.status).toBe(400);
      expect(response.headers.get("sec-websocket-version")).toBe("13, 8, 7");
      expect(response.body).toContain(
        'Unsupported Sec-WebSocket-Version: "12" (supported: 13, 8, 7)',
      );
    });

    it("answers a POST with 405 allowing GET", async () => {
      const { response } = await exchange(upgradeRequest("/", ["Content-Length: 0"], "POST"));
      expect(response.status).toBe(405);
      expect(response.headers.get("allow")).toBe("GET");
    });
  });

  describe("#canPrepare", () => {
    it("says whether the request is a WebSocket handshake, and the subprotocol", async () => {
      const results: WebSocketReady[] = [];
      await using served = await testClient((request) => {
        const ws = new WebSocketResponse({ protocols: ["chat"] });
        results.push(ws.canPrepare(request));
        return new Response({ text: "checked" });
      });
      await exchange(upgradeRequest("/", ["Sec-WebSocket-Protocol: chat"]), served);
      await exchange("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", served);
      expect(results).toEqual([
        { ok: true, protocol: "chat" },
        { ok: false, protocol: undefined },
      ]);
    });
  });

  describe("acceptKey", () => {
    it("hashes the key with the RFC 6455 GUID", () => {
      expect(acceptKey("dGhlIHNhbXBsZSBub25jZQ==")).toBe("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    });
  });

  describe("options", () => {
    it.each([
      [{ timeout: 0 }, new RangeError("timeout must be a positive number of milliseconds")],
      [{ heartbeat: -1 }, new RangeError("heartbeat must be a positive number of milliseconds")],
      [
        { receiveTimeout: Number.NaN },
        new RangeError("receiveTimeout must be a positive number of milliseconds"),
      ],
      [{ maxMsgSize: 1.5 }, new RangeError("maxMsgSize must be a non-negative integer")],
      [{ protocols: [1 as unknown as string] }, new TypeError("protocols must be strings")],
    ])("rejects %o", (options, error) => {
      expect(() => new WebSocketResponse(options)).toThrow(error);
    });

    it("throws from methods used before prepare()", async () => {
      const ws = new WebSocketResponse();
      await expect(ws.receive()).rejects.toThrow(new Error("Call prepare() first"));
      await expect(ws.sendStr("x")).rejects.toThrow(new Error("Call prepare() first"));
      await expect(ws.close()).rejects.toThrow(new Error("Call prepare() first"));
      await expect(ws.writeEof()).rejects.toThrow(
        new Error("WebSocketResponse has not been prepared"),
      );
      expect(ws.closed).toBe(false);
      expect(ws.closeCode).toBeUndefined();
      expect(ws.protocol).toBeUndefined();
      expect(ws.exception()).toBeUndefined();
    });
  });
});
