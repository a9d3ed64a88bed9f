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

describe("runner workers example", () => {
  it("answers from two worker processes and drains them on SIGTERM", async () => {
    const started = await startExample(main, {
      env: { WORKERS: "2" },
      ready: /\(Press CTRL\+C to quit\)/,
    });
    child = started.child;
    const output = started.output;
    const url = /Running on (http:\/\/\S+:\d+)/.exec(output)![1]!;
    const answers = new Set<string>();
    for (let attempt = 0; attempt < 200 && answers.size < 2; attempt += 1) {
      const response = await request(`${url}/`, { reset: true });
      answers.add(await response.body.text());
    }
    expect([...answers].every((text) => /^served by worker \d+$/.test(text))).toBe(true);
    expect(answers.size).toBe(2);
    const exited = once(child, "exit");
    child.kill("SIGTERM");
    expect((await exited)[0]).toBe(0);
  });
});
