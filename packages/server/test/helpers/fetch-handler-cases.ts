import { deferred, testClient } from "@ll/test-utils";
import { Hono } from "hono";
import { streamText } from "hono/streaming";
import { FormData } from "undici";
import { describe, expect, it } from "vitest";
import { type FetchHandlerOptions, fetchHandler } from "../../src/fetch-handler.js";
import { HTTPNotFound } from "../../src/web-exceptions.js";
import { RawClient, recordingLogger } from "./serve.js";

function helloApp(): Hono {
  const app = new Hono();
  app.get("/", (c) => c.text("Hello"));
  app.get("/users/:id", (c) => c.json({ id: c.req.param("id"), sort: c.req.query("sort") }));
  app.post("/echo", async (c) => c.json({ got: await c.req.json() }, 201));
  app.post("/form", async (c) => {
    const form = await c.req.parseBody();
    return c.text(`${String(form.name)}/${String(form.age)}`);
  });
  app.get("/cookies", (c) => {
    c.header("Set-Cookie", "a=1; Path=/", { append: true });
    c.header("Set-Cookie", "b=2; Path=/", { append: true });
    return c.text("set");
  });
  app.get("/boom", () => {
    throw new Error("boom");
  });
  return app;
}

/**
 * The fetchHandler behaviours, run once per way of building responses: with the global
 * `Response` replaced by the deferring one (the default) and with Node's own.
 */
