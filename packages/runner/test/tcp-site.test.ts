import { readFileSync } from "node:fs";
import net from "node:net";
import { Agent } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { ServerRunner } from "../src/server-runner.js";
import { TCPSite } from "../src/tcp-site.js";
import { get, okServer } from "./helpers.js";

let runner: ServerRunner | undefined;
afterEach(async () => {
  await runner?.cleanup();
  runner = undefined;
});

async function started(host: string | undefined, port = 0, options = {}) {
  runner = new ServerRunner(okServer());
  await runner.setup();
  const site = new TCPSite(runner, host, port, options);
  await site.start();
  return site;
}

const ipv6 = await new Promise<boolean>((resolve) => {
  const probe = net.createServer().once("error", () => resolve(false));
  probe.listen(0, "::1", () => probe.close(() => resolve(true)));
});

// A self-signed certificate for localhost and 127.0.0.1 (see fixtures/README.md).
const certificate = {
  key: readFileSync(new URL("fixtures/key.pem", import.meta.url), "utf8"),
  cert: readFileSync(new URL("fixtures/cert.pem", import.meta.url), "utf8"),
};

describe("TCPSite", () => {
  it("serves on port 0 with the real port in its name", async () => {
    const site = await started("127.0.0.1");
    expect(site.name).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(site.name).not.toBe("http://127.0.0.1:0");
    const response = await get(`${site.name}/a`);
    expect(response.status).toBe(200);
    expect(response.body).toBe("OK /a");
  });

  it("binds every address of localhost on one port", async () => {
    const site = await started("localhost");
    const ports = new Set(site.addresses.map((address) => (address as net.AddressInfo).port));
    expect(ports.size).toBe(1);
    const [port] = ports;
    expect((await get(`http://127.0.0.1:${port}/v4`)).body).toBe("OK /v4");
  });

  it.skipIf(!ipv6)("serves IPv6", async () => {
    const site = await started("::1");
    expect(site.name).toMatch(/^http:\/\/\[::1\]:\d+$/);
    expect((await get(`${site.name}/six`)).body).toBe("OK /six");
  });

  it("listens on every interface without a host", async () => {
    const site = await started(undefined);
    const { port } = site.addresses[0] as net.AddressInfo;
    expect(site.name).toBe(`http://0.0.0.0:${port}`);
    expect((await get(`http://127.0.0.1:${port}/any`)).body).toBe("OK /any");
  });

  it("says which port is in use", async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const { port } = blocker.address() as net.AddressInfo;
    try {
      await expect(started("127.0.0.1", port)).rejects.toThrow(
        `port ${port} on 127.0.0.1 is already in use`,
      );
    } finally {
      blocker.close();
    }
  });

  it("rejects a bad port", () => {
    expect(() => new TCPSite(new ServerRunner(okServer()), "127.0.0.1", 70000)).toThrow(
      new RangeError("port must be an integer from 0 to 65535"),
    );
  });

  it("serves HTTPS with the tls option", async () => {
    const site = await started("127.0.0.1", 0, { tls: certificate });
    expect(site.name).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const dispatcher = new Agent({ connect: { ca: certificate.cert } });
    try {
      const response = await get(`${site.name}/secure`, { dispatcher });
      expect(response.status).toBe(200);
      expect(response.body).toBe("OK /secure");
    } finally {
      await dispatcher.close();
    }
  });
});
