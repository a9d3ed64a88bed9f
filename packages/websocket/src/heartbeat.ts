/**
 * The `heartbeat` option's timers, like aiohttp's `_reset_heartbeat`/`_send_heartbeat`: after
 * `interval` ms without a frame from the peer, send a ping; if still nothing (a pong or
 * anything else) comes within `interval / 2` ms, the peer is gone.
 * @internal
 */
export class Heartbeat {
  readonly #interval: number;
  readonly #sendPing: () => void;
  readonly #onTimeout: () => void;
  #pingTimer: NodeJS.Timeout | undefined;
  #pongTimer: NodeJS.Timeout | undefined;

  constructor(interval: number, sendPing: () => void, onTimeout: () => void) {
    this.#interval = interval;
    this.#sendPing = sendPing;
    this.#onTimeout = onTimeout;
    this.#pingTimer = setTimeout(() => this.#ping(), interval);
  }

  /** A frame arrived: the peer is alive, so restart the wait for the next ping. */
  reset(): void {
    if (this.#pingTimer === undefined) return;
    if (this.#pongTimer !== undefined) {
      clearTimeout(this.#pongTimer);
      this.#pongTimer = undefined;
    }
    // refresh() re-arms the same timer: no allocation per received frame.
    this.#pingTimer.refresh();
  }

  /** Stops both timers for good (the connection is closing). */
  stop(): void {
    clearTimeout(this.#pingTimer);
    clearTimeout(this.#pongTimer);
    this.#pingTimer = undefined;
    this.#pongTimer = undefined;
  }

  #ping(): void {
    this.#pongTimer = setTimeout(() => {
      this.stop();
      this.#onTimeout();
    }, this.#interval / 2);
    this.#sendPing();
  }
}
