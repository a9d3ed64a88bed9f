import { chmodSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliCompressSync, gzipSync } from "node:zlib";
import { testClient } from "@ll/test-utils";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileResponse } from "../src/file-response.js";
import { RawClient } from "./helpers/serve.js";

let directory: string;
let textPath: string;
const TEXT = "0123456789abcdefghij";

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), "ll-file-response-"));
  textPath = join(directory, "hello.txt");
  writeFileSync(textPath, TEXT);
  utimesSync(textPath, 1_700_000_000.25, 1_700_000_000.25);
  writeFileSync(join(directory, "app.js"), "console.log(1)");
  writeFileSync(join(directory, "app.js.gz"), gzipSync("console.log(1)"));
  writeFileSync(join(directory, "app.js.br"), brotliCompressSync("console.log(1)"));
  writeFileSync(join(directory, "big.bin"), Buffer.alloc(3 * 1024 * 1024, 1));
  writeFileSync(join(directory, "secret.txt"), "no");
  chmodSync(join(directory, "secret.txt"), 0);
});

afterAll(() => rmSync(directory, { recursive: true, force: true }));
const etagOf = (path: string): string => {
  const stats = statSync(path, { bigint: true });
  return `"${stats.mtimeNs.toString(16)}-${stats.size.toString(16)}"`;
};

async function get(url: string, headers: Record<string, string> = {}, method = "GET") {
  const response = await request(url, { method, headers });
  const body = Buffer.from(await response.body.arrayBuffer());
  return { status: response.statusCode, headers: response.headers, body };
}

async function serveFile(name: string, options?: ConstructorParameters<typeof FileResponse>[1]) {
  return testClient(() => new FileResponse(join(directory, name), options));
}

