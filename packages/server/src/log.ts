/**
 * Every message the server logs goes through here, so that `console`, pino and winston each
 * get it in the shape they keep whole: the message, the error's message and its stack, and any
 * fields (the request id).
 *
 * - pino takes the object first: `logger.error({ err, ...fields }, message)`. Given
 *   `logger.error(message, error)` it treats the error as a format argument and drops it.
 * - winston takes the message first and one metadata object, merged into the log entry:
 *   `logger.error(message, { error: { name, message, stack }, ...fields })` reaches its
 *   default json and simple formats whole (an `Error` given as metadata loses its stack to the
 *   simple format unless `format.errors()` is set).
 * - Anything else (`console` and lookalikes) gets `logger.error(message, error, fields?)`:
 *   `console` prints the error with its stack.
 */
import type { Logger } from "./access-logger.js";

/** Extra structured data of a log entry, e.g. `{ requestId }`. */
export type LogFields = object;

const GENERIC = 0;
const PINO = 1;
const WINSTON = 2;

// The style of each logger seen, found once: the checks below are cheap but run per message.
const styles = new WeakMap<object, number>();

function styleOf(logger: Logger): number {
  let style = styles.get(logger);
  if (style === undefined) {
    style = detect(logger as unknown as Record<string, unknown>);
    styles.set(logger, style);
  }
  return style;
}

function detect(logger: Record<string, unknown>): number {
  // pino (and pino-compatible loggers such as a child logger): `bindings()` and `child()`, and
  // `levels` as `{ values, labels }`.
  const levels = logger.levels as { values?: unknown } | undefined;
  if (
    typeof logger.bindings === "function" &&
    typeof logger.child === "function" &&
    typeof levels === "object" &&
    levels !== null &&
    typeof levels.values === "object"
  ) {
    return PINO;
  }
  // winston: a logger with transports and a format, written to through `log(level, ...)`.
  if (
    typeof logger.log === "function" &&
    typeof logger.add === "function" &&
    "transports" in logger &&
    "format" in logger
  ) {
    return WINSTON;
  }
  return GENERIC;
}

/** An error as plain data, for loggers that serialize objects as JSON. */
function errorData(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const data: Record<string, unknown> = {
    name: error.name,
    message: error.message,
    stack: error.stack,
  };
  const code = (error as { code?: unknown }).code;
  if (code !== undefined) data.code = code;
  if (error.cause !== undefined) data.cause = errorData(error.cause);
  return data;
}

/**
 * Logs `message` and `error` (with its stack) at error level, with optional fields.
 * @internal
 */
export function logError(
  logger: Logger,
  message: string,
  error?: unknown,
  fields?: LogFields,
): void {
  const style = styleOf(logger);
  if (style === PINO) {
    const entry: Record<string, unknown> = { ...fields };
    if (error !== undefined) entry.err = error;
    (logger.error as (object: unknown, message: string) => void)(entry, message);
  } else if (style === WINSTON) {
    const meta: Record<string, unknown> = { ...fields };
    if (error !== undefined) meta.error = errorData(error);
    logger.error(message, meta);
  } else if (error === undefined) {
    if (fields === undefined) logger.error(message);
    else logger.error(message, fields);
  } else if (fields === undefined) {
    logger.error(message, error);
  } else {
    logger.error(message, error, fields);
  }
}

/** Logs `message` at `level` (warn, info or debug), with optional fields. @internal */
export function logMessage(
  logger: Logger,
  level: "warn" | "info" | "debug",
  message: string,
  fields?: LogFields,
): void {
  const method = logger[level];
  if (typeof method !== "function") return; // debug is optional
  if (fields === undefined) {
    method.call(logger, message);
    return;
  }
  if (styleOf(logger) === PINO) {
    (method as (object: unknown, message: string) => void).call(logger, fields, message);
  } else {
    method.call(logger, message, fields);
  }
}
