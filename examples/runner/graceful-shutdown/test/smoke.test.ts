import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { startExample } from "../../../start-example.js";

const main = new URL("../dist/main.js", import.meta.url);
let child: ChildProcess | undefined;

afterEach(() => {
  child?.kill("SIGKILL");
  child = undefined;
});

describe("runner graceful-shutdown example", () => {
  it("answers the slow request in flight after SIGTERM, then exits 0", async () => {
    const started = await startExample(main, {
      env: { SLOW_MS: "300" },
      ready: /\(Press CTRL\+C to quit\)/,
    });
    child = started.child;
    const output = started.output;
    const url = /Running on (http:\/\/\S+:\d+)/.exec(output)![1]!;
    const slow = request(`${url}/slow`);
    // SIGTERM once the request is in the handler, as the example says it is.
    await started.waitFor(/slow request started/);
    const exited = once(child, "exit");
    child.kill("SIGTERM");
    const response = await slow;
    expect(response.statusCode).toBe(200);
    expect(response.headers.connection).toBe("close");
    expect(await response.body.text()).toBe("finished despite the shutdown");
    expect((await exited)[0]).toBe(0);
  });
});
