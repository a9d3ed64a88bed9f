import { EventEmitter } from "node:events";
import type { StreamWriterSink } from "../../src/index.js";

/**
 * A socket stand-in for writer tests: records every byte and how writes were grouped (`flushes`:
 * a write outside cork(), or all the writes made under one cork()), and lets a test say when it
 * needs a drain, or close or fail it.
 */
export class FakeSink extends EventEmitter implements StreamWriterSink {
  readonly flushes: Buffer[] = [];
  writableNeedDrain = false;
  destroyed = false;
  writableEnded = false;
  /** What write() answers; `false` also sets writableNeedDrain, like a Writable over its mark. */
  accept = true;
  #corked = 0;
  #batch: Buffer[] = [];

  write(chunk: Buffer): boolean {
    if (this.#corked > 0) this.#batch.push(chunk);
    else this.flushes.push(Buffer.from(chunk));
    if (!this.accept) this.writableNeedDrain = true;
    return this.accept;
  }

  cork(): void {
    this.#corked++;
  }

  uncork(): void {
    if (--this.#corked === 0 && this.#batch.length > 0) {
      this.flushes.push(Buffer.concat(this.#batch));
      this.#batch = [];
    }
  }

  /** Everything written so far, as Latin-1. */
  text(): string {
    return Buffer.concat(this.flushes).toString("latin1");
  }

  bytes(): Buffer {
    return Buffer.concat(this.flushes);
  }

  drain(): void {
    this.accept = true;
    this.writableNeedDrain = false;
    this.emit("drain");
  }

  destroy(error?: Error): void {
    this.destroyed = true;
    if (error !== undefined) this.emit("error", error);
    this.emit("close");
  }
}

/** Whether `promise` has settled by the time pending callbacks ran. */
export async function isSettled(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return settled;
}

/** Splits a chunked body into its chunks' data, checking the framing byte by byte. */
export function unchunk(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let position = 0;
  for (;;) {
    const lineEnd = body.indexOf("\r\n", position);
    if (lineEnd === -1) throw new Error("chunk size line without CRLF");
    const sizeText = body.subarray(position, lineEnd).toString("latin1");
    if (!/^[0-9a-f]+$/.test(sizeText))
      throw new Error(`bad chunk size ${JSON.stringify(sizeText)}`);
    const size = Number.parseInt(sizeText, 16);
    position = lineEnd + 2;
    if (size === 0) {
      if (body.subarray(position).toString("latin1") !== "\r\n")
        throw new Error("bytes after the last chunk");
      return Buffer.concat(parts);
    }
    parts.push(body.subarray(position, position + size));
    position += size;
    if (body.subarray(position, position + 2).toString("latin1") !== "\r\n")
      throw new Error("no CRLF after chunk data");
    position += 2;
  }
}
