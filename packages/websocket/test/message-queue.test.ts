import { afterEach, describe, expect, it, vi } from "vitest";
import { MessageQueue } from "../src/message-queue.js";
import { WS_CLOSING_MESSAGE, type WSMessage } from "../src/ws-message.js";
import { WSMsgType } from "../src/ws-msg-type.js";

function text(data: string): WSMessage {
  return { type: WSMsgType.TEXT, data, extra: undefined };
}

function binary(size: number): WSMessage {
  return { type: WSMsgType.BINARY, data: Buffer.alloc(size), extra: undefined };
}

function createQueue(limit = 1024) {
  const calls: string[] = [];
  const queue = new MessageQueue({
    limit,
    pause: () => calls.push("pause"),
    resume: () => calls.push("resume"),
  });
  return { queue, calls };
}

/** What `receive()` does with the queue: a queued message, else the wait for the next. */
function next(queue: MessageQueue, timeout: number | undefined): Promise<WSMessage>;
function next<T>(
  queue: MessageQueue,
  timeout: number | undefined,
  wrap: (message: WSMessage) => T,
): Promise<T>;
function next(
  queue: MessageQueue,
  timeout: number | undefined,
  wrap?: (message: WSMessage) => unknown,
): Promise<unknown> {
  const queued = queue.shift();
  if (queued !== undefined) return Promise.resolve(wrap === undefined ? queued : wrap(queued));
  return queue.wait(timeout, wrap);
}

describe("MessageQueue", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  describe("shift, then wait", () => {
    it("returns queued messages in order", async () => {
      const { queue } = createQueue();
      queue.push(text("a"));
      queue.push(text("b"));
      expect(await next(queue, undefined)).toEqual(text("a"));
      expect(await next(queue, undefined)).toEqual(text("b"));
      expect(queue.length).toBe(0);
    });

    it("waits for the next push", async () => {
      const { queue } = createQueue();
      const pending = next(queue, undefined);
      expect(queue.waiting).toBe(true);
      queue.push(text("late"));
      expect(await pending).toEqual(text("late"));
      expect(queue.waiting).toBe(false);
      expect(queue.length).toBe(0);
    });

    it("resolves with wrap(message) when given, queued or waited for", async () => {
      const { queue } = createQueue();
      const wrap = (message: WSMessage) => ({ wrapped: message });
      queue.push(text("queued"));
      expect(await next(queue, undefined, wrap)).toEqual({ wrapped: text("queued") });
      const pending = next(queue, undefined, wrap);
      queue.push(text("pushed"));
      expect(await pending).toEqual({ wrapped: text("pushed") });
      const interrupted = next(queue, undefined, wrap);
      queue.interrupt(WS_CLOSING_MESSAGE);
      expect(await interrupted).toEqual({ wrapped: WS_CLOSING_MESSAGE });
    });

    it("rejects a second concurrent get", async () => {
      const { queue } = createQueue();
      const first = next(queue, undefined);
      await expect(next(queue, undefined)).rejects.toThrow(
        new Error("Concurrent call to receive() is not allowed"),
      );
      queue.push(text("x"));
      expect(await first).toEqual(text("x"));
    });

    it("rejects with a TimeoutError after the timeout and can wait again", async () => {
      vi.useFakeTimers();
      const { queue } = createQueue();
      const pending = next(queue, 50);
      const assertion = expect(pending).rejects.toMatchObject({
        name: "TimeoutError",
        message: "No message received within 50 ms",
      });
      await vi.advanceTimersByTimeAsync(50);
      await assertion;
      expect(queue.waiting).toBe(false);
      const again = next(queue, 50);
      queue.push(text("in time"));
      expect(await again).toEqual(text("in time"));
      expect(vi.getTimerCount()).toBe(0);
    });
  });

  describe("#wait", () => {
    it("is settled by the next push, wrapped when asked, and leaves the queue idle", async () => {
      const { queue } = createQueue();
      expect(queue.idle).toBe(true);
      const pending = queue.wait(undefined);
      expect(queue.idle).toBe(false);
      expect(queue.waiting).toBe(true);
      queue.push(text("a"));
      expect(await pending).toEqual(text("a"));
      expect(queue.idle).toBe(true);
      const wrapped = queue.wait(undefined, (message) => ({ wrapped: message }));
      queue.push(text("b"));
      expect(await wrapped).toEqual({ wrapped: text("b") });
      queue.push(text("queued"));
      expect(queue.idle).toBe(false);
      expect(queue.waiting).toBe(false);
    });

    it("rejects with a TimeoutError and clears its timer when settled first", async () => {
      vi.useFakeTimers();
      const { queue } = createQueue();
      const settled = queue.wait(50);
      queue.push(text("in time"));
      expect(await settled).toEqual(text("in time"));
      expect(vi.getTimerCount()).toBe(0);
      const late = queue.wait(50);
      const assertion = expect(late).rejects.toMatchObject({
        name: "TimeoutError",
        message: "No message received within 50 ms",
      });
      await vi.advanceTimersByTimeAsync(50);
      await assertion;
      expect(queue.idle).toBe(true);
      queue.push(text("after"));
      expect(queue.length).toBe(1);
    });
  });

  describe("#interrupt", () => {
    it("resolves a waiting get without queueing", async () => {
      const { queue } = createQueue();
      const pending = next(queue, undefined);
      queue.interrupt(WS_CLOSING_MESSAGE);
      expect(await pending).toBe(WS_CLOSING_MESSAGE);
      queue.interrupt(WS_CLOSING_MESSAGE);
      expect(queue.length).toBe(0);
    });
  });

  describe("flow control", () => {
    it("pauses above the limit and resumes below it", () => {
      // Each message counts 64 bytes besides its data.
      const { queue, calls } = createQueue(200);
      queue.push(binary(60));
      expect(calls).toEqual([]);
      queue.push(binary(60));
      expect(calls).toEqual(["pause"]);
      queue.push(text("x".repeat(10)));
      expect(calls).toEqual(["pause"]);
      queue.shift();
      expect(calls).toEqual(["pause", "resume"]);
      queue.shift();
      queue.shift();
      expect(calls).toEqual(["pause", "resume"]);
    });

    it("pauses for a flood of empty messages too", () => {
      const { queue, calls } = createQueue(64 * 1024);
      for (let count = 0; count < 1024; count++) queue.push(text(""));
      expect(calls).toEqual([]);
      queue.push(text(""));
      expect(calls).toEqual(["pause"]);
    });

    it("resumes when cleared", () => {
      const { queue, calls } = createQueue(10);
      queue.push(binary(20));
      queue.clear();
      expect(calls).toEqual(["pause", "resume"]);
      expect(queue.shift()).toBeUndefined();
    });
  });
});
