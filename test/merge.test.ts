import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze, mergeAnalyses, mergeableStateOf, type MergeableState } from "../src/analyze.js";
import { runCli, runCliHere, ROOT } from "./helpers/cli.js";
import { TWO_HOST_LOG } from "./report-fixture.js";


const NCCL_HOST = /^([A-Za-z0-9][\w.-]*):\d+:\d+ \[\d+\] NCCL /;

/** Splits a log by the host of its NCCL lines; a line without a host goes with the last host seen (the first part at the start). */
export function splitByHost(text: string): string[] {
  const parts = new Map<string, string[]>();
  const before: string[] = [];
  let current: string | null = null;
  for (const line of text.split("\n")) {
    const m = NCCL_HOST.exec(line) ?? /\bip=(\d+\.\d+\.\d+\.\d+)/.exec(line);
    if (m) current = m[1];
    if (current === null) {
      before.push(line);
      continue;
    }
    if (!parts.has(current)) parts.set(current, parts.size === 0 ? before.splice(0) : []);
    parts.get(current)!.push(line);
  }
  if (parts.size === 0) return [text];
  return [...parts.values()].map((l) => l.join("\n") + "\n").filter((t) => t.trim().length > 0);
}

const tmp = mkdtempSync(join(tmpdir(), "vd-merge-"));

/** The JSON round trip a report's state makes between `analyze` and `merge`. */
const viaJson = (s: MergeableState): MergeableState => JSON.parse(JSON.stringify(s));

async function expectMergeEqualsWhole(text: string, name: string) {
  const pieces = splitByHost(text);
  expect(pieces.length).toBeGreaterThanOrEqual(2);
  const files = pieces.map((p, i) => {
    const f = join(tmp, `${name}-part${i + 1}.log`);
    writeFileSync(f, p);
    return f;
  });
  const whole = await analyze(files, { stdin: undefined });
  const parts = await Promise.all(files.map((f) => analyze([f])));
  const merged = mergeAnalyses(parts.map((p) => viaJson(mergeableStateOf(p))));
  expect(merged.report).toEqual(JSON.parse(JSON.stringify(whole.report)));
  expect(viaJson(mergeableStateOf(merged))).toEqual(viaJson(mergeableStateOf(whole)));
  return { whole, merged };
}

