import type { EventEmitter } from "node:events";
import type { Duplex } from "node:stream";
import { ConnectionResetError, checkOptionKeys, type OptionKeys } from "@ll/http-protocol";
import type { BaseRequest } from "@ll/server";
import { HTTPException, kPrepareUpgrade, StreamResponse } from "@ll/server";
import { WebSocket } from "ws";
import { BINARY_OPCODE, dataFrame, TEXT_OPCODE } from "./data-frame.js";
import { websocketCloseChannel, websocketOpenChannel } from "./diagnostics.js";
import { Heartbeat, type HeartbeatTarget, heartbeatWheelsOf } from "./heartbeat.js";
import { MessageQueue } from "./message-queue.js";
import { acceptKey, checkHandshake, negotiateDeflate } from "./websocket-handshake.js";
import { isSendableCloseCode, WSCloseCode } from "./ws-close-code.js";
import {
  createServerWebSocket,
  errorCloseCode,
  onCloseFrame,
  type PerMessageDeflateExtension,
  serverWebSocketClass,
  webSocketOf,
} from "./ws-internals.js";
import {
  unexpectedMessage,
  WS_CLOSED_MESSAGE,
  WS_CLOSING_MESSAGE,
  type WSMessage,
  type WSMessageError,
} from "./ws-message.js";
import { WSMsgType } from "./ws-msg-type.js";
import type { PerMessageDeflateOptions, ServerWebSocket } from "./ws-types.js";

/** aiohttp's `THRESHOLD_CONNLOST_ACCESS`: `receive()` on a closed socket throws the 5th time. */
const THRESHOLD_CONNLOST_ACCESS = 5;

/** aiohttp's reader limit: queued, unread data above this pauses reading the socket. */
const READER_LIMIT = 64 * 1024;

/** RFC 6455 §5.5: a control frame's payload, so a close reason plus its 2-byte code, is ≤ 125 bytes. */
const MAX_CLOSE_MESSAGE_SIZE = 123;

/** Options of {@link WebSocketResponse} (aiohttp's `WebSocketResponse` keyword arguments). */
export interface WebSocketResponseOptions {
  /** How long `close()` waits for the peer's close frame before dropping the connection (ms). @defaultValue 10000 */
  timeout?: number;
  /** Default timeout of `receive()` (ms); none when unset. */
  receiveTimeout?: number;
  /** Answer the peer's close frame at once; when off, `CLOSE` is delivered and the handler calls `close()`. @defaultValue true */
  autoclose?: boolean;
  /** Answer pings with pongs; when off, `PING` and `PONG` messages are delivered. @defaultValue true */
  autoping?: boolean;
  /** Send a ping after this many ms without a frame; no frame in the next `heartbeat / 2` ms closes with 1006. */
  heartbeat?: number;
  /** Subprotocols the server speaks; the first the client offers that is in this list is chosen. */
  protocols?: Iterable<string>;
  /** Negotiate permessage-deflate (RFC 7692) when the client offers it; an object is passed to ws's `PerMessageDeflate`. @defaultValue true */
  compress?: boolean | PerMessageDeflateOptions;
  /** Largest message accepted (bytes, after decompression); a larger one closes with 1009. 0 means no limit. @defaultValue 4 MiB */
  maxMsgSize?: number;
}

// Every option, once: adding one to WebSocketResponseOptions without listing it fails to compile.
const WEBSOCKET_RESPONSE_OPTIONS: OptionKeys<WebSocketResponseOptions> = {
  timeout: true,
  receiveTimeout: true,
  autoclose: true,
  autoping: true,
  heartbeat: true,
  protocols: true,
  compress: true,
  maxMsgSize: true,
};

/** What {@link WebSocketResponse.canPrepare} returns (aiohttp's `WebSocketReady`). */
export interface WebSocketReady {
  /** Whether the request is a valid WebSocket opening handshake. */
  readonly ok: boolean;
  /** The subprotocol `prepare()` would choose. */
  readonly protocol: string | undefined;
}

/** Options of {@link WebSocketResponse.close}. */
export interface WSCloseOptions {
  /** The close code (RFC 6455 §7.4). @defaultValue 1000 (`WSCloseCode.OK`) */
  code?: number;
  /** The close reason, at most 123 bytes of UTF-8. */
  message?: string | Buffer;
}

/** Options of the `send*()` methods. */
export interface WSSendOptions {
  /** Compress this message when permessage-deflate was negotiated. @defaultValue true */
  compress?: boolean;
}