export function fetchHandlerCases(mode: Pick<FetchHandlerOptions, "overrideGlobalResponse">): void {
  describe(`fetchHandler (overrideGlobalResponse: ${String(mode.overrideGlobalResponse ?? true)})`, () => {
    it("routes with params and query, and sends JSON with Content-Length", async () => {
      await using served = await testClient(fetchHandler(helloApp().fetch, mode));
      const response = await served.get("/users/42?sort=asc");
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("application/json");
      expect(response.headers.get("content-length")).toBe("24");
      expect(await response.json()).toEqual({ id: "42", sort: "asc" });
    });

    it("sends the exact head of a text response", async () => {
      await using served = await testClient(fetchHandler(helloApp().fetch, mode));
      const client = await RawClient.connect(served.server.port);
      client.write("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n");
      expect(await client.untilResponses(1)).toBe(
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Length: 5\r\nDate: <date>\r\nServer: ll-server\r\n\r\nHello",
      );
    });

    it("reads a JSON body and keeps the status", async () => {
      await using served = await testClient(fetchHandler(helloApp().fetch, mode));
      const response = await served.post("/echo", {
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ a: [1, 2] }),
      });
      expect(response.status).toBe(201);
      expect(await response.json()).toEqual({ got: { a: [1, 2] } });
    });

    it("parses form data", async () => {
      await using served = await testClient(fetchHandler(helloApp().fetch, mode));
      const body = new FormData();
      body.set("name", "Ada");
      body.set("age", "36");
      const response = await served.post("/form", { body });
      expect(await response.text()).toBe("Ada/36");
    });

    it("keeps every Set-Cookie", async () => {
      await using served = await testClient(fetchHandler(helloApp().fetch, mode));
      const response = await served.get("/cookies");
      expect(response.headers.getSetCookie()).toEqual(["a=1; Path=/", "b=2; Path=/"]);
    });

    // hono answers HEAD with the GET route's headers and a null body (so no length).
    it("answers HEAD with the headers only", async () => {
      await using served = await testClient(fetchHandler(helloApp().fetch, mode));
      const client = await RawClient.connect(served.server.port);
      client.write("HEAD / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n");
      const text = await client.until((received) => received.endsWith("Hello"));
      expect(text).toBe(
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain;charset=UTF-8\r\nDate: <date>\r\nServer: ll-server\r\n\r\n" +
          "HTTP/1.1 200 OK\r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Length: 5\r\nDate: <date>\r\nServer: ll-server\r\n\r\nHello",
      );
    });

    it("streams a response chunked, with backpressure", async () => {
      const app = new Hono();
      app.get("/stream", (c) =>
        streamText(c, async (stream) => {
          for (let i = 0; i < 3; i++) await stream.write(`line ${i}\n`);
        }),
      );
      await using served = await testClient(fetchHandler(app.fetch, mode));
      const response = await served.get("/stream");
      expect(response.headers.get("transfer-encoding")).toBe("chunked");
      expect(response.headers.get("content-length")).toBeNull();
      expect(await response.text()).toBe("line 0\nline 1\nline 2\n");
    });

    it("answers a thrown error with 500 (hono's own error handler)", async () => {
      await using served = await testClient(fetchHandler(helloApp().fetch, mode));
      const response = await served.get("/boom");
      expect(response.status).toBe(500);
      expect(await response.text()).toBe("Internal Server Error");
    });

    it("passes an error the app throws to the server: 500, logged", async () => {
      const logger = recordingLogger();
      await using served = await testClient(
        fetchHandler(() => {
          throw new Error("app failed");
        }, mode),
        { logger },
      );
      const response = await served.get("/");
      expect(response.status).toBe(500);
      expect(await response.text()).toBe(
        "500 Internal Server Error\n\nServer got itself in trouble",
      );
      expect(logger.lines[0]![1]).toEqual(new Error("app failed"));
    });

    it("passes an HTTPException on: its response is sent", async () => {
      await using served = await testClient(
        fetchHandler(async () => {
          throw new HTTPNotFound();
        }, mode),
      );
      const response = await served.get("/");
      expect(response.status).toBe(404);
      expect(await response.text()).toBe("404: Not Found");
    });

    it("turns errors into responses with onError", async () => {
      const seen: unknown[] = [];
      await using served = await testClient(
        fetchHandler(
          async () => {
            throw new Error("nope");
          },
          {
            ...mode,
            onError(error, request) {
              seen.push((error as Error).message, new URL(request.url).pathname);
              return new globalThis.Response("handled", { status: 503, statusText: "Later" });
            },
          },
        ),
      );
      const response = await served.get("/x");
      expect(response.status).toBe(503);
      expect(response.statusText).toBe("Later");
      expect(await response.text()).toBe("handled");
      expect(seen).toEqual(["nope", "/x"]);
    });

    it("cancels the response stream and aborts the signal when the client goes away", async () => {
      const cancelled = deferred<unknown>();
      const aborted = deferred();
      await using served = await testClient(
        fetchHandler((request) => {
          request.signal.addEventListener("abort", () => aborted.resolve());
          const body = new ReadableStream<Uint8Array>({
            start(controller) {
              controller.enqueue(new TextEncoder().encode("first\n"));
            },
            cancel(reason) {
              cancelled.resolve(reason);
            },
          });
          return new globalThis.Response(body);
        }, mode),
      );
      const client = await RawClient.connect(served.server.port);
      client.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
      await client.until((text) => text.includes("first\n"));
      client.socket.destroy();
      await aborted.promise;
      expect(await cancelled.promise).toBeInstanceOf(Error);
    });

    it("does not read a body the app never reads: it answers before the upload ends", async () => {
      await using served = await testClient(
        fetchHandler(() => new globalThis.Response("early"), mode),
      );
      const client = await RawClient.connect(served.server.port);
      client.write("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\npartial");
      const text = await client.until((received) => received.endsWith("early"));
      expect(text).toContain("HTTP/1.1 200 OK\r\n");
    });

    it("acts as Node's Request once its body was read, and a GET's reads as empty", async () => {
      let seen: unknown;
      await using served = await testClient(
        fetchHandler(async (request) => {
          const outcome: unknown[] = [await request.text(), request.bodyUsed];
          try {
            request.clone();
          } catch (error) {
            outcome.push(String(error));
          }
          try {
            await request.text();
          } catch (error) {
            outcome.push(String(error));
          }
          seen = outcome;
          return new globalThis.Response("ok");
        }, mode),
      );
      await (await served.post("/", { body: "hello" })).text();
      expect(seen).toEqual([
        "hello",
        true,
        "TypeError: unusable",
        "TypeError: Body is unusable: Body has already been read",
      ]);
      let get: unknown;
      await using getServed = await testClient(
        fetchHandler(async (request) => {
          get = [await request.text(), await request.text(), request.bodyUsed];
          return new globalThis.Response("ok");
        }, mode),
      );
      await (await getServed.get("/")).text();
      expect(get).toEqual(["", "", false]);
    });

    it("gives the app a Request: method, absolute URL, repeated headers, streamed body", async () => {
      let seen: unknown;
      await using served = await testClient(
        fetchHandler(async (request, context) => {
          seen = {
            isRequest: request instanceof globalThis.Request,
            method: request.method,
            url: request.url,
            accept: request.headers.get("x-multi"),
            body: await new globalThis.Response(request.body).text(),
            same: context.request.method,
          };
          return new globalThis.Response(null, { status: 204 });
        }, mode),
      );
      const client = await RawClient.connect(served.server.port);
      client.write(
        "PUT /a/b?c=d HTTP/1.1\r\nHost: example.com:8080\r\nX-Multi: 1\r\nX-Multi: 2\r\nContent-Length: 5\r\n\r\nhello",
      );
      await client.until((text) => text.includes("\r\n\r\n"));
      expect(seen).toEqual({
        isRequest: true,
        method: "PUT",
        url: "http://example.com:8080/a/b?c=d",
        accept: "1, 2",
        body: "hello",
        same: "PUT",
      });
    });
  });
}
