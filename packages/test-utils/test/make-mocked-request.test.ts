import { ConnectionResetError, HttpVersion10 } from "@ll/http-protocol";
import {
  BaseRequest,
  HTTPRequestEntityTooLarge,
  jsonResponse,
  Response,
  StreamResponse,
} from "@ll/server";
import { describe, expect, it } from "vitest";
import { MockedRequest, makeMockedRequest } from "../src/index.js";

describe("makeMockedRequest", () => {
  it("builds a BaseRequest from the method, target and headers", () => {
    const request = makeMockedRequest("GET", "/items/a%20b?page=2&tag=x&tag=y", {
      headers: [
        ["X-Trace", "1"],
        ["X-Trace", "2"],
        ["Cookie", "session=abc"],
      ],
    });
    expect(request).toBeInstanceOf(BaseRequest);
    expect(request).toBeInstanceOf(MockedRequest);
    expect(request.method).toBe("GET");
    expect(request.path).toBe("/items/a b");
    expect(request.rawPath).toBe("/items/a%20b?page=2&tag=x&tag=y");
    expect(request.query.getAll("tag")).toEqual(["x", "y"]);
    expect(request.headers.getAll("x-trace")).toEqual(["1", "2"]);
    expect(request.cookies.get("session")).toBe("abc");
    expect(request.host).toBe("localhost");
    expect(request.url.href).toBe("http://localhost/items/a%20b?page=2&tag=x&tag=y");
    expect(request.version.toString()).toBe("HTTP/1.1");
    expect(request.keepAlive).toBe(true);
    expect(request.remote).toBe("127.0.0.1");
    expect(request.scheme).toBe("http");
    expect(request.secure).toBe(false);
    expect(request.bodyExists).toBe(false);
  });

  it("keeps a Host header given, and takes version, remote and secure", () => {
    const request = makeMockedRequest("GET", "/", {
      headers: { Host: "example.com:8443" },
      remote: "203.0.113.7",
      secure: true,
    });
    expect(request.host).toBe("example.com:8443");
    expect(request.remote).toBe("203.0.113.7");
    expect(request.scheme).toBe("https");
    expect(request.url.href).toBe("https://example.com:8443/");
    const old = makeMockedRequest("GET", "/", { version: HttpVersion10 });
    expect(old.version.toString()).toBe("HTTP/1.0");
    expect(old.headers.has("host")).toBe(false);
    expect(old.keepAlive).toBe(false);
  });

  it("serves the body to read(), text(), json() and content", async () => {
    const body = JSON.stringify({ name: "pen", price: 2 });
    const request = makeMockedRequest("POST", "/items", {
      headers: { "Content-Type": "application/json; charset=utf-8" },
      body,
    });
    expect(request.contentLength).toBe(body.length);
    expect(request.contentType).toBe("application/json");
    expect(request.bodyExists).toBe(true);
    expect(await request.json()).toEqual({ name: "pen", price: 2 });
    expect(await request.text()).toBe(body);
    expect((await request.read()).toString()).toBe(body);

    const streamed = makeMockedRequest("PUT", "/blob", { body: new Uint8Array([1, 2, 3]) });
    const chunks: Buffer[] = [];
    for await (const chunk of streamed.content) chunks.push(chunk);
    expect(Buffer.concat(chunks)).toEqual(Buffer.from([1, 2, 3]));
  });

  it("parses a urlencoded form with post()", async () => {
    const request = makeMockedRequest("POST", "/login", {
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "user=ada&remember=on&remember=yes",
    });
    const form = await request.post();
    expect(form.get("user")).toBe("ada");
    expect(form.getAll("remember")).toEqual(["on", "yes"]);
  });

  it("applies clientMaxSize to read()", async () => {
    const request = makeMockedRequest("POST", "/", { body: "12345", clientMaxSize: 4 });
    const error = await request.read().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HTTPRequestEntityTooLarge);
    expect((error as HTTPRequestEntityTooLarge).status).toBe(413);
    expect((error as Error).message).toBe(
      "Maximum request body size 4 exceeded, actual body size 5",
    );
  });

  it("has a live signal that abort() aborts", () => {
    const request = makeMockedRequest("GET", "/events");
    const signal = request.signal;
    expect(signal.aborted).toBe(false);
    request.abort();
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBeInstanceOf(ConnectionResetError);
    expect((signal.reason as Error).message).toBe(
      "Connection lost: the client closed the connection",
    );
    const custom = makeMockedRequest("GET", "/");
    const reason = new Error("gone");
    custom.abort(reason);
    expect(custom.signal.reason).toBe(reason);
  });

  it("lets a response be prepared and records what it wrote in output", async () => {
    const request = makeMockedRequest("GET", "/");
    const response = new Response({ text: "hello" });
    await response.prepare(request);
    await response.writeEof();
    const text = request.output.toString("latin1").replace(/Date: [^\r]*/, "Date: <date>");
    expect(text).toBe(
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 5\r\n" +
        "Date: <date>\r\nServer: ll-server\r\n\r\nhello",
    );

    const streamed = makeMockedRequest("GET", "/stream");
    const stream = new StreamResponse();
    await stream.prepare(streamed);
    await stream.write("ab");
    await stream.writeEof();
    expect(streamed.output.toString("latin1")).toMatch(/\r\n\r\n2\r\nab\r\n0\r\n\r\n$/);
  });

  it("calls a handler like the server does", async () => {
    const handler = async (request: BaseRequest) =>
      jsonResponse({ path: request.path, who: request.query.get("who") });
    const response = await handler(makeMockedRequest("GET", "/hi?who=ada"));
    expect(response.status).toBe(200);
    expect(response.text).toBe('{"path":"/hi","who":"ada"}');
  });

  it("refuses a request a client could not send", () => {
    expect(() => makeMockedRequest("GET", "/", { headers: { "X-A": "1\r\nX-B: 2" } })).toThrow(
      new TypeError("makeMockedRequest: the value of header X-A must not contain CR or LF"),
    );
    expect(() => makeMockedRequest("GET", "/a b")).toThrow(
      new TypeError(
        'makeMockedRequest: the request target must be non-empty, without spaces, CR or LF, got "/a b"',
      ),
    );
    expect(() => makeMockedRequest("G(T", "/")).toThrow(TypeError);
    expect(() => makeMockedRequest("GET", "/", { clientMaxSize: -1 })).toThrow(RangeError);
    expect(() => makeMockedRequest("GET", "/", { body: 42 as never })).toThrow(
      new TypeError("makeMockedRequest: body must be a string or a Uint8Array"),
    );
  });
});
