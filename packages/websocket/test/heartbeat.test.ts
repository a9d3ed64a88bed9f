import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Heartbeat } from "../src/heartbeat.js";

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
});
