import { lstatSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

export const CONFIG_NAME = ".vllm-doctor.json";

/**
 * The nearest `.vllm-doctor.json` in `from` or a folder above it, or null. A symlink counts whether or not its target
 * exists: a dangling one is a configuration that cannot be read (exit 2), not a reason to use the one above or none.
 */
export function findConfig(from: string = process.cwd()): string | null {
  let dir = resolve(from);
  for (;;) {
    const p = join(dir, CONFIG_NAME);
    if (lstatSync(p, { throwIfNoEntry: false })) return p;
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}
