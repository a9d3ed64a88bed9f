import { once } from "node:events";
import net from "node:net";
import WebSocket from "ws";

/** Every client a test opened, for `closeClients()` in `afterEach`. */
const clients = new Set<WebSocket | net.Socket>();

/** Opens a `ws` client and waits for the handshake to complete. */
export async function connect(
  url: string,
  protocols?: string | string[],
  options?: WebSocket.ClientOptions,
): Promise<WebSocket> {
  const client = new WebSocket(url, protocols, options);
  clients.add(client);
  client.on("error", () => {});
  queueMessages(client);
  await once(client, "open");
  return client;
}

interface MessageQueue {
  readonly messages: [Buffer, boolean][];
  readonly waiters: ((message: [Buffer, boolean]) => void)[];
}
const queues = new WeakMap<WebSocket, MessageQueue>();

// ws emits every message of one socket read synchronously: a `once()` loop would miss all but
// the first, so messages are queued from the start.
function queueMessages(client: WebSocket): void {
  const queue: MessageQueue = { messages: [], waiters: [] };
  queues.set(client, queue);
  client.on("message", (data, isBinary) => {
    const message: [Buffer, boolean] = [data as Buffer, isBinary];
    const waiter = queue.waiters.shift();
    if (waiter === undefined) queue.messages.push(message);
    else waiter(message);
  });
}

/** The next message a `ws` client receives, as `[data, isBinary]`. */
export async function nextMessage(client: WebSocket): Promise<[Buffer, boolean]> {
  const queue = queues.get(client);
  if (queue === undefined) {
    const [data, isBinary] = await once(client, "message");
    return [data as Buffer, isBinary as boolean];
  }
  const queued = queue.messages.shift();
  if (queued !== undefined) return queued;
  return new Promise((resolve) => queue.waiters.push(resolve));
}

/** Waits for a `ws` client's close event: the code and reason it reports. */
export async function closeEvent(client: WebSocket): Promise<{ code: number; reason: string }> {
  if (client.readyState === WebSocket.CLOSED) throw new Error("client already closed");
  const [code, reason] = await once(client, "close");
  return { code: code as number, reason: (reason as Buffer).toString() };
}

/** A raw TCP connection, for handshakes a WebSocket client would not send. */
export async function rawConnect(port: number): Promise<net.Socket> {
  const socket = net.connect(port, "127.0.0.1");
  clients.add(socket);
  await once(socket, "connect");
  return socket;
}

/**
 * Reads one HTTP/1.1 response from a raw socket: the head, and as many body bytes as
 * Content-Length says. Returns the head text and the body; extra bytes stay unread in `rest`.
 */
export async function readResponse(
  socket: net.Socket,
  pending: { rest: Buffer } = { rest: Buffer.alloc(0) },
): Promise<{ head: string; body: string; status: number; headers: Map<string, string> }> {
  let buffer = pending.rest;
  for (;;) {
    const end = buffer.indexOf("\r\n\r\n");
    if (end !== -1) {
      const head = buffer.subarray(0, end).toString("latin1");
      const lines = head.split("\r\n");
      const headers = new Map<string, string>();
      for (const line of lines.slice(1)) {
        const colon = line.indexOf(":");
        headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
      }
      const status = Number(lines[0]!.split(" ")[1]);
      const length = status === 101 ? 0 : Number(headers.get("content-length") ?? 0);
      while (buffer.length < end + 4 + length) buffer = Buffer.concat([buffer, await read(socket)]);
      const body = buffer.subarray(end + 4, end + 4 + length).toString();
      pending.rest = buffer.subarray(end + 4 + length);
      return { head, body, status, headers };
    }
    buffer = Buffer.concat([buffer, await read(socket)]);
  }
}

async function read(socket: net.Socket): Promise<Buffer> {
  const chunk = socket.read() as Buffer | null;
  if (chunk !== null) return chunk;
  if (socket.readableEnded || socket.destroyed)
    throw new Error("socket closed before a full response");
  await Promise.race([once(socket, "readable"), once(socket, "end")]);
  return read(socket);
}

/** The upgrade request a browser sends, with `extra` header lines. */
export function upgradeRequest(path: string, extra: string[] = [], method = "GET"): string {
  return [
    `${method} ${path} HTTP/1.1`,
    "Host: 127.0.0.1",
    "Upgrade: websocket",
    "Connection: Upgrade",
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
    "Sec-WebSocket-Version: 13",
    ...extra,
    "",
    "",
  ].join("\r\n");
}

/** A masked client frame (RFC 6455 §5.2) with a payload under 126 bytes. */
export function clientFrame(opcode: number, payload: Buffer, fin = true): Buffer {
  const mask = Buffer.from([1, 2, 3, 4]);
  const masked = Buffer.from(payload.map((byte, index) => byte ^ mask[index % 4]!));
  return Buffer.concat([
    Buffer.from([(fin ? 0x80 : 0) | opcode, 0x80 | payload.length]),
    mask,
    masked,
  ]);
}

/** Terminates every client and raw socket opened by this test. */
export function closeClients(): void {
  for (const client of clients) {
    if (client instanceof WebSocket) client.terminate();
    else client.destroy();
  }
  clients.clear();
}
