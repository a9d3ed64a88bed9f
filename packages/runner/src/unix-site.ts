import { lstat, unlink } from "node:fs/promises";
import { connect, createServer } from "node:net";
import { BaseSite, type BaseSiteOptions } from "./base-site.js";
import { listen } from "./listen.js";
import type { ServerRunner } from "./server-runner.js";

/**
 * Listens on a Unix domain socket (aiohttp's `UnixSite`), e.g. behind nginx. A stale socket
 * file left by a crashed process is replaced; one a live server answers on is an error.
 */
export class UnixSite extends BaseSite {
  readonly path: string;

  constructor(runner: ServerRunner, path: string, options: BaseSiteOptions = {}) {
    super(runner, options);
    if (typeof path !== "string" || path === "")
      throw new TypeError("path must be a non-empty string");
    this.path = path;
  }

  /** `http://unix:/path/to.sock:`, aiohttp's spelling. */
  get name(): string {
    return `http://unix:${this.path}:`;
  }

  protected async listen(): Promise<void> {
    await this.#removeStaleSocket();
    const listener = createServer(this.connectionListener);
    this.listeners.push(listener);
    await listen(listener, { path: this.path, backlog: this.backlog }, `socket ${this.path}`);
  }

  async #removeStaleSocket(): Promise<void> {
    const stat = await lstat(this.path).catch(() => undefined);
    if (stat === undefined || !stat.isSocket()) return;
    const alive = await new Promise<boolean>((resolve) => {
      const probe = connect(this.path);
      probe.once("connect", () => {
        probe.destroy();
        resolve(true);
      });
      probe.once("error", () => resolve(false));
    });
    if (alive) {
      const error = new Error(`socket ${this.path} is already in use by a running server`);
      (error as NodeJS.ErrnoException).code = "EADDRINUSE";
      throw error;
    }
    await unlink(this.path);
  }
}
