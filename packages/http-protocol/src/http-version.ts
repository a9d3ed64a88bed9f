/**
 * An HTTP protocol version, after aiohttp's `HttpVersion(major, minor)` named tuple. Instances
 * are immutable; the parser hands out the shared {@link HttpVersion10} and {@link HttpVersion11}
 * for the common versions, but compare with {@link HttpVersion.equals} or
 * {@link HttpVersion.compare}, not `===`.
 *
 * @example
 * ```ts
 * import { HttpVersion11 } from "@ll/http-protocol";
 * if (request.version.compare(HttpVersion11) < 0) keepAlive = false;
 * ```
 */
export class HttpVersion {
  readonly major: number;
  readonly minor: number;

  constructor(major: number, minor: number) {
    if (!Number.isInteger(major) || major < 0 || !Number.isInteger(minor) || minor < 0) {
      throw new RangeError("major and minor must be non-negative integers");
    }
    this.major = major;
    this.minor = minor;
    Object.freeze(this);
  }

  /** Whether `other` is the same version. */
  equals(other: HttpVersion): boolean {
    return this.major === other.major && this.minor === other.minor;
  }

  /** Negative, zero or positive as this version is older than, equal to or newer than `other`. */
  compare(other: HttpVersion): number {
    return this.major === other.major ? this.minor - other.minor : this.major - other.major;
  }

  /** The version as it appears on the wire: `"HTTP/1.1"` (RFC 9112 §2.3). */
  toString(): string {
    return `HTTP/${this.major}.${this.minor}`;
  }
}

/** HTTP/1.0. */
export const HttpVersion10: HttpVersion = new HttpVersion(1, 0);
/** HTTP/1.1. */
export const HttpVersion11: HttpVersion = new HttpVersion(1, 1);
