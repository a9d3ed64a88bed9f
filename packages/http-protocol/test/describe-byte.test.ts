import { describe, expect, it } from "vitest";
import { describeByte } from "../src/describe-byte.js";

describe("describeByte", () => {
  it.each([
    [0x00, "0x00"],
    [0x0b, "0x0b"],
    [0x7f, "0x7f"],
    [0xff, "0xff"],
  ])("describes %i as %s", (code, text) => {
    expect(describeByte(code)).toBe(text);
  });
});
