import { HttpProcessingError, HttpRequestParser } from "@ll/http-protocol";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mutate, random } from "./helpers/mutations.js";

/** Everything the parser reports for `parts` fed one after another, then EOF, as one string. */
function parse(parts: readonly Buffer[]): string {
  const events: string[] = [];
  const parser = new HttpRequestParser({
    onMessage: (message) => events.push(`head ${message.method} ${message.path}`),
    onBody: (chunk) => events.push(`body ${chunk.toString("latin1")}`),
    onMessageComplete: () => events.push("end"),
  });
  try {
    for (const part of parts) parser.feedData(part);
    parser.feedEof();
  } catch (error) {
    // Bad input must come out as a protocol error, never as anything else.
    if (!(error instanceof HttpProcessingError)) throw error;
    // The status is what a client sees. The class can differ by split for input with several
    // defects: a partial head is checked line by line as it arrives, a whole one start line first.
    events.push(`error ${error.code}`);
  }
  // Body pieces depend on the split; their concatenation does not.
  return events.join("\n").replace(/\nbody /g, "");
}

describe("HttpRequestParser under mutation fuzzing", () => {
  it("gives the same verdict, a protocol error at worst, for every split of mutated input", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 6 }),
        (seed, cuts) => {
          const { input } = mutate(random(seed));
          const whole = parse([input]);
          const offsets = [...new Set(cuts.map((cut) => cut % (input.length + 1)))].sort(
            (a, b) => a - b,
          );
          const parts: Buffer[] = [];
          let from = 0;
          for (const offset of offsets) {
            parts.push(input.subarray(from, offset));
            from = offset;
          }
          parts.push(input.subarray(from));
          expect(parse(parts), JSON.stringify({ input: input.toString("latin1"), offsets })).toBe(
            whole,
          );
        },
      ),
      { numRuns: 3000, seed: 20261201 },
    );
  });
});
