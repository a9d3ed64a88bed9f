import { once } from "node:events";
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { ConnectionOutput } from "../src/connection-output.js";

const opened: net.Server[] = [];
afterEach(() => {
  for (const server of opened.splice(0)) server.close();
});

/** A connected socket pair on 127.0.0.1: `output` writes the server side, `read()` what the client got. */
async function pair() {
  const server = net.createServer();
  opened.push(server);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const client = net.connect((server.address() as net.AddressInfo).port, "127.0.0.1");
  const [socket] = (await once(server, "connection")) as [net.Socket];
  const writes: unknown[] = [];
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  socket.write = ((...args: unknown[]) => {
    writes.push(args[0]);
    return write(...args);
  }) as typeof socket.write;
  let received = "";
  client.on("data", (chunk: Buffer) => {
    received += chunk.toString("latin1");
  });
  const until = async (text: string) => {
    while (received.length < text.length) await once(client, "data");
    return received;
  };
  return { output: new ConnectionOutput(socket), socket, client, writes, until };
}

describe("ConnectionOutput", () => {
  describe("#sendWhole", () => {
    it("writes a head and a text body as one string", async () => {
      const { output, writes, until } = await pair();
      expect(output.sendWhole("HTTP/1.1 200 OK\r\n\r\n", "hi", true)).toBe(true);
      expect(await until("HTTP/1.1 200 OK\r\n\r\nhi")).toBe("HTTP/1.1 200 OK\r\n\r\nhi");
      expect(writes).toEqual(["HTTP/1.1 200 OK\r\n\r\nhi"]);
    });

    it("joins whole responses while held and writes them once on release", async () => {
      const { output, writes, until } = await pair();
      output.hold();
      output.sendWhole("A\r\n\r\n", "1", true);
      output.sendWhole("B\r\n\r\n", "2", true);
      expect(writes).toEqual([]);
      output.release();
      expect(writes).toEqual(["A\r\n\r\n1B\r\n\r\n2"]);
      expect(await until("A\r\n\r\n1B\r\n\r\n2")).toBe("A\r\n\r\n1B\r\n\r\n2");
    });

    it("writes a head that is not ASCII as latin1, after what is held", async () => {
      const { output, until } = await pair();
      output.hold();
      output.sendWhole("A\r\n\r\n", undefined, true);
      output.sendWhole("B: \xe9\r\n\r\n", Buffer.from("\xe9", "latin1"), false);
      output.release();
      expect(await until("A\r\n\r\nB: \xe9\r\n\r\n\xe9")).toBe("A\r\n\r\nB: \xe9\r\n\r\n\xe9");
    });

    it("writes ASCII answers as latin1 and a batch with UTF-8 text as UTF-8", async () => {
      const { output, client, writes } = await pair();
      const chunks: Buffer[] = [];
      client.on("data", (chunk: Buffer) => chunks.push(chunk));
      output.sendWhole("A\r\n\r\n", "plain", true, true);
      output.hold();
      output.sendWhole("B\r\n\r\n", "caf\u00e9 \u2713", true, false);
      output.sendWhole("C\r\n\r\n", "x", true, true);
      output.release();
      output.sendWhole("D\r\n\r\n", "\u00e9", true, false);
      const expected = Buffer.from(
        "A\r\n\r\nplainB\r\n\r\ncaf\u00e9 \u2713C\r\n\r\nxD\r\n\r\n\u00e9",
        "utf8",
      );
      while (Buffer.concat(chunks).length < expected.length) await once(client, "data");
      expect(Buffer.concat(chunks)).toEqual(expected);
      expect(writes).toHaveLength(3);
    });
  });

  describe("#write", () => {
    it("ends a hold so that a stream is never stuck behind a cork", async () => {
      const { output, until } = await pair();
      output.hold();
      output.sendWhole("A\r\n\r\n", undefined, true);
      output.write("streamed");
      expect(await until("A\r\n\r\nstreamed")).toBe("A\r\n\r\nstreamed");
    });
  });

  describe("#releaseSoon", () => {
    it("releases at the end of the turn", async () => {
      const { output, writes } = await pair();
      output.hold();
      output.sendWhole("A\r\n\r\n", undefined, true);
      output.releaseSoon();
      expect(writes).toEqual([]);
      await new Promise<void>((resolve) => setImmediate(resolve));
      expect(writes).toEqual(["A\r\n\r\n"]);
    });
  });

  describe("#writeAll", () => {
    it("writes a head and a body after what is held", async () => {
      const { output, until } = await pair();
      output.hold();
      output.sendWhole("A\r\n\r\n", undefined, true);
      output.writeAll(Buffer.from("B\r\n\r\n"), Buffer.from("body"));
      output.release();
      expect(await until("A\r\n\r\nB\r\n\r\nbody")).toBe("A\r\n\r\nB\r\n\r\nbody");
    });
  });

  describe("#end", () => {
    it("sends what is held, then ends our side", async () => {
      const { output, client } = await pair();
      let received = "";
      client.on("data", (chunk: Buffer) => {
        received += chunk.toString();
      });
      output.hold();
      output.sendWhole("last\r\n\r\n", undefined, true);
      output.end();
      await once(client, "end");
      expect(received).toBe("last\r\n\r\n");
      expect(output.writable).toBe(false);
    });
  });
});
