import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { httpDate, parseHttpDate } from "../src/index.js";

describe("httpDate", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("formats now as an IMF-fixdate", () => {
    vi.useFakeTimers({ now: Date.UTC(1994, 10, 6, 8, 49, 37, 250) });
    expect(httpDate()).toBe("Sun, 06 Nov 1994 08:49:37 GMT");
  });

  it("changes when the second changes, not before", () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 0, 1, 0, 0, 0, 0) });
    const first = httpDate();
    vi.advanceTimersByTime(999);
    expect(httpDate()).toBe(first);
    vi.advanceTimersByTime(1);
    expect(httpDate()).toBe("Thu, 01 Jan 2026 00:00:01 GMT");
  });

  it("formats a given date or timestamp", () => {
    expect(httpDate(new Date(Date.UTC(2000, 1, 29, 23, 59, 59)))).toBe(
      "Tue, 29 Feb 2000 23:59:59 GMT",
    );
    expect(httpDate(0)).toBe("Thu, 01 Jan 1970 00:00:00 GMT");
  });
});

describe("parseHttpDate", () => {
  const expected = new Date(Date.UTC(1994, 10, 6, 8, 49, 37));

  // RFC 9110 §5.6.7's three examples.
  it.each([
    ["IMF-fixdate", "Sun, 06 Nov 1994 08:49:37 GMT"],
    ["RFC 850", "Sunday, 06-Nov-94 08:49:37 GMT"],
    ["asctime", "Sun Nov  6 08:49:37 1994"],
  ])("reads the %s format", (_, value) => {
    expect(parseHttpDate(value)).toEqual(expected);
  });

  it("reads a two-digit day in asctime, zero-padded or not", () => {
    expect(parseHttpDate("Thu Nov 26 08:49:37 2026")).toEqual(
      new Date(Date.UTC(2026, 10, 26, 8, 49, 37)),
    );
    expect(parseHttpDate("Sun Nov 06 08:49:37 1994")).toEqual(expected);
  });

  it("takes an RFC 850 year more than 50 years ahead as last century's", () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 5, 1) });
    try {
      expect(parseHttpDate("Monday, 01-Jan-76 00:00:00 GMT")?.getUTCFullYear()).toBe(2076);
      expect(parseHttpDate("Monday, 01-Jan-77 00:00:00 GMT")?.getUTCFullYear()).toBe(1977);
      expect(parseHttpDate("Monday, 01-Jan-26 00:00:00 GMT")?.getUTCFullYear()).toBe(2026);
    } finally {
      vi.useRealTimers();
    }
  });

  it("reads years before 100 as they are", () => {
    expect(parseHttpDate("Mon, 01 Jan 0050 00:00:00 GMT")?.getUTCFullYear()).toBe(50);
  });

  it.each([
    ["an empty string", ""],
    ["garbage", "yesterday"],
    ["a lowercase month", "Sun, 06 nov 1994 08:49:37 GMT"],
    ["a lowercase day name", "sun, 06 Nov 1994 08:49:37 GMT"],
    ["an unknown month", "Sun, 06 Nox 1994 08:49:37 GMT"],
    ["a month straddling two names", "Sun, 06 anF 1994 08:49:37 GMT"],
    ["another zone", "Sun, 06 Nov 1994 08:49:37 UTC"],
    ["a numeric offset", "Sun, 06 Nov 1994 08:49:37 +0000"],
    ["a one-digit day", "Sun, 6 Nov 1994 08:49:37 GMT"],
    ["a double space", "Sun,  06 Nov 1994 08:49:37 GMT"],
    ["leading whitespace", " Sun, 06 Nov 1994 08:49:37 GMT"],
    ["trailing whitespace", "Sun, 06 Nov 1994 08:49:37 GMT "],
    ["31 February", "Sat, 31 Feb 2026 00:00:00 GMT"],
    ["29 February in a common year", "Sun, 29 Feb 2026 00:00:00 GMT"],
    ["day 0", "Sun, 00 Nov 1994 08:49:37 GMT"],
    ["hour 24", "Sun, 06 Nov 1994 24:00:00 GMT"],
    ["minute 60", "Sun, 06 Nov 1994 08:60:00 GMT"],
    ["second 61", "Sun, 06 Nov 1994 08:49:61 GMT"],
    ["a short day name in RFC 850", "Sun, 06-Nov-94 08:49:37 GMT"],
    ["a four-digit year in RFC 850", "Sunday, 06-Nov-1994 08:49:37 GMT"],
    ["a blank day in asctime", "Sun Nov    08:49:37 1994"],
    ["ISO 8601", "1994-11-06T08:49:37Z"],
    ["a timestamp", "784111777"],
  ])("refuses %s", (_, value) => {
    expect(parseHttpDate(value)).toBeUndefined();
  });

  it("accepts a leap second, as 59", () => {
    expect(parseHttpDate("Wed, 31 Dec 2016 23:59:60 GMT")).toEqual(
      new Date(Date.UTC(2016, 11, 31, 23, 59, 59)),
    );
  });

  it("reads back what httpDate writes", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 253402300799 }), (seconds) => {
        const date = new Date(seconds * 1000);
        expect(parseHttpDate(httpDate(date))).toEqual(date);
      }),
    );
  });

  it("returns a Date or undefined for any string", () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        const result = parseHttpDate(value);
        expect(result === undefined || !Number.isNaN(result.getTime())).toBe(true);
      }),
    );
  });
});
