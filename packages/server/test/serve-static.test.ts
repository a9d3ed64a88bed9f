import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { gzipSync } from "node:zlib";
import { deferred, testClient } from "@ll/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BaseRequest } from "../src/base-request.js";
import { Response } from "../src/response.js";
import { type ServeStaticOptions, serveStatic } from "../src/serve-static.js";
import { RawClient } from "./helpers/serve.js";

// base/
//   outside/secret.txt            what a traversal would reach
//   root/                         the served directory
//     hello.txt  a b.txt  é.txt  %2e%2e (a file literally named so)  app.js  app.js.gz
//     .env  .hidden/inner.txt
//     sub/index.html  sub/page.txt  plain/page.txt (no index)  trap/index.html -> outside
//     link-in -> hello.txt  link-dot -> .env  link-out -> outside/secret.txt  link-out-dir -> outside
//   root-link -> root
let base: string;
let root: string;

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), "ll-serve-static-"));
  root = join(base, "root");
  const outside = join(base, "outside");
  mkdirSync(outside);
  writeFileSync(join(outside, "secret.txt"), "secret");
  mkdirSync(root);
  writeFileSync(join(root, "hello.txt"), "hello");
  writeFileSync(join(root, "a b.txt"), "spaced");
  writeFileSync(join(root, "é.txt"), "accent");
  writeFileSync(join(root, "%2e%2e"), "literal");
  writeFileSync(join(root, "app.js"), "console.log(1)");
  writeFileSync(join(root, "app.js.gz"), gzipSync("console.log(1)"));
  writeFileSync(join(root, ".env"), "TOKEN=1");
  mkdirSync(join(root, ".hidden"));
  writeFileSync(join(root, ".hidden", "inner.txt"), "inner");
  mkdirSync(join(root, "sub"));
  writeFileSync(join(root, "sub", "index.html"), "<p>sub</p>");
  writeFileSync(join(root, "sub", "page.txt"), "page");
  mkdirSync(join(root, "plain"));
  writeFileSync(join(root, "plain", "page.txt"), "plain page");
  mkdirSync(join(root, "trap"));
  symlinkSync(join(outside, "secret.txt"), join(root, "trap", "index.html"));
  symlinkSync("hello.txt", join(root, "link-in"));
  symlinkSync(".env", join(root, "link-dot"));
  symlinkSync(join(outside, "secret.txt"), join(root, "link-out"));
  symlinkSync("../outside", join(root, "link-out-dir"));
  symlinkSync(root, join(base, "root-link"));
});

afterAll(() => rmSync(base, { recursive: true, force: true }));
interface RawAnswer {
  status: number;
  head: string;
  body: string;
}

/** Sends `target` byte for byte (no client normalizes it) and reads the whole answer. */
async function raw(port: number, target: string, method = "GET", headers = ""): Promise<RawAnswer> {
  const client = await RawClient.connect(port);
  client.write(`${method} ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n${headers}\r\n`);
  const text = await client.untilClosed();
  const split = text.indexOf("\r\n\r\n");
  const head = text.slice(0, split);
  return { status: Number(head.slice(9, 12)), head, body: text.slice(split + 4) };
}

async function serveStaticAt(options: Partial<ServeStaticOptions> = {}) {
  return testClient((request) => serveStatic(request, { root, ...options }));
}

const NOT_FOUND = { status: 404, body: "404: Not Found" };

