import { describe, expect, it } from "vitest";
import { mkdtempSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { earlyJob } from "../src/parallel/early.js";
import { DEFAULT_LIMITS } from "../src/input/sources.js";
import { DEFAULT_MAX_LINE_CHARS } from "../src/input/lines.js";
import { SPLIT_DEFAULTS, splitPoint } from "../src/input/split-point.js";

/**
 * The CLI starts counting the later part of one big file before it has loaded (src/parallel/early.ts); the
 * analysis takes that count over only when it asks for exactly the same range. These pin down which command
 * lines start one and that the range is the one the analysis computes.
 */

const dir = mkdtempSync(join(tmpdir(), "vd-early-"));
const big = join(dir, "big.log");
const line = "gpu-node-a:41000:41000 [0] NCCL INFO AllReduce: opCount 1 sendbuff 0x1 recvbuff 0x2 count 8 datatype 7 op 0 root 0 comm 0x55 [nranks=2] stream 0x9\n";
writeFileSync(big, line.repeat(Math.ceil((SPLIT_DEFAULTS.minBytes + 4096) / line.length)));
const small = join(dir, "small.log");
writeFileSync(small, line.repeat(10));
const argv = (...args: string[]) => ["node", "vllm-doctor", ...args];
const cores = Math.min(availableParallelism(), 8);

describe("earlyJob reads the command line as the CLI does", () => {
  it("one big file: the range the analysis will ask for", () => {
    const size = statSync(big).size;
    const expected = {
      path: big,
      start: splitPoint(big, Math.floor(size * SPLIT_DEFAULTS.share)),
      end: size,
      chunkBytes: DEFAULT_LIMITS.chunkBytes,
      maxLineChars: DEFAULT_MAX_LINE_CHARS,
      maxResidualChars: SPLIT_DEFAULTS.maxResidualChars,
      segmentBytes: SPLIT_DEFAULTS.segmentBytes,
    };
    expect(expected.start).toBeGreaterThan(0);
    for (const args of [
      ["analyze", "--jobs", "2", big],
      ["analyze", "--format", "json", "-o", join(dir, "out.json"), "-j", "2", big],
      ["--debug", "analyze", big, "--redact", "--jobs=4"],
      ["analyze", "-j", "2", "--", big],
      // (the hidden --split-min lowers the size a file is read in two parts from, for the early count too)
      ["analyze", "-j", "2", "--split-min", "1", big],
      ["analyze", "--split-min=1MiB", "-j", "2", big],
    ]) {
      expect(earlyJob(argv(...args)), args.join(" ")).toEqual(expected);
    }
    expect(earlyJob(argv("analyze", big))).toEqual(cores >= 2 ? expected : null);
  });

  it("no early count: one thread, several inputs, stdin, small files, other commands, options it does not know", () => {
    for (const args of [
      ["analyze", "--jobs", "1", big],
      ["analyze", "-j", "2", big, small],
      ["analyze", "-j", "2", "-"],
      ["analyze", "-j", "2", small],
      ["check", "-j", "2", big],
      ["analyze", "-j", "2", "--follow", big],
      ["analyze", "-j", "2", "--chunk-bytes", "4096", big],
      ["analyze", "-j", "2", "--split-min", "1GiB", big],
      ["analyze", "-j", "2", "--split-min", "lots", big],
      ["analyze", "-j", "2", "-h", big],
      ["analyze", "-j", "2", dir],
    ]) {
      expect(earlyJob(argv(...args)), args.join(" ")).toBeNull();
    }
  });

  it("a missing file throws (the CLI ignores it and reports the file the usual way)", () => {
    expect(() => earlyJob(argv("analyze", "-j", "2", join(dir, "nope.log")))).toThrow();
  });
});
