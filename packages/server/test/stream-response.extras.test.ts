import { brotliDecompressSync, gunzipSync, inflateSync } from "node:zlib";
import { testClient } from "@ll/test-utils";
import { request } from "undici";
import { describe, expect, it } from "vitest";
import { Response } from "../src/response.js";
import { StreamResponse } from "../src/stream-response.js";
import { RawClient } from "./helpers/serve.js";

describe("StreamResponse cookies", () => {
  it("sends one Set-Cookie per cookie", async () => {
    await using served = await testClient(() => {
      const response = new Response({ text: "ok" });
      response.setCookie("session", "abc", { httpOnly: true, sameSite: "Lax", maxAge: 3600 });
      response.setCookie("theme", "dark", {
        path: "/app",
        expires: new Date(Date.UTC(2030, 0, 1)),
      });
      response.delCookie("old");
      return response;
    });
    const { origin: url } = served.server;
    const response = await request(url);
    expect(response.headers["set-cookie"]).toEqual([
      "session=abc; Max-Age=3600; Path=/; HttpOnly; SameSite=Lax",
      "theme=dark; Expires=Tue, 01 Jan 2030 00:00:00 GMT; Path=/app",
      "old=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/",
    ]);
    await response.body.dump();
  });

  it("throws a TypeError for an invalid cookie in the handler (500), connection kept", async () => {
    await using served = await testClient((request) => {
      const response = new Response({ text: "ok" });
      if (request.path === "/bad") response.setCookie("n", "a;b");
      return response;
    });
    const { origin: url } = served.server;
    const bad = await request(`${url}/bad`);
    expect(bad.statusCode).toBe(500);
    await bad.body.dump();
    expect((await request(url)).statusCode).toBe(200);
  });

  it("exposes cookies as a map", () => {
    const response = new StreamResponse();
    response.setCookie("a", "1");
    expect(response.cookies.get("a")).toEqual({ name: "a", value: "1", path: "/" });
  });
});

describe("StreamResponse validators", () => {
  it("gets and sets lastModified and etag", () => {
    const response = new StreamResponse();
    expect(response.lastModified).toBeUndefined();
    response.lastModified = Date.UTC(2020, 1, 3, 4, 5, 6, 7);
    expect(response.headers.get("Last-Modified")).toBe("Mon, 03 Feb 2020 04:05:07 GMT");
    expect(response.lastModified).toEqual(new Date(Date.UTC(2020, 1, 3, 4, 5, 7)));
    response.lastModified = undefined;
    expect(response.headers.has("Last-Modified")).toBe(false);
    response.etag = "abc";
    expect(response.headers.get("ETag")).toBe('"abc"');
    response.etag = { value: "w", isWeak: true };
    expect(response.etag).toEqual({ value: "w", isWeak: true });
    expect(() => {
      response.etag = 'bad"';
    }).toThrow(TypeError);
    response.etag = undefined;
    expect(response.etag).toBeUndefined();
  });
});

describe("enableCompression", () => {
  const body = "compress me ".repeat(500);

  it.each([
    ["gzip, deflate, br", "gzip", gunzipSync],
    ["deflate", "deflate", inflateSync],
    ["br", "br", brotliDecompressSync],
  ])("compresses a Response for %s", async (acceptEncoding, coding, decompress) => {
    await using served = await testClient(() => {
      const response = new Response({ text: body });
      response.enableCompression();
      return response;
    });
    const { origin: url } = served.server;
    const response = await request(url, { headers: { "Accept-Encoding": acceptEncoding } });
    expect(response.headers["content-encoding"]).toBe(coding);
    expect(response.headers.vary).toBe("Accept-Encoding");
    expect(decompress(Buffer.from(await response.body.arrayBuffer())).toString()).toBe(body);
  });

  it("compresses a streamed body and leaves identity alone", async () => {
    await using served = await testClient(async (request) => {
      const response = new StreamResponse();
      response.enableCompression();
      await response.prepare(request);
      for (let i = 0; i < 10; i++) await response.write(body);
      await response.writeEof();
      return response;
    });
    const { origin: url } = served.server;
    const compressed = await request(url, { headers: { "Accept-Encoding": "gzip" } });
    expect(compressed.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(Buffer.from(await compressed.body.arrayBuffer())).toString()).toBe(
      body.repeat(10),
    );
    const plain = await request(url, { headers: { "Accept-Encoding": "identity" } });
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.headers.vary).toBe("Accept-Encoding");
    expect(await plain.body.text()).toBe(body.repeat(10));
  });

  it("forces a coding", async () => {
    await using served = await testClient(() => {
      const response = new Response({ text: body });
      response.enableCompression("deflate");
      return response;
    });
    const { port } = served.server;
    const client = await RawClient.connect(port);
    client.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    const text = await client.until((received) => received.endsWith("0\r\n\r\n"));
    expect(text).toContain("\r\nContent-Encoding: deflate\r\n");
    expect(text).toContain("\r\nTransfer-Encoding: chunked\r\n");
  });

  it("does not compress twice", async () => {
    await using served = await testClient(() => {
      const response = new Response({
        body: Buffer.from("already"),
        headers: { "Content-Encoding": "x-custom" },
      });
      response.enableCompression();
      return response;
    });
    const { origin: url } = served.server;
    const response = await request(url, { headers: { "Accept-Encoding": "gzip" } });
    expect(response.headers["content-encoding"]).toBe("x-custom");
    expect(await response.body.text()).toBe("already");
  });
});
