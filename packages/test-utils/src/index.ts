export type { ClientWSCloseOptions, WSConnectOptions } from "./client-websocket-response.js";
export { ClientWebSocketResponse } from "./client-websocket-response.js";
export type { InjectOptions } from "./inject.js";
export { inject } from "./inject.js";
export type { MockedRequestInit } from "./make-mocked-request.js";
export { MockedRequest, makeMockedRequest } from "./make-mocked-request.js";
export { RawTestServer } from "./raw-test-server.js";
export type { TestRequestInit } from "./test-client.js";
export { TestClient, testClient } from "./test-client.js";
