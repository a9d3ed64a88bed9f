import { once } from "node:events";
import http from "node:http";
import net from "node:net";
import { HttpProcessingError, HttpRequestParser } from "@ll/http-protocol";
import { Response, Server } from "@ll/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exchange, histogram, type Outcome, pool } from "./helpers/exchange.js";
import { isBlank, mutate, random } from "./helpers/mutations.js";

const CASES = 2000;
const SEED = 20261201;

const errors: unknown[][] = [];
const logger = {
  info() {},
  warn() {},
  debug() {},
  error: (...args: unknown[]) => errors.push(args),
};

let listener: net.Server;
let port: number;

beforeAll(async () => {
  const server = new Server(
    async (request) => {
      const body = await request.read();
      return new Response({ text: `${request.method} ${request.path} ${body.length}` });
    },
    { logger, headersTimeout: 2000, requestTimeout: 3000 },
  );
  listener = net.createServer(server.connectionListener).listen(0, "127.0.0.1");
  await once(listener, "listening");
  port = (listener.address() as net.AddressInfo).port;
});

afterAll(() => {
  listener.close();
});

/** What the parser alone makes of the bytes: how a silent close is classified. */
function parserVerdict(input: Buffer): string {
  let messages = 0;
  const parser = new HttpRequestParser({
    onMessage: () => messages++,
    onBody() {},
    onMessageComplete() {},
  });
  try {
    parser.feedData(input);
    parser.feedEof();
    return `${messages} message(s), valid`;
  } catch (error) {
    const name = error instanceof HttpProcessingError ? error.constructor.name : "bug";
    return `${messages} message(s), then ${name}: ${(error as Error).message}`;
  }
}

/** The same corpus against node:http, for the rates in the report (nothing is asserted on it). */
async function nodeHttpOutcomes(cases: readonly Buffer[]): Promise<Outcome[]> {
  const server = http.createServer(
    { requestTimeout: 3000, headersTimeout: 2000 },
    (request, response) => {
      let length = 0;
      request.on("data", (chunk: Buffer) => {
        length += chunk.length;
      });
      request.on("end", () => response.end(`${request.method} ${request.url} ${length}`));
      request.on("error", () => response.destroy());
    },
  );
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const nodePort = (server.address() as net.AddressInfo).port;
  try {
    return await pool(cases, 32, (input) => exchange(nodePort, input));
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

describe("mutation fuzzing over real sockets", () => {
  const next = random(SEED);
  const cases = Array.from({ length: CASES }, () => mutate(next));

  it("ends every connection with an answer, or a close for blank input", async () => {
    const outcomes = await pool(cases, 32, ({ input }) => exchange(port, input));
    const node = await nodeHttpOutcomes(cases.map(({ input }) => input));
    const silent = cases
      .map((fuzzCase, index) => ({ ...fuzzCase, outcome: outcomes[index]! }))
      .filter(({ outcome }) => outcome.kind === "silent");
    const firstStatus = (outcome: Outcome) =>
      outcome.kind === "answered" ? String(outcome.statuses.find((s) => s !== 100)) : outcome.kind;
    // Silent closes by what the bytes were: blank, or what the parser alone says of them.
    const silentClass = ({ input }: { input: Buffer }) =>
      isBlank(input) ? "blank input" : parserVerdict(input).replace(/: .*/, "");
    console.log(
      [
        `fuzz: ${CASES} cases, seed ${SEED}`,
        `  @ll/server outcomes: ${histogram(outcomes.map((outcome) => outcome.kind))}`,
        `  @ll/server first status: ${histogram(outcomes.map(firstStatus))}`,
        `  @ll/server silent closes by class: ${histogram(silent.map(silentClass))}`,
        `  node:http outcomes: ${histogram(node.map((outcome) => outcome.kind))}`,
        `  node:http first status: ${histogram(node.map(firstStatus))}`,
      ].join("\n"),
    );

    expect(outcomes.filter((outcome) => outcome.kind === "hang").length, "hangs").toBe(0);
    // A silent close is acceptable only when there was nothing to answer.
    expect(
      silent
        .filter(({ input }) => !isBlank(input))
        .slice(0, 5)
        .map(({ input, applied }) => ({
          input: input.toString("latin1"),
          applied,
          parser: parserVerdict(input),
        })),
      "silent closes of non-blank input",
    ).toEqual([]);
    // No answer is a 500: that would be a bug in the server, not bad input.
    expect(outcomes.flatMap((outcome) => outcome.statuses)).not.toContain(500);
    expect(errors, "errors logged by the server").toEqual([]);
  });

  it("still serves afterwards", async () => {
    const response = await fetch(`http://127.0.0.1:${port}/after`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("GET /after 0");
  });
});
