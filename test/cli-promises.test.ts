import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { CLI, ROOT, runCliHere } from "./helpers/cli.js";

/** The CLI's promises to its users (one-line errors, inputs never written, nothing read makes no gate pass), case by case. */
const tmp = mkdtempSync(join(tmpdir(), "vd-promises-"));
const GOOD = join(ROOT, "samples", "v1-single-gpu.log");
const OOM = join(ROOT, "samples", "cuda-oom.log");

/** Runs the built CLI with a reader that closes stdout at once (`… | head -c 1`): its exit status and stderr. */
function runClosingStdout(args: string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.destroy();
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject).on("close", (status) => resolve({ status, stderr }));
  });
}

describe("-o never overwrites the configuration the command reads", () => {
  it("--config FILE -o FILE, and -o .vllm-doctor.json found upward, are refused; the file is unchanged", async () => {
    const dir = mkdtempSync(join(tmp, "cfg-"));
    const cfg = join(dir, "cfg.json");
    const text = '{"rules":{}}\n';
    writeFileSync(cfg, text);
    for (const cmd of [["analyze", GOOD], ["check", GOOD], ["diff", GOOD, GOOD]]) {
      const r = await runCliHere([...cmd, "--config", cfg, "-o", cfg]);
      expect([r.status, r.stderr], cmd[0]).toEqual([2, `vllm-doctor: cannot write the report: it is one of the inputs: write the report somewhere else (${cfg})\n`]);
    }
    writeFileSync(join(dir, ".vllm-doctor.json"), text);
    const r = await runCliHere(["analyze", GOOD, "-o", ".vllm-doctor.json"], { cwd: dir });
    expect([r.status, r.stderr]).toEqual([2, `vllm-doctor: cannot write the report: it is the same file as ${join(dir, ".vllm-doctor.json")}, one of the inputs: write the report somewhere else (.vllm-doctor.json)\n`]);
    expect([readFileSync(cfg, "utf8"), readFileSync(join(dir, ".vllm-doctor.json"), "utf8")]).toEqual([text, text]);
  });
});

describe("a reader that closes stdout early (`| head`) never turns a failed gate into exit 0", () => {
  it("check, analyze and merge exit with their own status and say their stderr lines", async () => {
    const missing = join(tmp, "missing.log");
    expect(await runClosingStdout(["check", OOM, "--format", "json"])).toEqual({
      status: 1,
      stderr: "vllm-doctor: gate failed: fail-on error: 2 findings at or above error: vllm/cuda-oom (error), vllm/engine-init-failed (error)\nvllm-doctor: gate failed\n",
    });
    expect(await runClosingStdout(["check", missing, GOOD, "--format", "json"])).toEqual({ status: 2, stderr: `vllm-doctor: gate failed\nvllm-doctor: no such file or directory (${missing})\n` });
    expect(await runClosingStdout(["analyze", OOM, "--format", "json"])).toEqual({ status: 1, stderr: "" });
    expect(await runClosingStdout(["analyze", missing, GOOD, "--format", "json"])).toEqual({ status: 2, stderr: `vllm-doctor: no such file or directory (${missing})\n` });
    const report = join(tmp, "oom.json");
    writeFileSync(report, (await runCliHere(["analyze", OOM, "--format", "json"])).stdout);
    expect(await runClosingStdout(["merge", report])).toEqual({ status: 1, stderr: "" });
  });
});

describe("check --baseline that holds nothing", () => {
  it("an empty baseline log, or the JSON report of one, is an input error (exit 2), never a regression gate that passes", async () => {
    const empty = join(tmp, "empty-baseline.log");
    writeFileSync(empty, "");
    const report = join(tmp, "empty-baseline.json");
    writeFileSync(report, (await runCliHere(["analyze", empty, "--format", "json"])).stdout);
    for (const baseline of [empty, report]) {
      const r = await runCliHere(["check", GOOD, "--baseline", baseline, "--max-regression", "summary.warnings=0"]);
      expect([r.status, r.stdout, r.stderr]).toEqual([2, "", `vllm-doctor: the baseline holds no lines: there is nothing to compare with (${baseline})\n`]);
    }
  });
});