/** Options of {@link WebSocketResponse.sendJson}. */
export interface WSSendJsonOptions extends WSSendOptions {
  /** Serializer. @defaultValue JSON.stringify */
  dumps?: (data: unknown) => string;
}

/** Options of the `receive*()` methods. */
export interface WSReceiveOptions {
  /** Timeout in ms; defaults to the `receiveTimeout` option. */
  timeout?: number;
}

/** Options of {@link WebSocketResponse.receiveJson}. */
export interface WSReceiveJsonOptions extends WSReceiveOptions {
  /** Parser. @defaultValue JSON.parse */
  loads?: (text: string) => unknown;
}

type Binary = Uint8Array | ArrayBuffer | ArrayBufferView;

const RESOLVED: Promise<void> = Promise.resolve();

// Shared by every response without its own (read only): nothing per connection.
const NO_PROTOCOLS: readonly string[] = Object.freeze([]);
const DEFAULT_DEFLATE: PerMessageDeflateOptions = Object.freeze({});

// The hand-off's options, shared: the server calls onShutdown with the socket, which leads to
// the response (no closure per connection).
const SHUTDOWN = Object.freeze({
  onShutdown(socket: Duplex): void {
    const websocket = webSocketOf(socket);
    if (websocket === undefined) return; // closed already
    responseOf(websocket)
      .close({ code: WSCloseCode.GOING_AWAY, message: "Server shutdown" })
      .catch(() => {});
  },
});

// ws's send() options, one object each: ws copies them, so they are shared by every send.
const TEXT = Object.freeze({ binary: false, compress: true });
const TEXT_UNCOMPRESSED = Object.freeze({ binary: false, compress: false });
const BINARY = Object.freeze({ binary: true, compress: true });
const BINARY_UNCOMPRESSED = Object.freeze({ binary: true, compress: false });

/**
 * A WebSocket (RFC 6455) server endpoint, answered from a request handler like aiohttp's
 * `web.WebSocketResponse`: `prepare()` validates the opening handshake, writes the
 * `101 Switching Protocols` head and takes the connection over from the server; messages are
 * then read with `receive()` (or `for await`) and written with `sendStr()`/`sendBytes()`/
 * `sendJson()`. Framing, masking, UTF-8 checks and permessage-deflate are the `ws` package's,
 * but for an uncompressed message sent, whose frame is written as one buffer here.
 *
 * When the server shuts down gracefully, the connection is closed with 1001 (`GOING_AWAY`), so
 * a handler's `receive()` loop ends and the handler returns.
 *
 * @example
 * ```ts
 * import type { BaseRequest } from "@ll/server";
 * import { WebSocketResponse, WSMsgType } from "@ll/websocket";
 *
 * async function handler(request: BaseRequest) {
 *   const ws = new WebSocketResponse({ heartbeat: 30_000 });
 *   await ws.prepare(request);
 *   for await (const message of ws) {
 *     if (message.type === WSMsgType.TEXT) await ws.sendStr(message.data);
 *   }
 *   return ws;
 * }
 * ```
 */
export class WebSocketResponse extends StreamResponse implements AsyncIterable<WSMessage> {
  readonly #timeout: number;
  readonly #receiveTimeout: number | undefined;
  readonly #heartbeatInterval: number | undefined;
  readonly #protocols: readonly string[];
  readonly #compress: PerMessageDeflateOptions | undefined;
  readonly #maxMsgSize: number;

  #websocket: ServerWebSocket | undefined;
  /** The taken-over socket (ws writes to it; sends wait on its 'drain'). */
  #socket: Duplex | undefined;
  /** A pending 'drain' of the socket, shared by the sends that wait for it. */
  #drain: Promise<void> | undefined;
  #queue: MessageQueue | undefined;
  #heartbeat: Heartbeat | undefined;
  #protocol: string | undefined;
  #closeCode: number | undefined;
  /** The handshake's request, for the `ll.websocket.close` message. */
  #request: BaseRequest | undefined;
  #exception: Error | undefined;
  #connLost = 0;
  /** Made by close() when it has to wait for the socket to close. */
  #socketClosed: Promise<void> | undefined;
  #resolveSocketClosed: (() => void) | undefined;
  /**
   * The booleans read below, one bit each (set with `|=`): one field instead of nine, on every
   * open connection.
   */
  #flags = 0;

