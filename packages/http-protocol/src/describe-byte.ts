/**
 * Describes a byte for an error message: `0x0b` (the parsers and the head serializer say which
 * byte they refused this way).
 * @internal
 */
export function describeByte(code: number): string {
  return `0x${code.toString(16).padStart(2, "0")}`;
}
