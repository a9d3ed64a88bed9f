import { createServer, Server as NetServer } from "node:net";
import { checkOptionKeys, type OptionKeys } from "@ll/http-protocol";
import { BaseSite, type BaseSiteOptions } from "./base-site.js";
import { listen } from "./listen.js";
import type { ServerRunner } from "./server-runner.js";

/**
 * A socket bound elsewhere: a listening `net.Server`, a handle (an object with `_handle` or a
 * libuv handle), or `{ fd }` (systemd socket activation passes fd 3; a parent process passes
 * its own).
 */
export type SockSiteSocket = NetServer | { fd: number } | { _handle: unknown };

const SOCK_SITE_OPTIONS: OptionKeys<BaseSiteOptions> = { backlog: true };

/** Serves on a socket bound elsewhere (aiohttp's `SockSite`). */
export class SockSite extends BaseSite {
  readonly #sock: SockSiteSocket;
  #ownsListener = false;

  /**
   * @throws {TypeError} when `sock` is not an object, or for a key of `options` it does not
   *   know (the message names the closest valid one).
   */
  constructor(runner: ServerRunner, sock: SockSiteSocket, options: BaseSiteOptions = {}) {
    checkOptionKeys(options, SOCK_SITE_OPTIONS, "SockSite");
    super(runner, options);
    if (typeof sock !== "object" || sock === null) {
      throw new TypeError("sock must be a net.Server, a handle or { fd }");
    }
    this.#sock = sock;
  }

  /** `http://host:port`, or `http://unix:/path:` for a Unix socket. */
  get name(): string {
    const address = this.addresses[0];
    if (typeof address === "string") return `http://unix:${address}:`;
    if (address === undefined) return "http://unknown";
    const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  }

  protected async listen(): Promise<void> {
    const sock = this.#sock;
    if (sock instanceof NetServer) {
      if (!sock.listening) throw new Error("SockSite needs a net.Server that is already listening");
      sock.on("connection", this.connectionListener);
      this.listeners.push(sock);
      return;
    }
    const listener = createServer(this.connectionListener);
    this.#ownsListener = true;
    this.listeners.push(listener);
    const where = "fd" in sock ? `fd ${sock.fd}` : "the given handle";
    await listen(listener, sock as never, where);
  }

  override async stop(): Promise<void> {
    const sock = this.#sock;
    if (!this.#ownsListener && sock instanceof NetServer) {
      sock.off("connection", this.connectionListener);
    }
    await super.stop();
  }
}
