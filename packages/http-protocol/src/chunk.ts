const CRLF = Buffer.from("\r\n", "latin1");
const EMPTY = Buffer.alloc(0);

/** The last chunk of a chunked body, with no trailers: `0\r\n\r\n` (RFC 9112 §7.1). */
export const LAST_CHUNK: Buffer = Buffer.from("0\r\n\r\n", "latin1");

/**
 * The buffers that frame `length` bytes of `parts` as one chunk of the chunked transfer coding
 * (RFC 9112 §7.1): `<size in hex>\r\n`, the parts, `\r\n`. No copy of the parts is made.
 * @internal
 */
export function chunkFrame(parts: readonly Buffer[], length: number): Buffer[] {
  return [Buffer.from(`${length.toString(16)}\r\n`, "latin1"), ...parts, CRLF];
}

/**
 * Frames `data` as one chunk of the chunked transfer coding (RFC 9112 §7.1):
 * `<size in hex>\r\n<data>\r\n`. An empty `data` gives an empty buffer, since a chunk of size 0
 * is the last chunk and would end the body.
 *
 * @example
 * ```ts
 * import { chunk } from "@ll/http-protocol";
 * chunk("hello"); // <Buffer "5\r\nhello\r\n">
 * ```
 */
export function chunk(data: Buffer | string): Buffer {
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  if (bytes.length === 0) return EMPTY;
  return Buffer.concat(chunkFrame([bytes], bytes.length));
}
