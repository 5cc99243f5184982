import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The package folder (holding package.json and docs/), found upward from this module in src/ or dist/src/. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "docs"))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error("cannot find the vllm-doctor package folder");
    dir = up;
  }
}

/** The text of a rule's documentation page, or null when it is missing. */
export function readRuleDoc(docs: string): string | null {
  const p = join(packageRoot(), docs);
  return existsSync(p) ? readFileSync(p, "utf8") : null;
}
