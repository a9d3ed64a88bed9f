/**
 * Close status codes of RFC 6455 §7.4.1 (and the IANA registry), with aiohttp's names
 * (`aiohttp.WSCloseCode`).
 *
 * `ABNORMAL_CLOSURE` (1006) is never sent in a close frame: it is the
 * {@link WebSocketResponse.closeCode} of a connection that ended without a close handshake.
 *
 * @example
 * ```ts
 * import { WSCloseCode } from "@ll/websocket";
 * await ws.close({ code: WSCloseCode.GOING_AWAY, message: "Server shutdown" });
 * ```
 */
export const WSCloseCode = {
  OK: 1000,
  GOING_AWAY: 1001,
  PROTOCOL_ERROR: 1002,
  UNSUPPORTED_DATA: 1003,
  ABNORMAL_CLOSURE: 1006,
  INVALID_TEXT: 1007,
  POLICY_VIOLATION: 1008,
  MESSAGE_TOO_BIG: 1009,
  MANDATORY_EXTENSION: 1010,
  INTERNAL_ERROR: 1011,
  SERVICE_RESTART: 1012,
  TRY_AGAIN_LATER: 1013,
  BAD_GATEWAY: 1014,
} as const;

/** One of the {@link WSCloseCode} values. */
export type WSCloseCode = (typeof WSCloseCode)[keyof typeof WSCloseCode];

/**
 * Whether `code` may be sent in a close frame (RFC 6455 §7.4): 1000-1014 except the reserved
 * 1004, 1005 and 1006, or 3000-4999 (registered and private use). `ws` applies the same rule.
 * @internal
 */
export function isSendableCloseCode(code: number): boolean {
  return (
    Number.isInteger(code) &&
    ((code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) ||
      (code >= 3000 && code <= 4999))
  );
}
