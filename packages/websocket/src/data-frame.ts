/** RFC 6455 §5.2 opcodes of the data frames a server sends. @internal */
export const TEXT_OPCODE = 0x1;
/** @internal */
export const BINARY_OPCODE = 0x2;

// A binary payload up to this size is copied behind its header, so the frame is one buffer
// (one plain write instead of a writev of two); a larger one is not worth the copy.
const COPY_LIMIT = 16 * 1024;

/**
 * A whole, unmasked, uncompressed data frame (RFC 6455 §5.2: FIN set, no RSV bits), as a
 * server sends it. This is the one frame the send hot path writes itself rather than through
 * `ws`'s `Sender`: the text is encoded straight behind the header, and a small binary payload
 * is copied there, so each message is one buffer and one write. Larger binary payloads come
 * back as the header and the payload, unchanged.
 * @internal
 */
export function dataFrame(opcode: number, payload: string | Buffer): Buffer | [Buffer, Buffer] {
  if (typeof payload === "string") {
    const length = Buffer.byteLength(payload);
    const frame = Buffer.allocUnsafe(headerLength(length) + length);
    const start = writeHeader(frame, opcode, length);
    // As many UTF-8 bytes as UTF-16 units: all ASCII (any other unit takes 2 bytes or more),
    // whose UTF-8 is its latin1, a plain copy; UTF-8 encoding checks every character.
    if (length === payload.length) frame.write(payload, start, "latin1");
    else frame.write(payload, start);
    return frame;
  }
  const length = payload.length;
  if (length > COPY_LIMIT) {
    const header = Buffer.allocUnsafe(headerLength(length));
    writeHeader(header, opcode, length);
    return [header, payload];
  }
  const frame = Buffer.allocUnsafe(headerLength(length) + length);
  payload.copy(frame, writeHeader(frame, opcode, length));
  return frame;
}

function headerLength(length: number): number {
  return length < 126 ? 2 : length < 0x10000 ? 4 : 10;
}

/** Writes the header of a frame of `length` payload bytes; returns where the payload goes. */
function writeHeader(frame: Buffer, opcode: number, length: number): number {
  frame[0] = 0x80 | opcode;
  if (length < 126) {
    frame[1] = length;
    return 2;
  }
  if (length < 0x10000) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
    return 4;
  }
  frame[1] = 127;
  // A 64-bit length; a Buffer is far below 2^53 bytes, so the high half fits a uint32.
  frame.writeUInt32BE(Math.floor(length / 0x100000000), 2);
  frame.writeUInt32BE(length >>> 0, 6);
  return 10;
}
