import { STATUS_CODES } from "node:http";
import { describe, expect, it } from "vitest";
import { STATUS_REASONS } from "../src/index.js";

describe("STATUS_REASONS", () => {
  it.each([
    [200, "OK"],
    [404, "Not Found"],
    [413, "Content Too Large"],
    [414, "URI Too Long"],
    [416, "Range Not Satisfiable"],
    [418, "I'm a Teapot"],
    [422, "Unprocessable Content"],
    [431, "Request Header Fields Too Large"],
    [505, "HTTP Version Not Supported"],
  ])("words %i as Python's http.HTTPStatus does", (status, reason) => {
    expect(STATUS_REASONS[status]).toBe(reason);
  });

  it("lists the 62 statuses of http.HTTPStatus", () => {
    expect(Object.keys(STATUS_REASONS)).toHaveLength(62);
  });

  it("knows every status Node knows, except the unregistered 509", () => {
    const missing = Object.keys(STATUS_CODES).filter((code) => !(code in STATUS_REASONS));
    expect(missing).toEqual(["509"]);
  });

  it("has no unknown status", () => {
    expect(STATUS_REASONS[299]).toBeUndefined();
  });

  it("is frozen", () => {
    expect(Object.isFrozen(STATUS_REASONS)).toBe(true);
  });
});
