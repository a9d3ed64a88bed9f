import { CIMultiDict } from "@ll/http-protocol";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BodyPartReader } from "../src/body-part-reader.js";
import type { MultipartLimits } from "../src/multipart-limits.js";
import { MultipartReader } from "../src/multipart-reader.js";
import { HTTPBadRequest, HTTPRequestEntityTooLarge } from "../src/web-exceptions.js";
import { chunkSource, splitSources } from "./helpers/chunk-source.js";

const headers = (contentType: string) => new CIMultiDict({ "Content-Type": contentType });
const FORM = headers("multipart/form-data; boundary=XyZ");

const BODY =
  "preamble\r\n" +
  "--XyZ\r\n" +
  'Content-Disposition: form-data; name="a"\r\n' +
  "\r\n" +
  "one\r\n--XY\r\n" +
  "--XyZ \t\r\n" +
  'Content-Disposition: form-data; name="f"; filename="x.bin"\r\n' +
  "Content-Type: application/octet-stream\r\n" +
  "\r\n" +
  "\r\n" +
  "--XyZ\r\n" +
  "\r\n" +
  "no headers\r\n" +
  "--XyZ--\r\n" +
  "epilogue";

async function collect(reader: MultipartReader): Promise<Array<[Record<string, string>, string]>> {
  const parts: Array<[Record<string, string>, string]> = [];
  for await (const part of reader) {
    if (!(part instanceof BodyPartReader)) throw new Error("nested");
    parts.push([Object.fromEntries(part.headers), (await part.read()).toString("latin1")]);
  }
  return parts;
}

const EXPECTED = [
  [{ "Content-Disposition": 'form-data; name="a"' }, "one\r\n--XY"],
  [
    {
      "Content-Disposition": 'form-data; name="f"; filename="x.bin"',
      "Content-Type": "application/octet-stream",
    },
    "",
  ],
  [{}, "no headers"],
];

async function expectBadRequest(promise: Promise<unknown>, message: RegExp): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(HTTPBadRequest);
  expect((error as HTTPBadRequest).text).toMatch(message);
}