  /** The `autoclose` option. */
  get #autoclose(): boolean {
    return (this.#flags & AUTOCLOSE) !== 0;
  }
  /** The `autoping` option. */
  get #autoping(): boolean {
    return (this.#flags & AUTOPING) !== 0;
  }
  /** permessage-deflate was negotiated: ws may compress (so send) a frame later. */
  get #deflate(): boolean {
    return (this.#flags & DEFLATE) !== 0;
  }
  /** The socket is corked until the end of this tick: the frames sent meanwhile leave in one write. */
  get #corked(): boolean {
    return (this.#flags & CORKED) !== 0;
  }
  /** `close()` was called or the connection is gone: nothing more is sent. */
  get #closed(): boolean {
    return (this.#flags & CLOSED_FLAG) !== 0;
  }
  /** The peer's close frame (or a `CLOSING` message) was returned by `receive()`. */
  get #closing(): boolean {
    return (this.#flags & CLOSING_FLAG) !== 0;
  }
  /** The peer's close frame arrived. */
  get #peerClosed(): boolean {
    return (this.#flags & PEER_CLOSED) !== 0;
  }
  /** An `ERROR` message already reports how this connection ended. */
  get #errorQueued(): boolean {
    return (this.#flags & ERROR_QUEUED) !== 0;
  }
  /** The socket closed. */
  get #socketGone(): boolean {
    return (this.#flags & SOCKET_GONE) !== 0;
  }

  /**
   * @throws {RangeError} when a duration or size option is not a valid number.
   * @throws {TypeError} when `protocols` holds something other than strings, or `options` has a
   *   key it does not know (the message names the closest valid one).
   */
  constructor(options: WebSocketResponseOptions = {}) {
    if (new.target === WebSocketResponse) {
      checkOptionKeys(options, WEBSOCKET_RESPONSE_OPTIONS, "WebSocketResponse");
    }
    super({ status: 101 });
    this.#timeout = positive("timeout", options.timeout ?? 10_000);
    this.#receiveTimeout = optionalPositive("receiveTimeout", options.receiveTimeout);
    this.#heartbeatInterval = optionalPositive("heartbeat", options.heartbeat);
    if (options.autoclose ?? true) this.#flags |= AUTOCLOSE;
    if (options.autoping ?? true) this.#flags |= AUTOPING;
    this.#protocols = options.protocols === undefined ? NO_PROTOCOLS : [...options.protocols];
    for (const protocol of this.#protocols) {
      if (typeof protocol !== "string") throw new TypeError("protocols must be strings");
    }
    const compress = options.compress ?? true;
    this.#compress =
      compress === false ? undefined : compress === true ? DEFAULT_DEFLATE : compress;
    const maxMsgSize = options.maxMsgSize ?? 4 * 1024 * 1024;
    if (!Number.isSafeInteger(maxMsgSize) || maxMsgSize < 0) {
      throw new RangeError("maxMsgSize must be a non-negative integer");
    }
    this.#maxMsgSize = maxMsgSize;
  }

