import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Heartbeat, HeartbeatWheel } from "../src/heartbeat.js";

describe("Heartbeat", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it("pings after the interval and times out half an interval later", () => {
    const events: string[] = [];
    new Heartbeat(
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
      1000,
      () => {
        throw new Error("WebSocket is not open: readyState 2 (CLOSING)");
      },
      () => events.push("first timeout"),
    );
    new Heartbeat(
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
    new Heartbeat(1000, target, (which) => timedOut.push(which));
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
            1000,
            () => {},
            () => {},
          ),
      );
      expect(vi.getTimerCount()).toBe(1);
      expect(HeartbeatWheel.for(1000).size).toBe(100);
      const other = new Heartbeat(
        2000,
        () => {},
        () => {},
      );
      expect(vi.getTimerCount()).toBe(2);
      expect(HeartbeatWheel.count).toBe(2);
      other.stop();
      for (const heartbeat of heartbeats) heartbeat.stop();
      // The last one out clears the timer and drops the wheel.
      expect(vi.getTimerCount()).toBe(0);
      expect(HeartbeatWheel.count).toBe(0);
    });

    it("pings and times out each connection at its own time", () => {
      const events: string[] = [];
      const start = (name: string) =>
        new Heartbeat(
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
        1000,
        () => events.push("quiet ping"),
        () => events.push("quiet timeout"),
      );
      const alive: Heartbeat = new Heartbeat(
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
