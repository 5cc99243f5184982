import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { analyze } from "../../src/analyze.js";
import { writeShape } from "../../bench/generate.mjs";

/**
 * A big job's set-up log names a new process every ~90 lines: tens of thousands in 100 MB. Work per process that grows
 * with what the facts already hold (counting a record's keys at each new one) costs nothing on a small log and most of
 * the time on this one: a change of round 80r38 made it 3.5 times slower, and only the benchmark saw it. Its CPU is
 * measured against the bench's own log of the same size (collective lines, few processes), in this process, so the
 * machine's speed and load move both alike: ~8-9 times as much here, ~22 with that change.
 */
const dir = mkdtempSync(join(tmpdir(), "vd-setup-cost-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cpuSeconds(path: string): Promise<number> {
  global.gc?.();
  const start = process.cpuUsage();
  const { report } = await analyze([path], { jobs: 1 });
  const used = process.cpuUsage(start);
  expect(report.facts.nccl.initComplete).toBeGreaterThan(0);
  return (used.user + used.system) / 1e6;
}

describe("a big job's set-up log", () => {
  it("costs a bounded multiple of a collective log of the same size", { timeout: 600_000 }, async () => {
    const bytes = 100_000_000;
    const wide = join(dir, "wide.log");
    const bare = join(dir, "bare.log");
    await writeShape(wide, "nccl-setup-wide", { bytes });
    await writeShape(bare, "bare", { bytes });
    await cpuSeconds(bare); // warm-up: the readers' code compiled
    // (the least of two each: the scale tests run beside each other)
    const b = Math.min(await cpuSeconds(bare), await cpuSeconds(bare));
    const w = Math.min(await cpuSeconds(wide), await cpuSeconds(wide));
    console.log(`set-up cost: 100 MB of a big job's set-up ${w.toFixed(2)} s CPU, of collectives ${b.toFixed(2)} s (ratio ${(w / b).toFixed(1)})`);
    expect(w / b).toBeLessThan(16);
  });
});