describe("merge", () => {
  it("reports of different runs merge into a report run by run, as analyze of their logs gives", async () => {
    const logs = ["cuda-oom.log", "v1-single-gpu.log"].map((f) => join(ROOT, "samples", f));
    const parts = await Promise.all(logs.map(async (l) => mergeableStateOf(await analyze([l]))));
    const merged = mergeAnalyses(parts);
    const whole = await analyze(logs);
    // it used to be one imaginary run, with a cluster/version-mismatch between the two runs in its verdict
    expect(merged.report.runs?.map((r) => r.inputs)).toEqual([[logs[0]], [logs[1]]]);
    expect(merged.report).toEqual(whole.report);
    expect(mergeAnalyses(parts, undefined, { oneRun: true }).report.runs).toBeUndefined();
  });

  it("merge(analyze(node 1), analyze(node 2)) equals analyze(node 1, node 2)", async () => {
    const { merged } = await expectMergeEqualsWhole(TWO_HOST_LOG, "two-host");
    // the split really spread the facts over the parts
    expect(merged.report.inputs.map((i) => i.lines)).toEqual([10, 10]);
    expect(Object.fromEntries(Object.entries(merged.report.facts.nccl.transports).filter(([, n]) => n > 0))).toEqual({ "P2P/IPC": 2, "NET/Socket": 4 });
    expect(merged.report.facts.kvCache.tokens).toBe(1310000);
  });

  it("versions per node, NCCL's interface lists and the tracebacks merge exactly (what cluster/version-mismatch, nccl/wrong-interface and the start-up rules read)", async () => {
    const log = [
      "nodea:11:11 [0] NCCL INFO Bootstrap : Using eth0:10.0.0.1<0>",
      "nodea:11:11 [0] NCCL INFO NCCL version 2.18.1+cuda12.1",
      "nodea:11:11 [0] NCCL INFO NET/Socket : Using [0]docker0:172.17.0.1<0> [1]eth0:10.0.0.1<0>",
      "nodea:11:11 [0] NCCL INFO NET/Socket : Using [0]docker0:172.17.0.1<0> [1]eth0:10.0.0.1<0>",
      "nodeb:22:22 [1] NCCL INFO Bootstrap : Using eth0:10.0.0.2<0>",
      "nodeb:22:22 [1] NCCL INFO NCCL version 2.19.3+cuda12.2",
      "nodeb:22:22 [1] NCCL INFO NET/Socket : Using [0]eth0:10.0.0.2<0>",
      "Traceback (most recent call last):",
      '  File "/x/vllm/worker/worker.py", line 10, in load_model',
      "    self.model_runner.load_model()",
      "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB.",
    ].join("\n") + "\n";
    const { merged } = await expectMergeEqualsWhole(log, "versions");
    const f = merged.report.facts;
    expect(f.versions!.seen.filter((v) => v.what === "NCCL").map((v) => `${v.node} ${v.version}`)).toEqual(["nodea 2.18.1", "nodeb 2.19.3"]);
    expect(f.nccl.interfaces!.map((i) => `${i.role} [${i.index}]${i.name}:${i.address} ${i.host} ×${i.count}`)).toEqual([
      "Bootstrap [0]eth0:10.0.0.1 nodea ×1", "NET/Socket [0]docker0:172.17.0.1 nodea ×2", "NET/Socket [1]eth0:10.0.0.1 nodea ×2", "Bootstrap [0]eth0:10.0.0.2 nodeb ×1", "NET/Socket [0]eth0:10.0.0.2 nodeb ×1",
    ]);
    expect(f.tracebacks!.list.map((t) => [t.stage, t.phase, t.evidence.line])).toEqual([["init", "while loading the model weights", 7]]);
    expect(f.tracebacks!.rootCause!.text).toBe("torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB.");
    expect(merged.report.findings.find((x) => x.ruleId === "cluster/version-mismatch")!.message).toContain("NCCL 2.18.1 on nodea; 2.19.3 on nodeb");
    expect(merged.report.findings.find((x) => x.ruleId === "vllm/cuda-oom")!.message).toContain("while loading the model weights");
  });
  it("the kept tracebacks (the first 16 and the first 8 of each kind) and the root cause merge exactly", async () => {
    const tb = (i: number, file: string, func: string) => ["Traceback (most recent call last):", `  File "${file}", line 1, in ${func}`, "    f()", `ValueError: failure ${i}`];
    const part = (host: string, from: number) => [
      `${host}:1:1 [0] NCCL INFO Bootstrap : Using eth0:10.0.0.${from}<0>`,
      ...Array.from({ length: 20 }, (_, i) => tb(from + i, i % 3 ? "/x/vllm/worker/worker.py" : "/x/torch/distributed/pynccl.py", i % 2 ? "load_model" : "execute_model")).flat(),
    ];
    const { merged } = await expectMergeEqualsWhole([...part("nodea", 1), ...part("nodeb", 21)].join("\n") + "\n", "tracebacks");
    const t = merged.report.facts.tracebacks!;
    // the first 16, and NCCL ones past them until 8 of that kind are kept (the start-up and serving ones reach 8 within the 16)
    expect([t.count, t.counts.init, t.counts.runtime, t.counts.nccl, t.list.length]).toEqual([40, 20, 20, 14, 18]);
    expect(t.rootCause!.text).toBe("ValueError: failure 2");
  });
  it("is associative over three parts", async () => {
    const three = TWO_HOST_LOG + TWO_HOST_LOG.replace(/node-worker/g, "node-third");
    const pieces = splitByHost(three);
    const files = pieces.map((p, i) => {
      const f = join(tmp, `three-part${i + 1}.log`);
      writeFileSync(f, p);
      return f;
    });
    expect(files.length).toBe(3);
    const parts = await Promise.all(files.map((f) => analyze([f])));
    const states = parts.map((p) => viaJson(mergeableStateOf(p)));
    const all = mergeAnalyses(states);
    const leftFirst = mergeAnalyses([viaJson(mergeableStateOf(mergeAnalyses(states.slice(0, 2)))), states[2]]);
    const rightFirst = mergeAnalyses([states[0], viaJson(mergeableStateOf(mergeAnalyses(states.slice(1))))]);
    expect(JSON.parse(JSON.stringify(leftFirst.report))).toEqual(JSON.parse(JSON.stringify(all.report)));
    expect(JSON.parse(JSON.stringify(rightFirst.report))).toEqual(JSON.parse(JSON.stringify(all.report)));
  });

  const sample = join(ROOT, "samples", "ray-tp8-pp2-two-nodes.log");
  it.skipIf(!existsSync(sample))("the two-node sample split by host merges back to the analysis of both parts", async () => {
    await expectMergeEqualsWhole(readFileSync(sample, "utf8"), "sample");
  });

  it("the merge command combines JSON reports written by analyze; anything else is exit 2", async () => {
    const pieces = splitByHost(TWO_HOST_LOG);
    const logs = pieces.map((p, i) => {
      const f = join(tmp, `cli-part${i + 1}.log`);
      writeFileSync(f, p);
      return f;
    });
    const reports: string[] = [];
    for (const [i, l] of logs.entries()) {
      const out = join(tmp, `r${i + 1}.json`);
      expect((await runCliHere(["analyze", l, "--format", "json", "-o", out])).status).not.toBe(2);
      reports.push(out);
    }
    const merged = await runCliHere(["merge", ...reports]);
    const whole = await runCliHere(["analyze", ...logs, "--format", "json"]);
    expect(merged.stderr).toBe("");
    expect(merged.status).toBe(whole.status);
    expect(JSON.parse(merged.stdout)).toEqual(JSON.parse(whole.stdout));
    // a log given to merge says what to do with it
    const withLog = await runCliHere(["merge", reports[0], logs[0]]);
    expect([withLog.status, withLog.stdout]).toEqual([2, ""]);
    expect(withLog.stderr).toMatch(/^vllm-doctor: not a JSON report \([^\n]*\): a log, not a report; analyze it \(`vllm-doctor analyze LOG --format json -o report\.json`\) or give the logs to analyze together \(([^\n]+)\)\n$/);
    expect(withLog.stderr.endsWith(`(${logs[0]})\n`)).toBe(true);
    const noState = join(tmp, "nostate.json");
    const r = JSON.parse(readFileSync(reports[0], "utf8"));
    delete r.state;
    writeFileSync(noState, JSON.stringify(r));
    expect(await runCliHere(["merge", noState])).toMatchObject({ status: 2, stderr: expect.stringContaining("carries no mergeable state") });
    // one report given twice, or a copy of it, is read once: its lines used to count twice
    const copy = join(tmp, "r1-copy.json");
    writeFileSync(copy, readFileSync(reports[0]));
    const twice = await runCliHere(["merge", reports[0], reports[0], copy, reports[1]]);
    const again = JSON.parse(twice.stdout);
    expect(again.inputs).toEqual(JSON.parse(whole.stdout).inputs);
    expect(again.facts.nccl.transports).toEqual(JSON.parse(whole.stdout).facts.nccl.transports);
    expect(Object.values(again.facts.nccl.transports as Record<string, number>).some((n) => n > 0)).toBe(true);
    expect(again.notices).toEqual([reports[0], copy].map((p) => `${p} holds the same analysis as ${reports[0]} (${logs[0]}): read once`));
  });

  it("a report of a log it could not read (all or part of it) merges to exit 2 and that log's stderr line, as analyze of all the logs", async () => {
    const [one, two] = splitByHost(TWO_HOST_LOG);
    const cut = join(tmp, "unread-node1.log.gz");
    const gz = gzipSync(one);
    writeFileSync(cut, gz.subarray(0, gz.length - 12));
    const node2 = join(tmp, "unread-node2.log");
    writeFileSync(node2, two);
    const bz2 = join(tmp, "unread-node2.log.bz2");
    writeFileSync(bz2, "BZh91AY&SY");
    const [r1, r2] = [join(tmp, "unread-r1.json"), join(tmp, "unread-r2.json")];
    const cutLine = `vllm-doctor: corrupt or truncated gzip data: unexpected end of file (${cut})\n`;
    expect(await runCliHere(["analyze", cut, "--format", "json", "-o", r1])).toMatchObject({ status: 2, stderr: cutLine });
    expect(await runCliHere(["analyze", node2, bz2, "--format", "json", "-o", r2])).toMatchObject({ status: 2, stderr: `vllm-doctor: compressed (bzip2) input is not supported (${bz2})\n` });
    const merged = await runCliHere(["merge", r1, r2]);
    const whole = await runCliHere(["analyze", cut, node2, bz2, "--format", "json"]);
    expect(JSON.parse(merged.stdout)).toEqual(JSON.parse(whole.stdout));
    expect([merged.status, merged.stderr]).toEqual([2, `${cutLine}vllm-doctor: compressed (bzip2) input is not supported (${bz2})\n`]);
    expect([whole.status, whole.stderr]).toEqual([merged.status, merged.stderr]);
  });

  it("reports written with --redact are not merged with another (each one's host-1 is another host); merge … --redact is the way", async () => {
    const [one, two] = splitByHost(TWO_HOST_LOG).map((text, i) => {
      const f = join(tmp, `red-node${i + 1}.log`);
      writeFileSync(f, text);
      return f;
    });
    const [r1, r2, p1, p2] = ["red-r1", "red-r2", "plain-r1", "plain-r2"].map((n) => join(tmp, `${n}.json`));
    for (const [log, red, plain] of [[one, r1, p1], [two, r2, p2]]) {
      expect((await runCliHere(["analyze", log, "--format", "json", "--redact", "-o", red])).status).not.toBe(2);
      expect((await runCliHere(["analyze", log, "--format", "json", "-o", plain])).status).not.toBe(2);
    }
    expect(JSON.parse(readFileSync(r1, "utf8")).state.redacted).toBe(true);
    expect(JSON.parse(readFileSync(p1, "utf8")).state.redacted).toBeUndefined();
    const refusal = `vllm-doctor: this report was written with --redact, and its pseudonyms (host-1, …) are its own: another report's host-1 is another host; merge the reports written without --redact, and redact the merged report (\`vllm-doctor merge … --redact\`) (${r1})\n`;
    expect(await runCliHere(["merge", r1, r2])).toEqual({ status: 2, stdout: "", stderr: refusal });
    expect(await runCliHere(["merge", r1, p2])).toEqual({ status: 2, stdout: "", stderr: refusal });
    expect((await runCliHere(["merge", p2, r2])).stderr).toBe(refusal.replace(r1, r2));
    // one redacted report (given twice: read once) merges alone, and its merged report is still marked
    const alone = await runCliHere(["merge", r1, r1]);
    expect(alone.status).not.toBe(2);
    expect(JSON.parse(alone.stdout).state.redacted).toBe(true);
    // the unredacted reports merged and redacted: the report of analyze --redact of both logs
    const merged = await runCliHere(["merge", p1, p2, "--redact"]);
    const whole = await runCliHere(["analyze", one, two, "--redact", "--format", "json"]);
    expect([merged.status, merged.stderr]).toEqual([whole.status, whole.stderr]);
    expect(JSON.parse(merged.stdout)).toEqual(JSON.parse(whole.stdout));
  });

  it("the built command merges too (a dynamic import of node:crypto failed in the bundle's code-cached script on Node 20)", async () => {
    const reports = ["v1-single-gpu", "v0.8-tp4-mp"].map((name) => {
      const out = join(tmp, `built-${name}.json`);
      expect(runCli(["analyze", join(ROOT, "samples", `${name}.log`), "--format", "json", "-o", out]).status).toBe(0);
      return out;
    });
    const merged = runCli(["merge", ...reports, reports[0]]);
    expect([merged.status, merged.stderr]).toEqual([0, ""]);
    expect(JSON.parse(merged.stdout).runs).toHaveLength(2);
  });
});