  /** Whether `close()` was called or the connection is gone (aiohttp's `closed`). */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * The close code: the peer's (from its close frame, 1005 if it had none), the one of a
   * protocol error the server closed with (e.g. 1009), or 1006 when the connection ended without
   * a close handshake; `undefined` while open (aiohttp's `close_code`).
   */
  get closeCode(): number | undefined {
    return this.#closeCode;
  }

  /** The negotiated subprotocol, if any (aiohttp's `ws_protocol`). */
  get protocol(): string | undefined {
    return this.#protocol;
  }

  /** Whether permessage-deflate was negotiated (after `prepare()`). */
  get compress(): boolean {
    return this.#websocket !== undefined && this.#websocket.extensions !== "";
  }

  /** The error that ended the connection, if one did: protocol error, heartbeat or close timeout, connection lost. */
  exception(): Error | undefined {
    return this.#exception;
  }

  /**
   * Checks whether `request` is a valid opening handshake without answering it (aiohttp's
   * `can_prepare`), and which subprotocol `prepare()` would choose.
   *
   * @throws {Error} when the response was already prepared.
   */
  canPrepare(request: BaseRequest): WebSocketReady {
    if (this.#websocket !== undefined) throw new Error("WebSocketResponse was already prepared");
    try {
      return { ok: true, protocol: checkHandshake(request, this.#protocols).protocol };
    } catch (error) {
      if (error instanceof HTTPException) return { ok: false, protocol: undefined };
      throw error;
    }
  }

  /**
   * Answers the opening handshake (RFC 6455 §4.2.2): writes `101 Switching Protocols` with
   * Sec-WebSocket-Accept, the chosen subprotocol and permessage-deflate parameters, then takes
   * the connection over from the server. A second call does nothing.
   *
   * @throws {HTTPMethodNotAllowed} (405) when the method is not GET.
   * @throws {HTTPBadRequest} (400) when the request is not a valid WebSocket handshake; the
   *   connection stays an ordinary HTTP one, so the handler can answer it another way.
   */
  override async prepare(request: BaseRequest): Promise<void> {
    if (this.#websocket !== undefined) return;
    const { key, protocol, extensions } = checkHandshake(request, this.#protocols);
    const deflate =
      this.#compress === undefined
        ? undefined
        : negotiateDeflate(extensions, this.#compress, this.#maxMsgSize);
    const fields: [string, string][] = [
      ["Upgrade", "websocket"],
      ["Connection", "upgrade"],
      ["Sec-WebSocket-Accept", acceptKey(key)],
    ];
    if (protocol !== undefined) fields.push(["Sec-WebSocket-Protocol", protocol]);
    if (deflate !== undefined) fields.push(["Sec-WebSocket-Extensions", deflate.header]);
    // The head as one string, with no headers dict unless the handler made one (StreamResponse
    // then sets these on it): what prepare() would do, for less.
    this[kPrepareUpgrade](request, fields);
    const { socket, head } = request.detachSocket(SHUTDOWN);
    this.#protocol = protocol;
    this.#request = request;
    if (websocketOpenChannel.hasSubscribers) {
      websocketOpenChannel.publish({ request, ws: this, code: undefined });
    }
    this.#start(socket, head, deflate?.extension);
  }

  /**
   * The next message (aiohttp's `receive`). Pings and pongs are answered and skipped unless
   * `autoping` is off. The peer's close frame comes as `CLOSE` (answered first when `autoclose`
   * is on); after that, `CLOSING` or `CLOSED`.
   *
   * @param timeout ms to wait; defaults to the `receiveTimeout` option.
   * @throws {DOMException} named `TimeoutError` when no message came in time (the connection stays open).
   * @throws {Error} before `prepare()`, when another `receive()` is waiting, or on the 5th call after the connection closed.
   */
  receive(timeout?: number): Promise<WSMessage> {
    return this.#next(timeout ?? this.#receiveTimeout);
  }

  /**
   * receive(), and the async iterator's next() with `wrap`: resolves with `wrap(message)`.
   * Not async: a queued message is returned in a promise made once, and a waiting call gets
   * the queue's own promise, which push() settles; errors still come as rejections.
   */
  #next(timeout: number | undefined): Promise<WSMessage>;
  #next<T>(timeout: number | undefined, wrap: (message: WSMessage) => T): Promise<T>;
  #next(timeout: number | undefined, wrap?: (message: WSMessage) => unknown): Promise<unknown> {
    const queue = this.#queue;
    // The usual case first: an open connection with nothing queued waits for the next message.
    if (queue?.idle && !this.#closed && !this.#closing) return queue.wait(timeout, wrap);
    let message: WSMessage | undefined;
    try {
      message = this.#takeMessage();
    } catch (error) {
      return Promise.reject(error);
    }
    if (message === undefined) return this.#queue!.wait(timeout, wrap);
    return Promise.resolve(wrap === undefined ? message : wrap(message));
  }

  /**
   * What receive() returns now: the next queued message, `CLOSED`/`CLOSING` once the connection
   * is over, or `undefined` when it has to wait.
   * @throws {Error} as receive() rejects.
   */
  #takeMessage(): WSMessage | undefined {
    // A second reader finds nothing queued (a waiting one takes each message first), and
    // queue.wait() rejects it.
    const message = this.#requireQueue().shift();
    if (message !== undefined) return this.#delivered(message);
    if (this.#closed) {
      if (++this.#connLost >= THRESHOLD_CONNLOST_ACCESS) {
        throw new Error("WebSocket connection is closed.");
      }
      return WS_CLOSED_MESSAGE;
    }
    if (this.#closing) return WS_CLOSING_MESSAGE;
    return undefined;
  }

  /** A message goes to the handler: what it says about the connection takes effect. */
  #delivered(message: WSMessage): WSMessage {
    switch (message.type) {
      case WSMsgType.CLOSE:
        this.#flags |= CLOSING_FLAG;
        // autoclose: ws answered the close frame when it came; the connection is done.
        if (this.#autoclose) this.#setClosed();
        break;
      case WSMsgType.CLOSING:
        this.#flags |= CLOSING_FLAG;
        break;
      case WSMsgType.ERROR:
        this.#setClosed();
        break;
    }
    return message;
  }

  /** Queues a message, or hands it to the receive() waiting for it. */
  #push(message: WSMessage): void {
    const queue = this.#queue!;
    if (queue.waiting) this.#delivered(message);
    queue.push(message);
  }

  /** Hands a message to a waiting receive() (none: nothing happens), past the queue. */
  #interrupt(message: WSMessage): void {
    const queue = this.#queue!;
    if (!queue.waiting) return;
    this.#delivered(message);
    queue.interrupt(message);
  }

  /**
   * The next message's text.
   * @throws {TypeError} when the next message is not `TEXT` (aiohttp's `WSMessageTypeError`).
   */
  async receiveStr(options: WSReceiveOptions = {}): Promise<string> {
    const message = await this.receive(options.timeout);
    if (message.type !== WSMsgType.TEXT) throw unexpectedMessage(message, WSMsgType.TEXT);
    return message.data;
  }

  /**
   * The next message's bytes.
   * @throws {TypeError} when the next message is not `BINARY`.
   */
  async receiveBytes(options: WSReceiveOptions = {}): Promise<Buffer> {
    const message = await this.receive(options.timeout);
    if (message.type !== WSMsgType.BINARY) throw unexpectedMessage(message, WSMsgType.BINARY);
    return message.data;
  }

  /**
   * The next text message, parsed as JSON.
   * @throws {TypeError} when the next message is not `TEXT`.
   * @throws {SyntaxError} when it is not JSON.
   */
  async receiveJson<T = unknown>(options: WSReceiveJsonOptions = {}): Promise<T> {
    const text = await this.receiveStr(options);
    return (options.loads ?? JSON.parse)(text) as T;
  }

  /**
   * Sends a text message; resolves once the frame was handed to the socket, and, when the
   * socket is over its high-water mark, once it drained (backpressure). Frames sent in one tick
   * leave in one write.
   * @throws {TypeError} when `data` is not a string.
   */
  sendStr(data: string, options?: WSSendOptions): Promise<void> {
    if (typeof data !== "string") {
      return Promise.reject(new TypeError(`data must be a string, got ${typeof data}`));
    }
    return this.#send(data, options?.compress === false ? TEXT_UNCOMPRESSED : TEXT);
  }

  /**
   * Sends a binary message; resolves as {@link sendStr} does.
   * @throws {TypeError} when `data` is not bytes (a Buffer, typed array, DataView or ArrayBuffer).
   */
  sendBytes(data: Binary, options?: WSSendOptions): Promise<void> {
    if (!(ArrayBuffer.isView(data) || data instanceof ArrayBuffer)) {
      return Promise.reject(
        new TypeError(`data must be a Buffer, typed array or ArrayBuffer, got ${typeof data}`),
      );
    }
    return this.#send(data, options?.compress === false ? BINARY_UNCOMPRESSED : BINARY);
  }

  /** Sends `data` as JSON in a text message; resolves as {@link sendStr} does. */
  sendJson(data: unknown, options?: WSSendJsonOptions): Promise<void> {
    let text: string;
    try {
      text = (options?.dumps ?? JSON.stringify)(data);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.sendStr(text, options);
  }

  /**
   * Sends a ping (at most 125 bytes of payload, RFC 6455 §5.5).
   * @throws {RangeError} when `data` is longer than 125 bytes.
   */
  async ping(data: string | Binary = ""): Promise<void> {
    return this.#write((websocket, callback) => websocket.ping(data, false, callback));
  }

  /**
   * Sends an unsolicited pong (RFC 6455 §5.5.3: a unidirectional heartbeat).
   * @throws {RangeError} when `data` is longer than 125 bytes.
   */
  async pong(data: string | Binary = ""): Promise<void> {
    return this.#write((websocket, callback) => websocket.pong(data, false, callback));
  }

  /**
   * Starts (or answers) the close handshake and resolves once the connection is closed:
   * when the peer answered, or after the `timeout` option, when the socket is destroyed and
   * `closeCode` is 1006. A waiting `receive()` returns `CLOSING`. Resolves `false` when the
   * connection was already closed (aiohttp's `close`).
   *
   * @throws {RangeError} when `code` may not be sent (RFC 6455 §7.4) or `message` is over 123 bytes.
   */
  async close(options: WSCloseOptions = {}): Promise<boolean> {
    const websocket = this.#requireWebSocket();
    const code = options.code ?? WSCloseCode.OK;
    const message = options.message ?? "";
    if (!isSendableCloseCode(code)) {
      throw new RangeError(`close code must be 1000-1003, 1007-1014 or 3000-4999, got ${code}`);
    }
    if (Buffer.byteLength(message) > MAX_CLOSE_MESSAGE_SIZE) {
      throw new RangeError(`close message must be at most ${MAX_CLOSE_MESSAGE_SIZE} bytes`);
    }
    if (this.#closed) return false;
    this.#setClosed();
    this.#queue!.clear();
    this.#interrupt(WS_CLOSING_MESSAGE);
    // Created before ws's own close timer (same duration), so this one fires first.
    const timer = setTimeout(() => {
      if (!this.#peerClosed) {
        this.#exception ??= new DOMException(
          `The peer did not answer the close frame within ${this.#timeout} ms`,
          "TimeoutError",
        );
        this.#closeCode ??= WSCloseCode.ABNORMAL_CLOSURE;
      }
      websocket.terminate();
    }, this.#timeout);
    websocket.close(code, message);
    if (!this.#socketGone) {
      this.#socketClosed ??= new Promise((resolve) => {
        this.#resolveSocketClosed = resolve;
      });
      await this.#socketClosed;
    }
    clearTimeout(timer);
    return true;
  }

  /**
   * Not available on a WebSocket: use `sendStr()`/`sendBytes()`.
   * @throws {Error} always.
   */
  override async write(_data: unknown): Promise<void> {
    throw new Error("Cannot call write() on a WebSocketResponse: use sendStr() or sendBytes()");
  }

  /**
   * Closes the connection with 1000, as aiohttp's `write_eof` does.
   * @throws {Error} before `prepare()`.
   */
  override async writeEof(_data?: unknown): Promise<void> {
    if (this.#websocket === undefined) throw new Error("WebSocketResponse has not been prepared");
    await this.close();
  }

  /** Iterates over the messages until the connection closes (`CLOSE`, `CLOSING` or `CLOSED` end it). */
  [Symbol.asyncIterator](): AsyncIterator<WSMessage> {
    // The loop lasts as long as the connection: an object with the shared next() below, not a
    // closure of its own.
    const iterator: MessageIterator = { response: this, next: WebSocketResponse.#iteratorNext };
    return iterator;
  }

  // receive() without a promise of its own: the result is made once, from the message itself.
  static readonly #iteratorNext = function (
    this: MessageIterator,
  ): Promise<IteratorResult<WSMessage>> {
    const response = this.response;
    return response.#next(response.#receiveTimeout, iteratorResult);
  };

  #start(socket: Duplex, head: Buffer, deflate: PerMessageDeflateExtension | undefined): void {
    // ws's completeUpgrade(): a client that already hung up gets no WebSocket.
    if (!socket.readable || !socket.writable) socket.destroy();
    const websocket = createServerWebSocket(WebSocketResponse.#WebSocket, socket, head, {
      protocol: this.#protocol,
      deflate,
      autoPong: this.#autoping,
      closeTimeout: this.#timeout,
      maxPayload: this.#maxMsgSize,
    });
    this.#websocket = websocket;
    this.#socket = socket;
    if (deflate !== undefined) this.#flags |= DEFLATE;
    // The WebSocket has pause() and resume(): it is the queue's flow control as it is.
    this.#queue = new MessageQueue({ limit: READER_LIMIT }, websocket);
    // The WebSocket's events go to functions shared by every connection (no closures, no
    // listeners per connection): they get the WebSocket, which leads back to this response.
    (websocket as OwnedWebSocket)[kResponse] = this;
    onCloseFrame(websocket, WebSocketResponse.#wsCloseFrame, this.#autoclose);
    // The server may have paused the socket when it let go of it.
    socket.resume();
    if (socket.closed) {
      // 'close' was emitted before ws listened: the client is gone already.
      this.#onClose(WSCloseCode.ABNORMAL_CLOSURE);
    } else if (this.#heartbeatInterval !== undefined) {
      this.#heartbeat = new Heartbeat(
        heartbeatWheelsOf(this.#request!),
        this.#heartbeatInterval,
        websocket,
        WebSocketResponse.#heartbeatTimeout,
      );
    }
  }

  // The WebSocket class of every response: its events, one function each for every
  // connection, are called on the WebSocket (`this`), which leads to its response.
  static readonly #WebSocket = serverWebSocketClass({
    message(data, isBinary) {
      responseOf(this).#onMessage(data, isBinary);
    },
    ping(data) {
      responseOf(this).#onControl(WSMsgType.PING, data);
    },
    pong(data) {
      responseOf(this).#onControl(WSMsgType.PONG, data);
    },
    error(error) {
      responseOf(this).#onError(error);
    },
    close(code) {
      responseOf(this).#onClose(code);
    },
  });

  // `this` is the WebSocket's receiver.
  static readonly #wsCloseFrame = function (
    this: EventEmitter,
    code: number,
    reason: Buffer,
  ): void {
    responseOf(webSocketOf(this)!).#onCloseFrame(code, reason);
  };

  static readonly #heartbeatTimeout = (websocket: HeartbeatTarget): void => {
    responseOf(websocket as ServerWebSocket).#onHeartbeatTimeout();
  };

  #onMessage(data: Buffer, isBinary: boolean): void {
    this.#heartbeat?.reset();
    if (this.#closed) return;
    // A data message changes nothing about the connection (#delivered() has nothing to do for
    // it): straight to the queue, which hands it to a waiting receive() at once.
    this.#queue!.push(
      isBinary
        ? { type: WSMsgType.BINARY, data, extra: undefined }
        : { type: WSMsgType.TEXT, data: data.toString(), extra: undefined },
    );
  }

