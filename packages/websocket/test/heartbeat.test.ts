import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Heartbeat, HeartbeatWheels } from "../src/heartbeat.js";

describe("Heartbeat", () => {
  // Each test's own owner of wheels, as each Server has its own.
  let wheels: HeartbeatWheels;

  beforeEach(() => {
    vi.useFakeTimers();
    wheels = new HeartbeatWheels();
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it("pings after the interval and times out half an interval later", () => {
    const events: string[] = [];
    new Heartbeat(
      wheels,
      1000,
      () => events.push("ping"),
      () => events.push("timeout"),
    );
    vi.advanceTimersByTime(999);
    expect(events).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(events).toEqual(["ping"]);
    vi.advanceTimersByTime(499);
    expect(events).toEqual(["ping"]);
    vi.advanceTimersByTime(1);
    expect(events).toEqual(["ping", "timeout"]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("keeps timing the others when one connection's ping throws", () => {
    const events: string[] = [];
    new Heartbeat(
      wheels,
      1000,
      () => {
        throw new Error("WebSocket is not open: readyState 2 (CLOSING)");
      },
      () => events.push("first timeout"),
    );
    new Heartbeat(
      wheels,
      1000,
      () => events.push("second ping"),
      () => events.push("second timeout"),
    );
    vi.advanceTimersByTime(1000);
    expect(events).toEqual(["second ping"]);
    vi.advanceTimersByTime(500);
    expect(events).toEqual(["second ping", "first timeout", "second timeout"]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("restarts the interval on every reset", () => {
    const events: string[] = [];
    const heartbeat = new Heartbeat(
      wheels,
      1000,
      () => events.push("ping"),
      () => events.push("timeout"),
    );
    vi.advanceTimersByTime(900);
    heartbeat.reset();
    vi.advanceTimersByTime(900);
    expect(events).toEqual([]);
    vi.advanceTimersByTime(100);
    expect(events).toEqual(["ping"]);
    // the pong
    vi.advanceTimersByTime(200);
    heartbeat.reset();
    vi.advanceTimersByTime(999);
    expect(events).toEqual(["ping"]);
    vi.advanceTimersByTime(1);
    expect(events).toEqual(["ping", "ping"]);
    heartbeat.stop();
  });

  it("does nothing after stop", () => {
    const events: string[] = [];
    const heartbeat = new Heartbeat(
      wheels,
      1000,
      () => events.push("ping"),
      () => events.push("timeout"),
    );
    heartbeat.stop();
    heartbeat.reset();
    vi.advanceTimersByTime(5000);
    expect(events).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("passes its target to the timeout callback", () => {
    const target = {
      pings: 0,
      ping() {
        this.pings++;
      },
    };
    const timedOut: unknown[] = [];
    new Heartbeat(wheels, 1000, target, (which) => timedOut.push(which));
    vi.advanceTimersByTime(1500);
    expect(target.pings).toBe(1);
    expect(timedOut).toEqual([target]);
  });

  describe("HeartbeatWheel", () => {
    it("serves every heartbeat of one interval with one timer", () => {
      const heartbeats = Array.from(
        { length: 100 },
        () =>
          new Heartbeat(
            wheels,
            1000,
            () => {},
            () => {},
          ),
      );
      expect(vi.getTimerCount()).toBe(1);
      expect(wheels.size(1000)).toBe(100);
      const other = new Heartbeat(
        wheels,
        2000,
        () => {},
        () => {},
      );
      expect(vi.getTimerCount()).toBe(2);
      expect(wheels.count).toBe(2);
      other.stop();
      for (const heartbeat of heartbeats) heartbeat.stop();
      // The last one out clears the timer and drops the wheel.
      expect(vi.getTimerCount()).toBe(0);
      expect(wheels.count).toBe(0);
    });

    it("gives each owner its own wheels, with a timer each", () => {
      const other = new HeartbeatWheels();
      const events: string[] = [];
      const first = new Heartbeat(
        wheels,
        1000,
        () => events.push("first ping"),
        () => events.push("first timeout"),
      );
      const second = new Heartbeat(
        other,
        1000,
        () => events.push("second ping"),
        () => events.push("second timeout"),
      );
      expect(wheels.size(1000)).toBe(1);
      expect(other.size(1000)).toBe(1);
      expect(vi.getTimerCount()).toBe(2);
      first.stop();
      // The other owner's wheel keeps its timer and its entry.
      expect(wheels.count).toBe(0);
      expect(other.count).toBe(1);
      expect(vi.getTimerCount()).toBe(1);
      vi.advanceTimersByTime(1000);
      expect(events).toEqual(["second ping"]);
      second.stop();
      expect(vi.getTimerCount()).toBe(0);
    });

    it("does not keep the process alive with its timer", () => {
      vi.useRealTimers();
      // Node lists the timers that keep the event loop alive as "Timeout" resources.
      const refTimers = () =>
        process.getActiveResourcesInfo().filter((name) => name === "Timeout").length;
      const before = refTimers();
      const heartbeat = new Heartbeat(
        wheels,
        60_000,
        () => {},
        () => {},
      );
      expect(wheels.count).toBe(1);
      expect(refTimers()).toBe(before);
      heartbeat.stop();
    });

    it("pings and times out each connection at its own time", () => {
      const events: string[] = [];
      const start = (name: string) =>
        new Heartbeat(
          wheels,
          1000,
          () => events.push(`${name} ping @${performance.now() - t0}`),
          () => events.push(`${name} timeout @${performance.now() - t0}`),
        );
      const t0 = performance.now();
      const first = start("a");
      vi.advanceTimersByTime(300);
      start("b");
      vi.advanceTimersByTime(400);
      // At 700: a frame from "a" restarts its wait.
      first.reset();
      const third = start("c");
      vi.advanceTimersByTime(3000);
      expect(events).toEqual([
        "b ping @1300",
        "a ping @1700",
        "c ping @1700",
        "b timeout @1800",
        "a timeout @2200",
        "c timeout @2200",
      ]);
      expect(vi.getTimerCount()).toBe(0);
      third.stop();
    });

    it("keeps a connection whose peer answers, and times out the one that does not", () => {
      const events: string[] = [];
      const quiet = new Heartbeat(
        wheels,
        1000,
        () => events.push("quiet ping"),
        () => events.push("quiet timeout"),
      );
      const alive: Heartbeat = new Heartbeat(
        wheels,
        1000,
        () => {
          events.push("alive ping");
          // The pong comes 100 ms later.
          setTimeout(() => alive.reset(), 100);
        },
        () => events.push("alive timeout"),
      );
      vi.advanceTimersByTime(1500);
      expect(events).toEqual(["quiet ping", "alive ping", "quiet timeout"]);
      vi.advanceTimersByTime(1100);
      expect(events).toEqual(["quiet ping", "alive ping", "quiet timeout", "alive ping"]);
      alive.stop();
      quiet.stop();
      expect(vi.getTimerCount()).toBe(0);
    });
  });
});
