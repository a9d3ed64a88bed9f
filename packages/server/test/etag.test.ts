import { describe, expect, it } from "vitest";
import { ETAG_ANY, etagMatches, formatETag, parseETag, parseETagList } from "../src/etag.js";

describe("parseETagList", () => {
  // aiohttp tests/test_web_request.py::test_etag_headers
  it.each([
    [
      '"67ab43", W/"54ed21", "7892,dd"',
      [
        { value: "67ab43", isWeak: false },
        { value: "54ed21", isWeak: true },
        { value: "7892,dd", isWeak: false },
      ],
    ],
    [
      '"bfc1ef-5b2c2730249c88ca92d82d"',
      [{ value: "bfc1ef-5b2c2730249c88ca92d82d", isWeak: false }],
    ],
    [
      '"valid-tag", "also-valid-tag",somegarbage"last-tag"',
      [
        { value: "valid-tag", isWeak: false },
        { value: "also-valid-tag", isWeak: false },
      ],
    ],
    ['"ascii", "это точно не ascii", "ascii again"', [{ value: "ascii", isWeak: false }]],
    ["*", [{ value: "*", isWeak: false }]],
  ])("parses %s", (header, expected) => {
    expect(parseETagList(header)).toEqual(expected);
  });

  it("gives undefined for an absent or empty header", () => {
    expect(parseETagList(undefined)).toBeUndefined();
    expect(parseETagList("")).toBeUndefined();
  });

  it("stops at two tags without a comma", () => {
    expect(parseETagList('"a" "b"')).toEqual([]);
  });
});

describe("parseETag", () => {
  it("parses strong, weak and any", () => {
    expect(parseETag('"x"')).toEqual({ value: "x", isWeak: false });
    expect(parseETag('W/"x"')).toEqual({ value: "x", isWeak: true });
    expect(parseETag("*")).toEqual({ value: ETAG_ANY, isWeak: false });
  });

  it("gives undefined for malformed values", () => {
    expect(parseETag("x")).toBeUndefined();
    expect(parseETag('"x')).toBeUndefined();
    expect(parseETag(undefined)).toBeUndefined();
  });
});

describe("formatETag", () => {
  it("quotes strong and weak tags", () => {
    expect(formatETag("abc")).toBe('"abc"');
    expect(formatETag({ value: "abc", isWeak: true })).toBe('W/"abc"');
    expect(formatETag("*")).toBe("*");
  });

  it("rejects a quote, a space or an empty value", () => {
    expect(() => formatETag('a"b')).toThrow(TypeError);
    expect(() => formatETag("a b")).toThrow(/not valid/);
    expect(() => formatETag("")).toThrow(TypeError);
  });
});

describe("etagMatches", () => {
  const list = parseETagList('W/"1", "2"')!;
  it("compares strongly: weak tags never match", () => {
    expect(etagMatches("1", list, { weak: false })).toBe(false);
    expect(etagMatches("2", list, { weak: false })).toBe(true);
    expect(etagMatches({ value: "2", isWeak: true }, list, { weak: false })).toBe(false);
  });

  it("compares weakly: values only", () => {
    expect(etagMatches("1", list, { weak: true })).toBe(true);
    expect(etagMatches({ value: "2", isWeak: true }, list, { weak: true })).toBe(true);
    expect(etagMatches("3", list, { weak: true })).toBe(false);
  });

  it("matches anything against *", () => {
    expect(etagMatches("z", parseETagList("*")!, { weak: false })).toBe(true);
  });
});
