/**
 * The package's internal symbols, in one place: members that sibling modules reach and users
 * should not (a symbol key keeps them off the public surface without a `#private` field's
 * module boundary).
 * @internal
 */

/** `BaseRequest`: the connection it came in on (used by `StreamResponse#prepare()`). @internal */
export const kConnection: unique symbol = Symbol("connection");
/** `BaseRequest`: aborts its `signal` (the client went away, or a timeout). @internal */
export const kAbort: unique symbol = Symbol("abort");
/** `BaseRequest`: removes its uploaded files (`post()`) once its response has ended. @internal */
export const kReleaseUploads: unique symbol = Symbol("releaseUploads");
/** `StreamResponse`: sends the head if pending; resolves once flushed (before a hand-off). @internal */
export const kFlushHead: unique symbol = Symbol("flushHead");
/** `StreamResponse`: whether some of it (its head at least) was handed to the socket. @internal */
export const kOutputStarted: unique symbol = Symbol("outputStarted");
/** `StreamResponse`: sets `Content-Type` without validation, for values built from constants. @internal */
export const kSetContentType: unique symbol = Symbol("setContentType");
/** `StreamResponse`: prepare() + writeEof() without promises when nothing waits. @internal */
export const kFinishSync: unique symbol = Symbol("finishSync");
/** `BaseRequest`: sets its `id` (the server's `requestId` option). @internal */
export const kSetId: unique symbol = Symbol("setId");
/**
 * `StreamResponse`: prepares a 101 head from the upgrade's own fields, without a headers dict
 * when none was made. `@ll/websocket` uses it, so the package index exports it. @internal
 */
export const kPrepareUpgrade: unique symbol = Symbol("prepareUpgrade");
/**
 * `BaseRequest`: a map owned by the request's server (one per `Server`), where sibling packages
 * keep state that belongs to a server rather than to a module, such as `@ll/websocket`'s
 * heartbeat timers; each keys it with a symbol of its own. Exported from the package index
 * for them. @internal
 */
export const kServerStore: unique symbol = Symbol("serverStore");
