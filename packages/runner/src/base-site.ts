import type { AddressInfo, Server as NetServer, Socket } from "node:net";
import { kSites, type ServerRunner } from "./server-runner.js";

/** Options every site takes. */
export interface BaseSiteOptions {
  /** The listen backlog (default 128, aiohttp's). */
  backlog?: number;
}

/**
 * A place a {@link ServerRunner} listens on (aiohttp's `BaseSite`): subclasses open their
 * listening sockets in `listen()`.
 */
export abstract class BaseSite {
  readonly runner: ServerRunner;
  protected readonly backlog: number;
  protected listeners: NetServer[] = [];
  #started = false;

  constructor(runner: ServerRunner, options: BaseSiteOptions = {}) {
    const { backlog = 128 } = options;
    if (!Number.isInteger(backlog) || backlog < 0) {
      throw new RangeError("backlog must be a non-negative integer");
    }
    this.runner = runner;
    this.backlog = backlog;
  }

  /** The URL a user can open. */
  abstract get name(): string;

  /** Opens the listening sockets. */
  protected abstract listen(): Promise<void>;

  /** Where this site listens: `AddressInfo` for TCP, the path for Unix sockets. */
  get addresses(): (AddressInfo | string)[] {
    return this.listeners.flatMap((listener) => {
      const address = listener.address();
      return address === null ? [] : [address];
    });
  }

  /** The function every accepted socket goes to: the runner's server. */
  protected get connectionListener(): (socket: Socket) => void {
    return this.runner.server.connectionListener;
  }

  /**
   * Starts listening.
   * @throws {Error} when the runner is not set up, or the site was already started.
   */
  async start(): Promise<void> {
    if (this.#started) throw new Error(`Site ${this.constructor.name} was already started`);
    this.runner[kSites].add(this);
    this.#started = true;
    try {
      await this.listen();
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /**
   * Stops accepting connections. Connections already accepted are left to the server's shutdown
   * (Node's `server.close()` callback would wait for them, so it is not awaited).
   */
  async stop(): Promise<void> {
    for (const listener of this.listeners) if (listener.listening) listener.close();
    this.listeners = [];
    this.runner[kSites].delete(this);
  }
}
