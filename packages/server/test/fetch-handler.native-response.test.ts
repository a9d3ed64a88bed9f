import { afterAll, expect, it } from "vitest";
import { fetchHandlerCases } from "./helpers/fetch-handler-cases.js";

// Each test file runs in a process of its own, so here the global Response is Node's.
const NativeResponse = globalThis.Response;

fetchHandlerCases({ overrideGlobalResponse: false });

it("leaves the global Response alone with overrideGlobalResponse: false", () => {
  expect(globalThis.Response).toBe(NativeResponse);
});

afterAll(() => {
  expect(globalThis.Response).toBe(NativeResponse);
});
