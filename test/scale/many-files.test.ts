import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { analyze } from "../../src/analyze.js";

// the merging work, counted: every mergeStates copies both sides' lists of inputs
const work = vi.hoisted(() => ({ copied: 0 }));
vi.mock("../../src/facts/state.js", async (original) => {
  const m = await original<typeof import("../../src/facts/state.js")>();
  return {
    ...m,
    mergeStates: (a: Parameters<typeof m.mergeStates>[0], b: Parameters<typeof m.mergeStates>[1]) => {
      work.copied += a.inputs.length + b.inputs.length;
      return m.mergeStates(a, b);
    },
  };
});

/**
 * Issue 17 §5: 10,000 tiny files took 11 s and 50,000 took 92.5 s (worse than linear: each file's state was merged
 * into the total, copying its list of inputs every time, and each file's first read took a 1 MiB buffer). The cost
 * per file must not grow with the number of files: the CPU time of 25,000 files is measured against 5,000 (five
 * times the files; linear is 5, the old code took 8.4 times as long for 50,000 as for 10,000), in this process,
 * so the machine's load moves both alike. (`node bench/many-files.mjs 10000 50000` times the sizes.)
 */
const root = mkdtempSync(join(tmpdir(), "vd-many-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function tinyFiles(n: number): string {
  const dir = join(root, String(n));
  mkdirSync(dir);
  for (let i = 0; i < n; i++) writeFileSync(join(dir, `f${String(i).padStart(6, "0")}.log`), `node-${i % 7}:1:2 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[1] via P2P/IPC\n`);
  return dir;
}

async function cpuSeconds(dir: string, n: number): Promise<number> {
  global.gc?.();
  work.copied = 0;
  const start = process.cpuUsage();
  const { report } = await analyze([dir], { jobs: 1 });
  const used = process.cpuUsage(start);
  expect(report.inputs).toHaveLength(n);
  expect(report.facts.nccl.transports["P2P/IPC"]).toBe(n);
  // merged as a binary counter: each input is copied about log2(n) times (one by one it would be n²/2 in all)
  expect(work.copied).toBeLessThan(n * (Math.log2(n) + 3));
  return (used.user + used.system) / 1e6;
}

describe("many small files", () => {
  it("cost the same per file at 5,000 and 25,000 files", { timeout: 600_000 }, async () => {
    const small = tinyFiles(5_000);
    const large = tinyFiles(25_000);
    await cpuSeconds(small, 5_000); // warm-up: the readers' code compiled
    const a = await cpuSeconds(small, 5_000);
    const b = await cpuSeconds(large, 25_000);
    console.log(`many files: 5,000 in ${a.toFixed(2)} s CPU, 25,000 in ${b.toFixed(2)} s CPU (ratio ${(b / a).toFixed(2)}; linear is 5)`);
    // (a loose bound on the time: the exact bound is the count of the merging work above)
    expect(b / a).toBeLessThan(7);
  });
});
