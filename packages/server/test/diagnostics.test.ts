import { AsyncLocalStorage } from "node:async_hooks";
import diagnosticsChannel from "node:diagnostics_channel";
import net, { type Socket } from "node:net";
import { testClient } from "@ll/test-utils";
import { fetch } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import type { BaseRequest } from "../src/base-request.js";
import type {
  ConnectionMessage,
  RequestTraceContext,
  ResponseFinishMessage,
} from "../src/diagnostics.js";
import { Response } from "../src/response.js";
import { StreamResponse } from "../src/stream-response.js";
import { RawClient } from "./helpers/serve.js";

const unsubscribes: (() => void)[] = [];

afterEach(async () => {
  for (const unsubscribe of unsubscribes.splice(0)) unsubscribe();
});

type Event = [string, string, unknown, unknown];

/** Records every `ll.server.request` event: [event, path, response, error]. */
function recordTracing(): Event[] {
  const events: Event[] = [];
  const channel = diagnosticsChannel.tracingChannel<unknown, RequestTraceContext>(
    "ll.server.request",
  );
  const record =
    (name: string) =>
    (context: RequestTraceContext): void => {
      events.push([name, context.request.path, context.response, context.error]);
    };
  const handlers = {
    start: record("start"),
    end: record("end"),
    asyncStart: record("asyncStart"),
    asyncEnd: record("asyncEnd"),
    error: record("error"),
  };
  channel.subscribe(handlers);
  unsubscribes.push(() => channel.unsubscribe(handlers));
  return events;
}

function recordChannel<T>(name: string): T[] {
  const messages: T[] = [];
  const onMessage = (message: unknown): void => {
    messages.push(message as T);
  };
  diagnosticsChannel.subscribe(name, onMessage);
  unsubscribes.push(() => diagnosticsChannel.unsubscribe(name, onMessage));
  return messages;
}

describe("diagnostics channels", () => {
  describe("ll.server.request", () => {
    it("traces a synchronous handler: start, then end with the response", async () => {
      const events = recordTracing();
      const sent = new Response({ text: "sync" });
      await using served = await testClient(() => sent);
      const { origin: url } = served.server;
      const response = await fetch(`${url}/sync`);
      expect(await response.text()).toBe("sync");
      expect(events).toEqual([
        ["start", "/sync", undefined, undefined],
        ["end", "/sync", sent, undefined],
      ]);
    });

    it("traces an async handler: start, end, then asyncStart and asyncEnd with the response", async () => {
      const events = recordTracing();
      const sent = new Response({ text: "async" });
      await using served = await testClient(async () => {
        await new Promise((resolve) => setImmediate(resolve));
        return sent;
      });
      const { origin: url } = served.server;
      await (await fetch(`${url}/async`)).text();
      expect(events).toEqual([
        ["start", "/async", undefined, undefined],
        ["end", "/async", undefined, undefined],
        ["asyncStart", "/async", sent, undefined],
        ["asyncEnd", "/async", sent, undefined],
      ]);
    });

    it("traces a throwing handler: start, error, end, and the answer is still 500", async () => {
      const events = recordTracing();
      const failure = new Error("boom");
      await using served = await testClient(() => {
        throw failure;
      });
      const { origin: url } = served.server;
      const response = await fetch(`${url}/throws`);
      expect(response.status).toBe(500);
      await response.text();
      expect(events).toEqual([
        ["start", "/throws", undefined, undefined],
        ["error", "/throws", undefined, failure],
        ["end", "/throws", undefined, failure],
      ]);
    });

    it("traces a rejecting handler: error before asyncStart and asyncEnd", async () => {
      const events = recordTracing();
      const failure = new Error("rejected");
      await using served = await testClient(async () => {
        throw failure;
      });
      const { origin: url } = served.server;
      expect((await fetch(`${url}/rejects`)).status).toBe(500);
      expect(events.map(([name, , , error]) => [name, error])).toEqual([
        ["start", undefined],
        ["end", undefined],
        ["error", failure],
        ["asyncStart", failure],
        ["asyncEnd", failure],
      ]);
    });

    it("runs the handler inside the stores bound to start", async () => {
      const storage = new AsyncLocalStorage<string>();
      const channel = diagnosticsChannel.tracingChannel<unknown, RequestTraceContext>(
        "ll.server.request",
      );
      channel.start.bindStore(storage, (context) => `span for ${context.request.path}`);
      unsubscribes.push(() => channel.start.unbindStore(storage));
      await using served = await testClient(async () => {
        await new Promise((resolve) => setImmediate(resolve));
        return new Response({ text: storage.getStore() ?? "none" });
      });
      const { origin: url } = served.server;
      expect(await (await fetch(`${url}/stored`)).text()).toBe("span for /stored");
    });
  });

  describe("ll.server.response.finish", () => {
    it("publishes once a streamed response's last byte is handed to the socket", async () => {
      const finished = recordChannel<ResponseFinishMessage>("ll.server.response.finish");
      let handled: BaseRequest | undefined;
      let streamed: StreamResponse | undefined;
      await using served = await testClient(async (request) => {
        handled = request;
        const response = (streamed = new StreamResponse());
        await response.prepare(request);
        await response.write("one,");
        expect(finished).toHaveLength(0);
        await response.write("two");
        return response;
      });
      const { origin: url } = served.server;
      expect(await (await fetch(`${url}/stream`)).text()).toBe("one,two");
      expect(finished).toHaveLength(1);
      const [message] = finished;
      expect(message!.request).toBe(handled);
      expect(message!.response).toBe(streamed);
      expect(message!.response.status).toBe(200);
      expect(typeof message!.duration).toBe("number");
      expect(message!.duration).toBeGreaterThanOrEqual(0);
    });
  });

  describe("ll.server.connection.open and ll.server.connection.close", () => {
    it("publishes the socket when a connection opens and when it closes", async () => {
      const opened = recordChannel<ConnectionMessage>("ll.server.connection.open");
      const closed = recordChannel<ConnectionMessage>("ll.server.connection.close");
      await using served = await testClient(() => new Response({ text: "ok" }));
      const { port } = served.server;
      const server = served.server.server;
      const client = await RawClient.connect(port);
      client.write("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      await client.untilClosed();
      // The server's side closes once the client's does.
      while (server.connections.size > 0) await new Promise((resolve) => setImmediate(resolve));
      expect(opened).toHaveLength(1);
      expect(closed).toHaveLength(1);
      const socket: Socket = opened[0]!.socket;
      expect(socket).toBeInstanceOf(net.Socket);
      expect(closed[0]!.socket).toBe(socket);
    });
  });

  it("publishes nothing and builds no context while nobody subscribes", async () => {
    const channel = diagnosticsChannel.tracingChannel("ll.server.request");
    expect(channel.hasSubscribers).toBe(false);
    await using served = await testClient(() => new Response({ text: "plain" }));
    const { origin: url } = served.server;
    expect(await (await fetch(url)).text()).toBe("plain");
  });
});
