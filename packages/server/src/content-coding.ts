/**
 * Content-coding negotiation from `Accept-Encoding` (RFC 9110 §12.5.3), for
 * `StreamResponse.enableCompression()` and `FileResponse`'s pre-compressed siblings.
 */

import type { ContentCoding } from "@ll/http-protocol";

/**
 * The server's preference among codings the client accepts with the same q-value. aiohttp
 * tries `deflate` then `gzip` by substring match and ignores q-values; we honour q-values and,
 * on a tie, prefer gzip (universally understood, and `deflate` has long been ambiguous between
 * zlib and raw streams), then deflate, then br (Node's brotli is slow at its default quality for
 * on-the-fly compression; a client that prefers br says so with a higher q).
 */
export const DYNAMIC_CODINGS: readonly ContentCoding[] = ["gzip", "deflate", "br"];

const CODING_RE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+)[ \t]*(?:;[ \t]*q[ \t]*=[ \t]*([0-9.]+))?$/i;
// qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ) (RFC 9110 §12.4.2)
const QVALUE_RE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;

/**
 * Parses `Accept-Encoding` into coding → q-value (names lower-cased; `*` kept as `*`). Elements
 * that do not parse, or carry an invalid q-value, are skipped.
 */
export function parseAcceptEncoding(header: string): Map<string, number> {
  const codings = new Map<string, number>();
  for (const element of header.split(",")) {
    const match = CODING_RE.exec(element.trim());
    if (match === null) continue;
    const qvalue = match[2];
    if (qvalue !== undefined && !QVALUE_RE.test(qvalue)) continue;
    const name = match[1]!.toLowerCase();
    if (!codings.has(name)) codings.set(name, qvalue === undefined ? 1 : Number(qvalue));
  }
  return codings;
}

/**
 * Picks the coding to send among `available` (in the server's order of preference) for a
 * request's `Accept-Encoding`: the one with the highest q-value above 0, `*` standing for any
 * coding not listed, ties going to the earlier in `available`. `undefined` (send identity) when
 * the header is absent or empty, or accepts none of them.
 */
export function selectContentCoding<C extends string = ContentCoding>(
  acceptEncoding: string | undefined,
  available: readonly C[] = DYNAMIC_CODINGS as unknown as readonly C[],
): C | undefined {
  if (acceptEncoding === undefined || acceptEncoding.trim() === "") return undefined;
  const accepted = parseAcceptEncoding(acceptEncoding);
  const any = accepted.get("*");
  let best: C | undefined;
  let bestQuality = 0;
  for (const coding of available) {
    // `gzip` also answers to `x-gzip` (RFC 9110 §8.4.1.3).
    const quality =
      accepted.get(coding) ?? (coding === "gzip" ? accepted.get("x-gzip") : undefined) ?? any ?? 0;
    if (quality > bestQuality) {
      best = coding;
      bestQuality = quality;
    }
  }
  return best;
}

/**
 * Adds `Accept-Encoding` to a response's `Vary` (unless it is already listed or `Vary` is `*`),
 * since a response whose coding was negotiated varies by that header (RFC 9110 §12.5.5).
 */
export function addVaryAcceptEncoding(headers: {
  get(name: string): string | undefined;
  set(name: string, value: string): unknown;
}): void {
  const vary = headers.get("Vary");
  if (vary === undefined || vary.trim() === "") {
    headers.set("Vary", "Accept-Encoding");
    return;
  }
  const listed = vary.split(",").map((name) => name.trim().toLowerCase());
  if (listed.includes("*") || listed.includes("accept-encoding")) return;
  headers.set("Vary", `${vary}, Accept-Encoding`);
}
