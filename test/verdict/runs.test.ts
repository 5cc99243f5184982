import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCliHere } from "../helpers/cli.js";
import { KV_SHORT, NODE0, NODE1, OOM_WEIGHTS, PEER_REFUSED } from "./logs.js";

describe("one run at a time", () => {
  const dir = mkdtempSync(join(tmpdir(), "vd-runs-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, "incidents"));
  mkdirSync(join(dir, "job"));
  writeFileSync(join(dir, "incidents", "a.log"), KV_SHORT);
  writeFileSync(join(dir, "incidents", "b.log"), OOM_WEIGHTS);
  writeFileSync(join(dir, "incidents", "c.log"), PEER_REFUSED);
  writeFileSync(join(dir, "job", "node0.log"), NODE0);
  writeFileSync(join(dir, "job", "node1.log"), NODE1);

  it("a folder of three unrelated incidents: three runs, each with its own verdict and findings; text in sections; exit 1", async () => {
    const j = await runCliHere(["analyze", "incidents", "--format", "json"], { cwd: dir });
    expect(j.status).toBe(1);
    const r = JSON.parse(j.stdout);
    expect(r.runs.map((x: { inputs: string[] }) => x.inputs.map((p) => p.replace(/^.*[/\\]/, "")))).toEqual([["a.log"], ["b.log"], ["c.log"]]);
    expect(r.runs.map((x: { findings: { ruleId: string }[] }) => x.findings[0].ruleId)).toEqual(["vllm/no-kv-cache-memory", "vllm/cuda-oom", "nccl/bootstrap-failure"]);
    expect(r.runs[1].why).toMatch(/^they serve different models \(meta-llama\/Llama-3\.1-8B-Instruct in .*a\.log, Qwen\/Qwen2\.5-7B-Instruct in .*b\.log\)$/);
    expect(r.runs[0].facts.config.model).toBe("meta-llama/Llama-3.1-8B-Instruct");
    expect(r.verdict).toMatch(/^3 separate runs, each reported on its own because they serve different models: run 1 \(.*a\.log\) failed \(vllm\/no-kv-cache-memory\); run 2 \(.*b\.log\) failed \(vllm\/cuda-oom\); run 3 \(.*c\.log\) failed \(nccl\/bootstrap-failure\)\. --one-run reads them as one\.$/);
    const t = await runCliHere(["analyze", "incidents"], { cwd: dir });
    expect(t.stdout).toContain(" Run 1 of 3 \n");
    expect(t.stdout).toContain(" Run 3 of 3  apart because they serve different models");
    const one = await runCliHere(["analyze", "incidents", "--one-run", "--format", "json"], { cwd: dir });
    expect(JSON.parse(one.stdout).runs).toBeUndefined();
  });

  it("the same model and layout on another day is another run; the same day with nothing else to tell stays one", async () => {
    const { analyze } = await import("../../src/analyze.js");
    writeFileSync(join(dir, "day1.log"), KV_SHORT);
    writeFileSync(join(dir, "day2.log"), KV_SHORT.replace(/05-14 /g, "05-15 "));
    writeFileSync(join(dir, "day1b.log"), KV_SHORT);
    const two = (await analyze([join(dir, "day1.log"), join(dir, "day2.log")])).report;
    expect(two.runs?.map((r) => r.why)).toEqual([expect.any(String), expect.stringMatching(/^they started on different days \(05-14 in .*day1\.log, 05-15 in .*day2\.log\)$/)]);
    expect((await analyze([join(dir, "day1.log"), join(dir, "day1b.log")])).report.runs).toBeUndefined();
  });

  it("per-node logs of one job (one commId) stay one run; check gates every run of a mixed folder", async () => {
    const j = await runCliHere(["analyze", "job", "--format", "json"], { cwd: dir });
    const r = JSON.parse(j.stdout);
    expect(j.status).toBe(0);
    expect(r.runs).toBeUndefined();
    expect(r.facts.nccl.nodes).toBe(2);
    expect(r.verdict).toMatch(/^Healthy: vLLM 0\.9\.1 \(V1 engine\); meta-llama\/Llama-3\.1-70B-Instruct on TP 8 × PP 2; KV cache 643,232 tokens/);
    const c = await runCliHere(["check", "incidents", "job", "--require", "kvCache.tokens>=1", "--format", "json"], { cwd: dir });
    expect(c.status).toBe(1);
    const g = JSON.parse(c.stdout).gate;
    // four runs (three incidents and the job), each gated: only the job's passes
    expect(g.requirements.filter((q: { kind: string }) => q.kind === "fail-on").map((q: { passed: boolean }) => q.passed)).toEqual([false, false, false, true]);
    const kv = g.requirements.filter((q: { name: string }) => q.name.includes("kvCache.tokens>=1"));
    expect(kv.map((q: { passed: boolean }) => q.passed)).toEqual([false, false, false, true]);
    expect(kv[3].name).toMatch(/^run 4 \(.*node0\.log, .*node1\.log\): /);
    expect(JSON.parse(c.stdout).verdict).toMatch(/^Gate failed: run 1 \(.*a\.log\): kvCache\.tokens>=1 \(/);
  });
});
