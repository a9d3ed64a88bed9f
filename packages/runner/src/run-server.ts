import cluster, { type Worker } from "node:cluster";
import type { TlsOptions } from "node:tls";
import { checkOptionKeys, type OptionKeys } from "@ll/http-protocol";
import { type Handler, Server, type ServerOptions } from "@ll/server";
import type { BaseSite } from "./base-site.js";
import { checkShutdownDelay, ServerRunner } from "./server-runner.js";
import { SockSite, type SockSiteSocket } from "./sock-site.js";
import { TCPSite } from "./tcp-site.js";
import { checkSocketMode, UnixSite } from "./unix-site.js";

/** Options of {@link runServer} (aiohttp's `run_app` keyword arguments). */
export interface RunServerOptions {
  /** Host name(s) to listen on (default every interface, or none when `path`/`sock` is given). */
  host?: string | readonly string[];
  /** TCP port (default 8080; 0 picks a free one). */
  port?: number;
  /** A Unix socket path to listen on, as well. */
  path?: string;
  /**
   * The Unix socket's permission bits, e.g. `0o660` so nginx in the socket's group can connect
   * (needs `path`; default: what the process umask gives).
   */
  mode?: number;
  /** A socket bound elsewhere to serve on, as well. */
  sock?: SockSiteSocket;
  /** HTTPS: `tls.createServer()` options such as `{ key, cert }`. */
  tls?: TlsOptions;
  /** Fork this many worker processes with `node:cluster` sharing the listening socket. */
  workers?: number;
  /** How long the graceful shutdown waits for in-flight requests, in ms (default 60000). */
  shutdownTimeout?: number;
  /**
   * How long to keep accepting and serving after SIGTERM/SIGINT (or `signal`), in ms (default
   * 0), with `server.shuttingDown` true and `Connection: close` on every response, before
   * listening stops: the time a load balancer needs to see a readiness check fail.
   */
  shutdownDelay?: number;
  /** Shut down gracefully on SIGINT and SIGTERM (default true). */
  handleSignals?: boolean;
  /** Shut down gracefully when this signal aborts. */
  signal?: AbortSignal;
  /** Where the banner goes (default `console.log`; null prints nothing). */
  print?: ((line: string) => void) | null;
  /** Options of the `Server` built when a handler is given. */
  serverOptions?: ServerOptions;
  /** The listen backlog (default 128). */
  backlog?: number;
}

// Every option, once: adding one to RunServerOptions without listing it fails to compile.
const RUN_SERVER_OPTIONS: OptionKeys<RunServerOptions> = {
  host: true,
  port: true,
  path: true,
  mode: true,
  sock: true,
  tls: true,
  workers: true,
  shutdownTimeout: true,
  shutdownDelay: true,
  handleSignals: true,
  signal: true,
  print: true,
  serverOptions: true,
  backlog: true,
};

// A crashed worker is restarted after a delay that doubles up to this, so a crash loop idles.
const MAX_RESTART_DELAY = 10_000;

/**
 * Runs a handler or a `Server` until SIGINT/SIGTERM (or `signal`) and shuts it down gracefully:
 * the one-call way, like aiohttp's `web.run_app`. Resolves once shut down, so a process with
 * nothing else to do exits with code 0.
 *
 * @example
 * import { Response } from "@ll/server";
 * import { runServer } from "@ll/runner";
 *
 * await runServer(() => new Response({ text: "OK" }), { port: 8080 });
 * @throws {Error} when a port is in use or cannot be bound (e.g. "port 80 on 0.0.0.0 is already in use"),
 *   or the Unix socket cannot be created or given its `mode`.
 * @throws {TypeError} for `mode` without `path`, or a key of `options` it does not know (the
 *   message names the closest valid one).
 * @throws {RangeError} for a `mode` outside 0..0o777, a negative `workers` or `shutdownDelay`.
 */
export async function runServer(
  handlerOrServer: Handler | Server,
  options: RunServerOptions = {},
): Promise<void> {
  checkOptionKeys(options, RUN_SERVER_OPTIONS, "runServer");
  const workers = options.workers ?? 0;
  if (!Number.isInteger(workers) || workers < 0) {
    throw new RangeError("workers must be a non-negative integer");
  }
  // Checked here too so a bad value fails once in the primary, not in every forked worker.
  checkSocketMode(options.mode);
  checkShutdownDelay(options.shutdownDelay);
  if (options.mode !== undefined && options.path === undefined) {
    throw new TypeError("mode needs path: it sets the permissions of the Unix socket file");
  }
  if (workers > 0 && cluster.isPrimary) return runPrimary(workers, options);
  return runSingle(handlerOrServer, options);
}

