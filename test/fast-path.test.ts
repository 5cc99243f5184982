import { describe, expect, it } from "vitest";
import { analyzeSource, buildReport } from "../src/analyze.js";
import { memorySource } from "../src/input/memory.js";
import type { Report } from "../src/facts/schema.js";
import { mixedLog } from "./helpers/nccl-mixed.js";

/**
 * The counting fast path (src/events/fast.ts, the NCCL reader's line counter) must count exactly what the
 * ordinary path (records, peel, readers) would. These logs mix plain COLL and TRACE lines with lines that
 * look like them but must not be counted the fast way: the report must be the same with the fast path on
 * and off, whatever the chunk size and the line cap.
 */

/** The report and the kept events (among them the NCCL activity counters). */
async function reportOf(text: string, fastPath: boolean, chunkBytes: number, maxLineChars?: number): Promise<{ report: Report; events: unknown[] }> {
  const part = await analyzeSource(memorySource("mixed.log", text), 0, { fastPath, limits: { chunkBytes }, maxLineChars });
  return { report: buildReport(part.state, part.events), events: part.events };
}

describe("the counting fast path counts what the ordinary path reads", () => {
  const log = mixedLog();

  it("same report with the fast path on and off (one chunk of ASCII)", async () => {
    const ascii = log.replace(" ümlaut", "");
    const slow = await reportOf(ascii, false, 8 << 20);
    const fast = await reportOf(ascii, true, 8 << 20);
    // the log was read: collectives were counted on every communicator, and TRACE lines per process
    const activity = slow.events.find((e) => (e as { kind: string }).kind === "nccl.activity") as { entries: { host: string; comm: string | null; collectives: number; trace: number; lastOpCount: string | null }[] };
    const entry = (host: string, comm: string | null) => activity.entries.find((e) => e.host === host && e.comm === comm);
    expect(entry("node-b", "0x55d0c9a1b3c0")?.collectives).toBeGreaterThanOrEqual(400);
    expect(entry("node-a", "0x55d0c9a1b2c0")?.lastOpCount).toBe((399).toString(16));
    expect(entry("node-a", null)?.collectives).toBeGreaterThanOrEqual(400);
    expect(slow.report.facts.nccl.rankMap.find((r) => r.rank === 1)?.lastOpCount).toBe(399);
    expect(JSON.stringify(fast)).toBe(JSON.stringify(slow));
  });

  it("same report for chunks of 1 B, 7 B, 4 KiB and 64 KiB, and with a line cap of 120 characters", async () => {
    const slow = JSON.stringify(await reportOf(log, false, 8 << 20));
    for (const chunk of [1, 7, 4096, 65536]) expect(JSON.stringify(await reportOf(log, true, chunk)), `chunk ${chunk}`).toBe(slow);
    const capped = JSON.stringify(await reportOf(log, false, 8 << 20, 120));
    expect(JSON.stringify(await reportOf(log, true, 4096, 120))).toBe(capped);
  }, 120_000);

  it("same report when the log ends without a newline and when it is CRLF", async () => {
    for (const text of [log.trimEnd(), log.replace(/\n/g, "\r\n")]) {
      expect(JSON.stringify(await reportOf(text, true, 4096))).toBe(JSON.stringify(await reportOf(text, false, 4096)));
    }
  }, 60_000);
});
