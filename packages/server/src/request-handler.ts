import type { Socket } from "node:net";
import type { CIMultiDictProxy, RawRequestMessage } from "@ll/http-protocol";
import { ConnectionResetError, HttpProcessingError, HttpRequestParser } from "@ll/http-protocol";
import { BaseRequest } from "./base-request.js";
import { ConnectionOutput } from "./connection-output.js";
import {
  ConnectionTimer,
  HEADERS_DEADLINE,
  KEEPALIVE_DEADLINE,
  LINGER_DEADLINE,
  REQUEST_DEADLINE,
} from "./connection-timer.js";
import { requestTracingChannel, responseFinishChannel } from "./diagnostics.js";
import { errorResponse, renderErrorAnswer, renderProtocolError } from "./error-response.js";
import { requestLogFields, responseForError, responseForResult } from "./handler-result.js";
import { logError, logMessage } from "./log.js";
import type { ResolvedMultipartLimits } from "./multipart-limits.js";
import { type BodyFlow, PendingRequest } from "./pending-request.js";
import type {
  DetachedSocket,
  DetachSocketOptions,
  RequestConnection,
} from "./request-connection.js";
import { pickRequestId } from "./request-id.js";
import type { ServerInternals } from "./server.js";
import { StreamResponse } from "./stream-response.js";
import {
  kAbort,
  kFinishSync,
  kFlushHead,
  kOutputStarted,
  kReleaseUploads,
  kSetId,
} from "./symbols.js";
import { traceHandler } from "./trace-handler.js";

// aiohttp 3.14 stops reading a connection that has this many requests waiting for an answer.
const QUEUE_LIMIT = 32;
// Most bytes of an unread body discarded to keep the connection; past it the connection closes.
const DRAIN_LIMIT = 256 * 1024;
// Most bytes read and discarded while lingering: enough for a client to notice the answer to an
// upload it is still sending, not a way to keep the server reading for free.
const LINGER_LIMIT = 16 * 1024 * 1024;

// Connection states.
const OPEN = 0;
const CLOSING = 1; // the last response is out, waiting for the client to close
const CLOSED = 2;
const DETACHED = 3;

// Reasons to stop reading the socket, a bit each.
const PAUSE_QUEUE = 1;
const PAUSE_UPGRADE = 2;
const PAUSE_DECOMPRESS = 4;
const PAUSE_STOPPED = 8;

// The connection a socket serves: the socket's listeners below are shared by every connection
// (a closure per listener and connection would be most of an idle connection's memory).
const kRequestHandler = Symbol("RequestHandler");

type ServedSocket = Socket & { [kRequestHandler]?: RequestHandler };

const PLAIN_PREPARE = StreamResponse.prototype.prepare;
const PLAIN_WRITE_EOF = StreamResponse.prototype.writeEof;

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === "function";
}

/**
 * Serves HTTP/1.1 on one connection: aiohttp's `RequestHandler` (`web_protocol.py`). Made by
 * `Server#connectionListener`; it parses requests as they arrive, calls the handler for each in
 * turn and writes the responses in order, keeps the connection alive between them, and closes
 * it on protocol errors, timeouts and `Connection: close`.
 */
export class RequestHandler implements RequestConnection, BodyFlow {
  readonly #server: ServerInternals;
  readonly #socket: Socket;
  // The parser and the timer are dropped when the socket is handed off (detachSocket()): the
  // handler may keep running for the life of the new protocol, and with it this object.
  #parser: HttpRequestParser | undefined;
  readonly #output: ConnectionOutput;
  #timer: ConnectionTimer | undefined;
  readonly #queue: PendingRequest[] = [];
  #parsing: PendingRequest | undefined = undefined;
  #current: PendingRequest | undefined = undefined;
  #state = OPEN;
  #running = false;
  #readEnded = false;
  #stopped = false; // no more parsing: a protocol error or the last request was seen
  #pause = 0;
  #lingered = 0;
  #eofPending = false; // the client's FIN came while the parser held bytes back
  #requestsHandled = 0;
  #closeReason: Error | undefined = undefined;
  // The request whose handler's promise is awaited, when it started, and the reactions to that
  // promise (made on the first one, kept for the next requests of the connection).
  #awaited: PendingRequest | undefined = undefined;
  #awaitedStart = 0;
  #onHandlerResult: ((response: unknown) => void) | undefined = undefined;
  #onHandlerError: ((error: unknown) => void) | undefined = undefined;

