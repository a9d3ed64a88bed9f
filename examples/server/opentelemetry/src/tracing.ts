import diagnosticsChannel from "node:diagnostics_channel";
import type { BaseRequest, RequestTraceContext, ResponseFinishMessage } from "@ll/server";
import {
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  type Tracer,
} from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import {
  ATTR_CLIENT_ADDRESS,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_NETWORK_PEER_ADDRESS,
  ATTR_NETWORK_PEER_PORT,
  ATTR_NETWORK_PROTOCOL_VERSION,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
  ATTR_USER_AGENT_ORIGINAL,
} from "@opentelemetry/semantic-conventions";

// W3C `traceparent`/`tracestate` read from the request's headers.
const propagator = new W3CTraceContextPropagator();
const headerGetter: TextMapGetter<BaseRequest["headers"]> = {
  get: (headers, key) => headers.get(key),
  keys: (headers) => [...headers.keys()],
};

/**
 * Turns the server's diagnostics channels into OpenTelemetry SERVER spans, one per request:
 * the span starts when the handler is called (its parent is the request's `traceparent`),
 * records what the handler throws, and ends when the response's last byte is handed to the
 * socket (with its status) or when the connection is lost first. Returns a function that
 * stops it.
 */
export function instrumentServer(tracer: Tracer): () => void {
  const spans = new WeakMap<BaseRequest, Span>();
  const failed = new WeakSet<BaseRequest>();
  const requests = diagnosticsChannel.tracingChannel<unknown, RequestTraceContext>(
    "ll.server.request",
  );
  const handlers = {
    start({ request }: RequestTraceContext): void {
      const parent = propagator.extract(ROOT_CONTEXT, request.headers, headerGetter);
      const route = request.path; // no router here: the path is the route
      const span = tracer.startSpan(
        `${request.method} ${route}`,
        {
          kind: SpanKind.SERVER,
          attributes: {
            [ATTR_HTTP_REQUEST_METHOD]: request.method,
            [ATTR_URL_PATH]: request.path,
            [ATTR_URL_SCHEME]: request.scheme,
            [ATTR_HTTP_ROUTE]: route,
            [ATTR_NETWORK_PROTOCOL_VERSION]: `${request.version.major}.${request.version.minor}`,
            ...(request.remote === undefined ? {} : { [ATTR_CLIENT_ADDRESS]: request.remote }),
            ...(request.socket.remoteAddress === undefined
              ? {}
              : { [ATTR_NETWORK_PEER_ADDRESS]: request.socket.remoteAddress }),
            ...(request.socket.remotePort === undefined
              ? {}
              : { [ATTR_NETWORK_PEER_PORT]: request.socket.remotePort }),
            ...(request.headers.get("User-Agent") === undefined
              ? {}
              : { [ATTR_USER_AGENT_ORIGINAL]: request.headers.get("User-Agent") }),
          },
        },
        parent,
      );
      spans.set(request, span);
      // The client went away (or a forced shutdown) before the response finished.
      request.signal.addEventListener("abort", () => {
        if (!spans.has(request)) return;
        spans.delete(request);
        span.setStatus({ code: SpanStatusCode.ERROR, message: String(request.signal.reason) });
        span.end();
      });
    },
    end(): void {},
    asyncStart(): void {},
    asyncEnd(): void {},
    error({ request, error }: RequestTraceContext): void {
      const span = spans.get(request);
      if (span === undefined) return;
      failed.add(request);
      if (error instanceof Error) span.recordException(error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
    },
  };
  const onFinish = (message: unknown): void => {
    const { request, response } = message as ResponseFinishMessage;
    const span = spans.get(request);
    if (span === undefined) return;
    spans.delete(request);
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, response.status);
    // Semantic conventions: a SERVER span is an error for 5xx only.
    if (response.status >= 500 && !failed.has(request)) {
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end();
  };
  requests.subscribe(handlers);
  diagnosticsChannel.subscribe("ll.server.response.finish", onFinish);
  return () => {
    requests.unsubscribe(handlers);
    diagnosticsChannel.unsubscribe("ll.server.response.finish", onFinish);
  };
}
