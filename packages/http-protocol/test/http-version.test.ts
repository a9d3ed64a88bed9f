import { describe, expect, it } from "vitest";
import { HttpVersion, HttpVersion10, HttpVersion11 } from "../src/index.js";

describe("HttpVersion", () => {
  it("holds major and minor", () => {
    expect(HttpVersion11.major).toBe(1);
    expect(HttpVersion11.minor).toBe(1);
    expect(HttpVersion10.minor).toBe(0);
  });

  it("prints as on the wire", () => {
    expect(String(HttpVersion11)).toBe("HTTP/1.1");
    expect(`${new HttpVersion(2, 0)}`).toBe("HTTP/2.0");
  });

  it("compares by value", () => {
    expect(new HttpVersion(1, 1).equals(HttpVersion11)).toBe(true);
    expect(HttpVersion10.equals(HttpVersion11)).toBe(false);
    expect(HttpVersion10.compare(HttpVersion11)).toBeLessThan(0);
    expect(new HttpVersion(2, 0).compare(HttpVersion11)).toBeGreaterThan(0);
    expect(new HttpVersion(1, 9).compare(new HttpVersion(2, 0))).toBeLessThan(0);
    expect(HttpVersion11.compare(new HttpVersion(1, 1))).toBe(0);
  });

  it("is immutable", () => {
    expect(Object.isFrozen(HttpVersion11)).toBe(true);
  });

  it.each([
    [-1, 0],
    [1, 0.5],
    [Number.NaN, 1],
  ])("refuses major %s minor %s with a RangeError", (major, minor) => {
    expect(() => new HttpVersion(major, minor)).toThrow(
      new RangeError("major and minor must be non-negative integers"),
    );
  });
});
