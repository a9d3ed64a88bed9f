import { describe, expect, it } from "vitest";
import type { ResponseFraming, ResponseFramingInput } from "../src/response-framing.js";
import {
  checkChunkedAllowed,
  isEmptyBodyStatus,
  responseFraming,
} from "../src/response-framing.js";

const HTTP10 = { major: 1, minor: 0 };
const HTTP11 = { major: 1, minor: 1 };

/** A GET over HTTP/1.1 answered 200 without a length, on a connection that stays open. */
const BASE: ResponseFramingInput = {
  version: HTTP11,
  method: "GET",
  status: 200,
  hasContentLength: false,
  chunkedRequested: false,
  compressed: false,
  requestKeepAlive: true,
  responseKeepAlive: undefined,
  connectionAllowsKeepAlive: true,
};

const CHUNKED_KEPT: ResponseFraming = {
  minor: 1,
  bodyAllowed: true,
  framing: "chunked",
  removeContentLength: false,
  keepAlive: true,
  connectionHeader: undefined,
};

describe("responseFraming", () => {
  it.each<[string, Partial<ResponseFramingInput>, Partial<ResponseFraming>]>([
    // Content-Length vs chunked
    ["HTTP/1.1 without a length: chunked", {}, {}],
    ["HTTP/1.1 with a length: length", { hasContentLength: true }, { framing: "length" }],
    ["HTTP/1.1, chunked asked for: chunked", { chunkedRequested: true }, {}],
    [
      "HTTP/1.1, chunked asked for with a length set through the headers: chunked",
      { chunkedRequested: true, hasContentLength: true },
      {},
    ],
    ["compressed, with a length: chunked", { compressed: true, hasContentLength: true }, {}],
    ["compressed, without a length: chunked", { compressed: true }, {}],
    // HTTP/1.0
    [
      "HTTP/1.0 with a length: length, kept alive with Connection: keep-alive",
      { version: HTTP10, hasContentLength: true },
      { minor: 0, framing: "length", connectionHeader: "keep-alive" },
    ],
    [
      "HTTP/1.0 without a length: ends with the connection",
      { version: HTTP10 },
      { minor: 0, framing: "close-delimited", keepAlive: false },
    ],
    [
      "HTTP/1.0 compressed: ends with the connection",
      { version: HTTP10, compressed: true, hasContentLength: true },
      { minor: 0, framing: "close-delimited", keepAlive: false },
    ],
    [
      "HTTP/1.0 without keep-alive: no Connection header",
      { version: HTTP10, hasContentLength: true, requestKeepAlive: false },
      { minor: 0, framing: "length", keepAlive: false },
    ],
    [
      "HTTP/1.0 HEAD without a length: no body, kept alive",
      { version: HTTP10, method: "HEAD" },
      { minor: 0, bodyAllowed: false, framing: "none", connectionHeader: "keep-alive" },
    ],
    ["HTTP/1.2 is answered as HTTP/1.1", { version: { major: 1, minor: 2 } }, {}],
    // No body: HEAD, 1xx, 204, 304
    [
      "HEAD keeps its length",
      { method: "HEAD", hasContentLength: true },
      { bodyAllowed: false, framing: "none" },
    ],
    ["HEAD without a length", { method: "HEAD" }, { bodyAllowed: false, framing: "none" }],
    [
      "HEAD with chunked asked for: no Transfer-Encoding",
      { method: "HEAD", chunkedRequested: true },
      { bodyAllowed: false, framing: "none" },
    ],
    ...[101, 204, 304].map(
      (status): [string, Partial<ResponseFramingInput>, Partial<ResponseFraming>] => [
        `${status} drops its length`,
        { status, hasContentLength: true },
        { bodyAllowed: false, framing: "none", removeContentLength: true },
      ],
    ),
    [
      "204 with chunked asked for: no body",
      { status: 204, chunkedRequested: true },
      { bodyAllowed: false, framing: "none" },
    ],
    [
      "304 to HTTP/1.0 without a length stays open",
      { version: HTTP10, status: 304 },
      { minor: 0, bodyAllowed: false, framing: "none", connectionHeader: "keep-alive" },
    ],
    [
      "HEAD answered 204 drops its length",
      { method: "HEAD", status: 204, hasContentLength: true },
      { bodyAllowed: false, framing: "none", removeContentLength: true },
    ],
    [
      "2xx to CONNECT with a length: the length frames the body",
      { method: "CONNECT", hasContentLength: true },
      { framing: "length" },
    ],
    ["199 has no body", { status: 199 }, { bodyAllowed: false, framing: "none" }],
    ["205 has a body", { status: 205 }, {}],
    // Keep-alive: the response's decision, else the request's, and the connection's veto
    [
      "the request asks to close",
      { requestKeepAlive: false },
      { keepAlive: false, connectionHeader: "close" },
    ],
    [
      "forceClose() on a kept-alive request",
      { responseKeepAlive: false },
      { keepAlive: false, connectionHeader: "close" },
    ],
    [
      "a response keeping alive a request that asked to close",
      { requestKeepAlive: false, responseKeepAlive: true },
      {},
    ],
    [
      "the connection vetoes keep-alive",
      { connectionAllowsKeepAlive: false },
      { keepAlive: false, connectionHeader: "close" },
    ],
    [
      "the connection vetoes keep-alive of an HTTP/1.0 request: no Connection header",
      { version: HTTP10, hasContentLength: true, connectionAllowsKeepAlive: false },
      { minor: 0, framing: "length", keepAlive: false },
    ],
    [
      "the connection allows it but the request does not",
      { hasContentLength: true, requestKeepAlive: false, connectionAllowsKeepAlive: true },
      { framing: "length", keepAlive: false, connectionHeader: "close" },
    ],
  ])("%s", (_name, input, expected) => {
    expect(responseFraming({ ...BASE, ...input })).toEqual({ ...CHUNKED_KEPT, ...expected });
  });

  it("refuses chunked encoding for HTTP/1.0", () => {
    expect(() => responseFraming({ ...BASE, version: HTTP10, chunkedRequested: true })).toThrow(
      new Error("Using chunked encoding is forbidden for HTTP/1.0"),
    );
  });
});

describe("checkChunkedAllowed", () => {
  it("allows chunked encoding for HTTP/1.1", () => {
    expect(() => checkChunkedAllowed(HTTP11, true)).not.toThrow();
  });

  it("allows HTTP/1.0 without chunked encoding", () => {
    expect(() => checkChunkedAllowed(HTTP10, false)).not.toThrow();
  });

  it("refuses chunked encoding for HTTP/1.0", () => {
    let error: unknown;
    try {
      checkChunkedAllowed(HTTP10, true);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe("Using chunked encoding is forbidden for HTTP/1.0");
  });
});

describe("isEmptyBodyStatus", () => {
  it.each([
    [100, true],
    [101, true],
    [199, true],
    [200, false],
    [204, true],
    [205, false],
    [304, true],
    [404, false],
  ])("%i → %s", (status, empty) => {
    expect(isEmptyBodyStatus(status)).toBe(empty);
  });
});
