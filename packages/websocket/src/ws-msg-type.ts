/**
 * The type of a {@link WSMessage}: the RFC 6455 §5.2 opcodes a handler can see, plus three
 * pseudo-types for the connection's state, with aiohttp's numeric values (`aiohttp.WSMsgType`).
 *
 * `CONTINUATION` never reaches a handler: the `ws` package joins fragments into one message.
 *
 * @example
 * ```ts
 * import { WSMsgType } from "@ll/websocket";
 * if (message.type === WSMsgType.TEXT) console.log(message.data);
 * ```
 */
export const WSMsgType = {
  CONTINUATION: 0x0,
  TEXT: 0x1,
  BINARY: 0x2,
  PING: 0x9,
  PONG: 0xa,
  CLOSE: 0x8,
  // aiohttp-specific: the connection is closing (we sent or got a close frame) or closed.
  CLOSING: 0x100,
  CLOSED: 0x101,
  ERROR: 0x102,
} as const;

/** One of the {@link WSMsgType} values. */
export type WSMsgType = (typeof WSMsgType)[keyof typeof WSMsgType];

const NAMES = new Map<number, string>(
  Object.entries(WSMsgType).map(([name, value]) => [value, name]),
);

/**
 * The name of a {@link WSMsgType} value (`"TEXT"` for 1), for error messages.
 * @internal
 */
export function msgTypeName(type: number): string {
  return NAMES.get(type) ?? String(type);
}
