import { existsSync } from "node:fs";
import { CIMultiDict } from "@ll/http-protocol";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_MULTIPART_LIMITS,
  type MultipartLimits,
  resolveMultipartLimits,
} from "../src/multipart-limits.js";
import { MultipartReader } from "../src/multipart-reader.js";
import { type FileField, type PostSource, readPost } from "../src/post.js";
import { SPOOL_MAX_SIZE, type UploadedFile } from "../src/uploaded-file.js";
import {
  HTTPBadRequest,
  HTTPRequestEntityTooLarge,
  HTTPUnsupportedMediaType,
} from "../src/web-exceptions.js";
import { chunkSource } from "./helpers/chunk-source.js";

function source(
  contentType: string,
  body: Buffer | string,
  charset?: string,
  clientMaxSize = 1024 ** 2,
): PostSource {
  const data = typeof body === "string" ? Buffer.from(body, "latin1") : body;
  return {
    contentType: contentType.split(";")[0]!,
    charset,
    clientMaxSize,
    read: async () => data,
    multipart: async (options) =>
      new MultipartReader(new CIMultiDict({ "Content-Type": contentType }), chunkSource(data), {
        clientMaxSize,
        ...options,
      }),
  };
}

describe("readPost", () => {
  it("reads urlencoded forms", async () => {
    const form = await readPost(
      source("application/x-www-form-urlencoded", "a=1&b=%C3%A9&a=2"),
      [],
    );
    expect([...form]).toEqual([
      ["a", "1"],
      ["b", "é"],
      ["a", "2"],
    ]);
  });

  it("gives an empty dict for other types", async () => {
    expect((await readPost(source("application/json", "{}"), [])).size).toBe(0);
  });

  it("answers 415 for an unknown charset", async () => {
    await expect(
      readPost(source("application/x-www-form-urlencoded", "a=1", "x-nope"), []),
    ).rejects.toBeInstanceOf(HTTPUnsupportedMediaType);
  });

  it("reads multipart fields and files, spooling big files to disk", async () => {
    const big = Buffer.alloc(SPOOL_MAX_SIZE + 10, 7);
    const body = Buffer.concat([
      Buffer.from(
        '--b\r\nContent-Disposition: form-data; name="text"\r\n\r\nhé\r\n' +
          '--b\r\nContent-Disposition: form-data; name="raw"\r\nContent-Type: application/octet-stream\r\n\r\n\x01\x02\r\n' +
          '--b\r\nContent-Disposition: form-data; name="small"; filename="s.txt"\r\nContent-Type: text/plain\r\n\r\nsmall file\r\n' +
          '--b\r\nContent-Disposition: form-data; name="big"; filename="b.bin"\r\n\r\n',
        "utf8",
      ),
      big,
      Buffer.from("\r\n--b--\r\n"),
    ]);
    const files: UploadedFile[] = [];
    const form = await readPost(
      source("multipart/form-data; boundary=b", body, undefined, 4 * 1024 ** 2),
      files,
    );
    expect(form.get("text")).toBe("hé");
    expect(form.get("raw")).toEqual(Buffer.from([1, 2]));
    const small = form.get("small") as FileField;
    expect(small).toMatchObject({ name: "small", filename: "s.txt", contentType: "text/plain" });
    expect(small.file.path).toBeUndefined();
    expect((await small.file.read()).toString()).toBe("small file");
    const large = form.get("big") as FileField;
    expect(large.contentType).toBe("application/octet-stream");
    expect(large.file.size).toBe(big.length);
    const path = large.file.path!;
    expect(existsSync(path)).toBe(true);
    expect((await large.file.read()).equals(big)).toBe(true);
    const streamed: Buffer[] = [];
    for await (const chunk of large.file.stream()) streamed.push(chunk as Buffer);
    expect(Buffer.concat(streamed).equals(big)).toBe(true);
    expect(files).toHaveLength(2);
    for (const file of files) await file.close();
    expect(existsSync(path)).toBe(false);
  });

  it("decodes a base64 file part", async () => {
    const body =
      '--b\r\nContent-Disposition: form-data; name="f"; filename="x.txt"\r\n' +
      "Content-Transfer-Encoding: base64\r\n\r\naGVsbG8gd29ybGQ=\r\n--b--";
    const files: UploadedFile[] = [];
    const form = await readPost(source("multipart/form-data; boundary=b", body), files);
    expect((await (form.get("f") as FileField).file.read()).toString()).toBe("hello world");
    for (const file of files) await file.close();
  });

  it("answers 413 past clientMaxSize", async () => {
    const body = `--b\r\nContent-Disposition: form-data; name="f"; filename="x"\r\n\r\n${"x".repeat(100)}\r\n--b--`;
    const files: UploadedFile[] = [];
    await expect(
      readPost(source("multipart/form-data; boundary=b", body, undefined, 50), files),
    ).rejects.toBeInstanceOf(HTTPRequestEntityTooLarge);
    for (const file of files) await file.close();
  });

  it("answers 400 for a part without a name", async () => {
    const body = "--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--";
    await expect(
      readPost(source("multipart/form-data; boundary=b", body), []),
    ).rejects.toBeInstanceOf(HTTPBadRequest);
  });

  describe("limits", () => {
    const limits = (given: MultipartLimits) =>
      resolveMultipartLimits(given, DEFAULT_MULTIPART_LIMITS, "limits");

    async function rejection(promise: Promise<unknown>): Promise<unknown> {
      return promise.then(
        () => undefined,
        (caught: unknown) => caught,
      );
    }

    it("bounds a urlencoded form's pairs and values", async () => {
      const body = "a=1&b=22&&c&d=4444";
      const urlencoded = source("application/x-www-form-urlencoded", body);
      const form = await readPost(urlencoded, [], limits({ fields: 4, fieldSize: 4 }));
      expect([...form]).toEqual([
        ["a", "1"],
        ["b", "22"],
        ["c", ""],
        ["d", "4444"],
      ]);
      expect(await rejection(readPost(urlencoded, [], limits({ fields: 3 })))).toMatchObject({
        name: "HTTPRequestEntityTooLarge",
        status: 413,
        text: "Too many fields: the limit is 3 (multipartLimits.fields)",
      });
      expect(await rejection(readPost(urlencoded, [], limits({ fieldSize: 3 })))).toMatchObject({
        name: "HTTPRequestEntityTooLarge",
        status: 413,
        text: "A field is too large: the limit is 3 bytes (multipartLimits.fieldSize)",
      });
    });

    it("counts a urlencoded value's bytes as sent", async () => {
      // "%C3%A9" is one character but six bytes on the wire.
      const urlencoded = source("application/x-www-form-urlencoded", "e=%C3%A9");
      expect((await readPost(urlencoded, [], limits({ fieldSize: 6 }))).get("e")).toBe("é");
      expect(await rejection(readPost(urlencoded, [], limits({ fieldSize: 5 })))).toMatchObject({
        status: 413,
        text: "A field is too large: the limit is 5 bytes (multipartLimits.fieldSize)",
      });
    });

    it("applies the default field count to urlencoded forms", async () => {
      const body = Array.from({ length: 1001 }, (_, index) => `f${index}=v`).join("&");
      const urlencoded = source("application/x-www-form-urlencoded", body);
      expect(await rejection(readPost(urlencoded, []))).toMatchObject({
        status: 413,
        text: "Too many fields: the limit is 1000 (multipartLimits.fields)",
      });
    });

    it("bounds a multipart form's files and their size", async () => {
      const body =
        '--b\r\nContent-Disposition: form-data; name="t"\r\n\r\nhello\r\n' +
        '--b\r\nContent-Disposition: form-data; name="f"; filename="x"\r\n\r\n0123456789\r\n--b--';
      const multipart = source("multipart/form-data; boundary=b", body);
      const files: UploadedFile[] = [];
      const form = await readPost(multipart, files, limits({ fieldSize: 5, fileSize: 10 }));
      expect(form.get("t")).toBe("hello");
      expect((form.get("f") as FileField).file.size).toBe(10);
      expect(await rejection(readPost(multipart, files, limits({ fileSize: 9 })))).toMatchObject({
        status: 413,
        text: "A file is too large: the limit is 9 bytes (multipartLimits.fileSize)",
      });
      expect(await rejection(readPost(multipart, files, limits({ fieldSize: 4 })))).toMatchObject({
        status: 413,
        text: "A field is too large: the limit is 4 bytes (multipartLimits.fieldSize)",
      });
      expect(await rejection(readPost(multipart, files, limits({ parts: 1 })))).toMatchObject({
        status: 413,
        text: "Too many parts: the limit is 1 (multipartLimits.parts)",
      });
      for (const file of files) await file.close();
    });
  });
});
