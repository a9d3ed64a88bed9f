import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { startExample } from "../../../start-example.js";

const main = new URL("../dist/main.js", import.meta.url);

let child: ChildProcess | undefined;
const clients: WebSocket[] = [];

afterEach(() => {
  for (const client of clients.splice(0)) client.terminate();
  child?.kill();
  child = undefined;
});

/** Starts the built example on a free port and returns the URL it prints. */
async function start(): Promise<string> {
  const started = await startExample(main, { ready: /(http:\/\/\S+?:\d+\/)/ });
  child = started.child;
  return started.url;
}

/** Opens a chat socket and collects the text it receives. */
async function join(url: string): Promise<{ client: WebSocket; next(): Promise<string> }> {
  const client = new WebSocket(url.replace(/^http/, "ws"));
  clients.push(client);
  const queue: string[] = [];
  const waiters: ((text: string) => void)[] = [];
  client.on("message", (data) => {
    const text = (data as Buffer).toString();
    const waiter = waiters.shift();
    if (waiter) waiter(text);
    else queue.push(text);
  });
  await once(client, "open");
  return {
    client,
    next: () => {
      const text = queue.shift();
      return text === undefined
        ? new Promise((resolve) => waiters.push(resolve))
        : Promise.resolve(text);
    },
  };
}

describe("websocket chat example", () => {
  it("serves the page on a plain GET", async () => {
    const url = await start();
    const response = await request(url);
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(await response.body.text()).toContain("new WebSocket(location.href.replace");
  });

  it("broadcasts every message to everyone", async () => {
    const url = await start();
    const alice = await join(url);
    expect(await alice.next()).toBe("* you are guest1");
    const bob = await join(url);
    expect(await bob.next()).toBe("* you are guest2");
    expect(await alice.next()).toBe("* guest2 joined");
    alice.client.send("hi bob");
    expect(await alice.next()).toBe("guest1: hi bob");
    expect(await bob.next()).toBe("guest1: hi bob");
    bob.client.close(1000);
    expect(await alice.next()).toBe("* guest2 left");
  });
});
