import { chmod, lstat, unlink } from "node:fs/promises";
import { connect, createServer } from "node:net";
import { checkOptionKeys, type OptionKeys } from "@ll/http-protocol";
import { BaseSite, type BaseSiteOptions } from "./base-site.js";
import { listen } from "./listen.js";
import type { ServerRunner } from "./server-runner.js";

/** Options of {@link UnixSite}. */
export interface UnixSiteOptions extends BaseSiteOptions {
  /**
   * The socket file's permission bits, e.g. `0o660` so a proxy such as nginx running as another
   * user in the socket's group can connect (default: whatever the process umask gives, often
   * `0o755`, which lets no other user connect).
   */
  mode?: number;
}

const UNIX_SITE_OPTIONS: OptionKeys<UnixSiteOptions> = { backlog: true, mode: true };

/**
 * Checks a Unix socket `mode`: an integer from 0 to 0o777.
 * @throws {TypeError} when it is not a number.
 * @throws {RangeError} when it is not an integer from 0 to 0o777.
 * @internal
 */
export function checkSocketMode(mode: unknown): asserts mode is number | undefined {
  if (mode === undefined) return;
  if (typeof mode !== "number") {
    throw new TypeError(`mode must be a number such as 0o660, got ${typeof mode}`);
  }
  if (!Number.isInteger(mode) || mode < 0 || mode > 0o777) {
    throw new RangeError(`mode must be an integer from 0 to 0o777 (e.g. 0o660), got ${mode}`);
  }
}

/**
 * Listens on a Unix domain socket (aiohttp's `UnixSite`), e.g. behind nginx. A stale socket
 * file left by a crashed process is replaced; one a live server answers on is an error.
 *
 * @example
 * import { Response, Server } from "@ll/server";
 * import { ServerRunner, UnixSite } from "@ll/runner";
 *
 * const runner = new ServerRunner(new Server(() => new Response({ text: "OK" })));
 * await runner.setup();
 * // Users in the socket's group (nginx's, say) may connect; others may not.
 * await new UnixSite(runner, "/run/myapp/app.sock", { mode: 0o660 }).start();
 */
export class UnixSite extends BaseSite {
  readonly path: string;
  readonly #mode: number | undefined;

  /**
   * @throws {TypeError} for an empty path, an unknown option, or a `mode` that is not a number.
   * @throws {RangeError} for a `mode` outside 0..0o777.
   */
  constructor(runner: ServerRunner, path: string, options: UnixSiteOptions = {}) {
    checkOptionKeys(options, UNIX_SITE_OPTIONS, "UnixSite");
    super(runner, options);
    if (typeof path !== "string" || path === "")
      throw new TypeError("path must be a non-empty string");
    checkSocketMode(options.mode);
    this.path = path;
    this.#mode = options.mode;
  }

  /** `http://unix:/path/to.sock:`, aiohttp's spelling. */
  get name(): string {
    return `http://unix:${this.path}:`;
  }

  /**
   * Binds the socket, then sets its mode, so `start()` resolves only once other users can
   * connect. A failed chmod rejects `start()`, which closes the listener again.
   */
  protected async listen(): Promise<void> {
    await this.#removeStaleSocket();
    const listener = createServer(this.connectionListener);
    this.listeners.push(listener);
    await listen(listener, { path: this.path, backlog: this.backlog }, `socket ${this.path}`);
    // Node cannot bind with a given mode, and changing the process-wide umask around the bind
    // would race other code. Until the chmod the file has the umask's bits; connecting needs
    // write permission, which the usual umasks (022, 077) give the owner only.
    if (this.#mode !== undefined) await this.#setMode(this.#mode);
  }

  async #setMode(mode: number): Promise<void> {
    try {
      await chmod(this.path, mode);
    } catch (cause) {
      const error = new Error(
        `cannot set mode 0o${mode.toString(8)} on socket ${this.path}: ${(cause as Error).message}`,
        { cause },
      ) as NodeJS.ErrnoException;
      error.code = (cause as NodeJS.ErrnoException).code;
      throw error;
    }
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
