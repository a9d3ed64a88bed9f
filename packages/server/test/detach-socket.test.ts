import { once } from "node:events";
import type { Socket } from "node:net";
import { deferred, testClient } from "@ll/test-utils";
import { describe, expect, it } from "vitest";
import type { BaseRequest } from "../src/base-request.js";
import { Response } from "../src/response.js";
import { StreamResponse } from "../src/stream-response.js";
import { kPrepareUpgrade } from "../src/symbols.js";
import { RawClient } from "./helpers/serve.js";

/** A tiny protocol: after `Upgrade: echo`, every byte is sent back. */
class EchoResponse extends StreamResponse {
  socket: Socket | undefined;
  constructor(readonly onShutdown?: (socket: Socket) => void) {
    super({ status: 101, headers: { Upgrade: "echo", Connection: "upgrade" } });
  }

  override async prepare(request: BaseRequest): Promise<void> {
    await super.prepare(request);
    const { socket, head } = request.detachSocket({ onShutdown: this.onShutdown });
    this.socket = socket;
    socket.on("error", () => {});
    if (head.length > 0) socket.write(head);
    socket.on("data", (chunk: Buffer) => socket.write(chunk));
    socket.resume();
  }
}

const UPGRADE = "GET /echo HTTP/1.1\r\nHost: x\r\nConnection: upgrade\r\nUpgrade: echo\r\n\r\n";
const HEAD_101 =
  "HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: upgrade\r\nDate: <date>\r\nServer: ll-server\r\n\r\n";

