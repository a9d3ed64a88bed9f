import { makeMockedRequest } from "@ll/test-utils";
import { describe, expect, it } from "vitest";
import { responseForError, responseForResult } from "../src/handler-result.js";
import { resolveServerOptions } from "../src/server-options.js";
import { StreamResponse } from "../src/stream-response.js";
import { HTTPNotFound } from "../src/web-exceptions.js";
import { recordingLogger } from "./helpers/serve.js";

function setup() {
  const logger = recordingLogger();
  return { logger, options: resolveServerOptions({ logger }) };
}

describe("responseForError", () => {
  it("answers an HTTPException with its own response, without logging", () => {
    const { logger, options } = setup();
    const response = responseForError(
      makeMockedRequest("GET", "/x"),
      new HTTPNotFound(),
      false,
      options,
    );
    expect(response?.status).toBe(404);
    expect(logger.lines).toEqual([]);
  });

  it("answers anything else with a logged 500", () => {
    const { logger, options } = setup();
    const error = new Error("boom");
    const response = responseForError(makeMockedRequest("GET", "/x"), error, false, options);
    expect(response?.status).toBe(500);
    expect(logger.lines).toEqual([["Error handling request from 127.0.0.1", error]]);
  });

  it("gives nothing once the response started, and logs that", () => {
    const { logger, options } = setup();
    const error = new Error("late");
    expect(responseForError(makeMockedRequest("GET", "/x"), error, true, options)).toBeUndefined();
    expect(logger.lines).toEqual([
      ["Error handling request from 127.0.0.1 after the response started", error],
    ]);
  });
});

describe("responseForResult", () => {
  it("answers a returned HTTPException as if thrown, with a warning", () => {
    const { logger, options } = setup();
    const response = responseForResult(
      makeMockedRequest("GET", "/x"),
      new HTTPNotFound(),
      undefined,
      options,
    );
    expect(response?.status).toBe(404);
    expect(logger.lines).toEqual([
      [
        "Handler for GET /x from 127.0.0.1 returned an HTTPException (HTTPNotFound): throw it instead",
      ],
    ]);
  });

  it("sends a returned WHATWG Response as fetchHandler would", () => {
    const { logger, options } = setup();
    const fetchResponse = new globalThis.Response("made", { status: 201, statusText: "Made" });
    const response = responseForResult(
      makeMockedRequest("GET", "/x"),
      fetchResponse,
      undefined,
      options,
    );
    expect([response?.status, response?.reason]).toEqual([201, "Made"]);
    expect(logger.lines).toEqual([]);
  });

  it.each([
    [{}, "the handler must return a StreamResponse, got Object"],
    ["text", "the handler must return a StreamResponse, got string"],
    [undefined, "the handler returned no response"],
  ])("answers %j with a logged 500", (result, message) => {
    const { logger, options } = setup();
    const response = responseForResult(makeMockedRequest("GET", "/x"), result, undefined, options);
    expect(response?.status).toBe(500);
    expect(logger.lines).toEqual([[`Error handling request from 127.0.0.1: ${message}`]]);
  });

  it("gives nothing when the handler's own response already started", async () => {
    const { options } = setup();
    const request = makeMockedRequest("GET", "/x");
    const started = new StreamResponse();
    await started.prepare(request);
    await started.write("partial");
    expect(responseForResult(request, undefined, started, options)).toBeUndefined();
  });
});
