import { once } from "node:events";
import net from "node:net";
import { Response } from "@ll/server";
import { afterEach, describe, expect, it } from "vitest";
import { serve } from "./helpers/serve.js";

const CLIENTS = 200;
const HEAD = "GET /slow HTTP/1.1\r\nHost: a\r\nX-Padding: 0123456789\r\n\r\n";

let close: (() => Promise<void>) | undefined;
afterEach(async () => close?.());

/** A client that sends one byte of the head every `interval` ms and records what comes back. */
async function trickle(port: number, body: string, interval: number, prefix = "") {
  const socket = net.connect(port, "127.0.0.1");
  socket.on("error", () => {});
  let received = "";
  socket.on("data", (chunk: Buffer) => {
    received += chunk.toString("latin1");
  });
  await once(socket, "connect");
  socket.write(prefix);
  let index = 0;
  const timer = setInterval(() => {
    if (index < body.length && socket.writable) socket.write(body[index++]!);
  }, interval);
  await once(socket, "close");
  clearInterval(timer);
  return { received, sent: index };
}

describe("slowloris", () => {
  it("times out every trickling client with 408 while others are served", async () => {
    const served = await serve(
      async (request) => new Response({ text: `ok ${(await request.read()).length}` }),
      {
        headersTimeout: 400,
        requestTimeout: 800,
      },
    );
    close = served.close;
    const slow = Array.from({ length: CLIENTS }, () => trickle(served.port, HEAD, 20));
    const head = "POST /slow HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\n";
    const body = "x".repeat(100);
    // The head of these arrives at once, then the body trickles: requestTimeout ends them.
    const slowBodies = Array.from({ length: 20 }, () => trickle(served.port, body, 20, head));
    // A well-behaved client is served while the trickling ones hold their connections.
    const probe = await fetch(`http://127.0.0.1:${served.port}/probe`, {
      headers: { Connection: "close" },
    });
    expect(probe.status).toBe(200);
    expect(await probe.text()).toBe("ok 0");

    for (const { received, sent } of await Promise.all(slow)) {
      expect(sent).toBeLessThan(HEAD.length);
      expect(received).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
      expect(received).toMatch(/\r\n\r\n408 Request Timeout: the request head took too long\n$/);
    }
    for (const { received, sent } of await Promise.all(slowBodies)) {
      expect(sent).toBeLessThan(body.length);
      expect(received).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
      expect(received).toContain("did not arrive within requestTimeout (800 ms)");
    }
    // Every connection ends: the server's side closes once the client's FIN is in.
    for (let turn = 0; turn < 1000 && served.server.connections.size > 0; turn++) {
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    expect(served.server.connections.size).toBe(0);
    expect(served.errors).toEqual([]);
  });
});
