import { CIMultiDict } from "@ll/http-protocol";
import { describe, expect, it } from "vitest";
import {
  addVaryAcceptEncoding,
  parseAcceptEncoding,
  selectContentCoding,
} from "../src/content-coding.js";

describe("parseAcceptEncoding", () => {
  it("reads codings and q-values, skipping invalid elements", () => {
    expect([
      ...parseAcceptEncoding("GZIP;q=0.5, br, deflate;q=2, x;q=abc, identity;q=0, *;q=0.1"),
    ]).toEqual([
      ["gzip", 0.5],
      ["br", 1],
      ["identity", 0],
      ["*", 0.1],
    ]);
  });
});

describe("selectContentCoding", () => {
  it.each([
    [undefined, undefined],
    ["", undefined],
    ["gzip, deflate, br", "gzip"],
    ["deflate, gzip", "gzip"],
    ["deflate", "deflate"],
    ["br;q=1, gzip;q=0.8", "br"],
    ["gzip;q=0, deflate;q=0", undefined],
    ["identity", undefined],
    ["*", "gzip"],
    ["*;q=0.5, gzip;q=0", "deflate"],
    ["x-gzip", "gzip"],
    ["compress", undefined],
  ])("picks from %j: %j", (header, expected) => {
    expect(selectContentCoding(header)).toBe(expected);
  });

  it("follows the given order on ties", () => {
    expect(selectContentCoding("gzip, br", ["br", "gzip"])).toBe("br");
  });
});

describe("addVaryAcceptEncoding", () => {
  it("adds or appends once", () => {
    const headers = new CIMultiDict<string>();
    addVaryAcceptEncoding(headers);
    expect(headers.get("Vary")).toBe("Accept-Encoding");
    addVaryAcceptEncoding(headers);
    expect(headers.get("Vary")).toBe("Accept-Encoding");
    headers.set("Vary", "Origin");
    addVaryAcceptEncoding(headers);
    expect(headers.get("Vary")).toBe("Origin, Accept-Encoding");
    headers.set("Vary", "*");
    addVaryAcceptEncoding(headers);
    expect(headers.get("Vary")).toBe("*");
  });
});
