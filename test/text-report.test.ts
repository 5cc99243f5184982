import { describe, expect, it } from "vitest";
import { runCliHere } from "./helpers/cli.js";
import { renderText } from "../src/report/text.js";
import { renderMarkdown } from "../src/report/markdown.js";
import { sampleReport } from "./report-fixture.js";

/** The text report's "Not in the log" hints: headline facts spelled out, the rest counted, NCCL hints only where NCCL runs. */
describe("text report: missing evidence hints", () => {
  it("a TP=4 run without NCCL lines is told how to get them", async () => {
    const r = await runCliHere(["analyze", "samples/v0.8-tp4-mp.log"]);
    // wrapped at 80 columns when not a terminal, with a hanging indent
    expect(r.stdout).toContain("  · nccl.transports: no NCCL INFO lines in the log — rerun with NCCL_DEBUG=INFO\n    NCCL_DEBUG_SUBSYS=INIT,NET\n");
    expect(r.stdout).toMatch(/ {2}… and \d+ more \(the report's facts\.missing in --format json\)\n/);
  });

  it("a single-GPU run gets no NCCL hint, since it uses no NCCL", async () => {
    const r = await runCliHere(["analyze", "samples/cuda-oom.log"]);
    expect(r.stdout).toContain("Not in the log");
    expect(r.stdout).not.toContain("nccl.transports:");
    expect(r.stdout).toContain("  · kvCache.tokens: no `GPU KV cache size: N tokens` line (V1) in the input");
  });
});

describe("text report of several runs", () => {
  it("names the findings of all inputs read as one that no run has (every other format lists them)", async () => {
    const all = sampleReport();
    const run = (input: string) => ({ inputs: [input], why: "they serve different models", verdict: "Healthy.", facts: all.facts, findings: [], summary: { errors: 0, warnings: 0, infos: 0 } });
    const text = renderText({ ...all, runs: [run(all.inputs[0].path), run(all.inputs[1].path)] }, { color: false, width: 200 });
    const tail = text.slice(text.indexOf("Only with all inputs read as one (--one-run shows them in full)"));
    expect(tail).not.toBe(text);
    expect(all.findings.length).toBeGreaterThan(1);
    for (const f of all.findings) expect(tail).toContain(`${f.severity} ${f.title} [${f.ruleId}]`);
  });
});

describe("text report: the Run section", () => {
  it("shows what the log told of the run even without a model or parallel sizes (the executor, eager mode)", async () => {
    const log = [
      "INFO 05-21 08:02:11 [config.py:1904] Defaulting to use mp for distributed inference",
      "WARNING 05-21 08:02:11 [cuda.py:93] To see benefits of async output processing, enable CUDA graph. Since, enforce-eager is enabled, async output processor cannot be used",
      "",
    ].join("\n");
    const { analyzeText } = await import("./rules/analyze-text.js");
    const r = await analyzeText(log);
    expect(r.facts.config.executorBackend).toBe("mp");
    expect(r.facts.config.enforceEager).toBe(true);
    const text = renderText(r, { color: false, width: 200 });
    expect(text).not.toContain("no vLLM configuration in the log");
    expect(text).toContain("  parallelism            TP — · PP — · DP — (mp backend)\n");
    expect(text).toContain("  settings               enforce eager yes\n");
  });

  it("lists the settings beyond model, parallelism and memory, and none when the log showed none", async () => {
    const text = renderText(sampleReport(), { color: false, width: 400 });
    // (world size and the nodes stand in their own rows, not among the settings)
    expect(text).toContain("  parallelism            TP 8 · PP 2 · DP 1 (ray backend), world size 16\n  nodes                  2 (this is node rank 0), master 10.42.7.11\n");
    expect(text).toContain("  settings               dtype bfloat16 · KV cache dtype auto · enforce eager no · max_num_seqs 256 · max_num_batched_tokens 8,192 · block size 16\n");
    const bare = sampleReport();
    for (const k of Object.keys(bare.facts.config) as (keyof typeof bare.facts.config)[]) if (k !== "model" && k !== "tensorParallelSize" && k !== "source") (bare.facts.config as Record<string, unknown>)[k] = null;
    expect(renderText(bare, { color: false, width: 400 })).not.toContain("  settings ");
  });
});

describe("text and markdown reports: NCCL ranks against nodes", () => {
  const text = async (log: string[]) => {
    const { analyzeText } = await import("./rules/analyze-text.js");
    const r = await analyzeText(log.join("\n") + "\n");
    return { r, text: renderText(r, { color: false, width: 200 }), md: renderMarkdown(r) };
  };

  it("one rank's lines of a two-node communicator: 2 ranks (1 in the log) on 2 nodes, never 1 rank on 2 nodes", async () => {
    const { r, text: t, md } = await text([
      "spark2:285:285 [0] NCCL INFO comm 0x1095e9d0 rank 1 nRanks 2 nNodes 2 localRanks 1 localRank 0 MNNVL 0",
      "spark2:285:285 [0] NCCL INFO P2P Chunksize set to 131072",
    ]);
    expect(r.facts.nccl.ranks).toBe(1);
    expect(r.facts.nccl.nodes).toBe(2);
    for (const s of [r.verdict ?? "", t, md]) expect(s).not.toMatch(/\b1 ranks? on 2 node/);
    expect(r.verdict).toContain("2 ranks (1 in the log) on 2 nodes");
    expect(t).toContain("  ranks / nodes          2 ranks (1 in the log) on 2 nodes (lines from spark2), 0 Init COMPLETE\n");
    expect(md).toContain("| ranks / nodes | 2 / 2 (1 in the log) |");
  });

  it("ranks numbered on fewer hosts than the log's nodes: the nodes, and how many ranks the lines number", async () => {
    const { r, text: t, md } = await text([
      "#   Rank  1 Pid 2152176 on  dgxh100-3 device  0 [0xd1] NVIDIA H100 80GB HBM3",
      "dgxh100-4:460770:460770 [0] NCCL INFO Bootstrap : Using enp220s0np0:10.1.128.136<0>",
      "NCCL version 2.19.3+cuda12.3",
      "dgxh100-4:460770:460842 [0] NCCL INFO Using network IB",
      "dgxh100-3:2152176:2152176 [0] NCCL INFO Bootstrap : Using enp220s0np0:10.1.128.128<0>",
      "dgxh100-3:2152176:2152299 [0] NCCL INFO Using network IB",
    ]);
    expect(r.facts.nccl.ranks).toBe(1);
    expect(r.facts.nccl.nodes).toBe(2);
    for (const s of [r.verdict ?? "", t, md]) expect(s).not.toMatch(/\b1 ranks? on 2 node/);
    expect(t).toContain("  ranks / nodes          2 nodes (1 rank numbered in the log) (dgxh100-3, dgxh100-4), 0 Init COMPLETE\n");
    expect(md).toContain("| ranks / nodes | — / 2 (1 rank numbered in the log) |");
  });
});

describe("markdown report: missing evidence the report shows", () => {
  it("the GPU's capacity from V0's memory profiling line is shown, so gpu.memoryGiB is not listed as missing", async () => {
    const { analyzeText } = await import("./rules/analyze-text.js");
    const r = await analyzeText(
      [
        "INFO 02-26 14:05:31 worker.py:267] Memory profiling takes 5.12 seconds",
        "INFO 02-26 14:05:31 worker.py:267] the current vLLM instance can use total_gpu_memory (79.10GiB) x gpu_memory_utilization (0.90) = 71.19GiB",
        "INFO 02-26 14:05:31 worker.py:267] model weights take 25.41GiB; non_torch_memory takes 3.12GiB; PyTorch activation peak memory takes 1.96GiB; the rest of the memory reserved for KV Cache is 40.70GiB.",
        "",
      ].join("\n"),
    );
    expect(r.facts.memory.totalGpuGiB).toBe(79.1);
    expect(r.facts.missing.map((m) => m.fact)).toContain("gpu.memoryGiB"); // the JSON keeps it
    const md = renderMarkdown(r);
    expect(md).toContain("| GPU memory | 79.1 GiB |");
    expect(md).not.toContain("| gpu.memoryGiB |");
  });
});

describe("text report: request counts", () => {
  it("a V1 log with no Finished request lines does not say 0 finished beside responses of HTTP 200", async () => {
    const { analyzeText } = await import("./rules/analyze-text.js");
    const lines: string[] = [];
    for (let i = 1; i <= 3; i++) {
      lines.push(`(APIServer pid=7) INFO 11-05 14:01:39 [logger.py:41] Received request chatcmpl-0000000${i}: prompt: 'hi', params: SamplingParams(n=1, temperature=0.7, max_tokens=512), prompt_token_ids: [1, 2], lora_request: None.`);
      lines.push(`(APIServer pid=7) INFO:     10.0.0.${i}:5000${i} - "POST /v1/chat/completions HTTP/1.1" 200 OK`);
    }
    const r = await analyzeText(lines.join("\n") + "\n");
    expect(r.facts.runtime?.requests).toEqual({ received: 3, finished: 0, aborted: 0 });
    const text = renderText(r, { color: false, width: 200 });
    expect(text).not.toContain("0 finished");
    expect(text).toContain("3 received (no finished or aborted request lines); HTTP 2xx 3, 4xx 0, 5xx 0");
    expect(renderMarkdown(r)).toContain("| requests | 3 received (no finished or aborted request lines); HTTP 2xx 3, 4xx 0, 5xx 0 |");
  });
});

describe("text report: evidence of a long path", () => {
  it("the place gets a row of its own rather than cutting the line's first word into pieces", async () => {
    const { analyzeText } = await import("./rules/analyze-text.js");
    const name = "016-v1-0.8.3-a100-tp4-custom-allreduce-disabled-from-the-cluster-of-team-b.log";
    const line = "(VllmWorker rank=3 pid=420623) WARNING 04-16 11:09:10 [custom_all_reduce.py:136] Custom allreduce is disabled because it's not supported on more than two PCIe-only GPUs. To silence this warning, specify disable_custom_all_reduce=True explicitly.";
    const r = await analyzeText(`${line}\n`, name);
    expect(r.findings.map((f) => f.ruleId)).toContain("vllm/custom-allreduce-disabled");
    const text = renderText(r, { color: false, width: 80 });
    const at = text.split("\n").findIndex((l) => l.trim().endsWith(`${name}:1`));
    expect(at).toBeGreaterThan(0);
    expect(text.split("\n")[at + 1]).toBe("            (VllmWorker rank=3 pid=420623) WARNING 04-16 11:09:10");
    expect(text).not.toContain("(VllmWorke\n");
  });
});
