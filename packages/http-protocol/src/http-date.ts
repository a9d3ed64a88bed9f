/**
 * HTTP dates (RFC 9110 §5.6.7): formatting the `Date` header once a second, and parsing the
 * three formats a recipient must accept.
 */

let cachedSecond = Number.NaN;
let cachedDate = "";

/**
 * The IMF-fixdate for `date` (`Sun, 06 Nov 1994 08:49:37 GMT`), by default for now. Without an
 * argument the string is cached and recomputed at most once per second: the server calls this
 * for the `Date` header of every response (aiohttp's `DateService` does the same).
 *
 * @example
 * ```ts
 * import { httpDate } from "@ll/http-protocol";
 * headers.set("Date", httpDate());
 * headers.set("Last-Modified", httpDate(stats.mtime));
 * ```
 */
export function httpDate(date?: Date | number): string {
  if (date !== undefined) return new Date(date).toUTCString();
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    // toUTCString() is exactly IMF-fixdate (ECMA-262 §21.4.4.43) for years 0 to 9999.
    cachedDate = new Date(second * 1000).toUTCString();
  }
  return cachedDate;
}

const MONTHS = "JanFebMarAprMayJunJulAugSepOctNovDec";

// RFC 9110 §5.6.7. Names are case-sensitive; exactly one space where the grammar has SP.
// IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
const IMF_FIXDATE_RE =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d\d) ([A-Z][a-z][a-z]) (\d{4}) (\d\d):(\d\d):(\d\d) GMT$/;
// rfc850-date (obsolete): Sunday, 06-Nov-94 08:49:37 GMT
const RFC850_DATE_RE =
  /^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\d\d)-([A-Z][a-z][a-z])-(\d\d) (\d\d):(\d\d):(\d\d) GMT$/;
// asctime-date (obsolete): Sun Nov  6 08:49:37 1994 (the day is `2DIGIT / ( SP DIGIT )`)
const ASCTIME_DATE_RE =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([A-Z][a-z][a-z]) ([ \d]\d) (\d\d):(\d\d):(\d\d) (\d{4})$/;

/**
 * Parses an HTTP date in any of the three formats of RFC 9110 §5.6.7 (IMF-fixdate, RFC 850,
 * asctime); `undefined` for anything else, including impossible dates (`31 Feb`, `25:00:00`).
 * The day name is not checked against the date, as in aiohttp (`email.utils.parsedate`).
 *
 * @example
 * ```ts
 * import { parseHttpDate } from "@ll/http-protocol";
 * parseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT"); // 1994-11-06T08:49:37.000Z
 * parseHttpDate("yesterday"); // undefined
 * ```
 */
export function parseHttpDate(value: string): Date | undefined {
  let match = IMF_FIXDATE_RE.exec(value);
  if (match !== null) {
    return makeDate(+match[3]!, match[2]!, +match[1]!, +match[4]!, +match[5]!, +match[6]!);
  }
  match = RFC850_DATE_RE.exec(value);
  if (match !== null) {
    return makeDate(
      fullYear(+match[3]!),
      match[2]!,
      +match[1]!,
      +match[4]!,
      +match[5]!,
      +match[6]!,
    );
  }
  match = ASCTIME_DATE_RE.exec(value);
  if (match !== null) {
    return makeDate(+match[6]!, match[1]!, +match[2]!, +match[3]!, +match[4]!, +match[5]!);
  }
  return undefined;
}

/**
 * RFC 9110 §5.6.7: a two-digit year that looks more than 50 years in the future is taken as the
 * most recent past year with those last two digits.
 */
function fullYear(twoDigits: number): number {
  const thisYear = new Date().getUTCFullYear();
  let year = thisYear - (thisYear % 100) + twoDigits;
  if (year > thisYear + 50) year -= 100;
  return year;
}

function makeDate(
  year: number,
  monthName: string,
  day: number,
  hour: number,
  minute: number,
  second: number,
): Date | undefined {
  const month = MONTHS.indexOf(monthName);
  // A leap second (60) is allowed by the grammar's intent; Date has none, so it is clamped to 59.
  if (month % 3 !== 0 || day < 1 || hour > 23 || minute > 59 || second > 60) return undefined;
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0-99 to 1900-1999.
  date.setUTCFullYear(year, month / 3, day);
  date.setUTCHours(hour, minute, Math.min(second, 59), 0);
  // Date rolls 31 Feb over into March: a different day of month means the date did not exist.
  return date.getUTCDate() === day ? date : undefined;
}
