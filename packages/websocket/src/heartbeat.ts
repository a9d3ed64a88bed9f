import type { BaseRequest } from "@ll/server";
import { kServerStore } from "@ll/server";

/**
 * What a {@link Heartbeat} pings: an object with a `ping()` method (the connection's `ws`
 * WebSocket, so no closure is made for it) or a function. @internal
 */
export type HeartbeatTarget = { ping(): void } | (() => void);

/**
 * The `heartbeat` option's timers, like aiohttp's `_reset_heartbeat`/`_send_heartbeat`: after
 * `interval` ms without a frame from the peer, send a ping; if still nothing (a pong or
 * anything else) comes within `interval / 2` ms, the peer is gone.
 *
 * A Heartbeat is an entry in a {@link HeartbeatWheel} shared by every connection of one owner
 * (a `Server`) with the same interval: one Node timer serves them all, so an idle connection
 * costs this small object instead of timers and closures of its own, and a frame only moves it
 * to the end of a list.
 * @internal
 */
export class Heartbeat {
  /**
   * When this entry is due (ms, `performance.now()` clock, rounded up): a whole number fits the
   * object (a fraction would be a separate heap number, kept by every idle connection).
   * @internal
   */
  deadline = 0;
  /** Neighbours in the wheel's list. @internal */
  previous: Heartbeat | undefined = undefined;
  /** @internal */
  next: Heartbeat | undefined = undefined;
  /**
   * The wheel's list this entry is in, which tells its phase (waiting to ping, or for an answer
   * to a ping) and its wheel; `undefined` once stopped. @internal
   */
  list: HeartbeatList | undefined = undefined;
  readonly #target: HeartbeatTarget;
  readonly #onTimeout: (target: HeartbeatTarget) => void;

  /**
   * @param wheels the owner's wheels: this entry joins the one of `interval`.
   * @param interval ms without a frame before a ping.
   * @param target what to ping.
   * @param onTimeout called with `target` when no frame answered a ping in time: one function
   *   can then serve every connection.
   */
  constructor(
    wheels: HeartbeatWheels,
    interval: number,
    target: HeartbeatTarget,
    onTimeout: (target: HeartbeatTarget) => void,
  ) {
    this.#target = target;
    this.#onTimeout = onTimeout;
    wheels.for(interval).startIdle(this);
  }

  /** A frame arrived: the peer is alive, so restart the wait for the next ping. */
  reset(): void {
    this.list?.wheel.startIdle(this);
  }

  /** Leaves the wheel for good (the connection is closing). */
  stop(): void {
    this.list?.wheel.remove(this);
  }

  /** The wheel says this entry is due. @internal */
  expire(): void {
    const list = this.list;
    if (list === undefined) return;
    if (!list.pinged) {
      list.wheel.startPinged(this);
      const target = this.#target;
      if (typeof target === "function") target();
      else target.ping();
    } else {
      this.stop();
      this.#onTimeout(this.#target);
    }
  }
}

/**
 * An intrusive list of Heartbeats in deadline order (each list has one fixed delay): a wheel's
 * entries waiting to ping, or its entries waiting for an answer to a ping. @internal
 */
export class HeartbeatList {
  head: Heartbeat | undefined = undefined;
  tail: Heartbeat | undefined = undefined;

  /**
   * @param wheel the wheel the list belongs to.
   * @param pinged whether its entries wait for an answer to a ping.
   */
  constructor(
    readonly wheel: HeartbeatWheel,
    readonly pinged: boolean,
  ) {}

  append(entry: Heartbeat): void {
    entry.list = this;
    entry.previous = this.tail;
    entry.next = undefined;
    if (this.tail === undefined) this.head = entry;
    else this.tail.next = entry;
    this.tail = entry;
  }

  unlink(entry: Heartbeat): void {
    if (entry.previous === undefined) this.head = entry.next;
    else entry.previous.next = entry.next;
    if (entry.next === undefined) this.tail = entry.previous;
    else entry.next.previous = entry.previous;
    entry.list = undefined;
    entry.previous = undefined;
    entry.next = undefined;
  }
}

/**
 * The heartbeat wheels of one owner (a `Server`, through the map its requests expose), one per
 * interval in use: connections of different servers never share a timer, and nothing is kept
 * at module level.
 * @internal
 */
export class HeartbeatWheels {
  readonly #wheels = new Map<number, HeartbeatWheel>();

