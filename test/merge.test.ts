import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze, mergeAnalyses, mergeableStateOf, type MergeableState } from "../src/analyze.js";
import { runCli, ROOT } from "./helpers/cli.js";

/** A two-node Ray TP2 PP2 run: the head node's vLLM lines and NCCL lines from both hosts, interleaved. */
export const TWO_HOST_LOG = [
  "INFO 07-25 10:11:10 [__init__.py:244] Automatically detected platform cuda.",
  "INFO 07-25 10:11:11 [api_server.py:1395] vLLM API server version 0.9.1",
  "INFO 07-25 10:11:11 [config.py:1472] Using max model len 32768",
  "node-head:1234:1234 [0] NCCL INFO NCCL version 2.21.5+cuda12.4",
  "node-head:1234:1250 [0] NCCL INFO NET/Socket : Using [0]eth0:10.1.0.1<0>",
  "node-head:1234:1250 [0] NCCL INFO Using network Socket",
  "node-head:1234:1250 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[1] via P2P/IPC",
  "node-head:1235:1251 [1] NCCL INFO Channel 00/0 : 1[1] -> 2[0] [send] via NET/Socket/0",
  "node-worker:2234:2234 [2] NCCL INFO NCCL version 2.21.5+cuda12.4",
  "node-worker:2234:2250 [2] NCCL INFO Using network Socket",
  "node-worker:2234:2250 [2] NCCL INFO Channel 00/0 : 1[1] -> 2[0] [receive] via NET/Socket/0",
  "node-worker:2234:2250 [2] NCCL INFO Channel 00/0 : 2[0] -> 3[1] via P2P/IPC",
  "node-worker:2235:2251 [3] NCCL INFO Channel 00/0 : 3[1] -> 0[0] [send] via NET/Socket/0",
  "node-worker:2235:2251 [3] NCCL WARN Net : Connect to 10.1.0.1<43511> failed : Connection refused",
  "node-head:1234:1250 [0] NCCL INFO Channel 00/0 : 3[1] -> 0[0] [receive] via NET/Socket/0",
  "node-head:1234:1250 [0] NCCL INFO comm 0x5555 rank 0 nranks 4 cudaDev 0 busId 18000 commId 0x1 - Init COMPLETE",
  "node-worker:2234:2250 [2] NCCL INFO comm 0x5556 rank 2 nranks 4 cudaDev 0 busId 18000 commId 0x1 - Init COMPLETE",
  "INFO 07-25 10:11:40 [kv_cache_utils.py:634] GPU KV cache size: 1,310,000 tokens",
  "INFO 07-25 10:11:40 [kv_cache_utils.py:637] Maximum concurrency for 32,768 tokens per request: 39.98x",
  "",
].join("\n");

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
  it("merge(analyze(node 1), analyze(node 2)) equals analyze(node 1, node 2)", async () => {
    const { merged } = await expectMergeEqualsWhole(TWO_HOST_LOG, "two-host");
    // the split really spread the facts over the parts
    expect(merged.report.inputs.map((i) => i.lines)).toEqual([10, 10]);
    expect(Object.fromEntries(Object.entries(merged.report.facts.nccl.transports).filter(([, n]) => n > 0))).toEqual({ "P2P/IPC": 2, "NET/Socket": 4 });
    expect(merged.report.facts.kvCache.tokens).toBe(1310000);
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

  it("the merge command combines JSON reports written by analyze; anything else is exit 2", () => {
    const pieces = splitByHost(TWO_HOST_LOG);
    const logs = pieces.map((p, i) => {
      const f = join(tmp, `cli-part${i + 1}.log`);
      writeFileSync(f, p);
      return f;
    });
    const reports = logs.map((l, i) => {
      const out = join(tmp, `r${i + 1}.json`);
      expect(runCli(["analyze", l, "--format", "json", "-o", out]).status).not.toBe(2);
      return out;
    });
    const merged = runCli(["merge", ...reports]);
    const whole = runCli(["analyze", ...logs, "--format", "json"]);
    expect(merged.stderr).toBe("");
    expect(merged.status).toBe(whole.status);
    expect(JSON.parse(merged.stdout)).toEqual(JSON.parse(whole.stdout));
    expect(runCli(["merge", reports[0], logs[0]])).toMatchObject({ status: 2, stderr: expect.stringContaining("not a JSON report") });
    const noState = join(tmp, "nostate.json");
    const r = JSON.parse(readFileSync(reports[0], "utf8"));
    delete r.state;
    writeFileSync(noState, JSON.stringify(r));
    expect(runCli(["merge", noState])).toMatchObject({ status: 2, stderr: expect.stringContaining("carries no mergeable state") });
  });
});
