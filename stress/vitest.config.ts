import { defineConfig } from "vitest/config";
import { sharedConfig } from "../vitest.shared.js";

// Each file starts servers and many clients; running them one after another keeps a 2-core CI
// machine's load, and so every file's bounds, predictable.
export default defineConfig({
  ...sharedConfig,
  test: { ...sharedConfig.test, fileParallelism: false, testTimeout: 60_000 },
});