  #onControl(type: typeof WSMsgType.PING | typeof WSMsgType.PONG, data: Buffer): void {
    this.#heartbeat?.reset();
    if (this.#autoping || this.#closed) return;
    this.#push({ type, data, extra: undefined });
  }

  #onCloseFrame(code: number, reason: Buffer): void {
    this.#flags |= PEER_CLOSED;
    this.#closeCode ??= code;
    this.#heartbeat?.stop();
    // After our own close(), the peer's frame only completes the handshake close() waits for.
    if (this.#closed) return;
    this.#push({ type: WSMsgType.CLOSE, data: code, extra: reason.toString() });
  }

  #onError(error: Error): void {
    // ws's receiver tags protocol errors with the code it closes with (1002, 1007, 1009...);
    // other errors are the socket's.
    this.#closeCode ??= errorCloseCode(error) ?? WSCloseCode.ABNORMAL_CLOSURE;
    this.#exception ??= error;
    this.#heartbeat?.stop();
    if (this.#closed || this.#errorQueued) return;
    this.#flags |= ERROR_QUEUED;
    this.#push(errorMessage(error));
  }

  #onClose(code: number): void {
    this.#heartbeat?.stop();
    const wasClosed = this.#closed;
    this.#flags |= CLOSED_FLAG;
    this.#closeCode ??= code;
    if (!wasClosed && !this.#peerClosed && !this.#errorQueued) {
      // aiohttp's connection_lost: the handler sees an ERROR, then CLOSED.
      const error = new ConnectionResetError("WebSocket connection lost without a close frame");
      this.#exception ??= error;
      this.#flags |= ERROR_QUEUED;
      this.#push(errorMessage(error));
    }
    this.#flags |= SOCKET_GONE;
    this.#resolveSocketClosed?.();
    if (websocketCloseChannel.hasSubscribers) {
      websocketCloseChannel.publish({ request: this.#request, ws: this, code: this.#closeCode });
    }
  }

  #onHeartbeatTimeout(): void {
    if (this.#closed) return;
    const error = new DOMException(
      `No frame from the peer within ${this.#heartbeatInterval! / 2} ms of a heartbeat ping`,
      "TimeoutError",
    );
    this.#setClosed();
    this.#closeCode = WSCloseCode.ABNORMAL_CLOSURE;
    this.#exception ??= error;
    this.#flags |= ERROR_QUEUED;
    this.#queue!.clear();
    this.#interrupt(errorMessage(error));
    this.#websocket!.terminate();
  }

  #setClosed(): void {
    this.#flags |= CLOSED_FLAG;
    this.#heartbeat?.stop();
  }

