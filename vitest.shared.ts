import { fileURLToPath } from "node:url";
import type { ViteUserConfig } from "vitest/config";

const conditions = ["@ll/source", "node", "import", "default"];

// @ll/test-utils depends on @ll/server, @ll/runner and @ll/websocket, so their tests cannot list
// it as a devDependency (the workspace graph would have a cycle): they reach its source here,
// and through `paths` in their test/tsconfig.json.
const testUtils = fileURLToPath(new URL("packages/test-utils/src/index.ts", import.meta.url));

/**
 * Shared vitest settings: tests resolve sibling `@ll/*` packages to their TypeScript source
 * (the `@ll/source` export condition), so a change is tested without a build, and each run
 * leaves its JSON results beside the package for `.ci/run` to count. `@ll/test-utils` resolves to
 * its source from every package, dependency or not.
 */
export const sharedConfig: ViteUserConfig = {
  resolve: { conditions, alias: { "@ll/test-utils": testUtils } },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: ["test/**/*.test.ts"],
    environment: "node",
    testTimeout: 20_000,
    hookTimeout: 20_000,
    reporters: ["default", "json"],
    outputFile: { json: ".vitest-results.json" },
  },
};
