import { describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyzeText, ids } from "./rules/analyze-text.js";
import { runCli } from "./helpers/cli.js";

/** Issue 17: hostile input, round two. One describe per item; each reproduces the command first. */

const tmp = () => mkdtempSync(join(tmpdir(), "vd-h2-"));
const OOM_LINE = "ERROR 07-25 10:11:14 [core.py:512] torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 79.19 GiB of which 1.06 GiB is free.";

/** the three shapes of issue 17 item 1 (each overflowed the stack of the nested-group rule) */
const DEEP_LINES = [
  `INFO 07-25 10:11:12 [utils.py:1] non-default args: {${"'a': [{".repeat(400)}`,
  `INFO 07-25 10:11:12 [arg_utils.py:1] args: Namespace(${"a=(".repeat(1000)}`,
  `INFO 07-25 10:11:12 [llm_engine.py:1] Initializing an LLM engine (v0.6.0) with config: model='m', compilation_config=${"[".repeat(1000)}`,
];

describe("item 1: a line nested too deep for the grammar", () => {
  it("is read as text with a notice; the rest of the report is kept", async () => {
    const r = await analyzeText([...DEEP_LINES, "INFO 07-25 10:11:13 [utils.py:1] non-default args: {'model': 'm', 'tensor_parallel_size': 2}", OOM_LINE, ""].join("\n"));
    expect(r.inputs[0]).toMatchObject({ lines: 5, unparsedLines: 3 });
    expect(r.notices).toContain("run.log: 3 lines were not parsed (nested deeper than 64 brackets, or a reader failed on them: VLLM_DOCTOR_DEBUG=unparsed names them); read as plain text".replace("run.log", r.inputs[0].path));
    expect(ids(r)).toContain("vllm/cuda-oom");
    expect(r.facts.config.tensorParallelSize).toBe(2);
  });

  it("a dump 64 levels deep is still read", async () => {
    const r = await analyzeText(`INFO 07-25 10:11:13 [utils.py:1] non-default args: {'x': ${"[".repeat(63)}1${"]".repeat(63)}, 'tensor_parallel_size': 4}\n`);
    expect(r.inputs[0].unparsedLines).toBeUndefined();
    expect(r.facts.config.tensorParallelSize).toBe(4);
  });

  it("CLI: the same report with --jobs 1 and --jobs 2 and under --follow, exit 1 for the OOM, no stack trace", () => {
    const dir = tmp();
    try {
      const n = join(dir, "n.log");
      writeFileSync(n, DEEP_LINES[0] + "\n");
      const one = runCli(["analyze", "--jobs", "1", n, "samples/cuda-oom.log", "--format", "json"]);
      const two = runCli(["analyze", "--jobs", "2", n, "samples/cuda-oom.log", "--format", "json"]);
      expect([one.status, two.status, one.stderr, two.stderr]).toEqual([1, 1, "", ""]);
      expect(two.stdout).toBe(one.stdout);
      const r = JSON.parse(one.stdout);
      expect(r.inputs[0].unparsedLines).toBe(1);
      expect(r.findings.map((f: { ruleId: string }) => f.ruleId)).toContain("vllm/cuda-oom");
      const f = join(dir, "f.log");
      writeFileSync(f, [...DEEP_LINES, OOM_LINE, ""].join("\n"));
      const followed = runCli(["analyze", "--follow", "--until-idle", "0.3", f, "--format", "json"]);
      expect(followed.stderr).not.toMatch(/RangeError|at \w+ \(/);
      expect(JSON.parse(followed.stdout).inputs[0]).toMatchObject({ lines: 4, unparsedLines: 3 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
