import { readFileSync } from "node:fs";
import * as httpProtocol from "@ll/http-protocol";
import * as runner from "@ll/runner";
import * as server from "@ll/server";
import * as web from "@ll/web";
import * as websocket from "@ll/websocket";
import { describe, expect, it } from "vitest";

const PACKAGES = {
  "@ll/http-protocol": httpProtocol,
  "@ll/server": server,
  "@ll/runner": runner,
  "@ll/websocket": websocket,
};

/** Names a package exports under an `@internal` comment: for its siblings, not re-exported. */
function internalNames(name: string): Set<string> {
  const index = new URL(`../../${name.slice("@ll/".length)}/src/index.ts`, import.meta.url);
  const source = readFileSync(index, "utf8");
  const names = new Set<string>();
  for (const [, list] of source.matchAll(/\/\*\*[^*]*@internal[^*]*\*\/\s*export\s+\{([^}]*)\}/g)) {
    for (const item of list!.split(",")) if (item.trim() !== "") names.add(item.trim());
  }
  return names;
}

describe("@ll/web", () => {
  it.each(Object.entries(PACKAGES))(
    "re-exports every public value %s exports, as the same object",
    (name, namespace) => {
      const internal = internalNames(name);
      const names = Object.keys(namespace).filter((exported) => !internal.has(exported));
      expect(names.length).toBeGreaterThan(0);
      for (const name of names) {
        expect(web, name).toHaveProperty(name);
        expect((web as Record<string, unknown>)[name], name).toBe(
          (namespace as Record<string, unknown>)[name],
        );
      }
    },
  );

  it("has no API of its own", () => {
    const all = new Set(Object.values(PACKAGES).flatMap((namespace) => Object.keys(namespace)));
    expect(internalNames("@ll/http-protocol")).toEqual(
      new Set(["checkOptionKeys", "releaseHeaders", "isToken", "multiDictEntries"]),
    );
    expect(Object.keys(web).filter((name) => !all.has(name))).toEqual([]);
  });

  it("serves the README example's handler shape", () => {
    const server = new web.Server(async () => new web.Response({ text: "OK" }));
    expect(server.connectionListener).toBeTypeOf("function");
  });
});
