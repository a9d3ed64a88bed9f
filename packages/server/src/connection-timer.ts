import type { ResolvedServerOptions } from "./server-options.js";

/** Which deadline passed. @internal */
export const HEADERS_DEADLINE = 1;
/** @internal */
export const REQUEST_DEADLINE = 2;
/** @internal */
export const KEEPALIVE_DEADLINE = 3;
/** @internal */
export const LINGER_DEADLINE = 4;

// How long a closing connection waits for the client to close its side before it is destroyed
// (aiohttp's lingering_time): closing at once could reset the connection and lose the answer.
export const LINGER_TIME = 10_000;

/** What a {@link ConnectionTimer} times: the connection. @internal */
export interface TimedConnection {
  /** Whether the connection waits for a request with nothing in flight. */
  readonly idle: boolean;
  /** `deadline` passed; the timer is then off. */
  deadlinePassed(deadline: number): void;
}

/**
 * The one timer of a connection, for all its deadlines: the request head (`headersTimeout`),
 * the whole request (`requestTimeout`), an idle keep-alive (`keepaliveTimeout`) and the linger
 * after our side closed. The connection sets the start times; the timer calls back with the
 * deadline that passed.
 *
 * It is armed at most one step ahead (the shortest timeout), so a new deadline, always at
 * least a step away, never needs re-arming: nothing timer-related is allocated per request.
 * @internal
 */
export class ConnectionTimer {
  /** When the request head being received started (0: none). */
  headStart = 0;
  /** When the request being received started, until its body is in (0: none). */
  requestStart = 0;
  /** Since when the connection waits idle for a request (0: not idle). */
  idleSince = 0;
  /** When our side closed (0: open). */
  closingSince = 0;
  readonly #headersTimeout: number;
  readonly #requestTimeout: number;
  readonly #keepaliveTimeout: number;
  readonly #step: number;
  readonly #connection: TimedConnection;
  #timer: NodeJS.Timeout | undefined = undefined;

  /** @param connection asked whether it is idle, and told which deadline passed. */
  constructor(options: ResolvedServerOptions, connection: TimedConnection) {
    this.#headersTimeout = options.headersTimeout;
    this.#requestTimeout = options.requestTimeout;
    this.#keepaliveTimeout = options.keepaliveTimeout;
    let step = LINGER_TIME;
    for (const timeout of [
      options.headersTimeout,
      options.keepaliveTimeout,
      options.requestTimeout,
    ]) {
      if (timeout > 0 && timeout < step) step = timeout;
    }
    this.#step = step;
    this.#connection = connection;
  }

  /** Starts timing a connection that was just accepted: its first request's head is due. */
  start(): void {
    this.headStart = this.requestStart = Date.now();
    this.#arm(this.#step);
  }

  /** Our side closed: only the linger deadline counts now. */
  linger(): void {
    this.closingSince = Date.now();
    this.#arm(LINGER_TIME);
  }

  /** Stops for good (the connection is closed or handed over). */
  stop(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
  }

  #arm(delay: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = setTimeout(this.#onTimer, Math.max(1, delay));
    this.#timer.unref();
  }

  readonly #onTimer = (): void => {
    this.#timer = undefined;
    const now = Date.now();
    if (this.closingSince !== 0) {
      const deadline = this.closingSince + LINGER_TIME;
      if (now >= deadline) this.#connection.deadlinePassed(LINGER_DEADLINE);
      else this.#arm(deadline - now);
      return;
    }
    let next = now + this.#step;
    const check = (start: number, timeout: number, which: number): boolean => {
      if (timeout === 0 || start === 0) return false;
      const deadline = start + timeout;
      if (now >= deadline) {
        this.#connection.deadlinePassed(which);
        return true;
      }
      if (deadline < next) next = deadline;
      return false;
    };
    if (check(this.headStart, this.#headersTimeout, HEADERS_DEADLINE)) return;
    if (check(this.requestStart, this.#requestTimeout, REQUEST_DEADLINE)) return;
    if (this.#connection.idle && check(this.idleSince, this.#keepaliveTimeout, KEEPALIVE_DEADLINE))
      return;
    this.#arm(next - now);
  };
}
