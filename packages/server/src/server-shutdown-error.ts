/**
 * The abort reason of a request cut short by the server's shutdown: `server.shutdown(timeout)`
 * destroyed its connection once `timeout` ms had passed. A request whose client went away gets
 * a `ConnectionResetError` instead.
 */
export class ServerShutdownError extends Error {
  override name = "ServerShutdownError";

  /** @param timeout the shutdown timeout that ran out, in ms. */
  constructor(timeout: number, options?: ErrorOptions) {
    super(
      `The server shut down: the request did not finish within the shutdown timeout (${timeout} ms)`,
      options,
    );
  }
}
