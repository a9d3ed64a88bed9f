// Selective installs: each package packed as npm would publish it, installed into a
// scratch project outside the workspace, and used alone.
import { execFileSync, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const pnpm = join(root, "node_modules/pnpm/bin/pnpm.cjs");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const PACKAGES = ["http-protocol", "server", "runner", "websocket", "web", "test-utils"] as const;
// What @ll/web brings: every package but the test helpers, a dev dependency of its own.
const WEB_PACKAGES = PACKAGES.filter((name) => name !== "test-utils");

let work: string;
const tarballs = new Map<string, string>();

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "ll-pack-"));
  const packed = join(work, "tarballs");
  mkdirSync(packed);
  for (const name of PACKAGES) {
    execFileSync(process.execPath, [pnpm, "pack", "--pack-destination", packed], {
      cwd: join(root, "packages", name),
      stdio: "ignore",
    });
  }
  for (const file of readdirSync(packed)) {
    const name = PACKAGES.find((candidate) => file.startsWith(`ll-${candidate}-`));
    if (name !== undefined) tarballs.set(name, join(packed, file));
  }
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A scratch npm project with these packages installed from their tarballs. */
function project(name: string, packages: readonly string[]): string {
  const dir = join(work, name);
  mkdirSync(dir);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name, private: true, type: "module" }));
  const result = spawnSync(
    npm,
    [
      "install",
      "--no-audit",
      "--no-fund",
      "--prefer-offline",
      ...packages.map((p) => tarballs.get(p)!),
    ],
    { cwd: dir, encoding: "utf8" },
  );
  if (result.status !== 0) throw new Error(`npm install failed:\n${result.stderr}`);
  return dir;
}

/** Runs an ES module script in the project; returns its stdout. */
function run(dir: string, script: string): string {
  writeFileSync(join(dir, "main.mjs"), script);
  return execFileSync(process.execPath, ["main.mjs"], {
    cwd: dir,
    encoding: "utf8",
    timeout: 20_000,
  });
}

