import { testClient } from "@ll/test-utils";
import { describe, expect, it } from "vitest";
import type { FileField } from "../src/post.js";
import { Response } from "../src/response.js";
import { safeFilename } from "../src/safe-filename.js";
import { RawClient } from "./helpers/serve.js";

describe("safeFilename", () => {
  it.each([
    ["report.pdf", "report.pdf"],
    ["../../x", "x"],
    ["../../etc/passwd", "passwd"],
    ["C:\\evil\\a.txt", "a.txt"],
    ["\\\\server\\share\\a.txt", "a.txt"],
    ["dir/sub\\mixed/name.txt", "name.txt"],
    ["..", "file"],
    [".", "file"],
    ["", "file"],
    ["   ", "file"],
    ["../", "file"],
    ["..\\", "file"],
    [".bashrc", "bashrc"],
    ["...hidden.txt", "hidden.txt"],
    ["a.txt.", "a.txt"],
    ["  spaced name.txt  ", "spaced name.txt"],
    ["a\0b.txt", "ab.txt"],
    ["a.txt\0.png", "a.txt.png"],
    ["line\r\nbreak.txt", "linebreak.txt"],
    ["tab\tand\x7fdel\x85.txt", "tabanddel.txt"],
    ["invoice\u202Etxt.exe", "invoicetxt.exe"],
    ["a:b.txt", "a_b.txt"],
    ['what?<is>"this"|*.txt', "what__is__this___.txt"],
    ["CON", "_CON"],
    ["nul.txt", "_nul.txt"],
    ["com1.tar.gz", "_com1.tar.gz"],
    ["console.txt", "console.txt"],
    ["e\u0301.txt", "\u00e9.txt"],
    ["bad\uD800.txt", "bad_.txt"],
    ["日本語.txt", "日本語.txt"],
  ])("turns %j into %j", (name, expected) => {
    expect(safeFilename(name)).toBe(expected);
  });

  describe("length", () => {
    it("keeps names of exactly maxLength bytes", () => {
      const name = `${"a".repeat(251)}.txt`;
      expect(safeFilename(name)).toBe(name);
    });

    it("cuts long names to 255 bytes, keeping the extension", () => {
      expect(safeFilename(`${"a".repeat(300)}.txt`)).toBe(`${"a".repeat(251)}.txt`);
    });

    it("cuts multi-byte names on a character boundary", () => {
      // "日" is 3 bytes in UTF-8: 250 bytes of budget hold 83 of them.
      const safe = safeFilename(`${"日".repeat(100)}.pdf`);
      expect(safe).toBe(`${"日".repeat(83)}.pdf`);
      expect(Buffer.byteLength(safe)).toBe(253);
    });

    it("cuts the whole name when the extension is longer than 16 bytes", () => {
      expect(safeFilename(`${"a".repeat(300)}.${"b".repeat(20)}`)).toBe("a".repeat(255));
    });

    it("trims dots and spaces left at the cut", () => {
      // 40 bytes less ".txt" leave 36: 31 "a", two spaces and three dots, then the cut.
      expect(safeFilename(`${"a".repeat(31)}  ...${"b".repeat(300)}.txt`, { maxLength: 40 })).toBe(
        `${"a".repeat(31)}.txt`,
      );
    });

    it("honours maxLength", () => {
      expect(safeFilename(`${"x".repeat(100)}.json`, { maxLength: 32 })).toBe(
        `${"x".repeat(27)}.json`,
      );
    });
  });

  it("returns the fallback when nothing is left", () => {
    expect(safeFilename("../..", { fallback: "upload.bin" })).toBe("upload.bin");
  });

  describe("misuse", () => {
    it("throws a TypeError for a name that is not a string", () => {
      expect(() => safeFilename(undefined as unknown as string)).toThrow(
        new TypeError("name must be a string"),
      );
    });

    it.each(["", "../x", ".hidden", "a\0b"])(
      "throws a TypeError for the fallback %j",
      (fallback) => {
        expect(() => safeFilename("x", { fallback })).toThrow(
          new TypeError("fallback must be a non-empty name that safeFilename leaves unchanged"),
        );
      },
    );

    it.each([31, 32.5, Number.NaN])("throws a RangeError for maxLength %d", (maxLength) => {
      expect(() => safeFilename("x", { maxLength })).toThrow(
        new RangeError("maxLength must be an integer of at least 32"),
      );
    });
  });

  it("makes a multipart filename sent as ../../x safe", async () => {
    await using served = await testClient(async (request) => {
      const form = await request.post();
      const field = form.get("upload") as FileField;
      return new Response({ text: `${field.filename} -> ${safeFilename(field.filename)}` });
    });
    const { port } = served.server;
    const body =
      "--b\r\n" +
      'Content-Disposition: form-data; name="upload"; filename="../../etc/cron.d/x"\r\n' +
      "Content-Type: text/plain\r\n\r\n" +
      "data\r\n--b--\r\n";
    const client = await RawClient.connect(port);
    client.write(
      "POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" +
        "Content-Type: multipart/form-data; boundary=b\r\n" +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    const text = await client.untilClosed();
    expect(text.slice(text.indexOf("\r\n\r\n") + 4)).toBe("../../etc/cron.d/x -> x");
  });
});
