import type { ChildProcess } from "node:child_process";
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { startExample } from "../../../start-example.js";

const main = new URL("../dist/main.js", import.meta.url);
let child: ChildProcess | undefined;

afterEach(() => {
  child?.kill();
  child = undefined;
});

const DATE_RE = /^Date: \w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/** Starts the built example on a free port and returns its port. */
async function start(): Promise<number> {
  const started = await startExample(main, { ready: /(http:\/\/\S+?:\d+\/)/ });
  child = started.child;
  return Number(new URL(started.url).port);
}

/**
 * Sends `parts` over one raw connection (one write each), half-closes when `end` is set, and
 * resolves with every byte received until the server closes. The Date header's value, the one
 * part that changes, is checked for its format and replaced by `<date>`.
 */
function exchange(port: number, parts: string[], end: boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(port, "127.0.0.1", () => {
      for (const part of parts) socket.write(part);
      if (end) socket.end();
    });
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("close", () => {
      const text = Buffer.concat(chunks).toString("latin1");
      const dates = text.match(/^Date: [^\r\n]*/gm) ?? [];
      const malformed = dates.find((date) => !DATE_RE.test(date));
      if (malformed !== undefined) reject(new Error(`unexpected ${malformed}`));
      else resolve(text.replace(/^Date: [^\r\n]*/gm, "Date: <date>"));
    });
  });
}

describe("http-protocol echo example", () => {
  it("answers pipelined requests in order and closes after Connection: close", async () => {
    const port = await start();
    const received = await exchange(
      port,
      [
        "GET /hello?name=Ada HTTP/1.1\r\nHost: example.com\r\nX-Trace: 1\r\n\r\nPOST /echo HTTP/1.1\r\nHost: exa",
        "mple.com\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello",
      ],
      false,
    );
    expect(received).toBe(
      "HTTP/1.1 200 OK\r\nDate: <date>\r\nContent-Type: text/plain; charset=utf-8\r\n" +
        "Content-Length: 59\r\n\r\n" +
        "GET /hello?name=Ada HTTP/1.1\nHost: example.com\nX-Trace: 1\n\n" +
        "HTTP/1.1 200 OK\r\nDate: <date>\r\nContent-Type: text/plain; charset=utf-8\r\n" +
        "Content-Length: 80\r\nConnection: close\r\n\r\n" +
        "POST /echo HTTP/1.1\nHost: example.com\nContent-Length: 5\nConnection: close\n\nhello",
    );
  });

  it("answers a request-smuggling attempt with the parser's 400 and closes", async () => {
    const port = await start();
    const received = await exchange(
      port,
      [
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      ],
      false,
    );
    expect(received).toBe(
      "HTTP/1.1 400 Bad Request\r\nDate: <date>\r\nContent-Type: text/plain; charset=utf-8\r\n" +
        "Content-Length: 71\r\nConnection: close\r\n\r\n" +
        "BadHttpMessage: Transfer-Encoding can't be present with Content-Length\n",
    );
  });

  it("answers a body cut short by the client's close with a 400", async () => {
    const port = await start();
    const received = await exchange(
      port,
      ["POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc"],
      true,
    );
    expect(received).toBe(
      "HTTP/1.1 400 Bad Request\r\nDate: <date>\r\nContent-Type: text/plain; charset=utf-8\r\n" +
        "Content-Length: 90\r\nConnection: close\r\n\r\n" +
        "ContentLengthError: Not enough data to satisfy Content-Length: 7 more bytes were expected\n",
    );
  });
});
