export type { WebSocketChannelMessage } from "./diagnostics.js";
export type {
  WebSocketReady,
  WebSocketResponseOptions,
  WSCloseOptions,
  WSReceiveJsonOptions,
  WSReceiveOptions,
  WSSendJsonOptions,
  WSSendOptions,
} from "./websocket-response.js";
export { WebSocketResponse } from "./websocket-response.js";
export { WSCloseCode } from "./ws-close-code.js";
export type {
  WSMessage,
  WSMessageBinary,
  WSMessageClose,
  WSMessageClosed,
  WSMessageClosing,
  WSMessageError,
  WSMessagePing,
  WSMessagePong,
  WSMessageText,
} from "./ws-message.js";
/** @internal For @ll/test-utils' client WebSocket: not part of the public API. */
export { unexpectedMessage } from "./ws-message.js";
export { WSMsgType } from "./ws-msg-type.js";
export type { PerMessageDeflateOptions } from "./ws-types.js";