describe("selective installs", () => {
  it("packs every package with real version ranges instead of workspace:*", () => {
    expect([...tarballs.keys()].sort()).toEqual([...PACKAGES].sort());
    const dir = join(work, "unpacked");
    mkdirSync(dir);
    execFileSync("tar", ["-xzf", tarballs.get("web")!, "-C", dir]);
    const manifest = JSON.parse(readFileSync(join(dir, "package/package.json"), "utf8"));
    for (const name of ["http-protocol", "server", "runner", "websocket"]) {
      expect(manifest.dependencies[`@ll/${name}`]).toMatch(/^\d+\.\d+\.\d+/);
    }
  });

  it("ships LICENSE, no build info, and declarations that import no ws types", () => {
    for (const name of PACKAGES) {
      const files = execFileSync("tar", ["-tzf", tarballs.get(name)!], { encoding: "utf8" })
        .split("\n")
        .filter((file) => file !== "");
      expect(files, name).toContain("package/LICENSE");
      expect(
        files.filter((file) => file.endsWith(".tsbuildinfo")),
        name,
      ).toEqual([]);
    }
    for (const [name, dependencies, declaration] of [
      ["websocket", ["@ll/http-protocol", "@ll/server", "ws"], "websocket-response.d.ts"],
      [
        "test-utils",
        ["@ll/http-protocol", "@ll/runner", "@ll/server", "@ll/websocket", "undici", "ws"],
        "client-websocket-response.d.ts",
      ],
    ] as const) {
      const dir = join(work, `${name}-unpacked`);
      mkdirSync(dir);
      execFileSync("tar", ["-xzf", tarballs.get(name)!, "-C", dir]);
      const manifest = JSON.parse(readFileSync(join(dir, "package/package.json"), "utf8"));
      expect(Object.keys(manifest.dependencies).sort(), name).toEqual(dependencies);
      const declarations = readdirSync(join(dir, "package/dist")).filter((file) =>
        file.endsWith(".d.ts"),
      );
      expect(declarations).toContain(declaration);
      for (const file of declarations) {
        expect(readFileSync(join(dir, "package/dist", file), "utf8"), file).not.toMatch(
          /from "ws"|import\("ws"\)/,
        );
      }
    }
  });

  it("@ll/http-protocol alone parses a request", () => {
    const dir = project("parser-only", ["http-protocol"]);
    const output = run(
      dir,
      `import { HttpRequestParser } from "@ll/http-protocol";
const parser = new HttpRequestParser({
  onMessage: (m) => console.log(m.method, m.path, m.headers.get("host")),
  onBody: (chunk) => console.log("body", chunk.toString()),
  onMessageComplete: () => console.log("end"),
});
parser.feedData(Buffer.from("POST /x HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 2\\r\\n\\r\\nhi"));`,
    );
    expect(output).toBe("POST /x a\nbody hi\nend\n");
    expect(readdirSync(join(dir, "node_modules/@ll"))).toEqual(["http-protocol"]);
  });

  it("@ll/server + @ll/runner serve HTTP without ws installed", () => {
    const dir = project("server-runner", ["http-protocol", "server", "runner"]);
    expect(readdirSync(join(dir, "node_modules"))).not.toContain("ws");
    const output = run(
      dir,
      `import { Response, Server } from "@ll/server";
import { ServerRunner, TCPSite } from "@ll/runner";
const runner = new ServerRunner(new Server(() => new Response({ text: "served" })));
await runner.setup();
const site = new TCPSite(runner, "127.0.0.1", 0);
await site.start();
const response = await fetch(site.name + "/");
console.log(response.status, await response.text());
await runner.cleanup();`,
    );
    expect(output).toBe("200 served\n");
  });

  it("@ll/web alone serves HTTP and WebSocket", () => {
    const dir = project("web-only", WEB_PACKAGES);
    // No type packages at run time: @types/ws would bring the newest @types/node with it.
    expect(existsSync(join(dir, "node_modules/@types/ws"))).toBe(false);
    expect(existsSync(join(dir, "node_modules/@types/node"))).toBe(false);
    const output = run(
      dir,
      `import * as web from "@ll/web";
import WebSocket from "ws";
const server = new web.Server(async (request) => {
  if (request.headers.get("upgrade") !== "websocket") return new web.Response({ text: "http ok" });
  const ws = new web.WebSocketResponse();
  await ws.prepare(request);
  for await (const message of ws) await ws.sendStr("echo " + message.data);
  return ws;
});
const runner = new web.ServerRunner(server);
await runner.setup();
const site = new web.TCPSite(runner, "127.0.0.1", 0);
await site.start();
const response = await fetch(site.name + "/");
console.log(response.status, await response.text());
const client = new WebSocket(site.name.replace("http", "ws") + "/");
await new Promise((resolve) => client.once("open", resolve));
client.send("hello");
const [reply] = await new Promise((resolve) => client.once("message", (...args) => resolve(args)));
console.log(reply.toString());
client.close();
await runner.cleanup();`,
    );
    expect(output).toBe("200 http ok\necho hello\n");
  });

  it("@ll/test-utils tests an @ll/server handler", () => {
    const dir = project("test-utils", [
      "http-protocol",
      "server",
      "runner",
      "websocket",
      "test-utils",
    ]);
    expect(readdirSync(join(dir, "node_modules/@ll")).sort()).toEqual([
      "http-protocol",
      "runner",
      "server",
      "test-utils",
      "websocket",
    ]);
    const output = run(
      dir,
      `import { Response } from "@ll/server";
import { inject, makeMockedRequest, testClient } from "@ll/test-utils";
const handler = (request) => new Response({ text: "hi " + request.path });
console.log((await handler(makeMockedRequest("GET", "/mocked"))).text);
const injected = await inject(handler, { url: "/injected" });
console.log(injected.status, await injected.text());
const client = await testClient(handler);
const response = await client.get("/served");
console.log(response.status, await response.text());
await client.close();`,
    );
    expect(output).toBe("hi /mocked\n200 hi /injected\n200 hi /served\n");
  });
}, 180_000);
