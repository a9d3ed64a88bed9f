/**
 * The head of a request copy (`BaseRequest#clone()`): aiohttp's `message._replace(...)`.
 */

import {
  CIMultiDict,
  CIMultiDictProxy,
  isToken,
  type MultiDictInit,
  type RawRequestMessage,
} from "@ll/http-protocol";

/** What `BaseRequest#clone()` may replace in the head. */
export interface MessageChanges {
  /** The method token. */
  method?: string;
  /** The request-target (`/path?query`). */
  relUrl?: string;
  /** All headers (copied; `rawHeaders` follows them). */
  headers?: MultiDictInit<string>;
}

const TARGET_RE = /^[\x21-\x7e\x80-\xff]+$/;

/**
 * A copy of `message` with `changes` applied.
 *
 * @throws {TypeError} when the method is not a token or the target is empty or holds
 *   whitespace or control characters.
 */
export function cloneMessage(
  message: RawRequestMessage,
  changes: MessageChanges,
): RawRequestMessage {
  const { method = message.method, relUrl = message.path } = changes;
  if (!isToken(method)) throw new TypeError(`method ${JSON.stringify(method)} is not a token`);
  if (!TARGET_RE.test(relUrl)) {
    throw new TypeError(
      `relUrl ${JSON.stringify(relUrl)} must be a non-empty request-target without spaces`,
    );
  }
  let headers = message.headers;
  let rawHeaders = message.rawHeaders;
  if (changes.headers !== undefined) {
    const copy = new CIMultiDict<string>(changes.headers);
    headers = new CIMultiDictProxy(copy);
    rawHeaders = [...copy].flat();
  }
  return {
    method,
    path: relUrl,
    version: message.version,
    headers,
    rawHeaders,
    shouldClose: message.shouldClose,
    compression: message.compression,
    upgrade: message.upgrade,
    chunked: message.chunked,
    contentLength: message.contentLength,
  };
}
