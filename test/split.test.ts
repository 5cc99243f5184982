import { describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyzeSource, SPLIT_DEFAULTS } from "../src/analyze.js";
import { fileSource } from "../src/input/sources.js";
import { runCli, runCliHere } from "./helpers/cli.js";
import { mixedLog } from "./helpers/nccl-mixed.js";
import { greedyRangeCounter } from "./helpers/range-counter.js";
import { corpusLogs, readWith, sampleLogs, splitSweep, spy } from "./helpers/split-sweep.js";
// @ts-expect-error a plain ES module without types
import { generateLog } from "../bench/generate.mjs";

/**
 * One big file read in two parts (the later part counted on a second thread, see src/parallel/range.ts) must
 * give the report and the events of reading it in one go, wherever it is cut and whether or not the second
 * thread gives up early. Run over every log at hand: the samples, the corpus, a generated bench log and the
 * fast path's look-alike log.
 */

const dir = mkdtempSync(join(tmpdir(), "vd-split-"));
const write = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const generated = write("bench.log", [...(generateLog({ bytes: 400_000, seed: 11 }) as Iterable<string>)].join(""));
// (100 rounds of the mix: every kind of line and look-alike, ten times; the residual cap is met with all 400, the
// UTF-8 one has them for its non-ASCII line)
const mixed = write("mixed.log", mixedLog(100));
const mixedFull = write("mixed-full.log", mixedLog().replace(" ümlaut", ""));
const mixedUtf8 = write("mixed-utf8.log", mixedLog());

const corpus = corpusLogs;
const samples = sampleLogs;

describe("a file read in two parts gives the report of reading it in one", () => {
  const cases: [string, number, number | undefined, number][] = [
    [generated, 0.5, undefined, 1 << 20],
    [generated, 0.2, undefined, 8192],
    [generated, 0.9, 2000, 4096],
    [generated, 0.3, 30_000, 3000],
    [mixed, 0.3, undefined, 1 << 20],
    [mixed, 0.1, undefined, 5000],
    [mixedFull, 0.55, 500, 4096],
    [mixedUtf8, 0.7, undefined, 2048],
  ];
  // (the report of reading a log in one go, read once for all its cases: the same options, so the same report)
  const wholes = new Map<string, Promise<string>>();
  const wholeOf = (path: string) => wholes.get(path) ?? (wholes.set(path, readWith(path, { jobs: 1 })), wholes.get(path)!);
  it.each(cases)("%s cut at %s, residual cap %s, segments of %s bytes", async (path, share, maxResidualChars, segmentBytes) => {
    const whole = await wholeOf(path);
    const s = spy();
    const parts = await readWith(path, { jobs: 2, split: { minBytes: 0, share, segmentBytes, counter: s.counter, ...(maxResidualChars ? { maxResidualChars } : {}) } });
    expect(s.calls).toBe(1);
    expect(parts).toBe(whole);
    const split = { minBytes: 0, share, segmentBytes, counter: greedyRangeCounter().counter, ...(maxResidualChars ? { maxResidualChars } : {}) };
    expect(await readWith(path, { jobs: 2, split }), "every segment counted").toBe(whole);
  });

  it("every sample and every third corpus log, cut once: at a third or at two thirds, shared or counted speculatively", { timeout: 300_000 }, async () => {
    // (every corpus log: test/scale/split-corpus.test.ts)
    const logs = [...samples, ...corpus.filter((_, i) => i % 3 === 0)];
    expect(logs.length).toBeGreaterThanOrEqual(6);
    await splitSweep(logs);
  });

  it("the second thread's counts are in the report: collectives counted there add up", async () => {
    const s = spy();
    const part = await analyzeSource(await fileSource(generated), 0, { jobs: 2, split: { minBytes: 0, share: 0.1, segmentBytes: 8192, counter: s.counter } });
    const whole = await analyzeSource(await fileSource(generated), 0, { jobs: 1, fastPath: false });
    const total = (p: typeof part) => (p.events.find((e) => e.kind === "nccl.activity") as { entries: { collectives: number; trace: number }[] }).entries.reduce((n, e) => n + e.collectives + e.trace, 0);
    expect(s.calls).toBe(1);
    expect(total(part)).toBeGreaterThan(1000);
    expect(total(part)).toBe(total(whole));
  });
});

