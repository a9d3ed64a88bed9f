import type { BaseRequest } from "./base-request.js";
import { type RequestTraceContext, requestTracingChannel } from "./diagnostics.js";
import type { Handler } from "./server.js";

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === "function";
}

/**
 * Calls `handler` with the `ll.server.request` tracing events around it, in the order Node's
 * `TracingChannel#tracePromise` uses, but for a handler that may answer synchronously: `start`,
 * then `end` once it returned (or `error` then `end` once it threw), and for a promise
 * `asyncStart`/`asyncEnd` once it settled (after `error` when it rejected). Returns (or throws)
 * what the handler does. Only called when the channel has subscribers: the untraced path
 * allocates nothing.
 * @internal
 */
export function traceHandler(handler: Handler, request: BaseRequest): unknown {
  const channel = requestTracingChannel;
  const context: RequestTraceContext = { request };
  return channel.start.runStores(context, () => {
    try {
      const result: unknown = handler(request);
      if (!isThenable(result)) {
        context.response = result;
        return result;
      }
      return Promise.resolve(result).then(
        (response) => {
          context.response = response;
          channel.asyncStart.publish(context);
          channel.asyncEnd.publish(context);
          return response;
        },
        (error: unknown) => {
          context.error = error;
          channel.error.publish(context);
          channel.asyncStart.publish(context);
          channel.asyncEnd.publish(context);
          throw error;
        },
      );
    } catch (error) {
      context.error = error;
      channel.error.publish(context);
      throw error;
    } finally {
      channel.end.publish(context);
    }
  });
}
