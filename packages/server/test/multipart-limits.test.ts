import { describe, expect, it } from "vitest";
import {
  DEFAULT_MULTIPART_LIMITS,
  type MultipartLimits,
  multipartLimitExceeded,
  resolveMultipartLimits,
} from "../src/multipart-limits.js";
import { Server } from "../src/server.js";
import { HTTPRequestEntityTooLarge } from "../src/web-exceptions.js";

describe("DEFAULT_MULTIPART_LIMITS", () => {
  it("holds the documented defaults, frozen", () => {
    expect(DEFAULT_MULTIPART_LIMITS).toEqual({
      fields: 1000,
      files: 100,
      parts: 1000,
      fieldSize: 1048576,
      fileSize: Number.POSITIVE_INFINITY,
      headerSize: 8192,
      headerPairs: 32,
    });
    expect(Object.isFrozen(DEFAULT_MULTIPART_LIMITS)).toBe(true);
  });
});

describe("resolveMultipartLimits", () => {
  it("returns the base when no limits are given", () => {
    expect(resolveMultipartLimits(undefined, DEFAULT_MULTIPART_LIMITS, "limits")).toBe(
      DEFAULT_MULTIPART_LIMITS,
    );
  });

  it("replaces the given limits and keeps the others", () => {
    const resolved = resolveMultipartLimits(
      { fields: 5, fileSize: 10, headerPairs: Number.POSITIVE_INFINITY, files: undefined },
      DEFAULT_MULTIPART_LIMITS,
      "limits",
    );
    expect(resolved).toEqual({
      ...DEFAULT_MULTIPART_LIMITS,
      fields: 5,
      fileSize: 10,
      headerPairs: Number.POSITIVE_INFINITY,
    });
    expect(Object.isFrozen(resolved)).toBe(true);
  });

  it.each([
    [null, TypeError, "multipartLimits must be an object"],
    [5, TypeError, "multipartLimits must be an object"],
    [
      { feilds: 1 },
      TypeError,
      "multipartLimits.feilds is not a multipart limit (known: fields, files, parts, fieldSize, fileSize, headerSize, headerPairs)",
    ],
    [{ fields: "10" }, TypeError, "multipartLimits.fields must be a number"],
    [{ files: 0 }, RangeError, "multipartLimits.files must be a positive integer or Infinity"],
    [{ parts: -1 }, RangeError, "multipartLimits.parts must be a positive integer or Infinity"],
    [
      { fieldSize: 1.5 },
      RangeError,
      "multipartLimits.fieldSize must be a positive integer or Infinity",
    ],
    [
      { fileSize: Number.NaN },
      RangeError,
      "multipartLimits.fileSize must be a positive integer or Infinity",
    ],
    [
      { headerSize: Number.NEGATIVE_INFINITY },
      RangeError,
      "multipartLimits.headerSize must be a positive integer or Infinity",
    ],
  ])("rejects %o", (limits, type, message) => {
    const resolve = () =>
      resolveMultipartLimits(
        limits as unknown as MultipartLimits,
        DEFAULT_MULTIPART_LIMITS,
        "multipartLimits",
      );
    expect(resolve).toThrow(type);
    expect(resolve).toThrow(message);
  });
});

describe("multipartLimitExceeded", () => {
  it.each([
    ["fields", 1000, 1001, "Too many fields: the limit is 1000 (multipartLimits.fields)"],
    ["files", 100, 101, "Too many files: the limit is 100 (multipartLimits.files)"],
    ["parts", 1000, 1001, "Too many parts: the limit is 1000 (multipartLimits.parts)"],
    [
      "fieldSize",
      1048576,
      1048577,
      "A field is too large: the limit is 1048576 bytes (multipartLimits.fieldSize)",
    ],
    ["fileSize", 10, 11, "A file is too large: the limit is 10 bytes (multipartLimits.fileSize)"],
    [
      "headerSize",
      8192,
      8193,
      "A part's headers are too large: the limit is 8192 bytes (multipartLimits.headerSize)",
    ],
    [
      "headerPairs",
      32,
      33,
      "A part has too many header lines: the limit is 32 (multipartLimits.headerPairs)",
    ],
  ] as const)("names the %s limit in a 413", (name, limit, actual, text) => {
    const error = multipartLimitExceeded(name, limit, actual);
    expect(error).toBeInstanceOf(HTTPRequestEntityTooLarge);
    expect(error).toMatchObject({ status: 413, text, maxSize: limit, actualSize: actual });
  });
});

describe("Server option multipartLimits", () => {
  const handler = () => {
    throw new Error("not called");
  };

  it("rejects an unknown limit with a TypeError naming it", () => {
    const create = () =>
      new Server(handler, { multipartLimits: { filez: 1 } as unknown as MultipartLimits });
    expect(create).toThrow(TypeError);
    expect(create).toThrow(
      new TypeError(
        "multipartLimits.filez is not a multipart limit (known: fields, files, parts, fieldSize, fileSize, headerSize, headerPairs)",
      ),
    );
  });

  it("rejects a non-positive limit with a RangeError naming it", () => {
    const create = () => new Server(handler, { multipartLimits: { fieldSize: 0 } });
    expect(create).toThrow(RangeError);
    expect(create).toThrow(
      new RangeError("multipartLimits.fieldSize must be a positive integer or Infinity"),
    );
  });
});
