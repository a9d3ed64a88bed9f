/** Size limits shared by the request and response parsers (aiohttp's defaults). */
export interface HttpParserLimits {
  /** Longest start line (request line or status line) in bytes, CRLF excluded. Default 8190. */
  maxLineSize?: number;
  /** Longest field line (`name: value`) in bytes, CRLF excluded. Default 8190. */
  maxFieldSize?: number;
  /** Most field lines in one header block (or one trailer section). Default 128. */
  maxHeaders?: number;
}

/** {@link HttpParserLimits} with every default resolved. @internal */
export interface ResolvedLimits {
  maxLineSize: number;
  maxFieldSize: number;
  maxHeaders: number;
}

/**
 * Resolves the limits once, in a parser's constructor.
 * @throws {RangeError} when a limit is not a positive integer.
 * @internal
 */
export function resolveLimits(options: HttpParserLimits | undefined): ResolvedLimits {
  const limits = {
    maxLineSize: options?.maxLineSize ?? 8190,
    maxFieldSize: options?.maxFieldSize ?? 8190,
    maxHeaders: options?.maxHeaders ?? 128,
  };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new RangeError(`${name} must be a positive integer`);
    }
  }
  return limits;
}
