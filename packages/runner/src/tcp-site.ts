import { lookup } from "node:dns/promises";
import { createServer as createNetServer, isIPv6, type Server as NetServer } from "node:net";
import { createServer as createTlsServer, type TlsOptions } from "node:tls";
import { checkOptionKeys, type OptionKeys } from "@ll/http-protocol";
import { BaseSite, type BaseSiteOptions } from "./base-site.js";
import { listen } from "./listen.js";
import type { ServerRunner } from "./server-runner.js";

/** Options of {@link TCPSite}. */
export interface TCPSiteOptions extends BaseSiteOptions {
  /** Allow binding while old connections linger in TIME_WAIT (always on in Node; kept for aiohttp parity). */
  reuseAddress?: boolean;
  /** Let several processes bind the same port (needs Node >= 22.12). */
  reusePort?: boolean;
  /** Serve HTTPS with these `tls.createServer()` options, e.g. `{ key, cert }`. */
  tls?: TlsOptions;
}

const TCP_SITE_OPTIONS: OptionKeys<TCPSiteOptions> = {
  backlog: true,
  reuseAddress: true,
  reusePort: true,
  tls: true,
};

// Node 22.12 added `reusePort` to `server.listen()`; earlier versions silently ignore it.
const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
const HAS_REUSE_PORT = major > 22 || (major === 22 && minor >= 12);

const formatHost = (host: string): string => (isIPv6(host) ? `[${host}]` : host);

/**
 * Listens on a TCP host and port (aiohttp's `TCPSite`); HTTPS with the `tls` option.
 *
 * A host name is bound on every address it resolves to ("localhost" on 127.0.0.1 and ::1), as
 * asyncio's `create_server` does; no host means every interface. Port 0 picks a free port.
 */
export class TCPSite extends BaseSite {
  readonly host: string | undefined;
  readonly #port: number;
  readonly #reusePort: boolean;
  readonly #tls: TlsOptions | undefined;

  /**
   * @throws {RangeError} for a port outside 0..65535.
   * @throws {Error} for `reusePort` on a Node.js version without it.
   * @throws {TypeError} for a key of `options` it does not know (the message names the closest
   *   valid one).
   */
  constructor(runner: ServerRunner, host?: string, port = 8080, options: TCPSiteOptions = {}) {
    checkOptionKeys(options, TCP_SITE_OPTIONS, "TCPSite");
    super(runner, options);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new RangeError("port must be an integer from 0 to 65535");
    }
    if (options.reusePort === true && !HAS_REUSE_PORT) {
      throw new Error(`reusePort needs Node.js >= 22.12 (this is ${process.version})`);
    }
    this.host = host;
    this.#port = port;
    this.#reusePort = options.reusePort === true;
    this.#tls = options.tls;
  }

  /** The URL, e.g. `http://127.0.0.1:8080` (the real port once started on port 0). */
  get name(): string {
    const scheme = this.#tls === undefined ? "http" : "https";
    const first = this.addresses[0];
    const port = typeof first === "object" ? first.port : this.#port;
    return `${scheme}://${formatHost(this.host ?? "0.0.0.0")}:${port}`;
  }

  protected async listen(): Promise<void> {
    const hosts = await this.#resolveHosts();
    let port = this.#port;
    for (const [index, host] of hosts.entries()) {
      const listener = this.#createListener();
      this.listeners.push(listener);
      const options = {
        host,
        port,
        backlog: this.backlog,
        ipv6Only: host !== undefined && isIPv6(host),
        ...(this.#reusePort ? { reusePort: true } : {}),
      };
      const where = `port ${port} on ${host ?? "all interfaces"}`;
      try {
        await listen(listener, options, where);
      } catch (error) {
        this.listeners.pop();
        // An address the machine lacks (::1 with IPv6 off) is skipped while another one works.
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "EADDRNOTAVAIL" && hosts.length > 1) continue;
        throw error;
      }
      // Port 0: every address shares the port the first one got.
      if (index === 0 && port === 0) port = (listener.address() as { port: number }).port;
    }
    if (this.listeners.length === 0) throw new Error(`could not listen on ${this.host}`);
  }

  async #resolveHosts(): Promise<(string | undefined)[]> {
    if (this.host === undefined || this.host === "") return [undefined];
    const found = await lookup(this.host, { all: true });
    return [...new Set(found.map((entry) => entry.address))];
  }

  #createListener(): NetServer {
    if (this.#tls === undefined) return createNetServer(this.connectionListener);
    const listener = createTlsServer(this.#tls);
    listener.on("secureConnection", this.connectionListener);
    // A failed handshake concerns that client only; the socket is destroyed by Node.
    listener.on("tlsClientError", () => {});
    return listener;
  }
}
