import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ReadonlyMultiDict } from "../src/index.js";
import { CIMultiDict, CIMultiDictProxy, MultiDict, MultiDictProxy } from "../src/index.js";

// Behaviour both dicts share; the fold (case) is the only difference, tested below.
// A proxy constructor for either dict class (the table mixes both, so it is typed loosely).
type ProxyOf = new (
  dict: never,
) => ReadonlyMultiDict<string> & { copy(): ReadonlyMultiDict<string> };

describe.each([
  ["MultiDict", MultiDict, MultiDictProxy as ProxyOf],
  ["CIMultiDict", CIMultiDict, CIMultiDictProxy as ProxyOf],
] as const)("%s", (_, Dict, DictProxy) => {
  const make = (
    pairs: [string, string][] = [
      ["a", "1"],
      ["b", "2"],
      ["a", "3"],
    ],
  ) => new Dict(pairs);

  describe("constructor", () => {
    it("takes [name, value] pairs in order", () => {
      expect([...make()]).toEqual([
        ["a", "1"],
        ["b", "2"],
        ["a", "3"],
      ]);
    });

    it("takes a plain object", () => {
      expect([...new Dict({ a: "1", b: "2" })]).toEqual([
        ["a", "1"],
        ["b", "2"],
      ]);
    });

    it("takes another multi-dict, copying it", () => {
      const source = make();
      const copy = new Dict(source);
      source.add("c", "4");
      expect([...copy]).toEqual([
        ["a", "1"],
        ["b", "2"],
        ["a", "3"],
      ]);
    });

    it("starts empty", () => {
      expect(new Dict().size).toBe(0);
      expect([...new Dict()]).toEqual([]);
    });
  });

  describe("#get", () => {
    it("returns the first value", () => expect(make().get("a")).toBe("1"));
    it("returns undefined for a missing name", () => expect(make().get("z")).toBeUndefined());
  });

  describe("#getAll", () => {
    it("returns every value in order", () => expect(make().getAll("a")).toEqual(["1", "3"]));
    it("returns an empty array for a missing name", () => expect(make().getAll("z")).toEqual([]));
  });

  describe("#has", () => {
    it("tells whether a name is present", () => {
      expect(make().has("b")).toBe(true);
      expect(make().has("z")).toBe(false);
    });
  });

  describe("#add", () => {
    it("appends, keeping earlier values, and chains", () => {
      const dict = make().add("b", "4").add("c", "5");
      expect([...dict]).toEqual([
        ["a", "1"],
        ["b", "2"],
        ["a", "3"],
        ["b", "4"],
        ["c", "5"],
      ]);
      expect(dict.size).toBe(5);
    });
  });

  describe("#set", () => {
    it("replaces all values, keeping the first position", () => {
      const dict = make().set("a", "9");
      expect([...dict]).toEqual([
        ["a", "9"],
        ["b", "2"],
      ]);
    });

    it("appends a new name", () => {
      expect([...make().set("c", "9")]).toEqual([
        ["a", "1"],
        ["b", "2"],
        ["a", "3"],
        ["c", "9"],
      ]);
    });
  });

  describe("#setDefault", () => {
    it("returns the existing first value", () => {
      const dict = make();
      expect(dict.setDefault("a", "9")).toBe("1");
      expect(dict.size).toBe(3);
    });

    it("adds a missing name", () => {
      const dict = make();
      expect(dict.setDefault("c", "9")).toBe("9");
      expect(dict.get("c")).toBe("9");
    });
  });

  describe("#delete", () => {
    it("removes every value of a name", () => {
      const dict = make();
      expect(dict.delete("a")).toBe(true);
      expect([...dict]).toEqual([["b", "2"]]);
    });

    it("returns false for a missing name", () => {
      const dict = make();
      expect(dict.delete("z")).toBe(false);
      expect(dict.size).toBe(3);
    });
  });

  describe("#clear", () => {
    it("removes everything", () => {
      const dict = make();
      dict.clear();
      expect(dict.size).toBe(0);
      expect(dict.get("a")).toBeUndefined();
    });
  });

  describe("#extend", () => {
    it("adds every pair", () => {
      expect([...make().extend({ a: "4" })]).toEqual([
        ["a", "1"],
        ["b", "2"],
        ["a", "3"],
        ["a", "4"],
      ]);
    });
  });

  describe("#update", () => {
    it("replaces the values of the names given, leaving others", () => {
      const dict = make().update([
        ["a", "7"],
        ["c", "8"],
        ["a", "9"],
      ]);
      expect([...dict]).toEqual([
        ["a", "7"],
        ["b", "2"],
        ["c", "8"],
        ["a", "9"],
      ]);
    });

    it("takes a plain object", () => {
      expect([...make().update({ b: "7" })]).toEqual([
        ["a", "1"],
        ["b", "7"],
        ["a", "3"],
      ]);
    });
  });

  describe("iteration", () => {
    it("lists keys, values and entries in insertion order", () => {
      const dict = make();
      expect([...dict.keys()]).toEqual(["a", "b", "a"]);
      expect([...dict.values()]).toEqual(["1", "2", "3"]);
      expect([...dict.entries()]).toEqual([
        ["a", "1"],
        ["b", "2"],
        ["a", "3"],
      ]);
    });

    it("is not disturbed by changes made while iterating", () => {
      const dict = make();
      const seen: string[] = [];
      for (const [name] of dict) {
        seen.push(name);
        dict.delete("b");
      }
      expect(seen).toEqual(["a", "b", "a"]);
    });

    it("calls forEach with value, name and the dict", () => {
      const dict = make();
      const calls: unknown[] = [];
      dict.forEach((value, name, self) => {
        calls.push([value, name, self === dict]);
      });
      expect(calls).toEqual([
        ["1", "a", true],
        ["2", "b", true],
        ["3", "a", true],
      ]);
    });
  });

  describe("#copy", () => {
    it("returns an independent dict of the same class", () => {
      const dict = make();
      const copy = dict.copy();
      copy.add("c", "4");
      expect(copy).toBeInstanceOf(Dict);
      expect(dict.size).toBe(3);
    });
  });

  describe("proxy", () => {
    it("is a live read-only view", () => {
      const dict = make();
      const proxy = new DictProxy(dict as never);
      dict.add("c", "4");
      expect(proxy.size).toBe(4);
      expect(proxy.get("c")).toBe("4");
      expect(proxy.getAll("a")).toEqual(["1", "3"]);
      expect(proxy.has("b")).toBe(true);
      expect([...proxy]).toEqual([...dict]);
      expect([...proxy.keys()]).toEqual(["a", "b", "a", "c"]);
      expect([...proxy.values()]).toEqual(["1", "2", "3", "4"]);
      expect([...proxy.entries()]).toEqual([...dict]);
      expect("add" in proxy).toBe(false);
      expect("set" in proxy).toBe(false);
      expect("delete" in proxy).toBe(false);
    });

    it("copies into a mutable dict", () => {
      const copy = new DictProxy(make() as never).copy();
      expect(copy).toBeInstanceOf(Dict);
      expect([...copy]).toEqual([
        ["a", "1"],
        ["b", "2"],
        ["a", "3"],
      ]);
    });

    it("passes itself to forEach", () => {
      const proxy = new DictProxy(make() as never);
      proxy.forEach((_value, _name, self) => {
        expect(self).toBe(proxy);
      });
    });

    it("refuses something that is not its dict class with a TypeError", () => {
      const other = Dict === MultiDict ? new CIMultiDict() : new MultiDict();
      expect(() => new DictProxy(other as never)).toThrow(TypeError);
    });
  });

  it("matches a list-of-pairs model under any sequence of operations", () => {
    const fold =
      Dict === CIMultiDict ? (name: string) => name.toLowerCase() : (name: string) => name;
    const name = fc.constantFrom("a", "A", "b", "B", "c");
    const op = fc.oneof(
      fc.tuple(fc.constant("add"), name, fc.string()),
      fc.tuple(fc.constant("set"), name, fc.string()),
      fc.tuple(fc.constant("delete"), name, fc.string()),
    );
    fc.assert(
      fc.property(fc.array(op), (ops) => {
        const dict = new Dict();
        let model: [string, string][] = [];
        for (const [kind, key, value] of ops) {
          if (kind === "add") {
            dict.add(key, value);
            model.push([key, value]);
          } else if (kind === "delete") {
            dict.delete(key);
            model = model.filter(([other]) => fold(other) !== fold(key));
          } else {
            dict.set(key, value);
            const first = model.findIndex(([other]) => fold(other) === fold(key));
            if (first === -1) model.push([key, value]);
            else {
              model = model.filter(([other], index) => index <= first || fold(other) !== fold(key));
              model[first] = [key, value];
            }
          }
        }
        expect([...dict]).toEqual(model);
        for (const key of ["a", "A", "b", "c"]) {
          const values = model.filter(([other]) => fold(other) === fold(key)).map(([, v]) => v);
          expect(dict.getAll(key)).toEqual(values);
          expect(dict.get(key)).toBe(values[0]);
        }
      }),
    );
  });
});

describe("MultiDict", () => {
  it("tells names apart by case", () => {
    const query = new MultiDict([
      ["a", "1"],
      ["A", "2"],
    ]);
    expect(query.get("a")).toBe("1");
    expect(query.get("A")).toBe("2");
    expect(query.getAll("a")).toEqual(["1"]);
  });

  it("takes URLSearchParams", () => {
    expect(new MultiDict(new URLSearchParams("a=1&b=2&a=3")).getAll("a")).toEqual(["1", "3"]);
  });
});
