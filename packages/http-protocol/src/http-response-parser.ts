import { FieldSummary, parseFieldLines } from "./field-lines.js";
import { checkStartLineEndings, startLineTooLong } from "./head-errors.js";
import { BadStatusLine } from "./http-exceptions.js";
import type { HttpParserHandlers } from "./http-parser.js";
import { HttpParser, UPGRADE_AFTER_HEAD, UPGRADE_NONE } from "./http-parser.js";
import { BODY_CHUNKED, BODY_LENGTH, BODY_NONE, BODY_UNTIL_EOF } from "./http-payload-parser.js";
import type { HttpVersion } from "./http-version.js";
import {
  asksForUpgrade,
  LENGTH_CHUNKED,
  parseCompression,
  parseConnection,
  parseHttpVersion,
  readBodyLength,
  shouldCloseConnection,
} from "./message-framing.js";
import type { HttpParserLimits } from "./parser-limits.js";
import type { RawHttpMessage } from "./raw-http-message.js";
import { HttpMessageHead } from "./raw-http-message.js";
import { REASON_RE } from "./token-tables.js";

/** A parsed response head (aiohttp's `RawResponseMessage`). */
export interface RawResponseMessage extends RawHttpMessage {
  /** The status code (100 to 999). */
  readonly code: number;
  /** The reason phrase, possibly empty. */
  readonly reason: string;
}

/** Options of {@link HttpResponseParser}. */
export interface HttpResponseParserOptions extends HttpParserLimits {
  /** The method of the request being answered (see {@link HttpResponseParser.method}). */
  method?: string;
}

class ResponseMessage extends HttpMessageHead implements RawResponseMessage {
  constructor(
    readonly code: number,
    readonly reason: string,
    version: HttpVersion,
    rawHeaders: readonly string[],
    shouldClose: boolean,
    compression: "gzip" | "deflate" | "br" | undefined,
    upgrade: boolean,
    chunked: boolean,
    contentLength: number | undefined,
  ) {
    // Spelled out rather than spread: see RequestMessage.
    super(version, rawHeaders, shouldClose, compression, upgrade, chunked, contentLength);
  }
}

const SP = 32;

/**
 * Incremental, strict HTTP/1.1 response parser (RFC 9112), the counterpart of aiohttp's
 * `HttpResponseParser`, with the same handlers and framing rules as {@link HttpRequestParser}.
 * Responses to HEAD and 1xx/204/304 responses have no body (RFC 9112 §6.3); a response with
 * neither Content-Length nor Transfer-Encoding is read until `feedEof`. A 101 response, or a 2xx
 * answer to CONNECT, leaves the parser {@link HttpParser.upgraded}.
 *
 * @example
 * ```ts
 * import { HttpResponseParser } from "@ll/http-protocol";
 *
 * const parser = new HttpResponseParser(handlers, { method: "GET" });
 * parser.feedData(Buffer.from("HTTP/1.1 204 No Content\r\n\r\n"));
 * ```
 */
export class HttpResponseParser extends HttpParser<RawResponseMessage> {
  /**
   * The method of the request the next response answers: `HEAD` means no body, `CONNECT`
   * means a 2xx opens a tunnel. Set it before feeding each response when it changes.
   */
  method: string | undefined;
  // Filled anew by each head (its rawHeaders array, which the message keeps, is new each time).
  readonly #fields = new FieldSummary();

  /**
   * @param handlers called synchronously for each head, body piece and message end.
   * @param options size limits (a status line over `maxLineSize` is a 400) and the `method` hint.
   * @throws {RangeError} when a limit is not a positive integer.
   */
  constructor(
    handlers: HttpParserHandlers<RawResponseMessage>,
    options?: HttpResponseParserOptions,
  ) {
    super(handlers, options, "response", 400);
    this.method = options?.method;
  }

  protected parseHead(
    text: string,
    start: number,
    end: number,
    validated: boolean,
    knownLineEnd: number,
  ): RawResponseMessage {
    const limits = this.limits;
    const lineEnd = knownLineEnd !== -1 ? knownLineEnd : text.indexOf("\r\n", start);
    if (lineEnd - start > limits.maxLineSize) {
      throw startLineTooLong(limits.maxLineSize, lineEnd - start, 400, "response");
    }
    // status-line = HTTP-version SP status-code SP [ reason-phrase ] (RFC 9112 §4); a missing
    // SP before an empty reason is tolerated, as llhttp does.
    const space = text.indexOf(" ", start);
    const version = parseHttpVersion(
      text,
      start,
      space === -1 || space > lineEnd ? lineEnd : space,
    );
    if (version === undefined) {
      checkStartLineEndings(text, start, lineEnd, "response");
      throw new BadStatusLine(
        `Invalid HTTP version: ${JSON.stringify(text.slice(start, lineEnd))}`,
      );
    }
    const code = parseStatus(text, start, lineEnd);
    const reason = lineEnd - start > 12 ? text.slice(start + 13, lineEnd) : "";

    const fields = parseFieldLines(
      text,
      lineEnd + 2,
      end,
      limits,
      "response",
      validated,
      this.#fields,
    );
    const http11 = version.minor !== 0;
    const connection = parseConnection(fields.connection);
    const method = this.method;

    const framing = this.framing;
    framing.mode = BODY_NONE;
    framing.length = 0;
    framing.upgrade = UPGRADE_NONE;
    const length = readBodyLength(fields, http11, "response");
    const chunked = length === LENGTH_CHUNKED;
    const contentLength = length >= 0 ? length : undefined;
    const upgrade = code === 101 || asksForUpgrade(connection, fields);
    let untilEof = false;
    if (code === 101 || (method === "CONNECT" && code >= 200 && code < 300)) {
      framing.upgrade = UPGRADE_AFTER_HEAD;
    } else if (code < 200 || code === 204 || code === 304 || method === "HEAD") {
      // RFC 9112 §6.3 items 1 and 2: no content, whatever the framing fields say.
    } else if (chunked) {
      framing.mode = BODY_CHUNKED;
    } else if (contentLength !== undefined) {
      framing.mode = BODY_LENGTH;
      framing.length = contentLength;
    } else {
      framing.mode = BODY_UNTIL_EOF;
      untilEof = true;
    }
    const shouldClose = untilEof || shouldCloseConnection(http11, connection);
    framing.close = shouldClose;
    return new ResponseMessage(
      code,
      reason,
      version,
      fields.rawHeaders,
      shouldClose,
      parseCompression(fields.contentEncoding),
      upgrade,
      chunked,
      contentLength,
    );
  }
}

/** Parses `SP 3DIGIT [ SP reason-phrase ]` after the 8-byte version at `text[start]`. */
function parseStatus(text: string, start: number, lineEnd: number): number {
  const first = text.charCodeAt(start + 9) - 48;
  const second = text.charCodeAt(start + 10) - 48;
  const third = text.charCodeAt(start + 11) - 48;
  const length = lineEnd - start;
  if (
    text.charCodeAt(start + 8) !== SP ||
    !(first >= 1 && first <= 9) ||
    !(second >= 0 && second <= 9) ||
    !(third >= 0 && third <= 9) ||
    length < 12 ||
    (length > 12 && text.charCodeAt(start + 12) !== SP) ||
    !REASON_RE.test(text.slice(start + 13, lineEnd))
  ) {
    checkStartLineEndings(text, start, lineEnd, "response");
    throw new BadStatusLine(`Invalid status line: ${JSON.stringify(text.slice(start, lineEnd))}`);
  }
  return first * 100 + second * 10 + third;
}
