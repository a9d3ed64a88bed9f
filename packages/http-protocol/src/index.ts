export type { HeadersInit, MultiDictInit, ReadonlyMultiDict } from "./base-multi-dict.js";
/** @internal For the sibling packages (headers given in any form): not part of the public API. */
export { multiDictEntries } from "./base-multi-dict.js";
/** @internal For the sibling packages' option checks: not part of the public API. */
export type { OptionKeys } from "./check-options.js";
/** @internal For the sibling packages' option checks: not part of the public API. */
export { checkOptionKeys } from "./check-options.js";
export { chunk } from "./chunk.js";
export { CIMultiDict, CIMultiDictProxy } from "./ci-multi-dict.js";
export { ConnectionResetError } from "./connection-reset-error.js";
export type { ContentCoding, DecompressorOptions } from "./decompressor.js";
export { createDecompressor } from "./decompressor.js";
export { httpDate, parseHttpDate } from "./http-date.js";
export type {
  HttpProcessingErrorOptions,
  LineTooLongOptions,
} from "./http-exceptions.js";
export {
  BadHttpMessage,
  BadStatusLine,
  ContentEncodingError,
  ContentLengthError,
  HttpBadRequest,
  HttpProcessingError,
  InvalidHeader,
  InvalidURLError,
  LineTooLong,
  PayloadEncodingError,
  TransferEncodingError,
} from "./http-exceptions.js";
export type { HttpParserHandlers } from "./http-parser.js";
export type { HttpRequestParserOptions, RawRequestMessage } from "./http-request-parser.js";
export { HttpRequestParser } from "./http-request-parser.js";
export type { HttpResponseParserOptions, RawResponseMessage } from "./http-response-parser.js";
export { HttpResponseParser } from "./http-response-parser.js";
export { HttpVersion, HttpVersion10, HttpVersion11 } from "./http-version.js";
export { MultiDict, MultiDictProxy } from "./multi-dict.js";
export type { HttpParserLimits } from "./parser-limits.js";
export type { RawHttpMessage } from "./raw-http-message.js";
/** @internal For @ll/server (a taken-over connection's request): not part of the public API. */
export { releaseHeaders } from "./raw-http-message.js";
export { serializeResponseHead } from "./response-head.js";
export { STATUS_REASONS } from "./status-reasons.js";
export type { StreamWriterSink } from "./stream-writer.js";
export { StreamWriter } from "./stream-writer.js";
/** @internal For @ll/server (methods, header and parameter names): not part of the public API. */
export { isToken } from "./token-tables.js";
