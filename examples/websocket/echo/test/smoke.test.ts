import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { startExample } from "../../../start-example.js";

const main = new URL("../dist/main.js", import.meta.url);

let child: ChildProcess | undefined;
let client: WebSocket | undefined;

afterEach(() => {
  client?.terminate();
  child?.kill();
  client = undefined;
  child = undefined;
});

/** Starts the built example on a free port and returns the URL it prints. */
async function start(): Promise<string> {
  const started = await startExample(main, { ready: /(ws:\/\/\S+?:\d+\/)/ });
  child = started.child;
  return started.url;
}

describe("websocket echo example", () => {
  it("echoes text and binary messages", async () => {
    const url = await start();
    client = new WebSocket(url);
    await once(client, "open");
    client.send("hello");
    const [text, textIsBinary] = await once(client, "message");
    expect([(text as Buffer).toString(), textIsBinary]).toEqual(["hello", false]);
    client.send(Buffer.from([1, 2, 3]));
    const [bytes, bytesIsBinary] = await once(client, "message");
    expect([bytes, bytesIsBinary]).toEqual([Buffer.from([1, 2, 3]), true]);
    client.close(1000);
    const [code] = await once(client, "close");
    expect(code).toBe(1000);
  });
});
