import { afterEach, describe, expect, it, vi } from "vitest";
import {
  ConnectionTimer,
  HEADERS_DEADLINE,
  KEEPALIVE_DEADLINE,
  LINGER_DEADLINE,
  LINGER_TIME,
  REQUEST_DEADLINE,
} from "../src/connection-timer.js";
import { resolveServerOptions } from "../src/server-options.js";

afterEach(() => {
  vi.useRealTimers();
});

function timer(options: Parameters<typeof resolveServerOptions>[0], idle = () => false) {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
  const fired: number[] = [];
  const connectionTimer = new ConnectionTimer(resolveServerOptions(options), {
    get idle() {
      return idle();
    },
    deadlinePassed: (deadline) => fired.push(deadline),
  });
  return { connectionTimer, fired };
}

describe("ConnectionTimer", () => {
  it("fires the headers deadline headersTimeout after the start", () => {
    const { connectionTimer, fired } = timer({ headersTimeout: 1000, requestTimeout: 5000 });
    connectionTimer.start();
    vi.advanceTimersByTime(999);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual([HEADERS_DEADLINE]);
  });

  it("fires the request deadline once the head is in but the body is not", () => {
    const { connectionTimer, fired } = timer({ headersTimeout: 1000, requestTimeout: 3000 });
    connectionTimer.start();
    connectionTimer.headStart = 0; // the head arrived
    vi.advanceTimersByTime(2999);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1000);
    expect(fired).toEqual([REQUEST_DEADLINE]);
  });

  it("fires the keep-alive deadline only while the connection is idle", () => {
    let idle = false;
    const { connectionTimer, fired } = timer(
      { headersTimeout: 0, requestTimeout: 0, keepaliveTimeout: 2000 },
      () => idle,
    );
    connectionTimer.start();
    connectionTimer.headStart = connectionTimer.requestStart = 0;
    connectionTimer.idleSince = Date.now();
    vi.advanceTimersByTime(4000);
    expect(fired).toEqual([]);
    idle = true;
    vi.advanceTimersByTime(2000);
    expect(fired).toEqual([KEEPALIVE_DEADLINE]);
  });

  it("only lingers once our side is closed", () => {
    const { connectionTimer, fired } = timer({ headersTimeout: 1000 });
    connectionTimer.start();
    connectionTimer.linger();
    vi.advanceTimersByTime(LINGER_TIME - 1);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual([LINGER_DEADLINE]);
  });

  it("fires nothing once stopped", () => {
    const { connectionTimer, fired } = timer({ headersTimeout: 1000 });
    connectionTimer.start();
    connectionTimer.stop();
    vi.advanceTimersByTime(60_000);
    expect(fired).toEqual([]);
  });

  it("arms one timer at a time, whatever the number of requests", () => {
    const { connectionTimer } = timer({ headersTimeout: 1000 });
    connectionTimer.start();
    for (let request = 0; request < 100; request++) {
      connectionTimer.headStart = Date.now();
      connectionTimer.headStart = 0;
    }
    expect(vi.getTimerCount()).toBe(1);
  });
});
