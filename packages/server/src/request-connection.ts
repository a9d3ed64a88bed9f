import type { Socket } from "node:net";
import type { BaseRequest } from "./base-request.js";
import type { ConnectionOutput } from "./connection-output.js";
import type { ResolvedMultipartLimits } from "./multipart-limits.js";
import type { StreamResponse } from "./stream-response.js";

/** What `request.detachSocket()` returns: the raw socket and the bytes read past the head. */
export interface DetachedSocket {
  /** The connection's socket, no longer read, parsed, timed or closed by the server. */
  socket: Socket;
  /** Bytes the client sent after the request head (the start of the new protocol's stream). */
  head: Buffer;
}

/** Options of `request.detachSocket()`. */
export interface DetachSocketOptions {
  /**
   * Called once, with the socket, when `server.shutdown()` runs (so one function can serve
   * every connection): close the connection gracefully (e.g. a WebSocket close 1001). The
   * server then waits for the socket's `'close'` and destroys it after the shutdown timeout.
   */
  onShutdown?: (socket: Socket) => void;
}

/**
 * The part of a connection (`RequestHandler`) that requests and responses talk to. A request
 * keeps one, so `BaseRequest#clone()` can make a copy bound to the same connection.
 * @internal
 */
export interface RequestConnection {
  /** The connection's socket. */
  readonly socket: Socket;
  /** Most bytes `request.read()` accepts (the server's `clientMaxSize`). */
  readonly clientMaxSize: number;
  /** The limits of `request.post()` and `request.multipart()` (the server's `multipartLimits`). */
  readonly multipartLimits: ResolvedMultipartLimits;
  /** The `Server` header value, or null to send none. */
  readonly serverHeader: string | null;
  /**
   * Called by `StreamResponse#prepare()` when a response starts for `request`: returns whether
   * the connection may stay open after it (false while shutting down, after a protocol error,
   * or when an unanswered `Expect: 100-continue` body was never read).
   */
  responseStarting(request: BaseRequest, response: StreamResponse): boolean;
  /**
   * State kept per server by sibling packages (`BaseRequest[kServerStore]`): the server's own
   * map, or the connection's when no server reads it.
   */
  readonly serverStore: Map<symbol, unknown>;
  /** The connection's only writer: whole responses, and the sink of streamed ones. */
  readonly output: ConnectionOutput;
  /** Implements `request.detachSocket()`. */
  detachSocket(request: BaseRequest, options: DetachSocketOptions | undefined): DetachedSocket;
}
