import type { Socket } from "node:net";
import { ReadableStream, type ReadableStreamDefaultController } from "node:stream/web";
import { type HeadersInit, HttpResponseParser, type RawResponseMessage } from "@ll/http-protocol";
import { type Handler, Server } from "@ll/server";
import { Headers, Response } from "undici";
import { createSocketPair, type InMemorySocket } from "./in-memory-socket.js";
import { hasHeader, headerPairs, serializeRequestHead } from "./request-head.js";

/** The request {@link inject} sends. */
export interface InjectOptions {
  /** The method (default `"GET"`). */
  method?: string;
  /**
   * `"/path?query"`, or an absolute `http(s)://host/path` URL whose host becomes the `Host`
   * header (the request-target is then its path and query). `Host: localhost` otherwise.
   */
  url: string;
  /** The request headers, as sent (repeated names kept). */
  headers?: HeadersInit;
  /**
   * The body: bytes or a string (sent with `Content-Length`), or an async iterable of chunks
   * (sent chunked, unless the headers give a `Content-Length`). A `Transfer-Encoding: chunked`
   * header makes any body chunked.
   */
  body?: string | Uint8Array | AsyncIterable<string | Uint8Array>;
}

// Methods fetch sends `Content-Length: 0` for when there is no body.
const LENGTH_ZERO_METHODS = new Set(["POST", "PUT", "PATCH"]);
// RFC 9110 §15: statuses whose responses have no content (and a Response needs a null body).
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);
const CRLF = Buffer.from("\r\n");
const LAST_CHUNK = Buffer.from("0\r\n\r\n");

/**
 * Sends one request to a handler (or `Server`) without a port or a listening socket, and
 * resolves with the response as a client would see it: fastify's `inject`, hono's
 * `app.request`. The request bytes go through the server's real connection code (parser,
 * keep-alive and error handling, `Server` options) over an in-memory connection, and the
 * response bytes are parsed back into a WHATWG `Response` with its status, reason
 * (`statusText`), headers (`getSetCookie()` keeps each cookie) and body, as sent (no content
 * coding undone). A request the server rejects resolves with its error status (400, 413…).
 * `request.remote` is `"127.0.0.1"`.
 *
 * @example
 * ```ts
 * import { Response } from "@ll/server";
 * import { inject } from "@ll/test-utils";
 *
 * const response = await inject(() => new Response({ text: "OK" }), { url: "/" });
 * console.log(response.status, await response.text()); // 200 OK
 * ```
 *
 * @throws {TypeError} when `url`, `method`, a header or the body is not something a client
 *   could send (CR or LF in a value, a relative URL not starting with `/`…).
 * @throws {Error} (rejects) when the server closes the connection without answering, or answers
 *   `101 Switching Protocols` (use `TestClient#wsConnect()` for WebSockets).
 */
export async function inject(
  handlerOrServer: Handler | Server,
  options: InjectOptions,
): Promise<Response> {
  const caller = "inject";
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`${caller}: options must be an object with a url`);
  }
  const server =
    handlerOrServer instanceof Server ? handlerOrServer : new Server(handlerOrServer as Handler);
  const method = options.method ?? "GET";
  const { target, host } = splitUrl(options.url, caller);
  const pairs = headerPairs(options.headers, caller);
  if (!hasHeader(pairs, "host")) pairs.unshift(["Host", host]);
  const body = options.body;
  const chunkedHeader = pairs.some(
    ([name, value]) => name.toLowerCase() === "transfer-encoding" && /chunked\s*$/i.test(value),
  );
  let chunks: AsyncIterable<string | Uint8Array> | undefined;
  let whole: Buffer | undefined;
  if (body === undefined) {
    if (LENGTH_ZERO_METHODS.has(method) && !hasHeader(pairs, "content-length") && !chunkedHeader) {
      pairs.push(["Content-Length", "0"]);
    }
  } else if (typeof body === "string" || body instanceof Uint8Array) {
    whole = Buffer.from(body as string);
    if (!hasHeader(pairs, "content-length") && !chunkedHeader) {
      pairs.push(["Content-Length", String(whole.length)]);
    }
  } else if (typeof body === "object" && body !== null && Symbol.asyncIterator in body) {
    chunks = body;
    if (!hasHeader(pairs, "content-length") && !chunkedHeader) {
      pairs.push(["Transfer-Encoding", "chunked"]);
    }
  } else {
    throw new TypeError(`${caller}: body must be a string, a Uint8Array or an async iterable`);
  }
  const chunked = chunks !== undefined ? !hasHeader(pairs, "content-length") : chunkedHeader;
  const head = serializeRequestHead(method, target, "HTTP/1.1", pairs, caller);

  const { client, server: serverSide } = createSocketPair();
  const response = readResponse(client, method);
  // The server's connection code takes a net.Socket; the in-memory end has the members it uses.
  server.connectionListener(serverSide as unknown as Socket);
  writeRequest(client, head, whole, chunks, chunked).catch(() => {
    // The server stopped reading (an early answer such as 413, then close): what it answered
    // is the result, as for a real client.
  });
  return response;
}

