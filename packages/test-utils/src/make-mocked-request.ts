import {
  ConnectionResetError,
  type HeadersInit,
  HttpRequestParser,
  type HttpVersion,
  HttpVersion11,
  type RawRequestMessage,
} from "@ll/http-protocol";
import {
  BaseRequest,
  createStandaloneConnection,
  kAbort,
  type RequestConnection,
  StreamReader,
} from "@ll/server";
import { InMemorySocket } from "./in-memory-socket.js";
import { hasHeader, headerPairs, serializeRequestHead } from "./request-head.js";

/** Options of {@link makeMockedRequest}. */
export interface MockedRequestInit {
  /** The request headers (a `Host: localhost` is added to an HTTP/1.1 request without one). */
  headers?: HeadersInit;
  /**
   * The body `read()`, `text()`, `json()`, `post()` and `content` return, as the handler sees
   * it (no content coding is undone). A `Content-Length` is added unless the headers frame it.
   */
  body?: string | Uint8Array;
  /** The HTTP version (default HTTP/1.1). */
  version?: HttpVersion;
  /** The client's address, `request.remote` (default `"127.0.0.1"`). */
  remote?: string;
  /** Whether the request came over TLS: `request.scheme` is then `"https"` (default false). */
  secure?: boolean;
  /** Most bytes `read()` accepts, as the server option of that name (default 1 MiB). */
  clientMaxSize?: number;
}

/**
 * A request made by {@link makeMockedRequest}: a real `BaseRequest`, with no server behind it,
 * and two test hooks: {@link abort} and {@link output}.
 */
export class MockedRequest extends BaseRequest {
  readonly #output: Buffer[];

  /** @internal */
  constructor(
    message: RawRequestMessage,
    payload: StreamReader,
    connection: RequestConnection,
    output: Buffer[],
  ) {
    super(message, payload, connection);
    this.#output = output;
  }

  /**
   * Makes {@link BaseRequest.signal} abort, as when the client goes away.
   * @param reason the signal's reason (default: the `ConnectionResetError` the server uses).
   */
  abort(
    reason: unknown = new ConnectionResetError("Connection lost: the client closed the connection"),
  ): void {
    this[kAbort](reason);
  }

  /**
   * The bytes responses prepared for this request wrote so far (head and body, as a client
   * would receive them), e.g. after `await response.prepare(request)` and `writeEof()`.
   */
  get output(): Buffer {
    return Buffer.concat(this.#output);
  }
}

/**
 * Builds a request without a server or a socket, for unit tests of handlers: aiohttp's
 * `make_mocked_request`. The head is parsed by the server's own parser, so the request is
 * exactly what the server would hand the handler for these bytes; the body is served from
 * memory.
 *
 * @example
 * ```ts
 * import { makeMockedRequest } from "@ll/test-utils";
 *
 * const request = makeMockedRequest("POST", "/items?page=2", {
 *   headers: { "Content-Type": "application/json" },
 *   body: JSON.stringify({ name: "pen" }),
 * });
 * const response = await handler(request);
 * ```
 *
 * @param method the method token (`"GET"`, `"POST"`…).
 * @param path the request target (`"/path?query"`, or absolute-form `"http://host/path"`).
 * @throws {TypeError} when `method`, `path` or a header is not what a client could send (the
 *   message says what the parser rejected), or an option has the wrong type.
 * @throws {RangeError} when `clientMaxSize` is negative or not a number.
 */
export function makeMockedRequest(
  method: string,
  path: string,
  init: MockedRequestInit = {},
): MockedRequest {
  const caller = "makeMockedRequest";
  if (typeof init !== "object" || init === null)
    throw new TypeError(`${caller}: init must be an object`);
  const { body, version = HttpVersion11, remote = "127.0.0.1", secure = false } = init;
  if (body !== undefined && typeof body !== "string" && !(body instanceof Uint8Array)) {
    throw new TypeError(`${caller}: body must be a string or a Uint8Array`);
  }
  if (typeof remote !== "string") throw new TypeError(`${caller}: remote must be a string`);
  if (typeof secure !== "boolean") throw new TypeError(`${caller}: secure must be a boolean`);
  const pairs = headerPairs(init.headers, caller);
  const http11 = version.major === 1 && version.minor >= 1;
  if (http11 && !hasHeader(pairs, "host")) pairs.unshift(["Host", "localhost"]);
  const bytes = body === undefined ? undefined : Buffer.from(body as string);
  if (
    bytes !== undefined &&
    !hasHeader(pairs, "content-length") &&
    !hasHeader(pairs, "transfer-encoding")
  ) {
    pairs.push(["Content-Length", String(bytes.length)]);
  }
  const head = serializeRequestHead(method, path, String(version), pairs, caller);
  const message = parseHead(head, caller);

  const payload = new StreamReader();
  if (bytes !== undefined && bytes.length > 0) payload.feedData(bytes);
  payload.feedEof();

  const output: Buffer[] = [];
  const socket = new InMemorySocket(output);
  setUpSocket(socket, remote, secure);
  const connection = createStandaloneConnection(
    socket as never,
    init.clientMaxSize === undefined ? undefined : { clientMaxSize: init.clientMaxSize },
  );
  return new MockedRequest(message, payload, connection, output);
}

function setUpSocket(socket: InMemorySocket, remote: string, secure: boolean): void {
  socket.remoteAddress = remote;
  // `request.scheme` is "https" on a TLS socket, which says so with `encrypted`.
  if (secure) Object.defineProperty(socket, "encrypted", { value: true });
}

function parseHead(head: string, caller: string): RawRequestMessage {
  let message: RawRequestMessage | undefined;
  const parser = new HttpRequestParser({
    onMessage: (parsed) => {
      message ??= parsed;
    },
    onBody: () => {},
    onMessageComplete: () => {},
  });
  try {
    parser.feedData(Buffer.from(head, "latin1"));
  } catch (error) {
    throw new TypeError(`${caller}: ${(error as Error).message}`, { cause: error });
  }
  // The head is complete, so the parser either returned it or threw.
  return message!;
}
