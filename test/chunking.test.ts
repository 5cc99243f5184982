import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { runCli, runCliHere, runJsonHere } from "./helpers/cli.js";
import { analyzeSource, buildReport } from "../src/analyze.js";
import { memorySource } from "../src/input/memory.js";
// @ts-expect-error a plain ES module without types
import { generateLog } from "../bench/generate.mjs";

/** Issue 6 "must show": the report is identical for any chunk size (1 byte to 8 MB) and for --jobs 1 vs --jobs 2. */

const MB = 1 << 20;
const log = Buffer.from([...(generateLog({ bytes: 160_000, seed: 3 }) as Iterable<string>)].join(""));
// the generated log plus the records that keep state across lines (a traceback, a WARN after a blank line, CRs)
const extra = Buffer.from(
  [
    "",
    "gpu-node-a:41000:41140 [0] misc/socket.cc:484 NCCL WARN socketStartConnect: Connect to 10.20.0.12<43117> failed : Connection refused",
    "(EngineCore_DP0 pid=40995) ERROR 07-25 10:19:01 [core.py:700] EngineCore failed to start.",
    "(EngineCore_DP0 pid=40995) ERROR 07-25 10:19:01 [core.py:700] Traceback (most recent call last):",
    '(EngineCore_DP0 pid=40995) ERROR 07-25 10:19:01 [core.py:700]   File "/usr/lib/python3/site-packages/vllm/v1/engine/core.py", line 691, in run_engine_core',
    "(EngineCore_DP0 pid=40995) ERROR 07-25 10:19:01 [core.py:700]     raise e",
    "(EngineCore_DP0 pid=40995) ERROR 07-25 10:19:01 [core.py:700] torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/NCCLUtils.hpp:317, unhandled system error",
    "progress 10%\rprogress 50%\rprogress 100%\r",
    "",
  ].join("\n"),
);
const bytes = Buffer.concat([log, extra]);

async function jsonOf(input: Buffer, chunkBytes: number): Promise<string> {
  const part = await analyzeSource(memorySource("run.log", input), 0, { limits: { chunkBytes } });
  return JSON.stringify(buildReport(part.state, part.events));
}

describe("chunk size does not change the report", () => {
  // (the report of the plain log in one chunk, read once for the tests below)
  let plainReport: Promise<string> | undefined;
  const plainJson = () => (plainReport ??= jsonOf(bytes, 8 * MB));

  it("1 B, 2 B, 3 B, 7 B, 64 B, 4 KiB, 64 KiB, 1 MiB, 8 MiB chunks give byte-identical JSON", async () => {
    const reference = await plainJson();
    const r = JSON.parse(reference);
    // the log was read, so the comparison means something
    expect(r.facts.kvCache.tokens).toBe(1281856);
    expect(r.facts.nccl.ranks).toBe(16);
    expect(r.findings.length).toBeGreaterThan(0);
    for (const chunk of [64, 4096, 64 * 1024, MB]) expect(await jsonOf(bytes, chunk), `chunk ${chunk}`).toBe(reference);
    // (chunks of a few bytes cost ~1 s per 100 kB: on the log's first 40 kB, which hold its start-up and NCCL's
    // set-up, and the tail; the steady state after it is read in 64-byte chunks above)
    const head = Buffer.concat([log.subarray(0, log.indexOf(10, 40_000) + 1), extra]);
    const headReference = await jsonOf(head, 8 * MB);
    expect(JSON.parse(headReference).facts.nccl.ranks).toBe(16);
    for (const chunk of [1, 2, 3, 7]) expect(await jsonOf(head, chunk), `chunk ${chunk}`).toBe(headReference);
  }, 120_000);

  it("gzip'ed: any chunk size gives the facts and findings of the plain log", async () => {
    const plain = JSON.parse(await plainJson());
    const gz = gzipSync(bytes);
    for (const chunk of [1, 13, 4096, 8 * MB]) {
      const zipped = JSON.parse(await jsonOf(gz, chunk));
      expect(zipped.facts, `chunk ${chunk}`).toEqual(plain.facts);
      expect(zipped.findings).toEqual(plain.findings);
    }
  }, 120_000);

  it("the CLI's hidden --chunk-bytes gives the same report as the default", { timeout: 240_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "vd-chunk-"));
    const p = join(dir, "run.log");
    writeFileSync(p, bytes);
    const base = await runCliHere(["analyze", p, "--format", "json"]);
    expect(base.status).toBe(1); // the log holds errors
    // (a 1-byte chunk is read in-process above: the flag's wiring is what this checks)
    for (const c of ["7", "8MiB"]) expect((await runCliHere(["analyze", p, "--format", "json", "--chunk-bytes", c])).stdout, c).toBe(base.stdout);
  });
});

// what --jobs 1 prints is the baseline, run in this process (runCliHere: the same program, from the sources); what is
// tested, the built CLI with its worker threads, runs as a process of its own (runCli)
describe("--jobs does not change the report", () => {
  it("three files (one gzip'ed) and a directory: --jobs 1 and 2 give byte-identical JSON, in input order", { timeout: 240_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "vd-jobs-"));
    const a = join(dir, "a-node.log");
    const b = join(dir, "b-node.log.gz");
    const c = join(dir, "c-empty.log");
    writeFileSync(a, log);
    writeFileSync(b, gzipSync(Buffer.concat([Buffer.from(generateLog({ bytes: 90_000, seed: 9 }).next().value as string), extra])));
    writeFileSync(c, "");
    const one = await runCliHere(["analyze", a, b, c, "--format", "json", "--jobs", "1"]);
    expect(one.status).toBe(1);
    const report = JSON.parse(one.stdout);
    expect(report.inputs.map((i: { path: string }) => i.path)).toEqual([a, b, c]);
    expect(report.facts.nccl.ranks).toBe(16);
    for (const j of ["2"]) {
      const r = runCli(["analyze", a, b, c, "--format", "json", "--jobs", j]);
      expect(r.status, `--jobs ${j}`).toBe(1);
      expect(r.stdout, `--jobs ${j}`).toBe(one.stdout);
    }
    expect(runCli(["analyze", dir, "--format", "json", "--jobs", "2"]).stdout).toBe((await runCliHere(["analyze", dir, "--format", "json", "--jobs", "1"])).stdout);
  });

  it("--jobs 2 with a failing input: the others are reported, the failed one named, exit 2", { timeout: 240_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "vd-jobs2-"));
    const a = join(dir, "a.log");
    writeFileSync(a, log);
    const missing = join(dir, "missing.log");
    const cut = join(dir, "cut.log.gz");
    const gz = gzipSync(log);
    writeFileSync(cut, gz.subarray(0, gz.length >> 1));
    const one = await runCliHere(["analyze", a, missing, cut, "--format", "json", "--jobs", "1"]);
    const two = runCli(["analyze", a, missing, cut, "--format", "json", "--jobs", "2"]);
    expect(two.status).toBe(2);
    expect(two.stdout).toBe(one.stdout);
    expect(two.stderr).toBe(one.stderr);
    const r = JSON.parse(two.stdout);
    expect(r.inputs.map((i: { path: string; error?: string }) => [i.path, i.error ?? null])).toEqual([
      [a, null],
      [cut, "corrupt or truncated gzip data: unexpected end of file"],
      [missing, "no such file or directory"],
    ]);
  });
});
