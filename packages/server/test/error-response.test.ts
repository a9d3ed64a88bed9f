import { HttpProcessingError, InvalidHeader } from "@ll/http-protocol";
import { describe, expect, it } from "vitest";
import { renderErrorAnswer, renderProtocolError } from "../src/error-response.js";

const text = (answer: { head: Buffer; body: Buffer }) =>
  (answer.head.toString("latin1") + answer.body.toString("utf8")).replace(
    /Date: [^\r]*\r\n/,
    "Date: <date>\r\n",
  );

describe("renderErrorAnswer", () => {
  it("renders a status, a one-line text body and Connection: close", () => {
    expect(text(renderErrorAnswer(408, "the request head took too long", "ll-server"))).toBe(
      "HTTP/1.1 408 Request Timeout\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 52\r\nDate: <date>\r\nServer: ll-server\r\nConnection: close\r\n\r\n408 Request Timeout: the request head took too long\n",
    );
  });

  it("puts a multi-line message on one line and leaves out the Server header when null", () => {
    expect(text(renderErrorAnswer(400, "a\r\nb", null))).toBe(
      "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 21\r\nDate: <date>\r\nConnection: close\r\n\r\n400 Bad Request: a b\n",
    );
  });
});

describe("renderProtocolError", () => {
  it("answers the error's code with its headers, but not framing headers", () => {
    const error = new HttpProcessingError("not here", {
      code: 405,
      headers: { Allow: "GET", "Content-Length": "99", Connection: "keep-alive" },
    });
    expect(text(renderProtocolError(error, null))).toBe(
      "HTTP/1.1 405 Method Not Allowed\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 33\r\nDate: <date>\r\nConnection: close\r\nAllow: GET\r\n\r\n405 Method Not Allowed: not here\n",
    );
  });

  it("answers 400 for a code that is not an error status", () => {
    const error = new InvalidHeader("bad", { code: 200 });
    expect(text(renderProtocolError(error, null))).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
  });

  it("leaves out extra headers that cannot be sent", () => {
    const error = new HttpProcessingError("bad", { code: 400, headers: { "X-Bad": "a\r\nb" } });
    expect(text(renderProtocolError(error, null))).not.toContain("X-Bad");
  });
});
