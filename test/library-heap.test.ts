import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers/cli.js";

const probe = () => {
  const r = spawnSync(process.execPath, [join(ROOT, "test", "helpers", "gc-probe.mjs"), join(ROOT, "dist", "src", "index.js"), join(ROOT, "samples", "cuda-oom.log")], { encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { off: number; on: number; rss: boolean };
};

describe("the library in a caller's process", () => {
  it("forces no full garbage collection of the caller's heap; the command's option does, each call", () => {
    // ten calls without the option, then ten with it, in one process (a Node start and the bundle's load each)
    const { off, on, rss } = probe();
    expect(rss).toBe(true);
    // V8 may run a full collection or two of its own (start-up, the 200 MB buffer); ten forced ones would show
    expect(off).toBeLessThan(5);
    expect(on).toBeGreaterThanOrEqual(10);
  });
});