  /** The wheel of `interval`, made on first use. */
  for(interval: number): HeartbeatWheel {
    let wheel = this.#wheels.get(interval);
    if (wheel === undefined) {
      wheel = new HeartbeatWheel(interval, this.#wheels);
      this.#wheels.set(interval, wheel);
    }
    return wheel;
  }

  /** How many wheels (so Node timers) this owner's heartbeats use now: one per interval in use. */
  get count(): number {
    return this.#wheels.size;
  }

  /** How many connections the wheel of `interval` times (0 when there is none). */
  size(interval: number): number {
    return this.#wheels.get(interval)?.size ?? 0;
  }
}

/**
 * The one timer of every Heartbeat of one owner with the same interval. Its entries sit in two
 * lists, one per delay (`interval` before a ping, `interval / 2` after it); every entry joins a
 * list at the tail with a deadline of now + that delay, so each list stays in deadline order
 * and the timer only ever waits for the earlier of the two heads. Deadlines are on the
 * monotonic `performance.now()` clock, like Node's own timers, so a change of the system time
 * moves none. A wheel exists while it has entries: the last one to leave clears the timer and
 * drops the wheel from its owner's map, so nothing is kept (or keeps the process alive)
 * between uses; the timer is unref'd, so idle WebSockets alone do not keep it alive either.
 * @internal
 */
export class HeartbeatWheel {
  readonly #interval: number;
  /** The owner's map of wheels, which this one leaves when its last entry does. */
  readonly #wheels: Map<number, HeartbeatWheel>;
  readonly #idle = new HeartbeatList(this, false);
  readonly #pinged = new HeartbeatList(this, true);
  #size = 0;
  #timer: NodeJS.Timeout | undefined = undefined;
  /** When the timer fires (ms, `performance.now()` clock). */
  #timerAt = 0;
  /** The timer callback runs: it arms the timer itself when done. */
  #firing = false;

  constructor(interval: number, wheels: Map<number, HeartbeatWheel>) {
    this.#interval = interval;
    this.#wheels = wheels;
  }

  /** How many connections this wheel times. */
  get size(): number {
    return this.#size;
  }

  /** (Re)starts the wait for a ping: `entry` goes to the end of the idle list. */
  startIdle(entry: Heartbeat): void {
    this.#leave(entry);
    this.#enter(this.#idle, entry, this.#interval);
  }

  /** A ping went out: `entry` waits `interval / 2` ms for an answer. */
  startPinged(entry: Heartbeat): void {
    this.#leave(entry);
    this.#enter(this.#pinged, entry, this.#interval / 2);
  }

  remove(entry: Heartbeat): void {
    this.#leave(entry);
    if (this.#size > 0) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#wheels.delete(this.#interval);
  }

  #enter(list: HeartbeatList, entry: Heartbeat, delay: number): void {
    entry.deadline = Math.ceil(performance.now() + delay);
    list.append(entry);
    this.#size++;
    if (this.#firing) return;
    if (this.#timer === undefined || entry.deadline < this.#timerAt) this.#arm(entry.deadline);
  }

  #leave(entry: Heartbeat): void {
    const list = entry.list;
    if (list === undefined) return;
    list.unlink(entry);
    this.#size--;
  }

  #arm(at: number): void {
    clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = setTimeout(this.#onTimer, Math.max(0, at - performance.now()));
    // Heartbeats watch connections; the sockets, not this timer, keep the process alive.
    this.#timer.unref();
  }

  readonly #onTimer = (): void => {
    this.#timer = undefined;
    const now = performance.now();
    this.#firing = true;
    try {
      // Pongs first: an entry pinged now joins that list and must not time out in this round.
      for (const list of [this.#pinged, this.#idle]) {
        // Stop at the first entry not yet due; expire() moves or removes each one it sees.
        let entry = list.head;
        while (entry !== undefined && entry.deadline <= now) {
          try {
            entry.expire();
          } catch {
            // A ping to a socket that is already going away can throw: that connection is
            // ending anyway, and it must not stop the timing of every other one on this wheel.
          }
          entry = list.head;
        }
      }
    } finally {
      this.#firing = false;
    }
    if (this.#size === 0) return;
    const idleAt = this.#idle.head?.deadline ?? Number.POSITIVE_INFINITY;
    const pingedAt = this.#pinged.head?.deadline ?? Number.POSITIVE_INFINITY;
    this.#arm(Math.min(idleAt, pingedAt));
  };
}

/** Where a server keeps its {@link HeartbeatWheels} (in the map its requests expose). */
const kHeartbeatWheels = Symbol("heartbeatWheels");

/**
 * The heartbeat wheels of `request`'s server, made on first use: every connection of a server
 * with the same heartbeat interval shares one timer, and no two servers share one.
 * @internal
 */
export function heartbeatWheelsOf(request: BaseRequest): HeartbeatWheels {
  const store = request[kServerStore];
  let wheels = store.get(kHeartbeatWheels) as HeartbeatWheels | undefined;
  if (wheels === undefined) {
    wheels = new HeartbeatWheels();
    store.set(kHeartbeatWheels, wheels);
  }
  return wheels;
}
