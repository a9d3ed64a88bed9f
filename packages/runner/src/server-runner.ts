import type { AddressInfo } from "node:net";
import { checkOptionKeys, type OptionKeys } from "@ll/http-protocol";
import type { Server } from "@ll/server";
import type { BaseSite } from "./base-site.js";

/** Options of {@link ServerRunner} (aiohttp's `BaseRunner` keyword arguments). */
export interface ServerRunnerOptions {
  /** Shut down gracefully on SIGINT and SIGTERM (default false; `runServer()` turns it on). */
  handleSignals?: boolean;
  /** How long `cleanup()` lets in-flight requests finish before aborting them, in ms (default 60000). */
  shutdownTimeout?: number;
  /**
   * How long the sites keep accepting and serving once `cleanup()` starts, in ms (default 0):
   * `server.shuttingDown` turns true at once (a readiness endpoint answers 503, so a load
   * balancer or Kubernetes takes the instance out of rotation) and every response carries
   * `Connection: close`; then listening stops and the graceful shutdown runs.
   */
  shutdownDelay?: number;
}

// Every option, once: adding one to ServerRunnerOptions without listing it fails to compile.
const SERVER_RUNNER_OPTIONS: OptionKeys<ServerRunnerOptions> = {
  handleSignals: true,
  shutdownTimeout: true,
  shutdownDelay: true,
};

/** @internal Lets sites register with their runner without a public method. */
export const kSites: unique symbol = Symbol("sites");

const SIGNALS = ["SIGINT", "SIGTERM"] as const;

/**
 * @throws {RangeError} unless `delay` is undefined or a non-negative number.
 * @internal
 */
export function checkShutdownDelay(delay: unknown): asserts delay is number | undefined {
  if (delay !== undefined && (typeof delay !== "number" || !(delay >= 0))) {
    throw new RangeError("shutdownDelay must be a non-negative number");
  }
}

/**
 * Runs a {@link Server} on one or more sites (aiohttp's `ServerRunner`): `setup()`, start sites,
 * then `cleanup()` for a graceful shutdown.
 *
 * @example
 * import { Server, Response } from "@ll/server";
 * import { ServerRunner, TCPSite } from "@ll/runner";
 *
 * const runner = new ServerRunner(new Server(() => new Response({ text: "OK" })));
 * await runner.setup();
 * await new TCPSite(runner, "127.0.0.1", 8080).start();
 */
export class ServerRunner {
  readonly #server: Server;
  readonly #handleSignals: boolean;
  readonly #shutdownTimeout: number;
  readonly #shutdownDelay: number;
  readonly #sites = new Set<BaseSite>();
  #setUp = false;
  #cleaning: Promise<void> | undefined;
  readonly #onSignal = (): void => {
    void this.cleanup();
  };

  /**
   * @throws {TypeError} for a `handleSignals` that is not a boolean, or a key of `options` it
   *   does not know (the message names the closest valid one).
   * @throws {RangeError} for a negative `shutdownTimeout` or `shutdownDelay`.
   */
  constructor(server: Server, options: ServerRunnerOptions = {}) {
    checkOptionKeys(options, SERVER_RUNNER_OPTIONS, "ServerRunner");
    const { handleSignals = false, shutdownTimeout = 60_000, shutdownDelay = 0 } = options;
    if (typeof handleSignals !== "boolean") throw new TypeError("handleSignals must be a boolean");
    if (typeof shutdownTimeout !== "number" || !(shutdownTimeout >= 0)) {
      throw new RangeError("shutdownTimeout must be a non-negative number");
    }
    checkShutdownDelay(shutdownDelay);
    this.#server = server;
    this.#handleSignals = handleSignals;
    this.#shutdownTimeout = shutdownTimeout;
    // setTimeout's delay is a signed 32-bit int: larger values would fire at once.
    this.#shutdownDelay = Math.min(shutdownDelay, 2 ** 31 - 1);
  }

  /** The server this runner runs. */
  get server(): Server {
    return this.#server;
  }

  /** How long `cleanup()` waits for in-flight requests, in ms. */
  get shutdownTimeout(): number {
    return this.#shutdownTimeout;
  }

  /** How long `cleanup()` keeps serving before it stops listening, in ms. */
  get shutdownDelay(): number {
    return this.#shutdownDelay;
  }

  /** The started sites. */
  get sites(): readonly BaseSite[] {
    return [...this.#sites];
  }

  /** Where the sites listen: `AddressInfo` for TCP, the path for Unix sockets. */
  get addresses(): (AddressInfo | string)[] {
    return this.sites.flatMap((site) => site.addresses);
  }

  /**
   * Prepares the runner; sites can start after it.
   * @throws {Error} when called twice.
   */
  async setup(): Promise<void> {
    if (this.#setUp) throw new Error("ServerRunner.setup() was already called");
    this.#setUp = true;
    this.#cleaning = undefined;
    if (this.#handleSignals) for (const signal of SIGNALS) process.on(signal, this.#onSignal);
  }

  /**
   * Graceful shutdown, in aiohttp's order, after `shutdownDelay` ms of serving with
   * `server.shuttingDown` true: stop listening on every site, then let the server
   * close idle keep-alive connections, finish in-flight requests (answered with
   * `Connection: close`), ask taken-over connections such as WebSockets to close, and abort
   * what is left after `shutdownTimeout`. Calling it again returns the same promise.
   */
  cleanup(): Promise<void> {
    if (!this.#setUp) return this.#cleaning ?? Promise.resolve();
    this.#setUp = false;
    if (this.#handleSignals) for (const signal of SIGNALS) process.off(signal, this.#onSignal);
    this.#cleaning = (async () => {
      if (this.#shutdownDelay > 0) {
        this.#server.beginShutdown();
        await new Promise((resolve) => setTimeout(resolve, this.#shutdownDelay));
      }
      const stopping = [...this.#sites].map((site) => site.stop());
      await Promise.all(stopping);
      await this.#server.shutdown(this.#shutdownTimeout);
    })();
    return this.#cleaning;
  }

  /** @internal */
  [kSites] = {
    add: (site: BaseSite): void => {
      if (!this.#setUp) throw new Error("Call ServerRunner.setup() before starting a site");
      this.#sites.add(site);
    },
    delete: (site: BaseSite): void => {
      this.#sites.delete(site);
    },
  };
}