describe("serveStatic", () => {
  it("serves a regular file under the root", async () => {
    await using served = await serveStaticAt();
    const { port } = served.server;
    const answer = await raw(port, "/hello.txt");
    expect(answer).toMatchObject({ status: 200, body: "hello" });
    expect(answer.head).toContain("\r\nContent-Type: text/plain; charset=utf-8");
    expect(answer.head).toContain("\r\nContent-Length: 5");
  });

  it.each([
    ["/a%20b.txt", "spaced"],
    ["/%C3%A9.txt", "accent"],
    ["/sub/page.txt", "page"],
    ["/hello.txt?download=1", "hello"],
    ["http://x/hello.txt", "hello"],
  ])("decodes each segment of %s once", async (target, body) => {
    await using served = await serveStaticAt();
    const { port } = served.server;
    expect(await raw(port, target)).toMatchObject({ status: 200, body });
  });

  it("looks a double-encoded %252e%252e up as the literal name %2e%2e", async () => {
    await using served = await serveStaticAt();
    const { port } = served.server;
    expect(await raw(port, "/%252e%252e")).toMatchObject({ status: 200, body: "literal" });
  });

  describe("traversal and non-canonical targets", () => {
    it.each([
      "/%2e%2e/%2e%2e/%2e%2e/etc/hostname",
      "/%2e%2e/outside/secret.txt",
      "/%2E%2E/outside/secret.txt",
      "/.%2e/outside/secret.txt",
      "/%2e./outside/secret.txt",
      "/../outside/secret.txt",
      "/sub/../../outside/secret.txt",
      "/sub/%2e%2e/%2e%2e/outside/secret.txt",
      "/..%2foutside%2fsecret.txt",
      "/..%2Foutside%2Fsecret.txt",
      "/sub%2f..%2f..%2foutside%2fsecret.txt",
      "/%252e%252e/outside/secret.txt",
      "/%252e%252e%252foutside%252fsecret.txt",
      "/..%5coutside%5csecret.txt",
      "/..\\outside\\secret.txt",
      "/sub\\page.txt",
      "/hello.txt%00",
      "/hello.txt%00.png",
      "/%00/hello.txt",
      "/./hello.txt",
      "/%2e/hello.txt",
      "//hello.txt",
      "/sub//page.txt",
      "//etc/hostname",
      "/%ff.txt",
      "http://x/%2e%2e/outside/secret.txt",
      "http://x/..%2foutside%2fsecret.txt",
    ])("answers 404 for %s", async (target) => {
      await using served = await serveStaticAt();
      const { port } = served.server;
      expect(await raw(port, target)).toMatchObject(NOT_FOUND);
    });

    it("answers 404 for a symbolic link to a file outside the root", async () => {
      await using served = await serveStaticAt();
      const { port } = served.server;
      expect(await raw(port, "/link-out")).toMatchObject(NOT_FOUND);
    });

    it("answers 404 for a path through a symbolic link to a directory outside the root", async () => {
      await using served = await serveStaticAt();
      const { port } = served.server;
      expect(await raw(port, "/link-out-dir/secret.txt")).toMatchObject(NOT_FOUND);
    });

    it("answers 404 for an index file that links outside the root", async () => {
      await using served = await serveStaticAt({ index: "index.html" });
      const { port } = served.server;
      expect(await raw(port, "/trap/")).toMatchObject(NOT_FOUND);
    });

    it("follows a symbolic link that stays inside the root", async () => {
      await using served = await serveStaticAt();
      const { port } = served.server;
      expect(await raw(port, "/link-in")).toMatchObject({ status: 200, body: "hello" });
    });

    it("checks against the real root when the root is given through a symbolic link", async () => {
      await using served = await testClient((request) =>
        serveStatic(request, { root: join(base, "root-link") }),
      );
      const { port } = served.server;
      expect(await raw(port, "/hello.txt")).toMatchObject({ status: 200, body: "hello" });
      expect(await raw(port, "/link-out")).toMatchObject(NOT_FOUND);
    });
  });

  describe("dotfiles", () => {
    it.each(["/.env", "/%2eenv", "/.hidden/inner.txt", "/link-dot"])(
      "answers 404 for %s by default",
      async (target) => {
        await using served = await serveStaticAt();
        const { port } = served.server;
        expect(await raw(port, target)).toMatchObject(NOT_FOUND);
      },
    );

    it.each([
      ["/.env", "TOKEN=1"],
      ["/%2eenv", "TOKEN=1"],
      ["/.hidden/inner.txt", "inner"],
      ["/link-dot", "TOKEN=1"],
    ])("serves %s with dotfiles: true", async (target, body) => {
      await using served = await serveStaticAt({ dotfiles: true });
      const { port } = served.server;
      expect(await raw(port, target)).toMatchObject({ status: 200, body });
    });

    it("still refuses . and .. with dotfiles: true", async () => {
      await using served = await serveStaticAt({ dotfiles: true });
      const { port } = served.server;
      expect(await raw(port, "/%2e%2e/outside/secret.txt")).toMatchObject(NOT_FOUND);
    });
  });

  describe("directories", () => {
    it.each(["/", "/sub", "/sub/"])("answers 404 for %s without an index", async (target) => {
      await using served = await serveStaticAt();
      const { port } = served.server;
      expect(await raw(port, target)).toMatchObject(NOT_FOUND);
    });

    it.each(["/sub", "/sub/"])("serves the index for %s, without a redirect", async (target) => {
      await using served = await serveStaticAt({ index: "index.html" });
      const { port } = served.server;
      const answer = await raw(port, target);
      expect(answer).toMatchObject({ status: 200, body: "<p>sub</p>" });
      expect(answer.head).toContain("\r\nContent-Type: text/html; charset=utf-8");
    });

    it.each(["/", "/plain/"])("answers 404 for %s when the index is missing", async (target) => {
      await using served = await serveStaticAt({ index: "index.html" });
      const { port } = served.server;
      expect(await raw(port, target)).toMatchObject(NOT_FOUND);
    });

    it("answers 404 for a file asked for with a trailing slash", async () => {
      await using served = await serveStaticAt({ index: "index.html" });
      const { port } = served.server;
      expect(await raw(port, "/hello.txt/")).toMatchObject(NOT_FOUND);
    });
  });

  describe("prefix", () => {
    it.each(["/static", "/static/"])("serves files under prefix %s", async (prefix) => {
      await using served = await serveStaticAt({ prefix });
      const { port } = served.server;
      expect(await raw(port, "/static/hello.txt")).toMatchObject({ status: 200, body: "hello" });
      expect(await raw(port, "/st%61tic/hello.txt")).toMatchObject({ status: 200, body: "hello" });
    });

    it.each([
      "/hello.txt",
      "/staticx/hello.txt",
      "/static",
      "/static%2fhello.txt",
      "/other/static/hello.txt",
    ])("answers 404 for %s outside prefix /static (or naming no file)", async (target) => {
      await using served = await serveStaticAt({ prefix: "/static" });
      const { port } = served.server;
      expect(await raw(port, target)).toMatchObject(NOT_FOUND);
    });

    it("serves the index at the prefix itself", async () => {
      await using served = await serveStaticAt({
        prefix: "/docs",
        index: "index.html",
        root: join(root, "sub"),
      });
      const { port } = served.server;
      expect(await raw(port, "/docs")).toMatchObject({ status: 200, body: "<p>sub</p>" });
    });
  });

  describe("methods", () => {
    it("answers HEAD with the headers only", async () => {
      await using served = await serveStaticAt();
      const { port } = served.server;
      const answer = await raw(port, "/hello.txt", "HEAD");
      expect(answer).toMatchObject({ status: 200, body: "" });
      expect(answer.head).toContain("\r\nContent-Length: 5");
    });

    it.each(["POST", "PUT", "DELETE"])(
      "answers %s with 405 and Allow: GET,HEAD",
      async (method) => {
        await using served = await serveStaticAt();
        const { port } = served.server;
        const answer = await raw(port, "/hello.txt", method, "Content-Length: 0\r\n");
        expect(answer).toMatchObject({ status: 405, body: "405: Method Not Allowed" });
        expect(answer.head).toContain("\r\nAllow: GET,HEAD\r\n");
      },
    );

    it("answers 404, not 405, outside the prefix", async () => {
      await using served = await serveStaticAt({ prefix: "/static" });
      const { port } = served.server;
      const answer = await raw(port, "/api", "POST", "Content-Length: 0\r\n");
      expect(answer).toMatchObject(NOT_FOUND);
    });
  });

  describe("FileResponse behaviour", () => {
    it("answers a range with 206", async () => {
      await using served = await serveStaticAt();
      const { port } = served.server;
      const answer = await raw(port, "/hello.txt", "GET", "Range: bytes=1-3\r\n");
      expect(answer).toMatchObject({ status: 206, body: "ell" });
      expect(answer.head).toContain("\r\nContent-Range: bytes 1-3/5\r\n");
    });

    it("answers If-None-Match and If-Modified-Since with 304", async () => {
      await using served = await serveStaticAt();
      const { port } = served.server;
      const stats = statSync(join(root, "hello.txt"), { bigint: true });
      const etag = `"${stats.mtimeNs.toString(16)}-${stats.size.toString(16)}"`;
      const first = await raw(port, "/hello.txt");
      expect(first.head).toContain(`\r\nETag: ${etag}\r\n`);
      const lastModified = /\r\nLast-Modified: ([^\r]+)/.exec(first.head)![1]!;
      expect(await raw(port, "/hello.txt", "GET", `If-None-Match: ${etag}\r\n`)).toMatchObject({
        status: 304,
        body: "",
      });
      expect(
        await raw(port, "/hello.txt", "GET", `If-Modified-Since: ${lastModified}\r\n`),
      ).toMatchObject({ status: 304, body: "" });
    });

    it("sends a pre-compressed sibling the client accepts", async () => {
      await using served = await serveStaticAt();
      const { port } = served.server;
      const answer = await raw(port, "/app.js", "GET", "Accept-Encoding: gzip\r\n");
      expect(answer.status).toBe(200);
      expect(answer.head).toContain("\r\nContent-Encoding: gzip\r\n");
      expect(answer.head).toContain("\r\nContent-Type: text/javascript; charset=utf-8\r\n");
    });

    it("lets the handler add headers to the response", async () => {
      await using served = await testClient(async (request) => {
        const response = await serveStatic(request, { root });
        response.headers.set("Cache-Control", "max-age=60");
        return response;
      });
      const { port } = served.server;
      expect((await raw(port, "/hello.txt")).head).toContain("\r\nCache-Control: max-age=60\r\n");
    });
  });

  describe("options", () => {
    /** Runs serveStatic with `options` inside a real request and returns what it threw. */
    async function misuse(options: unknown): Promise<unknown> {
      const thrown = deferred<unknown>();
      await using served = await testClient(async (request: BaseRequest) => {
        try {
          await serveStatic(request, options as ServeStaticOptions);
          thrown.resolve(undefined);
        } catch (error) {
          thrown.resolve(error);
        }
        return new Response({ text: "ok" });
      });
      const { port } = served.server;
      await raw(port, "/hello.txt");
      return thrown.promise;
    }

    it.each([
      [null, "serveStatic options must be an object with a root"],
      [{}, "root must be a non-empty path string without NUL"],
      [{ root: "" }, "root must be a non-empty path string without NUL"],
      [{ root: "a\0b" }, "root must be a non-empty path string without NUL"],
      [{ root: "/", dotfiles: "yes" }, "dotfiles must be a boolean"],
      [{ root: "/", prefix: "static" }, 'prefix must be a string starting with "/"'],
      [
        { root: "/", prefix: "/a/../b" },
        'prefix must not contain ".", ".." segments, backslashes or NUL',
      ],
      [{ root: "/", index: "" }, "index must be a file name without slashes, backslashes or NUL"],
      [
        { root: "/", index: "a/index.html" },
        "index must be a file name without slashes, backslashes or NUL",
      ],
      [{ root: "/", index: ".." }, "index must be a file name without slashes, backslashes or NUL"],
      [{ root: "/", index: ".index" }, "index must not start with '.' unless dotfiles is true"],
    ])("throws a TypeError for %j", async (options, message) => {
      const error = await misuse(options);
      expect(error).toBeInstanceOf(TypeError);
      expect((error as TypeError).message).toBe(message);
    });

    it("throws a TypeError for a missing root", async () => {
      const missing = join(base, "missing");
      const error = await misuse({ root: missing });
      expect(error).toBeInstanceOf(TypeError);
      expect((error as TypeError).message).toBe(
        `root ${JSON.stringify(missing)} must be an existing directory`,
      );
      expect(((error as TypeError).cause as NodeJS.ErrnoException).code).toBe("ENOENT");
    });

    it("throws a TypeError for a root that is a file", async () => {
      const file = join(root, "hello.txt");
      const error = await misuse({ root: file });
      expect(error).toBeInstanceOf(TypeError);
      expect((error as TypeError).message).toBe(
        `root ${JSON.stringify(file)} must be an existing directory`,
      );
    });

    it("accepts a root relative to the working directory", async () => {
      await using served = await testClient((request) =>
        serveStatic(request, { root: relative(process.cwd(), root) }),
      );
      const { port } = served.server;
      expect(await raw(port, "/hello.txt")).toMatchObject({ status: 200, body: "hello" });
    });
  });
});
