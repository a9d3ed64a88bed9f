// Sums vitest's JSON reports (`.vitest-results.json` beside each package and example) into the
// one line CI reads. Exits non-zero when a test or a test file failed, or when no test ran.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const roots = ["packages", "examples", "benchmarks", "stress"];
const reports = [];
const visit = (dir, depth) => {
  if (existsSync(join(dir, ".vitest-results.json")))
    reports.push(join(dir, ".vitest-results.json"));
  if (depth === 0) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory() && entry.name !== "node_modules" && !entry.name.startsWith(".")) {
      visit(join(dir, entry.name), depth - 1);
    }
  }
};
for (const root of roots) if (existsSync(root)) visit(root, 2);

let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of reports) {
  const report = JSON.parse(readFileSync(file, "utf8"));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + (report.numTodoTests ?? 0);
  // A test file that fails to load has no test results but must still count as a failure.
  for (const suite of report.testResults ?? []) {
    if (suite.status === "failed" && (suite.assertionResults ?? []).length === 0) failed += 1;
  }
}
console.log(`ci: ${reports.length} vitest reports, ${skipped} skipped`);
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