function splitUrl(url: string, caller: string): { target: string; host: string } {
  if (typeof url !== "string") throw new TypeError(`${caller}: url must be a string`);
  if (url.startsWith("/") || url === "*") return { target: url, host: "localhost" };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new TypeError(
      `${caller}: url must start with "/" or be an absolute http(s) URL, got ${JSON.stringify(url)}`,
      { cause: error },
    );
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new TypeError(`${caller}: url must be an http or https URL, got ${JSON.stringify(url)}`);
  }
  return { target: parsed.pathname + parsed.search, host: parsed.host };
}

async function writeRequest(
  client: InMemorySocket,
  head: string,
  whole: Buffer | undefined,
  chunks: AsyncIterable<string | Uint8Array> | undefined,
  chunked: boolean,
): Promise<void> {
  const write = (data: Buffer): Promise<void> | undefined => {
    if (client.destroyed) throw new Error("The connection is closed");
    if (client.write(data)) return undefined;
    return new Promise((resolve, reject) => {
      const onDrain = () => {
        client.off("close", onClose);
        resolve();
      };
      const onClose = () => {
        client.off("drain", onDrain);
        reject(new Error("The connection is closed"));
      };
      client.once("drain", onDrain);
      client.once("close", onClose);
    });
  };
  const writeChunk = (chunk: Buffer): Promise<void> | undefined => {
    if (!chunked) return write(chunk);
    if (chunk.length === 0) return undefined; // an empty chunk would end the body
    return write(Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, CRLF]));
  };
  client.cork();
  await write(Buffer.from(head, "latin1"));
  if (whole !== undefined) await writeChunk(whole);
  client.uncork();
  if (chunks !== undefined) {
    for await (const chunk of chunks) await writeChunk(Buffer.from(chunk as string));
  }
  if (chunked) await write(LAST_CHUNK);
}

/** Parses the first final response from `client` and resolves once its head is in. */
function readResponse(client: InMemorySocket, method: string): Promise<Response> {
  return new Promise((resolve, reject) => {
    let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
    let started = false;
    let done = false;
    const fail = (error: Error): void => {
      if (done) return;
      done = true;
      if (controller !== undefined) controller.error(error);
      else reject(error);
      client.destroy();
    };
    const parser = new HttpResponseParser(
      {
        onMessage: (message: RawResponseMessage) => {
          if (message.code >= 100 && message.code < 200 && message.code !== 101) return; // 100, 103
          if (message.code === 101) {
            fail(
              new Error(
                "inject() cannot follow a switch to another protocol (101): use TestClient#wsConnect()",
              ),
            );
            return;
          }
          started = true;
          const headers = new Headers();
          const raw = message.rawHeaders;
          for (let index = 0; index < raw.length; index += 2) {
            headers.append(raw[index]!, raw[index + 1]!);
          }
          const hasBody = method !== "HEAD" && !NULL_BODY_STATUSES.has(message.code);
          let stream: ReadableStream<Uint8Array> | null = null;
          if (hasBody) {
            stream = new ReadableStream<Uint8Array>({
              start: (streamController) => {
                controller = streamController;
              },
              // Flow control: the in-memory connection pauses while the reader is behind.
              pull: () => {
                client.resume();
              },
              cancel: () => {
                done = true;
                client.destroy();
              },
            });
          }
          try {
            resolve(
              new Response(stream as never, {
                status: message.code,
                statusText: message.reason,
                headers,
              }),
            );
          } catch (error) {
            fail(error as Error);
          }
        },
        onBody: (chunk: Buffer) => {
          if (controller === undefined || done) return;
          controller.enqueue(new Uint8Array(chunk));
          if ((controller.desiredSize ?? 1) <= 0) client.pause();
        },
        onMessageComplete: () => {
          if (!started || done) return;
          done = true;
          controller?.close();
          // One request per connection: hang up, as a client that is done does.
          client.destroy();
        },
      },
      { method },
    );
    client.on("data", (data: Buffer) => {
      if (done) return;
      try {
        parser.feedData(data);
      } catch (error) {
        fail(error as Error);
      }
    });
    const onEnd = (): void => {
      if (done) return;
      try {
        // A body delimited by the end of the connection ends here.
        parser.feedEof();
      } catch (error) {
        fail(error as Error);
        return;
      }
      if (!done) {
        fail(
          new Error(
            started
              ? "The server closed the connection before the end of the response body"
              : "The server closed the connection without a response",
          ),
        );
      }
    };
    client.on("end", onEnd);
    client.on("close", onEnd);
    client.on("error", () => {});
  });
}
