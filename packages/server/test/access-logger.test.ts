import { describe, expect, it } from "vitest";
import {
  AccessLogger,
  type AccessLogRequest,
  type AccessLogResponse,
  type Logger,
} from "../src/access-logger.js";

function capture(): Logger & { lines: string[]; errors: unknown[][] } {
  const lines: string[] = [];
  const errors: unknown[][] = [];
  return {
    lines,
    errors,
    info: (message: string) => lines.push(message),
    warn: () => {},
    error: (...args: unknown[]) => errors.push(args),
  };
}

const headers = (values: Record<string, string>) => ({
  get: (name: string) => values[name.toLowerCase()],
});

const request: AccessLogRequest = {
  remote: "127.0.0.1",
  method: "GET",
  rawPath: "/path?q=1",
  version: { major: 1, minor: 1 },
  headers: headers({ referer: "http://ref/", "user-agent": "curl/8" }),
};
const response: AccessLogResponse = {
  status: 200,
  bodyLength: 42,
  headers: headers({ "content-type": "text/plain" }),
};

describe("AccessLogger", () => {
  describe("#log", () => {
    it("writes aiohttp's default format", () => {
      const logger = capture();
      new AccessLogger(logger).log(request, response, 1.5);
      expect(logger.lines).toHaveLength(1);
      expect(logger.lines[0]).toMatch(
        /^127\.0\.0\.1 \[\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\] "GET \/path\?q=1 HTTP\/1\.1" 200 42 "http:\/\/ref\/" "curl\/8"$/,
      );
    });

    it("formats every directive", () => {
      const logger = capture();
      new AccessLogger(logger, "%% %P %s %b %T %Tf %D %{Content-Type}o %{X-Missing}i|").log(
        request,
        response,
        2500.25,
      );
      expect(logger.lines[0]).toBe(`% <${process.pid}> 200 42 3 2.500250 2500250 text/plain -|`);
    });

    it("prints - for an unknown remote", () => {
      const logger = capture();
      new AccessLogger(logger, "%a").log({ ...request, remote: undefined }, response, 0);
      expect(logger.lines).toEqual(["-"]);
    });

    it("never throws, and reports a failing logger once", () => {
      const logger = capture();
      logger.info = () => {
        throw new Error("disk full");
      };
      const accessLogger = new AccessLogger(logger, "%s");
      accessLogger.log(request, response, 0);
      accessLogger.log(request, response, 0);
      expect(logger.errors).toHaveLength(1);
      expect(logger.errors[0]![0]).toBe("Error in access logger");
    });
  });

  it("throws at construction for an unknown directive", () => {
    expect(() => new AccessLogger(capture(), "%a %Q")).toThrow(
      new Error("Unknown access log directive %Q"),
    );
  });
});

describe("AccessLogger (structured)", () => {
  it("hands the logger the line and a fields object", () => {
    const calls: unknown[][] = [];
    const logger = { info: (...args: unknown[]) => calls.push(args), warn() {}, error() {} };
    const accessLogger = new AccessLogger(logger, "%r %s", { structured: true });
    accessLogger.log({ ...request, id: "abc-1" }, response, 12.3456);
    expect(calls).toEqual([
      [
        "GET /path?q=1 HTTP/1.1 200",
        {
          remote: "127.0.0.1",
          method: "GET",
          path: "/path?q=1",
          version: "1.1",
          status: 200,
          bytes: 42,
          duration: 12.346,
          userAgent: "curl/8",
          referer: "http://ref/",
          requestId: "abc-1",
        },
      ],
    ]);
  });

  it("uses null for what the request lacks", () => {
    const calls: unknown[][] = [];
    const logger = { info: (...args: unknown[]) => calls.push(args), warn() {}, error() {} };
    new AccessLogger(logger, "%s", { structured: true }).log(
      { ...request, remote: undefined, headers: headers({}) },
      response,
      1,
    );
    expect(calls[0]![1]).toMatchObject({
      remote: null,
      userAgent: null,
      referer: null,
      requestId: null,
    });
  });

  it("adds the request id to a plain line when there is one", () => {
    const calls: unknown[][] = [];
    const logger = { info: (...args: unknown[]) => calls.push(args), warn() {}, error() {} };
    new AccessLogger(logger, "%s").log({ ...request, id: "abc-2" }, response, 1);
    expect(calls).toEqual([["200", { requestId: "abc-2" }]]);
  });

  it("rejects a structured option that is not a boolean", () => {
    expect(() => new AccessLogger(capture(), "%s", { structured: "yes" as never })).toThrow(
      new TypeError("structured must be a boolean"),
    );
  });
});
