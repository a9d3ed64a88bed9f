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

/** The limits without options, shared (frozen): nothing per parser. */
const DEFAULT_LIMITS: ResolvedLimits = Object.freeze({
  maxLineSize: 8190,
  maxFieldSize: 8190,
  maxHeaders: 128,
});

/**
 * Resolves the limits once, in a parser's constructor. A frozen `options` with all three set
 * (a server's resolved options, say) is returned as it is: a server makes a parser per
 * connection, and that object already holds checked limits nobody can change.
 * @throws {RangeError} when a limit is not a positive integer.
 * @internal
 */
export function resolveLimits(options: HttpParserLimits | undefined): ResolvedLimits {
  if (options === undefined) return DEFAULT_LIMITS;
  const maxLineSize = checkLimit("maxLineSize", options.maxLineSize ?? DEFAULT_LIMITS.maxLineSize);
  const maxFieldSize = checkLimit(
    "maxFieldSize",
    options.maxFieldSize ?? DEFAULT_LIMITS.maxFieldSize,
  );
  const maxHeaders = checkLimit("maxHeaders", options.maxHeaders ?? DEFAULT_LIMITS.maxHeaders);
  if (
    Object.isFrozen(options) &&
    options.maxLineSize === maxLineSize &&
    options.maxFieldSize === maxFieldSize &&
    options.maxHeaders === maxHeaders
  ) {
    return options as ResolvedLimits;
  }
  return { maxLineSize, maxFieldSize, maxHeaders };
}

function checkLimit(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer`);
  }
  return value;
}
