import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze, analyzeSource, buildReport } from "../src/analyze.js";
import { DIRECTORY_SCAN } from "../src/input/defaults.js";
import { DEFAULT_LIMITS, fileSource, resolveInputs } from "../src/input/sources.js";
import { initState, mergeStates } from "../src/facts/state.js";
import { ROOT, runCliHere } from "./helpers/cli.js";
import { buildProgram } from "../src/cli-main.js";

/** A sub-command's --help text, in-process. */
const help = (name: string) => buildProgram().commands.find((c) => c.name() === name)!.helpInformation();

/*
 * What the operands name: the same file twice (or a directory and a file in it) is read once; a directory of
 * symlinks (Kubernetes' /var/log/containers) is followed to its files; a glob the shell did not expand is
 * expanded; many files are merged in a time linear in their number, with the same result as one by one.
 */

const tmp = mkdtempSync(join(tmpdir(), "vd-operands-"));
const P2P = (r: number, p: number) => `node-a:100:200 [${r}] NCCL INFO Channel 00/0 : ${r}[${r}] -> ${p}[${p}] via P2P/IPC`;
const write = (path: string, text: string) => {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
  return path;
};

describe("operands", () => {
  it("reads the same file once, by device and inode, with a notice: given twice, as a directory and a file in it, through a symlink", async () => {
    const dir = join(tmp, "twice");
    const a = write(join(dir, "a.log"), `${P2P(0, 1)}\n${P2P(1, 0)}\n`);
    symlinkSync(a, join(dir, "link-to-a.log"));
    const r = await analyze([a, dir, a]);
    expect(r.report.inputs.map((i) => [i.path, i.lines])).toEqual([[a, 2]]);
    expect(r.report.facts.nccl.transports["P2P/IPC"]).toBe(2);
    expect(r.report.notices).toEqual([
      `${join(dir, "a.log")} is the same file as ${a} (given twice, or inside a directory given too): read once`,
      `${join(dir, "link-to-a.log")} is the same file as ${a} (given twice, or inside a directory given too): read once`,
    ]);
    // (the third mention of a.log says the same as the first: one notice)
    expect(r.failures).toEqual([]);
  });

  it("follows symlinked files in a directory (Kubernetes /var/log/containers), not symlinked directories; a dangling link is named", async () => {
    const pods = join(tmp, "pods");
    const containers = join(tmp, "containers");
    mkdirSync(containers);
    const one = write(join(pods, "ns_vllm-0", "vllm", "0.log"), `${P2P(0, 1)}\n`);
    const two = write(join(pods, "ns_vllm-1", "vllm", "0.log"), `${P2P(1, 0)}\n`);
    symlinkSync(one, join(containers, "vllm-0_ns_vllm-abc.log"));
    symlinkSync(two, join(containers, "vllm-1_ns_vllm-def.log"));
    symlinkSync(pods, join(containers, "pods-dir.log"));
    symlinkSync(pods, join(containers, "pods"));
    const ok = await resolveInputs([containers]);
    expect(ok.sources.map((s) => relative(containers, s.name))).toEqual(["vllm-0_ns_vllm-abc.log", "vllm-1_ns_vllm-def.log"]);
    expect(ok.failures).toEqual([]);
    // what the scan passes over is said, on the first input it found, not left out without a word
    expect(ok.notices.get(0)).toEqual([
      `${join(containers, "pods-dir.log")}: left out: not a regular file (a folder with a log's name)`,
      `${join(containers, "pods")}: left out: a symlinked folder is not followed (links can loop); give it as an operand to read it`,
    ]);
    symlinkSync(join(tmp, "gone.log"), join(containers, "zz-dangling.log"));
    const r = await analyze([containers]);
    expect(r.report.facts.nccl.transports["P2P/IPC"]).toBe(2);
    expect(r.failures).toEqual([{ path: join(containers, "zz-dangling.log"), message: "no such file or directory" }]);
  });

  it("expands a glob the shell left alone; a pattern that matches nothing is named; a file whose name has glob characters is read as it is", async () => {
    const dir = join(tmp, "glob");
    for (const n of ["b.log", "a.log", "c.txt", "sub/d.log"]) write(join(dir, n), `${P2P(0, 1)}\n`);
    const literal = write(join(dir, "odd[1].log"), `${P2P(1, 0)}\n`);
    const r = await resolveInputs([join(dir, "*.log"), join(dir, "**/d.log"), literal, join(dir, "*.nothing")]);
    expect(r.sources.map((s) => relative(dir, s.name))).toEqual(["a.log", "b.log", "odd[1].log", "sub/d.log"]);
    expect(r.failures).toEqual([{ path: join(dir, "*.nothing"), message: "no file matches this pattern" }]);
    // a backslash escapes a glob character
    expect((await resolveInputs([join(dir, "odd\\[1\\].log")])).sources.map((x) => x.name)).toEqual([literal]);
    // relative patterns, from the CLI, as a quoted operand
    const cli = await runCliHere(["analyze", "samples/v*.log", "--format", "json"], { cwd: ROOT });
    expect(JSON.parse(cli.stdout).inputs.map((i: { path: string }) => i.path)).toEqual(["samples/v0.5-gpu-blocks.log", "samples/v0.8-tp4-mp.log", "samples/v1-single-gpu.log"]);
    const none = await runCliHere(["check", "logs/*.nothing"], { cwd: ROOT });
    expect([none.status, none.stderr]).toEqual([2, "vllm-doctor: no file matches this pattern (logs/*.nothing)\n"]);
  });

  it("names what a directory scan reads, and reads exactly that", async () => {
    expect(DIRECTORY_SCAN).toBe("*.log, *.txt, *.out, *.err, *.gz, *.zst, *.xz, *.json, *.jsonl, *.ndjson and rotated *.log.N and *.log-DATE");
    const dir = join(tmp, "scan");
    // (*.err, Slurm's stderr files, and logrotate's dated names were left out without a word)
    const names = ["a.log", "b.txt", "c.out", "d.log.gz", "e.log.zst", "f.log.xz", "g.json", "h.jsonl", "i.ndjson", "j.log.1", "k.LOG", "l.err", "m.log-20260105", "n.log.2026-01-05", "skip.csv", "skip.log.bak", "skip.log-old", ".hidden/x.log", "node_modules/y.log"];
    for (const n of names) write(join(dir, n), "");
    const r = await resolveInputs([dir]);
    expect(r.sources.map((s) => relative(dir, s.name))).toEqual(names.slice(0, 14));
    for (const cmd of ["analyze", "check"]) expect(help(cmd).replace(/\s+/g, " "), cmd).toContain(DIRECTORY_SCAN);
  });

  it("reads a small file into a buffer of its size, not a 1 MiB one (50,000 of those were 50 GB of garbage)", async () => {
    const p = write(join(tmp, "tiny", "t.log"), `${P2P(0, 1)}\n`);
    const stream = await (await fileSource(p)).open({ ...DEFAULT_LIMITS });
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe(`${P2P(0, 1)}\n`);
    expect(Math.max(...chunks.map((c) => c.buffer.byteLength))).toBeLessThanOrEqual(64 << 10);
  });

  it("merges many files in a balanced order: the same report as merging them one by one", async () => {
    const dir = join(tmp, "many");
    const files: string[] = [];
    for (let i = 0; i < 37; i++) files.push(write(join(dir, `f${String(i).padStart(2, "0")}.log`), `${P2P(i % 8, (i + 1) % 8)}\nnode-${i}:1:2 [0] NCCL INFO NET/IB : Using [0]mlx5_${i % 3}:1/IB ; OOB eth0:10.0.0.${i}<0>\n${i === 20 ? "ERROR 01-01 00:00:00 [core.py:1] torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB.\n" : ""}`));
    const balanced = await analyze([dir]);
    let state = initState();
    const events = [];
    for (let i = 0; i < files.length; i++) {
      const part = await analyzeSource(await fileSource(files[i]), 0);
      state = mergeStates(state, part.state);
      for (const e of part.events) events.push(i === 0 ? e : { ...e, input: i });
    }
    const oneByOne = buildReport(state, events);
    expect(balanced.report).toEqual(oneByOne);
    expect(balanced.report.findings.map((f) => f.evidence[0]?.file)).toContain(files[20]);
  });

  it("check takes every input option analyze has; commander's own errors come in the one style, exit 2", async () => {
    const gz = join(tmp, "oom.log.gz");
    writeFileSync(gz, gzipSync(readFileSync(join(ROOT, "samples", "cuda-oom.log"))));
    // the same input options on both commands: --jobs, --no-progress, --max-decompressed (and the hidden ones)
    const lines = (cmd: string) => help(cmd).split("\n").filter((l) => /^\s+(?:-\w, )?--(?:jobs|max-decompressed|no-progress)\b/.test(l)).map((l) => l.trim());
    expect(lines("check")).toEqual(lines("analyze"));
    expect(lines("check")).toHaveLength(3);
    const small = await runCliHere(["check", gz, "--jobs", "2", "--no-progress", "--max-decompressed", "1KB", "--chunk-bytes", "4KB", "--split-min", "1MB"]);
    expect([small.status, small.stderr]).toEqual([2, `vllm-doctor: gzip input expands past the limit of 1,000 bytes; stopped (raise --max-decompressed) (${gz})\n`]);
    const bad = await runCliHere(["check", gz, "--jobs", "none"]);
    expect([bad.status, bad.stderr]).toEqual([2, "vllm-doctor: --jobs wants a whole number of at least 1 or 'auto', not 'none'\n"]);
    const r = await runCliHere(["analyze", "--jbos", "2", gz]);
    expect([r.status, r.stdout, r.stderr]).toEqual([2, "", "vllm-doctor: unknown option '--jbos' (Did you mean --jobs?)\n"]);
    // commander's other complaints, in-process: the same one-line style
    for (const [args, message] of [
      [["check"], "missing required argument 'inputs'"],
      [["frobnicate"], "unknown command 'frobnicate'"],
      [["check", gz, "--fail-on"], "option '--fail-on <level>' argument missing"],
    ] as const) {
      let said = "";
      // only where it writes changes: the error style is the one the CLI configures
      const to = { writeErr: (t: string) => (said += t), writeOut: () => {} };
      const program = buildProgram().configureOutput(to);
      for (const c of program.commands) c.configureOutput(to);
      expect(() => program.parse(["node", "vllm-doctor", ...args])).toThrow();
      expect(said, args.join(" ")).toBe(`vllm-doctor: ${message}\n`);
    }
  });
});
