/**
 * The data of an uploaded file (`FileField.file`): kept in memory while small, spooled to a
 * temporary file once it outgrows {@link SPOOL_MAX_SIZE}, as aiohttp's `SpooledTemporaryFile`.
 */

import { randomUUID } from "node:crypto";
import { createReadStream, unlinkSync } from "node:fs";
import { type FileHandle, open, readFile, unlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";

/** Files up to this size stay in memory (aiohttp's `_FILE_SPOOL_MAX_SIZE`, 1 MiB). */
export const SPOOL_MAX_SIZE = 1024 * 1024;

// Temporary files not removed yet: removed at process exit if the request never finished.
const liveTemporaryFiles = new Set<string>();
let exitHookInstalled = false;

function trackTemporaryFile(path: string): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once("exit", () => {
      for (const file of liveTemporaryFiles) {
        try {
          unlinkSync(file);
        } catch {
          // Already gone.
        }
      }
    });
  }
  liveTemporaryFiles.add(path);
}

/**
 * An uploaded file's bytes: `size`, `read()` (all of it), `stream()` (a `Readable`), and `path`
 * (the temporary file, when it was spooled to disk; `undefined` while in memory). The
 * temporary file is removed when the request ends (the server calls {@link UploadedFile.close})
 * or, failing that, when the process exits: move or copy it elsewhere to keep it.
 */
export class UploadedFile {
  #chunks: Buffer[] = [];
  #size = 0;
  #path: string | undefined;
  #handle: FileHandle | undefined;
  #closed = false;

  /** The size in bytes. */
  get size(): number {
    return this.#size;
  }

  /** The temporary file holding the data, or `undefined` while it is held in memory. */
  get path(): string | undefined {
    return this.#path;
  }

  /** @internal Appends data while the upload is read. */
  async write(chunk: Buffer): Promise<void> {
    if (this.#closed) throw new Error("The uploaded file was closed");
    this.#size += chunk.length;
    if (this.#handle === undefined && this.#size <= SPOOL_MAX_SIZE) {
      this.#chunks.push(chunk);
      return;
    }
    if (this.#handle === undefined) {
      const path = join(tmpdir(), `ll-upload-${randomUUID()}`);
      // "wx" with 0o600: a fresh file only its owner can read.
      this.#handle = await open(path, "wx", 0o600);
      this.#path = path;
      trackTemporaryFile(path);
      const buffered = Buffer.concat(this.#chunks);
      this.#chunks = [];
      await this.#handle.write(buffered);
    }
    await this.#handle.write(chunk);
  }

  /** @internal Ends the upload: the data is complete. */
  async end(): Promise<void> {
    const handle = this.#handle;
    this.#handle = undefined;
    await handle?.close();
  }

  /** Reads the whole content (into memory: mind the size). */
  async read(): Promise<Buffer> {
    if (this.#closed) throw new Error("The uploaded file was closed");
    return this.#path === undefined
      ? Buffer.concat(this.#chunks, this.#size)
      : readFile(this.#path);
  }

  /** A stream of the content, from the temporary file when spooled. */
  stream(): Readable {
    if (this.#closed) throw new Error("The uploaded file was closed");
    return this.#path === undefined ? Readable.from(this.#chunks) : createReadStream(this.#path);
  }

  /** Frees the data and removes the temporary file, if any (idempotent). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#chunks = [];
    await this.end();
    const path = this.#path;
    if (path !== undefined) {
      liveTemporaryFiles.delete(path);
      await unlink(path).catch(() => undefined);
    }
  }
}
