import type { Handler, Server, ServerOptions } from "@ll/server";
import { Agent, fetch, type RequestInit, type Response } from "undici";
import { ClientWebSocketResponse, type WSConnectOptions } from "./client-websocket-response.js";
import { RawTestServer } from "./raw-test-server.js";

/** What `TestClient#request()` and its shortcuts take: fetch's `RequestInit` without `method`. */
export type TestRequestInit = Omit<RequestInit, "method" | "dispatcher">;

/**
 * An HTTP and WebSocket client for a {@link RawTestServer}: aiohttp's `TestClient`. Requests go
 * through `fetch` (undici's, so the answer is a WHATWG `Response`) over keep-alive connections
 * owned by the client; WebSockets through the `ws` package. {@link close} closes them all, and
 * the server.
 *
 * @example
 * ```ts
 * import { Response } from "@ll/server";
 * import { RawTestServer, TestClient } from "@ll/test-utils";
 *
 * await using client = new TestClient(new RawTestServer(() => new Response({ text: "OK" })));
 * await client.start();
 * const response = await client.get("/");
 * console.log(response.status, await response.text()); // 200 OK
 * ```
 */
export class TestClient {
  /** The server the requests go to. */
  readonly server: RawTestServer;
  readonly #agent = new Agent();
  readonly #websockets = new Set<ClientWebSocketResponse>();
  #closed = false;

  /** @throws {TypeError} when `server` is not a {@link RawTestServer}. */
  constructor(server: RawTestServer) {
    if (!(server instanceof RawTestServer)) {
      throw new TypeError("server must be a RawTestServer");
    }
    this.server = server;
  }

  /** Starts the server unless it was started already. @throws {Error} after {@link close}. */
  async start(): Promise<void> {
    if (this.#closed) throw new Error("TestClient was closed");
    await this.server.start();
  }

  /**
   * The absolute URL of `path` on the server (aiohttp's `make_url`).
   * @throws {TypeError} when `path` does not start with `/`.
   * @throws {Error} before {@link start}.
   */
  makeUrl(path: string): string {
    return this.server.makeUrl(path);
  }

  /**
   * Sends a request and resolves with the response head; read the body from the `Response`.
   * Redirects are followed as fetch does unless `init.redirect` says `"manual"`.
   * @param method the method (`"GET"`, `"POST"`…).
   * @param path `"/path?query"`.
   * @throws {Error} before {@link start} or after {@link close}.
   * @throws {TypeError} when `path` does not start with `/`, or fetch fails (its `cause` says why).
   */
  async request(method: string, path: string, init: TestRequestInit = {}): Promise<Response> {
    const url = this.#url(path);
    return fetch(url, { ...init, method, dispatcher: this.#agent });
  }

  /** A `GET` request: see {@link request}. */
  get(path: string, init?: TestRequestInit): Promise<Response> {
    return this.request("GET", path, init);
  }

  /** A `POST` request: see {@link request}. */
  post(path: string, init?: TestRequestInit): Promise<Response> {
    return this.request("POST", path, init);
  }

  /** A `PUT` request: see {@link request}. */
  put(path: string, init?: TestRequestInit): Promise<Response> {
    return this.request("PUT", path, init);
  }

  /** A `PATCH` request: see {@link request}. */
  patch(path: string, init?: TestRequestInit): Promise<Response> {
    return this.request("PATCH", path, init);
  }

  /** A `DELETE` request: see {@link request}. */
  delete(path: string, init?: TestRequestInit): Promise<Response> {
    return this.request("DELETE", path, init);
  }

  /** A `HEAD` request: see {@link request}. */
  head(path: string, init?: TestRequestInit): Promise<Response> {
    return this.request("HEAD", path, init);
  }

  /** An `OPTIONS` request: see {@link request}. */
  options(path: string, init?: TestRequestInit): Promise<Response> {
    return this.request("OPTIONS", path, init);
  }

  /**
   * Opens a WebSocket to `path` (aiohttp's `ws_connect`) and resolves once the handshake
   * succeeded.
   * @throws {Error} before {@link start} or after {@link close}; `ws`'s error when the server
   *   refuses the handshake (`Unexpected server response: 400`).
   * @throws {TypeError} when `path` does not start with `/`.
   */
  async wsConnect(path: string, options: WSConnectOptions = {}): Promise<ClientWebSocketResponse> {
    const url = `ws${this.#url(path).slice("http".length)}`;
    const websocket = new ClientWebSocketResponse(url, options);
    this.#websockets.add(websocket);
    try {
      await websocket.opened;
    } catch (error) {
      this.#websockets.delete(websocket);
      throw error;
    }
    return websocket;
  }

  #url(path: string): string {
    if (this.#closed) throw new Error("TestClient was closed");
    if (!this.server.started) throw new Error("TestClient is not started: call start()");
    return this.server.makeUrl(path);
  }

  /** Closes the WebSockets it opened, its connections, then the server. Later calls do nothing. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#websockets].map((websocket) => websocket.close()));
    this.#websockets.clear();
    await this.#agent.close();
    await this.server.close();
  }

  /** Calls {@link close}: `await using client = await testClient(handler)`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * A started {@link TestClient} on a new {@link RawTestServer} for `handler` (the pytest
 * fixture `aiohttp_client` in one call).
 *
 * @example
 * ```ts
 * import { Response } from "@ll/server";
 * import { testClient } from "@ll/test-utils";
 *
 * await using client = await testClient(() => new Response({ text: "OK" }));
 * expect(await (await client.get("/")).text()).toBe("OK");
 * ```
 * @throws {TypeError} or {RangeError} as `new Server()` for an invalid handler or options.
 */
export async function testClient(
  handler: Handler | Server,
  serverOptions?: ServerOptions,
): Promise<TestClient> {
  const client = new TestClient(new RawTestServer(handler, serverOptions));
  await client.start();
  return client;
}
