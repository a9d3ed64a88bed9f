import { describe, expect, it } from "vitest";
import { isSendableCloseCode, WSCloseCode } from "../src/ws-close-code.js";
import { msgTypeName, WSMsgType } from "../src/ws-msg-type.js";

describe("WSCloseCode", () => {
  it("has RFC 6455 values under aiohttp's names", () => {
    expect(WSCloseCode).toEqual({
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
    });
  });

  it.each([1000, 1001, 1003, 1007, 1011, 1014, 3000, 4000, 4999])("%i may be sent", (code) => {
    expect(isSendableCloseCode(code)).toBe(true);
  });

  it.each([0, 999, 1004, 1005, 1006, 1015, 2999, 5000, 1000.5, Number.NaN])(
    "%d may not be sent",
    (code) => {
      expect(isSendableCloseCode(code)).toBe(false);
    },
  );
});

describe("WSMsgType", () => {
  it("has aiohttp's values", () => {
    expect(WSMsgType).toEqual({
      CONTINUATION: 0,
      TEXT: 1,
      BINARY: 2,
      PING: 9,
      PONG: 10,
      CLOSE: 8,
      CLOSING: 0x100,
      CLOSED: 0x101,
      ERROR: 0x102,
    });
  });

  it("names its values", () => {
    expect(msgTypeName(WSMsgType.BINARY)).toBe("BINARY");
    expect(msgTypeName(WSMsgType.CLOSED)).toBe("CLOSED");
    expect(msgTypeName(77)).toBe("77");
  });
});
