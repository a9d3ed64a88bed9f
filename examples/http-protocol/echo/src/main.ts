// @ll/http-protocol alone: a server on a bare `net` socket, with no @ll/server. The parser turns
// bytes into requests, serializeResponseHead() and StreamWriter turn answers into bytes, and
// this file does the rest by hand: response order, keep-alive and errors. Each request is
// answered with what the parser made of it: the request line, the headers as sent, the body.
import net from "node:net";
import {
  HttpProcessingError,
  HttpRequestParser,
  HttpVersion11,
  httpDate,
  type RawRequestMessage,
  STATUS_REASONS,
  StreamWriter,
  serializeResponseHead,
} from "@ll/http-protocol";

/** Writes one complete response; resolves once the socket has taken it. */
async function respond(
  socket: net.Socket,
  status: number,
  body: Buffer,
  close: boolean,
): Promise<void> {
  const headers: [string, string][] = [
    ["Date", httpDate()],
    ["Content-Type", "text/plain; charset=utf-8"],
    ["Content-Length", String(body.length)],
  ];
  if (close) headers.push(["Connection", "close"]);
  const writer = new StreamWriter(socket);
  // The writer holds the head back and sends it with the body in a single write.
  writer.writeHeaders(
    serializeResponseHead(HttpVersion11, status, STATUS_REASONS[status] ?? "", headers),
  );
  await writer.writeEof(body);
  if (close) socket.end();
}

/** The answer's body: the request line, the header fields as sent, an empty line, the body. */
function describe(request: RawRequestMessage, body: Buffer): Buffer {
  let text = `${request.method} ${request.path} ${request.version}\n`;
  for (let index = 0; index < request.rawHeaders.length; index += 2) {
    text += `${request.rawHeaders[index]}: ${request.rawHeaders[index + 1]}\n`;
  }
  return Buffer.concat([Buffer.from(`${text}\n`), body]);
}

function serve(socket: net.Socket): void {
  let request: RawRequestMessage | undefined;
  let body: Buffer[] = [];
  let closing = false;
  // Pipelined requests are answered in order: each response waits for the one before it.
  let previous: Promise<void> = Promise.resolve();
  const answer = (status: number, content: Buffer, close: boolean): void => {
    closing ||= close;
    previous = previous.then(() => respond(socket, status, content, close));
    previous.catch(() => socket.destroy());
  };
  const parser = new HttpRequestParser({
    onMessage(message) {
      request = message;
      body = [];
    },
    onBody(chunk) {
      body.push(chunk);
    },
    onMessageComplete() {
      const message = request!;
      if (!closing) answer(200, describe(message, Buffer.concat(body)), message.shouldClose);
    },
  });
  // Bad bytes are reported by a throw from feedData()/feedEof(): the error's `code` is the
  // status to answer with, and the connection cannot go on after it.
  const feed = (action: () => void): void => {
    try {
      action();
    } catch (error) {
      if (!(error instanceof HttpProcessingError)) throw error;
      if (!closing) answer(error.code, Buffer.from(`${error.name}: ${error.message}\n`), true);
    }
  };
  socket.on("data", (data: Buffer) => {
    if (!closing) feed(() => parser.feedData(data));
  });
  socket.on("end", () => {
    if (closing) return;
    // A body cut short by the client's close is an error too.
    feed(() => parser.feedEof());
    closing = true;
    void previous.then(() => socket.end());
  });
  socket.on("error", () => socket.destroy());
}

// allowHalfOpen: a client may send its last request and close its side before the answer.
const listener = net.createServer({ allowHalfOpen: true }, serve);
const host = process.env.HOST ?? "127.0.0.1";
listener.listen(Number(process.env.PORT ?? 8080), host, () => {
  const { port } = listener.address() as net.AddressInfo;
  console.log(`Serving on http://${host}:${port}/`);
});
process.on("SIGINT", () => listener.close(() => process.exit(0)));
