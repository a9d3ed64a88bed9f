import { testClient } from "@ll/test-utils";
import { describe, expect, it } from "vitest";
import {
  type Cookie,
  decodeCookies,
  delCookie,
  parseCookieHeader,
  serializeCookie,
  setCookie,
} from "../src/cookies.js";
import { Response } from "../src/response.js";
import { RawClient } from "./helpers/serve.js";

const lines = (cookies: Map<string, Cookie>): string[] =>
  [...cookies.values()].map(serializeCookie);

describe("parseCookieHeader", () => {
  it("parses pairs separated by semicolons", () => {
    expect([...parseCookieHeader("a=1; b=2;c=3")]).toEqual([
      ["a", "1"],
      ["b", "2"],
      ["c", "3"],
    ]);
  });

  it("is lenient: whitespace, quotes, missing values, odd names", () => {
    const cookies = parseCookieHeader(' x = "a;b\\"c" ; flag; [weird]=ok; =nameless; sp=a b ;');
    expect([...cookies]).toEqual([
      ["x", 'a;b"c'],
      ["flag", ""],
      ["[weird]", "ok"],
      ["sp", "a b"],
    ]);
  });

  it("keeps the first of repeated names", () => {
    expect(parseCookieHeader("id=specific; id=general").get("id")).toBe("specific");
  });

  it("skips names with invalid characters and handles empty headers", () => {
    expect([...parseCookieHeader('bad"name=1; good=2')]).toEqual([["good", "2"]]);
    expect(parseCookieHeader("").size).toBe(0);
    expect(parseCookieHeader(undefined).size).toBe(0);
  });
});

// Ported from aiohttp tests/test_helpers.py::test_cookies_mixin*.
describe("setCookie / delCookie / serializeCookie", () => {
  it("sets, updates and deletes (test_cookies_mixin)", () => {
    const cookies = new Map<string, Cookie>();
    setCookie(cookies, "name", "value");
    expect(lines(cookies)).toEqual(["name=value; Path=/"]);
    setCookie(cookies, "name", "");
    expect(lines(cookies)).toEqual(["name=; Path=/"]);
    setCookie(cookies, "name", "other_value", { maxAge: 10 });
    expect(lines(cookies)).toEqual(["name=other_value; Max-Age=10; Path=/"]);
    delCookie(cookies, "name");
    const deleted = "name=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/";
    expect(lines(cookies)).toEqual([deleted]);
    delCookie(cookies, "name");
    expect(lines(cookies)).toEqual([deleted]);
    setCookie(cookies, "name", "value", { domain: "local.host" });
    expect(lines(cookies)).toEqual(["name=value; Domain=local.host; Path=/"]);
  });

  it("serializes every attribute (test_cookies_mixin_path)", () => {
    const cookies = new Map<string, Cookie>();
    setCookie(cookies, "name", "value", { path: "/some/path" });
    expect(lines(cookies)).toEqual(["name=value; Path=/some/path"]);
    setCookie(cookies, "name", "value", {
      domain: "example.com",
      path: "/home",
      expires: new Date(Date.UTC(2030, 0, 2, 3, 4, 5)),
      maxAge: 10,
      secure: true,
      httpOnly: true,
      sameSite: "lax",
      partitioned: true,
    });
    expect(lines(cookies)).toEqual([
      "name=value; Expires=Wed, 02 Jan 2030 03:04:05 GMT; Max-Age=10; Domain=example.com; Path=/home; Secure; HttpOnly; SameSite=Lax; Partitioned",
    ]);
  });

  it("drops the deletion attributes when set again (test_cookie_set_after_del)", () => {
    const cookies = new Map<string, Cookie>();
    delCookie(cookies, "name");
    setCookie(cookies, "name", "val");
    expect(lines(cookies)).toEqual(["name=val; Path=/"]);
  });

  it("accepts a quoted value", () => {
    const cookies = new Map<string, Cookie>();
    setCookie(cookies, "q", '"abc"');
    expect(lines(cookies)).toEqual(['q="abc"; Path=/']);
  });

  it.each([
    ["bad name", "v", {}, /Cookie name "bad name" is not a token/],
    ["n", "a b", {}, /Cookie value "a b" of n holds a character/],
    ["n", "a;b", {}, /Cookie value/],
    ["n", 'a"b', {}, /Cookie value/],
    ["n", "é", {}, /Cookie value/],
    ["n", "v", { path: "/a;b" }, /Cookie path "\/a;b" holds/],
    ["n", "v", { domain: "x\r\ny" }, /Cookie domain/],
    ["n", "v", { maxAge: 1.5 }, /maxAge must be an integer/],
    ["n", "v", { sameSite: "Sometimes" }, /sameSite must be "Strict", "Lax" or "None"/],
    ["n", "v", { sameSite: "constructor" }, /sameSite must be/],
    ["n", "v", { expires: new Date(Number.NaN) }, /invalid Date/],
  ])("rejects %j=%j %j", (name, value, options, message) => {
    const cookies = new Map<string, Cookie>();
    expect(() => setCookie(cookies, name, value, options as never)).toThrow(TypeError);
    expect(() => setCookie(cookies, name, value, options as never)).toThrow(message);
    expect(cookies.size).toBe(0);
  });
});