  /**
   * Sends a message. Without permessage-deflate, ws frames and writes it to the socket at once:
   * then there is nothing to wait for unless the socket is over its high-water mark, when the
   * send resolves on its 'drain' (backpressure). With deflate, ws may compress it later, so
   * ws's callback says when it reached the socket.
   */
  #send(data: string | Binary, options: { binary: boolean; compress: boolean }): Promise<void> {
    // With deflate, #write() makes the checks below (#deflate is false before prepare()).
    if (this.#deflate) {
      return this.#write((websocket, callback) => websocket.send(data, options, callback));
    }
    const websocket = this.#websocket;
    if (websocket === undefined) return Promise.reject(new Error("Call prepare() first"));
    if (websocket.readyState !== WebSocket.OPEN) return Promise.reject(new ConnectionResetError());
    const socket = this.#socket!;
    if (!this.#corked) {
      // Frames sent in this tick (a handler's `await sendStr()` loop runs in microtasks, which
      // all run before a nextTick callback) are corked into one write.
      this.#flags |= CORKED;
      socket.cork();
      process.nextTick(WebSocketResponse.#uncork, this);
    }
    // Without deflate ws's Sender would frame this as a header and the payload, two chunks of
    // a writev; one buffer per frame is cheaper to write (and the text is encoded in place).
    // ws's Sender queues nothing then, so the socket's order is the frames' order.
    const frame = dataFrame(
      options.binary ? BINARY_OPCODE : TEXT_OPCODE,
      typeof data === "string" ? data : toBuffer(data),
    );
    if (Array.isArray(frame)) {
      socket.write(frame[0]);
      socket.write(frame[1]);
    } else socket.write(frame);
    return socket.writableNeedDrain ? this.#drained() : RESOLVED;
  }

