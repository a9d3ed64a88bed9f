import { once } from "node:events";
import net from "node:net";
import { request } from "undici";
import { describe, expect, it } from "vitest";
import { useExample } from "../../../start-example.js";

const start = useExample(import.meta.url);

/**
 * Sends `target` exactly as written (fetch and undici would normalize `..` and `%2e%2e` away)
 * and returns the status line and the body.
 */
async function raw(url: string, target: string, method = "GET") {
  const socket = net.connect(Number(new URL(url).port), "127.0.0.1");
  socket.end(`${method} ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
  const chunks: Buffer[] = [];
  socket.on("data", (chunk: Buffer) => chunks.push(chunk));
  await once(socket, "close");
  const text = Buffer.concat(chunks).toString("latin1");
  return {
    statusLine: text.slice(0, text.indexOf("\r\n")),
    head: text.slice(0, text.indexOf("\r\n\r\n")),
    body: text.slice(text.indexOf("\r\n\r\n") + 4),
  };
}

describe("server file-server example", () => {
  it("serves index.html, ranges and 304s", async () => {
    const url = await start();
    const response = await request(url);
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("text/html; charset=utf-8");
    const etag = response.headers.etag as string;
    expect(await response.body.text()).toContain("Hello from the file server.");
    const cached = await request(url, { headers: { "If-None-Match": etag } });
    expect(cached.statusCode).toBe(304);
    await cached.body.dump();
    const partial = await request(`${url}style.css`, { headers: { Range: "bytes=0-3" } });
    expect(partial.statusCode).toBe(206);
    expect(await partial.body.text()).toBe("body");
  });

  it("answers 404 for missing files and for every attempt to leave its root", async () => {
    const url = await start();
    // package.json sits right above public/: each target below would reach it (or /etc) if the
    // handler joined the decoded path to the root.
    for (const target of [
      "/nope.txt",
      "/../package.json",
      "/%2e%2e/package.json",
      "/..%2Fpackage.json",
      "/%252e%252e/package.json",
      "/..%5cpackage.json",
      "/index.html%00",
      "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/hostname",
    ]) {
      expect(await raw(url, target), target).toEqual({
        statusLine: "HTTP/1.1 404 Not Found",
        head: expect.any(String),
        body: "404: Not Found",
      });
    }
  });

  it("answers 405 to methods other than GET and HEAD", async () => {
    const url = await start();
    const answer = await raw(url, "/index.html", "DELETE");
    expect(answer.statusLine).toBe("HTTP/1.1 405 Method Not Allowed");
    expect(answer.head).toContain("\r\nAllow: GET,HEAD\r\n");
    expect(answer.body).toBe("405: Method Not Allowed");
  });
});
