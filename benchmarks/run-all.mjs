// `pnpm bench`: runs every benchmarks/*.bench.mjs one after another (they compete for the same
// cores otherwise). `pnpm bench -- parser server` runs only the named ones.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";

const wanted = process.argv.slice(2);
const files = readdirSync(import.meta.dirname)
  .filter((name) => name.endsWith(".bench.mjs"))
  .filter((name) => wanted.length === 0 || wanted.includes(name.replace(".bench.mjs", "")))
  .sort();

let failed = 0;
for (const file of files) {
  console.log(`\n### ${file}\n`);
  const { status } = spawnSync(process.execPath, [file], {
    cwd: import.meta.dirname,
    stdio: "inherit",
  });
  if (status !== 0) failed += 1;
}
process.exit(failed === 0 ? 0 : 1);
