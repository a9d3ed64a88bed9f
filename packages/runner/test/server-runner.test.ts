import net from "node:net";
import { Response, Server } from "@ll/server";
import { deferred } from "@ll/test-utils";
import { afterEach, describe, expect, it } from "vitest";
import { ServerRunner } from "../src/server-runner.js";
import { TCPSite } from "../src/tcp-site.js";
import { get, okServer } from "./helpers.js";

let runner: ServerRunner | undefined;
afterEach(async () => {
  await runner?.cleanup();
  runner = undefined;
});

describe("ServerRunner", () => {
  describe("#setup", () => {
    it("throws when called twice", async () => {
      runner = new ServerRunner(okServer());
      await runner.setup();
      await expect(runner.setup()).rejects.toThrow(
        new Error("ServerRunner.setup() was already called"),
      );
    });
  });

  it("refuses a site before setup", async () => {
    runner = new ServerRunner(okServer());
    await expect(new TCPSite(runner, "127.0.0.1", 0).start()).rejects.toThrow(
      "Call ServerRunner.setup() before starting a site",
    );
  });

  it("refuses to start a site twice", async () => {
    runner = new ServerRunner(okServer());
    await runner.setup();
    const site = new TCPSite(runner, "127.0.0.1", 0);
    await site.start();
    await expect(site.start()).rejects.toThrow("Site TCPSite was already started");
  });

  it("validates its options", () => {
    expect(() => new ServerRunner(okServer(), { shutdownTimeout: -1 })).toThrow(
      new RangeError("shutdownTimeout must be a non-negative number"),
    );
  });

  it("lists its sites and their addresses", async () => {
    runner = new ServerRunner(okServer());
    await runner.setup();
    const site = new TCPSite(runner, "127.0.0.1", 0);
    await site.start();
    expect(runner.sites).toEqual([site]);
    const [address] = runner.addresses as net.AddressInfo[];
    expect(address).toMatchObject({ address: "127.0.0.1", family: "IPv4" });
    expect(site.name).toBe(`http://127.0.0.1:${address!.port}`);
    expect((await get(`${site.name}/x`)).body).toBe("OK /x");
  });

  describe("#cleanup", () => {
    it("finishes an in-flight request, closes idle keep-alive sockets and refuses new connections", async () => {
      const slowStarted = deferred();
      const finishSlow = deferred();
      const server = new Server(async (request) => {
        if (request.path === "/slow") {
          slowStarted.resolve();
          await finishSlow.promise;
        }
        return new Response({ text: `OK ${request.path}` });
      });
      runner = new ServerRunner(server, { shutdownTimeout: 5000 });
      await runner.setup();
      const site = new TCPSite(runner, "127.0.0.1", 0);
      await site.start();
      const { port } = runner.addresses[0] as net.AddressInfo;

      const idle = net.connect(port, "127.0.0.1");
      idle.write("GET /idle HTTP/1.1\r\nHost: x\r\n\r\n");
      let idleData = "";
      idle.on("data", (chunk) => (idleData += chunk));
      await new Promise((resolve) => idle.once("data", resolve));
      const idleClosed = new Promise((resolve) => idle.once("close", resolve));

      const slow = net.connect(port, "127.0.0.1");
      let slowData = "";
      slow.on("data", (chunk) => (slowData += chunk));
      const slowEnded = new Promise((resolve) => slow.once("close", resolve));
      slow.write("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
      await slowStarted.promise;

      const cleaning = runner.cleanup();
      await idleClosed;
      expect(idleData).toContain("OK /idle");
      const refused = await new Promise<string>((resolve) => {
        const probe = net.connect(port, "127.0.0.1");
        probe.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? ""));
        probe.once("connect", () => resolve("connected"));
      });
      expect(refused).toBe("ECONNREFUSED");
      // The cleanup waits for the request in flight.
      finishSlow.resolve();
      await cleaning;
      await slowEnded;
      expect(slowData).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
      expect(slowData).toContain("Connection: close\r\n");
      expect(slowData.endsWith("OK /slow")).toBe(true);
      runner = undefined;
    });
  });
});
