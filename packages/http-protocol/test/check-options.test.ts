import { describe, expect, it } from "vitest";
import { checkOptionKeys, closestKey } from "../src/check-options.js";

const KEYS = { keepaliveTimeout: true, headersTimeout: true, debug: true } as const;

describe("checkOptionKeys", () => {
  it("accepts known keys, an empty object and undefined", () => {
    expect(() =>
      checkOptionKeys({ debug: true, keepaliveTimeout: 1 }, KEYS, "Server"),
    ).not.toThrow();
    expect(() => checkOptionKeys({}, KEYS, "Server")).not.toThrow();
    expect(() => checkOptionKeys(undefined, KEYS, "Server")).not.toThrow();
  });

  it("names the key that differs only in case", () => {
    expect(() => checkOptionKeys({ keepAliveTimeout: 5 }, KEYS, "Server")).toThrow(
      new TypeError("Unknown Server option keepAliveTimeout: did you mean keepaliveTimeout?"),
    );
  });

  it("names the key a typo away", () => {
    expect(() => checkOptionKeys({ headerTimeout: 5 }, KEYS, "Server")).toThrow(
      new TypeError("Unknown Server option headerTimeout: did you mean headersTimeout?"),
    );
  });

  it("lists the valid keys when none is close", () => {
    expect(() => checkOptionKeys({ port: 80 }, KEYS, "Server")).toThrow(
      new TypeError(
        "Unknown Server option port (valid options: keepaliveTimeout, headersTimeout, debug)",
      ),
    );
  });

  it("refuses an unknown key even when its value is undefined", () => {
    expect(() => checkOptionKeys({ debg: undefined }, KEYS, "Server")).toThrow(
      new TypeError("Unknown Server option debg: did you mean debug?"),
    );
  });

  it("ignores inherited keys", () => {
    const options = Object.create({ inherited: true }) as object;
    expect(() => checkOptionKeys(options, KEYS, "Server")).not.toThrow();
  });
});

describe("closestKey", () => {
  it.each([
    ["KEEPALIVETIMEOUT", "keepaliveTimeout"],
    ["keepAliveTimout", "keepaliveTimeout"],
    ["debugg", "debug"],
    ["debgu", undefined],
    ["x", undefined],
    ["timeout", undefined],
  ])("%s → %s", (key, expected) => {
    expect(closestKey(key, Object.keys(KEYS))).toBe(expected);
  });
});
