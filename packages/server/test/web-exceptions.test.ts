import { CIMultiDict } from "@ll/http-protocol";
import { describe, expect, it } from "vitest";
import * as exceptions from "../src/web-exceptions.js";
import {
  HTTPBadRequest,
  HTTPClientError,
  HTTPError,
  HTTPException,
  HTTPFound,
  HTTPMethodNotAllowed,
  HTTPMove,
  HTTPNoContent,
  HTTPNotFound,
  HTTPNotModified,
  HTTPOk,
  HTTPRequestEntityTooLarge,
  HTTPServerError,
  HTTPServiceUnavailable,
  HTTPUnavailableForLegalReasons,
} from "../src/web-exceptions.js";

// Every concrete class of aiohttp's web_exceptions with its status and base category.
const TABLE: [string, number, typeof HTTPException][] = [
  ["HTTPOk", 200, exceptions.HTTPSuccessful],
  ["HTTPCreated", 201, exceptions.HTTPSuccessful],
  ["HTTPAccepted", 202, exceptions.HTTPSuccessful],
  ["HTTPNonAuthoritativeInformation", 203, exceptions.HTTPSuccessful],
  ["HTTPNoContent", 204, exceptions.HTTPSuccessful],
  ["HTTPResetContent", 205, exceptions.HTTPSuccessful],
  ["HTTPPartialContent", 206, exceptions.HTTPSuccessful],
  ["HTTPNotModified", 304, exceptions.HTTPRedirection],
  ["HTTPBadRequest", 400, HTTPClientError],
  ["HTTPUnauthorized", 401, HTTPClientError],
  ["HTTPPaymentRequired", 402, HTTPClientError],
  ["HTTPForbidden", 403, HTTPClientError],
  ["HTTPNotFound", 404, HTTPClientError],
  ["HTTPNotAcceptable", 406, HTTPClientError],
  ["HTTPProxyAuthenticationRequired", 407, HTTPClientError],
  ["HTTPRequestTimeout", 408, HTTPClientError],
  ["HTTPConflict", 409, HTTPClientError],
  ["HTTPGone", 410, HTTPClientError],
  ["HTTPLengthRequired", 411, HTTPClientError],
  ["HTTPPreconditionFailed", 412, HTTPClientError],
  ["HTTPRequestURITooLong", 414, HTTPClientError],
  ["HTTPUnsupportedMediaType", 415, HTTPClientError],
  ["HTTPRequestRangeNotSatisfiable", 416, HTTPClientError],
  ["HTTPExpectationFailed", 417, HTTPClientError],
  ["HTTPMisdirectedRequest", 421, HTTPClientError],
  ["HTTPUnprocessableEntity", 422, HTTPClientError],
  ["HTTPFailedDependency", 424, HTTPClientError],
  ["HTTPUpgradeRequired", 426, HTTPClientError],
  ["HTTPPreconditionRequired", 428, HTTPClientError],
  ["HTTPTooManyRequests", 429, HTTPClientError],
  ["HTTPRequestHeaderFieldsTooLarge", 431, HTTPClientError],
  ["HTTPUnavailableForLegalReasons", 451, HTTPClientError],
  ["HTTPInternalServerError", 500, HTTPServerError],
  ["HTTPNotImplemented", 501, HTTPServerError],
  ["HTTPBadGateway", 502, HTTPServerError],
  ["HTTPServiceUnavailable", 503, HTTPServerError],
  ["HTTPGatewayTimeout", 504, HTTPServerError],
  ["HTTPVersionNotSupported", 505, HTTPServerError],
  ["HTTPVariantAlsoNegotiates", 506, HTTPServerError],
  ["HTTPInsufficientStorage", 507, HTTPServerError],
  ["HTTPNotExtended", 510, HTTPServerError],
  ["HTTPNetworkAuthenticationRequired", 511, HTTPServerError],
];

