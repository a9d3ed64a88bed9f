import { Console } from "node:console";
import { PassThrough } from "node:stream";
import { testClient } from "@ll/test-utils";
import pino from "pino";
import { fetch } from "undici";
import { describe, expect, it } from "vitest";
import winston from "winston";
import type { Logger } from "../src/access-logger.js";
import { logError, logMessage } from "../src/log.js";

/** A stream that keeps what is written to it. */
function sink(): { stream: PassThrough; text(): string } {
  const stream = new PassThrough();
  let text = "";
  stream.on("data", (chunk: Buffer) => {
    text += chunk.toString();
  });
  return { stream, text: () => text };
}

function failure(): Error {
  const error = new Error("disk on fire");
  error.stack = "Error: disk on fire\n    at burn (/srv/app/disk.js:1:1)";
  return error;
}

const loggers = {
  console(stream: PassThrough): Logger {
    return new Console({ stdout: stream, stderr: stream });
  },
  pino(stream: PassThrough): Logger {
    return pino({ base: null }, stream) as unknown as Logger;
  },
  "winston (json)"(stream: PassThrough): Logger {
    return winston.createLogger({
      format: winston.format.json(),
      transports: [new winston.transports.Stream({ stream })],
    }) as unknown as Logger;
  },
  "winston (simple)"(stream: PassThrough): Logger {
    return winston.createLogger({
      format: winston.format.simple(),
      transports: [new winston.transports.Stream({ stream })],
    }) as unknown as Logger;
  },
};

/** The stack as it appears in the output: JSON loggers escape its line break. */
function stackIn(output: string): boolean {
  return (
    output.includes("at burn (/srv/app/disk.js:1:1)") &&
    (output.includes("Error: disk on fire\n") || output.includes("Error: disk on fire\\n"))
  );
}

describe("logError", () => {
  it.each(Object.entries(loggers))(
    "gives %s the message, the error's message and its stack",
    async (_name, make) => {
      const output = sink();
      logError(make(output.stream), "Error handling request", failure(), { requestId: "r-1" });
      await new Promise((resolve) => setImmediate(resolve));
      const text = output.text();
      expect(text).toContain("Error handling request");
      expect(text).toContain("disk on fire");
      expect(stackIn(text)).toBe(true);
      expect(text).toContain("r-1");
    },
  );

  it("writes pino's error under err, with the fields, as one JSON line", async () => {
    const output = sink();
    logError(loggers.pino(output.stream), "Error handling request", failure(), {
      requestId: "r-1",
    });
    const entry = JSON.parse(output.text());
    expect(entry).toMatchObject({
      level: 50,
      msg: "Error handling request",
      requestId: "r-1",
      err: { type: "Error", message: "disk on fire", stack: failure().stack },
    });
  });

  it("writes winston's error as data with its stack", async () => {
    const output = sink();
    logError(loggers["winston (json)"](output.stream), "Error handling request", failure());
    await new Promise((resolve) => setImmediate(resolve));
    expect(JSON.parse(output.text())).toEqual({
      level: "error",
      message: "Error handling request",
      error: { name: "Error", message: "disk on fire", stack: failure().stack },
    });
  });

  it("calls a console-like logger with the message and the error", () => {
    const calls: unknown[][] = [];
    const logger = { info() {}, warn() {}, error: (...args: unknown[]) => calls.push(args) };
    const error = failure();
    logError(logger, "one", error);
    logError(logger, "two", error, { requestId: "r-2" });
    logError(logger, "three");
    expect(calls).toEqual([["one", error], ["two", error, { requestId: "r-2" }], ["three"]]);
  });
});

describe("logMessage", () => {
  it("gives pino the fields first and winston the message first", async () => {
    const pinoOut = sink();
    logMessage(loggers.pino(pinoOut.stream), "warn", "careful", { requestId: "r-3" });
    expect(JSON.parse(pinoOut.text())).toMatchObject({
      level: 40,
      msg: "careful",
      requestId: "r-3",
    });
    const winstonOut = sink();
    logMessage(loggers["winston (json)"](winstonOut.stream), "warn", "careful", {
      requestId: "r-3",
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(JSON.parse(winstonOut.text())).toEqual({
      level: "warn",
      message: "careful",
      requestId: "r-3",
    });
  });

  it("skips a level the logger lacks", () => {
    const logger = { info() {}, warn() {}, error() {} };
    expect(() => logMessage(logger, "debug", "quiet")).not.toThrow();
  });
});

describe("the server's logger option", () => {
  it.each(Object.entries(loggers))(
    "gets a handler's error with its message and stack through %s",
    async (_name, make) => {
      const output = sink();
      await using served = await testClient(
        () => {
          throw failure();
        },
        { logger: make(output.stream) },
      );
      const { origin: url } = served.server;
      expect((await fetch(url)).status).toBe(500);
      await new Promise((resolve) => setImmediate(resolve));
      const text = output.text();
      expect(text).toContain("Error handling request from 127.0.0.1");
      expect(text).toContain("disk on fire");
      expect(stackIn(text)).toBe(true);
    },
  );
});
