// Generates the API reference (docs/api/<package>.md) from the TSDoc comments with TypeDoc.
// `node scripts/docs-api.mjs --check` regenerates into a temporary folder and fails when
// docs/api differs, so the reference never drifts from the code.
import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const PACKAGES = ["http-protocol", "server", "runner", "websocket", "test-utils"];
const raw = mkdtempSync(join(tmpdir(), "ll-typedoc-"));
execFileSync("node_modules/.bin/typedoc", ["--out", raw], {
  stdio: ["ignore", "ignore", "inherit"],
});

// TypeDoc names a module after its folder ("server/src"): rename to one page per package.
const pages = new Map();
for (const name of PACKAGES) {
  let text = readFileSync(join(raw, name, "src.md"), "utf8");
  text = text.replace(
    /^# .*\n/,
    `# @ll/${name} API reference\n\nGenerated from the TSDoc comments by \`pnpm docs:api\`: do not edit.\n`,
  );
  text = text.replace(/\]\(\.\.\/([a-z-]+)\/src\.md(#[^)]*)?\)/g, "](./$1.md$2)");
  text = text.replace(/\]\(src\.md(#[^)]*)?\)/g, "]($1)");
  pages.set(`${name}.md`, text);
}
pages.set(
  "index.md",
  `# API reference\n\nGenerated from the TSDoc comments by \`pnpm docs:api\`. \`@ll/web\` re-exports all of it but \`@ll/test-utils\` (a dev dependency).\n\n${PACKAGES.map((name) => `- [@ll/${name}](./${name}.md)`).join("\n")}\n`,
);
rmSync(raw, { recursive: true, force: true });

const target = "docs/api";
if (process.argv.includes("--check")) {
  const stale = [...pages].filter(
    ([file, text]) =>
      !existsSync(join(target, file)) || readFileSync(join(target, file), "utf8") !== text,
  );
  const extra = existsSync(target) ? readdirSync(target).filter((file) => !pages.has(file)) : [];
  if (stale.length > 0 || extra.length > 0) {
    console.error(
      `docs/api is out of date (${[...stale.map(([file]) => file), ...extra].join(", ")}): run pnpm docs:api`,
    );
    process.exit(1);
  }
  console.log("docs/api is up to date");
} else {
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  for (const [file, text] of pages) writeFileSync(join(target, file), text);
}
