import type { EventEmitter } from "node:events";
import type { Duplex } from "node:stream";
import * as wsModule from "ws";
import { WebSocket } from "ws";
import type { PerMessageDeflateOptions, ServerWebSocket } from "./ws-types.js";

// This module is the one place that reaches past `ws`'s typed surface. `ws` exports
// `PerMessageDeflate` and `extension` from its ESM entry but @types/ws does not declare them;
// `setSocket()`, `_extensions`, `_protocol` and `_receiver` are what `WebSocketServer`'s
// `completeUpgrade()` itself uses to put a `WebSocket` in server mode on a taken-over socket.
// For an idle connection's memory it also overrides `emit()` (ws's events become calls, with
// no listeners) and reads ws's `kWebSocket` link from a socket or receiver to its WebSocket.

/** A negotiated permessage-deflate extension (ws `lib/permessage-deflate.js`). @internal */
export interface PerMessageDeflateExtension {
  params: Record<string, unknown> | null;
  accept(offers: unknown[]): Record<string, unknown>;
  cleanup(): void;
}

interface PerMessageDeflateClass {
  new (
    options: PerMessageDeflateOptions & { isServer: boolean; maxPayload: number },
  ): PerMessageDeflateExtension;
  readonly extensionName: string;
}

interface ExtensionHeader {
  parse(header: string): Record<string, unknown[]>;
  format(extensions: Record<string, unknown[]>): string;
}

interface ServerModeWebSocket {
  _extensions: Record<string, PerMessageDeflateExtension>;
  _protocol: string;
  _receiver: EventEmitter | null;
  setSocket(socket: Duplex, head: Buffer, options: Record<string, unknown>): void;
}

const wsExtras = wsModule as unknown as {
  PerMessageDeflate: PerMessageDeflateClass;
  extension: ExtensionHeader;
};

/** ws's permessage-deflate implementation (RFC 7692). @internal */
export const PerMessageDeflate: PerMessageDeflateClass = wsExtras.PerMessageDeflate;

/** ws's `Sec-WebSocket-Extensions` parser and formatter (RFC 6455 §9.1). @internal */
export const extensionHeader: ExtensionHeader = wsExtras.extension;

/**
 * What a WebSocket of a {@link serverWebSocketClass} class calls instead of emitting these
 * events, with `this` the WebSocket. @internal
 */
export interface ServerWebSocketEvents {
  message(this: ServerWebSocket, data: Buffer, isBinary: boolean): void;
  ping(this: ServerWebSocket, data: Buffer): void;
  pong(this: ServerWebSocket, data: Buffer): void;
  error(this: ServerWebSocket, error: Error): void;
  close(this: ServerWebSocket, code: number): void;
}

type WebSocketConstructor = new (
  address: null,
  protocols: undefined,
  options: Record<string, unknown>,
) => WebSocket;

/** A `ws` WebSocket class made by {@link serverWebSocketClass}. @internal */
export type ServerWebSocketClass = new (
  address: null,
  protocols: undefined,
  options: Record<string, unknown>,
) => ServerWebSocket;

/**
 * A `ws` WebSocket class whose instances call `events` instead of emitting those events: no
 * listener is registered, so a WebSocket keeps no table of listeners (EventEmitter's empty one
 * is dropped too: an idle connection's memory), and each event is one call. Make it once per
 * set of functions, not per connection. Other events (`'open'`) are emitted as usual.
 * @internal
 */
export function serverWebSocketClass(events: ServerWebSocketEvents): ServerWebSocketClass {
  class EventlessWebSocket extends (WebSocket as unknown as WebSocketConstructor) {
    constructor(address: null, protocols: undefined, options: Record<string, unknown>) {
      super(address, protocols, options);
      // No listener is added to it: drop the empty table EventEmitter made (Node's emitter
      // makes one again on the first listener, and reads "none" from its absence).
      (this as unknown as { _events: undefined })._events = undefined;
    }

    // ws emits at most two arguments: named ones, so no rest array is made per message.
    override emit(event: string | symbol, first?: unknown, second?: unknown): boolean {
      const websocket = this as unknown as ServerWebSocket;
      switch (event) {
        case "message":
          events.message.call(websocket, first as Buffer, second as boolean);
          return true;
        case "ping":
          events.ping.call(websocket, first as Buffer);
          return true;
        case "pong":
          events.pong.call(websocket, first as Buffer);
          return true;
        case "error":
          events.error.call(websocket, first as Error);
          return true;
        case "close":
          events.close.call(websocket, first as number);
          return true;
        default:
          return super.emit(event, first, second);
      }
    }
  }
  // Typed as the part of a WebSocket we use: no ws type reaches the declarations.
  return EventlessWebSocket as unknown as ServerWebSocketClass;
}

