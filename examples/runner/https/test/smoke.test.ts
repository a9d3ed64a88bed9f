import { type ChildProcess, spawnSync } from "node:child_process";
import { Agent, request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { startExample } from "../../../start-example.js";

const main = new URL("../dist/main.js", import.meta.url);
const hasOpenssl = spawnSync("openssl", ["version"]).status === 0;
let child: ChildProcess | undefined;

afterEach(() => {
  child?.kill("SIGKILL");
  child = undefined;
});

describe("runner https example", () => {
  it.skipIf(!hasOpenssl)("serves HTTPS with its self-signed certificate", async () => {
    const started = await startExample(main, { ready: /\(Press CTRL\+C to quit\)/ });
    child = started.child;
    const output = started.output;
    const url = /Running on (https:\/\/\S+:\d+)/.exec(output)![1]!;
    const dispatcher = new Agent({ connect: { rejectUnauthorized: false } });
    const response = await request(`${url}/`, { dispatcher });
    expect(response.statusCode).toBe(200);
    expect(await response.body.text()).toBe("secure: true, scheme: https");
    await dispatcher.close();
  });
});
