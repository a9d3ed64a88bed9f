import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { testClient } from "@ll/test-utils";
import { FormData, request } from "undici";
import { afterAll, describe, expect, it, vi } from "vitest";
import type { BaseRequest } from "../src/base-request.js";
import { BodyPartReader } from "../src/body-part-reader.js";
import type { FileField } from "../src/post.js";
import { Response } from "../src/response.js";
import { RawClient } from "./helpers/serve.js";

const scratch = mkdtempSync(join(tmpdir(), "ll-forms-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Answers with a JSON description of the form `request.post()` read. */
async function describeForm(request: BaseRequest): Promise<Response> {
  const form = await request.post();
  const fields: Array<[string, unknown]> = [];
  for (const [name, value] of form) {
    if (typeof value === "string") fields.push([name, value]);
    else if (Buffer.isBuffer(value)) fields.push([name, { bytes: value.toString("hex") }]);
    else {
      const file = value as FileField;
      fields.push([
        name,
        {
          filename: file.filename,
          contentType: file.contentType,
          size: file.file.size,
          head: (await file.file.read()).subarray(0, 8).toString(),
        },
      ]);
    }
  }
  return new Response({ text: JSON.stringify(fields), contentType: "application/json" });
}

describe("request.post()", () => {
  it("reads a FormData body sent by undici", async () => {
    await using served = await testClient(describeForm, { clientMaxSize: 4 * 1024 * 1024 });
    const { origin: url } = served.server;
    const form = new FormData();
    form.append("name", "Ada Lovelace");
    form.append("name", "ünïcødé");
    form.append("upload", new Blob(["file contents"], { type: "text/plain" }), "notes.txt");
    form.append("blob", new Blob([new Uint8Array(2 * 1024 * 1024)]), "zeros.bin");
    const response = await request(url, { method: "POST", body: form });
    expect(response.statusCode).toBe(200);
    expect(await response.body.json()).toEqual([
      ["name", "Ada Lovelace"],
      ["name", "ünïcødé"],
      ["upload", { filename: "notes.txt", contentType: "text/plain", size: 13, head: "file con" }],
      [
        "blob",
        {
          filename: "zeros.bin",
          contentType: "application/octet-stream",
          size: 2 * 1024 * 1024,
          head: "\u0000".repeat(8),
        },
      ],
    ]);
  });

  it("removes spooled files once the response is sent", async () => {
    const paths: string[] = [];
    await using served = await testClient(
      async (request) => {
        const form = await request.post();
        const file = form.get("f") as FileField;
        paths.push(file.file.path!);
        expect(existsSync(file.file.path!)).toBe(true);
        return new Response({ text: String(file.file.size) });
      },
      { clientMaxSize: 4 * 1024 * 1024 },
    );
    const { origin: url } = served.server;
    const form = new FormData();
    form.append("f", new Blob([new Uint8Array(1024 * 1024 + 1)]), "f.bin");
    const response = await request(url, { method: "POST", body: form });
    expect(await response.body.text()).toBe("1048577");
    await vi.waitFor(() => expect(existsSync(paths[0]!)).toBe(false));
  });

  it("reads a urlencoded body", async () => {
    await using served = await testClient(describeForm);
    const { origin: url } = served.server;
    const response = await request(url, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "a=1&b=two+words&c=%E2%82%AC",
    });
    expect(await response.body.json()).toEqual([
      ["a", "1"],
      ["b", "two words"],
      ["c", "€"],
    ]);
  });

  it("gives an empty form for GET", async () => {
    await using served = await testClient(describeForm);
    const { origin: url } = served.server;
    expect(await (await request(url)).body.json()).toEqual([]);
  });

  it("answers 413 past clientMaxSize and keeps serving", async () => {
    await using served = await testClient(describeForm, { clientMaxSize: 1000 });
    const { origin: url } = served.server;
    const form = new FormData();
    form.append("f", new Blob([new Uint8Array(5000)]), "big.bin");
    const response = await request(url, { method: "POST", body: form });
    expect(response.statusCode).toBe(413);
    await response.body.dump();
    expect((await request(url)).statusCode).toBe(200);
  });

  it.each([
    [
      "no boundary",
      "multipart/form-data",
      "--x\r\n\r\n\r\n--x--",
      "The multipart Content-Type has no boundary",
    ],
    [
      "a wrong boundary",
      "multipart/form-data; boundary=abc",
      '--xyz\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--xyz--',
      'Could not find the starting boundary "--abc" in the multipart body',
    ],
    [
      "a malformed boundary line",
      "multipart/form-data; boundary=abc",
      '--abc\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--abc!!\r\n',
      'Invalid multipart boundary line "--abc!!", expected "--abc"',
    ],
    [
      "a truncated body",
      "multipart/form-data; boundary=abc",
      '--abc\r\nContent-Disposition: form-data; name="a"\r\n\r\n1',
      "Multipart body ended inside a part: its closing boundary is missing",
    ],
  ])("answers 400 for %s and keeps the connection", async (_case, contentType, body, message) => {
    await using served = await testClient(describeForm);
    const { port } = served.server;
    const client = await RawClient.connect(port);
    client.write(
      `POST / HTTP/1.1\r\nHost: x\r\nContent-Type: ${contentType}\r\nContent-Length: ${body.length}\r\n\r\n${body}` +
        "GET / HTTP/1.1\r\nHost: x\r\n\r\n",
    );
    const text = await client.untilResponses(2);
    expect(text).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(text).toContain(`\r\n\r\n${message}HTTP/1.1 200 OK\r\n`);
  });

  it("reads a body curl sends", async (context) => {
    const curl = await promisify(execFile)("curl", ["--version"]).catch(() => undefined);
    if (curl === undefined) return context.skip();
    await using served = await testClient(describeForm);
    const { origin: url } = served.server;
    const path = join(scratch, "curl.txt");
    writeFileSync(path, "from curl");
    const { stdout } = await promisify(execFile)("curl", [
      "-s",
      "-F",
      "x=1",
      "-F",
      `f=@${path};type=text/plain`,
      url,
    ]);
    expect(JSON.parse(stdout)).toEqual([
      ["x", "1"],
      ["f", { filename: "curl.txt", contentType: "text/plain", size: 9, head: "from cur" }],
    ]);
  });
});

describe("request.multipart()", () => {
  it("streams parts", async () => {
    await using served = await testClient(async (request) => {
      const reader = await request.multipart();
      const seen: string[] = [];
      for await (const part of reader) {
        if (part instanceof BodyPartReader) {
          let size = 0;
          for await (const chunk of part) size += chunk.length;
          seen.push(`${part.name}:${part.filename ?? "-"}:${size}`);
        }
      }
      return new Response({ text: seen.join(",") });
    });
    const { origin: url } = served.server;
    const form = new FormData();
    form.append("a", "x");
    form.append("b", new Blob([new Uint8Array(100_000)]), "b.bin");
    const response = await request(url, { method: "POST", body: form });
    expect(await response.body.text()).toBe("a:-:1,b:b.bin:100000");
  });
});

describe("multipart limits", () => {
  const field = (index: number) =>
    `--b\r\nContent-Disposition: form-data; name="f${index}"\r\n\r\nv\r\n`;
  const FORM_TYPE = "multipart/form-data; boundary=b";

  /** A 1 MiB body of 20,000 one-byte fields, as its parts. */
  function tinyFields(): string[] {
    return Array.from({ length: 20_000 }, (_, index) => field(index));
  }

  function tooLarge(text: string): string {
    return (
      "HTTP/1.1 413 Content Too Large\r\nContent-Type: text/plain; charset=utf-8\r\n" +
      `Content-Length: ${text.length}\r\nDate: <date>\r\nServer: ll-server\r\n` +
      `Connection: close\r\n\r\n${text}`
    );
  }

  const countFields = async (request: BaseRequest) =>
    new Response({ text: String((await request.post()).size) });

  it("answers 413 at field 1001 by default, before the rest of the body is sent", async () => {
    await using served = await testClient(countFields);
    const { port } = served.server;
    const fields = tinyFields();
    const body = `${fields.join("")}--b--\r\n`;
    expect(body.length).toBeGreaterThan(1024 * 1024);
    const client = await RawClient.connect(port);
    client.write(
      `POST / HTTP/1.1\r\nHost: x\r\nContent-Type: ${FORM_TYPE}\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    // Only the first 1001 fields: the answer cannot wait for the body's end.
    const sent = fields.slice(0, 1001).join("");
    client.write(sent);
    const expected = tooLarge("Too many fields: the limit is 1000 (multipartLimits.fields)");
    expect(await client.until((text) => text.length >= expected.length)).toBe(expected);
    // The rest is more than the server drains: it closes after the answer.
    client.write(body.slice(sent.length));
    expect(await client.untilClosed()).toBe(expected);
  });

  it("parses the 20,000 fields with the limits raised", async () => {
    await using served = await testClient(countFields, {
      clientMaxSize: 2 * 1024 * 1024,
      multipartLimits: { fields: 20_000, parts: 20_000 },
    });
    const { origin: url } = served.server;
    const response = await request(url, {
      method: "POST",
      headers: { "Content-Type": FORM_TYPE },
      body: `${tinyFields().join("")}--b--\r\n`,
    });
    expect(response.statusCode).toBe(200);
    expect(await response.body.text()).toBe("20000");
  });

  it("takes per-call limits over the server's", async () => {
    await using served = await testClient(
      async (request) =>
        new Response({ text: String((await request.post({ limits: { fields: 2 } })).size) }),
      { multipartLimits: { fields: 1 } },
    );
    const { port } = served.server;
    const two = `${field(0)}${field(1)}--b--\r\n`;
    const three = `${field(0)}${field(1)}${field(2)}--b--\r\n`;
    const client = await RawClient.connect(port);
    client.write(
      `POST / HTTP/1.1\r\nHost: x\r\nContent-Type: ${FORM_TYPE}\r\nContent-Length: ${two.length}\r\n\r\n${two}` +
        `POST / HTTP/1.1\r\nHost: x\r\nContent-Type: ${FORM_TYPE}\r\nContent-Length: ${three.length}\r\n\r\n${three}`,
    );
    const limitText = "Too many fields: the limit is 2 (multipartLimits.fields)";
    // A small unread rest is drained, so the connection stays open (no Connection: close).
    expect(await client.untilResponses(2)).toBe(
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 1\r\n" +
        "Date: <date>\r\nServer: ll-server\r\n\r\n2" +
        "HTTP/1.1 413 Content Too Large\r\nContent-Type: text/plain; charset=utf-8\r\n" +
        `Content-Length: ${limitText.length}\r\nDate: <date>\r\nServer: ll-server\r\n\r\n${limitText}`,
    );
  });

  it("bounds urlencoded fields and values", async () => {
    await using served = await testClient(countFields, {
      multipartLimits: { fields: 2, fieldSize: 3 },
    });
    const { origin: url } = served.server;
    const post = async (body: string) => {
      const response = await request(url, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body,
      });
      return [response.statusCode, await response.body.text()];
    };
    expect(await post("a=1&b=222")).toEqual([200, "2"]);
    expect(await post("a=1&b=2&c=3")).toEqual([
      413,
      "Too many fields: the limit is 2 (multipartLimits.fields)",
    ]);
    expect(await post("a=1234")).toEqual([
      413,
      "A field is too large: the limit is 3 bytes (multipartLimits.fieldSize)",
    ]);
  });

  it("bounds a streamed file as the handler reads it", async () => {
    const received: number[] = [];
    await using served = await testClient(async (request) => {
      const reader = await request.multipart({ limits: { fileSize: 100_000 } });
      for await (const part of reader) {
        if (part instanceof BodyPartReader) {
          for await (const chunk of part) received.push(chunk.length);
        }
      }
      return new Response({ text: "read" });
    });
    const { origin: url } = served.server;
    const form = new FormData();
    form.append("f", new Blob([new Uint8Array(100_001)]), "f.bin");
    const response = await request(url, { method: "POST", body: form });
    expect(response.statusCode).toBe(413);
    expect(await response.body.text()).toBe(
      "A file is too large: the limit is 100000 bytes (multipartLimits.fileSize)",
    );
    expect(received.reduce((sum, length) => sum + length, 0)).toBeLessThanOrEqual(100_000);
  });

  it("bounds a part's headers", async () => {
    await using served = await testClient(countFields, { multipartLimits: { headerSize: 64 } });
    const { origin: url } = served.server;
    const response = await request(url, {
      method: "POST",
      headers: { "Content-Type": FORM_TYPE },
      body: `--b\r\nContent-Disposition: form-data; name="${"n".repeat(40)}"\r\n\r\nv\r\n--b--\r\n`,
    });
    expect(response.statusCode).toBe(413);
    expect(await response.body.text()).toBe(
      "A part's headers are too large: the limit is 64 bytes (multipartLimits.headerSize)",
    );
  });

  it("throws a RangeError naming a bad per-call limit", async () => {
    await using served = await testClient(async (request) => {
      const errors: string[] = [];
      for (const read of [
        () => request.post({ limits: { fields: -1 } }),
        () => request.multipart({ limits: { fileSize: 0 } }),
      ]) {
        try {
          await read();
        } catch (error) {
          errors.push(`${(error as Error).name}: ${(error as Error).message}`);
        }
      }
      return new Response({ text: errors.join("\n") });
    });
    const { origin: url } = served.server;
    const response = await request(url, {
      method: "POST",
      headers: { "Content-Type": "multipart/form-data; boundary=b" },
      body: "--b--\r\n",
    });
    expect(await response.body.text()).toBe(
      "RangeError: limits.fields must be a positive integer or Infinity\n" +
        "RangeError: limits.fileSize must be a positive integer or Infinity",
    );
  });
});

describe("request headers", () => {
  it("parses cookies, forwarded and conditional headers", async () => {
    await using served = await testClient(
      (request) =>
        new Response({
          text: JSON.stringify({
            cookies: Object.fromEntries(request.cookies),
            forwarded: request.forwarded,
            ifModifiedSince: request.ifModifiedSince?.toISOString(),
            ifUnmodifiedSince: request.ifUnmodifiedSince ?? null,
            ifMatch: request.ifMatch,
            ifNoneMatch: request.ifNoneMatch ?? null,
            ifRange: request.ifRange,
            httpRange: request.httpRange,
          }),
        }),
    );
    const { origin: url } = served.server;
    const response = await request(url, {
      headers: {
        Cookie: 'session=abc; theme="dark"; bad name=1',
        Forwarded: 'for=192.0.2.60;proto=https;by="[2001:db8::1]"',
        "If-Modified-Since": "Tue, 08 Oct 2000 00:56:40 GMT",
        "If-Match": '"a", W/"b"',
        "If-Range": '"a"',
        Range: "bytes=-10",
      },
    });
    expect(await response.body.json()).toEqual({
      cookies: { session: "abc", theme: "dark" },
      forwarded: [{ for: "192.0.2.60", proto: "https", by: "[2001:db8::1]" }],
      ifModifiedSince: "2000-10-08T00:56:40.000Z",
      ifUnmodifiedSince: null,
      ifMatch: [
        { value: "a", isWeak: false },
        { value: "b", isWeak: true },
      ],
      ifNoneMatch: null,
      ifRange: { value: "a", isWeak: false },
      httpRange: { start: -10 },
    });
  });

  it("answers 416 for a bogus Range read through httpRange", async () => {
    await using served = await testClient(
      (request) => new Response({ text: JSON.stringify(request.httpRange) }),
    );
    const { port } = served.server;
    const client = await RawClient.connect(port);
    client.write(
      "GET / HTTP/1.1\r\nHost: x\r\nRange: bytes=9-1\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n",
    );
    const text = await client.untilResponses(2);
    expect(text).toMatch(/^HTTP\/1\.1 416 Range Not Satisfiable\r\n/);
    expect(text).toContain("start cannot be after end");
    expect(text).toContain("HTTP/1.1 200 OK\r\n");
  });

  it("clones with overrides", async () => {
    await using served = await testClient((request) => {
      const clone = request.clone({
        method: "POST",
        relUrl: "/other?x=1",
        headers: { Host: "h" },
        scheme: "https",
        host: "example.com",
        remote: "10.0.0.1",
      });
      return new Response({
        text: JSON.stringify([
          clone.method,
          clone.path,
          clone.query.get("x"),
          clone.headers.get("host"),
          clone.scheme,
          clone.host,
          clone.remote,
          clone.url.href,
          request.method,
        ]),
      });
    });
    const { origin: url } = served.server;
    expect(await (await request(`${url}/x`)).body.json()).toEqual([
      "POST",
      "/other",
      "1",
      "h",
      "https",
      "example.com",
      "10.0.0.1",
      "https://example.com/other?x=1",
      "GET",
    ]);
  });
});
