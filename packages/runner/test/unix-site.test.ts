import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Agent } from "undici";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ServerRunner } from "../src/server-runner.js";
import { UnixSite, type UnixSiteOptions } from "../src/unix-site.js";
import { get, okServer } from "./helpers.js";

// A chmod that fails on a real socket cannot be provoked as root, so one test swaps in an error.
const chmodControl = vi.hoisted(() => ({ error: undefined as Error | undefined }));
vi.mock("node:fs/promises", async (importOriginal) => {
  const original = await importOriginal<typeof import("node:fs/promises")>();
  return {
    ...original,
    chmod: (...args: Parameters<typeof original.chmod>) =>
      chmodControl.error === undefined
        ? original.chmod(...args)
        : Promise.reject(chmodControl.error),
  };
});

let dir: string;
let runner: ServerRunner | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "ll-unix-"));
});
afterEach(async () => {
  chmodControl.error = undefined;
  await runner?.cleanup();
  runner = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function getVia(path: string, url: string) {
  const dispatcher = new Agent({ connect: { socketPath: path } });
  try {
    return await get(url, { dispatcher });
  } finally {
    await dispatcher.close();
  }
}

describe("UnixSite", () => {
  it("serves on a socket path", async () => {
    const path = join(dir, "app.sock");
    runner = new ServerRunner(okServer());
    await runner.setup();
    const site = new UnixSite(runner, path);
    await site.start();
    expect(site.name).toBe(`http://unix:${path}:`);
    expect(runner.addresses).toEqual([path]);
    const response = await getVia(path, "http://localhost/unix");
    expect(response.body).toBe("OK /unix");
  });

  it("replaces a stale socket file", async () => {
    const path = join(dir, "stale.sock");
    // A process killed while listening leaves its socket file behind.
    spawnSync(process.execPath, [
      "-e",
      `require("node:net").createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, "SIGKILL"))`,
    ]);
    expect(existsSync(path)).toBe(true);
    runner = new ServerRunner(okServer());
    await runner.setup();
    await new UnixSite(runner, path).start();
    expect((await getVia(path, "http://localhost/fresh")).body).toBe("OK /fresh");
  });

  it("refuses a socket a live server answers on", async () => {
    const path = join(dir, "live.sock");
    const live = net.createServer();
    await new Promise<void>((resolve) => live.listen(path, resolve));
    try {
      runner = new ServerRunner(okServer());
      await runner.setup();
      await expect(new UnixSite(runner, path).start()).rejects.toThrow(
        `socket ${path} is already in use by a running server`,
      );
    } finally {
      live.close();
    }
  });

  describe("mode", () => {
    it("sets the socket file's mode before start() resolves", async () => {
      const path = join(dir, "app.sock");
      runner = new ServerRunner(okServer());
      await runner.setup();
      await new UnixSite(runner, path, { mode: 0o660 }).start();
      expect(statSync(path).mode & 0o777).toBe(0o660);
      expect((await getVia(path, "http://localhost/mode")).body).toBe("OK /mode");
    });

    it("applies a mode wider than the umask allows", async () => {
      const path = join(dir, "open.sock");
      runner = new ServerRunner(okServer());
      await runner.setup();
      await new UnixSite(runner, path, { mode: 0o777 }).start();
      expect(statSync(path).mode & 0o777).toBe(0o777);
    });

    it("rejects start() and closes the listener when the chmod fails", async () => {
      const path = join(dir, "app.sock");
      const cause = Object.assign(new Error("EPERM: operation not permitted, chmod"), {
        code: "EPERM",
      });
      chmodControl.error = cause;
      runner = new ServerRunner(okServer());
      await runner.setup();
      const site = new UnixSite(runner, path, { mode: 0o660 });
      const error = await site.start().then(
        () => undefined,
        (rejection: unknown) => rejection,
      );
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toBe(
        `cannot set mode 0o660 on socket ${path}: EPERM: operation not permitted, chmod`,
      );
      expect((error as NodeJS.ErrnoException).code).toBe("EPERM");
      expect((error as Error).cause).toBe(cause);
      expect(runner.sites).toEqual([]);
      expect(runner.addresses).toEqual([]);
      expect(existsSync(path)).toBe(false);
    });

    it.each([
      [0o1000, RangeError, "mode must be an integer from 0 to 0o777 (e.g. 0o660), got 512"],
      [-1, RangeError, "mode must be an integer from 0 to 0o777 (e.g. 0o660), got -1"],
      [1.5, RangeError, "mode must be an integer from 0 to 0o777 (e.g. 0o660), got 1.5"],
      ["0660", TypeError, "mode must be a number such as 0o660, got string"],
    ])("refuses mode %s", async (mode, errorClass, message) => {
      runner = new ServerRunner(okServer());
      await runner.setup();
      const options = { mode } as unknown as UnixSiteOptions;
      expect(() => new UnixSite(runner!, join(dir, "app.sock"), options)).toThrow(
        new errorClass(message),
      );
      expect(() => new UnixSite(runner!, join(dir, "app.sock"), options)).toThrow(errorClass);
    });

    it("refuses an unknown option, naming it", async () => {
      runner = new ServerRunner(okServer());
      await runner.setup();
      const options = { mod: 0o660 } as unknown as UnixSiteOptions;
      expect(() => new UnixSite(runner!, join(dir, "app.sock"), options)).toThrow(
        new TypeError("Unknown UnixSite option mod: did you mean mode?"),
      );
    });
  });

  describe("listen errors", () => {
    it("says the socket's directory does not exist", async () => {
      const path = join(dir, "missing", "app.sock");
      runner = new ServerRunner(okServer());
      await runner.setup();
      const error = await new UnixSite(runner, path).start().then(
        () => undefined,
        (rejection: unknown) => rejection,
      );
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toBe(
        `cannot listen on ${path}: the directory ${join(dir, "missing")} does not exist`,
      );
      // libuv reports a missing directory as EACCES; the message says what is wrong.
      expect((error as NodeJS.ErrnoException).code).toBe("EACCES");
      expect((error as Error).cause).toMatchObject({ code: "EACCES", syscall: "listen" });
      expect(runner.sites).toEqual([]);
    });

    it("says the socket's directory is a file", async () => {
      const file = join(dir, "file");
      writeFileSync(file, "");
      const path = join(file, "app.sock");
      runner = new ServerRunner(okServer());
      await runner.setup();
      await expect(new UnixSite(runner, path).start()).rejects.toMatchObject({
        message: `cannot listen on ${path}: ${file} is not a directory`,
        code: "ENOTDIR",
      });
    });
  });
});