describe("MultipartReader", () => {
  describe("#next", () => {
    it.each(splitSources(BODY))("reads parts, split at %i", async (_offset, source) => {
      expect(await collect(new MultipartReader(FORM, source()))).toEqual(EXPECTED);
    });

    it("reads parts fed byte by byte", async () => {
      const bytes = [...BODY].map((char) => Buffer.from(char, "latin1"));
      expect(await collect(new MultipartReader(FORM, chunkSource(...bytes)))).toEqual(EXPECTED);
    });

    it("skips unread parts", async () => {
      const reader = new MultipartReader(FORM, chunkSource(BODY));
      const first = (await reader.next()) as BodyPartReader;
      expect(first.name).toBe("a");
      const second = (await reader.next()) as BodyPartReader;
      expect(second.filename).toBe("x.bin");
      expect(await reader.next()).toBeInstanceOf(BodyPartReader);
      expect(await reader.next()).toBeNull();
      expect(reader.atEof()).toBe(true);
      expect(await reader.next()).toBeNull();
    });

    it("reads an empty multipart body", async () => {
      expect(await collect(new MultipartReader(FORM, chunkSource("--XyZ--")))).toEqual([]);
    });

    it("reads nested multipart parts", async () => {
      const body =
        "--outer\r\n" +
        "Content-Type: multipart/mixed; boundary=inner\r\n\r\n" +
        "--inner\r\nContent-Type: text/plain\r\n\r\nin 1\r\n" +
        "--inner\r\n\r\nin 2\r\n" +
        "--inner--\r\ninner epilogue\r\n" +
        "--outer\r\n\r\nafter\r\n" +
        "--outer--\r\n";
      for (const [, source] of splitSources(body)) {
        const reader = new MultipartReader(headers("multipart/mixed; boundary=outer"), source());
        const nested = await reader.next();
        expect(nested).toBeInstanceOf(MultipartReader);
        const inner = await collect(nested as MultipartReader);
        expect(inner.map(([, data]) => data)).toEqual(["in 1", "in 2"]);
        const after = (await reader.next()) as BodyPartReader;
        expect(await after.text()).toBe("after");
        expect(await reader.next()).toBeNull();
      }
    });

    it("skips an unread nested body", async () => {
      const body =
        "--outer\r\nContent-Type: multipart/mixed; boundary=inner\r\n\r\n" +
        "--inner\r\n\r\nx\r\n--inner--\r\n--outer\r\n\r\nlast\r\n--outer--";
      const reader = new MultipartReader(
        headers("multipart/mixed; boundary=outer"),
        chunkSource(body),
      );
      expect(await reader.next()).toBeInstanceOf(MultipartReader);
      expect(await ((await reader.next()) as BodyPartReader).text()).toBe("last");
    });
  });

  describe("errors", () => {
    it.each([
      ["text/plain", /Expected a multipart Content-Type/],
      ["multipart/form-data", /has no boundary/],
      [`multipart/form-data; boundary=${"x".repeat(71)}`, /Invalid multipart boundary/],
      ["multipart/form-data; boundary=a\\b", /Invalid multipart boundary/],
    ])("rejects Content-Type %s", (contentType, message) => {
      let error: unknown;
      try {
        new MultipartReader(headers(contentType), chunkSource());
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(HTTPBadRequest);
      expect((error as HTTPBadRequest).text).toMatch(message);
    });

    it.each([
      ["", /Could not find the starting boundary "--XyZ"/],
      ["no boundary here at all", /Could not find the starting boundary/],
      ["--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\ntruncated", /ended inside a part/],
      ["--XyZ\r\nContent-Disposition: form-data", /ended before its closing boundary/],
      ["--XyZ\r\n\r\ndata\r\n--XyZ", /ended before its closing boundary/],
      ["--XyZ\r\n\r\ndata\r\n--XyZ-", /ended before its closing boundary/],
      ["--XyZ\r\n\r\ndata\r\n--XyZ-x", /Invalid multipart boundary line "--XyZ-x"/],
      ["--XyZ\r\n\r\ndata\r\n--XyZjunk\r\n", /Invalid multipart boundary line "--XyZjunk"/],
      ["--XyZ junk\r\n", /Invalid multipart boundary line "--XyZ junk"/],
      [
        "--XyZ\r\nBad Header: x\r\n\r\n\r\n--XyZ--",
        /Invalid multipart part header line "Bad Header: x"/,
      ],
      ["--XyZ\r\n folded: x\r\n\r\n\r\n--XyZ--", /Invalid multipart part header line/],
      ["--XyZ\r\nNoColon\r\n\r\n\r\n--XyZ--", /Invalid multipart part header line "NoColon"/],
    ])("rejects body %j", async (body, message) => {
      const reader = new MultipartReader(FORM, chunkSource(body));
      await expectBadRequest(
        (async () => {
          for await (const part of reader) await part.release();
        })(),
        message,
      );
    });

    it("limits header lines and their count", async () => {
      const long = `--XyZ\r\nX: ${"a".repeat(100)}\r\n\r\n\r\n--XyZ--`;
      await expectBadRequest(
        new MultipartReader(FORM, chunkSource(long), { maxFieldSize: 50 }).next(),
        /longer than 50 bytes/,
      );
      const many = `--XyZ\r\n${"X: 1\r\n".repeat(5)}\r\n\r\n--XyZ--`;
      await expectBadRequest(
        new MultipartReader(FORM, chunkSource(many), { maxHeaders: 4 }).next(),
        /Too many headers/,
      );
    });

    it("limits a part's size", async () => {
      const body = `--XyZ\r\n\r\n${"x".repeat(100)}\r\n--XyZ--`;
      const part = (await new MultipartReader(FORM, chunkSource(body), {
        clientMaxSize: 10,
      }).next()) as BodyPartReader;
      await expect(part.read()).rejects.toBeInstanceOf(HTTPRequestEntityTooLarge);
    });
  });

  describe("limits", () => {
    const field = (name: string, value = "v") =>
      `--XyZ\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    const file = (name: string, data = "d") =>
      `--XyZ\r\nContent-Disposition: form-data; name="${name}"; filename="${name}.bin"\r\n\r\n${data}\r\n`;
    const END = "--XyZ--\r\n";

    /** Reads every part whole; resolves to how many were read, or rejects with the error. */
    async function readAll(body: string, limits: MultipartLimits): Promise<number> {
      const reader = new MultipartReader(FORM, chunkSource(body), { limits });
      let count = 0;
      for await (const part of reader) {
        if (part instanceof BodyPartReader) await part.read();
        else await part.release();
        count++;
      }
      return count;
    }

    async function expectTooLarge(promise: Promise<unknown>, text: string): Promise<void> {
      const error = await promise.then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(HTTPRequestEntityTooLarge);
      expect(error).toMatchObject({ status: 413, text });
    }

    it("counts fields, files and parts as next() reads them", async () => {
      const body = field("a") + file("f") + field("b") + file("g") + END;
      expect(await readAll(body, { fields: 2, files: 2, parts: 4 })).toBe(4);
      await expectTooLarge(
        readAll(body, { fields: 1 }),
        "Too many fields: the limit is 1 (multipartLimits.fields)",
      );
      await expectTooLarge(
        readAll(body, { files: 1 }),
        "Too many files: the limit is 1 (multipartLimits.files)",
      );
      await expectTooLarge(
        readAll(body, { parts: 3 }),
        "Too many parts: the limit is 3 (multipartLimits.parts)",
      );
    });

    it("rejects the first part too many before reading on", async () => {
      // The body never ends: the 413 cannot wait for it.
      let served = 0;
      const chunks = [field("a"), field("b"), field("c")];
      const source = {
        readany: async () => {
          const chunk = chunks[served++];
          if (chunk === undefined) throw new Error("read past the part too many");
          return Buffer.from(chunk);
        },
      };
      const reader = new MultipartReader(FORM, source, { limits: { fields: 1 } });
      expect(await reader.next()).toBeInstanceOf(BodyPartReader);
      await expectTooLarge(
        reader.next(),
        "Too many fields: the limit is 1 (multipartLimits.fields)",
      );
      expect(served).toBe(2);
    });

    it("shares the counts with nested readers", async () => {
      const nested =
        "--XyZ\r\nContent-Type: multipart/mixed; boundary=in\r\n\r\n" +
        '--in\r\nContent-Disposition: file; filename="1.txt"\r\n\r\none\r\n' +
        '--in\r\nContent-Disposition: file; filename="2.txt"\r\n\r\ntwo\r\n--in--\r\n';
      const body = file("f") + nested + END;
      const read = async (limits: MultipartLimits) => {
        const reader = new MultipartReader(FORM, chunkSource(body), { limits });
        let count = 0;
        for await (const part of reader) {
          count++;
          if (part instanceof MultipartReader) for await (const _inner of part) count++;
        }
        return count;
      };
      expect(await read({ files: 3, parts: 4 })).toBe(4);
      await expectTooLarge(
        read({ files: 2 }),
        "Too many files: the limit is 2 (multipartLimits.files)",
      );
      await expectTooLarge(
        read({ parts: 3 }),
        "Too many parts: the limit is 3 (multipartLimits.parts)",
      );
    });

    it("limits a field's and a file's bytes as they are read", async () => {
      const body = field("a", "x".repeat(10)) + file("f", "y".repeat(20)) + END;
      expect(await readAll(body, { fieldSize: 10, fileSize: 20 })).toBe(2);
      await expectTooLarge(
        readAll(body, { fieldSize: 9 }),
        "A field is too large: the limit is 9 bytes (multipartLimits.fieldSize)",
      );
      await expectTooLarge(
        readAll(body, { fileSize: 19 }),
        "A file is too large: the limit is 19 bytes (multipartLimits.fileSize)",
      );
      // Chunk by chunk: the bytes up to the limit are handed out, the next read throws.
      const reader = new MultipartReader(FORM, chunkSource(body), { limits: { fieldSize: 8 } });
      const part = (await reader.next()) as BodyPartReader;
      expect((await part.readChunk(8)).toString()).toBe("xxxxxxxx");
      await expectTooLarge(
        part.readChunk(8),
        "A field is too large: the limit is 8 bytes (multipartLimits.fieldSize)",
      );
    });

    it("skips an oversized part that was not read", async () => {
      const body = field("a", "x".repeat(100)) + field("b") + END;
      const reader = new MultipartReader(FORM, chunkSource(body), { limits: { fieldSize: 5 } });
      expect(((await reader.next()) as BodyPartReader).name).toBe("a");
      const second = (await reader.next()) as BodyPartReader;
      expect([second.name, (await second.read()).toString()]).toEqual(["b", "v"]);
      expect(await reader.next()).toBeNull();
    });

    it("limits a part's header block, line ends included", async () => {
      // 'Content-Disposition: form-data; name="a"' is 40 bytes, 42 with its CRLF.
      const body = field("a") + END;
      expect(await readAll(body, { headerSize: 42 })).toBe(1);
      await expectTooLarge(
        readAll(body, { headerSize: 41 }),
        "A part's headers are too large: the limit is 41 bytes (multipartLimits.headerSize)",
      );
      // A block that never ends is rejected once it cannot fit any more.
      const endless = {
        readany: async () => Buffer.from(`--XyZ\r\nX: ${"a".repeat(64)}`),
      };
      await expectTooLarge(
        new MultipartReader(FORM, endless, { limits: { headerSize: 100 } }).next(),
        "A part's headers are too large: the limit is 100 bytes (multipartLimits.headerSize)",
      );
    });

    it("limits a part's header lines", async () => {
      const body = `--XyZ\r\n${"X: 1\r\n".repeat(3)}\r\nv\r\n${END}`;
      expect(await readAll(body, { headerPairs: 3 })).toBe(1);
      await expectTooLarge(
        readAll(body, { headerPairs: 2 }),
        "A part has too many header lines: the limit is 2 (multipartLimits.headerPairs)",
      );
    });

    it("applies the defaults", async () => {
      const many = `${field("f").repeat(1001)}${END}`;
      await expectTooLarge(
        readAll(many, {}),
        "Too many fields: the limit is 1000 (multipartLimits.fields)",
      );
      const lines = `--XyZ\r\n${"X: 1\r\n".repeat(33)}\r\nv\r\n${END}`;
      await expectTooLarge(
        readAll(lines, {}),
        "A part has too many header lines: the limit is 32 (multipartLimits.headerPairs)",
      );
    });

    it("rejects bad limits", () => {
      expect(() => new MultipartReader(FORM, chunkSource(END), { limits: { fields: 0 } })).toThrow(
        new RangeError("limits.fields must be a positive integer or Infinity"),
      );
    });
  });

  it("keeps handed-out chunks intact while joining small source chunks", async () => {
    const payload = Buffer.from(Array.from({ length: 3000 }, (_, index) => index % 251));
    const body = Buffer.concat([
      Buffer.from(`--XyZ\r\nX: ${"h".repeat(500)}\r\n\r\n`),
      payload,
      Buffer.from("\r\n--XyZ--"),
    ]);
    const chunks: Buffer[] = [];
    for (let offset = 0; offset < body.length; offset += 3)
      chunks.push(body.subarray(offset, offset + 3));
    const reader = new MultipartReader(FORM, chunkSource(...chunks));
    const part = (await reader.next()) as BodyPartReader;
    expect(part.headers.get("X")).toBe("h".repeat(500));
    const views: Buffer[] = [];
    for (let chunk = await part.readChunk(5); chunk.length > 0; chunk = await part.readChunk(5)) {
      views.push(chunk);
    }
    expect(Buffer.concat(views).equals(payload)).toBe(true);
    expect(await reader.next()).toBeNull();
  });

  it("returns any part data intact for every split (property)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), fc.nat(300), async (data, cut) => {
        const payload = Buffer.from(data);
        if (payload.includes("\r\n--XyZ")) return;
        const body = Buffer.concat([
          Buffer.from("--XyZ\r\n\r\n"),
          payload,
          Buffer.from("\r\n--XyZ--"),
        ]);
        const offset = Math.min(cut, body.length);
        const reader = new MultipartReader(
          FORM,
          chunkSource(body.subarray(0, offset), body.subarray(offset)),
        );
        const part = (await reader.next()) as BodyPartReader;
        const chunks: Buffer[] = [];
        for (let chunk = await part.readChunk(7); chunk.length > 0; chunk = await part.readChunk(7))
          chunks.push(chunk);
        expect(Buffer.concat(chunks).equals(payload)).toBe(true);
        expect(await reader.next()).toBeNull();
      }),
    );
  });
});

describe("BodyPartReader", () => {
  it("reads text, json and form data and decodes transfer encodings", async () => {
    const body =
      "--XyZ\r\nContent-Type: text/plain; charset=latin1\r\n\r\n\xe9t\xe9\r\n" +
      '--XyZ\r\nContent-Type: application/json\r\n\r\n{"a":[1]}\r\n' +
      "--XyZ\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\nx=1&y=%20\r\n" +
      "--XyZ\r\nContent-Transfer-Encoding: base64\r\n\r\naGVsbG8=\r\n" +
      "--XyZ\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\na=3Db=\r\nc\r\n" +
      "--XyZ\r\n\r\n\r\n" +
      "--XyZ--";
    const reader = new MultipartReader(headers("multipart/mixed; boundary=XyZ"), chunkSource(body));
    const next = async () => (await reader.next()) as BodyPartReader;
    expect(await (await next()).text()).toBe("été");
    expect(await (await next()).json()).toEqual({ a: [1] });
    expect(await (await next()).form()).toEqual([
      ["x", "1"],
      ["y", " "],
    ]);
    expect(await (await next()).text()).toBe("hello");
    expect(await (await next()).text()).toBe("a=bc");
    expect(await (await next()).json()).toBeUndefined();
    expect(await reader.next()).toBeNull();
  });

  it("rejects invalid JSON and unknown encodings", async () => {
    const body =
      "--XyZ\r\n\r\n{nope\r\n--XyZ\r\nContent-Transfer-Encoding: x-magic\r\n\r\nz\r\n--XyZ--";
    const reader = new MultipartReader(FORM, chunkSource(body));
    await expectBadRequest(((await reader.next()) as BodyPartReader).json(), /not valid JSON/);
    await expectBadRequest(
      ((await reader.next()) as BodyPartReader).read({ decode: true }),
      /Unknown Content-Transfer-Encoding/,
    );
  });
});
