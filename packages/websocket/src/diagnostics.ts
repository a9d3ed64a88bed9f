/**
 * The WebSocket `node:diagnostics_channel` channels, made once here and never changed; nothing
 * is built or published while nobody subscribes.
 */
import diagnosticsChannel from "node:diagnostics_channel";
import type { BaseRequest } from "@ll/server";
import type { WebSocketResponse } from "./websocket-response.js";

/** The message of {@link websocketOpenChannel} and {@link websocketCloseChannel}. */
export interface WebSocketChannelMessage {
  /** The request of the handshake. */
  readonly request: BaseRequest;
  readonly ws: WebSocketResponse;
  /** The close code (`ws.closeCode`); undefined on open. */
  readonly code: number | undefined;
}

/** `ll.websocket.open`: a handshake completed and the connection is a WebSocket. */
export const websocketOpenChannel: diagnosticsChannel.Channel =
  diagnosticsChannel.channel("ll.websocket.open");

/** `ll.websocket.close`: a WebSocket connection ended (its socket closed). */
export const websocketCloseChannel: diagnosticsChannel.Channel =
  diagnosticsChannel.channel("ll.websocket.close");