describe("FileResponse", () => {
  it("sends the file with type, length, validators and Accept-Ranges", async () => {
    await using served = await serveFile("hello.txt");
    const { origin: url } = served.server;
    const response = await get(url);
    expect(response.status).toBe(200);
    expect(response.body.toString()).toBe(TEXT);
    expect(response.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(response.headers["content-length"]).toBe("20");
    expect(response.headers["accept-ranges"]).toBe("bytes");
    expect(response.headers.etag).toBe(etagOf(textPath));
    // mtime 1700000000.25 rounds up (aiohttp's ceil).
    expect(response.headers["last-modified"]).toBe(new Date(1_700_000_001_000).toUTCString());
  });

  it("answers HEAD with the headers only", async () => {
    await using served = await serveFile("hello.txt");
    const { port } = served.server;
    const client = await RawClient.connect(port);
    client.write("HEAD / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n");
    const text = await client.until((received) => received.endsWith(TEXT));
    expect(text.match(/Content-Length: 20/g)).toHaveLength(2);
    expect(text.split(TEXT)).toHaveLength(2);
  });

  it("streams a large file intact", async () => {
    await using served = await serveFile("big.bin", { chunkSize: 65536 });
    const { origin: url } = served.server;
    const response = await get(url);
    expect(response.body.equals(Buffer.alloc(3 * 1024 * 1024, 1))).toBe(true);
  });

  describe("conditional requests", () => {
    it.each([
      [{ "If-None-Match": "ETAG" }, 304],
      [{ "If-None-Match": 'W/"nope", ETAG' }, 304],
      [{ "If-None-Match": "*" }, 304],
      [{ "If-None-Match": '"other"' }, 200],
      [{ "If-Modified-Since": "Tue, 14 Nov 2023 22:13:21 GMT" }, 304],
      [{ "If-Modified-Since": "Tue, 14 Nov 2023 22:13:19 GMT" }, 200],
      [{ "If-Modified-Since": "garbage" }, 200],
      [{ "If-None-Match": '"other"', "If-Modified-Since": "Tue, 14 Nov 2023 22:13:21 GMT" }, 200],
      [{ "If-Match": "ETAG" }, 200],
      [{ "If-Match": '"other"' }, 412],
      [{ "If-Match": "W/ETAG" }, 412],
      [{ "If-Unmodified-Since": "Tue, 14 Nov 2023 22:13:19 GMT" }, 412],
      [{ "If-Unmodified-Since": "Tue, 14 Nov 2023 22:13:21 GMT" }, 200],
    ])("answers %j with %i", async (headers, status) => {
      await using served = await serveFile("hello.txt");
      const { origin: url } = served.server;
      const etag = etagOf(textPath);
      const resolved = Object.fromEntries(
        Object.entries(headers).map(([name, value]) => [name, value.replace("ETAG", etag)]),
      );
      const response = await get(url, resolved);
      expect(response.status).toBe(status);
      if (status === 304) {
        expect(response.body.length).toBe(0);
        expect(response.headers.etag).toBe(etag);
      }
      if (status === 412) expect(response.body.toString()).toBe("412: Precondition Failed");
    });
  });

  describe("ranges", () => {
    it.each([
      ["bytes=0-4", "01234", "bytes 0-4/20"],
      ["bytes=15-", "fghij", "bytes 15-19/20"],
      ["bytes=-3", "hij", "bytes 17-19/20"],
      ["bytes=18-100", "ij", "bytes 18-19/20"],
    ])("answers %s with 206", async (range, body, contentRange) => {
      await using served = await serveFile("hello.txt");
      const { origin: url } = served.server;
      const response = await get(url, { Range: range });
      expect(response.status).toBe(206);
      expect(response.body.toString()).toBe(body);
      expect(response.headers["content-range"]).toBe(contentRange);
      expect(response.headers["content-length"]).toBe(String(body.length));
    });

    it("answers several ranges as multipart/byteranges", async () => {
      await using served = await serveFile("hello.txt");
      const { origin: url } = served.server;
      const response = await get(url, { Range: "bytes=0-1, 5-6" });
      expect(response.status).toBe(206);
      const contentType = response.headers["content-type"] as string;
      const boundary = /^multipart\/byteranges; boundary=([0-9a-f]{32})$/.exec(contentType)![1];
      expect(response.body.toString()).toBe(
        `--${boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Range: bytes 0-1/20\r\n\r\n01` +
          `\r\n--${boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Range: bytes 5-6/20\r\n\r\n56` +
          `\r\n--${boundary}--\r\n`,
      );
      expect(Number(response.headers["content-length"])).toBe(response.body.length);
    });

    it.each(["bytes=20-", "bytes=30-40", "bytes=5-2", "bytes=abc", "bytes=", "bytes=-0"])(
      "answers %s with 416 and keeps the connection",
      async (range) => {
        await using served = await serveFile("hello.txt");
        const { port } = served.server;
        const client = await RawClient.connect(port);
        client.write(
          `GET / HTTP/1.1\r\nHost: x\r\nRange: ${range}\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n`,
        );
        const text = await client.until((received) => received.endsWith(TEXT));
        expect(text).toMatch(/^HTTP\/1\.1 416 Range Not Satisfiable\r\n/);
        expect(text).toContain("\r\nContent-Range: bytes */20\r\n");
        expect(text).toContain("416: Range Not Satisfiable");
        expect(text).toContain("HTTP/1.1 200 OK\r\n");
      },
    );

    it("ignores other units and non-GET methods", async () => {
      await using served = await serveFile("hello.txt");
      const { origin: url } = served.server;
      expect((await get(url, { Range: "items=0-1" })).status).toBe(200);
      expect((await get(url, { Range: "bytes=0-1" }, "POST")).status).toBe(200);
    });

    it.each([
      ["ETAG", 206],
      ["W/ETAG", 200],
      ['"other"', 200],
      ["Tue, 14 Nov 2023 22:13:21 GMT", 206],
      ["Tue, 14 Nov 2023 22:13:19 GMT", 200],
      ["nonsense", 200],
    ])("honours If-Range %s", async (ifRange, status) => {
      await using served = await serveFile("hello.txt");
      const { origin: url } = served.server;
      const response = await get(url, {
        Range: "bytes=0-1",
        "If-Range": ifRange.replace("ETAG", etagOf(textPath)),
      });
      expect(response.status).toBe(status);
    });
  });

  describe("pre-compressed siblings", () => {
    it.each([
      ["gzip, deflate, br", "br"],
      ["gzip", "gzip"],
      ["br;q=0.5, gzip", "gzip"],
      ["identity", undefined],
      ["br;q=0, gzip;q=0", undefined],
    ])("for Accept-Encoding %s sends %s", async (acceptEncoding, coding) => {
      await using served = await serveFile("app.js");
      const { origin: url } = served.server;
      const response = await get(url, { "Accept-Encoding": acceptEncoding });
      expect(response.status).toBe(200);
      expect(response.headers["content-type"]).toBe("text/javascript; charset=utf-8");
      expect(response.headers["content-encoding"]).toBe(coding);
      const expected =
        coding === "br"
          ? brotliCompressSync("console.log(1)")
          : coding === "gzip"
            ? gzipSync("console.log(1)")
            : Buffer.from("console.log(1)");
      if (coding !== undefined) expect(response.headers.vary).toBe("Accept-Encoding");
      expect(response.body.length).toBe(expected.length);
    });
  });

  describe("errors", () => {
    it("answers 404 for a missing file", async () => {
      await using served = await serveFile("missing.txt");
      const { origin: url } = served.server;
      const response = await get(url);
      expect(response.status).toBe(404);
      expect(response.body.toString()).toBe("404: Not Found");
    });

    it("answers 403 for a directory", async () => {
      await using served = await testClient(() => new FileResponse(directory));
      const { origin: url } = served.server;
      expect((await get(url)).status).toBe(403);
    });

    it.skipIf(process.getuid?.() === 0)("answers 403 for an unreadable file", async () => {
      await using served = await serveFile("secret.txt");
      const { origin: url } = served.server;
      expect((await get(url)).status).toBe(403);
    });

    it("rejects a bad chunk size", () => {
      expect(() => new FileResponse("x", { chunkSize: 0 })).toThrow(
        new RangeError("chunkSize must be a positive integer"),
      );
    });
  });
});
