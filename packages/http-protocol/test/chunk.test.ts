import { describe, expect, it } from "vitest";
import { chunk } from "../src/index.js";

describe("chunk", () => {
  it("frames data with its size in hex", () => {
    expect(chunk(Buffer.from("hello")).toString("latin1")).toBe("5\r\nhello\r\n");
  });

  it("encodes a string as UTF-8 and counts bytes, not characters", () => {
    expect(chunk("\u00e9").toString("latin1")).toBe("2\r\n\xc3\xa9\r\n");
  });

  it("writes sizes in lower-case hex", () => {
    const framed = chunk(Buffer.alloc(255, 0x61));
    expect(framed.subarray(0, 4).toString("latin1")).toBe("ff\r\n");
    expect(framed.length).toBe(4 + 255 + 2);
  });

  it("gives nothing for empty data, which would be the last chunk", () => {
    expect(chunk("").length).toBe(0);
  });
});