describe("HTTPException", () => {
  it.each(TABLE)(
    "%s has status %i, its category, a name and the default text",
    (name, status, base) => {
      const Class = (exceptions as unknown as Record<string, new () => HTTPException>)[name]!;
      const error = new Class();
      expect(error.status).toBe(status);
      expect(error).toBeInstanceOf(base);
      expect(error).toBeInstanceOf(HTTPException);
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe(name);
      if ([204, 205, 304].includes(status)) expect(error.text).toBeUndefined();
      else expect(error.text).toBe(`${status}: ${error.reason}`);
    },
  );

  it("uses the standard reason phrases", () => {
    expect(new HTTPNotFound().reason).toBe("Not Found");
    expect(new HTTPServiceUnavailable().reason).toBe("Service Unavailable");
    expect(new HTTPOk().text).toBe("200: OK");
  });

  it("takes reason, text, content type and headers in any form", () => {
    const error = new HTTPBadRequest({
      reason: "Bad Thing",
      text: "nope",
      contentType: "application/json",
      headers: [
        ["X-A", "1"],
        ["X-A", "2"],
      ],
    });
    expect([error.status, error.reason, error.text, error.contentType]).toEqual([
      400,
      "Bad Thing",
      "nope",
      "application/json",
    ]);
    expect(error.headers.getAll("x-a")).toEqual(["1", "2"]);
    expect(new HTTPBadRequest({ headers: { "X-B": "3" } }).headers.get("x-b")).toBe("3");
    const given = new CIMultiDict<string>([["X-C", "4"]]);
    const copied = new HTTPBadRequest({ headers: given });
    copied.headers.set("X-C", "5");
    expect(given.get("X-C")).toBe("4");
  });

  it("refuses to be thrown as a bare category", () => {
    expect(() => new HTTPError()).toThrow(
      new TypeError("HTTPError is abstract: throw one of its subclasses"),
    );
  });

  it("has no body text for 204 and 304", () => {
    expect(new HTTPNoContent().text).toBeUndefined();
    expect(new HTTPNotModified().text).toBeUndefined();
  });

  describe("redirects", () => {
    it("sets Location and location", () => {
      const error = new HTTPFound("/next");
      expect(error).toBeInstanceOf(HTTPMove);
      expect(error.status).toBe(302);
      expect(error.location).toBe("/next");
      expect(error.headers.get("Location")).toBe("/next");
      expect(new HTTPFound(new URL("http://example.com/a")).headers.get("location")).toBe(
        "http://example.com/a",
      );
    });

    it("throws a TypeError for an empty location", () => {
      expect(() => new HTTPFound("")).toThrow(new TypeError("HTTPFound needs a location"));
    });

    it.each([
      "HTTPMultipleChoices",
      "HTTPMovedPermanently",
      "HTTPFound",
      "HTTPSeeOther",
      "HTTPUseProxy",
      "HTTPTemporaryRedirect",
      "HTTPPermanentRedirect",
    ])("new %s() without a location throws a TypeError naming the class", (name) => {
      const Class = (exceptions as unknown as Record<string, new (location?: unknown) => HTTPMove>)[
        name
      ]!;
      expect(() => new Class()).toThrow(new TypeError(`${name} needs a location`));
      expect(() => new Class(null)).toThrow(new TypeError(`${name} needs a location`));
      expect(() => new Class(42)).toThrow(new TypeError(`${name} needs a location`));
    });

    it.each([
      ["HTTPMultipleChoices", 300],
      ["HTTPMovedPermanently", 301],
      ["HTTPFound", 302],
      ["HTTPSeeOther", 303],
      ["HTTPUseProxy", 305],
      ["HTTPTemporaryRedirect", 307],
      ["HTTPPermanentRedirect", 308],
    ])("%s answers %i", (name, status) => {
      const Class = (exceptions as unknown as Record<string, new (location: string) => HTTPMove>)[
        name
      ]!;
      expect(new Class("/x").status).toBe(status);
    });
  });

  describe("HTTPMethodNotAllowed", () => {
    it("sets a sorted Allow header and keeps method and allowedMethods", () => {
      const error = new HTTPMethodNotAllowed("post", ["PUT", "GET", "DELETE"]);
      expect(error.status).toBe(405);
      expect(error.headers.get("Allow")).toBe("DELETE,GET,PUT");
      expect(error.method).toBe("POST");
      expect([...error.allowedMethods]).toEqual(["PUT", "GET", "DELETE"]);
    });
  });

  describe("HTTPRequestEntityTooLarge", () => {
    it("says the limit and the actual size", () => {
      const error = new HTTPRequestEntityTooLarge(1024, 2048);
      expect(error.status).toBe(413);
      expect(error.text).toBe("Maximum request body size 1024 exceeded, actual body size 2048");
      expect([error.maxSize, error.actualSize]).toEqual([1024, 2048]);
    });
  });

  describe("HTTPUnavailableForLegalReasons", () => {
    it("links the blocking authority", () => {
      const error = new HTTPUnavailableForLegalReasons("https://authority.example/");
      expect(error.headers.get("Link")).toBe('<https://authority.example/>; rel="blocked-by"');
    });
  });
});
