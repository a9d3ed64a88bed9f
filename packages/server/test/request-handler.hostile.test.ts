import { once } from "node:events";
import type { Socket } from "node:net";
import net from "node:net";
import { deferred, testClient } from "@ll/test-utils";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { BaseRequest } from "../src/base-request.js";
import { Response } from "../src/response.js";
import { StreamResponse } from "../src/stream-response.js";
import { RawClient } from "./helpers/serve.js";

afterEach(async () => {
  vi.useRealTimers();
});

/** After `Upgrade: echo` every byte is sent back (a stand-in for a WebSocket). */
class EchoUpgrade extends StreamResponse {
  constructor() {
    super({ status: 101, headers: { Upgrade: "echo", Connection: "upgrade" } });
  }

  override async prepare(request: BaseRequest): Promise<void> {
    await super.prepare(request);
    const { socket, head } = request.detachSocket();
    socket.on("error", () => {});
    if (head.length > 0) socket.write(head);
    socket.on("data", (chunk: Buffer) => socket.write(chunk));
    socket.resume();
  }
}

async function upgradeOrEcho(request: BaseRequest): Promise<StreamResponse> {
  if (request.headers.get("upgrade") === "echo") {
    const response = new EchoUpgrade();
    await response.prepare(request);
    return response;
  }
  const body = await request.read();
  return new Response({ text: `read ${body.length}` });
}

const GET_X = "GET /x HTTP/1.1\r\nHost: a\r\n\r\n";
const UPGRADE = "GET /ws HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\nUpgrade: echo\r\n\r\n";

function okText(text: string): string {
  return `HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${text.length}\r\nDate: <date>\r\nServer: ll-server\r\n\r\n${text}`;
}

