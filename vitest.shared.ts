import type { ViteUserConfig } from "vitest/config";

const conditions = ["@ll/source", "node", "import", "default"];

/**
 * Shared vitest settings: tests resolve sibling `@ll/*` packages to their TypeScript source
 * (the `@ll/source` export condition), so a change is tested without a build, and each run
 * leaves its JSON results beside the package for `.ci/run` to count.
 */
export const sharedConfig: ViteUserConfig = {
  resolve: { conditions },
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
