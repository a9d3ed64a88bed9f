/**
 * The connection was closed (or failed) before the data could be written, like Python's
 * `ConnectionResetError` that aiohttp raises from a write to a closing transport. A handler
 * that streams can catch it and stop; `cause` holds the socket's error, if there was one.
 *
 * @example
 * ```ts
 * import { ConnectionResetError } from "@ll/http-protocol";
 * try { await response.write(chunk); } catch (error) {
 *   if (error instanceof ConnectionResetError) return; // the client went away
 *   throw error;
 * }
 * ```
 */
export class ConnectionResetError extends Error {
  /** Always `"ECONNRESET"`, as Node's socket errors spell it. */
  readonly code = "ECONNRESET";

  constructor(message = "Cannot write to closing transport", options?: { cause?: unknown }) {
    super(message, options);
  }

  override get name(): string {
    return "ConnectionResetError";
  }
}
