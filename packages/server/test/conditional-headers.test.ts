import { describe, expect, it } from "vitest";
import { formatLastModified, parseDateHeader, parseIfRange } from "../src/conditional-headers.js";
import { guessContentType } from "../src/mime-types.js";

describe("parseDateHeader", () => {
  // aiohttp tests/test_web_request.py: if_modified_since and friends
  it.each([
    ["xxyyzz", undefined],
    ["Tue, 08 Oct 4446413 00:56:40 GMT", undefined],
    ["Tue, 08 Oct 2000 00:56:80 GMT", undefined],
    ["Tue, 08 Oct 2000 00:56:40 GMT", new Date(Date.UTC(2000, 9, 8, 0, 56, 40))],
    [undefined, undefined],
  ])("parses %j", (value, expected) => {
    expect(parseDateHeader(value)).toEqual(expected);
  });
});

describe("parseIfRange", () => {
  it("reads dates and entity tags", () => {
    expect(parseIfRange("Tue, 08 Oct 2000 00:56:40 GMT")).toEqual(
      new Date(Date.UTC(2000, 9, 8, 0, 56, 40)),
    );
    expect(parseIfRange('"abc"')).toEqual({ value: "abc", isWeak: false });
    expect(parseIfRange('W/"abc"')).toEqual({ value: "abc", isWeak: true });
    expect(parseIfRange("junk")).toBeUndefined();
    expect(parseIfRange(undefined)).toBeUndefined();
  });
});

describe("formatLastModified", () => {
  it("rounds up to whole seconds and keeps strings", () => {
    expect(formatLastModified(new Date(Date.UTC(2000, 0, 1, 0, 0, 0, 1)))).toBe(
      "Sat, 01 Jan 2000 00:00:01 GMT",
    );
    expect(formatLastModified(Date.UTC(2000, 0, 1))).toBe("Sat, 01 Jan 2000 00:00:00 GMT");
    expect(formatLastModified("yesterday")).toBe("yesterday");
  });

  it("rejects invalid values", () => {
    expect(() => formatLastModified(new Date(Number.NaN))).toThrow(
      new TypeError("lastModified must be a valid date"),
    );
    expect(() => formatLastModified("a\r\nb")).toThrow(TypeError);
  });
});

describe("guessContentType", () => {
  it.each([
    ["/a/index.HTML", "text/html; charset=utf-8"],
    ["x.png", "image/png"],
    ["x.tar.gz", "application/gzip"],
    ["noext", undefined],
    [".hidden", undefined],
    ["dir.d/file", undefined],
  ])("guesses %s", (path, expected) => {
    expect(guessContentType(path)).toBe(expected);
  });
});
