import type { Socket } from "node:net";
import { unexpectedMessage, type WSMessage, WSMsgType } from "@ll/websocket";
import WebSocket from "ws";

/** Options of `TestClient#wsConnect()`. */
export interface WSConnectOptions {
  /** Subprotocols to offer (`Sec-WebSocket-Protocol`). */
  protocols?: string | string[];
  /** Extra headers of the opening handshake. */
  headers?: Record<string, string>;
}

/** Options of {@link ClientWebSocketResponse.close}. */
export interface ClientWSCloseOptions {
  /** The close code (default 1000). */
  code?: number;
  /** The close reason (at most 123 bytes). */
  message?: string;
}

const CLOSED_MESSAGE: WSMessage = Object.freeze({
  type: WSMsgType.CLOSED,
  data: undefined,
  extra: undefined,
});

/**
 * The client end of a WebSocket opened by `TestClient#wsConnect()`, with the message API of the
 * server's `WebSocketResponse`: aiohttp's `ClientWebSocketResponse`. Framing is done by the `ws`
 * package. Every message is queued from the moment the connection opens, so none is lost
 * before the first {@link receive}.
 *
 * The connection does not keep the process alive except while a {@link receive} or
 * {@link close} waits, so a test that forgets to close it still exits.
 */
export class ClientWebSocketResponse implements AsyncIterable<WSMessage> {
  readonly #websocket: WebSocket;
  readonly #messages: WSMessage[] = [];
  #waiter: ((message: WSMessage) => void) | undefined = undefined;
  #socket: Socket | undefined = undefined;
  #holds = 0;
  #closeCode: number | undefined = undefined;
  #closing = false;
  #closed = false;
  #exception: Error | undefined = undefined;
  readonly #opened: Promise<void>;
  readonly #closedPromise: Promise<void>;

