import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";

const main = fileURLToPath(new URL("../dist/main.js", import.meta.url));
let child: ChildProcess | undefined;

afterEach(() => {
  child?.kill();
  child = undefined;
});

/** Starts the built example on a free port and returns the URL it prints. */
async function start(): Promise<string> {
  child = spawn(process.execPath, [main], {
    env: { ...process.env, PORT: "0" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let output = "";
  for await (const chunk of child.stdout!) {
    output += chunk;
    const match = /(http:\/\/\S+?:\d+\/)/.exec(output);
    if (match) return match[1]!;
  }
  throw new Error(`the example exited without printing its URL:\n${output}`);
}

describe("server http-exceptions example", () => {
  it("answers with the thrown exceptions", async () => {
    const url = await start();
    const found = await request(url);
    expect(found.statusCode).toBe(302);
    expect(found.headers.location).toBe("/items/1");
    await found.body.dump();
    const item = await request(`${url}items/1`);
    expect(await item.body.json()).toEqual({ id: 1, name: "apple" });
    const missing = await request(`${url}items/9`);
    expect(missing.statusCode).toBe(404);
    expect(await missing.body.text()).toBe("404: Not Found");
    const post = await request(`${url}items/1`, { method: "POST" });
    expect(post.statusCode).toBe(405);
    expect(post.headers.allow).toBe("GET");
    await post.body.dump();
  });
});
