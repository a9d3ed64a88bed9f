import type { WSMessage } from "./ws-message.js";

/**
 * What a {@link MessageQueue} pauses and resumes; called as methods, so an object that has
 * them already (the `ws` WebSocket) serves without a closure. @internal
 */
export interface MessageQueueFlow {
  /** Stop reading the socket: the handler is not keeping up. */
  pause(): void;
  /** Read the socket again. */
  resume(): void;
}

/** Options of {@link MessageQueue}: the limit, and the flow control unless given apart. @internal */
export interface MessageQueueOptions extends Partial<MessageQueueFlow> {
  /** Bytes of queued data above which `pause` is called (aiohttp's reader limit, 64 KiB). */
  limit: number;
}

// The bits of a MessageQueue's flags.
/** The queue is over its limit: it paused the flow. */
const PAUSED = 1;
/** A wait() is pending. */
const WAITING = 2;

/**
 * The messages received but not yet returned by `receive()`, like aiohttp's
 * `WebSocketDataQueue`: one reader at a time, and flow control, so a handler that stops
 * reading makes the socket stop reading (TCP backpressure) instead of buffering without bound.
 * @internal
 */
export class MessageQueue {
  // Made on the first message queued: a connection whose handler waits in receive() (most of
  // them, most of the time) never needs one.
  #items: WSMessage[] | undefined = undefined;
  readonly #limit: number;
  readonly #flow: MessageQueueFlow;
  #size = 0;
  // PAUSED and WAITING: one integer for both (every idle connection keeps a queue).
  #flags = 0;
  // The waiting get(), in fields rather than an object of its own: one wait per message is the
  // hot path, and these cost nothing more to keep. Only its timer rejects it (and keeps the
  // reject function): an idle connection holds no more.
  // biome-ignore lint/suspicious/noExplicitAny: resolves with `wrap(message)`, whatever get() was asked for.
  #resolve: ((value: any) => void) | undefined = undefined;
  #wrap: ((message: WSMessage) => unknown) | undefined = undefined;
  #timer: NodeJS.Timeout | undefined = undefined;

  constructor(options: MessageQueueOptions & MessageQueueFlow);
  constructor(options: MessageQueueOptions, flow: MessageQueueFlow);
  constructor(options: MessageQueueOptions, flow?: MessageQueueFlow) {
    this.#limit = options.limit;
    this.#flow = flow ?? (options as MessageQueueOptions & MessageQueueFlow);
  }

  /** Whether a `wait()` is pending. */
  get waiting(): boolean {
    return (this.#flags & WAITING) !== 0;
  }

  /** How many messages are queued. */
  get length(): number {
    return this.#items === undefined ? 0 : this.#items.length;
  }

  /** Hands `message` to the waiting reader, or queues it. */
  push(message: WSMessage): void {
    if ((this.#flags & WAITING) !== 0) {
      MessageQueue.#settle(this, message);
      return;
    }
    (this.#items ??= []).push(message);
    this.#size += sizeOf(message);
    if ((this.#flags & PAUSED) === 0 && this.#size > this.#limit) {
      this.#flags |= PAUSED;
      this.#flow.pause();
    }
  }

  /** The next queued message, or `undefined` when none is queued (it does not wait). */
  shift(): WSMessage | undefined {
    const items = this.#items;
    if (items === undefined || items.length === 0) return undefined;
    const message = items.shift()!;
    this.#size -= sizeOf(message);
    if ((this.#flags & PAUSED) !== 0 && this.#size < this.#limit) {
      this.#flags &= ~PAUSED;
      this.#flow.resume();
    }
    return message;
  }

  /**
   * Waits for the next message (the caller found none queued, with `shift()`): the next
   * `push()` settles the promise this returns, straight. Rejects with a `TimeoutError`
   * `DOMException` (the error `AbortSignal.timeout()` uses) after `timeout` ms when `timeout`
   * is positive, and at once when another wait is pending (one reader at a time). With `wrap`,
   * resolves with `wrap(message)` instead: the promise a caller returns is then this one, with
   * no promise in between.
   */
  wait(timeout: number | undefined): Promise<WSMessage>;
  wait<T>(timeout: number | undefined, wrap: ((message: WSMessage) => T) | undefined): Promise<T>;
  wait(timeout: number | undefined, wrap?: (message: WSMessage) => unknown): Promise<unknown> {
    if ((this.#flags & WAITING) !== 0) {
      return Promise.reject(new Error("Concurrent call to receive() is not allowed"));
    }
    this.#flags |= WAITING;
    this.#wrap = wrap;
    return new Promise((resolve, reject) => {
      this.#resolve = resolve;
      if (timeout !== undefined && timeout > 0) {
        this.#timer = setTimeout(() => {
          this.#flags &= ~WAITING;
          this.#timer = undefined;
          reject(new DOMException(`No message received within ${timeout} ms`, "TimeoutError"));
        }, timeout);
      }
    });
  }

  /** Whether nothing is queued and nobody waits: `wait()` may be called. */
  get idle(): boolean {
    return (this.#flags & WAITING) === 0 && (this.#items === undefined || this.#items.length === 0);
  }

  /** Resolves a pending `wait()` with `message`, bypassing the queue; no-op when none waits. */
  interrupt(message: WSMessage): void {
    if ((this.#flags & WAITING) !== 0) MessageQueue.#settle(this, message);
  }

  /** Drops every queued message (the connection is closed: nobody will read them). */
  clear(): void {
    if (this.#items !== undefined) this.#items.length = 0;
    this.#size = 0;
    if ((this.#flags & PAUSED) !== 0) {
      this.#flags &= ~PAUSED;
      this.#flow.resume();
    }
  }

  // Static: an instance method would cost every queue a field.
  static #settle(queue: MessageQueue, message: WSMessage): void {
    // The resolvers stay until the next wait() replaces them: they belong to a settled promise,
    // and clearing them is work on every message.
    queue.#flags &= ~WAITING;
    if (queue.#timer !== undefined) {
      clearTimeout(queue.#timer);
      queue.#timer = undefined;
    }
    const wrap = queue.#wrap;
    queue.#resolve!(wrap === undefined ? message : wrap(message));
  }
}

// What a queued message costs besides its data (the message object, the array slot, a Buffer
// view): counted so that a flood of empty messages or pings also stops reading the socket.
const MESSAGE_OVERHEAD = 64;

function sizeOf(message: WSMessage): number {
  const data = message.data;
  if (typeof data === "string") return MESSAGE_OVERHEAD + data.length;
  return MESSAGE_OVERHEAD + (Buffer.isBuffer(data) ? data.length : 0);
}
