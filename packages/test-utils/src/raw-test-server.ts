import { once } from "node:events";
import { type AddressInfo, createServer, type Server as NetServer, type Socket } from "node:net";
import { ServerRunner, SockSite } from "@ll/runner";
import { type Handler, Server, type ServerOptions } from "@ll/server";

/** How long `close()` lets in-flight requests finish before it destroys their connections. */
const SHUTDOWN_TIMEOUT = 1000;

/**
 * A `Server` listening on 127.0.0.1 on a free port, for integration tests: aiohttp's
 * `RawTestServer`. It never keeps the process alive by itself (its listening socket and the
 * connections it accepts are unref'd), so a test that forgets {@link close} still exits.
 *
 * @example
 * ```ts
 * import { Response } from "@ll/server";
 * import { RawTestServer } from "@ll/test-utils";
 *
 * await using server = new RawTestServer(() => new Response({ text: "OK" }));
 * await server.start();
 * const response = await fetch(server.makeUrl("/"));
 * ```
 */
export class RawTestServer {
  /** The server the requests go to. */
  readonly server: Server;
  #runner: ServerRunner | undefined = undefined;
  #listener: NetServer | undefined = undefined;
  #port: number | undefined = undefined;
  #starting: Promise<void> | undefined = undefined;
  #closed = false;

  /**
   * @param handler the request handler, or a `Server` (then `serverOptions` must be omitted).
   * @param serverOptions options of the `Server` made for `handler`.
   * @throws {TypeError} when `handler` is neither a function nor a `Server`, or when both a
   *   `Server` and `serverOptions` are given; as `new Server()` for invalid options.
   */
  constructor(handler: Handler | Server, serverOptions?: ServerOptions) {
    if (handler instanceof Server) {
      if (serverOptions !== undefined) {
        throw new TypeError(
          "serverOptions cannot be given with a Server: pass them to new Server()",
        );
      }
      this.server = handler;
    } else {
      this.server = new Server(handler, serverOptions);
    }
  }

  /** Whether {@link start} has completed and {@link close} was not called. */
  get started(): boolean {
    return this.#port !== undefined && !this.#closed;
  }

  /**
   * The port it listens on.
   * @throws {Error} before {@link start}.
   */
  get port(): number {
    if (this.#port === undefined) throw new Error("RawTestServer is not started: call start()");
    return this.#port;
  }

  /** The origin, `http://127.0.0.1:<port>`. @throws {Error} before {@link start}. */
  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /**
   * Starts listening on 127.0.0.1, port 0 (a free one); later calls wait for the first.
   * @throws {Error} after {@link close}.
   */
  start(): Promise<void> {
    if (this.#closed) return Promise.reject(new Error("RawTestServer was closed"));
    this.#starting ??= this.#start();
    return this.#starting;
  }

  async #start(): Promise<void> {
    const listener = createServer();
    // Accepted connections must not hold the process open either (the client side holds it
    // while a request is in flight).
    listener.on("connection", (socket: Socket) => socket.unref());
    listener.listen(0, "127.0.0.1");
    await once(listener, "listening");
    listener.unref();
    this.#listener = listener;
    const runner = new ServerRunner(this.server, { shutdownTimeout: SHUTDOWN_TIMEOUT });
    await runner.setup();
    await new SockSite(runner, listener).start();
    this.#runner = runner;
    this.#port = (listener.address() as AddressInfo).port;
  }

  /**
   * The absolute URL of `path` on this server (aiohttp's `make_url`).
   * @param path `"/path?query"`; must start with `/`.
   * @throws {TypeError} when `path` does not start with `/`.
   * @throws {Error} before {@link start}.
   */
  makeUrl(path: string): string {
    if (typeof path !== "string" || !path.startsWith("/")) {
      throw new TypeError(`path must start with "/", got ${JSON.stringify(path)}`);
    }
    return this.origin + path;
  }

  /**
   * Stops listening and shuts the server down gracefully: in-flight requests get a second to
   * finish. Later calls do nothing.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#starting?.catch(() => {});
    await this.#runner?.cleanup();
    const listener = this.#listener;
    if (listener?.listening) await new Promise<void>((resolve) => listener.close(() => resolve()));
  }

  /** Calls {@link close}: `await using server = new RawTestServer(handler)`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