describe("stdin is read once", () => {
  const stdin = readFileSync(OOM, "utf8");
  it("diff - - and check - --baseline - are usage errors, not a run compared with nothing", async () => {
    const d = await runCliHere(["diff", "-", "-"], { input: stdin });
    expect([d.status, d.stdout, d.stderr]).toEqual([2, "", "vllm-doctor: only one side of diff can be - (stdin): save the other run to a file\n"]);
    const c = await runCliHere(["check", "-", "--baseline", "-", "--max-regression", "kvCache.tokens=10%"], { input: stdin });
    expect([c.status, c.stdout, c.stderr]).toEqual([2, "", "vllm-doctor: --baseline - and the input - cannot both read stdin: save one of them to a file\n"]);
  });

  it("a JSON report on stdin is named as such by diff and check --baseline, which read a report from a file", async () => {
    const report = (await runCliHere(["analyze", GOOD, "--format", "json"])).stdout;
    const d = await runCliHere(["diff", "-", GOOD], { input: report });
    expect([d.status, d.stderr]).toEqual([2, "vllm-doctor: a vllm-doctor JSON report on stdin: a report is read from a file; save it and name the file (<stdin>)\n"]);
    const c = await runCliHere(["check", GOOD, "--baseline", "-", "--max-regression", "kvCache.tokens=10%"], { input: report });
    expect([c.status, c.stderr]).toEqual([2, "vllm-doctor: a vllm-doctor JSON report on stdin: a report is read from a file; save it and name the file (<stdin>)\n"]);
  });

  it("--baseline '' (an unset variable) is named, not taken for no baseline", async () => {
    const r = await runCliHere(["check", GOOD, "--baseline", "", "--max-regression", "kvCache.tokens=10%"]);
    expect([r.status, r.stderr]).toEqual([2, "vllm-doctor: --baseline needs a file name\n"]);
  });
});

describe("an option of one value given twice", () => {
  it("with different values is a usage error naming both (commander kept the last and dropped the first); the same value twice, and repeatable options, stay fine", async () => {
    const out = join(tmp, "twice");
    for (const [args, flag, a, b] of [
      [["check", GOOD, "--baseline", GOOD, "--baseline", OOM, "--max-regression", "kvCache.tokens=10%"], "--baseline", GOOD, OOM],
      [["analyze", GOOD, "-o", `${out}-a.txt`, "--output", `${out}-b.txt`], "--output", `${out}-a.txt`, `${out}-b.txt`],
      [["analyze", GOOD, "-f", "json", "--format", "text"], "--format", "json", "text"],
      [["plan", "--params", "8B", "--params", "70B", "--gpu", "H100"], "--params", "8B", "70B"],
    ] as const) {
      const r = await runCliHere([...args]);
      expect([r.status, r.stdout, r.stderr], flag).toEqual([2, "", `vllm-doctor: ${flag} was given twice ('${a}', then '${b}'); it takes one value\n`]);
    }
    expect((await runCliHere(["analyze", GOOD, "-f", "json", "--format", "json"])).status).toBe(0);
    expect((await runCliHere(["check", GOOD, "--require", "kvCache.tokens>=1", "--require", "kvCache.tokens>=2"])).status).toBe(0);
  });
});

describe("--jobs past any machine", () => {
  it("is a usage error, not a worker thread per file (150 small files with --jobs 99999999999 took 4 GB and 37 s)", async () => {
    for (const jobs of ["99999999999", "1e3", "65"]) {
      const r = await runCliHere(["check", GOOD, "--jobs", jobs]);
      expect([r.status, r.stdout, r.stderr], jobs).toEqual([2, "", `vllm-doctor: --jobs wants at most 64 threads, not '${jobs}' (auto: one per CPU core, at most 8)\n`]);
    }
    expect((await runCliHere(["check", GOOD, "--jobs", "64"])).status).toBe(0);
  });
});

describe("explain --config", () => {
  it("a configuration that cannot be read is named for a built-in rule too, not passed over", async () => {
    const missing = join(tmp, "no-such-config.json");
    const r = await runCliHere(["explain", "vllm/cuda-oom", "--config", missing]);
    expect([r.status, r.stdout, r.stderr]).toEqual([2, "", `vllm-doctor: cannot read configuration: no such file or directory (${missing})\n`]);
  });
});

describe("an empty operand (an unset shell variable) is named as one", () => {
  it("alone, beside a good log, and to check: one line that says so, exit 2, and no gate passes", async () => {
    const line = "vllm-doctor: an empty file name (an unset shell variable?) ('')\n";
    const alone = await runCliHere(["analyze", ""]);
    expect([alone.status, alone.stderr]).toEqual([2, line]);
    const beside = await runCliHere(["analyze", GOOD, "", "--format", "json"]);
    expect([beside.status, beside.stderr]).toEqual([2, line]);
    const gate = await runCliHere(["check", GOOD, "", "--format", "json"]);
    expect(gate.status).toBe(2);
    expect(JSON.parse(gate.stdout).gate.passed).toBe(false);
  });
});