const NO_EXTENSIONS: Record<string, PerMessageDeflateExtension> = Object.freeze({});

/** Options of {@link createServerWebSocket}. @internal */
export interface ServerWebSocketOptions {
  protocol: string | undefined;
  deflate: PerMessageDeflateExtension | undefined;
  autoPong: boolean;
  closeTimeout: number;
  maxPayload: number;
}

/**
 * Puts a `ws` `WebSocket` of class `type` in server mode on a socket whose 101 head was
 * already written, as `WebSocketServer#completeUpgrade()` does after writing its own head.
 * `head` holds bytes the client sent past the upgrade request; ws unshifts them into the
 * socket.
 * @internal
 */
export function createServerWebSocket(
  type: ServerWebSocketClass,
  socket: Duplex,
  head: Buffer,
  options: ServerWebSocketOptions,
): ServerWebSocket {
  const websocket = new type(null, undefined, {
    autoPong: options.autoPong,
    closeTimeout: options.closeTimeout,
    // ws's server default: a peer that floods pings without reading the pongs is cut off.
    maxPendingAutoPongs: 60,
  });
  const internals = websocket as unknown as ServerModeWebSocket;
  if (options.protocol !== undefined) internals._protocol = options.protocol;
  // Without permessage-deflate, every connection shares one empty (frozen) extensions table:
  // in server mode ws only reads it.
  internals._extensions =
    options.deflate === undefined
      ? NO_EXTENSIONS
      : { [PerMessageDeflate.extensionName]: options.deflate };
  internals.setSocket(socket, head, {
    allowSynchronousEvents: true,
    // WebSocketServer's defaults for the limits of a message in pieces.
    maxBufferedChunks: 256 * 1024,
    maxFragments: 16 * 1024,
    maxPayload: options.maxPayload,
    skipUTF8Validation: false,
  });
  return websocket;
}

/**
 * ws's `kWebSocket` symbol, found on the first owner asked about: the same symbol for every
 * connection (it is ws's module constant), so it is looked up once, not on every close frame.
 */
let kWebSocket: symbol | undefined;

/**
 * The `ws` WebSocket that owns `owner` (its socket or its receiver): ws keeps it under its own
 * `kWebSocket` symbol (description "websocket") on both, until the socket closes.
 * @internal
 */
export function webSocketOf(owner: object): ServerWebSocket | undefined {
  const symbol = (kWebSocket ??= findWebSocketSymbol(owner));
  if (symbol === undefined) return undefined;
  return (owner as Record<symbol, ServerWebSocket | undefined>)[symbol];
}

function findWebSocketSymbol(owner: object): symbol | undefined {
  for (const symbol of Object.getOwnPropertySymbols(owner)) {
    if (symbol.description === "websocket") return symbol;
  }
  return undefined;
}

/**
 * Calls `listener` when the peer's close frame arrives (before ws answers it), with `this` the
 * WebSocket's receiver ({@link webSocketOf} leads back to the WebSocket): one function can
 * serve every connection. With `autoReply` off, ws's own answer, which it sends from the same
 * event by calling `close()`, is suppressed: the handler answers later with its own `close()`
 * (aiohttp's `autoclose=False`).
 * @internal
 */
export function onCloseFrame(
  websocket: ServerWebSocket,
  listener: (this: EventEmitter, code: number, reason: Buffer) => void,
  autoReply: boolean,
): void {
  const receiver = (websocket as unknown as ServerModeWebSocket)._receiver;
  if (receiver === null) throw new Error("the WebSocket has no receiver: call setSocket() first");
  if (autoReply) {
    receiver.prependListener("conclude", listener);
    return;
  }
  let concluding = false;
  receiver.prependListener("conclude", function (this: EventEmitter, code: number, reason: Buffer) {
    concluding = true;
    listener.call(this, code, reason);
  });
  // Runs after ws's own "conclude" listener, which is the one calling close().
  receiver.on("conclude", () => {
    concluding = false;
  });
  const close = websocket.close;
  websocket.close = function closeUnlessConcluding(this: ServerWebSocket, code, data) {
    if (!concluding) close.call(this, code, data);
  };
}

/**
 * The close code ws attached to a receiver error (`kStatusCode`, e.g. 1009 for a message over
 * `maxPayload`, 1007 for invalid UTF-8), or `undefined` for other errors.
 * @internal
 */
export function errorCloseCode(error: Error): number | undefined {
  for (const symbol of Object.getOwnPropertySymbols(error)) {
    if (symbol.description === "status-code") {
      const code = (error as unknown as Record<symbol, unknown>)[symbol];
      return typeof code === "number" ? code : undefined;
    }
  }
  return undefined;
}
