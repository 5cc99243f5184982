import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

export const CONFIG_NAME = ".vllm-doctor.json";

/** The nearest `.vllm-doctor.json` in `from` or a folder above it, or null. */
export function findConfig(from: string = process.cwd()): string | null {
  let dir = resolve(from);
  for (;;) {
    const p = join(dir, CONFIG_NAME);
    if (existsSync(p)) return p;
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}
