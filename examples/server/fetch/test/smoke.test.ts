import type { ChildProcess } from "node:child_process";
import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { startExample } from "../../../start-example.js";

const main = new URL("../dist/main.js", import.meta.url);
let child: ChildProcess | undefined;

afterEach(() => {
  child?.kill();
  child = undefined;
});

async function start(): Promise<string> {
  const started = await startExample(main, { ready: /(http:\/\/\S+?:\d+\/)/ });
  child = started.child;
  return started.url;
}

describe("server fetch example", () => {
  it("greets, reads a body and answers 404 in JSON", async () => {
    const url = await start();
    expect(await (await request(`${url}?name=Ada`)).body.text()).toBe("Hello, Ada");
    const upper = await request(`${url}upper`, { method: "POST", body: "shout" });
    expect(await upper.body.text()).toBe("SHOUT");
    const missing = await request(`${url}nope`);
    expect(missing.statusCode).toBe(404);
    expect(await missing.body.json()).toEqual({ error: "not found", path: "/nope" });
  });
});
