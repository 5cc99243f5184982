import { describe, expect, it } from "vitest";
import { analyzeSource, buildReport, type AnalyzeOptions } from "../src/analyze.js";
import { memorySource } from "../src/input/memory.js";
import { runtimeFastLines } from "../src/events/read-runtime.js";
import { debugServerLog } from "./helpers/debug-log.js";

/*
 * The quiet-line fast path (learnQuiet, src/events/read-runtime.ts): a vLLM INFO or DEBUG record every reader read to
 * nothing, at rest before and after, is counted from the bytes when its like comes again while every reader is at rest.
 * The report and the events must be those of reading every line the ordinary way.
 */

async function read(text: string, opts: AnalyzeOptions = {}, chunkBytes = 16384) {
  const part = await analyzeSource(memorySource("server.log", text), 0, { limits: { chunkBytes }, jobs: 1, ...opts });
  return JSON.stringify({ report: buildReport(part.state), events: part.events });
}

/** lines the runtime fast path counted while `f` ran */
async function counted<T>(f: () => Promise<T>): Promise<[T, number]> {
  const before = runtimeFastLines.count;
  const out = await f();
  return [out, runtimeFastLines.count - before];
}

const kubectl = (l: string, i: number) => `2026-12-07T10:${String(i % 60).padStart(2, "0")}:00.${String(i % 1e9).padStart(9, "0")}Z ${l}`;
const compose = (l: string) => `vllm-head-1  | ${l}`;

describe("a DEBUG-level server log's repeated lines", () => {
  it("read to the report and events of the ordinary way, bare, behind kubectl's and compose's wrappers and with CRLF, in any chunk size", async () => {
    const logs = [
      debugServerLog({ seed: 1, blocks: 150 }),
      debugServerLog({ seed: 2, blocks: 150, wrap: kubectl }),
      debugServerLog({ seed: 3, blocks: 150, wrap: compose }),
      debugServerLog({ seed: 4, blocks: 150, crlf: true }),
    ];
    for (const text of logs) {
      const lines = text.split("\n").length - 1;
      const slow = await read(text, { fastPath: false });
      for (const chunk of [4096, 65536]) {
        const [fast, n] = await counted(() => read(text, {}, chunk));
        expect(fast, `${text.slice(0, 80)} / ${chunk}`).toBe(slow);
        // most of the quiet lines were counted, not read (about 6 in 7 of the lines are quiet ones)
        expect(n, `${text.slice(0, 80)} / ${chunk}`).toBeGreaterThan(lines / 3);
      }
    }
  }, 60_000);

  it("counts none while a traceback, a launch command or a benchmark block is open, nor with a user rule's patterns", async () => {
    const line = (t: string) => `(EngineCore_DP0 pid=7) DEBUG 12-07 10:00:${t} [core.py:781] EngineCore loop active.`;
    const open = [
      ["Traceback (most recent call last):", '  File "/srv/app/main.py", line 12, in <module>'],
      ["$ vllm serve Qwen/Qwen3-8B \\"],
      ["============ Serving Benchmark Result ============", "Successful requests:                     100"],
    ];
    for (const head of open) {
      // learnt first (read to nothing at rest), then the same text inside the open block
      const text = [line("01"), line("02"), ...head, ...Array.from({ length: 40 }, (_, i) => line(String(10 + i))), "ValueError: done", ""].join("\n");
      const [fast] = await counted(() => read(text, {}, 4096));
      expect(fast, head[0]).toBe(await read(text, { fastPath: false }));
    }
    const text = debugServerLog({ seed: 9, blocks: 40 });
    const seen: number[] = [];
    const [, none] = await counted(() => read(text, { recordPatterns: { patterns: [/loop active/], onRecord: (r) => void seen.push(r.line) } }, 4096));
    expect(none).toBe(0);
    // (every line was read as a record, one that holds a glued record as two)
    expect(seen.length).toBeGreaterThanOrEqual(text.split("\n").length - 1);
  });
});

describe("a quiet text learnt behind one process's prefix", () => {
  it("is counted behind another process's too (two data-parallel engine cores print the same lines)", async () => {
    const lines: string[] = [];
    for (let i = 0; i < 400; i++) {
      const t = `10:00:${String(i % 60).padStart(2, "0")}`;
      lines.push(`(EngineCore_DP0 pid=2412) DEBUG 12-07 ${t} [core.py:781] EngineCore loop active.`, `(EngineCore_DP1 pid=2413) DEBUG 12-07 ${t} [core.py:781] EngineCore loop active.`);
    }
    const text = lines.join("\n") + "\n";
    const [fast, n] = await counted(() => read(text, {}, 4096));
    expect(fast).toBe(await read(text, { fastPath: false }));
    // (DP1's lines all went the ordinary way: its prefix was never learnt, the text being known from DP0's)
    expect(n).toBeGreaterThan(lines.length - 20);
  });
});
