import { expect } from "vitest";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { analyzeSource, buildReport, type AnalyzeOptions } from "../../src/analyze.js";
import { fileSource } from "../../src/input/sources.js";
import { localRangeCounter, type RangeCounter } from "../../src/parallel/split.js";
import { greedyRangeCounter } from "./range-counter.js";

const logsIn = (d: string) => (existsSync(d) ? readdirSync(d).filter((f) => f.endsWith(".log")).sort().map((f) => join(d, f)) : []);
/** the corpus beside the project (../shared/corpus), when there is one */
export const corpusLogs = ["vllm", "nccl"].flatMap((c) => logsIn(join(__dirname, "..", "..", "..", "shared", "corpus", c)));
export const sampleLogs = logsIn(join(__dirname, "..", "..", "samples"));

/** The report and the events of reading `path` with `opts` (4 KiB chunks), as one string to compare. */
export async function readWith(path: string, opts: AnalyzeOptions): Promise<string> {
  const part = await analyzeSource(await fileSource(path), 0, { limits: { chunkBytes: 4096 }, ...opts });
  return JSON.stringify({ report: buildReport(part.state), events: part.events });
}

/** a range counter on this thread that says how often it ran */
export function spy(): { counter: RangeCounter; calls: number } {
  const s = { calls: 0, counter: ((job, onBytes) => (s.calls++, localRangeCounter(job, onBytes))) as RangeCounter };
  return s;
}

/**
 * Every log read whole and cut once, to the same report and events; the cut and the way the rest is counted go round
 * by the log's index, so each of the four pairs (a third or two thirds; shared, or every segment after the cut counted
 * speculatively) is met on a quarter of the logs.
 */
export async function splitSweep(logs: readonly string[]): Promise<void> {
  let spied = 0;
  let split = 0;
  for (const [i, path] of logs.entries()) {
    const whole = await readWith(path, { jobs: 1 });
    const share = i % 2 === 0 ? 0.34 : 0.67;
    if ((i >> 1) % 2 === 0) {
      // the usual sharing (this thread from the front, the worker from the back)
      const s = spy();
      expect(await readWith(path, { jobs: 2, split: { minBytes: 0, share, segmentBytes: 4096, counter: s.counter } }), `${path} at ${share}`).toBe(whole);
      spied++;
      split += s.calls;
    } else {
      // every segment after the cut counted speculatively
      expect(await readWith(path, { jobs: 2, split: { minBytes: 0, share, segmentBytes: 4096, counter: greedyRangeCounter().counter } }), `${path} at ${share}, counted`).toBe(whole);
    }
  }
  // most logs can be cut (not JSON, a line end after the cut point)
  expect(split).toBeGreaterThan(spied / 2);
}
