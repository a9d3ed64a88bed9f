import type { Socket } from "node:net";
import type { BaseRequest } from "./base-request.js";
import { ConnectionOutput } from "./connection-output.js";
import type { DetachedSocket, RequestConnection } from "./request-connection.js";
import type { ServerOptions } from "./server-options.js";
import { resolveServerOptions } from "./server-options.js";

// Re-exported for @ll/test-utils with the factory: a request it builds is bound to such a
// connection, and its `abort()` aborts the request's signal.
export type { RequestConnection } from "./request-connection.js";
export { kAbort } from "./symbols.js";

/**
 * A connection that no `Server` reads from: what a request built outside the server (the
 * mocked requests of `@ll/test-utils`, aiohttp's `make_mocked_request`) is bound to. Responses
 * prepared for such a request write their bytes to `socket` as they would to a client; the
 * limits and the `Server` header come from `options`, with the server's defaults.
 *
 * @param socket where responses write (any duplex with the socket members the request reads:
 *   `remoteAddress`, `localAddress`, `localPort`, `encrypted`).
 * @param options the server options whose limits apply (`clientMaxSize`, `multipartLimits`,
 *   `serverHeader`); the others are validated and ignored.
 * @throws {TypeError} or {RangeError} for an invalid option, as `new Server()` does.
 * @internal
 */
export function createStandaloneConnection(
  socket: Socket,
  options?: ServerOptions,
): RequestConnection {
  const resolved = resolveServerOptions(options);
  return {
    socket,
    clientMaxSize: resolved.clientMaxSize,
    multipartLimits: resolved.multipartLimits,
    serverHeader: resolved.serverHeader,
    // Nothing else shares the connection, so it may always stay open.
    responseStarting: () => true,
    output: new ConnectionOutput(socket),
    // No server: what would be the server's state is this connection's.
    serverStore: new Map(),
    detachSocket(_request: BaseRequest): DetachedSocket {
      throw new Error("A request made without a server has no connection to take over");
    },
  };
}
