import type { Socket } from "node:net";
import type { BaseRequest } from "./base-request.js";
import { connectionCloseChannel, connectionOpenChannel } from "./diagnostics.js";
import { logError } from "./log.js";
import { RequestHandler } from "./request-handler.js";
import type { ResolvedServerOptions, ServerOptions } from "./server-options.js";
import { resolveServerOptions } from "./server-options.js";
import { ServerShutdownError } from "./server-shutdown-error.js";
import type { StreamResponse } from "./stream-response.js";

/** A request handler: returns (or resolves to) the response, or throws an `HTTPException`. */
export type Handler = (request: BaseRequest) => StreamResponse | Promise<StreamResponse>;

/** @internal */
export interface ServerInternals {
  readonly handler: Handler;
  readonly options: ResolvedServerOptions;
  readonly shuttingDown: boolean;
  /** Per-server state of sibling packages (`BaseRequest[kServerStore]`). */
  readonly store: Map<symbol, unknown>;
  requestStarted(): void;
  connectionLost(connection: RequestHandler): void;
  socketDetached(
    connection: RequestHandler,
    socket: Socket,
    onShutdown: ((socket: Socket) => void) | undefined,
  ): void;
  /** A socket taken over from `connection` closed. */
  detachedSocketClosed(socket: Socket): void;
}

/**
 * The low-level HTTP server, aiohttp's `web.Server`: a protocol factory that serves HTTP/1.1
 * (keep-alive, pipelining, `Expect: 100-continue`) on any socket given to
 * {@link connectionListener}, calling `handler` for each request. It opens no port: pass
 * `connectionListener` to `net.createServer()` (or a `tls.Server`'s `'secureConnection'`), or
 * use `@ll/runner`.
 *
 * @example
 * ```ts
 * import net from "node:net";
 * import { Response, Server } from "@ll/server";
 *
 * const server = new Server(async () => new Response({ text: "Hello, world" }));
 * net.createServer(server.connectionListener).listen(8080);
 * ```
 */
export class Server {
  /** The request handler. */
  readonly handler: Handler;
  /**
   * Serves HTTP on `socket` (aiohttp's `Server.__call__` making a `RequestHandler`). Bound to
   * the server, so it can be passed around as is.
   */
  readonly connectionListener: (socket: Socket) => void;
  readonly #options: ResolvedServerOptions;
  readonly #connections = new Set<RequestHandler>();
  readonly #detached = new Map<Socket, ((socket: Socket) => void) | undefined>();
  readonly #shutdownController = new AbortController();
  readonly #store = new Map<symbol, unknown>();
  #requestCount = 0;
  #shuttingDown = false;
  #onEmpty: (() => void) | undefined = undefined;

  /**
   * @param handler called for each request.
   * @param options see {@link ServerOptions}.
   * @throws {TypeError} when `handler` is not a function, or an option has the wrong type.
   * @throws {RangeError} when a duration or size option is negative or not a number.
   */
  constructor(handler: Handler, options?: ServerOptions) {
    if (typeof handler !== "function") throw new TypeError("handler must be a function");
    this.handler = handler;
    this.#options = resolveServerOptions(options);
    const internals = this.#internals();
    this.connectionListener = (socket: Socket): void => {
      const connection = new RequestHandler(internals, socket);
      this.#connections.add(connection);
      if (connectionOpenChannel.hasSubscribers) connectionOpenChannel.publish({ socket });
      connection.start();
    };
  }

  #internals(): ServerInternals {
    const server = this;
    // The getter lives on a class, not in an object literal: V8 makes a literal with a getter
    // a dictionary-mode object, whose every property read (each connection reads `options` a
    // few times per request) is a lookup its optimizing compiler cannot inline.
    const State = class {
      get shuttingDown(): boolean {
        return server.#shuttingDown;
      }
    };
    return Object.assign(new State(), {
      handler: this.handler,
      options: this.#options,
      store: this.#store,
      requestStarted: () => {
        this.#requestCount++;
      },
      connectionLost: (connection) => {
        this.#connections.delete(connection);
        if (connectionCloseChannel.hasSubscribers) {
          connectionCloseChannel.publish({ socket: connection.socket });
        }
        this.#checkEmpty();
      },
      socketDetached: (connection, socket, onShutdown) => {
        this.#connections.delete(connection);
        // The connection's own 'close' listener calls detachedSocketClosed(): no closure
        // per taken-over socket here.
        this.#detached.set(socket, onShutdown);
        // Shutting down already: the new protocol is told once it is set up on the socket
        // (the caller of detachSocket() builds it right after), not before it exists.
        if (this.#shuttingDown) {
          setImmediate(() => {
            if (this.#detached.has(socket)) this.#callOnShutdown(onShutdown, socket);
          });
        }
      },
      detachedSocketClosed: (socket) => {
        this.#detached.delete(socket);
        if (connectionCloseChannel.hasSubscribers) connectionCloseChannel.publish({ socket });
        this.#checkEmpty();
      },
    } satisfies Omit<ServerInternals, "shuttingDown">);
  }

