// Unknown option keys are refused, naming the closest valid one, instead of being ignored.
import { describe, expect, it } from "vitest";
import { runServer } from "../src/run-server.js";
import { ServerRunner } from "../src/server-runner.js";
import { SockSite } from "../src/sock-site.js";
import { TCPSite } from "../src/tcp-site.js";
import { okServer } from "./helpers.js";

// Options with a key the types refuse, as JavaScript callers (or a cast) would pass them.
const loose = <T>(options: Record<string, unknown>): T => options as T;

describe("unknown option keys", () => {
  it("ServerRunner", () => {
    expect(() => new ServerRunner(okServer(), loose({ shutdownTimout: 1 }))).toThrow(
      new TypeError("Unknown ServerRunner option shutdownTimout: did you mean shutdownTimeout?"),
    );
    expect(() => new ServerRunner(okServer(), loose({ handle_signals: true }))).toThrow(
      new TypeError("Unknown ServerRunner option handle_signals: did you mean handleSignals?"),
    );
  });

  it("TCPSite", () => {
    const runner = new ServerRunner(okServer());
    expect(() => new TCPSite(runner, "127.0.0.1", 0, loose({ reuse_port: true }))).toThrow(
      new TypeError("Unknown TCPSite option reuse_port: did you mean reusePort?"),
    );
    expect(() => new TCPSite(runner, "127.0.0.1", 0, loose({ ssl: {} }))).toThrow(
      new TypeError(
        "Unknown TCPSite option ssl (valid options: backlog, reuseAddress, reusePort, tls)",
      ),
    );
  });

  it("SockSite", () => {
    const runner = new ServerRunner(okServer());
    expect(() => new SockSite(runner, { fd: 3 }, loose({ backLog: 1 }))).toThrow(
      new TypeError("Unknown SockSite option backLog: did you mean backlog?"),
    );
  });

  it("runServer rejects before listening", async () => {
    await expect(runServer(okServer(), loose({ prt: 0, print: null }))).rejects.toThrow(
      new TypeError("Unknown runServer option prt: did you mean port?"),
    );
  });
});