describe("RequestHandler under hostile traffic", () => {
  describe("connection hand-off", () => {
    it("leaves other connections' requests alone after a pipelined upgrade", async () => {
      await using served = await testClient(upgradeOrEcho);
      const { port } = served.server;
      const attacker = await RawClient.connect(port);
      attacker.write(GET_X + UPGRADE + GET_X);
      // The first GET is answered; the upgrade takes the connection, and the bytes after its
      // head belong to the new protocol (echoed back as they are).
      const text = await attacker.until((received) => received.endsWith(GET_X));
      expect(text).toBe(
        `${okText("read 0")}HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: upgrade\r\nDate: <date>\r\nServer: ll-server\r\n\r\n${GET_X}`,
      );
      for (let round = 0; round < 3; round++) {
        const client = await RawClient.connect(port);
        client.write(GET_X);
        expect(await client.untilResponses(1)).toBe(okText("read 0"));
        client.socket.destroy();
      }
      const response = await fetch(`http://127.0.0.1:${port}/x`);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe("read 0");
    });

    it("answers a request pipelined before an upgrade without parsing past the upgrade", async () => {
      const seen: string[] = [];
      await using served = await testClient(async (request) => {
        seen.push(request.path);
        return upgradeOrEcho(request);
      });
      const { port } = served.server;
      const client = await RawClient.connect(port);
      client.write(GET_X + UPGRADE + GET_X);
      await client.until((received) => received.endsWith(GET_X));
      expect(seen).toEqual(["/x", "/ws"]);
    });
  });

  describe("request.signal", () => {
    it("aborts when the client goes away during a streamed response", async () => {
      const aborted = deferred<unknown>();
      const writeFailed = deferred<unknown>();
      await using served = await testClient(async (request) => {
        request.signal.addEventListener("abort", () => aborted.resolve(request.signal.reason));
        const response = new StreamResponse();
        await response.prepare(request);
        const chunk = Buffer.alloc(64 * 1024, 120);
        try {
          for (;;) await response.write(chunk);
        } catch (error) {
          writeFailed.resolve(error);
          throw error;
        }
      });
      const { port } = served.server;
      const client = net.connect(port, "127.0.0.1");
      client.on("error", () => {});
      await once(client, "connect");
      client.write(GET_X);
      // Read slowly: one chunk, then stop reading so the server's writes back up.
      await once(client, "data");
      client.pause();
      await new Promise<void>((resolve) => setImmediate(resolve));
      client.destroy();
      const error = await writeFailed.promise;
      expect(error).toBeInstanceOf(Error);
      const reason = await aborted.promise;
      expect(reason).toBeInstanceOf(Error);
      expect((reason as Error).name).toBe("ConnectionResetError");
      expect((reason as Error).message).toMatch(/^Connection lost: /);
    });

    it("aborts when the client resets the connection during a streamed response", async () => {
      const aborted = deferred<unknown>();
      const started = deferred<Socket>();
      await using served = await testClient(async (request) => {
        request.signal.addEventListener("abort", () => aborted.resolve(request.signal.reason));
        const response = new StreamResponse();
        await response.prepare(request);
        await response.write("first");
        started.resolve(request.socket);
        await new Promise((resolve) => request.signal.addEventListener("abort", resolve));
        return response;
      });
      const { port } = served.server;
      const client = net.connect(port, "127.0.0.1");
      client.on("error", () => {});
      await once(client, "connect");
      client.write(GET_X);
      await started.promise;
      client.resetAndDestroy();
      expect(await aborted.promise).toBeInstanceOf(Error);
    });
  });

  describe("truncated bodies", () => {
    it.each([
      ["HTTP/1.0", ""],
      ["HTTP/1.0", "Expect: 100-continue\r\n"],
      ["HTTP/1.1", "Host: a\r\n"],
      ["HTTP/1.1", "Host: a\r\nExpect: 100-continue\r\n"],
    ])(
      "answers 400 and closes when a %s body is cut short by the client's FIN (%j)",
      async (version, extra) => {
        await using served = await testClient(upgradeOrEcho);
        const { port } = served.server;
        const client = await RawClient.connect(port);
        client.socket.end(`POST /echo ${version}\r\n${extra}Content-Length: 4\r\n\r\nab`);
        const text = await client.untilClosed();
        expect(text).toMatch(
          /^(HTTP\/1\.1 100 Continue\r\n\r\n)?HTTP\/1\.[01] 400 Bad Request\r\n/,
        );
        // HTTP/1.0 closes by default; HTTP/1.1 says so.
        if (version === "HTTP/1.1") expect(text).toContain("\r\nConnection: close\r\n");
        expect(text).toContain(
          "Not enough data to satisfy Content-Length: 2 more bytes were expected",
        );
      },
    );
  });

  describe("unread uploads", () => {
    const NO_THANKS =
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 9\r\nDate: <date>\r\nServer: ll-server\r\nConnection: close\r\n\r\nno thanks";

    /** Sends `head`, then `piece` again and again until the answer is in; returns what came. */
    async function uploadUntilAnswered(port: number, head: string, piece: string) {
      const client = await RawClient.connect(port);
      let errored: Error | undefined;
      client.socket.on("error", (error) => {
        errored = error;
      });
      client.write(head);
      let sent = 0;
      const answered = () => client.text().endsWith("no thanks");
      while (!answered() && !client.closed && sent < 64 * 1024 * 1024) {
        // Keep the upload going, a few pieces at a time, as a real client would.
        for (let index = 0; index < 16; index++) client.write(piece);
        sent += 16 * piece.length;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      client.socket.end();
      const text = await client.untilClosed();
      return { text, errored, sent };
    }

    const refuse = () => new Response({ text: "no thanks" });

    it("announces the close and lingers so a chunked upload gets its answer", async () => {
      await using served = await testClient(refuse);
      const { port } = served.server;
      const chunk = Buffer.alloc(16 * 1024, 97).toString("latin1");
      const { text, errored } = await uploadUntilAnswered(
        port,
        "POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n",
        `4000\r\n${chunk}\r\n`,
      );
      expect(text).toBe(NO_THANKS);
      expect(errored).toBeUndefined();
    });

    it("announces the close and lingers so a large Content-Length upload gets its answer", async () => {
      await using served = await testClient(refuse);
      const { port } = served.server;
      const chunk = Buffer.alloc(16 * 1024, 97).toString("latin1");
      const { text, errored } = await uploadUntilAnswered(
        port,
        `POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: ${64 * 1024 * 1024}\r\n\r\n`,
        chunk,
      );
      expect(text).toBe(NO_THANKS);
      expect(errored).toBeUndefined();
    });

    it("keeps the connection for a chunked body the handler started reading", async () => {
      await using served = await testClient(async (request) => {
        const first = await request.content.readany();
        return new Response({ text: `first ${first.length}` });
      });
      const { port } = served.server;
      const client = await RawClient.connect(port);
      client.write("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n");
      await client.untilResponses(1);
      client.write(`3\r\ndef\r\n0\r\n\r\n${GET_X}`);
      const text = await client.untilResponses(2);
      expect(text).toBe(okText("first 3") + okText("first 0"));
      expect(client.closed).toBe(false);
    });
  });

  describe("requestTimeout", () => {
    it("answers 408 and closes when the body stops coming", async () => {
      vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
      const failures: unknown[] = [];
      await using served = await testClient(
        async (request) => {
          try {
            await request.read();
          } catch (error) {
            failures.push(error);
          }
          return new Response({ text: "late" });
        },
        { requestTimeout: 5000 },
      );
      const { port } = served.server;
      const client = await RawClient.connect(port);
      client.write("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc");
      await vi.advanceTimersByTimeAsync(4000);
      client.write("de");
      await vi.advanceTimersByTimeAsync(900);
      expect(client.received.length).toBe(0);
      await vi.advanceTimersByTimeAsync(200);
      const text = await client.untilClosed();
      const body =
        "408 Request Timeout: the request body did not arrive within requestTimeout (5000 ms)\n";
      expect(text).toBe(
        `HTTP/1.1 408 Request Timeout\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${body.length}\r\nDate: <date>\r\nServer: ll-server\r\nConnection: close\r\n\r\n${body}`,
      );
      expect(failures).toHaveLength(1);
      expect((failures[0] as { code: number }).code).toBe(408);
    });

    it("times a head trickling in slower than requestTimeout even without headersTimeout", async () => {
      vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
      await using served = await testClient(() => new Response({ text: "x" }), {
        headersTimeout: 0,
        requestTimeout: 3000,
      });
      const { port } = served.server;
      const client = await RawClient.connect(port);
      for (const byte of "GET / HTTP/1.1\r\nHo") {
        client.write(byte);
        await vi.advanceTimersByTimeAsync(150);
      }
      await vi.advanceTimersByTimeAsync(1000);
      const text = await client.untilClosed();
      expect(text).toMatch(
        /^HTTP\/1\.1 408 Request Timeout\r\n[\s\S]*\r\n\r\n408 Request Timeout: the request took too long to arrive\n$/,
      );
    });

    it("does not limit a handler that takes long once the request is in", async () => {
      vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
      const release = deferred();
      const received = deferred();
      await using served = await testClient(
        async (request) => {
          const body = await request.text();
          received.resolve();
          await release.promise;
          return new Response({ text: `got ${body}` });
        },
        { requestTimeout: 1000 },
      );
      const { port } = served.server;
      const client = await RawClient.connect(port);
      client.write("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nok");
      await received.promise;
      await vi.advanceTimersByTimeAsync(5000);
      release.resolve();
      expect(await client.untilResponses(1)).toBe(okText("got ok"));
    });

    it("cuts the connection when the response already started", async () => {
      vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
      const aborted = deferred<unknown>();
      await using served = await testClient(
        async (request) => {
          request.signal.addEventListener("abort", () => aborted.resolve(request.signal.reason));
          const response = new StreamResponse();
          await response.prepare(request);
          await response.write("streaming ");
          await request.read().catch(() => {});
          return response;
        },
        { requestTimeout: 1000 },
      );
      const { port } = served.server;
      const client = await RawClient.connect(port);
      client.write("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc");
      await client.until((text) => text.includes("streaming"));
      await vi.advanceTimersByTimeAsync(1100);
      const text = await client.untilClosed();
      expect(text).not.toContain("408");
      expect(((await aborted.promise) as { code: number }).code).toBe(408);
    });

    it("rejects a negative value", async () => {
      await expect(testClient(() => new Response(), { requestTimeout: -1 })).rejects.toThrow(
        new RangeError("requestTimeout must be a non-negative number"),
      );
    });
  });

  describe("bursts", () => {
    it("answers a burst of pipelined requests in order, a batch at a time", async () => {
      let count = 0;
      await using served = await testClient(() => new Response({ text: String(++count) }));
      const { port } = served.server;
      const client = await RawClient.connect(port);
      client.write(GET_X.repeat(1000));
      const text = await client.untilResponses(1000);
      const bodies = [...text.matchAll(/\r\n\r\n(\d+)/g)].map((match) => Number(match[1]));
      expect(bodies).toEqual(Array.from({ length: 1000 }, (_, index) => index + 1));
    });

    it("lets another connection be served while a burst is being answered", async () => {
      const order: string[] = [];
      await using served = await testClient((request) => {
        order.push(request.path);
        return new Response({ text: "." });
      });
      const { port } = served.server;
      const burst = await RawClient.connect(port);
      const probe = await RawClient.connect(port);
      burst.write("GET /burst HTTP/1.1\r\nHost: a\r\n\r\n".repeat(10_000));
      // The probe's request arrives while the burst is being worked through.
      await burst.until((text) => text.length > 0);
      probe.write("GET /probe HTTP/1.1\r\nHost: a\r\n\r\n");
      await probe.untilResponses(1);
      await burst.untilResponses(10_000);
      const probeAt = order.indexOf("/probe");
      expect(probeAt).toBeGreaterThan(0);
      // Served long before the burst was done, not after it.
      expect(probeAt).toBeLessThan(9_000);
    });

    it("handles at most one batch of a burst per turn of the event loop", async () => {
      // Requests handled per macrotask: a turn that handles thousands starves every other
      // connection for as long.
      const perTurn: number[] = [];
      let current = 0;
      await using served = await testClient(() => {
        if (current++ === 0) {
          setImmediate(() => {
            perTurn.push(current);
            current = 0;
          });
        }
        return new Response({ text: "." });
      });
      const { port } = served.server;
      const client = await RawClient.connect(port);
      client.write(GET_X.repeat(5000));
      await client.untilResponses(5000);
      await new Promise<void>((resolve) => setImmediate(resolve));
      expect(perTurn.reduce((sum, count) => sum + count, 0)).toBe(5000);
      // A batch is 32 requests; a turn may see the end of one and the start of the next.
      expect(Math.max(...perTurn)).toBeLessThanOrEqual(64);
    });

    it("still sees the client's FIN that arrives behind a burst", async () => {
      let count = 0;
      await using served = await testClient(() => new Response({ text: String(++count) }));
      const { port } = served.server;
      const client = await RawClient.connect(port);
      client.socket.end(GET_X.repeat(200));
      const text = await client.untilClosed();
      expect(text.match(/HTTP\/1\.1 200 OK/g)).toHaveLength(200);
    });
  });
});