  static readonly #uncork = (response: WebSocketResponse): void => {
    response.#flags &= ~CORKED;
    response.#socket!.uncork();
  };

  /** Resolves on the socket's next 'drain'; rejects when it closes first. */
  #drained(): Promise<void> {
    this.#drain ??= new Promise<void>((resolve, reject) => {
      const socket = this.#socket!;
      const done = (): void => {
        socket.off("drain", done);
        socket.off("close", done);
        this.#drain = undefined;
        if (socket.writableNeedDrain || socket.destroyed) reject(new ConnectionResetError());
        else resolve();
      };
      socket.on("drain", done);
      socket.on("close", done);
    });
    return this.#drain;
  }

  /**
   * Runs one ws write and resolves when ws's callback says it reached the socket. A write on a
   * closing or closed connection rejects with aiohttp's error: a `ConnectionResetError`.
   */
  #write(
    write: (websocket: ServerWebSocket, callback: (error?: Error) => void) => void,
  ): Promise<void> {
    const websocket = this.#websocket;
    if (websocket === undefined) return Promise.reject(new Error("Call prepare() first"));
    if (websocket.readyState !== WebSocket.OPEN) return Promise.reject(new ConnectionResetError());
    return new Promise((resolve, reject) => {
      write(websocket, (error) => {
        if (error === undefined || error === null) resolve();
        else reject(new ConnectionResetError(undefined, { cause: error }));
      });
    });
  }

  #requireWebSocket(): ServerWebSocket {
    if (this.#websocket === undefined) throw new Error("Call prepare() first");
    return this.#websocket;
  }

  #requireQueue(): MessageQueue {
    if (this.#queue === undefined) throw new Error("Call prepare() first");
    return this.#queue;
  }
}

