import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { diffReports, percentText, renderDiffText } from "../src/gate/diff.js";
import { ROOT, runCliHere } from "./helpers/cli.js";
import { analyzeText } from "./rules/analyze-text.js";
import { sampleReport } from "./report-fixture.js";

/** The good run: bigger KV cache, InfiniBand with GPU Direct RDMA, a newer NCCL, only the info finding. */
function goodRun() {
  const r = sampleReport();
  r.facts.kvCache.tokens = 2040000;
  r.facts.nccl.version = "2.26.5";
  r.facts.nccl.versions = ["2.26.5"];
  r.facts.nccl.net = "IB";
  r.facts.nccl.nodePairs[1].kinds = { "NET/IB/GDRDMA": 8 };
  r.facts.nccl.interNode = { "NET/IB/GDRDMA": 8 };
  r.findings = r.findings.filter((f) => f.severity === "info");
  r.summary = { errors: 0, warnings: 0, infos: 1 };
  return r;
}

describe("diff of two reports", () => {
  const d = diffReports(goodRun(), sampleReport());

  it("reads a changed list of records by what names them, not as JSON (the JSON diff keeps the JSON)", async () => {
    const a = sampleReport();
    const b = sampleReport();
    a.facts.dialects = [{ name: "vllm", label: "vLLM 0.7.3 (V0 engine)", evidence: "INFO x" }, { name: "ray", label: "Ray", evidence: "(raylet) y" }] as never;
    b.facts.dialects = [{ name: "vllm", label: "vLLM 0.8.3 (V1 engine)", evidence: "INFO z" }] as never;
    const change = diffReports(a, b).changes.find((c) => c.path === "dialects")!;
    expect(change.text).toBe("dialects vLLM 0.7.3 (V0 engine), Ray → vLLM 0.8.3 (V1 engine)");
    expect(JSON.parse(String(change.before))).toEqual([{ name: "vllm", label: "vLLM 0.7.3 (V0 engine)", evidence: "INFO x" }, { name: "ray", label: "Ray", evidence: "(raylet) y" }]);
  });

  it("an empty list and no value are no change (it used to list `bench.serve.detailedArrays none → none`)", async () => {
    const a = sampleReport();
    const b = sampleReport();
    a.facts.bench.serve = { detailedArrays: [], p99TtftMs: 700 } as never;
    b.facts.bench.serve = { detailedArrays: null, p99TtftMs: 900 } as never;
    expect(diffReports(a, b).changes.map((c) => c.text)).toEqual(["bench.serve.p99TtftMs 700 → 900 (+29%)"]);
  });

  it("states each changed fact with its unit and relative change", async () => {
    const texts = d.changes.map((c) => c.text);
    expect(texts.slice(0, 5)).toEqual([
      "inter-node transport NET/IB/GDRDMA → NET/Socket",
      "KV cache 2,040,000 → 1,310,000 tokens (−36%)",
      "NCCL 2.26.5 → 2.21.5",
      "NCCL versions 2.26.5 → 2.21.5",
      "NCCL network IB → Socket",
    ]);
    expect(d.changes.find((c) => c.path === "kvCache.tokens")).toMatchObject({ before: 2040000, after: 1310000 });
    expect(d.changes.find((c) => c.path === "kvCache.tokens")!.changePercent).toBeCloseTo(-35.78, 1);
    // only what changed is listed
    expect(d.changes.map((c) => c.path)).not.toContain("config.tensorParallelSize");
  });

  it("lists the findings that appeared and went away", async () => {
    expect(d.findings.appeared.map((f) => f.ruleId)).toEqual(["nccl/socket-fallback", "vllm/low-concurrency"]);
    expect(d.findings.resolved).toEqual([]);
    const back = diffReports(sampleReport(), goodRun());
    expect(back.findings.resolved.map((f) => f.ruleId)).toEqual(["nccl/socket-fallback", "vllm/low-concurrency"]);
    expect(back.changes[1].text).toBe("KV cache 1,310,000 → 2,040,000 tokens (+55.7%)".replace("+55.7%", "+56%"));
  });

  it("one log under two names (or with lines moved) is no change: evidence compares by its text", async () => {
    const text = readFileSync(join(ROOT, "samples", "ray-tp8-pp2-two-nodes.log"), "utf8");
    const a = await analyzeText(text, "yesterday.log");
    const b = await analyzeText("INFO an extra line first\n" + text, "today.log");
    // the file name and line of every evidence-bearing fact (dialects, timeline, versions, interfaces, first connections) used to show as changed
    expect(diffReports(a, b).changes).toEqual([]);
    // a first line of another text that a record list quotes as its evidence (the vLLM dialect's first line): the list
    // says the same, and its line used to be listed as `dialects vLLM 0.7.3 (V0 engine), … → vLLM 0.7.3 (V0 engine), …`
    const quoted = await analyzeText("INFO 02-26 14:00:00 launcher.py:12] starting the server\n" + text, "today.log");
    expect(quoted.facts.dialects.find((x) => x.name === "vllm")?.evidence?.text).toContain("starting the server");
    expect(diffReports(a, quoted).changes).toEqual([]);
    const changed = await analyzeText(text.replaceAll("nccl==2.21.5", "nccl==2.21.6"), "today.log");
    expect(diffReports(a, changed).changes.map((c) => c.path)).toContain("nccl.version");
  });

  it("renders text, and says when nothing changed", async () => {
    const text = renderDiffText(d);
    expect(text).toContain("\n  KV cache 2,040,000 → 1,310,000 tokens (−36%)\n");
    expect(text).toContain("\n  + error   nccl/socket-fallback: Inter-node NCCL traffic over TCP sockets (new in B)\n");
    const same = diffReports(sampleReport(), sampleReport());
    expect(same.changes).toEqual([]);
    expect(renderDiffText(same)).toContain("No fact changed.\n\nFindings: the same rules fired in both.\n");
    expect(percentText(-5.04)).toBe("−5%");
    expect(percentText(-5.44)).toBe("−5.4%");
  });
});

