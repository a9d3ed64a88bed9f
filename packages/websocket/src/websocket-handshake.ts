import { createHash } from "node:crypto";
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
  const headers = request.headers;
  const upgrade = headerValue(request, "Upgrade");
  if (upgrade?.trim().toLowerCase() !== "websocket") {
    throw new HTTPBadRequest({
      text: `Can "Upgrade" only to "websocket", got Upgrade: ${describe(upgrade)}`,
    });
  }
  const connection = headerValue(request, "Connection");
  if (!hasToken(connection, "upgrade")) {
    throw new HTTPBadRequest({
      text: `No "upgrade" in the Connection header, got Connection: ${describe(connection)}`,
    });
  }
  const version = headers.get("Sec-WebSocket-Version") ?? undefined;
  if (version === undefined || !SUPPORTED_VERSIONS.includes(version.trim())) {
    // RFC 6455 §4.2.2 item 4: tell the client which versions we speak.
    throw new HTTPBadRequest({
      text: `Unsupported Sec-WebSocket-Version: ${describe(version)} (supported: ${SUPPORTED_VERSIONS.join(", ")})`,
      headers: { "Sec-WebSocket-Version": SUPPORTED_VERSIONS.join(", ") },
    });
  }
  const key = headers.get("Sec-WebSocket-Key") ?? undefined;
  if (key === undefined || !KEY_PATTERN.test(key.trim())) {
    throw new HTTPBadRequest({
      text: `Invalid Sec-WebSocket-Key: ${describe(key)} (expected 16 bytes in base64)`,
    });
  }
  return { key: key.trim(), protocol: chooseProtocol(request, protocols) };
}

/** The Sec-WebSocket-Accept value for a client's key (RFC 6455 §4.2.2 item 5.4). @internal */
export function acceptKey(key: string): string {
  return createHash("sha1")
    .update(key + GUID)
    .digest("base64");
}

/**
 * Accepts the client's permessage-deflate offer (RFC 7692) with ws's implementation, or
 * returns `undefined` when the client made none or none can be accepted. Like aiohttp, a
 * malformed Sec-WebSocket-Extensions header only drops compression: the handshake goes on.
 * @internal
 */
export function negotiateDeflate(
  request: BaseRequest,
  options: PerMessageDeflateOptions,
  maxPayload: number,
): { extension: PerMessageDeflateExtension; header: string } | undefined {
  const offered = headerValue(request, "Sec-WebSocket-Extensions");
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

function chooseProtocol(request: BaseRequest, protocols: readonly string[]): string | undefined {
  const offered = headerValue(request, "Sec-WebSocket-Protocol");
  if (offered === undefined) return undefined;
  for (const candidate of offered.split(",")) {
    const protocol = candidate.trim();
    if (protocol !== "" && protocols.includes(protocol)) return protocol;
  }
  return undefined;
}

/** All field lines of `name` joined as one list (RFC 9110 §5.3), or `undefined` if none. */
function headerValue(request: BaseRequest, name: string): string | undefined {
  const values = request.headers.getAll(name);
  if (values.length < 2) return values[0];
  return values.join(", ");
}

function hasToken(value: string | undefined, token: string): boolean {
  if (value === undefined) return false;
  return value.split(",").some((item) => item.trim().toLowerCase() === token);
}

function describe(value: string | undefined): string {
  return value === undefined ? "(none)" : JSON.stringify(value);
}
