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

describe("item 2 (and #19): -o writes a regular file atomically, or refuses naming the user's path", () => {
  it("keeps a file's mode, writes through a symlink, refuses devices, FIFOs, folders, dangling links and missing folders, leaves no temp file", async () => {
    const { writeOutput } = await import("../src/util/output.js");
    const { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync } = await import("node:fs");
    const { execFileSync } = await import("node:child_process");
    const dir = tmp();
    try {
      const secret = join(dir, "secret.txt");
      writeFileSync(secret, "old");
      chmodSync(secret, 0o600);
      await writeOutput(secret, "new report\n");
      expect([readFileSync(secret, "utf8"), statSync(secret).mode & 0o777]).toEqual(["new report\n", 0o600]);

      const link = join(dir, "link.txt");
      symlinkSync("secret.txt", link);
      await writeOutput(link, "through the link\n");
      expect(lstatSync(link).isSymbolicLink()).toBe(true);
      expect([readFileSync(secret, "utf8"), statSync(secret).mode & 0o777]).toEqual(["through the link\n", 0o600]);

      const refused = async (p: string) => writeOutput(p, "x").then(() => "written", (e: Error & { path?: string }) => `${e.message} (${e.path})`);
      expect(await refused("/dev/null")).toBe("cannot write the report: a character device, not a regular file (redirect stdout to it: > path) (/dev/null)");
      expect(statSync("/dev/null").isCharacterDevice()).toBe(true);
      expect(await refused("/dev/full")).toMatch(/^cannot write the report: a character device.* \(\/dev\/full\)$/);
      mkdirSync(join(dir, "adir"));
      expect(await refused(join(dir, "adir"))).toBe(`cannot write the report: is a directory (${join(dir, "adir")})`);
      expect(await refused(join(dir, "nope", "r.txt"))).toBe(`cannot write the report: its folder does not exist (${join(dir, "nope", "r.txt")})`);
      symlinkSync("missing.txt", join(dir, "dangle"));
      expect(await refused(join(dir, "dangle"))).toBe(`cannot write the report: a symbolic link to a file that does not exist (${join(dir, "dangle")})`);
      execFileSync("mkfifo", [join(dir, "ff")]);
      expect(await refused(join(dir, "ff"))).toMatch(/^cannot write the report: a FIFO/);
      await writeOutput(join(dir, "fresh.txt"), "fresh");
      expect(statSync(join(dir, "fresh.txt")).mode & 0o777).toBe(0o666 & ~process.umask());
      expect(readdirSync(dir).filter((n) => n.endsWith(".tmp"))).toEqual([]);
      expect(existsSync(join(dir, "dangle"))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("CLI: -o into a missing folder and a full stdout name the path the user gave, exit 2", () => {
    const r = runCli(["analyze", "samples/cuda-oom.log", "-o", "no-such-folder/report.json", "--format", "json"]);
    expect([r.status, r.stderr]).toEqual([2, "vllm-doctor: cannot write the report: its folder does not exist (no-such-folder/report.json)\n"]);
  });

  it("CLI: a report to a full stdout (> /dev/full) says so with <stdout>, not Node's `ENOSPC … write`", async () => {
    const { spawnSync } = await import("node:child_process");
    const { CLI } = await import("./helpers/cli.js");
    const r = spawnSync("sh", ["-c", `"${process.execPath}" "${CLI}" analyze samples/cuda-oom.log > /dev/full`], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
    expect([r.status, r.stderr]).toEqual([2, "vllm-doctor: cannot write the report: no space left on the device (<stdout>)\n"]);
  });
});