// what --jobs 1 prints is the baseline, run in this process (runCliHere: the same program, from the sources); what is
// tested, the built CLI with its worker thread, runs as a process of its own (runCli)
describe("the CLI reads a big file on a worker thread", () => {
  it("--jobs 2 with the file cut (hidden --split-min) prints what --jobs 1 prints, for every format that carries facts", { timeout: 120_000 }, async () => {
    // (the text report is rendered from the same report: once, on the mixed log, for the findings' wording)
    for (const [path, formats] of [[generated, ["json"]], [mixed, ["json", "text"]]] as const) {
      for (const format of formats) {
        const one = await runCliHere(["analyze", "--format", format, "--jobs", "1", path]);
        const two = runCli(["analyze", "--format", format, "--jobs", "2", "--split-min", "1", "--chunk-bytes", "8192", path]);
        expect(two.status).toBe(one.status);
        expect(two.stdout).toBe(one.stdout);
        expect(two.stderr).toBe("");
      }
    }
  });

  it("a file past the split size with the default --jobs (the count started before the CLI loaded) prints what --jobs 1 prints", { timeout: 120_000 }, async () => {
    // past a split size lowered with the hidden --split-min (the early count reads it too: test/early.test.ts), and big
    // enough that the part after the first thread's share is two segments
    const min = ["--split-min", "8MiB"];
    const bytes = (8 << 20) + (4 << 20);
    expect(bytes * (1 - SPLIT_DEFAULTS.share)).toBeGreaterThan(SPLIT_DEFAULTS.segmentBytes);
    const big = write("big.log", [...(generateLog({ bytes, seed: 5 }) as Iterable<string>)].join(""));
    const one = await runCliHere(["analyze", "--format", "json", "--jobs", "1", big]);
    const auto = runCli(["analyze", "--format", "json", ...min, big]);
    expect(auto.status).toBe(one.status);
    expect(auto.stdout).toBe(one.stdout);
    expect(auto.stderr).toBe("");
    // --jobs 2, traced: the worker the CLI started before it loaded is the one the analysis used (no second one for the same range)
    const traced = runCli(["analyze", "--format", "json", "--jobs", "2", ...min, big], { env: { ...process.env, VLLM_DOCTOR_DEBUG: "threads" } });
    expect(traced.stdout).toBe(one.stdout);
    expect(traced.stderr).toMatch(/^vllm-doctor\[threads\]: .*big\.log: bytes \d+-\d+ counted from the back on a worker thread started before the CLI loaded\n/);
    // the rest was shared out in segments (how many the other thread took depends on the machine's load: on a busy one this
    // thread may claim them all first; the tests above with a counter on this thread check what a counted segment gives)
    expect(traced.stderr).toMatch(/\nvllm-doctor\[threads\]: .*big\.log: \d+ of \d+ segments read here, \d+ counted on the other thread; /);
    // a user rule sees every line, so nothing is only counted and the file is read in one go: the early count is stopped
    writeFileSync(join(dir, ".vllm-doctor.json"), JSON.stringify({ userRules: [{ id: "team/never", severity: "error", title: "t", message: "m", pattern: "no such text anywhere" }] }));
    try {
      const ruled = runCli(["analyze", "--format", "json", "--jobs", "2", ...min, big], { cwd: dir, env: { ...process.env, VLLM_DOCTOR_DEBUG: "threads" } });
      expect(ruled.status).toBe(one.status);
      expect(JSON.parse(ruled.stdout).facts).toEqual(JSON.parse(one.stdout).facts);
      expect(ruled.stderr).toMatch(/^vllm-doctor\[threads\]: .*big\.log: the count started before the CLI loaded is not used; stopped\n$/);
    } finally {
      rmSync(join(dir, ".vllm-doctor.json"));
    }
  });

  it("with a user rule, --jobs 2 on several files reports what --jobs 1 reports (the rule sees every line either way)", async () => {
    const d = mkdtempSync(join(tmpdir(), "vd-jobs-rule-"));
    writeFileSync(join(d, ".vllm-doctor.json"), JSON.stringify({ userRules: [{ id: "team/quota", severity: "error", title: "quota", message: "quota seen {count} time(s)", pattern: "quota almost exhausted" }] }));
    writeFileSync(join(d, "a.log"), "wrapper: starting\nwrapper: quota almost exhausted (93%)\n");
    writeFileSync(join(d, "b.log"), mixedLog(100));
    const one = await runCliHere(["analyze", "--format", "json", "--jobs", "1", "a.log", "b.log"], { cwd: d });
    const two = runCli(["analyze", "--format", "json", "--jobs", "2", "a.log", "b.log"], { cwd: d });
    expect(one.status).toBe(1);
    expect(JSON.parse(one.stdout).findings.map((f: { ruleId: string }) => f.ruleId)).toContain("team/quota");
    expect(two.status).toBe(one.status);
    expect(two.stdout).toBe(one.stdout);
  });

  it("--jobs wants a number or auto", () => {
    const r = runCli(["analyze", "--jobs", "zero", mixed]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--jobs wants a whole number of at least 1 or 'auto', not 'zero'/);
  });
});
