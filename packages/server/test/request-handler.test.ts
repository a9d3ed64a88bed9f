import { once } from "node:events";
import { deferred, testClient } from "@ll/test-utils";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { BaseRequest } from "../src/base-request.js";
import { Response } from "../src/response.js";
import { StreamResponse } from "../src/stream-response.js";
import { HTTPNotFound } from "../src/web-exceptions.js";
import { RawClient, recordingLogger } from "./helpers/serve.js";

afterEach(async () => {
  vi.useRealTimers();
});

const hello = (): Response => new Response({ text: "Hello" });
const HELLO =
  "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 5\r\nDate: <date>\r\nServer: ll-server\r\n\r\nHello";

describe("RequestHandler", () => {
  describe("keep-alive", () => {
    it("answers with exact bytes and keeps an HTTP/1.1 connection open", async () => {
      await using served = await testClient(hello);
      const { port, server } = served.server;
      const client = await RawClient.connect(port);
      client.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
      expect(await client.untilResponses(1)).toBe(HELLO);
      client.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
      expect(await client.untilResponses(2)).toBe(HELLO + HELLO);
      expect(client.closed).toBe(false);
      expect(server.requestCount).toBe(2);
      expect(server.connections.size).toBe(1);
    });

    it("closes an HTTP/1.0 connection after the response", async () => {
      await using served = await testClient(hello);
      const { port } = served.server;
      const client = await RawClient.connect(port);
      client.write("GET / HTTP/1.0\r\n\r\n");
      expect(await client.untilClosed()).toBe(
        "HTTP/1.0 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 5\r\nDate: <date>\r\nServer: ll-server\r\n\r\nHello",
      );
    });

    it("keeps an HTTP/1.0 connection with Connection: keep-alive", async () => {
      await using served = await testClient(hello);
      const { port } = served.server;
      const client = await RawClient.connect(port);
      client.write("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
      expect(await client.untilResponses(1)).toContain("\r\nConnection: keep-alive\r\n\r\nHello");
      expect(client.closed).toBe(false);
    });

    it("sends Connection: close and closes on Connection: close", async () => {
      await using served = await testClient(hello);
      const { port } = served.server;
      const client = await RawClient.connect(port);
      client.write(
        "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\nGET /ignored HTTP/1.1\r\nHost: x\r\n\r\n",
      );
      const text = await client.untilClosed();
      expect(text).toBe(
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 5\r\nDate: <date>\r\nServer: ll-server\r\nConnection: close\r\n\r\nHello",
      );
    });

    it("closes an idle connection after keepaliveTimeout", async () => {
      vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
      await using served = await testClient(hello, { keepaliveTimeout: 5000 });
      const { port, server } = served.server;
      const client = await RawClient.connect(port);
      client.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
      await client.untilResponses(1);
      await vi.advanceTimersByTimeAsync(4000);
      expect(client.closed).toBe(false);
      await vi.advanceTimersByTimeAsync(1500);
      await client.untilClosed();
      expect(server.connections.size).toBe(0);
    });
  });

  describe("pipelining", () => {
    it("answers many requests sent in one write, in order", async () => {
      await using served = await testClient(async (request: BaseRequest) => {
        // Later requests finish first: the answers must still come in order.
        const n = Number(request.query.get("n"));
        await new Promise((resolve) => setTimeout(resolve, (50 - n) % 7));
        return new Response({ text: `r${n}` });
      });
      const { port } = served.server;
      const client = await RawClient.connect(port);
      let requests = "";
      for (let n = 0; n < 50; n++) requests += `GET /?n=${n} HTTP/1.1\r\nHost: x\r\n\r\n`;
      client.write(requests);
      const text = await client.untilResponses(50);
      const bodies = [...text.matchAll(/\r\n\r\n(r\d+)/g)].map((match) => match[1]);
      expect(bodies).toEqual(Array.from({ length: 50 }, (_, n) => `r${n}`));
    });

    it("dates each pipelined batch with the clock of its own turn", async () => {
      // The answers of a batch share the Date read for the first; the next batch must not
      // reuse it. Only Date is faked: the clock jumps between the batches.
      vi.useFakeTimers({ toFake: ["Date"], now: Date.UTC(2026, 0, 1, 0, 0, 0) });
      await using served = await testClient(hello);
      const client = await RawClient.connect(served.server.port);
      const batch = "GET / HTTP/1.1\r\nHost: x\r\n\r\n".repeat(2);
      client.write(batch);
      await client.untilResponses(2);
      vi.setSystemTime(Date.UTC(2026, 0, 1, 0, 0, 5));
      client.write(batch);
      await client.untilResponses(4);
      const dates = [...client.received.toString("latin1").matchAll(/Date: ([^\r]*)\r\n/g)].map(
        (match) => match[1],
      );
      expect(dates).toEqual([
        "Thu, 01 Jan 2026 00:00:00 GMT",
        "Thu, 01 Jan 2026 00:00:00 GMT",
        "Thu, 01 Jan 2026 00:00:05 GMT",
        "Thu, 01 Jan 2026 00:00:05 GMT",
      ]);
    });

    it("parses requests written byte by byte", async () => {
      await using served = await testClient(
        async (request) => new Response({ text: await request.text() }),
      );
      const { port } = served.server;
      const client = await RawClient.connect(port);
      const bytes =
        "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabcGET /b HTTP/1.1\r\nHost: x\r\n\r\n";
      for (const char of bytes) {
        client.write(char);
        await new Promise((resolve) => setImmediate(resolve));
      }
      const text = await client.untilResponses(2);
      expect(text).toContain(
        "Content-Length: 3\r\nDate: <date>\r\nServer: ll-server\r\n\r\nabcHTTP/1.1 200 OK",
      );
    });

    it("answers a valid request, then 400 for a malformed one, and closes", async () => {
      await using served = await testClient(hello);
      const { port } = served.server;
      const client = await RawClient.connect(port);
      client.write(
        "GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n",
      );
      const text = await client.untilClosed();
      expect(text.startsWith(HELLO)).toBe(true);
      const rest = text.slice(HELLO.length);
      expect(rest).toMatch(
        /^HTTP\/1\.1 400 Bad Request\r\nContent-Type: text\/plain; charset=utf-8\r\nContent-Length: \d+\r\nDate: <date>\r\nServer: ll-server\r\nConnection: close\r\n\r\n400 Bad Request: /,
      );
    });
  });

  describe("protocol errors", () => {
    it.each([
      [
        "an over-long request line",
        `GET /${"a".repeat(9000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
        414,
        "URI Too Long",
      ],
      [
        "an over-large header field",
        `GET / HTTP/1.1\r\nHost: x\r\nX: ${"a".repeat(9000)}\r\n\r\n`,
        431,
        "Request Header Fields Too Large",
      ],
      [
        "an unknown transfer coding",
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: foo, chunked\r\n\r\n",
        501,
        "Not Implemented",
      ],
      ["HTTP/2.0", "GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505, "HTTP Version Not Supported"],
      ["a missing Host", "GET / HTTP/1.1\r\n\r\n", 400, "Bad Request"],
      [
        "CL with TE",
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
        400,
        "Bad Request",
      ],
    ])("answers %s with its status and closes", async (_name, bytes, status, reason) => {
      const handler = vi.fn(hello);
      await using served = await testClient(handler);
      const { port } = served.server;
      const client = await RawClient.connect(port);
      client.write(bytes);
      const text = await client.untilClosed();
      expect(text.startsWith(`HTTP/1.1 ${status} ${reason}\r\n`)).toBe(true);
      expect(text).toContain("\r\nConnection: close\r\n\r\n");
      expect(handler).not.toHaveBeenCalled();
    });

    // The whole answer, byte for byte, to a head the parser refuses.
    const refusal = (status: string, message: string) => {
      const body = `${status}: ${message}\n`;
      return `HTTP/1.1 ${status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nDate: <date>\r\nServer: ll-server\r\nConnection: close\r\n\r\n${body}`;
    };

    it.each([
      [
        "a fragment in the target",
        "GET /info#frag HTTP/1.1\r\nHost: x\r\n\r\n",
        refusal("400 Bad Request", 'A fragment is not allowed in the request target: "/info#frag"'),
      ],
      [
        "an authority-form target with GET",
        "GET www.example.com:443 HTTP/1.1\r\nHost: www.example.com:443\r\n\r\n",
        refusal(
          "400 Bad Request",
          'The authority-form target (host:port) is for CONNECT only, not GET: "www.example.com:443"',
        ),
      ],
      [
        "an asterisk-form target with GET",
        "GET * HTTP/1.1\r\nHost: x\r\n\r\n",
        refusal("400 Bad Request", "The asterisk-form target is for OPTIONS only, not GET"),
      ],
      [
        "a non-ASCII byte in the target",
        "GET /caf\xc3\xa9 HTTP/1.1\r\nHost: x\r\n\r\n",
        refusal(
          "400 Bad Request",
          'Invalid request target (byte 0xc3 is not ASCII): "/caf\\u00c3\\u00a9"',
        ),
      ],
      [
        "an unknown transfer coding, then chunked, on two lines",
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: foo\r\nTransfer-Encoding: chunked\r\n\r\n",
        refusal("501 Not Implemented", 'Unsupported transfer coding: "foo"'),
      ],
      [
        "an unknown transfer coding, then chunked, on one line",
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: foo, chunked\r\n\r\n",
        refusal("501 Not Implemented", 'Unsupported transfer coding: "foo"'),
      ],
      [
        "chunked, then an unknown coding, on two lines",
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: foo\r\n\r\n",
        refusal("400 Bad Request", 'Transfer-Encoding must end with chunked: "chunked, foo"'),
      ],
      [
        "chunked on two lines",
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
        refusal("400 Bad Request", 'Transfer-Encoding lists chunked twice: "chunked, chunked"'),
      ],
    ])("answers %s with exactly its error and closes", async (_name, bytes, expected) => {
      const handler = vi.fn(hello);
      await using served = await testClient(handler);
      const { port } = served.server;
      const client = await RawClient.connect(port);
      client.write(Buffer.from(bytes, "latin1"));
      expect(await client.untilClosed()).toBe(expected);
      expect(handler).not.toHaveBeenCalled();
    });

    // A 200 answer with a text body, byte for byte.
    const ok = (text: string) =>
      `HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${text.length}\r\nDate: <date>\r\nServer: ll-server\r\n\r\n${text}`;

    it.each([
      ["OPTIONS * HTTP/1.1", "OPTIONS *"],
      ["GET http://x/info/abs HTTP/1.1", "GET /info/abs"],
    ])("serves %j", async (requestLine, expected) => {
      await using served = await testClient(
        (request) => new Response({ text: `${request.method} ${request.rawPath}` }),
      );
      const { port } = served.server;
      const client = await RawClient.connect(port);
      client.write(`${requestLine}\r\nHost: x\r\n\r\n`);
      expect(await client.untilResponses(1)).toBe(ok(expected));
    });

    it("answers a CONNECT request with an authority-form target", async () => {
      await using served = await testClient((request) => new Response({ text: request.rawPath }));
      const { port } = served.server;
      const client = await RawClient.connect(port);
      client.write("CONNECT www.example.com:443 HTTP/1.1\r\nHost: www.example.com:443\r\n\r\n");
      expect(await client.untilResponses(1)).toBe(ok("www.example.com:443"));
    });

    it("answers 408 to a head that takes longer than headersTimeout", async () => {
      vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
      await using served = await testClient(hello, { headersTimeout: 1000 });
      const { port } = served.server;
      const client = await RawClient.connect(port);
      client.write("GET / HTTP/1.1\r\nHo");
      await vi.advanceTimersByTimeAsync(500);
      expect(client.received.length).toBe(0);
      await vi.advanceTimersByTimeAsync(600);
      const text = await client.untilClosed();
      expect(text.startsWith("HTTP/1.1 408 Request Timeout\r\n")).toBe(true);
    });
  });

  describe("request bodies", () => {
    it("sends 100 Continue when the handler starts reading", async () => {
      await using served = await testClient(
        async (request) => new Response({ text: `got ${await request.text()}` }),
      );
      const { port } = served.server;
      const client = await RawClient.connect(port);
      client.write(
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n",
      );
      await client.until((text) => text.includes("100 Continue"));
      expect(client.text()).toBe("HTTP/1.1 100 Continue\r\n\r\n");
      client.write("body");
      expect(await client.untilResponses(1)).toContain("\r\n\r\ngot body");
    });

    it("closes after answering without reading an Expect: 100-continue body", async () => {
      await using served = await testClient(hello);
      const { port } = served.server;
      const client = await RawClient.connect(port);
      client.write(
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n",
      );
      const text = await client.untilClosed();
      expect(text).not.toContain("100 Continue");
      expect(text).toContain("Connection: close\r\n\r\nHello");
    });

    it("drains an unread body and serves the next request", async () => {
      await using served = await testClient(hello);
      const { port } = served.server;
      const client = await RawClient.connect(port);
      client.write("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n01234");
      await client.untilResponses(1);
      client.write("56789GET / HTTP/1.1\r\nHost: x\r\n\r\n");
      expect(await client.untilResponses(2)).toBe(HELLO + HELLO);
    });

    it("closes instead of draining a large unread body", async () => {
      await using served = await testClient(hello);
      const { port } = served.server;
      const client = await RawClient.connect(port);
      client.write("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n0123");
      const text = await client.untilClosed();
      expect(text).toContain("Connection: close\r\n\r\nHello");
    });

    it("answers a broken chunked body with 400 and closes", async () => {
      await using served = await testClient(
        async (request) => new Response({ text: await request.text() }),
      );
      const { port } = served.server;
      const client = await RawClient.connect(port);
      client.write(
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\nzz\r\n",
      );
      const text = await client.untilClosed();
      expect(text.startsWith("HTTP/1.1 400 Bad Request\r\n")).toBe(true);
      expect(text).toContain("Connection: close");
    });

    it("pauses reading while a body is not consumed", async () => {
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let request!: BaseRequest;
      await using served = await testClient(async (incoming) => {
        request = incoming;
        await released;
        let size = 0;
        for await (const chunk of incoming.content) size += (chunk as Buffer).length;
        return new Response({ text: String(size) });
      });
      const { port } = served.server;
      const client = await RawClient.connect(port);
      const total = 8 * 1024 * 1024;
      client.write(`POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ${total}\r\n\r\n`);
      const chunk = Buffer.alloc(64 * 1024, 97);
      let written = 0;
      // Write until the kernel buffers fill up: the server must stop reading.
      while (written < total && client.socket.write(chunk)) written += chunk.length;
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(request.content.totalBytes).toBeLessThan(2 * 1024 * 1024);
      release();
      for (written += chunk.length; written < total; written += chunk.length) {
        if (!client.socket.write(chunk)) await once(client.socket, "drain");
      }
      expect(await client.untilResponses(1)).toContain(`\r\n\r\n${total}`);
    });
  });

  describe("HEAD", () => {
    it("sends the headers of the GET answer without the body", async () => {
      await using served = await testClient(hello);
      const { port } = served.server;
      const client = await RawClient.connect(port);
      client.write("HEAD / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n");
      const head = HELLO.slice(0, -5);
      await client.until((text) => text.length >= head.length + HELLO.length);
      expect(client.text()).toBe(head + HELLO);
    });
  });

  describe("handler errors", () => {
    it("answers 500 without the stack and keeps the connection", async () => {
      const logger = recordingLogger();
      await using served = await testClient(
        (request) => {
          if (request.path === "/fail") throw new Error("boom");
          return hello();
        },
        { logger },
      );
      const { port } = served.server;
      const client = await RawClient.connect(port);
      client.write("GET /fail HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n");
      const text = await client.untilResponses(2);
      expect(text).toBe(
        "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 55\r\nDate: <date>\r\nServer: ll-server\r\n\r\n500 Internal Server Error\n\nServer got itself in trouble" +
          HELLO,
      );
      expect(logger.lines).toHaveLength(1);
      expect(String(logger.lines[0]![0])).toBe("Error handling request from 127.0.0.1");
      expect((logger.lines[0]![1] as Error).message).toBe("boom");
    });

    it("answers a returned HTTPException with its response and warns to throw it", async () => {
      const logged: [string, unknown[]][] = [];
      const logger = {
        info: (...args: unknown[]) => logged.push(["info", args]),
        warn: (...args: unknown[]) => logged.push(["warn", args]),
        error: (...args: unknown[]) => logged.push(["error", args]),
      };
      await using served = await testClient(
        (request) =>
          (request.path === "/missing"
            ? new HTTPNotFound({ text: "no such page" })
            : hello()) as unknown as StreamResponse,
        { logger },
      );
      const { port } = served.server;
      const client = await RawClient.connect(port);
      client.write("GET /missing HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n");
      const text = await client.untilResponses(2);
      expect(text).toBe(
        "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 12\r\nDate: <date>\r\nServer: ll-server\r\n\r\nno such page" +
          HELLO,
      );
      expect(logged).toEqual([
        [
          "warn",
          [
            "Handler for GET /missing from 127.0.0.1 returned an HTTPException (HTTPNotFound): throw it instead",
          ],
        ],
      ]);
    });

    it("puts the stack in the body with debug", async () => {
      await using served = await testClient(
        () => {
          throw new Error("boom");
        },
        { debug: true },
      );
      const { port } = served.server;
      const client = await RawClient.connect(port);
      client.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
      const text = await client.untilResponses(1);
      expect(text).toContain("\r\n\r\n500 Internal Server Error\n\nError: boom\n    at ");
    });

    it("closes the connection when the handler fails after the head was sent", async () => {
      await using served = await testClient(async (request) => {
        const response = new StreamResponse();
        await response.prepare(request);
        await response.write("partial");
        throw new Error("late");
      });
      const { port } = served.server;
      const client = await RawClient.connect(port);
      client.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
      const text = await client.untilClosed();
      expect(text).toContain(
        "Transfer-Encoding: chunked\r\nDate: <date>\r\nServer: ll-server\r\n\r\n7\r\npartial\r\n",
      );
      expect(text).not.toContain("0\r\n\r\n");
      expect(text).not.toContain("500");
    });
  });

  describe("handlerCancellation", () => {
    it("writes nothing when the client closed before the handler finished", async () => {
      const entered = deferred();
      const gate = deferred();
      const prepared = vi.fn();
      await using served = await testClient(
        async () => {
          entered.resolve(undefined);
          await gate.promise;
          const response = new Response({ text: "late" });
          prepared();
          return response;
        },
        { handlerCancellation: true },
      );
      const { port, server } = served.server;
      const client = await RawClient.connect(port);
      client.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
      await entered.promise;
      client.socket.end();
      await vi.waitFor(() => expect(server.connections.size).toBe(0));
      gate.resolve(undefined);
      expect(await client.untilClosed()).toBe("");
    });
  });

  describe("client disconnect", () => {
    it("aborts request.signal and forgets the connection", async () => {
      let signal!: AbortSignal;
      let reading!: Promise<unknown>;
      const started = deferred();
      await using served = await testClient(async (request) => {
        signal = request.signal;
        reading = request.read().catch((error: unknown) => error);
        started.resolve(undefined);
        await new Promise((resolve) => signal.addEventListener("abort", resolve));
        return hello();
      });
      const { port, server } = served.server;
      const client = await RawClient.connect(port);
      client.write("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nhalf");
      await started.promise;
      client.socket.destroy();
      await once(signal, "abort");
      expect(signal.aborted).toBe(true);
      expect(await reading).toBeInstanceOf(Error);
      await vi.waitFor(() => expect(server.connections.size).toBe(0));
    });
  });
});
