import { describe, expect, it } from "vitest";
import { mkdtempSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyzeSource, buildReport } from "../src/analyze.js";
import { fileSource } from "../src/input/sources.js";
import { localRangeCounter } from "../src/parallel/split.js";
import { verdictOf } from "../src/rules/verdict.js";

// A log truncated while it is read (logrotate's copytruncate, a job that cleared its log): the reader was told its
// size when it was opened, and the file now ends before it. What was read is a part: the input says so, the
// verdict says "read only in part", and a gate cannot pass on it.
const line = (i: number) => `gpu-node-a:41000:41000 [0] NCCL INFO AllReduce: opCount ${i.toString(16)} sendbuff 0x7f00 recvbuff 0x7f00 count 1024 datatype 7 op 0 root 0 comm 0x55d1a0000000 [nranks=16] stream 0x5555`;
const text = Array.from({ length: 4000 }, (_, i) => line(i)).join("\n") + "\n";

function cutLog(): { path: string; size: number; cutAt: number } {
  const path = join(mkdtempSync(join(tmpdir(), "vd-shrank-")), "run.log");
  writeFileSync(path, text);
  const size = Buffer.byteLength(text);
  return { path, size, cutAt: Math.floor(size / 3) };
}

describe("a file cut while it is read", () => {
  for (const [name, opts] of [
    ["on one thread", { jobs: 1 }],
    ["in a ring of buffers (a big file on one thread)", { jobs: 1, limits: { chunkBytes: 4096 } }],
    ["in two parts", { jobs: 2, split: { minBytes: 0, share: 0.34, segmentBytes: 16384, counter: localRangeCounter } }],
  ] as const) {
    it(`${name}: read in part, named with the byte it ended at and the size it had`, async () => {
      const { path, size, cutAt } = cutLog();
      const source = await fileSource(path);
      truncateSync(path, cutAt);
      const part = await analyzeSource(source, 0, { limits: { chunkBytes: 4096, ...("limits" in opts ? opts.limits : {}) }, ...opts });
      const input = part.state.inputs[0];
      expect(input.error).toBe(`the file was cut while it was read: it ended at byte ${cutAt} of the ${size} it held when opened (rotated or truncated meanwhile?)`);
      expect(input.lines).toBeLessThan(4000);
      const report = buildReport(part.state);
      expect(verdictOf(report.facts, report.findings, report.inputs)).toMatch(/^Read only in part \(the file was cut while it was read: /);
    });
  }

  it("a file read whole is no part: the same file not cut reads every line, with no error", async () => {
    const { path } = cutLog();
    const part = await analyzeSource(await fileSource(path), 0, { jobs: 2, limits: { chunkBytes: 4096 }, split: { minBytes: 0, share: 0.34, segmentBytes: 16384, counter: localRangeCounter } });
    expect(part.state.inputs[0]).toMatchObject({ lines: 4000 });
    expect(part.state.inputs[0].error).toBeUndefined();
  });
});
