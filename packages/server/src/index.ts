export type { HeadersInit } from "@ll/http-protocol";
export type {
  AccessLogFields,
  AccessLoggerOptions,
  AccessLogRequest,
  AccessLogResponse,
  Logger,
} from "./access-logger.js";
export { AccessLogger, DEFAULT_ACCESS_LOG_FORMAT } from "./access-logger.js";
export type { BaseRequestCloneOptions } from "./base-request.js";
export { BaseRequest } from "./base-request.js";
export { BodyPartReader, PART_CHUNK_SIZE } from "./body-part-reader.js";
export type { ContentDispositionOptions } from "./content-disposition.js";
export { contentDisposition } from "./content-disposition.js";
export type {
  Cookie,
  CookieOptions,
  DelCookieOptions,
  GetCookiesOptions,
  SetCookieOptions,
} from "./cookies.js";
export type {
  ConnectionMessage,
  RequestTraceContext,
  ResponseFinishMessage,
} from "./diagnostics.js";
export type { ETag } from "./etag.js";
export { ETAG_ANY } from "./etag.js";
export type { FetchApp, FetchContext, FetchHandlerOptions } from "./fetch-handler.js";
export { fetchHandler } from "./fetch-handler.js";
export type { FileResponseOptions } from "./file-response.js";
export { FileResponse } from "./file-response.js";
export type { ForwardedElement } from "./forwarded.js";
export type { HttpRangeSlice } from "./http-range.js";
export type { JsonResponseOptions } from "./json-response.js";
export { jsonResponse } from "./json-response.js";
export type { MimeTypes } from "./mime-types.js";
export type { MultipartSource } from "./multipart-buffer.js";
export type { MultipartLimitName, MultipartLimits } from "./multipart-limits.js";
export { DEFAULT_MULTIPART_LIMITS } from "./multipart-limits.js";
export type { MultipartPart, MultipartReaderOptions } from "./multipart-reader.js";
export { MultipartReader } from "./multipart-reader.js";
export type { FileField, FormReadOptions, PostValue } from "./post.js";
export type { DetachedSocket, DetachSocketOptions } from "./request-connection.js";
export { RequestHandler } from "./request-handler.js";
export type { RequestIdOptions } from "./request-id.js";
export type { ResponseOptions } from "./response.js";
export { Response } from "./response.js";
export type { SafeFilenameOptions } from "./safe-filename.js";
export { safeFilename } from "./safe-filename.js";
export { sendFetchResponse } from "./send-fetch-response.js";
export type { ServeStaticOptions } from "./serve-static.js";
export { serveStatic } from "./serve-static.js";
export type { Handler } from "./server.js";
export { Server } from "./server.js";
export type { ServerOptions } from "./server-options.js";
export { ServerShutdownError } from "./server-shutdown-error.js";
/** @internal For @ll/test-utils (requests made without a server): not part of the public API. */
export type { RequestConnection } from "./standalone-connection.js";
/** @internal For @ll/test-utils (requests made without a server): not part of the public API. */
export { createStandaloneConnection, kAbort } from "./standalone-connection.js";
export type { StreamReaderOptions } from "./stream-reader.js";
export { IncompleteReadError, LineLimitError, StreamReader } from "./stream-reader.js";
export type { StreamResponseOptions } from "./stream-response.js";
export { StreamResponse } from "./stream-response.js";
/** @internal For @ll/websocket (its 101 head, its per-server state): not part of the public API. */
export { kPrepareUpgrade, kServerStore } from "./symbols.js";
export { toFetchRequest } from "./to-fetch-request.js";
export { UploadedFile } from "./uploaded-file.js";
export type { HTTPExceptionOptions } from "./web-exceptions.js";
export {
  HTTPAccepted,
  HTTPBadGateway,
  HTTPBadRequest,
  HTTPClientError,
  HTTPConflict,
  HTTPCreated,
  HTTPError,
  HTTPException,
  HTTPExpectationFailed,
  HTTPFailedDependency,
  HTTPForbidden,
  HTTPFound,
  HTTPGatewayTimeout,
  HTTPGone,
  HTTPInsufficientStorage,
  HTTPInternalServerError,
  HTTPLengthRequired,
  HTTPMethodNotAllowed,
  HTTPMisdirectedRequest,
  HTTPMove,
  HTTPMovedPermanently,
  HTTPMultipleChoices,
  HTTPNetworkAuthenticationRequired,
  HTTPNoContent,
  HTTPNonAuthoritativeInformation,
  HTTPNotAcceptable,
  HTTPNotExtended,
  HTTPNotFound,
  HTTPNotImplemented,
  HTTPNotModified,
  HTTPOk,
  HTTPPartialContent,
  HTTPPaymentRequired,
  HTTPPermanentRedirect,
  HTTPPreconditionFailed,
  HTTPPreconditionRequired,
  HTTPProxyAuthenticationRequired,
  HTTPRedirection,
  HTTPRequestEntityTooLarge,
  HTTPRequestHeaderFieldsTooLarge,
  HTTPRequestRangeNotSatisfiable,
  HTTPRequestTimeout,
  HTTPRequestURITooLong,
  HTTPResetContent,
  HTTPSeeOther,
  HTTPServerError,
  HTTPServiceUnavailable,
  HTTPSuccessful,
  HTTPTemporaryRedirect,
  HTTPTooManyRequests,
  HTTPUnauthorized,
  HTTPUnavailableForLegalReasons,
  HTTPUnprocessableEntity,
  HTTPUnsupportedMediaType,
  HTTPUpgradeRequired,
  HTTPUseProxy,
  HTTPVariantAlsoNegotiates,
  HTTPVersionNotSupported,
} from "./web-exceptions.js";
