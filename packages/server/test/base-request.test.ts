import { gzipSync } from "node:zlib";
import { testClient } from "@ll/test-utils";
import { request as undiciRequest } from "undici";
import { describe, expect, it } from "vitest";
import type { BaseRequest } from "../src/base-request.js";
import { jsonResponse } from "../src/json-response.js";
import { Response } from "../src/response.js";
import { RawClient } from "./helpers/serve.js";

/** Serves one request and returns what the handler computed from it. */
async function inspect<T>(raw: string, read: (request: BaseRequest) => T | Promise<T>): Promise<T> {
  let result!: T;
  await using served = await testClient(async (request) => {
    result = await read(request);
    return new Response({ text: "ok" });
  });
  const { port } = served.server;
  const client = await RawClient.connect(port);
  client.write(Buffer.from(raw, "latin1"));
  await client.untilResponses(1);
  return result;
}

describe("BaseRequest", () => {
  it("exposes the head-level attributes", async () => {
    const attributes = await inspect(
      'GET /a%20b/c?x=1&x=2&y=%C3%A9 HTTP/1.1\r\nHost: example.com:8080\r\nContent-Type: Text/HTML; Charset="UTF-8"\r\n\r\n',
      (request) => ({
        method: request.method,
        version: request.version.toString(),
        url: request.url.href,
        relUrl: request.relUrl,
        scheme: request.scheme,
        secure: request.secure,
        host: request.host,
        remote: request.remote,
        path: request.path,
        rawPath: request.rawPath,
        queryString: request.queryString,
        x: request.query.getAll("x"),
        y: request.query.get("y"),
        keepAlive: request.keepAlive,
        contentType: request.contentType,
        charset: request.charset,
        contentLength: request.contentLength,
        bodyExists: request.bodyExists,
        canReadBody: request.canReadBody,
        rawHeaders: request.rawHeaders,
      }),
    );
    expect(attributes).toEqual({
      method: "GET",
      version: "HTTP/1.1",
      url: "http://example.com:8080/a%20b/c?x=1&x=2&y=%C3%A9",
      relUrl: "/a%20b/c?x=1&x=2&y=%C3%A9",
      scheme: "http",
      secure: false,
      host: "example.com:8080",
      remote: "127.0.0.1",
      path: "/a b/c",
      rawPath: "/a%20b/c?x=1&x=2&y=%C3%A9",
      queryString: "x=1&x=2&y=%C3%A9",
      x: ["1", "2"],
      y: "é",
      keepAlive: true,
      contentType: "text/html",
      charset: "utf-8",
      contentLength: undefined,
      bodyExists: false,
      canReadBody: false,
      rawHeaders: ["Host", "example.com:8080", "Content-Type", 'Text/HTML; Charset="UTF-8"'],
    });
  });

  describe("absolute-form targets (RFC 9112 §3.2.2)", () => {
    const targetAttributes = (request: BaseRequest) => ({
      path: request.path,
      rawPath: request.rawPath,
      relUrl: request.relUrl,
      queryString: request.queryString,
      host: request.host,
      url: request.url.href,
      scheme: request.scheme,
    });

    it.each([
      [
        "GET http://example.com/info/abs HTTP/1.1\r\nHost: example.com\r\n\r\n",
        {
          path: "/info/abs",
          rawPath: "/info/abs",
          relUrl: "/info/abs",
          queryString: "",
          host: "example.com",
          url: "http://example.com/info/abs",
          scheme: "http",
        },
      ],
      [
        // The scheme is the connection's: a client does not make plain TCP secure by saying so.
        "GET https://example.com/info/abs HTTP/1.1\r\nHost: example.com\r\n\r\n",
        {
          path: "/info/abs",
          rawPath: "/info/abs",
          relUrl: "/info/abs",
          queryString: "",
          host: "example.com",
          url: "http://example.com/info/abs",
          scheme: "http",
        },
      ],
      [
        "GET http://example.com/info/a%20b?x=1&y=%C3%A9 HTTP/1.1\r\nHost: example.com\r\n\r\n",
        {
          path: "/info/a b",
          rawPath: "/info/a%20b?x=1&y=%C3%A9",
          relUrl: "/info/a%20b?x=1&y=%C3%A9",
          queryString: "x=1&y=%C3%A9",
          host: "example.com",
          url: "http://example.com/info/a%20b?x=1&y=%C3%A9",
          scheme: "http",
        },
      ],
      [
        "GET http://example.com HTTP/1.1\r\nHost: example.com\r\n\r\n",
        {
          path: "/",
          rawPath: "/",
          relUrl: "/",
          queryString: "",
          host: "example.com",
          url: "http://example.com/",
          scheme: "http",
        },
      ],
      [
        "GET http://example.com?x=1 HTTP/1.1\r\nHost: example.com\r\n\r\n",
        {
          path: "/",
          rawPath: "/?x=1",
          relUrl: "/?x=1",
          queryString: "x=1",
          host: "example.com",
          url: "http://example.com/?x=1",
          scheme: "http",
        },
      ],
      [
        // RFC 9112 §3.2.2: the target's authority wins over the Host header.
        "GET HTTP://Example.com:8080/a/../b HTTP/1.1\r\nHost: other.example\r\n\r\n",
        {
          path: "/a/../b",
          rawPath: "/a/../b",
          relUrl: "/a/../b",
          queryString: "",
          host: "Example.com:8080",
          url: "http://example.com:8080/b",
          scheme: "http",
        },
      ],
    ])("reads %j", async (raw, expected) => {
      expect(await inspect(raw, targetAttributes)).toEqual(expected);
    });
  });

  it("keeps a path starting with // on the request's host", async () => {
    const url = await inspect(
      "GET //evil.com/x HTTP/1.1\r\nHost: good\r\n\r\n",
      (request) => request.url.href,
    );
    expect(url).toBe("http://good//evil.com/x");
  });

  it("defaults contentType to application/octet-stream", async () => {
    expect(
      await inspect("GET / HTTP/1.1\r\nHost: x\r\n\r\n", (request) => request.contentType),
    ).toBe("application/octet-stream");
  });

  it("has a per-request state map", async () => {
    expect(
      await inspect("GET / HTTP/1.1\r\nHost: x\r\n\r\n", (request) =>
        request.state.set("a", 1).get("a"),
      ),
    ).toBe(1);
  });

  describe("#read", () => {
    it("reads the body and returns the same bytes twice", async () => {
      const result = await inspect(
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello",
        async (request) => [
          (await request.read()).toString(),
          (await request.read()).toString(),
          request.bodyExists,
        ],
      );
      expect(result).toEqual(["hello", "hello", true]);
    });

    it("answers 413 over clientMaxSize", async () => {
      await using served = await testClient(
        async (request) => new Response({ body: await request.read() }),
        {
          clientMaxSize: 10,
        },
      );
      const { origin: url } = served.server;
      const response = await undiciRequest(url, { method: "POST", body: "x".repeat(11) });
      expect(response.statusCode).toBe(413);
      expect(await response.body.text()).toBe(
        "Maximum request body size 10 exceeded, actual body size 11",
      );
    });

    it("decompresses a gzip body", async () => {
      await using served = await testClient(
        async (request) => new Response({ text: await request.text() }),
      );
      const { origin: url } = served.server;
      const response = await undiciRequest(url, {
        method: "POST",
        body: gzipSync("compressed text"),
        headers: { "content-encoding": "gzip" },
      });
      expect(await response.body.text()).toBe("compressed text");
    });
  });

  describe("#text", () => {
    it("decodes with the request charset", async () => {
      const text = await inspect(
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Length: 1\r\n\r\n\xe9",
        (request) => request.text(),
      );
      expect(text).toBe("é");
    });
  });

  describe("#json", () => {
    it("parses JSON bodies", async () => {
      await using served = await testClient(async (request) => jsonResponse(await request.json()));
      const { origin: url } = served.server;
      const response = await undiciRequest(url, { method: "POST", body: '{"a":[1,2]}' });
      expect(response.headers["content-type"]).toBe("application/json; charset=utf-8");
      expect(await response.body.json()).toEqual({ a: [1, 2] });
    });

    it("answers 400 to invalid JSON", async () => {
      await using served = await testClient(async (request) => jsonResponse(await request.json()));
      const { origin: url } = served.server;
      const response = await undiciRequest(url, { method: "POST", body: "{nope" });
      expect(response.statusCode).toBe(400);
      expect(await response.body.text()).toMatch(/^Invalid JSON body: /);
    });
  });
});
