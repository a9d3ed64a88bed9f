import { checkOptionKeys, type OptionKeys } from "@ll/http-protocol";
import type { ResponseOptions } from "./response.js";
import { Response } from "./response.js";

/** Options of {@link jsonResponse}: those of {@link Response} except the body. */
export interface JsonResponseOptions extends Omit<ResponseOptions, "body" | "text"> {
  /** Serializes `data`; `JSON.stringify` by default (aiohttp's `dumps`). */
  dumps?: (data: unknown) => string;
}

const JSON_RESPONSE_OPTIONS: OptionKeys<JsonResponseOptions> = {
  status: true,
  reason: true,
  headers: true,
  contentType: true,
  charset: true,
  dumps: true,
};

/**
 * A {@link Response} with `data` serialized as JSON and `Content-Type: application/json`
 * (aiohttp's `json_response`).
 *
 * @example
 * ```ts
 * import { jsonResponse } from "@ll/server";
 * return jsonResponse({ ok: true }, { status: 201 });
 * ```
 * @throws {TypeError} when `data` serializes to nothing (`undefined`, a function, a symbol), or
 *   `init` has a key it does not know (the message names the closest valid one).
 */
export function jsonResponse(data: unknown, init?: JsonResponseOptions): Response {
  checkOptionKeys(init, JSON_RESPONSE_OPTIONS, "jsonResponse");
  const { dumps = JSON.stringify, contentType = "application/json", ...rest } = init ?? {};
  const text = dumps(data) as string | undefined;
  if (typeof text !== "string") throw new TypeError("data is not serializable as JSON");
  return new Response({ ...rest, text, contentType });
}