  /** The options in effect, defaults applied. */
  get options(): ResolvedServerOptions {
    return this.#options;
  }

  /** The live connections (taken-over sockets are no longer in it). */
  get connections(): ReadonlySet<RequestHandler> {
    return this.#connections;
  }

  /** How many requests were handed to the handler since the server was made. */
  get requestCount(): number {
    return this.#requestCount;
  }

  /**
   * Whether a shutdown started ({@link beginShutdown} or {@link shutdown}): a readiness
   * endpoint answers 503 from then on, so load balancers stop sending new requests.
   */
  get shuttingDown(): boolean {
    return this.#shuttingDown;
  }

  /**
   * Aborts when a shutdown starts (its reason an `Error` saying the server is shutting down):
   * long responses such as server-sent event streams listen to it and end.
   */
  get shutdownSignal(): AbortSignal {
    return this.#shutdownController.signal;
  }

  /**
   * Starts a shutdown without closing anything: {@link shuttingDown} turns true,
   * {@link shutdownSignal} aborts, and every response from now on carries `Connection: close`
   * (each connection closes after its next answer), while the server keeps serving. The
   * runner's `shutdownDelay` uses it so that a load balancer sees the instance go unready
   * before it stops listening. Calling it again does nothing; {@link shutdown} calls it.
   */
  beginShutdown(): void {
    if (this.#shuttingDown) return;
    this.#shuttingDown = true;
    this.#shutdownController.abort(new Error("The server is shutting down"));
  }

  /**
   * Shuts down gracefully (aiohttp's `Server.shutdown`): keep-alive stops (in-flight responses
   * go out with `Connection: close`), idle connections are closed gracefully (our side ends
   * once any request already arriving on them is answered), taken-over sockets get their
   * `onShutdown` callback; resolves once every connection is closed, destroying those still
   * open after `timeout` ms (their requests' signals abort with a {@link ServerShutdownError}).
   * Listening sockets are not touched (close them first).
   * @param timeout ms to wait before destroying what is left (default 60000).
   * @throws {RangeError} when `timeout` is negative or not a number.
   */
  async shutdown(timeout = 60_000): Promise<void> {
    if (typeof timeout !== "number" || Number.isNaN(timeout) || timeout < 0) {
      throw new RangeError("timeout must be a non-negative number");
    }
    this.beginShutdown();
    for (const connection of [...this.#connections]) connection.shutdown();
    for (const [socket, onShutdown] of this.#detached) this.#callOnShutdown(onShutdown, socket);
    if (this.#isEmpty()) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(
        () => {
          const reason = new ServerShutdownError(timeout);
          for (const connection of [...this.#connections]) connection.forceClose(reason);
          for (const socket of [...this.#detached.keys()]) socket.destroy();
        },
        Math.min(timeout, 2 ** 31 - 1),
      );
      this.#onEmpty = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  #callOnShutdown(onShutdown: ((socket: Socket) => void) | undefined, socket: Socket): void {
    if (onShutdown === undefined) return;
    try {
      onShutdown(socket);
    } catch (error) {
      logError(this.#options.logger, "Error in an onShutdown callback", error);
    }
  }

  #isEmpty(): boolean {
    return this.#connections.size === 0 && this.#detached.size === 0;
  }

  #checkEmpty(): void {
    if (this.#onEmpty !== undefined && this.#isEmpty()) {
      const onEmpty = this.#onEmpty;
      this.#onEmpty = undefined;
      onEmpty();
    }
  }
}