describe("BaseRequest", () => {
  describe("#detachSocket", () => {
    it("hands the socket over after the 101 head, with the bytes sent after the head", async () => {
      await using served = await testClient(async (request) => {
        const response = new EchoResponse();
        await response.prepare(request);
        return response;
      });
      const { port, server } = served.server;
      const client = await RawClient.connect(port);
      client.write(`${UPGRADE}early bytes `);
      await client.until((text) => text === `${HEAD_101}early bytes `);
      client.write("later");
      expect(await client.until((text) => text.endsWith("later"))).toBe(
        `${HEAD_101}early bytes later`,
      );
      expect(server.connections.size).toBe(0);
    });

    it("sends a head prepared from upgrade fields (no headers dict) in the same bytes", async () => {
      await using served = await testClient(async (request) => {
        const response = new StreamResponse({ status: 101 });
        response[kPrepareUpgrade](request, [
          ["Upgrade", "echo"],
          ["Connection", "upgrade"],
        ]);
        const { socket } = request.detachSocket();
        socket.on("data", (chunk: Buffer) => socket.write(chunk));
        socket.resume();
        return response;
      });
      const { port } = served.server;
      const client = await RawClient.connect(port);
      client.write(UPGRADE);
      await client.until((text) => text === HEAD_101);
      client.write("ping");
      expect(await client.until((text) => text.endsWith("ping"))).toBe(`${HEAD_101}ping`);
    });

    it("refuses an upgrade field value that is not safe in a head", async () => {
      let error: unknown;
      await using served = await testClient(async (request) => {
        const response = new StreamResponse({ status: 101 });
        try {
          response[kPrepareUpgrade](request, [["Upgrade", "echo\r\nX-Injected: 1"]]);
        } catch (caught) {
          error = caught;
        }
        return new Response({ text: String(response.prepared) });
      });
      const { port } = served.server;
      const client = await RawClient.connect(port);
      client.write(UPGRADE);
      expect(await client.untilResponses(1)).toMatch(/\r\n\r\nfalse$/);
      expect(error).toEqual(
        new TypeError(
          'Upgrade must hold only visible ASCII characters, spaces and tabs: "echo\\r\\nX-Injected: 1"',
        ),
      );
    });

    it("throws before the head was prepared", async () => {
      let error: unknown;
      await using served = await testClient((request) => {
        try {
          request.detachSocket();
        } catch (caught) {
          error = caught;
        }
        return new Response({ text: "no" });
      });
      const { port } = served.server;
      const client = await RawClient.connect(port);
      client.write(UPGRADE);
      await client.untilResponses(1);
      expect(error).toEqual(
        new Error("detachSocket() needs the response head to be written first: call prepare()"),
      );
    });

    it("parses what follows as HTTP when the upgrade is refused", async () => {
      await using served = await testClient((request) => new Response({ text: request.path }));
      const { port } = served.server;
      const client = await RawClient.connect(port);
      client.write(`${UPGRADE}GET /next HTTP/1.1\r\nHost: x\r\n\r\n`);
      const text = await client.untilResponses(2);
      expect(text).toMatch(/\r\n\r\n\/echoHTTP\/1\.1 200 OK\r\n.*\r\n\r\n\/next$/s);
    });

    it("calls onShutdown on server shutdown and waits for the socket to close", async () => {
      const shutdownCalled = deferred<Socket>();
      let response!: EchoResponse;
      await using served = await testClient(async (request) => {
        response = new EchoResponse((socket) => shutdownCalled.resolve(socket));
        await response.prepare(request);
        return response;
      });
      const { port, server } = served.server;
      const client = await RawClient.connect(port);
      client.write(UPGRADE);
      await client.until((text) => text === HEAD_101);
      let done = false;
      const shutdown = server.shutdown(5000).then(() => (done = true));
      // With the socket, so one function can serve every taken-over connection.
      expect(await shutdownCalled.promise).toBe(response.socket);
      // A round trip through the detached socket: the server has run since shutdown() began.
      client.write("ping");
      await client.until((text) => text === `${HEAD_101}ping`);
      expect(done).toBe(false);
      response.socket!.end();
      await once(client.socket, "end");
      client.socket.end();
      await shutdown;
      expect(done).toBe(true);
    });

    it("keeps the request's headers readable after the hand-off", async () => {
      const seen = deferred<unknown>();
      await using served = await testClient(async (request) => {
        const before = request.headers;
        const response = new EchoResponse();
        await response.prepare(request);
        // What was built from the head to answer it is let go, and built again when read.
        seen.resolve({
          upgrade: request.headers.get("upgrade"),
          host: request.headers.getAll("HOST"),
          equal: [...request.headers.entries()].join() === [...before.entries()].join(),
          rawHeaders: request.rawHeaders,
        });
        return response;
      });
      const client = await RawClient.connect(served.server.port);
      client.write(UPGRADE);
      expect(await seen.promise).toEqual({
        upgrade: "echo",
        host: ["x"],
        equal: true,
        rawHeaders: ["Host", "x", "Connection", "upgrade", "Upgrade", "echo"],
      });
      client.socket.destroy();
    });

    it("tells the first server when a socket it let go, served again by another, closes", async () => {
      let second!: Awaited<ReturnType<typeof testClient>>;
      await using first = await testClient(async (request) => {
        const response = new StreamResponse({ status: 101 });
        response[kPrepareUpgrade](request, [
          ["Upgrade", "http"],
          ["Connection", "upgrade"],
        ]);
        const { socket, head } = request.detachSocket();
        // What follows is HTTP again, for the second server.
        second.server.server.connectionListener(socket);
        if (head.length > 0) socket.unshift(head);
        socket.resume();
        return response;
      });
      second = await testClient(() => new Response({ text: "second" }));
      await using _second = second;
      const client = await RawClient.connect(first.server.port);
      client.write(`${UPGRADE}GET /next HTTP/1.1\r\nHost: x\r\n\r\n`);
      expect(await client.untilResponses(2)).toMatch(/\r\n\r\nsecond$/);
      expect(second.server.server.connections.size).toBe(1);
      const bothShutDown = Promise.all([
        first.server.server.shutdown(5000),
        second.server.server.shutdown(5000),
      ]);
      client.socket.end();
      // Both resolve once the socket closed: neither waits for its timeout.
      await bothShutDown;
      expect(second.server.server.connections.size).toBe(0);
    });
  });
});