// The bits of WebSocketResponse's #flags.
const AUTOCLOSE = 1;
const AUTOPING = 2;
const DEFLATE = 4;
const CORKED = 8;
const CLOSED_FLAG = 16;
const CLOSING_FLAG = 32;
const PEER_CLOSED = 64;
const ERROR_QUEUED = 128;
const SOCKET_GONE = 256;

/** Where a connection's ws WebSocket keeps its WebSocketResponse, for the shared listeners. */
const kResponse = Symbol("WebSocketResponse");

type OwnedWebSocket = ServerWebSocket & { [kResponse]: WebSocketResponse };

function responseOf(websocket: ServerWebSocket): WebSocketResponse {
  return (websocket as OwnedWebSocket)[kResponse];
}

/** What `[Symbol.asyncIterator]()` returns: its response, and a `next()` shared by all. */
interface MessageIterator extends AsyncIterator<WSMessage> {
  readonly response: WebSocketResponse;
}

/** What the async iterator yields for `message`: `CLOSE`, `CLOSING` and `CLOSED` end it. */
function iteratorResult(message: WSMessage): IteratorResult<WSMessage> {
  const type = message.type;
  return type === CLOSE || type === CLOSING || type === CLOSED
    ? ITERATION_DONE
    : { done: false, value: message };
}

// Once per message: read from module constants, not from the WSMsgType object each time.
const CLOSE = WSMsgType.CLOSE;
const CLOSING = WSMsgType.CLOSING;
const CLOSED = WSMsgType.CLOSED;

/** The iterator's last result, shared (frozen): there is nothing in it to tell apart. */
const ITERATION_DONE: IteratorResult<WSMessage> = Object.freeze({ done: true, value: undefined });

/** `data` as a Buffer over the same memory. */
function toBuffer(data: Binary): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

function errorMessage(error: Error): WSMessageError {
  return { type: WSMsgType.ERROR, data: error, extra: undefined };
}

function positive(name: string, value: number): number {
  if (typeof value !== "number" || !(value > 0) || !Number.isFinite(value)) {
    throw new RangeError(`${name} must be a positive number of milliseconds`);
  }
  return value;
}

function optionalPositive(name: string, value: number | undefined): number | undefined {
  return value === undefined ? undefined : positive(name, value);
}
