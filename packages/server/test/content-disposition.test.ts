import { describe, expect, it } from "vitest";
import { contentDisposition } from "../src/content-disposition.js";

describe("contentDisposition", () => {
  it.each([
    ["report.pdf", {}, 'attachment; filename="report.pdf"'],
    ["report.pdf", { type: "inline" }, 'inline; filename="report.pdf"'],
    ["my report (final).pdf", {}, 'attachment; filename="my report (final).pdf"'],
    ['say "hi"\\now.txt', {}, 'attachment; filename="say \\"hi\\"\\\\now.txt"'],
    [
      "Résumé.pdf",
      {},
      "attachment; filename=\"Resume.pdf\"; filename*=UTF-8''R%C3%A9sum%C3%A9.pdf",
    ],
    [
      "Résumé €.pdf",
      {},
      "attachment; filename=\"Resume _.pdf\"; filename*=UTF-8''R%C3%A9sum%C3%A9%20%E2%82%AC.pdf",
    ],
    [
      "日本語.txt",
      {},
      "attachment; filename=\"___.txt\"; filename*=UTF-8''%E6%97%A5%E6%9C%AC%E8%AA%9E.txt",
    ],
    ["😀.png", {}, "attachment; filename=\"_.png\"; filename*=UTF-8''%F0%9F%98%80.png"],
    ["a\r\nb.txt", {}, "attachment; filename=\"a__b.txt\"; filename*=UTF-8''a%0D%0Ab.txt"],
    ["100%25.txt", {}, "attachment; filename=\"100%25.txt\"; filename*=UTF-8''100%2525.txt"],
    ["100%.txt", {}, 'attachment; filename="100%.txt"'],
    [
      "ä'(x)*.txt",
      {},
      "attachment; filename=\"a'(x)*.txt\"; filename*=UTF-8''%C3%A4%27%28x%29%2A.txt",
    ],
    ["!#$&+-.^_`|~.bin", { type: "attachment" }, 'attachment; filename="!#$&+-.^_`|~.bin"'],
  ])("%j %j → %s", (filename, options, expected) => {
    expect(contentDisposition(filename, options)).toBe(expected);
  });

  it("gives the type alone without a filename", () => {
    expect(contentDisposition()).toBe("attachment");
    expect(contentDisposition(undefined, { type: "inline" })).toBe("inline");
  });

  it("refuses an empty filename and a type that is not a token", () => {
    expect(() => contentDisposition("")).toThrow(
      new TypeError("filename must be a non-empty string"),
    );
    expect(() => contentDisposition(42 as unknown as string)).toThrow(
      new TypeError("filename must be a non-empty string"),
    );
    expect(() => contentDisposition("a", { type: "attachment; x=1" })).toThrow(
      new TypeError('type must be a token such as "attachment" or "inline", got "attachment; x=1"'),
    );
  });
});
