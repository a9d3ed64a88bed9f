import { existsSync, statSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SPOOL_MAX_SIZE, UploadedFile } from "../src/uploaded-file.js";

describe("UploadedFile", () => {
  it("keeps small data in memory", async () => {
    const file = new UploadedFile();
    await file.write(Buffer.from("ab"));
    await file.write(Buffer.from("c"));
    await file.end();
    expect(file.size).toBe(3);
    expect(file.path).toBeUndefined();
    expect((await file.read()).toString()).toBe("abc");
    await file.close();
    await expect(file.read()).rejects.toThrow("The uploaded file was closed");
  });

  it("spools to a private temporary file past the limit and removes it on close", async () => {
    const file = new UploadedFile();
    await file.write(Buffer.alloc(SPOOL_MAX_SIZE, 1));
    expect(file.path).toBeUndefined();
    await file.write(Buffer.from([2]));
    await file.end();
    const path = file.path!;
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const data = await file.read();
    expect(data.length).toBe(SPOOL_MAX_SIZE + 1);
    expect(data[SPOOL_MAX_SIZE]).toBe(2);
    await file.close();
    await file.close();
    expect(existsSync(path)).toBe(false);
  });
});
