import { once } from "node:events";
import net from "node:net";
import { Response } from "@ll/server";
import { afterEach, describe, expect, it } from "vitest";
import { pool } from "./helpers/exchange.js";
import { serve } from "./helpers/serve.js";

let close: (() => Promise<void>) | undefined;
afterEach(async () => close?.());

const UPLOAD = 8 * 1024 * 1024;
const PIECE = Buffer.alloc(64 * 1024, 97);
const CHUNK = Buffer.concat([Buffer.from("10000\r\n"), PIECE, Buffer.from("\r\n")]);

/** Uploads `size` bytes with backpressure until the answer is in; resolves with what came back. */
async function upload(port: number, chunked: boolean) {
  const socket = net.connect(port, "127.0.0.1");
  let reset = false;
  socket.on("error", () => {
    reset = true;
  });
  let received = "";
  socket.on("data", (chunk: Buffer) => {
    received += chunk.toString("latin1");
  });
  await once(socket, "connect");
  socket.write(
    chunked
      ? "POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
      : `POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: ${UPLOAD}\r\n\r\n`,
  );
  const closed = once(socket, "close");
  for (let sent = 0; sent < UPLOAD && socket.writable && !received.endsWith("no thanks"); ) {
    const ok = socket.write(chunked ? CHUNK : PIECE);
    sent += PIECE.length;
    if (!ok) await Promise.race([once(socket, "drain"), closed]);
  }
  if (socket.writable) socket.end(chunked ? "0\r\n\r\n" : "");
  await closed;
  return { received, reset };
}

describe("unread uploads", () => {
  it.each([
    ["chunked", true],
    ["Content-Length", false],
  ])("answer every %s upload the handler does not read, then close cleanly", async (_, chunked) => {
    const served = await serve(() => new Response({ text: "no thanks" }));
    close = served.close;
    const results = await pool(Array.from({ length: 24 }), 8, () => upload(served.port, chunked));
    for (const { received, reset } of results) {
      expect(received).toMatch(
        /^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\nConnection: close\r\n\r\nno thanks$/,
      );
      expect(reset).toBe(false);
    }
    const after = await fetch(`http://127.0.0.1:${served.port}/`);
    expect(await after.text()).toBe("no thanks");
    expect(served.errors).toEqual([]);
  });
});
