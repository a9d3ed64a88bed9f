/**
 * The server's `node:diagnostics_channel` channels, for tracing and APM tools. Each is made
 * once, here, and never changes; publishing costs nothing measurable while nobody subscribes
 * (every publisher checks `hasSubscribers` first and builds no message otherwise).
 */
import diagnosticsChannel from "node:diagnostics_channel";
import type { Socket } from "node:net";
import type { BaseRequest } from "./base-request.js";
import type { StreamResponse } from "./stream-response.js";

/**
 * The context of a traced handler call, published on every event of
 * {@link requestTracingChannel}: the same object from `start` to `asyncEnd`.
 */
export interface RequestTraceContext {
  /** The request given to the handler. */
  readonly request: BaseRequest;
  /** What the handler returned (or resolved with), once known. */
  response?: unknown;
  /** What the handler threw (or rejected with). */
  error?: unknown;
}

/** The message of {@link responseFinishChannel}. */
export interface ResponseFinishMessage {
  readonly request: BaseRequest;
  readonly response: StreamResponse;
  /** ms from the handler call to the last byte handed to the socket. */
  readonly duration: number;
}

/** The message of {@link connectionOpenChannel} and {@link connectionCloseChannel}. */
export interface ConnectionMessage {
  readonly socket: Socket;
}

/**
 * `ll.server.request`: every handler call, as a `TracingChannel` (`start`, `end`, and for a
 * handler that returns a promise `asyncStart`/`asyncEnd`; `error` when it throws or rejects).
 * Subscribers get a {@link RequestTraceContext}. Its `start` runs the handler inside
 * `runStores`, so an `AsyncLocalStorage` bound with `bindStore` is active in the handler.
 */
export const requestTracingChannel: diagnosticsChannel.TracingChannel<
  unknown,
  RequestTraceContext
> = diagnosticsChannel.tracingChannel("ll.server.request");

/** `ll.server.response.finish`: a response's last byte was handed to the socket. */
export const responseFinishChannel: diagnosticsChannel.Channel = diagnosticsChannel.channel(
  "ll.server.response.finish",
);

/** `ll.server.connection.open`: the server starts serving a connection. */
export const connectionOpenChannel: diagnosticsChannel.Channel = diagnosticsChannel.channel(
  "ll.server.connection.open",
);

/** `ll.server.connection.close`: a connection closed (or was taken over and then closed). */
export const connectionCloseChannel: diagnosticsChannel.Channel = diagnosticsChannel.channel(
  "ll.server.connection.close",
);
