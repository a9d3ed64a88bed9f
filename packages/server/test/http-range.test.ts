import { describe, expect, it } from "vitest";
import { MAX_RANGES, parseHttpRange, resolveRanges } from "../src/http-range.js";

describe("parseHttpRange", () => {
  // aiohttp tests/test_web_request.py::test_range_to_slice_*
  it.each([
    ["bytes=0-499", 0, 500],
    ["bytes=500-999", 500, 1000],
    ["bytes=9500-", 9500, undefined],
    ["bytes=-500", -500, undefined],
  ])("turns %s into a slice", (header, start, end) => {
    expect(parseHttpRange(header)).toEqual({ start, end });
  });

  it("gives an open slice without a header", () => {
    expect(parseHttpRange(undefined)).toEqual({ start: undefined, end: undefined });
  });

  it.each([
    ["bytes=4-५", "range not in acceptable format"],
    ["bytes=0-1,3-4", "range not in acceptable format"],
    ["items=0-1", "range not in acceptable format"],
    ["bytes=5-4", "start cannot be after end"],
    ["bytes=-", "No start or end of range specified"],
  ])("rejects %s", (header, message) => {
    expect(() => parseHttpRange(header)).toThrow(new RangeError(message));
  });
});

describe("resolveRanges", () => {
  it("resolves, clamps and counts suffixes from the end", () => {
    expect(resolveRanges("bytes=0-1, 5-, -3, 8-100", 10)).toEqual({ kind: "ignore" });
    expect(resolveRanges("bytes=0-1, -3", 10)).toEqual({
      kind: "ranges",
      ranges: [
        { start: 0, end: 1 },
        { start: 7, end: 9 },
      ],
    });
    expect(resolveRanges("bytes=8-100", 10)).toEqual({
      kind: "ranges",
      ranges: [{ start: 8, end: 9 }],
    });
    expect(resolveRanges("bytes=-100", 10)).toEqual({
      kind: "ranges",
      ranges: [{ start: 0, end: 9 }],
    });
  });

  it("drops unsatisfiable ranges and is unsatisfiable when none is left", () => {
    expect(resolveRanges("bytes=20-30, 2-3", 10)).toEqual({
      kind: "ranges",
      ranges: [{ start: 2, end: 3 }],
    });
    expect(resolveRanges("bytes=10-", 10)).toEqual({ kind: "unsatisfiable" });
    expect(resolveRanges("bytes=-0", 10)).toEqual({ kind: "unsatisfiable" });
    expect(resolveRanges("bytes=0-", 0)).toEqual({ kind: "unsatisfiable" });
  });

  it("is unsatisfiable for malformed sets", () => {
    for (const header of ["bytes=", "bytes=a-b", "bytes=5-4", "bytes=1-2-3", "bytes", "bytes=-"]) {
      expect(resolveRanges(header, 10)).toEqual({ kind: "unsatisfiable" });
    }
  });

  it("ignores other units, too many ranges and overlapping amplification", () => {
    expect(resolveRanges("items=0-1", 10)).toEqual({ kind: "ignore" });
    expect(resolveRanges(`bytes=${"0-0,".repeat(MAX_RANGES + 1)}`, 1000)).toEqual({
      kind: "ignore",
    });
    expect(resolveRanges("bytes=0-9,0-9", 10)).toEqual({ kind: "ignore" });
  });

  it("saturates huge numbers instead of rounding", () => {
    expect(resolveRanges("bytes=99999999999999999999-", 10)).toEqual({ kind: "unsatisfiable" });
  });
});
