import net from "node:net";
import {
  type BaseRequest,
  HTTPNotFound,
  Response,
  Server,
  type ServerOptions,
  StreamResponse,
} from "@ll/server";
import { afterEach, describe, expect, it, vi } from "vitest";
import { inject } from "../src/index.js";

const silentLogger = { info() {}, warn() {}, error() {}, debug() {} };

function quietServer(
  handler: (request: BaseRequest) => Promise<StreamResponse> | StreamResponse,
  options?: ServerOptions,
) {
  return new Server(handler, { logger: silentLogger, ...options });
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("inject", () => {
  it("answers a GET with status, reason, headers and body", async () => {
    const response = await inject(() => new Response({ text: "OK", headers: { "X-A": "1" } }), {
      url: "/",
    });
    expect(response.status).toBe(200);
    expect(response.statusText).toBe("OK");
    expect(response.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(response.headers.get("content-length")).toBe("2");
    expect(response.headers.get("x-a")).toBe("1");
    expect(response.headers.get("server")).toBe("ll-server");
    expect(await response.text()).toBe("OK");
  });

  it("opens no listening socket", async () => {
    const listen = vi.spyOn(net.Server.prototype, "listen");
    const connect = vi.spyOn(net, "connect");
    const response = await inject(() => new Response({ text: "no port" }), { url: "/" });
    expect(await response.text()).toBe("no port");
    expect(listen).not.toHaveBeenCalled();
    expect(connect).not.toHaveBeenCalled();
  });

  it("sends method, target, headers and body as a client does", async () => {
    let seen: Record<string, unknown> = {};
    const handler = async (request: BaseRequest) => {
      seen = {
        method: request.method,
        relUrl: request.relUrl,
        host: request.host,
        remote: request.remote,
        contentLength: request.contentLength,
        tags: request.headers.getAll("x-tag"),
        body: await request.text(),
      };
      return new Response({ status: 201, text: "made" });
    };
    const response = await inject(handler, {
      method: "POST",
      url: "/items?x=1",
      headers: [
        ["X-Tag", "a"],
        ["X-Tag", "b"],
      ],
      body: "héllo",
    });
    expect(response.status).toBe(201);
    expect(response.statusText).toBe("Created");
    expect(seen).toEqual({
      method: "POST",
      relUrl: "/items?x=1",
      host: "localhost",
      remote: "127.0.0.1",
      contentLength: 6,
      tags: ["a", "b"],
      body: "héllo",
    });
  });

  it("takes the Host from an absolute URL", async () => {
    const response = await inject(
      (request) => new Response({ text: `${request.host} ${request.relUrl}` }),
      {
        url: "http://example.com:8080/a/b?c=d",
      },
    );
    expect(await response.text()).toBe("example.com:8080 /a/b?c=d");
  });

  it("sends an async iterable body chunked", async () => {
    async function* parts() {
      yield "one,";
      yield new Uint8Array([116, 119, 111]);
    }
    const response = await inject(
      async (request) =>
        new Response({
          text: `${request.headers.get("transfer-encoding")} ${request.contentLength} ${await request.text()}`,
        }),
      { method: "PUT", url: "/", body: parts() },
    );
    expect(await response.text()).toBe("chunked undefined one,two");
  });

  it("keeps each Set-Cookie header", async () => {
    const response = await inject(
      () => {
        const response = new Response({ text: "" });
        response.setCookie("a", "1");
        response.setCookie("b", "2", { httpOnly: true });
        return response;
      },
      { url: "/" },
    );
    expect(response.headers.getSetCookie()).toEqual(["a=1; Path=/", "b=2; Path=/; HttpOnly"]);
  });

  it("streams a chunked response body", async () => {
    const response = await inject(
      async (request) => {
        const stream = new StreamResponse({ headers: { "Content-Type": "text/plain" } });
        await stream.prepare(request);
        await stream.write("first ");
        await stream.write("second");
        await stream.writeEof();
        return stream;
      },
      { url: "/" },
    );
    expect(response.headers.get("transfer-encoding")).toBe("chunked");
    expect(response.headers.get("content-length")).toBeNull();
    expect(await response.text()).toBe("first second");
  });

  it("turns errors into statuses", async () => {
    const notFound = await inject(
      quietServer(() => {
        throw new HTTPNotFound();
      }),
      { url: "/missing" },
    );
    expect(notFound.status).toBe(404);
    expect(notFound.statusText).toBe("Not Found");
    expect(await notFound.text()).toBe("404: Not Found");

    const crash = await inject(
      quietServer(() => {
        throw new Error("boom");
      }),
      { url: "/" },
    );
    expect(crash.status).toBe(500);
    expect(crash.statusText).toBe("Internal Server Error");
    expect(await crash.text()).toBe("500 Internal Server Error\n\nServer got itself in trouble");

    const tooLarge = await inject(
      quietServer(async (request) => new Response({ text: await request.text() }), {
        clientMaxSize: 4,
      }),
      { method: "POST", url: "/", body: "12345" },
    );
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.statusText).toBe("Content Too Large");
  });

  it("answers a malformed request as the server does", async () => {
    const response = await inject(
      quietServer(() => new Response({ text: "never" })),
      {
        url: "/",
        headers: { "X-Bad": "a\u0000b" },
      },
    );
    expect(response.status).toBe(400);
    expect(response.statusText).toBe("Bad Request");
    expect(response.headers.get("connection")).toBe("close");
  });

  it("returns no body for HEAD and 204", async () => {
    const head = await inject(() => new Response({ text: "body" }), { method: "HEAD", url: "/" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe("4");
    expect(head.body).toBeNull();
    const empty = await inject(() => new Response({ status: 204 }), { url: "/" });
    expect(empty.status).toBe(204);
    expect(empty.body).toBeNull();
  });

  it("skips a 100 Continue", async () => {
    const response = await inject(async (request) => new Response({ text: await request.text() }), {
      method: "POST",
      url: "/",
      headers: { Expect: "100-continue" },
      body: "payload",
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("payload");
  });

  it("serves a Server several times, with its options", async () => {
    const server = quietServer((request) => new Response({ text: request.path }), {
      serverHeader: null,
    });
    const first = await inject(server, { url: "/one" });
    const second = await inject(server, { url: "/two" });
    expect(await first.text()).toBe("/one");
    expect(await second.text()).toBe("/two");
    expect(first.headers.has("server")).toBe(false);
    expect(server.requestCount).toBe(2);
  });

  it("rejects when the server closes without answering", async () => {
    const error = await inject(
      quietServer((request) => {
        request.socket.destroy();
        return new Promise<never>(() => {});
      }),
      { url: "/" },
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe("The server closed the connection without a response");
  });

  it("refuses what a client could not send", async () => {
    const handler = () => new Response({ text: "" });
    await expect(inject(handler, { url: "relative" })).rejects.toThrow(
      new TypeError(
        'inject: url must start with "/" or be an absolute http(s) URL, got "relative"',
      ),
    );
    await expect(inject(handler, { url: "ftp://host/" })).rejects.toThrow(
      new TypeError('inject: url must be an http or https URL, got "ftp://host/"'),
    );
    await expect(inject(handler, { url: "/", headers: { "X-A": "1\r\nX-B: 2" } })).rejects.toThrow(
      new TypeError("inject: the value of header X-A must not contain CR or LF"),
    );
    await expect(inject(handler, { url: "/", method: "GET /x" })).rejects.toThrow(
      new TypeError('inject: method must be a token, got "GET /x"'),
    );
  });
});
