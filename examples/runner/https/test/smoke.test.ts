import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Agent, request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { startExample } from "../../../start-example.js";

const main = new URL("../dist/main.js", import.meta.url);
// A self-signed certificate for localhost and 127.0.0.1 (see fixtures/README.md).
const certFile = fileURLToPath(new URL("fixtures/cert.pem", import.meta.url));
const keyFile = fileURLToPath(new URL("fixtures/key.pem", import.meta.url));
let child: ChildProcess | undefined;

afterEach(() => {
  child?.kill("SIGKILL");
  child = undefined;
});

describe("runner https example", () => {
  it("serves HTTPS with the certificate it is given", async () => {
    const started = await startExample(main, {
      env: { TLS_CERT: certFile, TLS_KEY: keyFile },
      ready: /\(Press CTRL\+C to quit\)/,
    });
    child = started.child;
    const output = started.output;
    const url = /Running on (https:\/\/\S+:\d+)/.exec(output)![1]!;
    const dispatcher = new Agent({ connect: { ca: readFileSync(certFile, "utf8") } });
    const response = await request(`${url}/`, { dispatcher });
    expect(response.statusCode).toBe(200);
    expect(await response.body.text()).toBe("secure: true, scheme: https");
    await dispatcher.close();
  });
});
