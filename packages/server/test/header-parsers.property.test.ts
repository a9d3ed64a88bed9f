import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { selectContentCoding } from "../src/content-coding.js";
import { contentDispositionParam } from "../src/content-disposition.js";
import { parseCookieHeader } from "../src/cookies.js";
import { parseETagList } from "../src/etag.js";
import { parseForwarded } from "../src/forwarded.js";
import { resolveRanges } from "../src/http-range.js";

// Header values reach these parsers latin1-decoded: any of U+0000..U+00FF.
const latin1 = fc.string({
  unit: fc.integer({ min: 0, max: 0xff }).map((code) => String.fromCharCode(code)),
  maxLength: 80,
});
const headerish = fc.oneof(
  latin1,
  fc.string({ unit: fc.constantFrom(...'a=;,"\\ W/*-bytes0123456789:[]'), maxLength: 60 }),
);

describe("header parsers on arbitrary input", () => {
  it("never throw and return well-formed results", () => {
    fc.assert(
      fc.property(headerish, fc.nat(1000), (value, size) => {
        for (const [name, cookie] of parseCookieHeader(value)) {
          expect(name).not.toMatch(/[;\s=]/);
          expect(typeof cookie).toBe("string");
        }
        for (const element of parseForwarded([value, value]))
          expect(Object.isFrozen(element)).toBe(true);
        for (const tag of parseETagList(value) ?? []) expect(tag.value).not.toContain('"');
        const resolution = resolveRanges(value, size);
        if (resolution.kind === "ranges") {
          for (const range of resolution.ranges) {
            expect(range.start).toBeGreaterThanOrEqual(0);
            expect(range.end).toBeLessThan(size);
            expect(range.start).toBeLessThanOrEqual(range.end);
          }
        }
        expect([undefined, "gzip", "deflate", "br"]).toContain(selectContentCoding(value));
        contentDispositionParam(value, "filename");
      }),
    );
  });
});
