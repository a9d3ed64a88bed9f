import { describe, expectTypeOf, it } from "vitest";
import type { ReadonlyMultiDict } from "../src/index.js";
import { CIMultiDict, CIMultiDictProxy, MultiDict, MultiDictProxy } from "../src/index.js";

describe("multi-dict types", () => {
  it("infers the value type, string by default", () => {
    expectTypeOf(new CIMultiDict().get("a")).toEqualTypeOf<string | undefined>();
    expectTypeOf(new CIMultiDict({ a: 1 }).getAll("a")).toEqualTypeOf<number[]>();
    expectTypeOf(new MultiDict<boolean>([["a", true]]).get("a")).toEqualTypeOf<
      boolean | undefined
    >();
    expectTypeOf([...new CIMultiDict<number>()]).toEqualTypeOf<[string, number][]>();
  });

  it("gives proxies no mutators", () => {
    const proxy = new CIMultiDictProxy(new CIMultiDict());
    expectTypeOf(proxy).not.toHaveProperty("add");
    expectTypeOf(proxy).not.toHaveProperty("set");
    expectTypeOf(proxy).not.toHaveProperty("delete");
    expectTypeOf(proxy.copy()).toEqualTypeOf<CIMultiDict<string>>();
  });

  it("makes every dict and proxy a ReadonlyMultiDict", () => {
    expectTypeOf(new CIMultiDict()).toExtend<ReadonlyMultiDict<string>>();
    expectTypeOf(new MultiDictProxy(new MultiDict())).toExtend<ReadonlyMultiDict<string>>();
  });

  it("tells the case-insensitive and case-sensitive classes apart", () => {
    expectTypeOf(new MultiDict()).not.toExtend<CIMultiDict>();
    expectTypeOf(new CIMultiDict()).not.toExtend<MultiDict>();
    expectTypeOf(new MultiDictProxy(new MultiDict())).not.toExtend<CIMultiDictProxy>();
  });
});
