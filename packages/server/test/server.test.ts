import { deferred, testClient } from "@ll/test-utils";
import { describe, expect, it, vi } from "vitest";
import type { BaseRequest } from "../src/base-request.js";
import { Response } from "../src/response.js";
import { Server } from "../src/server.js";
import { ServerShutdownError } from "../src/server-shutdown-error.js";
import { StreamResponse } from "../src/stream-response.js";
import { RawClient, recordingLogger } from "./helpers/serve.js";

describe("Server", () => {
  describe("constructor", () => {
    it("applies aiohttp's defaults", () => {
      const { options } = new Server(() => new Response());
      expect(options).toMatchObject({
        keepaliveTimeout: 3_630_000,
        tcpKeepalive: true,
        maxLineSize: 8190,
        maxFieldSize: 8190,
        maxHeaders: 128,
        clientMaxSize: 1024 * 1024,
        handlerCancellation: false,
        headersTimeout: 60_000,
        debug: false,
        accessLogger: undefined,
        autoDecompress: true,
        serverHeader: "ll-server",
      });
    });

    it("clamps timeouts to Node's timer limit", () => {
      expect(
        new Server(() => new Response(), { keepaliveTimeout: 1e12 }).options.keepaliveTimeout,
      ).toBe(2 ** 31 - 1);
    });

    it.each([
      [{ keepaliveTimeout: -1 }, new RangeError("keepaliveTimeout must be a non-negative number")],
      [
        { headersTimeout: Number.NaN },
        new RangeError("headersTimeout must be a non-negative number"),
      ],
      [{ maxHeaders: 0 }, new RangeError("maxHeaders must be a positive integer")],
      [{ clientMaxSize: 1.5 }, new RangeError("clientMaxSize must be a non-negative integer")],
      [{ debug: "yes" }, new TypeError("debug must be a boolean")],
      [{ logger: {} }, new TypeError("logger must have info, warn and error methods")],
      [
        { serverHeader: "a\r\nb" },
        new TypeError(
          "serverHeader must be null or a non-empty string of printable ASCII characters",
        ),
      ],
    ])("rejects %o", (options, error) => {
      expect(() => new Server(() => new Response(), options as never)).toThrow(error);
    });

    it("rejects a handler that is not a function", () => {
      expect(() => new Server("x" as never)).toThrow(new TypeError("handler must be a function"));
    });
  });

  it("serves fetch() requests", async () => {
    await using served = await testClient(
      (request) => new Response({ text: `${request.method} ${request.path}` }),
    );
    const { server } = served.server;
    const response = await served.get("/hello");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(await response.text()).toBe("GET /hello");
    expect(server.requestCount).toBe(1);
  });

  it("writes an access-log line per response", async () => {
    const accessLog = recordingLogger();
    await using served = await testClient(() => new Response({ text: "Hello" }), {
      accessLog,
      accessLogFormat: '"%r" %s %b',
    });
    await (await served.get("/x?y=1")).text();
    await vi.waitFor(() => expect(accessLog.lines).toHaveLength(1));
    expect(accessLog.lines[0]![0]).toBe('"GET /x?y=1 HTTP/1.1" 200 5');
  });

  describe("#shutdown", () => {
    it("closes idle connections and finishes in-flight responses with Connection: close", async () => {
      const gate = deferred();
      const entered = deferred();
      await using served = await testClient(async (request: BaseRequest) => {
        if (request.path === "/slow") {
          entered.resolve();
          await gate.promise;
        }
        return new Response({ text: "done" });
      });
      const { port, server } = served.server;
      const idle = await RawClient.connect(port);
      idle.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
      await idle.untilResponses(1);
      const busy = await RawClient.connect(port);
      busy.write("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
      await entered.promise;
      const shutdown = server.shutdown(5000);
      await idle.untilClosed();
      expect(busy.closed).toBe(false);
      gate.resolve();
      const text = await busy.untilClosed();
      expect(text).toContain("Connection: close\r\n\r\ndone");
      await shutdown;
      expect(server.connections.size).toBe(0);
    });

    it("destroys what is left after the timeout", async () => {
      await using served = await testClient(async (request) => {
        const response = new StreamResponse();
        await response.prepare(request);
        await response.write("never ends");
        await new Promise(() => {});
        return response;
      });
      const { port, server } = served.server;
      const client = await RawClient.connect(port);
      client.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
      await client.until((text) => text.includes("never ends"));
      await server.shutdown(50);
      await client.untilClosed();
      expect(server.connections.size).toBe(0);
    });

    it("aborts a request cut short by the timeout with a ServerShutdownError", async () => {
      const aborted = deferred<unknown>();
      const entered = deferred();
      await using served = await testClient(async (request) => {
        request.signal.addEventListener("abort", () => aborted.resolve(request.signal.reason));
        entered.resolve();
        await new Promise(() => {});
        return new Response();
      });
      const { port } = served.server;
      const server = served.server.server;
      const client = await RawClient.connect(port);
      client.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
      await entered.promise;
      await server.shutdown(10);
      const reason = await aborted.promise;
      expect(reason).toBeInstanceOf(ServerShutdownError);
      expect(reason).toMatchObject({
        name: "ServerShutdownError",
        message:
          "The server shut down: the request did not finish within the shutdown timeout (10 ms)",
      });
    });

    it("answers a request whose head was arriving on an idle connection", async () => {
      await using served = await testClient(() => new Response({ text: "late" }));
      const { port } = served.server;
      const server = served.server.server;
      const client = await RawClient.connect(port);
      client.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
      await client.untilResponses(1);
      const [connection] = server.connections;
      const before = connection!.socket.bytesRead;
      client.write("GET /late HTTP/1.1\r\n");
      // The head's first bytes are read before the shutdown starts.
      while (connection!.socket.bytesRead === before) {
        await new Promise((resolve) => setImmediate(resolve));
      }
      const shutdown = server.shutdown(5000);
      client.write("Host: x\r\n\r\n");
      const text = await client.untilClosed();
      expect(text.split("HTTP/1.1 200 OK").length).toBe(3);
      expect(text).toMatch(/Connection: close\r\n\r\nlate$/);
      await shutdown;
    });

    it("answers a request that arrives in the same turn as the shutdown", async () => {
      await using served = await testClient(() => new Response({ text: "raced" }));
      const { port } = served.server;
      const server = served.server.server;
      const client = await RawClient.connect(port);
      client.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
      await client.untilResponses(1);
      // The request is sent before the shutdown starts but read after: it is still answered.
      client.write("GET /raced HTTP/1.1\r\nHost: x\r\n\r\n");
      const shutdown = server.shutdown(5000);
      const text = await client.untilClosed();
      expect(text).toMatch(/Connection: close\r\n\r\nraced$/);
      await shutdown;
    });
  });

  describe("#beginShutdown", () => {
    it("turns shuttingDown on, aborts shutdownSignal and closes connections after their next answer", async () => {
      await using served = await testClient(
        (request) => new Response({ text: String(request.path) }),
      );
      const { port } = served.server;
      const server = served.server.server;
      expect(server.shuttingDown).toBe(false);
      expect(server.shutdownSignal.aborted).toBe(false);
      const client = await RawClient.connect(port);
      client.write("GET /before HTTP/1.1\r\nHost: x\r\n\r\n");
      await client.untilResponses(1);
      server.beginShutdown();
      server.beginShutdown();
      expect(server.shuttingDown).toBe(true);
      expect(server.shutdownSignal.aborted).toBe(true);
      expect(server.shutdownSignal.reason).toEqual(new Error("The server is shutting down"));
      // Still serving: the idle connection is kept until it is used once more.
      expect(client.closed).toBe(false);
      client.write("GET /after HTTP/1.1\r\nHost: x\r\n\r\n");
      const text = await client.untilClosed();
      expect(text.slice(0, text.indexOf("/before"))).not.toContain("Connection: close");
      expect(text).toMatch(/Connection: close\r\n\r\n\/after$/);
    });
  });
});
