// Unknown option keys: every constructor that takes an options object refuses a key it does not
// know, naming the closest valid one, instead of ignoring it and using the default.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { testClient } from "@ll/test-utils";
import { afterAll, describe, expect, it } from "vitest";
import type { BaseRequest } from "../src/base-request.js";
import { FileResponse } from "../src/file-response.js";
import { jsonResponse } from "../src/json-response.js";
import { Response } from "../src/response.js";
import { serveStatic } from "../src/serve-static.js";
import { Server } from "../src/server.js";
import type { ServerOptions } from "../src/server-options.js";
import { StreamResponse } from "../src/stream-response.js";
import { RawClient } from "./helpers/serve.js";

const dir = mkdtempSync(join(tmpdir(), "ll-option-keys-"));
writeFileSync(join(dir, "a.txt"), "a");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Options with a key the types refuse, as JavaScript callers (or a cast) would pass them.
const loose = <T>(options: Record<string, unknown>): T => options as T;

describe("unknown option keys", () => {
  it("Server names the option differing only in case", () => {
    expect(() => new Server(() => new Response(), loose({ keepAliveTimeout: 5 }))).toThrow(
      new TypeError("Unknown Server option keepAliveTimeout: did you mean keepaliveTimeout?"),
    );
  });

  it("Server knows the options added lately", () => {
    const options: ServerOptions = { requestTimeout: 1, multipartLimits: { fields: 1 } };
    expect(() => new Server(() => new Response(), options)).not.toThrow();
    expect(() => new Server(() => new Response(), loose({ requestTimout: 1 }))).toThrow(
      new TypeError("Unknown Server option requestTimout: did you mean requestTimeout?"),
    );
  });

  it("StreamResponse", () => {
    expect(() => new StreamResponse(loose({ statusCode: 201 }))).toThrow(
      new TypeError(
        "Unknown StreamResponse option statusCode (valid options: status, reason, headers)",
      ),
    );
    expect(() => new StreamResponse(loose({ header: {} }))).toThrow(
      new TypeError("Unknown StreamResponse option header: did you mean headers?"),
    );
  });

  it("Response", () => {
    expect(() => new Response(loose({ content_type: "text/html" }))).toThrow(
      new TypeError("Unknown Response option content_type: did you mean contentType?"),
    );
    expect(() => new Response(loose({ txt: "a" }))).toThrow(
      new TypeError("Unknown Response option txt: did you mean text?"),
    );
  });

  it("jsonResponse", () => {
    expect(() => jsonResponse({}, loose({ stauts: 201 }))).toThrow(
      new TypeError("Unknown jsonResponse option stauts: did you mean status?"),
    );
  });

  it("FileResponse", () => {
    expect(() => new FileResponse("a.txt", loose({ chunksize: 1 }))).toThrow(
      new TypeError("Unknown FileResponse option chunksize: did you mean chunkSize?"),
    );
    expect(() => new FileResponse("a.txt", loose({ mimeType: {} }))).toThrow(
      new TypeError("Unknown FileResponse option mimeType: did you mean mimeTypes?"),
    );
  });

  it("serveStatic", async () => {
    let thrown: unknown;
    await using served = await testClient(async (request: BaseRequest) => {
      try {
        return await serveStatic(request, loose({ root: dir, dotFiles: true }));
      } catch (error) {
        thrown = error;
        return new Response({ status: 500 });
      }
    });
    const { port } = served.server;
    const client = await RawClient.connect(port);
    client.write("GET /a.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    await client.untilClosed();
    expect(thrown).toEqual(
      new TypeError("Unknown serveStatic option dotFiles: did you mean dotfiles?"),
    );
  });

  it("leaves a subclass's own options alone", () => {
    class Tagged extends Response {
      readonly tag: string;
      constructor(options: { tag: string; text: string }) {
        super({ text: options.text });
        this.tag = options.tag;
      }
    }
    expect(new Tagged({ tag: "x", text: "y" }).tag).toBe("x");
    class Passing extends StreamResponse {}
    expect(() => new Passing(loose({ extra: 1 }))).not.toThrow();
  });
});
