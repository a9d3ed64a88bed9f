import * as crypto from "node:crypto";
import type { BaseRequest } from "@ll/server";
import { HTTPBadRequest, HTTPMethodNotAllowed } from "@ll/server";
import {
  extensionHeader,
  PerMessageDeflate,
  type PerMessageDeflateExtension,
} from "./ws-internals.js";
import type { PerMessageDeflateOptions } from "./ws-types.js";

/** RFC 6455 §1.3: appended to the client's key before hashing it into Sec-WebSocket-Accept. */
const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/** Versions whose framing is RFC 6455's: 13, and the hybi drafts 8 and 7 (aiohttp accepts all three). */
const SUPPORTED_VERSIONS = ["13", "8", "7"];

/** RFC 6455 §4.1: the key is 16 random bytes in base64, so exactly 22 characters and "==". */
const KEY_PATTERN = /^[+/0-9A-Za-z]{22}==$/;

/** A valid opening handshake, before permessage-deflate is negotiated. @internal */
export interface WebSocketHandshake {
  /** The client's Sec-WebSocket-Key. */
  key: string;
  /** The subprotocol chosen, if the client and the server share one. */
  protocol: string | undefined;
  /** The client's Sec-WebSocket-Extensions, all field lines joined; `undefined` if none. */
  extensions: string | undefined;
}

/**
 * The handshake's fields, read from the raw field lines in one pass: the request's headers
 * dict would be built for these few lookups, on every handshake. List fields are joined
 * (RFC 9110 §5.3); Sec-WebSocket-Version and -Key are single values, so the first counts, as
 * `headers.get()` would give it.
 */
interface HandshakeFields {
  upgrade: string | undefined;
  connection: string | undefined;
  version: string | undefined;
  key: string | undefined;
  protocol: string | undefined;
  extensions: string | undefined;
}

/** The fields a handshake reads, by lower-case name. */
const HANDSHAKE_FIELDS: ReadonlyMap<string, keyof HandshakeFields> = new Map([
  ["upgrade", "upgrade"],
  ["connection", "connection"],
  ["sec-websocket-version", "version"],
  ["sec-websocket-key", "key"],
  ["sec-websocket-protocol", "protocol"],
  ["sec-websocket-extensions", "extensions"],
]);

function handshakeFields(rawHeaders: readonly string[]): HandshakeFields {
  const fields: HandshakeFields = {
    upgrade: undefined,
    connection: undefined,
    version: undefined,
    key: undefined,
    protocol: undefined,
    extensions: undefined,
  };
  for (let index = 0; index < rawHeaders.length; index += 2) {
    const field = HANDSHAKE_FIELDS.get(rawHeaders[index]!.toLowerCase());
    if (field === undefined) continue;
    const value = rawHeaders[index + 1]!;
    const previous = fields[field];
    if (previous === undefined) fields[field] = value;
    // Version and Key are single values: a second line does not replace or extend the first.
    else if (field !== "version" && field !== "key") fields[field] = `${previous}, ${value}`;
  }
  return fields;
}

/**
 * Checks the client's opening handshake (RFC 6455 §4.2.1) and picks the subprotocol: the
 * first one in the client's list that `protocols` holds (aiohttp's rule).
 *
 * @throws {HTTPMethodNotAllowed} (405) when the method is not GET.
 * @throws {HTTPBadRequest} (400) when Upgrade, Connection, Sec-WebSocket-Version or
 *   Sec-WebSocket-Key is missing or wrong; the text says which.
 * @internal
 */
export function checkHandshake(
  request: BaseRequest,
  protocols: readonly string[],
): WebSocketHandshake {
  if (request.method !== "GET") {
    throw new HTTPMethodNotAllowed(request.method, ["GET"]);
  }
  const fields = handshakeFields(request.rawHeaders);
  const upgrade = fields.upgrade;
  if (upgrade?.trim().toLowerCase() !== "websocket") {
    throw new HTTPBadRequest({
      text: `Can "Upgrade" only to "websocket", got Upgrade: ${describe(upgrade)}`,
    });
  }
  const connection = fields.connection;
  if (!hasToken(connection, "upgrade")) {
    throw new HTTPBadRequest({
      text: `No "upgrade" in the Connection header, got Connection: ${describe(connection)}`,
    });
  }
  const version = fields.version;
  if (version === undefined || !SUPPORTED_VERSIONS.includes(version.trim())) {
    // RFC 6455 §4.2.2 item 4: tell the client which versions we speak.
    throw new HTTPBadRequest({
      text: `Unsupported Sec-WebSocket-Version: ${describe(version)} (supported: ${SUPPORTED_VERSIONS.join(", ")})`,
      headers: { "Sec-WebSocket-Version": SUPPORTED_VERSIONS.join(", ") },
    });
  }
  const key = fields.key;
  if (key === undefined || !KEY_PATTERN.test(key.trim())) {
    throw new HTTPBadRequest({
      text: `Invalid Sec-WebSocket-Key: ${describe(key)} (expected 16 bytes in base64)`,
    });
  }
  return {
    key: key.trim(),
    protocol: chooseProtocol(fields.protocol, protocols),
    extensions: fields.extensions,
  };
}

// Node's one-shot hash (20.12+, 21.7+) skips the Hash object the streaming API makes per call.
const oneShotHash = (
  crypto as { hash?: (algorithm: string, data: string, encoding: "base64") => string }
).hash;

/** The Sec-WebSocket-Accept value for a client's key (RFC 6455 §4.2.2 item 5.4). @internal */
export function acceptKey(key: string): string {
  if (oneShotHash !== undefined) return oneShotHash("sha1", key + GUID, "base64");
  return crypto
    .createHash("sha1")
    .update(key + GUID)
    .digest("base64");
}

/**
 * Accepts the client's permessage-deflate offer (RFC 7692; `offered` is its
 * Sec-WebSocket-Extensions) with ws's implementation, or returns `undefined` when the client
 * made none or none can be accepted. Like aiohttp, a malformed Sec-WebSocket-Extensions header
 * only drops compression: the handshake goes on.
 * @internal
 */
export function negotiateDeflate(
  offered: string | undefined,
  options: PerMessageDeflateOptions,
  maxPayload: number,
): { extension: PerMessageDeflateExtension; header: string } | undefined {
  if (offered === undefined) return undefined;
  try {
    const offers = extensionHeader.parse(offered)[PerMessageDeflate.extensionName];
    if (offers === undefined) return undefined;
    const extension = new PerMessageDeflate({ ...options, isServer: true, maxPayload });
    const params = extension.accept(offers);
    const header = extensionHeader.format({ [PerMessageDeflate.extensionName]: [params] });
    return { extension, header };
  } catch {
    return undefined;
  }
}

function chooseProtocol(
  offered: string | undefined,
  protocols: readonly string[],
): string | undefined {
  if (offered === undefined) return undefined;
  for (const candidate of offered.split(",")) {
    const protocol = candidate.trim();
    if (protocol !== "" && protocols.includes(protocol)) return protocol;
  }
  return undefined;
}

function hasToken(value: string | undefined, token: string): boolean {
  if (value === undefined) return false;
  return value.split(",").some((item) => item.trim().toLowerCase() === token);
}

function describe(value: string | undefined): string {
  return value === undefined ? "(none)" : JSON.stringify(value);
}
