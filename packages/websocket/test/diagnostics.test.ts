import diagnosticsChannel from "node:diagnostics_channel";
import type { BaseRequest } from "@ll/server";
import { deferred, testClient } from "@ll/test-utils";
import { afterEach, describe, expect, it } from "vitest";
import type { WebSocketChannelMessage } from "../src/index.js";
import { WebSocketResponse, WSMsgType } from "../src/index.js";
import { closeClients, closeEvent, connect } from "./helpers/ws-client.js";

const unsubscribes: (() => void)[] = [];

afterEach(async () => {
  for (const unsubscribe of unsubscribes.splice(0)) unsubscribe();
  closeClients();
});

function record(name: string): WebSocketChannelMessage[] {
  const messages: WebSocketChannelMessage[] = [];
  const onMessage = (message: unknown): void => {
    messages.push(message as WebSocketChannelMessage);
  };
  diagnosticsChannel.subscribe(name, onMessage);
  unsubscribes.push(() => diagnosticsChannel.unsubscribe(name, onMessage));
  return messages;
}

describe("diagnostics channels", () => {
  it("publishes ll.websocket.open after the handshake and ll.websocket.close with the code", async () => {
    const opened = record("ll.websocket.open");
    const closed = record("ll.websocket.close");
    const done = deferred<void>();
    let handled: BaseRequest | undefined;
    let response: WebSocketResponse | undefined;
    await using served = await testClient(async (request) => {
      handled = request;
      const ws = (response = new WebSocketResponse());
      await ws.prepare(request);
      expect(opened).toHaveLength(1);
      const message = await ws.receive();
      expect(message.type).toBe(WSMsgType.CLOSE);
      await ws.close();
      done.resolve(undefined);
      return ws;
    });
    const client = await connect(served.server.makeUrl("/chat").replace(/^http/, "ws"));
    const closing = closeEvent(client);
    client.close(4001, "bye");
    await closing;
    await done.promise;
    while (closed.length === 0) await new Promise((resolve) => setImmediate(resolve));
    expect(opened).toEqual([{ request: handled, ws: response, code: undefined }]);
    expect(closed).toEqual([{ request: handled, ws: response, code: 4001 }]);
  });
});
