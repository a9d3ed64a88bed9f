import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import * as zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { createDecompressor } from "../src/decompressor.js";
import { ContentEncodingError, HttpProcessingError } from "../src/http-exceptions.js";

const text = Buffer.from("The quick brown fox jumps over the lazy dog. ".repeat(200));

/** Pipes `chunks` through a decompressor and collects the output (or the error). */
async function decompress(
  encoding: "gzip" | "deflate" | "br",
  chunks: Buffer[],
  maxOutputSize = 1024 * 1024,
): Promise<{ output: Buffer; error: unknown }> {
  const parts: Buffer[] = [];
  let error: unknown;
  try {
    await pipeline(
      Readable.from(chunks),
      createDecompressor(encoding, { maxOutputSize }),
      async (source) => {
        for await (const part of source) parts.push(part as Buffer);
      },
    );
  } catch (thrown) {
    error = thrown;
  }
  return { output: Buffer.concat(parts), error };
}

/** `data` in pieces of `size` bytes. */
function pieces(data: Buffer, size: number): Buffer[] {
  const result: Buffer[] = [];
  for (let offset = 0; offset < data.length; offset += size)
    result.push(data.subarray(offset, offset + size));
  return result;
}

describe("createDecompressor", () => {
  it.each([
    ["gzip", zlib.gzipSync(text)],
    ["deflate", zlib.deflateSync(text)],
    ["deflate", zlib.deflateRawSync(text)],
    ["br", zlib.brotliCompressSync(text)],
  ] as const)("decodes %s", async (encoding, compressed) => {
    for (const size of [compressed.length, 1, 7]) {
      const { output, error } = await decompress(encoding, pieces(compressed, size));
      expect(error).toBeUndefined();
      expect(output.equals(text)).toBe(true);
    }
  });

  it("decodes raw deflate whose first byte looks like a zlib header", async () => {
    // aiohttp's ZLibDecompressor falls back to raw deflate; the header check must not misfire.
    const compressed = zlib.deflateRawSync(Buffer.from("x"));
    expect((await decompress("deflate", [compressed])).output.toString()).toBe("x");
  });

  it("passes an empty body through", async () => {
    for (const encoding of ["gzip", "deflate", "br"] as const) {
      const { output, error } = await decompress(encoding, []);
      expect(error).toBeUndefined();
      expect(output.length).toBe(0);
    }
  });

  it.each(["gzip", "deflate", "br"] as const)(
    "fails with ContentEncodingError on corrupt %s",
    async (encoding) => {
      const { error } = await decompress(encoding, [
        Buffer.from("this is not compressed data at all"),
      ]);
      expect(error).toBeInstanceOf(ContentEncodingError);
      expect((error as ContentEncodingError).code).toBe(400);
      expect((error as Error).message).toBe(`Can not decode content-encoding: ${encoding}`);
      expect((error as Error).cause).toBeInstanceOf(Error);
    },
  );

  it("fails with ContentEncodingError on truncated gzip", async () => {
    const compressed = zlib.gzipSync(text);
    const { error } = await decompress("gzip", [compressed.subarray(0, compressed.length - 10)]);
    expect(error).toBeInstanceOf(ContentEncodingError);
  });

  it("accepts output exactly at maxOutputSize", async () => {
    const { output, error } = await decompress("gzip", [zlib.gzipSync(text)], text.length);
    expect(error).toBeUndefined();
    expect(output.length).toBe(text.length);
  });

  it.each(["gzip", "deflate", "br"] as const)(
    "stops a %s zip bomb at maxOutputSize with 413",
    async (encoding) => {
      // 16 MiB of zeros compresses to a few KiB (far less for brotli); the bound stops it early.
      const bomb = Buffer.alloc(16 * 1024 * 1024);
      const brotliOptions = { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 1 } };
      const compressed =
        encoding === "gzip"
          ? zlib.gzipSync(bomb, { level: 1 })
          : encoding === "deflate"
            ? zlib.deflateSync(bomb, { level: 1 })
            : zlib.brotliCompressSync(bomb, brotliOptions);
      const { output, error } = await decompress(encoding, [compressed], 1024 * 1024);
      expect(error).toBeInstanceOf(HttpProcessingError);
      expect((error as HttpProcessingError).code).toBe(413);
      expect((error as Error).message).toBe(
        "Decompressed body is too large: more than 1048576 bytes (maxOutputSize)",
      );
      expect(output.length).toBeLessThanOrEqual(1024 * 1024);
    },
  );

  it("refuses a bad maxOutputSize or encoding", () => {
    expect(() => createDecompressor("gzip", { maxOutputSize: -1 })).toThrow(
      new RangeError("maxOutputSize must be a non-negative number"),
    );
    expect(() => createDecompressor("zstd" as "gzip", { maxOutputSize: 1 })).toThrow(RangeError);
  });
});
