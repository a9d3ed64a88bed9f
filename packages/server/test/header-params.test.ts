import { describe, expect, it } from "vitest";
import { contentDispositionParam } from "../src/content-disposition.js";
import { parseFormUrlencoded } from "../src/form-urlencoded.js";
import { parseHeaderParams } from "../src/header-params.js";
import { percentDecode } from "../src/percent-decode.js";

describe("parseHeaderParams", () => {
  it("parses a value and its parameters", () => {
    const parsed = parseHeaderParams('Multipart/Form-Data; Boundary="a;b\\"c"; charset=utf-8;;');
    expect(parsed?.value).toBe("multipart/form-data");
    expect([...parsed!.params]).toEqual([
      ["boundary", 'a;b"c'],
      ["charset", "utf-8"],
    ]);
  });

  it("returns undefined in strict mode for junk", () => {
    expect(parseHeaderParams('form-data; name="x', true)).toBeUndefined();
    expect(parseHeaderParams("form-data; name", true)).toBeUndefined();
    expect(parseHeaderParams('form-data; name="x"y', true)).toBeUndefined();
  });
});

describe("contentDispositionParam", () => {
  it.each([
    ['form-data; name="field"', "name", "field"],
    ['form-data; name="f"; filename="a b.txt"', "filename", "a b.txt"],
    ["form-data; name=f; filename*=UTF-8''%E2%82%AC%20rates.txt", "filename", "€ rates.txt"],
    ["attachment; filename=\"fallback\"; filename*=utf-8''r%C3%A9el", "filename", "réel"],
    ['form-data; filename="/etc/passwd"', "filename", "etc/passwd"],
    ['form-data; filename="a%22b.txt"', "filename", "a%22b.txt"],
    ['form-data; name="x', "name", undefined],
    ["form-data", "name", undefined],
    ["; name=x", "name", undefined],
  ])("reads %s → %s=%s", (header, name, expected) => {
    expect(contentDispositionParam(header, name)).toBe(expected);
  });
});

describe("percentDecode / parseFormUrlencoded", () => {
  it("decodes octets and keeps stray percents", () => {
    expect(percentDecode("a%20b%zz%4").toString("latin1")).toBe("a b%zz%4");
  });

  it("parses urlencoded bodies like parse_qsl(keep_blank_values=True)", () => {
    expect(parseFormUrlencoded(Buffer.from("a=1&b=x+y%21&&c&d=&a=%C3%A9\r\n"))).toEqual([
      ["a", "1"],
      ["b", "x y!"],
      ["c", ""],
      ["d", ""],
      ["a", "é"],
    ]);
  });

  it("decodes in the declared charset", () => {
    expect(parseFormUrlencoded(Buffer.from("n=%E9"), "latin1")).toEqual([["n", "é"]]);
    expect(() => parseFormUrlencoded(Buffer.from("n=1"), "no-such-charset")).toThrow(RangeError);
  });
});
