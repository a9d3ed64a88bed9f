import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { testClient } from "@ll/test-utils";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileResponse } from "../src/file-response.js";
import { guessContentType, resolveMimeTypes } from "../src/mime-types.js";
import { serveStatic } from "../src/serve-static.js";

let directory: string;

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), "ll-mime-types-"));
  writeFileSync(join(directory, "captions.vtt"), "WEBVTT\n");
  writeFileSync(join(directory, "scene.usdz"), "usdz");
  writeFileSync(join(directory, "notes.txt"), "notes");
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));
describe("guessContentType", () => {
  it.each([
    ["subs.vtt", "text/vtt; charset=utf-8"],
    ["live.m3u8", "application/vnd.apple.mpegurl; charset=utf-8"],
    ["segment.ts", "video/mp2t"],
    ["data.jsonld", "application/ld+json; charset=utf-8"],
    ["photo.heic", "image/heic"],
    ["photo.AVIF", "image/avif"],
    ["model.glb", "model/gltf-binary"],
    ["model.gltf", "model/gltf+json; charset=utf-8"],
    ["site.webmanifest", "application/manifest+json; charset=utf-8"],
    ["mod.mjs", "text/javascript; charset=utf-8"],
    ["app.wasm", "application/wasm"],
    ["song.opus", "audio/opus"],
    ["song.flac", "audio/flac"],
    ["image.webp", "image/webp"],
    ["manifest.mpd", "application/dash+xml; charset=utf-8"],
  ])("%s is %s", (path, expected) => {
    expect(guessContentType(path)).toBe(expected);
  });

  it("looks in the caller's types first, without case and with or without the dot", () => {
    const own = resolveMimeTypes({ ".USDZ": "model/vnd.usdz+zip", ts: "text/typescript" });
    expect(guessContentType("scene.usdz", own)).toBe("model/vnd.usdz+zip");
    expect(guessContentType("main.TS", own)).toBe("text/typescript; charset=utf-8");
    expect(guessContentType("main.ts")).toBe("video/mp2t");
    expect(guessContentType("a.png", own)).toBe("image/png");
  });

  it("keeps a caller's type with parameters as it is", () => {
    const own = resolveMimeTypes({ txt: "text/plain; charset=iso-8859-1" });
    expect(guessContentType("a.txt", own)).toBe("text/plain; charset=iso-8859-1");
  });
});

describe("resolveMimeTypes", () => {
  it.each([
    [{ "": "text/plain" }, 'mimeTypes key "" is not a file extension'],
    [{ "a/b": "text/plain" }, 'mimeTypes key "a/b" is not a file extension'],
    [{ vtt: "vtt" }, 'mimeTypes["vtt"] must be a media type such as "text/vtt", got "vtt"'],
    [{ vtt: 1 }, 'mimeTypes["vtt"] must be a media type such as "text/vtt", got 1'],
    [
      { vtt: "text/vtt\r\nX-Evil: 1" },
      'mimeTypes["vtt"] must hold only visible ASCII characters, spaces and tabs: "text/vtt\\r\\nX-Evil: 1"',
    ],
  ])("refuses %j", (mimeTypes, message) => {
    expect(() => resolveMimeTypes(mimeTypes as never)).toThrow(new TypeError(message));
  });
});

describe("the mimeTypes option", () => {
  it("sets the Content-Type of a FileResponse, for that response only", async () => {
    await using served = await testClient((request) =>
      request.path === "/own"
        ? new FileResponse(join(directory, "scene.usdz"), {
            mimeTypes: { usdz: "model/vnd.usdz+zip" },
          })
        : new FileResponse(join(directory, "scene.usdz")),
    );
    const { origin: url } = served.server;
    const own = await request(`${url}/own`);
    await own.body.arrayBuffer();
    expect(own.headers["content-type"]).toBe("model/vnd.usdz+zip");
    const plain = await request(`${url}/plain`);
    await plain.body.arrayBuffer();
    expect(plain.headers["content-type"]).toBe("application/octet-stream");
  });

  it("is passed on by serveStatic, and checked before any file is looked up", async () => {
    await using served = await testClient((request) =>
      serveStatic(request, { root: directory, mimeTypes: { ".usdz": "model/vnd.usdz+zip" } }),
    );
    const { origin: url } = served.server;
    const response = await request(`${url}/scene.usdz`);
    expect(await response.body.text()).toBe("usdz");
    expect(response.headers["content-type"]).toBe("model/vnd.usdz+zip");
    const vtt = await request(`${url}/captions.vtt`);
    await vtt.body.arrayBuffer();
    expect(vtt.headers["content-type"]).toBe("text/vtt; charset=utf-8");
  });

  it("refuses a bad entry when the response is built", () => {
    expect(() => new FileResponse("a", { mimeTypes: { x: "nope" } })).toThrow(
      new TypeError('mimeTypes["x"] must be a media type such as "text/vtt", got "nope"'),
    );
  });
});
