import { execFileSync, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const root = fileURLToPath(new URL("../../..", import.meta.url));

// The fixture is plain JavaScript run by node, so it imports the built packages.
beforeAll(() => {
  execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, "-b"], {
    cwd: packageDir,
    stdio: "inherit",
  });
}, 120_000);

describe("TestClient", () => {
  it("does not keep the process alive when a test forgets close()", () => {
    const result = spawnSync(process.execPath, ["test/fixtures/forgotten-close.mjs"], {
      cwd: packageDir,
      encoding: "utf8",
      // A bound, not a measurement: a process held open by a socket would never exit.
      timeout: 15_000,
    });
    expect(result.stderr).toBe("");
    expect(result.signal).toBeNull();
    expect(result.status).toBe(0);
    expect(result.stdout).toBe("200 left open\nhello\necho ping\n");
  });
});
