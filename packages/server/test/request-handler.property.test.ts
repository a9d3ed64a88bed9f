import { testClient } from "@ll/test-utils";
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { Response } from "../src/response.js";
import { RawClient } from "./helpers/serve.js";

describe("RequestHandler", () => {
  it("answers arbitrary bytes with a status line or closes, never crashing or leaking", async () => {
    await using served = await testClient(
      async (request) => new Response({ text: String((await request.read()).length) }),
    );
    const { port, server } = served.server;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }),
          // Bytes that look like HTTP, to get past the request line now and then.
          fc
            .tuple(
              fc.constantFrom(
                "GET / HTTP/1.1\r\n",
                "POST /x HTTP/1.1\r\nHost: a\r\n",
                "GET / HTTP/1.0\r\n",
              ),
              fc.string({ maxLength: 80 }),
            )
            .map(
              ([start, rest]) => new Uint8Array(Buffer.from(`${start}${rest}\r\n\r\n`, "latin1")),
            ),
        ),
        async (bytes) => {
          const client = await RawClient.connect(port);
          client.write(Buffer.from(bytes));
          client.socket.end();
          const text = await client.untilClosed();
          if (text.length > 0) expect(text).toMatch(/^HTTP\/1\.[01] \d{3} /);
        },
      ),
      { numRuns: 60 },
    );
    await vi.waitFor(() => expect(server.connections.size).toBe(0));
  });
});
