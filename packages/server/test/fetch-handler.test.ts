import { testClient } from "@ll/test-utils";
import { describe, expect, it } from "vitest";
import type { BaseRequest } from "../src/base-request.js";
import { Response } from "../src/response.js";
import { fetchUrl, toFetchRequest } from "../src/to-fetch-request.js";
import { fetchHandlerCases } from "./helpers/fetch-handler-cases.js";
import { RawClient } from "./helpers/serve.js";

fetchHandlerCases({});

describe("toFetchRequest", () => {
  it("honours clone() overrides and normalizes the URL", async () => {
    let url: string | undefined;
    await using served = await testClient((request: BaseRequest) => {
      url = toFetchRequest(request.clone({ scheme: "https", host: "Example.COM:443" })).url;
      return new Response({ text: "ok" });
    });
    const client = await RawClient.connect(served.server.port);
    client.write("GET /a/../b HTTP/1.1\r\nHost: x\r\n\r\n");
    await client.untilResponses(1);
    expect(url).toBe("https://example.com/b");
  });

  it("gives the URL the WHATWG parser would, plain or not", () => {
    const hosts = [
      "example.com",
      "a-b.c0.example",
      "localhost:8080",
      "localhost:80",
      "localhost:443",
      "localhost:0",
      "localhost:65535",
      "localhost:99999",
      "1.2.3.4",
      "255.255.255.255:9",
      "256.1.1.1",
      "01.2.3.4",
      "1.2.3",
      "0x7f.1",
      "a.1",
      "Example.COM",
      "xn--nxasmq6b.com",
      "a..b",
      "a.",
      "[::1]:8080",
    ];
    const targets = [
      "/",
      "/a/b?c=d&e=%20",
      "/a/./b",
      "/a/%2E%2e/b",
      "/.well-known",
      "/é",
      "/a b",
      "/'q'",
      "/?x=/.",
    ];
    for (const scheme of ["http", "https"]) {
      for (const host of hosts) {
        for (const relUrl of targets) {
          const href = `${scheme}://${host}${relUrl}`;
          let expected: string;
          try {
            expected = new URL(href).href;
          } catch {
            expect(() => fetchUrl({ scheme, host, relUrl } as BaseRequest)).toThrow(
              new TypeError(`The request has no valid absolute URL: ${JSON.stringify(href)}`),
            );
            continue;
          }
          expect(fetchUrl({ scheme, host, relUrl } as BaseRequest)).toBe(expected);
        }
      }
    }
  });

  it("has no body for GET and a signal", async () => {
    let result: unknown;
    await using served = await testClient((request: BaseRequest) => {
      const fetchRequest = toFetchRequest(request);
      result = [fetchRequest.body, fetchRequest.signal.aborted, fetchRequest.headers.get("host")];
      return new Response({ text: "ok" });
    });
    await (await served.get("/")).text();
    expect(result).toEqual([null, false, `127.0.0.1:${served.server.port}`]);
  });
});

describe("a plain handler returning a WHATWG Response", () => {
  it("is sent like fetchHandler's", async () => {
    await using served = await testClient(
      () =>
        new globalThis.Response("made with fetch", {
          status: 202,
          headers: { "x-kind": "fetch" },
        }) as never,
    );
    const response = await served.get("/");
    expect(response.status).toBe(202);
    expect(response.headers.get("x-kind")).toBe("fetch");
    expect(response.headers.get("content-length")).toBe("15");
    expect(await response.text()).toBe("made with fetch");
  });
});