describe("setCookie with encode", () => {
  it("sends the encoded value", () => {
    const cookies = new Map<string, Cookie>();
    setCookie(cookies, "cart", "a b;é", { encode: encodeURIComponent });
    expect(lines(cookies)).toEqual(["cart=a%20b%3B%C3%A9; Path=/"]);
  });

  it("checks what encode returns", () => {
    const cookies = new Map<string, Cookie>();
    expect(() => setCookie(cookies, "n", "v", { encode: (value) => `${value} x` })).toThrow(
      new TypeError(
        `Cookie value "v x" of n holds a character a cookie value cannot (whitespace, '"', ',', ';', '\\' or a control character): pass { encode: encodeURIComponent } or encode it first`,
      ),
    );
    expect(() => setCookie(cookies, "n", "v", { encode: () => 1 as unknown as string })).toThrow(
      new TypeError("Cookie encode must return a string, got number"),
    );
    expect(() => setCookie(cookies, "n", "v", { encode: "yes" as never })).toThrow(
      new TypeError("Cookie encode must be a function"),
    );
    expect(cookies.size).toBe(0);
  });

  it("does not keep encode as an attribute", () => {
    const cookies = new Map<string, Cookie>();
    setCookie(cookies, "n", "v", { encode: (value) => value, httpOnly: true });
    expect(cookies.get("n")).toEqual({ name: "n", value: "v", path: "/", httpOnly: true });
  });
});

describe("decodeCookies", () => {
  it("decodes each value and keeps one decode throws on raw", () => {
    const raw = parseCookieHeader("a=x%20y; b=%E0%A4%A; c=plain");
    expect([...decodeCookies(raw, decodeURIComponent)]).toEqual([
      ["a", "x y"],
      ["b", "%E0%A4%A"],
      ["c", "plain"],
    ]);
  });

  it("refuses a decode that is not a function or returns something else", () => {
    const raw = parseCookieHeader("a=1");
    expect(() => decodeCookies(raw, 1 as never)).toThrow(
      new TypeError("decode must be a function"),
    );
    expect(() => decodeCookies(raw, () => 1 as unknown as string)).toThrow(
      new TypeError("decode must return a string, got number for cookie a"),
    );
  });
});

describe("BaseRequest#getCookies", () => {
  it("returns the raw cookies without decode, decoded ones with it", async () => {
    let raw: [string, string][] = [];
    let decoded: [string, string][] = [];
    let same = false;
    await using served = await testClient((request) => {
      raw = [...request.cookies];
      decoded = [...request.getCookies({ decode: decodeURIComponent })];
      same = request.getCookies() === request.cookies;
      return new Response({ text: "ok" });
    });
    const { port } = served.server;
    const client = await RawClient.connect(port);
    client.write(
      "GET / HTTP/1.1\r\nHost: x\r\nCookie: cart=a%20b%3B%C3%A9; bad=%zz\r\nConnection: close\r\n\r\n",
    );
    await client.untilClosed();
    expect(raw).toEqual([
      ["cart", "a%20b%3B%C3%A9"],
      ["bad", "%zz"],
    ]);
    expect(decoded).toEqual([
      ["cart", "a b;é"],
      ["bad", "%zz"],
    ]);
    expect(same).toBe(true);
  });
});
