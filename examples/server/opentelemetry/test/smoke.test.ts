import type { ChildProcess } from "node:child_process";
import net from "node:net";
import { Response, Server } from "@ll/server";
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { startExample } from "../../../start-example.js";
import { instrumentServer } from "../src/tracing.js";

const main = new URL("../dist/main.js", import.meta.url);
const TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
const PARENT_ID = "b7ad6b7169203331";
const cleanups: (() => void | Promise<void>)[] = [];
let child: ChildProcess | undefined;

afterEach(async () => {
  child?.kill();
  child = undefined;
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function traced(handler: ConstructorParameters<typeof Server>[0]) {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  cleanups.push(instrumentServer(provider.getTracer("test")));
  const server = new Server(handler, { logger: { info() {}, warn() {}, error() {} } });
  const listener = net.createServer(server.connectionListener);
  await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
  cleanups.push(async () => {
    listener.close();
    await server.shutdown(100);
  });
  const { port } = listener.address() as net.AddressInfo;
  return { exporter, origin: `http://127.0.0.1:${port}` };
}

describe("server opentelemetry example", () => {
  it("records a SERVER span with HTTP attributes, child of the request's traceparent", async () => {
    const { exporter, origin } = await traced(() => new Response({ text: "hi" }));
    const response = await request(`${origin}/hello?name=x`, {
      headers: { traceparent: `00-${TRACE_ID}-${PARENT_ID}-01`, "user-agent": "smoke/1" },
    });
    expect(await response.body.text()).toBe("hi");
    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(1);
    const [span] = spans;
    expect(span!.name).toBe("GET /hello");
    expect(span!.kind).toBe(SpanKind.SERVER);
    expect(span!.spanContext().traceId).toBe(TRACE_ID);
    expect(span!.parentSpanContext?.spanId).toBe(PARENT_ID);
    expect(span!.parentSpanContext?.isRemote).toBe(true);
    expect(span!.status).toEqual({ code: SpanStatusCode.UNSET });
    expect(span!.attributes).toEqual({
      "http.request.method": "GET",
      "url.path": "/hello",
      "url.scheme": "http",
      "http.route": "/hello",
      "network.protocol.version": "1.1",
      "client.address": "127.0.0.1",
      "network.peer.address": "127.0.0.1",
      "network.peer.port": expect.any(Number),
      "user_agent.original": "smoke/1",
      "http.response.status_code": 200,
    });
  });

  it("starts a new trace without traceparent and marks a failing handler's span as an error", async () => {
    const { exporter, origin } = await traced(async () => {
      throw new Error("something broke");
    });
    const response = await request(`${origin}/fail`, { method: "POST" });
    expect(response.statusCode).toBe(500);
    await response.body.text();
    const [span] = exporter.getFinishedSpans();
    expect(span!.name).toBe("POST /fail");
    expect(span!.parentSpanContext).toBeUndefined();
    expect(span!.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(span!.attributes["http.response.status_code"]).toBe(500);
    expect(span!.status).toEqual({ code: SpanStatusCode.ERROR, message: "Error: something broke" });
    expect(
      span!.events.map((event) => [event.name, event.attributes?.["exception.message"]]),
    ).toEqual([["exception", "something broke"]]);
  });

  it("runs the example and prints its spans", async () => {
    const started = await startExample(main, { ready: /(http:\/\/\S+?:\d+\/)/ });
    child = started.child;
    const url = started.url;
    const response = await request(`${url}hello`, {
      headers: { traceparent: `00-${TRACE_ID}-${PARENT_ID}-01` },
    });
    expect(await response.body.text()).toBe("Hello, traced world");
    // The spans are printed after the ready line.
    await started.waitFor(/GET \/hello/);
    const output = await started.waitFor(new RegExp(PARENT_ID));
    expect(output).toContain(`traceId: '${TRACE_ID}'`);
  });
});
