import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as wsModule from "ws";
import { BINARY_OPCODE, dataFrame, TEXT_OPCODE } from "../src/data-frame.js";

// ws's own framing of the same message, as its Sender writes it for a server (unmasked, FIN).
function wsFrame(opcode: number, payload: string | Buffer): Buffer {
  const data = typeof payload === "string" ? Buffer.from(payload) : payload;
  // ws exports its Sender, which @types/ws does not declare.
  const { Sender } = wsModule as unknown as {
    Sender: { frame(data: Buffer, options: Record<string, unknown>): Buffer[] };
  };
  const frame = Sender.frame(data, { fin: true, mask: false, opcode, readOnly: true, rsv1: false });
  return Buffer.concat(frame);
}

function bytes(frame: Buffer | [Buffer, Buffer]): Buffer {
  return Array.isArray(frame) ? Buffer.concat(frame) : frame;
}

describe("dataFrame", () => {
  it("writes the 2-byte header of a short text frame, then its UTF-8", () => {
    expect(dataFrame(TEXT_OPCODE, "hé")).toEqual(Buffer.from([0x81, 3, 0x68, 0xc3, 0xa9]));
    expect(dataFrame(BINARY_OPCODE, Buffer.from([1, 2]))).toEqual(Buffer.from([0x82, 2, 1, 2]));
    expect(dataFrame(TEXT_OPCODE, "")).toEqual(Buffer.from([0x81, 0]));
  });

  it.each([
    [125, [0x81, 125]],
    [126, [0x81, 126, 0, 126]],
    [65_535, [0x81, 126, 0xff, 0xff]],
    [65_536, [0x81, 127, 0, 0, 0, 0, 0, 1, 0, 0]],
  ])("frames %i bytes of text with the length encoding RFC 6455 §5.2 asks for", (length, head) => {
    const frame = dataFrame(TEXT_OPCODE, "a".repeat(length)) as Buffer;
    expect(frame.length).toBe(head.length + length);
    expect([...frame.subarray(0, head.length)]).toEqual(head);
    expect(frame.subarray(head.length).equals(Buffer.alloc(length, "a"))).toBe(true);
  });

  it("copies a small binary payload behind its header, and leaves a large one apart", () => {
    const small = Buffer.alloc(16 * 1024, 1);
    const copied = dataFrame(BINARY_OPCODE, small);
    expect(Buffer.isBuffer(copied)).toBe(true);
    const large = Buffer.alloc(16 * 1024 + 1, 2);
    const [header, payload] = dataFrame(BINARY_OPCODE, large) as [Buffer, Buffer];
    expect(header).toEqual(Buffer.from([0x82, 126, 0x40, 0x01]));
    expect(payload).toBe(large);
  });

  // Three tests, not one: each property gets its own time budget on a loaded CI machine.
  it("writes the same bytes as ws's Sender for any text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 300 }), (text) => {
        expect(dataFrame(TEXT_OPCODE, text)).toEqual(wsFrame(TEXT_OPCODE, text));
      }),
    );
  });

  it("writes UTF-8 for text around the ASCII boundary and with lone surrogates", () => {
    // ASCII text is copied as latin1: the bytes must still be UTF-8's for anything else.
    const unit = fc.constantFrom(
      "a",
      "\x00",
      "\x7f",
      "\x80",
      "\xff",
      "é",
      "\u07ff",
      "\uffff",
      "\ud800",
      "😀",
    );
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 100 }), (text) => {
        expect(dataFrame(TEXT_OPCODE, text)).toEqual(wsFrame(TEXT_OPCODE, text));
      }),
      { numRuns: 60 },
    );
    fc.assert(
      // Any UTF-16 code units, lone surrogates included (fast-check's "binary" unit is slow).
      fc.property(
        fc
          .array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 100 })
          .map((units) => String.fromCharCode(...units)),
        (text) => {
          expect(dataFrame(TEXT_OPCODE, text)).toEqual(wsFrame(TEXT_OPCODE, text));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("writes the same bytes as ws's Sender for any binary payload", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 20_000, size: "max" }), (array) => {
        const payload = Buffer.from(array);
        expect(bytes(dataFrame(BINARY_OPCODE, payload))).toEqual(wsFrame(BINARY_OPCODE, payload));
      }),
      { numRuns: 30 },
    );
    const large = Buffer.alloc(70_000, 3);
    expect(bytes(dataFrame(BINARY_OPCODE, large))).toEqual(wsFrame(BINARY_OPCODE, large));
  });
});