  /** @internal */
  constructor(server: ServerInternals, socket: Socket) {
    this.#server = server;
    this.#socket = socket;
    const options = server.options;
    // The resolved options are frozen: the parser keeps them as its limits (no copy per connection).
    this.#parser = new HttpRequestParser(this, options);
    this.#output = new ConnectionOutput(socket);
    this.#timer = new ConnectionTimer(options, this);
  }

  /** @internal */
  start(): void {
    const socket = this.#socket;
    const options = this.#server.options;
    // Keep our side writable after the client's FIN: pipelined requests sent before it are
    // still answered (node:http does the same).
    socket.allowHalfOpen = true;
    // Any Duplex serves (an in-memory one in tests): the TCP options are for sockets that have them.
    if (typeof socket.setNoDelay === "function") socket.setNoDelay(true);
    if (options.tcpKeepalive && typeof socket.setKeepAlive === "function")
      socket.setKeepAlive(true);
    // A socket taken over from another connection (and served again): that one's 'close'
    // listener, the same function as ours, now reaches this connection.
    const previous = (socket as ServedSocket)[kRequestHandler];
    if (previous !== undefined) previous.#letGo();
    (socket as ServedSocket)[kRequestHandler] = this;
    socket.on("data", RequestHandler.#socketData);
    socket.on("end", RequestHandler.#socketEnd);
    socket.on("error", RequestHandler.#socketError);
    socket.on("close", RequestHandler.#socketClose);
    if (socket.destroyed) {
      this.#onClose();
      return;
    }
    this.#timer!.start();
  }

  /** The connection's socket. */
  get socket(): Socket {
    return this.#socket;
  }

  /** @internal */
  get output(): ConnectionOutput {
    return this.#output;
  }

  /** @internal */
  get clientMaxSize(): number {
    return this.#server.options.clientMaxSize;
  }

  /** @internal */
  get multipartLimits(): ResolvedMultipartLimits {
    return this.#server.options.multipartLimits;
  }

  /** @internal */
  get serverHeader(): string | null {
    return this.#server.options.serverHeader;
  }

  /** @internal */
  get serverStore(): Map<symbol, unknown> {
    return this.#server.store;
  }

  /** Requests answered (or being answered) on this connection. */
  get requestCount(): number {
    return this.#requestsHandled;
  }

  /** Whether the connection waits for a request with nothing in flight. */
  get idle(): boolean {
    return (
      this.#state === OPEN &&
      !this.#running &&
      this.#queue.length === 0 &&
      this.#parsing === undefined &&
      (this.#pause & PAUSE_QUEUE) === 0
    );
  }

  // ---- reading ---------------------------------------------------------------------------

  // The socket's listeners (`this` is the socket), shared by all connections.
  static readonly #socketData = function (this: ServedSocket, chunk: Buffer): void {
    const handler = this[kRequestHandler];
    if (handler !== undefined) handler.#onData(chunk);
  };

  static readonly #socketEnd = function (this: ServedSocket): void {
    const handler = this[kRequestHandler];
    if (handler !== undefined) handler.#onEnd();
  };

  static readonly #socketError = function (this: ServedSocket, error: Error): void {
    const handler = this[kRequestHandler];
    if (handler !== undefined) handler.#onError(error);
  };

  static readonly #socketClose = function (this: ServedSocket): void {
    const handler = this[kRequestHandler];
    if (handler !== undefined) handler.#onClose();
  };

  #onData(chunk: Buffer): void {
    if (this.#state !== OPEN) {
      // Lingering: read and discard, within bounds.
      this.#lingered += chunk.length;
      if (this.#lingered > LINGER_LIMIT) this.#closeNow();
      return;
    }
    // Past the last request to read: discard.
    if (this.#stopped && this.#parsing === undefined) return;
    const timer = this.#timer!;
    if (this.#parsing === undefined && timer.headStart === 0) {
      timer.headStart = Date.now();
      if (timer.requestStart === 0) timer.requestStart = timer.headStart;
    }
    timer.idleSince = 0;
    try {
      this.#parser!.feedData(chunk);
    } catch (error) {
      this.#onParseError(error);
    }
    if (this.#parser!.upgraded) this.#pauseFor(PAUSE_UPGRADE);
    const queue = this.#queue;
    if (queue.length > 1) this.#output.hold();
    if (!this.#running && queue.length > 0) this.#run();
  }

  /** @internal HttpParserHandlers */
  onMessage(message: RawRequestMessage): void {
    const timer = this.#timer!;
    timer.headStart = 0;
    if (this.#stopped) return; // after a request that closes the connection
    let entry: PendingRequest;
    if (message.chunked || (message.contentLength !== undefined && message.contentLength > 0)) {
      const options = this.#server.options;
      const maxOutputSize = options.autoDecompress
        ? options.clientMaxSize || Number.MAX_SAFE_INTEGER
        : undefined;
      entry = PendingRequest.withBody(message, this, maxOutputSize);
      // The body is part of the request: requestTimeout runs until it is all in.
      if (timer.requestStart === 0) timer.requestStart = Date.now();
      this.#parsing = entry;
    } else {
      entry = PendingRequest.bodiless(message);
    }
    // RFC 9112 §9.6: nothing after a request that closes the connection is read.
    if (message.shouldClose) this.#stopped = true;
    this.#queue.push(entry);
    if (this.#queue.length >= QUEUE_LIMIT) {
      // Enough work queued: the rest of a burst stays unparsed (and the socket unread) until
      // this batch is answered, so one client cannot hold the event loop (aiohttp pauses too).
      this.#pauseFor(PAUSE_QUEUE);
      this.#parser!.pause();
    }
  }

  /** @internal HttpParserHandlers */
  onBody(chunk: Buffer): void {
    const entry = this.#parsing;
    if (entry === undefined) return; // the body of an ignored request
    if (!entry.feedBody(chunk)) {
      this.#pauseFor(PAUSE_DECOMPRESS);
      entry.decompressor!.once("drain", () => this.#resumeFor(PAUSE_DECOMPRESS));
    } else if (entry.discarding && entry.discarded > DRAIN_LIMIT) {
      // Too much to drain: stop keeping the connection, but linger so the answer survives.
      this.#closeGracefully();
    }
  }

  /** @internal HttpParserHandlers */
  onMessageComplete(_trailers: CIMultiDictProxy<string> | undefined): void {
    this.#timer!.requestStart = 0; // the whole request arrived
    const entry = this.#parsing;
    if (entry === undefined) return;
    this.#parsing = undefined;
    entry.endBody();
    // A drained body is over: the connection is idle (or has what follows to answer).
    if (entry.discarding) this.#timer!.idleSince = Date.now();
  }

  /** @internal BodyFlow */
  bodyPaused(entry: PendingRequest, paused: boolean): void {
    if (entry.bodyPaused === paused) return;
    entry.bodyPaused = paused;
    // Only the body being received can fill up; an earlier one that drains changes nothing.
    if (paused) this.#socket.pause();
    else this.#updateFlow();
  }

  #pauseFor(reason: number): void {
    this.#pause |= reason;
    this.#socket.pause();
  }

  #resumeFor(reason: number): void {
    this.#pause &= ~reason;
    this.#updateFlow();
  }

  #updateFlow(): void {
    if (this.#state !== OPEN) return;
    if (this.#pause !== 0) return;
    if (this.#parsing?.bodyPaused === true) return;
    this.#socket.resume();
  }

  #onParseError(error: unknown): void {
    this.#stopped = true;
    this.#pauseFor(PAUSE_STOPPED);
    if (!(error instanceof HttpProcessingError)) {
      // A bug, not bad input: never let it escape into the socket's 'data' event.
      logError(this.#server.options.logger, "Error while parsing a request", error);
      this.#closeNow();
      return;
    }
    const entry = this.#parsing;
    if (entry !== undefined) {
      // The body is broken: its reader fails, the handler sees the error (and answers its
      // code), and the connection closes after that response.
      this.#parsing = undefined;
      entry.failBody(error);
      if (entry.discarding) this.#closeNow();
      return;
    }
    this.#queue.push(PendingRequest.bodiless(undefined, error));
  }

  #onEnd(): void {
    if (this.#state === OPEN && this.#parser!.paused) {
      // Requests of a burst still wait unparsed: the FIN counts once they are read.
      this.#eofPending = true;
      return;
    }
    this.#readEnded = true;
    if (this.#state !== OPEN) {
      if (this.#state === CLOSING) this.#socket.destroy();
      return;
    }
    // A body still arriving is cut short even after the last request was seen (HTTP/1.0).
    if (!this.#stopped || this.#parsing !== undefined) {
      try {
        this.#parser!.feedEof();
      } catch (error) {
        // A head or body cut short by the client's FIN is answered like any malformed
        // message (400, as node:http does): a client that half-closed may still be reading.
        this.#onParseError(error);
      }
      this.#stopped = true;
    }
    // Like aiohttp and node:http, a client that closes its side has gone away: the request in
    // progress sees its signal abort. What it (and requests read before the FIN) answer is still
    // written, unless handlerCancellation is on.
    this.#current?.request?.[kAbort](this.#lostReason());
    if (this.#running && this.#server.options.handlerCancellation) {
      // The handler is abandoned: its answer will not be written, so the connection goes now.
      this.#closeNow();
      return;
    }
    if (this.#running) return;
    if (this.#queue.length > 0) this.#run();
    else this.#closeGracefully();
  }

  #lostReason(): Error {
    this.#closeReason ??= new ConnectionResetError(
      "Connection lost: the client closed the connection",
    );
    return this.#closeReason;
  }

  #onError(error: Error): void {
    // ECONNRESET and friends: 'close' follows and does the cleanup, but a response being
    // written learns of the error first (its write rejects), so its request's signal must
    // abort now, before the handler moves on.
    this.#closeReason = new ConnectionResetError(`Connection lost: ${error.message}`, {
      cause: error,
    });
    this.#current?.request?.[kAbort](this.#closeReason);
  }

  #onClose(): void {
    if (this.#state === DETACHED) {
      (this.#socket as ServedSocket)[kRequestHandler] = undefined;
      this.#server.detachedSocketClosed(this.#socket);
      return;
    }
    if (this.#state === CLOSED) return;
    this.#state = CLOSED;
    this.#timer!.stop();
    const entries =
      this.#current !== undefined && !this.#queue.includes(this.#current)
        ? [this.#current, ...this.#queue]
        : this.#queue;
    for (const entry of entries) {
      // The reason (an Error with its stack) is made only when a request is there to see it.
      entry.request?.[kAbort](this.#lostReason());
      if (!entry.bodyDone) entry.failBody(this.#lostReason());
    }
    this.#parsing = undefined;
    this.#server.connectionLost(this);
  }

  // ---- handling --------------------------------------------------------------------------

  // The loop below is synchronous as long as the handler and the response are: a pipeline of
  // requests whose handlers resolve at once is answered within one turn of the event loop,
  // without a promise per step. It continues in a `.then()` only where something is pending.

  #run(): void {
    this.#running = true;
    const queue = this.#queue;
    while (this.#state === OPEN && queue.length > 0) {
      const entry = queue[0]!;
      const result = this.#handle(entry);
      if (result === undefined) return; // #settled continues the loop
      if (typeof result !== "boolean") {
        this.#settled(entry, result);
        return;
      }
      if (!this.#afterResponse(entry, result)) break;
    }
    this.#loopDone();
  }

  /** Continues the loop once `outcome` (what #handle or #respond gave) is known. */
  #settled(entry: PendingRequest, outcome: boolean | Promise<boolean>): void {
    if (typeof outcome === "boolean") {
      this.#continue(entry, outcome);
      return;
    }
    outcome.then(
      (keepAlive) => this.#continue(entry, keepAlive),
      (error: unknown) => {
        // Not reached: #handle catches what it awaits. Never leave the connection hanging.
        logError(
          this.#server.options.logger,
          "Unexpected error in the request handler loop",
          error,
        );
        this.#closeNow();
        this.#continue(entry, false);
      },
    );
  }

  #continue(entry: PendingRequest, keepAlive: boolean): void {
    if (this.#afterResponse(entry, keepAlive)) this.#run();
    else this.#loopDone();
  }

  /** What follows a response; returns whether to handle the next request. */
  #afterResponse(entry: PendingRequest, keepAlive: boolean): boolean {
    const queue = this.#queue;
    queue.shift();
    if (this.#state !== OPEN) return false;
    if (!keepAlive) {
      // Nothing unread (the usual `Connection: close`): close once the answer is flushed, as
      // node:http does. Otherwise linger, reading, so unread bytes do not reset the answer.
      this.#closeGracefully(entry.bodyDone && queue.length === 0 && entry.error === undefined);
      return false;
    }
    if (!entry.bodyDone && !this.#startDiscarding(entry)) return false;
    // The parser stops after an upgrade request, which is therefore the last one queued: only
    // once it is answered (without a hand-off) is what follows it HTTP again.
    if (this.#parser!.upgraded && queue.length === 0) this.#resumeAfterUpgrade();
    if (queue.length > 0) this.#output.releaseSoon();
    return true;
  }

  #loopDone(): void {
    this.#running = false;
    if (this.#state !== OPEN) return;
    this.#output.release();
    const queue = this.#queue;
    if (queue.length > 0) return; // only when the state changed: nothing to do
    // Setting the length of an empty array frees its backing store (pushes grew it to 17
    // slots): an idle connection keeps an empty queue only.
    queue.length = 0;
    if ((this.#pause & PAUSE_QUEUE) !== 0) {
      // A batch of a burst is answered: let other connections run before parsing the next.
      setImmediate(RequestHandler.#resumeParsingOf, this);
      return;
    }
    if (this.#parsing === undefined && !this.#stopped) {
      this.#timer!.idleSince = Date.now();
      if (this.#server.options.keepaliveTimeout === 0 || this.#server.shuttingDown)
        this.#closeGracefully();
    } else if (this.#stopped && this.#parsing === undefined) {
      this.#closeGracefully();
    }
  }

  /**
   * Handles one request: calls the handler and sends its response. Returns (or resolves
   * with) whether the connection may stay open after it; never throws or rejects. Undefined
   * when the handler's promise is pending: its reaction answers and continues the loop itself
   * (one reaction per request instead of a chain of two).
   */
  #handle(entry: PendingRequest): boolean | Promise<boolean> | undefined {
    if (entry.error !== undefined) {
      this.#answerProtocolError(entry.error);
      return false;
    }
    const server = this.#server;
    const request = new BaseRequest(entry.message!, entry.payload, this);
    entry.request = request;
    if (this.#readEnded) request[kAbort](this.#lostReason());
    this.#current = entry;
    this.#requestsHandled++;
    server.requestStarted();
    const options = server.options;
    const start =
      options.accessLogger === undefined && !responseFinishChannel.hasSubscribers
        ? 0
        : performance.now();
    let result: unknown;
    try {
      if (options.requestId !== undefined) {
        request[kSetId](pickRequestId(options.requestId, request.headers));
      }
      // Checked once per request: without a subscriber the handler is called directly.
      result = requestTracingChannel.hasSubscribers
        ? traceHandler(server.handler, request)
        : server.handler(request);
    } catch (error) {
      return this.#respond(entry, request, this.#handlerError(entry, request, error), start);
    }
    if (isThenable(result)) {
      // The connection's two reactions serve every request it awaits (one at a time): no
      // closures per request, which V8 would also have to set up on their first call.
      this.#awaited = entry;
      this.#awaitedStart = start;
      Promise.resolve(result).then(
        (this.#onHandlerResult ??= (response: unknown) => this.#handlerSettled(response, false)),
        (this.#onHandlerError ??= (error: unknown) => this.#handlerSettled(error, true)),
      );
      return undefined;
    }
    return this.#respond(entry, request, result, start);
  }

  /** The handler's promise settled: answer with its response (or for its error), continue. */
  #handlerSettled(outcome: unknown, failed: boolean): void {
    const entry = this.#awaited!;
    this.#awaited = undefined;
    const request = entry.request!;
    const response = failed ? this.#handlerError(entry, request, outcome) : outcome;
    this.#settled(entry, this.#respond(entry, request, response, this.#awaitedStart));
  }

  /** Sends what the handler gave (prepare + writeEof). */
  #respond(
    entry: PendingRequest,
    request: BaseRequest,
    result: unknown,
    start: number,
  ): boolean | Promise<boolean> {
    const options = this.#server.options;
    if (this.#state !== OPEN || (this.#readEnded && options.handlerCancellation)) {
      // Detached, or the client is gone: nothing more is written (with handlerCancellation
      // the result is not even looked at), so no writeEof() removes spooled uploads: do it here.
      request[kReleaseUploads]();
      this.#current = undefined;
      if (this.#state === OPEN) this.#closeNow();
      return false;
    }
    const response =
      result instanceof StreamResponse
        ? result
        : responseForResult(request, result, entry.response, options);
    if (response === undefined) {
      this.#closeNow();
      this.#current = undefined;
      return false;
    }
    if (response.prepare === PLAIN_PREPARE && response.writeEof === PLAIN_WRITE_EOF) {
      let done: true | Promise<void>;
      try {
        done = response[kFinishSync](request);
      } catch (error) {
        return this.#finishFailed(entry, request, response, error);
      }
      if (done === true) return this.#responded(request, response, start);
      this.#output.release();
      return done.then(
        () => this.#responded(request, response, start),
        (error: unknown) => this.#finishFailed(entry, request, response, error),
      );
    }
    // A subclass with its own prepare() (a file, a WebSocket): the async way.
    let finished: Promise<void>;
    try {
      finished = response.prepare(request).then(() => {
        const done = response.writeEof();
        if (this.#output.writableNeedDrain) this.#output.release();
        return done;
      });
    } catch (error) {
      return this.#finishFailed(entry, request, response, error);
    }
    return finished.then(
      () => this.#responded(request, response, start),
      (error: unknown) => this.#finishFailed(entry, request, response, error),
    );
  }

  /** The response is out: log it; returns whether the connection stays open. */
  #responded(request: BaseRequest, response: StreamResponse, start: number): boolean {
    this.#current = undefined;
    if (this.#state !== OPEN) return false;
    const options = this.#server.options;
    if (options.accessLogger !== undefined) {
      try {
        options.accessLogger.log(request, response, performance.now() - start);
      } catch (error) {
        logError(options.logger, "Error in the access logger", error);
      }
    }
    if (responseFinishChannel.hasSubscribers) {
      responseFinishChannel.publish({ request, response, duration: performance.now() - start });
    }
    return response.keepAlive === true;
  }

  /** Sending the response failed: answer 500 if nothing of it went out, else cut the connection. */
  async #finishFailed(
    entry: PendingRequest,
    request: BaseRequest,
    response: StreamResponse,
    error: unknown,
  ): Promise<boolean> {
    this.#current = undefined;
    request[kReleaseUploads]();
    if (this.#state !== OPEN) return false;
    if (error instanceof ConnectionResetError) {
      this.#closeNow();
      return false;
    }
    const options = this.#server.options;
    logError(
      options.logger,
      `Error sending the response to ${request.remote}`,
      error,
      requestLogFields(request),
    );
    if (response[kOutputStarted] || (entry.response !== undefined && entry.response !== response)) {
      this.#closeNow();
      return false;
    }
    // Nothing of it was sent (an invalid header, say): answer 500 instead, and close.
    const fallback = errorResponse(request, 500, error, options.debug);
    fallback.forceClose();
    entry.response = undefined;
    this.#current = entry;
    try {
      await fallback.prepare(request);
      await fallback.writeEof();
    } catch {
      this.#closeNow();
    }
    this.#current = undefined;
    return false;
  }

  /** The response for an error thrown by the handler, or undefined when none can be sent. */
  #handlerError(
    entry: PendingRequest,
    request: BaseRequest,
    error: unknown,
  ): StreamResponse | undefined {
    if (this.#state !== OPEN) return undefined;
    if (error instanceof ConnectionResetError && this.#socket.destroyed) return undefined;
    const started = entry.response?.[kOutputStarted] === true;
    const response = responseForError(request, error, started, this.#server.options);
    if (response === undefined) this.#closeNow();
    return response;
  }

  /** Keeps the connection after a response whose request body was not read: drain or close. */
  #startDiscarding(entry: PendingRequest): boolean {
    const length = entry.message!.contentLength;
    if (
      entry !== this.#parsing ||
      (length !== undefined && length - entry.received > DRAIN_LIMIT)
    ) {
      this.#closeGracefully();
      return false;
    }
    entry.startDiscarding();
    if (entry.bodyPaused) {
      entry.bodyPaused = false;
      this.#updateFlow();
    }
    // A client that stops sending the rest is timed out like a slow head.
    this.#timer!.headStart = Date.now();
    return true;
  }

  static #resumeParsingOf(handler: RequestHandler): void {
    handler.#resumeParsing();
  }

  #resumeParsing(): void {
    if (this.#state !== OPEN) return;
    this.#pause &= ~PAUSE_QUEUE;
    try {
      this.#parser!.resume();
    } catch (error) {
      this.#onParseError(error);
    }
    if (this.#queue.length > 1) this.#output.hold();
    if (!this.#running && this.#queue.length > 0) this.#run();
    if (this.#eofPending && !this.#parser!.paused) {
      this.#eofPending = false;
      this.#onEnd();
    }
    this.#updateFlow();
  }

  #resumeAfterUpgrade(): void {
    // The handler answered an upgrade request without taking the connection: what followed
    // the head is HTTP again (aiohttp's set_upgraded(False) in finish_response).
    try {
      this.#parser!.resume();
    } catch (error) {
      this.#onParseError(error);
    }
    this.#resumeFor(PAUSE_UPGRADE);
  }

  /** @internal BodyFlow */
  bodyReadStarted(entry: PendingRequest): void {
    // RFC 9110 §10.1.1: the client waits for 100 before sending the body; send it when the
    // handler starts reading, unless a final response already went out.
    if (!entry.expectContinue || entry.continueSent || entry.response !== undefined) return;
    if (this.#state !== OPEN) return;
    entry.markContinueSent();
    this.#output.write("HTTP/1.1 100 Continue\r\n\r\n");
  }

  /** Answers a protocol error with its status, a short text body and `Connection: close`. */
  #answerProtocolError(error: HttpProcessingError): void {
    const options = this.#server.options;
    logMessage(
      options.logger,
      "debug",
      `Bad request from ${this.#socket.remoteAddress}: ${error.message}`,
    );
    this.#answerAndClose(renderProtocolError(error, options.serverHeader));
  }

  /** Writes an error answer the connection makes itself, then closes. */
  #answerAndClose(answer: { head: Buffer; body: Buffer }): void {
    if (this.#output.writable) this.#output.writeAll(answer.head, answer.body);
    this.#closeGracefully();
  }

  // ---- RequestConnection -----------------------------------------------------------------

  /** @internal */
  responseStarting(request: BaseRequest, response: StreamResponse): boolean {
    // Any request of this connection may answer for the current one (a clone of it does).
    const entry = this.#current;
    if (entry === undefined) return false;
    entry.response = response;
    const requestId = request.id;
    if (requestId !== undefined) {
      const header = this.#server.options.requestId!.header;
      if (!response.headers.has(header)) response.headers.set(header, requestId);
    }
    if (this.#server.shuttingDown) return false;
    // After the last request that will be read (a protocol error, the client's FIN), the
    // last answer closes the connection.
    if (
      (this.#stopped || this.#readEnded) &&
      this.#parsing === undefined &&
      this.#queue.length <= 1
    )
      return false;
    if (!entry.bodyDone) {
      // The client waits for 100 Continue before sending a body nobody asked for: it will not
      // come, so the connection cannot carry another request (RFC 9110 §10.1.1).
      if (entry.expectContinue && !entry.continueSent) return false;
      const length = entry.message!.contentLength;
      if (length === undefined) {
        // Chunked: how much is left is unknown. A body the handler never touched will not be
        // read, so say the connection closes (it then lingers, discarding, so the client that
        // is still sending gets to read this answer).
        if (!entry.readStarted) return false;
      } else if (length - entry.received > DRAIN_LIMIT) return false;
    }
    return true;
  }

  /** @internal */
  detachSocket(_request: BaseRequest, options: DetachSocketOptions | undefined): DetachedSocket {
    if (this.#state === DETACHED) throw new Error("The socket was already taken over");
    if (this.#state !== OPEN) throw new Error("The connection is closed");
    const entry = this.#current;
    if (entry === undefined) {
      throw new Error("detachSocket() can only be called while the request is being handled");
    }
    const response = entry.response;
    if (response === undefined || !response.prepared) {
      throw new Error("detachSocket() needs the response head to be written first: call prepare()");
    }
    const onShutdown = options?.onShutdown;
    if (onShutdown !== undefined && typeof onShutdown !== "function") {
      throw new TypeError("onShutdown must be a function");
    }
    response[kFlushHead]().catch(() => {});
    this.#output.release();
    const socket = this.#socket;
    socket.off("data", RequestHandler.#socketData);
    socket.off("end", RequestHandler.#socketEnd);
    socket.off("error", RequestHandler.#socketError);
    // The 'close' listener stays, shared as before: it tells the server the socket is gone
    // (a closure per taken-over socket would cost more than this connection object).
    // No listener reads it now: keep the bytes in the socket until the new owner does.
    socket.pause();
    this.#timer!.stop();
    this.#timer = undefined;
    this.#state = DETACHED;
    const head = this.#parser!.takeTail();
    this.#parser = undefined;
    this.#parsing = undefined;
    for (const pending of this.#queue) {
      if (pending !== entry) pending.failBody(new Error("The connection was taken over"));
    }
    // The handler may run for the life of the new protocol, and keep this object: keep only
    // the request being handled (the loop's shift() of it finds an empty queue).
    this.#queue.length = 0;
    this.#server.socketDetached(this, socket, onShutdown);
    return { socket, head };
  }

  // ---- closing ---------------------------------------------------------------------------

  /** The socket taken over from this connection is served again: stop listening to it. */
  #letGo(): void {
    if (this.#state !== DETACHED) return;
    const socket = this.#socket;
    const server = this.#server;
    socket.off("close", RequestHandler.#socketClose);
    socket.once("close", () => server.detachedSocketClosed(socket));
  }

  /**
   * Stops keep-alive (server shutdown): a busy connection closes after its answers; an idle
   * one ends our side gracefully, unless a request arrives first, which is then answered
   * with `Connection: close`. @internal
   */
  shutdown(): void {
    if (this.#state !== OPEN) {
      if (this.#state === CLOSING) this.#socket.destroy();
      return;
    }
    if (!this.idle) {
      this.#stopped = true;
      return;
    }
    // A head is arriving: it is answered (with `Connection: close`) once complete.
    if (this.#timer!.headStart !== 0) return;
    // A client may have sent a request the event loop has not read yet: closing now would
    // lose it. Let the loop poll the socket (a turn, then the next), and close only if nothing
    // came; what came is answered with `Connection: close` (the server is shutting down).
    setImmediate(() =>
      setImmediate(() => {
        if (this.idle && this.#timer!.headStart === 0) this.#closeGracefully();
      }),
    );
  }

  /** Destroys the connection; requests still in it see `reason` (shutdown timeout). @internal */
  forceClose(reason: Error): void {
    this.#closeReason ??= reason;
    this.#current?.request?.[kAbort](reason);
    this.#socket.destroy();
  }

  /** Ends our side after what is queued, then waits a while for the client to close. */
  #closeGracefully(clean = false): void {
    if (this.#state !== OPEN) return;
    this.#state = CLOSING;
    const socket = this.#socket;
    // Keep reading (and discarding) so the kernel does not answer unread bytes with a reset
    // that could destroy the response before the client read it.
    socket.resume();
    this.#output.end();
    if (this.#readEnded || clean) {
      if (typeof socket.destroySoon === "function") socket.destroySoon();
      else socket.once("finish", () => socket.destroy());
      return;
    }
    this.#timer!.linger();
  }

  #closeNow(): void {
    if (this.#state === CLOSED || this.#state === DETACHED) return;
    this.#socket.destroy();
  }

  // ---- deadlines ------------------------------------------------------------------------

  /** @internal ConnectionTimer: `deadline` passed. */
  deadlinePassed(deadline: number): void {
    const state = this.#state;
    if (state === CLOSED || state === DETACHED) return;
    if (deadline === LINGER_DEADLINE) this.#socket.destroy();
    else if (deadline === HEADERS_DEADLINE)
      this.#onHeadersTimeout("the request head took too long");
    else if (deadline === REQUEST_DEADLINE) this.#onRequestTimeout();
    else if (deadline === KEEPALIVE_DEADLINE) this.#closeNow(); // aiohttp closes without a word
  }

  /** The request (head and body) did not arrive within `requestTimeout`. */
  #onRequestTimeout(): void {
    this.#timer!.requestStart = 0;
    const entry = this.#parsing;
    if (entry === undefined || entry.discarding) {
      this.#onHeadersTimeout("the request took too long to arrive");
      return;
    }
    // The body stops here: its reader fails with a 408 error, which is also the answer of a
    // handler that lets it propagate.
    const error = new HttpProcessingError(
      `the request body did not arrive within requestTimeout (${this.#server.options.requestTimeout} ms)`,
      { code: 408 },
    );
    this.#stopped = true;
    this.#pauseFor(PAUSE_STOPPED);
    this.#parsing = undefined;
    entry.failBody(error);
    if (entry !== this.#current) return; // answered (408 by default) when its turn comes
    entry.request?.[kAbort](error);
    if (entry.response?.[kOutputStarted] === true) {
      this.#closeNow(); // too late for a status: cut the connection
      return;
    }
    // Do not wait for the handler to give up: answer now; what it returns later is dropped.
    this.#answerAndClose(renderErrorAnswer(408, error.message, this.#server.options.serverHeader));
  }

  #onHeadersTimeout(what: string): void {
    const entry = this.#parsing;
    if (entry?.discarding) {
      this.#closeNow(); // the body after an answered request stopped coming
      return;
    }
    if (this.#running || this.#queue.length > 0) {
      // A head trickling in behind a request still being handled: stop after that one.
      this.#stopped = true;
      this.#pauseFor(PAUSE_STOPPED);
      return;
    }
    this.#stopped = true;
    this.#pauseFor(PAUSE_STOPPED);
    this.#answerAndClose(renderErrorAnswer(408, what, this.#server.options.serverHeader));
  }
}
