import { testClient } from "@ll/test-utils";
import { describe, expect, it } from "vitest";
import type { BaseRequest } from "../src/base-request.js";
import { jsonResponse } from "../src/json-response.js";
import { Response } from "../src/response.js";
import { StreamResponse } from "../src/stream-response.js";
import { RawClient } from "./helpers/serve.js";

async function exchange(
  handler: (request: BaseRequest) => Promise<StreamResponse> | StreamResponse,
  request: string,
): Promise<string> {
  await using served = await testClient(handler);
  const { port } = served.server;
  const client = await RawClient.connect(port);
  client.write(request);
  return await client.untilClosed();
}

const GET_CLOSE = "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";

describe("StreamResponse", () => {
  describe("#prepare", () => {
    it("streams a chunked body in HTTP/1.1 when no length is set", async () => {
      const text = await exchange(async (request) => {
        const response = new StreamResponse({
          headers: { "Content-Type": "text/plain", "X-A": "1" },
        });
        await response.prepare(request);
        await response.write("hello ");
        await response.write(Buffer.from("world"));
        await response.writeEof();
        return response;
      }, GET_CLOSE);
      expect(text).toBe(
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-A: 1\r\nTransfer-Encoding: chunked\r\nDate: <date>\r\nServer: ll-server\r\nConnection: close\r\n\r\n6\r\nhello \r\n5\r\nworld\r\n0\r\n\r\n",
      );
    });

    it("ends an HTTP/1.0 body without length by closing", async () => {
      const text = await exchange(async (request) => {
        const response = new StreamResponse();
        await response.prepare(request);
        await response.write("abc");
        await response.writeEof();
        return response;
      }, "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
      expect(text).toBe(
        "HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\nDate: <date>\r\nServer: ll-server\r\n\r\nabc",
      );
    });

    it("sends Content-Length when set, without chunking", async () => {
      const text = await exchange(async (request) => {
        const response = new StreamResponse({ status: 201 });
        response.contentLength = 3;
        response.contentType = "text/csv";
        await response.prepare(request);
        await response.write("a,b");
        await response.writeEof();
        return response;
      }, GET_CLOSE);
      expect(text).toBe(
        "HTTP/1.1 201 Created\r\nContent-Type: text/csv\r\nContent-Length: 3\r\nDate: <date>\r\nServer: ll-server\r\nConnection: close\r\n\r\na,b",
      );
    });

    it("sends neither body nor length for 204 and 304", async () => {
      const text = await exchange(() => new Response({ status: 204, text: "ignored" }), GET_CLOSE);
      expect(text).toBe(
        "HTTP/1.1 204 No Content\r\nContent-Type: text/plain; charset=utf-8\r\nDate: <date>\r\nServer: ll-server\r\nConnection: close\r\n\r\n",
      );
    });

    it("uses a custom reason and omits Server when serverHeader is null", async () => {
      await using served = await testClient(() => new Response({ status: 299, reason: "Fine" }), {
        serverHeader: null,
      });
      const { port } = served.server;
      const client = await RawClient.connect(port);
      client.write(GET_CLOSE);
      expect(await client.untilClosed()).toBe(
        "HTTP/1.1 299 Fine\r\nContent-Length: 0\r\nDate: <date>\r\nConnection: close\r\n\r\n",
      );
    });

    it("answers 500 instead of sending an invalid header", async () => {
      const text = await exchange(
        () => new Response({ headers: { "X-Bad": "a\r\nInjected: 1" } }),
        GET_CLOSE,
      );
      expect(text.startsWith("HTTP/1.1 500 Internal Server Error\r\n")).toBe(true);
      expect(text).not.toContain("Injected");
    });

    it("throws when prepared again for another request", async () => {
      const response = new StreamResponse();
      let error: unknown;
      await using served = await testClient(async (request) => {
        if (response.prepared) {
          error = await response.prepare(request).catch((caught: unknown) => caught);
          return new Response({ text: "second" });
        }
        await response.prepare(request);
        await response.writeEof("first");
        return response;
      });
      const { port } = served.server;
      const client = await RawClient.connect(port);
      client.write("GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n");
      await client.untilResponses(2);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toBe(
        "Response has already been prepared for another request",
      );
    });
  });

  describe("#write", () => {
    it("throws before prepare()", async () => {
      await expect(new StreamResponse().write("x")).rejects.toThrow(
        new Error("Cannot call write() before prepare()"),
      );
    });

    it("throws a TypeError for data that is not bytes or a string", async () => {
      await expect(new StreamResponse().write(42 as unknown as string)).rejects.toThrow(
        new TypeError("data must be a Buffer, Uint8Array or string"),
      );
    });

    it("keeps memory flat for a 100 MB body sent to a slow reader", async () => {
      const total = 100 * 1024 * 1024;
      const chunk = Buffer.alloc(64 * 1024, 120);
      let maxQueued = 0;
      await using served = await testClient(async (request) => {
        const response = new StreamResponse();
        response.contentLength = total;
        await response.prepare(request);
        for (let sent = 0; sent < total; sent += chunk.length) {
          await response.write(chunk);
          maxQueued = Math.max(maxQueued, request.socket.writableLength);
        }
        await response.writeEof();
        return response;
      });
      const { port } = served.server;
      const client = await RawClient.connect(port);
      let received = 0;
      client.socket.removeAllListeners("data");
      client.socket.on("data", (data: Buffer) => {
        received += data.length;
        // A slow reader: stop now and then.
        if (received % (8 * 1024 * 1024) < data.length) {
          client.socket.pause();
          setTimeout(() => client.socket.resume(), 20);
        }
      });
      client.write(GET_CLOSE);
      await new Promise((resolve) => client.socket.on("close", resolve));
      expect(received).toBeGreaterThan(total);
      // Bounded by the socket's high-water mark plus one chunk, not by the body size.
      expect(maxQueued).toBeLessThanOrEqual(16 * 1024 + chunk.length);
    });
  });

  describe("setters", () => {
    it("keeps the charset when the content type changes", () => {
      const response = new Response({ text: "x" });
      response.contentType = "text/html";
      expect(response.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
      expect(response.charset).toBe("utf-8");
    });

    it("refuses a charset without a content type", () => {
      expect(() => {
        new StreamResponse().charset = "utf-8";
      }).toThrow(
        new Error(
          "Setting charset for application/octet-stream doesn't make sense, set contentType first",
        ),
      );
    });

    it("refuses chunked encoding with a content length", () => {
      const response = new StreamResponse();
      response.contentLength = 1;
      expect(() => response.enableChunkedEncoding()).toThrow(
        new Error("You can't enable chunked encoding when a content length is set"),
      );
    });

    it("validates status and reason", () => {
      expect(() => new StreamResponse({ status: 99 })).toThrow(
        new RangeError("status must be an integer from 100 to 999, not 99"),
      );
      expect(() => new StreamResponse({ reason: "a\nb" })).toThrow(TypeError);
    });
  });
});

describe("Response", () => {
  it("refuses body and text together", () => {
    expect(() => new Response({ body: "a", text: "b" })).toThrow(
      new TypeError("body and text are not allowed together"),
    );
  });

  it("refuses contentType with a Content-Type header", () => {
    expect(
      () =>
        new Response({ text: "a", contentType: "text/html", headers: { "content-type": "x/y" } }),
    ).toThrow(TypeError);
  });

  it("encodes text in the given charset", () => {
    const response = new Response({ text: "é", charset: "iso-8859-1" });
    expect(response.body).toEqual(Buffer.from([0xe9]));
    expect(response.text).toBe("é");
    expect(response.headers.get("content-type")).toBe("text/plain; charset=iso-8859-1");
  });

  it("sends a Uint8Array body as application/octet-stream", async () => {
    const text = await exchange(() => new Response({ body: new Uint8Array([65, 66]) }), GET_CLOSE);
    expect(text).toBe(
      "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 2\r\nDate: <date>\r\nServer: ll-server\r\nConnection: close\r\n\r\nAB",
    );
  });
});

describe("jsonResponse", () => {
  it("serializes data as application/json", async () => {
    const text = await exchange(() => jsonResponse({ a: [1, "é"] }, { status: 201 }), GET_CLOSE);
    expect(text).toBe(
      'HTTP/1.1 201 Created\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: 14\r\nDate: <date>\r\nServer: ll-server\r\nConnection: close\r\n\r\n{"a":[1,"Ã©"]}',
    );
  });

  it("throws for data JSON cannot represent", () => {
    expect(() => jsonResponse(undefined)).toThrow(
      new TypeError("data is not serializable as JSON"),
    );
  });
});

describe("StreamResponse after prepare()", () => {
  // Each misuse node:http refuses with ERR_HTTP_HEADERS_SENT throws here too, before anything
  // reaches the socket, and the response already sent is left intact.
  const misuses: [string, (response: StreamResponse) => void, string][] = [
    [
      "headers.set",
      (r) => r.headers.set("X-Late", "1"),
      "Cannot change the headers after prepare()",
    ],
    [
      "headers.add",
      (r) => r.headers.add("X-Late", "1"),
      "Cannot change the headers after prepare()",
    ],
    ["headers.delete", (r) => r.headers.delete("X-A"), "Cannot change the headers after prepare()"],
    [
      "headers.setDefault",
      (r) => r.headers.setDefault("X-Late", "1"),
      "Cannot change the headers after prepare()",
    ],
    ["headers.clear", (r) => r.headers.clear(), "Cannot change the headers after prepare()"],
    [
      "headers.extend",
      (r) => r.headers.extend({ "X-Late": "1" }),
      "Cannot change the headers after prepare()",
    ],
    [
      "headers.update",
      (r) => r.headers.update({ "X-A": "2" }),
      "Cannot change the headers after prepare()",
    ],
    ["setCookie", (r) => r.setCookie("a", "1"), "Cannot change the cookies after prepare()"],
    ["delCookie", (r) => r.delCookie("a"), "Cannot change the cookies after prepare()"],
    [
      "contentType",
      (r) => {
        r.contentType = "text/html";
      },
      "Cannot change contentType after prepare()",
    ],
    [
      "charset",
      (r) => {
        r.charset = "latin1";
      },
      "Cannot change charset after prepare()",
    ],
    [
      "contentLength",
      (r) => {
        r.contentLength = 3;
      },
      "Cannot change contentLength after prepare()",
    ],
    [
      "lastModified",
      (r) => {
        r.lastModified = new Date(0);
      },
      "Cannot change lastModified after prepare()",
    ],
    [
      "etag",
      (r) => {
        r.etag = "abc";
      },
      "Cannot change etag after prepare()",
    ],
    [
      "enableCompression",
      (r) => r.enableCompression(),
      "Cannot enable compression after prepare()",
    ],
    [
      "enableChunkedEncoding",
      (r) => r.enableChunkedEncoding(),
      "Cannot enable chunked encoding after prepare()",
    ],
    [
      "setStatus",
      (r) => r.setStatus(404),
      "Cannot change the response status code after the headers have been sent",
    ],
  ];

  it.each(misuses)("%s throws an Error and changes nothing", async (_name, misuse, message) => {
    let thrown: unknown;
    const text = await exchange(async (request) => {
      const response = new StreamResponse({
        headers: { "Content-Type": "text/plain; charset=utf-8", "X-A": "1" },
      });
      await response.prepare(request);
      try {
        misuse(response);
      } catch (error) {
        thrown = error;
      }
      await response.writeEof("ok");
      return response;
    }, GET_CLOSE);
    expect(thrown).toBeInstanceOf(Error);
    expect(thrown).toEqual(new Error(message));
    expect(text).toBe(
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nX-A: 1\r\nTransfer-Encoding: chunked\r\nDate: <date>\r\nServer: ll-server\r\nConnection: close\r\n\r\n2\r\nok\r\n0\r\n\r\n",
    );
  });

  it("locks a headers object taken before prepare()", async () => {
    let thrown: unknown;
    let seen: [string, string][] = [];
    await exchange(async (request) => {
      const response = new Response({ text: "ok" });
      const headers = response.headers;
      await response.prepare(request);
      seen = [...headers];
      try {
        headers.set("X-Late", "1");
      } catch (error) {
        thrown = error;
      }
      await response.writeEof();
      return response;
    }, GET_CLOSE);
    expect(thrown).toEqual(new Error("Cannot change the headers after prepare()"));
    // Still readable: the head as sent.
    expect(seen.map(([name]) => name)).toEqual([
      "Content-Type",
      "Content-Length",
      "Date",
      "Server",
      "Connection",
    ]);
  });

  it("locks the headers of a response whose head was built without them", async () => {
    let thrown: unknown;
    let contentType: string | undefined;
    await exchange(async (request) => {
      const response = new Response({ text: "ok" });
      await response.prepare(request);
      contentType = response.headers.get("Content-Type");
      try {
        response.headers.set("X-Late", "1");
      } catch (error) {
        thrown = error;
      }
      await response.writeEof();
      return response;
    }, GET_CLOSE);
    expect(contentType).toBe("text/plain; charset=utf-8");
    expect(thrown).toEqual(new Error("Cannot change the headers after prepare()"));
  });

  it("keeps the headers mutable when prepare() failed on an invalid header", async () => {
    let thrown: unknown;
    const text = await exchange(async (request) => {
      const response = new Response({ text: "ok", headers: { "Bad Name": "1" } });
      try {
        await response.prepare(request);
      } catch (error) {
        thrown = error;
      }
      response.headers.delete("Bad Name");
      response.headers.set("X-Fixed", "1");
      await response.prepare(request);
      await response.writeEof();
      return response;
    }, GET_CLOSE);
    expect(thrown).toBeInstanceOf(TypeError);
    expect(text).toContain("\r\nX-Fixed: 1\r\n");
  });
});
