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

describe("@ll/web", () => {
  it.each(Object.entries(PACKAGES))(
    "re-exports every value %s exports, as the same object",
    (_name, namespace) => {
      const names = Object.keys(namespace);
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
    expect(Object.keys(web).filter((name) => !all.has(name))).toEqual([]);
  });

  it("serves the README example's handler shape", () => {
    const server = new web.Server(async () => new web.Response({ text: "OK" }));
    expect(server.connectionListener).toBeTypeOf("function");
  });
});