  /**
   * Made by `TestClient#wsConnect()`, which waits for {@link opened}.
   * @internal
   */
  constructor(url: string, options: WSConnectOptions = {}) {
    const websocket = new WebSocket(url, options.protocols ?? [], {
      headers: options.headers,
      perMessageDeflate: true,
    });
    this.#websocket = websocket;
    this.#opened = new Promise((resolve, reject) => {
      websocket.once("open", resolve);
      websocket.once("error", reject);
    });
    this.#opened.catch(() => {});
    this.#closedPromise = new Promise((resolve) => websocket.once("close", () => resolve()));
    websocket.on("upgrade", (response) => {
      this.#socket = response.socket as Socket;
      if (this.#holds === 0) this.#socket.unref();
    });
    websocket.on("message", (data, isBinary) => {
      this.#push(
        isBinary
          ? { type: WSMsgType.BINARY, data: data as Buffer, extra: undefined }
          : { type: WSMsgType.TEXT, data: (data as Buffer).toString("utf8"), extra: undefined },
      );
    });
    websocket.on("error", (error) => {
      this.#exception ??= error;
    });
    websocket.on("close", (code, reason) => {
      const wasClosing = this.#closing;
      this.#closing = true;
      this.#closeCode ??= code;
      if (wasClosing) {
        this.#push(CLOSED_MESSAGE);
      } else if (code === 1006) {
        this.#exception ??= new Error("The WebSocket connection was lost without a close frame");
        this.#push({ type: WSMsgType.ERROR, data: this.#exception, extra: undefined });
      } else {
        // The server closed: ws already answered its close frame.
        this.#push({ type: WSMsgType.CLOSE, data: code, extra: reason.toString("utf8") });
      }
      this.#closed = true;
    });
  }

  /** Resolves once the handshake succeeded; rejects with `ws`'s error when it failed. @internal */
  get opened(): Promise<void> {
    return this.#opened;
  }

  /** The negotiated subprotocol, or undefined. */
  get protocol(): string | undefined {
    return this.#websocket.protocol === "" ? undefined : this.#websocket.protocol;
  }

  /** Whether the connection is closed (or closing). */
  get closed(): boolean {
    return this.#closing;
  }

  /** The close code once the connection closed (1006 without a close frame); else undefined. */
  get closeCode(): number | undefined {
    return this.#closeCode;
  }

  /** The error that failed the connection, if any. */
  exception(): Error | undefined {
    return this.#exception;
  }

  #push(message: WSMessage): void {
    const waiter = this.#waiter;
    if (waiter === undefined) {
      this.#messages.push(message);
      return;
    }
    this.#waiter = undefined;
    waiter(message);
  }

  // While a test waits for the server, the connection must keep the process alive.
  async #hold<T>(promise: Promise<T>): Promise<T> {
    if (this.#holds++ === 0) this.#socket?.ref();
    try {
      return await promise;
    } finally {
      if (--this.#holds === 0) this.#socket?.unref();
    }
  }

  /**
   * The next message: `TEXT`, `BINARY`, then `CLOSE` (with the server's code and reason) when
   * the server closes, `ERROR` when the connection is lost, and `CLOSED` after that.
   * @param timeout ms to wait (default: no limit).
   * @throws {DOMException} named `TimeoutError` when no message came in time.
   * @throws {Error} when another `receive()` is waiting.
   */
  async receive(timeout?: number): Promise<WSMessage> {
    if (this.#waiter !== undefined) throw new Error("Concurrent call to receive() is not allowed");
    const queued = this.#messages.shift();
    if (queued !== undefined) return queued;
    if (this.#closed) return CLOSED_MESSAGE;
    const next = new Promise<WSMessage>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      this.#waiter = (message) => {
        clearTimeout(timer);
        resolve(message);
      };
      if (timeout !== undefined && timeout > 0) {
        timer = setTimeout(() => {
          this.#waiter = undefined;
          reject(new DOMException(`No message within ${timeout} ms`, "TimeoutError"));
        }, timeout);
      }
    });
    return this.#hold(next);
  }

  /** The next message's text. @throws {TypeError} when it is not `TEXT`. */
  async receiveStr(timeout?: number): Promise<string> {
    const message = await this.receive(timeout);
    if (message.type !== WSMsgType.TEXT) throw unexpectedMessage(message, WSMsgType.TEXT);
    return message.data;
  }

  /** The next message's bytes. @throws {TypeError} when it is not `BINARY`. */
  async receiveBytes(timeout?: number): Promise<Buffer> {
    const message = await this.receive(timeout);
    if (message.type !== WSMsgType.BINARY) throw unexpectedMessage(message, WSMsgType.BINARY);
    return message.data;
  }

  /**
   * The next text message, parsed as JSON.
   * @throws {TypeError} when it is not `TEXT`.
   * @throws {SyntaxError} when it is not JSON.
   */
  async receiveJson<T = unknown>(timeout?: number): Promise<T> {
    return JSON.parse(await this.receiveStr(timeout)) as T;
  }

  /** Sends a text message; resolves once it was written. @throws {TypeError} for a non-string. */
  sendStr(data: string): Promise<void> {
    if (typeof data !== "string") {
      return Promise.reject(new TypeError(`data must be a string, got ${typeof data}`));
    }
    return this.#send(data, false);
  }

  /** Sends a binary message; resolves once it was written. @throws {TypeError} for non-bytes. */
  sendBytes(data: Uint8Array | ArrayBuffer): Promise<void> {
    if (!(ArrayBuffer.isView(data) || data instanceof ArrayBuffer)) {
      return Promise.reject(
        new TypeError(`data must be a Buffer, typed array or ArrayBuffer, got ${typeof data}`),
      );
    }
    return this.#send(data, true);
  }

  /** Sends `data` as JSON in a text message. */
  sendJson(data: unknown): Promise<void> {
    return this.sendStr(JSON.stringify(data));
  }

  #send(data: string | Uint8Array | ArrayBuffer, binary: boolean): Promise<void> {
    if (this.#closing) return Promise.reject(new Error("The WebSocket is closed"));
    return new Promise((resolve, reject) => {
      this.#websocket.send(data, { binary }, (error) => (error ? reject(error) : resolve()));
    });
  }

  /**
   * Starts the close handshake and waits for the connection to close; resolves true when this
   * call closed it, false when it was already closed.
   */
  async close(options: ClientWSCloseOptions = {}): Promise<boolean> {
    const websocket = this.#websocket;
    if (this.#closing) {
      if (websocket.readyState !== WebSocket.CLOSED) await this.#hold(this.#closedPromise);
      return false;
    }
    this.#closing = true;
    if (websocket.readyState === WebSocket.CONNECTING) websocket.terminate();
    else websocket.close(options.code ?? 1000, options.message);
    await this.#hold(this.#closedPromise);
    return true;
  }

  /** Iterates over `TEXT` and `BINARY` messages until the connection closes. */
  [Symbol.asyncIterator](): AsyncIterator<WSMessage> {
    return {
      next: async (): Promise<IteratorResult<WSMessage>> => {
        const message = await this.receive();
        if (message.type === WSMsgType.TEXT || message.type === WSMsgType.BINARY) {
          return { done: false, value: message };
        }
        return { done: true, value: undefined };
      },
    };
  }

  /** Calls {@link close}. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
