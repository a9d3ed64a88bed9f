import type { ZlibOptions } from "node:zlib";

// The few `ws` types our declarations mention, declared here so that the published `.d.ts`
// files never import from "ws": @types/ws would otherwise be a runtime dependency, and it
// pulls the newest @types/node into applications pinned to an older Node. The compiler checks
// them against @types/ws (a dev dependency) where a ws `WebSocket` is handed out as a
// `ServerWebSocket` in `ws-internals.ts`.

/**
 * permessage-deflate settings (RFC 7692), handed to ws's `PerMessageDeflate` as they are; the
 * names and defaults are ws's.
 */
export interface PerMessageDeflateOptions {
  /** Ask the client to reset its compression context after each message. */
  serverNoContextTakeover?: boolean;
  /** Reset our compression context after each message. */
  clientNoContextTakeover?: boolean;
  /** The largest LZ77 window our compressor may use (8–15). */
  serverMaxWindowBits?: number;
  /** The largest LZ77 window the client's compressor may use (8–15). */
  clientMaxWindowBits?: number;
  /** Options of the zlib deflate stream. */
  zlibDeflateOptions?: ZlibOptions;
  /** Options of the zlib inflate stream. */
  zlibInflateOptions?: ZlibOptions;
  /** Messages smaller than this many bytes are sent uncompressed. @defaultValue 1024 */
  threshold?: number;
  /** How many zlib calls run at once. @defaultValue 10 */
  concurrencyLimit?: number;
}

/**
 * The part of a server-mode ws `WebSocket` that `WebSocketResponse` uses.
 * @internal
 */
export interface ServerWebSocket {
  readonly readyState: number;
  readonly extensions: string;
  send(
    data: string | ArrayBufferView | ArrayBuffer,
    options: { binary: boolean; compress: boolean },
    callback?: (error?: Error) => void,
  ): void;
  ping(data?: unknown, mask?: boolean, callback?: (error?: Error) => void): void;
  pong(data?: unknown, mask?: boolean, callback?: (error?: Error) => void): void;
  close(code?: number, data?: string | Buffer): void;
  terminate(): void;
  pause(): void;
  resume(): void;
}