describe("diff command", () => {
  const tmp = mkdtempSync(join(tmpdir(), "vd-diff-"));
  const log = (tokens: string, via: string) =>
    [
      "gpu-node-a:1235:1251 [1] NCCL INFO NCCL version 2.21.5+cuda12.4",
      `gpu-node-a:1235:1251 [1] NCCL INFO Channel 00/0 : 1[1] -> 2[0] [send] via ${via}`,
      `gpu-node-b:2234:2250 [2] NCCL INFO Channel 00/0 : 1[1] -> 2[0] [receive] via ${via}`,
      `INFO 07-25 10:11:40 [kv_cache_utils.py:634] GPU KV cache size: ${tokens} tokens`,
      "",
    ].join("\n");
  const a = join(tmp, "a.log");
  const b = join(tmp, "b.log");
  writeFileSync(a, log("2,040,000", "NET/IB/0/GDRDMA"));
  writeFileSync(b, log("1,310,000", "NET/Socket/0"));

  it("two nccl-tests runs differ by their busbw, not by each table row, the pids of the device list or the first connection lines", async () => {
    const r = await runCliHere(["diff", join(ROOT, "samples/bench-nccl-baseline.txt"), join(ROOT, "samples/bench-nccl-today.txt")]);
    expect(r.stdout.split("\n").slice(3)).toEqual([
      "Facts that changed (3):",
      "  bench.ncclTests.avgBusbwGBs 119.4 → 114.9 (−3.8%)",
      "  bench.ncclTests.largeSizeBusbwGBs 363.15 → 349.48 (−3.8%)",
      "  bench.ncclTests.maxBusbwGBs 363.15 → 349.48 (−3.8%)",
      "",
      "Findings: the same rules fired in both.",
      "",
    ]);
  });

  it("compares a JSON report with a log, in text and json", async () => {
    const aJson = join(tmp, "a.json");
    expect((await runCliHere(["analyze", a, "--format", "json", "-o", aJson])).status).not.toBe(2);
    const t = await runCliHere(["diff", aJson, b]);
    expect(t.status).toBe(0);
    expect(t.stdout).toContain("  inter-node transport NET/IB/GDRDMA → NET/Socket\n");
    expect(t.stdout).toContain("  KV cache 2,040,000 → 1,310,000 tokens (−36%)\n");
    const j = await runCliHere(["diff", a, b, "--format", "json", "--exit-code"]);
    expect(j.status).toBe(1);
    const d = JSON.parse(j.stdout);
    expect(d.changes.find((c: any) => c.path === "kvCache.tokens")).toMatchObject({ before: 2040000, after: 1310000, text: "KV cache 2,040,000 → 1,310,000 tokens (−36%)" });
  });

  it("--exit-code is 0 for identical runs; bad input is exit 2", async () => {
    expect((await runCliHere(["diff", a, a, "--exit-code"])).status).toBe(0);
    expect((await runCliHere(["diff", a, join(tmp, "missing.log")])).status).toBe(2);
    expect((await runCliHere(["diff", a, b, "--format", "html"])).status).toBe(2);
    // a folder of different runs was compared as the facts of them all joined
    expect(await runCliHere(["diff", "samples", a])).toMatchObject({ status: 2, stdout: "", stderr: expect.stringMatching(/^vllm-doctor: these logs are \d+ different runs \(samples\/bench-nccl-baseline\.txt \+ .*\): compare one run at a time \(--one-run reads them as one\) \(samples\)\n$/) });
    expect((await runCliHere(["diff", "samples", "samples", "--one-run", "--exit-code"])).status).toBe(0);
  });
});
