import { describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyzeText, ids } from "./rules/analyze-text.js";
import { runCli, runCliHere, runJsonHere } from "./helpers/cli.js";

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
    expect(r.notices).toContain("run.log: 3 lines were not parsed (nested deeper than 64 brackets, or a reader failed; VLLM_DOCTOR_DEBUG=unparsed says which) and read as plain text".replace("run.log", r.inputs[0].path));
    expect(ids(r)).toContain("vllm/cuda-oom");
    expect(r.facts.config.tensorParallelSize).toBe(2);
  });

  it("a dump 64 levels deep is still read", async () => {
    const r = await analyzeText(`INFO 07-25 10:11:13 [utils.py:1] non-default args: {'x': ${"[".repeat(63)}1${"]".repeat(63)}, 'tensor_parallel_size': 4}\n`);
    expect(r.inputs[0].unparsedLines).toBeUndefined();
    expect(r.facts.config.tensorParallelSize).toBe(4);
  });

  it("the same report with --jobs 1 and --jobs 2 (worker threads) and under --follow", async () => {
    const { analyze } = await import("../src/analyze.js");
    const { followFile } = await import("../src/follow/tail.js");
    const dir = tmp();
    try {
      const n = join(dir, "n.log");
      writeFileSync(n, DEEP_LINES[0] + "\n");
      const one = await analyze([n, "samples/cuda-oom.log"], { jobs: 1 });
      const two = await analyze([n, "samples/cuda-oom.log"], { jobs: 2 });
      expect(JSON.stringify(two.report)).toBe(JSON.stringify(one.report));
      expect(one.report.inputs[0].unparsedLines).toBe(1);
      expect(ids(one.report)).toContain("vllm/cuda-oom");
      const f = join(dir, "f.log");
      writeFileSync(f, [...DEEP_LINES, OOM_LINE, ""].join("\n"));
      const followed = await followFile(f, { pollMs: 10, untilIdleMs: 100 });
      expect(followed.report.inputs[0]).toMatchObject({ lines: 4, unparsedLines: 3 });
      expect(ids(followed.report)).toContain("vllm/cuda-oom");
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

  it("CLI: -o into a missing folder names the path the user gave; a report to a full stdout (> /dev/full) says so with <stdout>, not Node's `ENOSPC … write`", async () => {
    const { spawnSync } = await import("node:child_process");
    const { CLI } = await import("./helpers/cli.js");
    const cli = `"${process.execPath}" "${CLI}"`;
    const r = spawnSync("sh", ["-c", `${cli} analyze samples/cuda-oom.log > /dev/full; echo "exit $?" >&2; ${cli} analyze samples/cuda-oom.log -o no-such-folder/report.json`], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
    expect([r.status, r.stderr]).toEqual([2, "vllm-doctor: cannot write the report: no space left on the device (<stdout>)\nexit 2\nvllm-doctor: cannot write the report: its folder does not exist (no-such-folder/report.json)\n"]);
  });
});

describe("item 8: merge and baselines that are not what they claim", () => {
  it("a report missing a domain or with a damaged one: a usage error naming the file", async () => {
    const { stateOf } = await import("../src/commands/merge.js");
    const { analyze, mergeableStateOf } = await import("../src/analyze.js");
    const good = JSON.parse(JSON.stringify(mergeableStateOf(await analyze(["samples/cuda-oom.log"]))));
    expect(stateOf({ state: good }, "good.json").version).toBe(1);
    const noNccl = structuredClone(good);
    delete noNccl.facts.nccl;
    expect(() => stateOf({ state: noNccl }, "a.json")).toThrow(expect.objectContaining({ message: "this JSON report's mergeable state is damaged (nccl: missing)", path: "a.json" }));
    const emptyVllm = structuredClone(good);
    emptyVllm.facts.vllm = {};
    expect(() => stateOf({ state: emptyVllm }, "b.json")).toThrow(/damaged \(vllm\.\w+: missing\)/);
    const badInput = structuredClone(good);
    badInput.facts.inputs = [{}];
    expect(() => stateOf({ state: badInput }, "c.json")).toThrow("inputs: an entry without path, lines and bytes");
  });

  it("a baseline that is JSON but not a report ([], null, {}, {\"a\":1}) is a usage error; a bench result JSON still is a baseline", async () => {
    const { loadReportOrLog } = await import("../src/gate/load.js");
    const dir = tmp();
    try {
      for (const text of ["[]", "null", "{}", '\uFEFF{"a": 1}']) {
        const p = join(dir, "b.json");
        writeFileSync(p, text);
        await expect(loadReportOrLog(p)).rejects.toMatchObject({ name: "UsageError", path: p, message: expect.stringMatching(/^JSON, but neither a vllm-doctor JSON report/) });
      }
      const bench = await loadReportOrLog("samples/bench-serve-yesterday.json");
      expect(bench.facts.bench.serve?.requestThroughput).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("item 10: cap notices agree", () => {
  it("a reader cap and a fact-domain cap on the same collection become one notice with a lower bound", async () => {
    const { noticesOf } = await import("../src/analyze.js");
    const { initState } = await import("../src/facts/state.js");
    const state = initState();
    (state.nccl as unknown as { notices: string[] }).notices = ["NCCL hosts capped at 8192", "NCCL activity counters capped at 4096 processes/communicators"];
    (state.nccl as unknown as { capped: object }).capped = { hosts: { limit: 4096, dropped: 4096 }, ranks: { limit: 4096, dropped: 12 } };
    expect(noticesOf(state)).toEqual([
      "NCCL activity counters capped at 4096 processes/communicators",
      "nccl: more than 4,096 distinct hosts; at least 4,096 more were seen but not kept (memory cap; the reader stops looking for new hosts after 8,192)",
      "nccl: more than 4,096 distinct ranks; 12 more lines about ranks past the cap not kept (memory cap)",
    ]);
  });
});

describe("item 11: numbers and Node's own texts", () => {
  it("plan: --params 1e308 and counts past any cluster are usage errors, never ∞ or 1.07e+307", async () => {
    const { buildPlanInput, positiveNumber } = await import("../src/plan/options.js");
    expect(() => buildPlanInput({ params: "1e308", gpu: "H100" }, null)).toThrow("--params must be at most 1000T (a parameter count such as 70B or 7.6B), not '1e308'");
    expect(() => buildPlanInput({ modelSize: "99999999999TB", gpu: "H100" }, null)).toThrow("--model-size must be at most 4 PB");
    expect(() => buildPlanInput({ params: "70B", gpu: "H100", nodes: "99999999999999999999" }, null)).toThrow("--nodes must be at most 1,000,000,000");
    expect(() => buildPlanInput({ params: "70B", gpuMemory: "1e9TiB" }, null)).toThrow(/--gpu-memory must be/);
    expect(() => positiveNumber("--target-concurrency", "1e300")).toThrow("--target-concurrency must be at most 1,000,000,000, not '1e300'");
    expect(buildPlanInput({ params: "1000T", gpu: "H100" }, null).input.weightsBytes).toBe(2e15);
  });

  it("JSON files: a BOM is dropped; a syntax error says where, without quoting the file", async () => {
    const { parseJsonFile } = await import("../src/util/json.js");
    expect(parseJsonFile('\uFEFF{"rules": {}}')).toEqual({ rules: {} });
    expect(() => parseJsonFile('{"a": 1,}')).toThrow("not valid JSON: unexpected text at line 1, column 9");
    expect(() => parseJsonFile('{\n "a": \u202ex}')).toThrow('not valid JSON: unexpected "\\u202e"');
    expect(() => parseJsonFile('{"a":')).toThrow("not valid JSON: it ends too soon");
  });

  it("CLI: --chunk-bytes past 1GiB is a usage error, not `The value of \"size\" is out of range`", async () => {
    const r = await runCliHere(["analyze", "samples/cuda-oom.log", "--chunk-bytes", "100GB"]);
    expect([r.status, r.stderr]).toEqual([2, "vllm-doctor: --chunk-bytes wants a size of at most 1GiB, not '100GB'\n"]);
  });
});

/** every C0 control a file name can hold (not NUL), DEL, every C1 control, and the bidi controls */
export const NAME_CONTROLS = [
  ...Array.from({ length: 31 }, (_, i) => String.fromCharCode(i + 1)),
  ...Array.from({ length: 33 }, (_, i) => String.fromCharCode(0x7f + i)),
  "\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069",
];
const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

describe("item 7: control characters and newlines in file names", () => {
  it("CLI: every control character in a file name is escaped in the text header, the evidence and stderr; one line each", async () => {
    const dir = tmp();
    try {
      const names = NAME_CONTROLS.map((c, i) => `f${i}${c}vllm-doctor: forged.log`);
      for (const n of names) writeFileSync(join(dir, n), OOM_LINE + "\n");
      const missing = join(dir, "gone\nvllm-doctor: forged");
      const r = await runCliHere(["analyze", ...names.map((n) => join(dir, n)), missing]);
      expect(r.status).toBe(2);
      expect(r.stderr).toBe(`vllm-doctor: no such file or directory (${dir}/gone\\nvllm-doctor: forged)\n`);
      expect(r.stdout).not.toMatch(RAW_CONTROL);
      const lines = r.stdout.split("\n");
      expect(lines.filter((l) => l.startsWith("vllm-doctor"))).toHaveLength(1);
      // the evidence of each file: its name escaped, on its evidence row (a location this long gets a row of its own,
      // the record's text the rows under it)
      expect(lines.filter((l) => l.startsWith(`          ${dir}/f`) && l.endsWith("vllm-doctor: forged.log:1")).length).toBeGreaterThanOrEqual(3);
      for (const l of lines) expect(l).not.toMatch(/^vllm-doctor: forged/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("JUnit: no raw CR, U+009B or bidi override from log text", async () => {
    const { renderJunit } = await import("../src/report/junit.js");
    const r = await analyzeText(`ERROR 07-25 10:11:14 [core.py:512] torch.OutOfMemoryError: CUDA out of memory \u009b2J \u202eevil\u202c x\n`);
    const xml = renderJunit(r);
    expect(xml).toContain("\\x9b2J \\u202eevil\\u202c");
    expect(xml).not.toMatch(/[\r\u0080-\u009f\u202a-\u202e\u2066-\u2069]/);
  });
});

describe("item 5: inputs that take minutes of CPU", () => {
  it("user-rule patterns with backreferences or repeating lookarounds are refused; fixed lookarounds and look-alikes are not", async () => {
    const { backtrackOnly, parseConfig } = await import("../src/config/load.js");
    expect(backtrackOnly("(\\1?a)+b")).toBe("backreferences");
    expect(backtrackOnly("(?<x>a)\\k<x>")).toBe("backreferences");
    expect(backtrackOnly("(?=(a+))+b")).toBe("lookarounds with a repetition inside");
    expect(backtrackOnly("x(?<!y.*)")).toBe("lookarounds with a repetition inside");
    expect(backtrackOnly("x(?!\\d{2})")).toBe("lookarounds with a repetition inside");
    expect(backtrackOnly("(?<=comm )0x55d0 (?!(?:ab|c\\+))y+")).toBeNull();
    expect(backtrackOnly("\\\\1 [\\1(?=] \\(?=x (?<name>a) (?:b)")).toBeNull();
    const rule = (pattern: string) => ({ userRules: [{ id: "team/x", severity: "warning", title: "t", message: "m", remediation: [], pattern }] });
    expect(() => parseConfig(rule("(\\1?a)+b"), "cfg.json")).toThrow("invalid configuration: userRules 'team/x': backreferences are not supported in patterns (they can take exponential time); match the text itself");
    expect(() => parseConfig(rule("(?=(a+))+b"), "cfg.json")).toThrow(/lookarounds with a repetition inside are not supported/);
    expect(parseConfig(rule("quota almost exhausted \\((\\d+%)\\)"), "cfg.json").userRules).toHaveLength(1);
  });
});

describe("item 6 (and #19 item 4): --follow like tail -F", () => {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  /** waits until `ready` holds (a busy machine may be slow to poll), at most `ms` */
  const until = async (ready: () => boolean, ms = 10_000) => {
    for (const end = Date.now() + ms; !ready() && Date.now() < end; ) await sleep(10);
  };
  const OOM = (n: number) => `ERROR 07-25 10:11:${10 + n} [core.py:512] torch.OutOfMemoryError: CUDA out of memory. Tried to allocate ${n}.00 GiB. GPU 0 has a total capacity of 79.19 GiB of which 1.06 GiB is free.`;
  const info = (n: number) => `INFO 07-25 10:11:${10 + n} [core.py:1] step ${n}`;

  it("a file that appears later, copytruncate and rename-and-recreate rotation: each generation read, lines numbered from 1 in each", async () => {
    const { appendFileSync, copyFileSync, renameSync, truncateSync } = await import("node:fs");
    const { followFile } = await import("../src/follow/tail.js");
    const dir = tmp();
    const p = join(dir, "run.log");
    const notices: string[] = [];
    const live: string[] = [];
    try {
      // (each step waits for the follower to have seen the one before: on a busy machine a fixed pause was too short)
      const following = followFile(p, { pollMs: 15, rulesEveryMs: 15, untilIdleMs: 1500, onNotice: (m) => notices.push(m), onFinding: (f) => live.push(`${f.evidence[0]?.file}:${f.evidence[0]?.line}`) });
      await until(() => notices.length === 1);
      writeFileSync(p, [info(1), info(2), OOM(3), ""].join("\n"));
      await until(() => live.length === 1);
      // copytruncate: logrotate copies the file away, then empties it; the logger writes on from offset 0
      copyFileSync(p, `${p}.1`);
      truncateSync(p, 0);
      await until(() => notices.length === 2);
      appendFileSync(p, [OOM(4), info(5), ""].join("\n"));
      await sleep(200);
      // rename-and-recreate: the old file moves away and still gets a line (its writer has it open), then a new one
      renameSync(p, `${p}.2`);
      appendFileSync(`${p}.2`, info(6) + "\n");
      await sleep(120);
      writeFileSync(p, [info(7), info(8), info(9), OOM(10), ""].join("\n"));
      const { report } = await following;
      expect(report.inputs.map((i) => [i.path, i.lines])).toEqual([
        [`${p} (before rotation 1)`, 3],
        [`${p} (before rotation 2)`, 3],
        [p, 4],
      ]);
      const oom = report.findings.find((f) => f.ruleId === "vllm/cuda-oom")!;
      expect(oom.evidence.map((e) => `${e.file}:${e.line}`)).toEqual(expect.arrayContaining([`${p} (before rotation 1):3`, `${p} (before rotation 2):1`, `${p}:4`]));
      expect(notices).toEqual([
        `waiting for ${p} to appear`,
        `${p} was truncated; reading it again from line 1`,
        `${p} was replaced by a new file (log rotation); reading the new one from line 1`,
      ]);
      expect(report.notices).toContain(`${p} was rotated or truncated 2 times while followed; what it held before is reported as '${p} (before rotation N)', its lines numbered from 1 in each`);
      // live findings named the file as it was then, with its line numbers then
      expect(live[0]).toBe(`${p}:3`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a compressed file is refused; a file that never appears is an input error once idle", async () => {
    const { gzipSync } = await import("node:zlib");
    const { followFile } = await import("../src/follow/tail.js");
    const dir = tmp();
    try {
      const gz = join(dir, "run.log.gz");
      writeFileSync(gz, gzipSync(OOM(1) + "\n"));
      await expect(followFile(gz, { pollMs: 10, untilIdleMs: 200 })).rejects.toMatchObject({ message: "--follow reads a plain-text log, and this one is gzip-compressed (analyze it without --follow)", path: gz });
      await expect(followFile(join(dir, "never.log"), { pollMs: 10, untilIdleMs: 100 })).rejects.toMatchObject({ message: "no such file or directory" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
