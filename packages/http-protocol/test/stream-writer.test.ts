import { once } from "node:events";
import net from "node:net";
import zlib from "node:zlib";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import {
  ConnectionResetError,
  HttpVersion11,
  StreamWriter,
  serializeResponseHead,
} from "../src/index.js";
import { FakeSink, isSettled, unchunk } from "./helpers/fake-sink.js";
import { parseResponses } from "./helpers/parse.js";

const HEAD = serializeResponseHead(HttpVersion11, 200, "OK", [["Content-Type", "text/plain"]]);
const HEAD_TEXT = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n";

function setup(): { sink: FakeSink; writer: StreamWriter } {
  const sink = new FakeSink();
  return { sink, writer: new StreamWriter(sink) };
}

/** The body after the head, de-chunked if asked, decompressed by `decode`. */
function body(sink: FakeSink, { chunked = false, decode = (data: Buffer) => data } = {}): string {
  const bytes = sink.bytes();
  const rest = bytes.subarray(bytes.indexOf("\r\n\r\n") + 4);
  return decode(chunked ? unchunk(rest) : rest).toString("utf8");
}

describe("StreamWriter", () => {
  describe("#writeHeaders", () => {
    it("holds the head until the first body bytes and sends both in one write", async () => {
      const { sink, writer } = setup();
      writer.writeHeaders(HEAD);
      expect(sink.flushes).toEqual([]);
      expect(writer.bufferSize).toBe(HEAD.length);
      await writer.write("hi");
      expect(sink.flushes.map((flush) => flush.toString("latin1"))).toEqual([`${HEAD_TEXT}hi`]);
      expect(writer.bufferSize).toBe(0);
    });

    it("sends the head alone at writeEof when there is no body", async () => {
      const { sink, writer } = setup();
      writer.writeHeaders(HEAD);
      await writer.writeEof();
      expect(sink.flushes.map((flush) => flush.toString("latin1"))).toEqual([HEAD_TEXT]);
    });

    it("sends head and the last body bytes in one write", async () => {
      const { sink, writer } = setup();
      writer.writeHeaders(HEAD);
      await writer.writeEof("bye");
      expect(sink.flushes.map((flush) => flush.toString("latin1"))).toEqual([`${HEAD_TEXT}bye`]);
    });

    it("throws when called twice", () => {
      const { writer } = setup();
      writer.writeHeaders(HEAD);
      expect(() => writer.writeHeaders(HEAD)).toThrow(
        new Error("writeHeaders() was already called"),
      );
    });
  });

  describe("#write", () => {
    it("writes the bytes as given, strings as UTF-8", async () => {
      const { sink, writer } = setup();
      await writer.write(Buffer.from([0, 255]));
      await writer.write("\u00e9");
      expect([...sink.bytes()]).toEqual([0, 255, 0xc3, 0xa9]);
    });

    it("sends only a pending head for an empty chunk", async () => {
      const { sink, writer } = setup();
      writer.writeHeaders(HEAD);
      await writer.write("");
      await writer.write(Buffer.alloc(0));
      expect(sink.text()).toBe(HEAD_TEXT);
      expect(sink.flushes).toHaveLength(1);
    });

    it("counts every byte handed to the socket in outputSize", async () => {
      const { sink, writer } = setup();
      writer.enableChunking();
      writer.writeHeaders(HEAD);
      await writer.write("hello");
      await writer.writeEof();
      expect(writer.outputSize).toBe(sink.bytes().length);
      expect(writer.outputSize).toBe(HEAD.length + "5\r\nhello\r\n0\r\n\r\n".length);
    });

    it("takes a Uint8Array", async () => {
      const { sink, writer } = setup();
      await writer.write(new Uint8Array([1, 2, 3]).subarray(1));
      expect([...sink.bytes()]).toEqual([2, 3]);
    });

    it("rejects what is not bytes or a string with a TypeError", async () => {
      const { sink, writer } = setup();
      // @ts-expect-error: a number on purpose.
      await expect(writer.write(42)).rejects.toThrow(
        new TypeError("chunk must be a Buffer or a string"),
      );
      // @ts-expect-error: an object on purpose.
      await expect(writer.writeEof({})).rejects.toThrow(TypeError);
      await writer.writeEof("ok");
      expect(sink.text()).toBe("ok");
    });

    it("rejects after writeEof", async () => {
      const { writer } = setup();
      await writer.writeEof();
      await expect(writer.write("x")).rejects.toThrow(new Error("write() after writeEof()"));
    });

    it("writes a large chunk with its framing under cork, as one writev", async () => {
      const { sink, writer } = setup();
      writer.enableChunking();
      writer.writeHeaders(HEAD);
      const data = Buffer.alloc(100_000, 0x61);
      await writer.write(data);
      expect(sink.flushes).toHaveLength(1);
      expect(sink.text()).toBe(`${HEAD_TEXT}186a0\r\n${"a".repeat(100_000)}\r\n`);
    });
  });

  describe("chunked", () => {
    it("frames each write and ends with the last chunk", async () => {
      const { sink, writer } = setup();
      writer.enableChunking();
      writer.writeHeaders(HEAD);
      await writer.write("hello");
      await writer.write(Buffer.alloc(26, 0x7a));
      await writer.writeEof();
      expect(sink.flushes.map((flush) => flush.toString("latin1"))).toEqual([
        `${HEAD_TEXT}5\r\nhello\r\n`,
        `1a\r\n${"z".repeat(26)}\r\n`,
        "0\r\n\r\n",
      ]);
    });

    it("writes no zero-size chunk for an empty write", async () => {
      const { sink, writer } = setup();
      writer.enableChunking();
      await writer.write("a");
      await writer.write("");
      await writer.writeEof("b");
      expect(sink.text()).toBe("1\r\na\r\n1\r\nb\r\n0\r\n\r\n");
    });

    it("sends the head and an empty body's last chunk in one write", async () => {
      const { sink, writer } = setup();
      writer.enableChunking();
      writer.writeHeaders(HEAD);
      await writer.writeEof();
      expect(sink.flushes.map((flush) => flush.toString("latin1"))).toEqual([
        `${HEAD_TEXT}0\r\n\r\n`,
      ]);
    });

    it("refuses to start once the body has started", async () => {
      const { writer } = setup();
      await writer.write("a");
      expect(() => writer.enableChunking()).toThrow(
        new Error("enableChunking() must be called before the body is written"),
      );
      expect(writer.chunked).toBe(false);
    });
  });

  it("writes chunked messages the response parser reads back, whatever the chunks", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 8 }),
        async (chunks) => {
          const { sink, writer } = setup();
          writer.enableChunking();
          writer.writeHeaders(
            serializeResponseHead(HttpVersion11, 200, "OK", [["Transfer-Encoding", "chunked"]]),
          );
          for (const data of chunks) await writer.write(Buffer.from(data));
          await writer.writeEof();
          const { messages, error } = parseResponses([sink.bytes()]);
          expect(error).toBeUndefined();
          expect(messages).toHaveLength(1);
          expect(messages[0]!.complete).toBe(true);
          expect(messages[0]!.body).toBe(Buffer.concat(chunks).toString("latin1"));
        },
      ),
    );
  });

  describe("#writeEof", () => {
    it("does nothing the second time", async () => {
      const { sink, writer } = setup();
      writer.enableChunking();
      await writer.writeEof();
      await writer.writeEof();
      expect(sink.text()).toBe("0\r\n\r\n");
    });

    it("never ends the socket", async () => {
      const { sink, writer } = setup();
      await writer.writeEof("x");
      expect(sink.writableEnded).toBe(false);
      expect(sink.destroyed).toBe(false);
    });
  });

  describe("#enableCompression", () => {
    const decoders = {
      gzip: (data: Buffer) => zlib.gunzipSync(data),
      deflate: (data: Buffer) => zlib.inflateSync(data),
      br: (data: Buffer) => zlib.brotliDecompressSync(data),
    } as const;
    // A partial stream, decoded as far as it goes: proves each write was flushed.
    const partialDecoders = {
      gzip: (data: Buffer) => zlib.gunzipSync(data, { finishFlush: zlib.constants.Z_SYNC_FLUSH }),
      deflate: (data: Buffer) =>
        zlib.inflateSync(data, { finishFlush: zlib.constants.Z_SYNC_FLUSH }),
      br: (data: Buffer) =>
        zlib.brotliDecompressSync(data, { finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH }),
    } as const;

    describe.each(["gzip", "deflate", "br"] as const)("%s", (encoding) => {
      it("compresses a chunked body that decompresses back", async () => {
        const { sink, writer } = setup();
        writer.enableChunking();
        writer.enableCompression(encoding);
        writer.writeHeaders(HEAD);
        await writer.write("hello ");
        await writer.write(Buffer.from("world ".repeat(1000)));
        await writer.writeEof("!");
        expect(sink.text().startsWith(HEAD_TEXT)).toBe(true);
        expect(body(sink, { chunked: true, decode: decoders[encoding] })).toBe(
          `hello ${"world ".repeat(1000)}!`,
        );
        expect(writer.compression).toBe(encoding);
      });

      it("compresses an unchunked body (closed-delimited)", async () => {
        const { sink, writer } = setup();
        writer.enableCompression(encoding);
        await writer.write("abc");
        await writer.writeEof();
        expect(decoders[encoding](sink.bytes()).toString()).toBe("abc");
      });

      it("flushes each write so a streamed body arrives as written", async () => {
        const { sink, writer } = setup();
        writer.enableCompression(encoding);
        await writer.write("data: 1\n\n");
        expect(partialDecoders[encoding](sink.bytes()).toString()).toBe("data: 1\n\n");
        await writer.write("data: 2\n\n");
        expect(partialDecoders[encoding](sink.bytes()).toString()).toBe("data: 1\n\ndata: 2\n\n");
        await writer.writeEof();
      });

      it("keeps the order of writes not awaited", async () => {
        const { sink, writer } = setup();
        writer.enableChunking();
        writer.enableCompression(encoding, 1);
        writer.writeHeaders(HEAD);
        const parts = Array.from({ length: 20 }, (_, index) => `part ${index};`);
        await Promise.all([...parts.map((part) => writer.write(part)), writer.writeEof()]);
        expect(body(sink, { chunked: true, decode: decoders[encoding] })).toBe(parts.join(""));
      });

      it("sends an empty compressed body", async () => {
        const { sink, writer } = setup();
        writer.enableChunking();
        writer.enableCompression(encoding);
        writer.writeHeaders(HEAD);
        await writer.writeEof();
        expect(body(sink, { chunked: true, decode: decoders[encoding] })).toBe("");
      });
    });

    it("rejects queued compressed writes and the end once the socket is gone", async () => {
      const { sink, writer } = setup();
      writer.enableChunking();
      writer.enableCompression("gzip");
      const first = writer.write("a");
      const second = writer.write("b");
      const end = writer.writeEof();
      sink.destroy();
      await expect(first).rejects.toThrow(ConnectionResetError);
      await expect(second).rejects.toThrow(ConnectionResetError);
      await expect(end).rejects.toThrow(ConnectionResetError);
      expect(sink.flushes).toEqual([]);
    });

    it("refuses an unknown encoding with a RangeError", () => {
      const { writer } = setup();
      // @ts-expect-error: a wrong encoding on purpose.
      expect(() => writer.enableCompression("zstd")).toThrow(
        new RangeError('encoding must be "gzip", "deflate" or "br", not zstd'),
      );
    });

    it.each([
      ["gzip", 10, "level must be an integer from 0 to 9 for gzip"],
      ["deflate", -1, "level must be an integer from 0 to 9 for deflate"],
      ["br", 12, "level must be an integer from 0 to 11 for br"],
    ] as const)("refuses %s level %i with a RangeError", (encoding, level, message) => {
      const { writer } = setup();
      expect(() => writer.enableCompression(encoding, level)).toThrow(new RangeError(message));
    });

    it("refuses to start twice", () => {
      const { writer } = setup();
      writer.enableCompression("gzip");
      expect(() => writer.enableCompression("br")).toThrow(
        new Error("Compression is already enabled"),
      );
    });
  });

  describe("backpressure", () => {
    it("resolves at once while the socket takes more", async () => {
      const { writer } = setup();
      expect(await isSettled(writer.write("a"))).toBe(true);
    });

    it("waits for 'drain' when the socket is over its high-water mark", async () => {
      const { sink, writer } = setup();
      sink.accept = false;
      const first = writer.write("a");
      const second = writer.write("b");
      expect(await isSettled(first)).toBe(false);
      expect(await isSettled(second)).toBe(false);
      sink.drain();
      await Promise.all([first, second]);
      expect(sink.text()).toBe("ab");
      expect(
        sink.listenerCount("drain") + sink.listenerCount("close") + sink.listenerCount("error"),
      ).toBe(0);
    });

    it("drain() sends a pending head and waits for the socket", async () => {
      const { sink, writer } = setup();
      writer.writeHeaders(HEAD);
      sink.accept = false;
      const drained = writer.drain();
      expect(sink.text()).toBe(HEAD_TEXT);
      expect(await isSettled(drained)).toBe(false);
      sink.drain();
      await drained;
    });

    it("rejects a waiting write with ConnectionResetError when the socket closes", async () => {
      const { sink, writer } = setup();
      sink.accept = false;
      const pending = writer.write("a");
      sink.destroy();
      const error = await pending.catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ConnectionResetError);
      expect(error).toMatchObject({
        code: "ECONNRESET",
        message: "Cannot write to closing transport",
      });
    });

    it("rejects a waiting write with the socket's error as cause", async () => {
      const { sink, writer } = setup();
      sink.accept = false;
      const pending = writer.write("a");
      const cause = new Error("EPIPE");
      sink.destroy(cause);
      const error = await pending.catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ConnectionResetError);
      expect((error as Error).cause).toBe(cause);
    });

    it("rejects a write to a closed socket, writing nothing", async () => {
      const { sink, writer } = setup();
      writer.writeHeaders(HEAD);
      sink.destroy();
      await expect(writer.write("a")).rejects.toThrow(ConnectionResetError);
      await expect(writer.writeEof()).rejects.toThrow(ConnectionResetError);
      expect(sink.flushes).toEqual([]);
    });
  });

  describe("on a real socket", () => {
    let server: net.Server | undefined;
    let client: net.Socket | undefined;

    afterEach(async () => {
      client?.destroy();
      if (server !== undefined) {
        server.close();
        await once(server, "close");
      }
      server = client = undefined;
    });

    async function socketPair(): Promise<[net.Socket, net.Socket]> {
      server = net.createServer();
      server.listen(0, "127.0.0.1");
      await once(server, "listening");
      const { port } = server.address() as net.AddressInfo;
      const accepted = once(server, "connection");
      client = net.connect(port, "127.0.0.1");
      const [serverSide] = (await accepted) as [net.Socket];
      return [serverSide, client];
    }

    it("holds writes while a slow reader does not read, and delivers every byte", async () => {
      const [serverSide, reader] = await socketPair();
      reader.pause();
      const writer = new StreamWriter(serverSide);
      writer.enableChunking();
      writer.writeHeaders(HEAD);
      const piece = Buffer.alloc(64 * 1024, 0x78);
      let written = 0;
      // Write until the kernel buffers and the socket's own buffer are full.
      while (await isSettled(writer.write(piece))) written++;
      const blocked = written;
      expect(serverSide.writableNeedDrain).toBe(true);
      const received: Buffer[] = [];
      reader.on("data", (data: Buffer) => received.push(data));
      reader.resume();
      const done = once(reader, "end");
      // The loop's last write is waiting for 'drain'; each later one resolves as the reader reads.
      for (let index = 0; index < 4; index++) await writer.write(piece);
      await writer.writeEof();
      serverSide.end();
      await done;
      const bytes = Buffer.concat(received);
      expect(bytes.subarray(0, HEAD.length).toString("latin1")).toBe(HEAD_TEXT);
      const data = unchunk(bytes.subarray(HEAD.length));
      expect(data.length).toBe((blocked + 1 + 4) * piece.length);
      expect(data.every((byte) => byte === 0x78)).toBe(true);
      expect(writer.outputSize).toBe(bytes.length);
    });

    it("rejects a waiting write when the reader goes away", async () => {
      const [serverSide, reader] = await socketPair();
      serverSide.on("error", () => {});
      reader.pause();
      const writer = new StreamWriter(serverSide);
      const piece = Buffer.alloc(64 * 1024);
      let pending = writer.write(piece);
      while (await isSettled(pending)) pending = writer.write(piece);
      reader.destroy();
      await expect(pending).rejects.toThrow(ConnectionResetError);
    });
  });
});