async function runSingle(
  handlerOrServer: Handler | Server,
  options: RunServerOptions,
): Promise<void> {
  const server =
    handlerOrServer instanceof Server
      ? handlerOrServer
      : new Server(handlerOrServer, options.serverOptions);
  const runner = new ServerRunner(server, {
    handleSignals: options.handleSignals ?? true,
    ...(options.shutdownTimeout === undefined ? {} : { shutdownTimeout: options.shutdownTimeout }),
    ...(options.shutdownDelay === undefined ? {} : { shutdownDelay: options.shutdownDelay }),
  });
  await runner.setup();
  try {
    for (const site of createSites(runner, options)) await site.start();
  } catch (error) {
    await runner.cleanup();
    throw error;
  }
  const print = options.print === undefined ? console.log : options.print;
  if (print !== null && cluster.isPrimary) printBanner(print, runner.sites);

  const done = new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      options.signal?.removeEventListener("abort", stop);
      void runner.cleanup().then(resolve);
    };
    if (options.handleSignals ?? true) {
      // The runner's own handlers start the cleanup; these only learn that it happened.
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
    }
    options.signal?.addEventListener("abort", stop, { once: true });
    if (options.signal?.aborted) stop();
  });
  await done;
  // A worker's IPC channel would keep the process alive.
  if (cluster.isWorker) cluster.worker?.disconnect();
}

function createSites(runner: ServerRunner, options: RunServerOptions): BaseSite[] {
  const sites: BaseSite[] = [];
  const tcpOptions = {
    ...(options.backlog === undefined ? {} : { backlog: options.backlog }),
    ...(options.tls === undefined ? {} : { tls: options.tls }),
  };
  const hosts = typeof options.host === "string" ? [options.host] : options.host;
  if (hosts !== undefined) {
    for (const host of hosts)
      sites.push(new TCPSite(runner, host, options.port ?? 8080, tcpOptions));
  } else if (
    (options.path === undefined && options.sock === undefined) ||
    options.port !== undefined
  ) {
    sites.push(new TCPSite(runner, undefined, options.port ?? 8080, tcpOptions));
  }
  if (options.path !== undefined) {
    const unixOptions = {
      ...(options.backlog === undefined ? {} : { backlog: options.backlog }),
      ...(options.mode === undefined ? {} : { mode: options.mode }),
    };
    sites.push(new UnixSite(runner, options.path, unixOptions));
  }
  if (options.sock !== undefined) sites.push(new SockSite(runner, options.sock));
  return sites;
}

function printBanner(print: (line: string) => void, sites: readonly BaseSite[]): void {
  for (const site of sites) print(`======== Running on ${site.name} ========`);
  print("(Press CTRL+C to quit)");
}

/** The cluster primary: forks, restarts crashed workers, forwards shutdown signals. */
function runPrimary(count: number, options: RunServerOptions): Promise<void> {
  const print = options.print === undefined ? console.log : options.print;
  let stopping = false;
  let restartDelay = 100;
  let bannerShown = false;
  const live = new Set<Worker>();

  return new Promise<void>((resolve) => {
    const fork = (): void => {
      const worker = cluster.fork();
      live.add(worker);
      worker.once("exit", (code, signal) => {
        live.delete(worker);
        if (stopping) {
          if (live.size === 0) finish();
          return;
        }
        print?.(`worker ${worker.process.pid} exited (${signal ?? code}); restarting it`);
        setTimeout(fork, restartDelay).unref();
        restartDelay = Math.min(restartDelay * 2, MAX_RESTART_DELAY);
      });
      worker.once("listening", (address) => {
        restartDelay = 100;
        if (bannerShown || print === null) return;
        bannerShown = true;
        const host = address.address ?? "0.0.0.0";
        const shown = host.includes(":") ? `[${host}]` : host;
        const scheme = options.tls === undefined ? "http" : "https";
        print(
          `======== Running on ${scheme}://${shown}:${address.port} (${count} workers) ========`,
        );
        print("(Press CTRL+C to quit)");
      });
    };
    const stop = (): void => {
      if (stopping) return;
      stopping = true;
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      if (live.size === 0) finish();
      for (const worker of live) worker.process.kill("SIGTERM");
    };
    const finish = (): void => resolve();
    if (options.handleSignals ?? true) {
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
    }
    options.signal?.addEventListener("abort", stop, { once: true });
    for (let index = 0; index < count; index += 1) fork();
  });
}
