import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { IncompleteReadError, LineLimitError, StreamReader } from "../src/stream-reader.js";

const feedAll = (reader: StreamReader, chunks: string[]) => {
  for (const chunk of chunks) reader.feedData(Buffer.from(chunk));
  reader.feedEof();
};

describe("StreamReader", () => {
  describe("#read", () => {
    it("reads everything up to the end with no argument", async () => {
      const reader = new StreamReader();
      const read = reader.read();
      feedAll(reader, ["hello ", "wor", "ld"]);
      expect((await read).toString()).toBe("hello world");
      expect(reader.atEof()).toBe(true);
      expect(reader.totalBytes).toBe(11);
    });

    it("reads at most n bytes, waiting for the first", async () => {
      const reader = new StreamReader();
      const read = reader.read(4);
      reader.feedData(Buffer.from("ab"));
      expect((await read).toString()).toBe("ab");
      reader.feedData(Buffer.from("cdefgh"));
      expect((await reader.read(4)).toString()).toBe("cdef");
      reader.feedEof();
      expect((await reader.read(4)).toString()).toBe("gh");
      expect((await reader.read(4)).length).toBe(0);
    });

    it("rejects a second read while one is waiting", async () => {
      const reader = new StreamReader();
      const first = reader.read(1);
      await expect(reader.read(1)).rejects.toThrow("another read is already waiting");
      reader.feedData(Buffer.from("x"));
      expect((await first).toString()).toBe("x");
    });

    it("rejects the waiting read and later ones after setException", async () => {
      const reader = new StreamReader();
      const read = reader.read();
      const error = new Error("client went away");
      reader.setException(error);
      await expect(read).rejects.toBe(error);
      await expect(reader.readany()).rejects.toBe(error);
      expect(reader.exception()).toBe(error);
    });
  });

  describe("#readexactly", () => {
    it("waits for exactly n bytes across chunks", async () => {
      const reader = new StreamReader();
      const read = reader.readexactly(5);
      reader.feedData(Buffer.from("ab"));
      reader.feedData(Buffer.from("cdef"));
      expect((await read).toString()).toBe("abcde");
      expect((await reader.readany()).toString()).toBe("f");
    });

    it("throws IncompleteReadError with the partial bytes when the body ends first", async () => {
      const reader = new StreamReader();
      feedAll(reader, ["abc"]);
      const error = await reader.readexactly(5).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(IncompleteReadError);
      expect((error as IncompleteReadError).partial.toString()).toBe("abc");
      expect((error as IncompleteReadError).expected).toBe(5);
      expect((error as Error).message).toBe("3 bytes read on a total of 5 expected bytes");
    });
  });

  describe("#readline", () => {
    it("returns lines with their newline, then the rest, then empty", async () => {
      const reader = new StreamReader();
      feedAll(reader, ["one\ntw", "o\nthr", "ee"]);
      expect((await reader.readline()).toString()).toBe("one\n");
      expect((await reader.readline()).toString()).toBe("two\n");
      expect((await reader.readline()).toString()).toBe("three");
      expect((await reader.readline()).length).toBe(0);
    });

    it("finds a multi-byte separator split between chunks", async () => {
      const reader = new StreamReader();
      const read = reader.readuntil("\r\n");
      reader.feedData(Buffer.from("abc\r"));
      reader.feedData(Buffer.from("\ndef"));
      expect((await read).toString()).toBe("abc\r\n");
    });

    it("throws LineLimitError past maxLineSize", async () => {
      const reader = new StreamReader({ maxLineSize: 8 });
      reader.feedData(Buffer.from("0123456789"));
      await expect(reader.readline()).rejects.toBeInstanceOf(LineLimitError);
    });
  });

  describe("flow control", () => {
    it("calls onPause past the high-water mark and onResume at half of it", async () => {
      const onPause = vi.fn();
      const onResume = vi.fn();
      const reader = new StreamReader({ highWaterMark: 10, onPause, onResume });
      reader.feedData(Buffer.alloc(6));
      expect(onPause).not.toHaveBeenCalled();
      reader.feedData(Buffer.alloc(6));
      reader.feedData(Buffer.alloc(6));
      expect(onPause).toHaveBeenCalledTimes(1);
      await reader.read(10);
      expect(onResume).not.toHaveBeenCalled();
      await reader.read(3);
      expect(onResume).toHaveBeenCalledTimes(1);
    });

    it("calls onFirstRead once, on the first read of any kind", async () => {
      const onFirstRead = vi.fn();
      const reader = new StreamReader({ onFirstRead });
      reader.feedData(Buffer.from("a\nb"));
      expect(onFirstRead).not.toHaveBeenCalled();
      await reader.readline();
      await reader.readany();
      expect(onFirstRead).toHaveBeenCalledTimes(1);
    });
  });

  describe("iteration", () => {
    it("yields chunks as they come until the end", async () => {
      const reader = new StreamReader();
      feedAll(reader, ["a", "bc", "def"]);
      const chunks: string[] = [];
      for await (const chunk of reader) chunks.push(chunk.toString());
      expect(chunks).toEqual(["a", "bc", "def"]);
    });

    it("iterChunked yields pieces of at most n bytes", async () => {
      const reader = new StreamReader();
      feedAll(reader, ["abcde", "fg"]);
      const chunks: string[] = [];
      for await (const chunk of reader.iterChunked(3)) chunks.push(chunk.toString());
      expect(chunks).toEqual(["abc", "def", "g"]);
    });
  });

  it("gives the same bytes for any chunking of the body", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 200 }),
        fc.array(fc.nat({ max: 200 }), { maxLength: 10 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 30 }),
        async (bytes, cuts, operations) => {
          const data = Buffer.from(bytes.map((byte) => (byte % 7 === 0 ? 10 : byte)));
          const points = [...new Set(cuts.map((cut) => cut % (data.length + 1)))].sort(
            (a, b) => a - b,
          );
          const reader = new StreamReader({ highWaterMark: 16 });
          let last = 0;
          for (const point of [...points, data.length]) {
            reader.feedData(data.subarray(last, point));
            last = point;
          }
          reader.feedEof();
          const pieces: Buffer[] = [];
          for (let index = 0; !reader.atEof(); index += 1) {
            const operation = operations[index % operations.length];
            if (operation === 0) pieces.push(await reader.readline());
            else if (operation === 1) pieces.push(await reader.read(5));
            else if (operation === 2) pieces.push(await reader.readany());
            else pieces.push(await reader.readexactly(Math.min(3, reader.bufferedSize)));
          }
          expect(Buffer.concat(pieces).equals(data)).toBe(true);
        },
      ),
    );
  });
});
