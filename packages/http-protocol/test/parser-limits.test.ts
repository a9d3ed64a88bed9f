import { describe, expect, it } from "vitest";
import { resolveLimits } from "../src/parser-limits.js";

describe("resolveLimits", () => {
  it("fills in aiohttp's defaults", () => {
    expect(resolveLimits(undefined)).toEqual({
      maxLineSize: 8190,
      maxFieldSize: 8190,
      maxHeaders: 128,
    });
  });

  it("keeps the limits given and defaults the others", () => {
    expect(resolveLimits({ maxFieldSize: 100, maxHeaders: 1 })).toEqual({
      maxLineSize: 8190,
      maxFieldSize: 100,
      maxHeaders: 1,
    });
  });

  it.each([
    ["maxLineSize", 0],
    ["maxFieldSize", -1],
    ["maxHeaders", 1.5],
    ["maxLineSize", Number.NaN],
    ["maxFieldSize", Number.POSITIVE_INFINITY],
  ])("rejects %s = %d with a RangeError", (name, value) => {
    expect(() => resolveLimits({ [name]: value })).toThrow(
      new RangeError(`${name} must be a positive integer`),
    );
  });
});
