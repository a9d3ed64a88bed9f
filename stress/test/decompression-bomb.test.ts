import { once } from "node:events";
import net from "node:net";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { Response } from "@ll/server";
import { afterEach, describe, expect, it } from "vitest";
import { MiB, memoryInUse, serve } from "./helpers/serve.js";

let close: (() => Promise<void>) | undefined;
afterEach(async () => close?.());

const EXPANDED = 256 * MiB;
const bombs = {
  gzip: gzipSync(Buffer.alloc(EXPANDED), { level: 9 }),
  br: brotliCompressSync(Buffer.alloc(EXPANDED), {
    params: { [constants.BROTLI_PARAM_QUALITY]: 5 },
  }),
};

async function post(port: number, encoding: string, body: Buffer): Promise<string> {
  const socket = net.connect(port, "127.0.0.1");
  socket.on("error", () => {});
  await once(socket, "connect");
  socket.write(
    `POST /upload HTTP/1.1\r\nHost: a\r\nContent-Encoding: ${encoding}\r\nContent-Length: ${body.length}\r\n\r\n`,
  );
  socket.end(body);
  let received = "";
  socket.on("data", (chunk: Buffer) => {
    received += chunk.toString("latin1");
  });
  await once(socket, "close");
  return received;
}

describe("decompression bombs", () => {
  it.each(Object.keys(bombs) as (keyof typeof bombs)[])(
    "answers 413 to a %s body that expands past clientMaxSize, with bounded memory",
    async (encoding) => {
      const served = await serve(async (request) => {
        const body = await request.read();
        return new Response({ text: `read ${body.length}` });
      });
      close = served.close;
      const before = memoryInUse();
      const answers = await Promise.all(
        Array.from({ length: 8 }, () => post(served.port, encoding, bombs[encoding])),
      );
      const grown = memoryInUse() - before;
      for (const answer of answers) {
        expect(answer).toMatch(/^HTTP\/1\.1 413 Content Too Large\r\n/);
      }
      // Eight bombs of 256 MiB each: what stays is nowhere near what they expand to.
      expect(grown).toBeLessThan(32 * MiB);
      const after = await fetch(`http://127.0.0.1:${served.port}/`, {
        method: "POST",
        body: "fine",
      });
      expect(await after.text()).toBe("read 4");
    },
  );
});
