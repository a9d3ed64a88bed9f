import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import type { ReadonlyMultiDict } from "../src/index.js";
import { CIMultiDict, CIMultiDictProxy } from "../src/index.js";

// The behaviour shared with MultiDict is tested in multi-dict.test.ts.
describe("CIMultiDict", () => {
  it("finds names whatever their case, keeping the case they were added with", () => {
    const headers = new CIMultiDict([
      ["Content-Type", "text/plain"],
      ["SET-COOKIE", "a=1"],
    ]);
    headers.add("set-cookie", "b=2");
    expect(headers.get("content-type")).toBe("text/plain");
    expect(headers.getAll("Set-Cookie")).toEqual(["a=1", "b=2"]);
    expect(headers.has("CONTENT-TYPE")).toBe(true);
    expect([...headers.keys()]).toEqual(["Content-Type", "SET-COOKIE", "set-cookie"]);
  });

  it("takes the new name's case on set", () => {
    const headers = new CIMultiDict([
      ["content-type", "a"],
      ["Content-Type", "b"],
    ]);
    headers.set("Content-Type", "c");
    expect([...headers]).toEqual([["Content-Type", "c"]]);
  });

  it("deletes whatever the case", () => {
    const headers = new CIMultiDict([
      ["X-A", "1"],
      ["x-a", "2"],
      ["X-B", "3"],
    ]);
    expect(headers.delete("X-a")).toBe(true);
    expect([...headers]).toEqual([["X-B", "3"]]);
  });

  it("holds values of any type", () => {
    const dict = new CIMultiDict<number>({ A: 1 });
    expect(dict.get("a")).toBe(1);
  });

  it("serves as a ReadonlyMultiDict, like its proxy", () => {
    const sizeOf = (dict: ReadonlyMultiDict<string>) => dict.size;
    const headers = new CIMultiDict({ A: "1" });
    expect(sizeOf(headers) + sizeOf(new CIMultiDictProxy(headers))).toBe(2);
  });

  it("shows its pairs in util.inspect", () => {
    const headers = new CIMultiDict({ Host: "a", Accept: "*/*" });
    expect(inspect(headers)).toBe('CIMultiDict(2) { "Host" => a, "Accept" => */* }');
    expect(inspect(new CIMultiDictProxy(headers))).toBe(
      'CIMultiDictProxy(CIMultiDict(2) { "Host" => a, "Accept" => */* })',
    );
  });
});
