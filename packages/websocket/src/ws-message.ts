import { msgTypeName, WSMsgType } from "./ws-msg-type.js";

/** A text message: `data` is the decoded (UTF-8 checked) string. */
export interface WSMessageText {
  readonly type: typeof WSMsgType.TEXT;
  readonly data: string;
  readonly extra: undefined;
}

/** A binary message: `data` holds every byte of the message, fragments joined. */
export interface WSMessageBinary {
  readonly type: typeof WSMsgType.BINARY;
  readonly data: Buffer;
  readonly extra: undefined;
}

/** A ping from the peer, delivered only when `autoping` is off. */
export interface WSMessagePing {
  readonly type: typeof WSMsgType.PING;
  readonly data: Buffer;
  readonly extra: undefined;
}

/** A pong from the peer, delivered only when `autoping` is off. */
export interface WSMessagePong {
  readonly type: typeof WSMsgType.PONG;
  readonly data: Buffer;
  readonly extra: undefined;
}

/**
 * The peer's close frame: `data` is its status code (1005 when the frame had none, RFC 6455
 * §7.1.5; aiohttp says 0) and `extra` its reason.
 */
export interface WSMessageClose {
  readonly type: typeof WSMsgType.CLOSE;
  readonly data: number;
  readonly extra: string;
}

/** The connection is closing: `close()` was called, or the peer's close frame was already read. */
export interface WSMessageClosing {
  readonly type: typeof WSMsgType.CLOSING;
  readonly data: undefined;
  readonly extra: undefined;
}

/** The connection is closed: nothing more will arrive. */
export interface WSMessageClosed {
  readonly type: typeof WSMsgType.CLOSED;
  readonly data: undefined;
  readonly extra: undefined;
}

/**
 * The connection failed: a protocol error from the peer (the server then closed with the matching
 * code, e.g. 1009 for an oversize message), a missed heartbeat, or a connection lost without a
 * close frame. `data` is the error, also returned by `exception()`.
 */
export interface WSMessageError {
  readonly type: typeof WSMsgType.ERROR;
  readonly data: Error;
  readonly extra: undefined;
}

/**
 * What {@link WebSocketResponse.receive} returns, like aiohttp's `WSMessage`: a union
 * discriminated by `type`, so `if (message.type === WSMsgType.TEXT)` narrows `data` to a string.
 */
export type WSMessage =
  | WSMessageText
  | WSMessageBinary
  | WSMessagePing
  | WSMessagePong
  | WSMessageClose
  | WSMessageClosing
  | WSMessageClosed
  | WSMessageError;

/** @internal */
export const WS_CLOSING_MESSAGE: WSMessageClosing = Object.freeze({
  type: WSMsgType.CLOSING,
  data: undefined,
  extra: undefined,
});

/** @internal */
export const WS_CLOSED_MESSAGE: WSMessageClosed = Object.freeze({
  type: WSMsgType.CLOSED,
  data: undefined,
  extra: undefined,
});

/**
 * The error of `receiveStr()`/`receiveBytes()`/`receiveJson()` when the next message is of
 * another type (aiohttp's `WSMessageTypeError`), worded the same on both ends of a connection.
 * @internal
 */
export function unexpectedMessage(message: WSMessage, expected: WSMsgType): TypeError {
  const data =
    typeof message.data === "string" || typeof message.data === "number"
      ? JSON.stringify(message.data)
      : Buffer.isBuffer(message.data)
        ? `<${message.data.length} bytes>`
        : String(message.data);
  return new TypeError(
    `Received message ${msgTypeName(message.type)}:${data} is not WSMsgType.${msgTypeName(expected)}`,
  );
}
