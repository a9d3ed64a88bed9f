/**
 * The value of the first field named `lowerName` (lower-case) in `rawHeaders` (name, value,
 * name, value…), or undefined. For the one or two fields the server itself reads per request
 * (Host, Expect): the headers dict would be built for that one lookup.
 * @internal
 */
export function rawHeaderValue(
  rawHeaders: readonly string[],
  lowerName: string,
): string | undefined {
  const length = lowerName.length;
  for (let index = 0; index < rawHeaders.length; index += 2) {
    const name = rawHeaders[index]!;
    if (name.length === length && name.toLowerCase() === lowerName) return rawHeaders[index + 1];
  }
  return undefined;
}
