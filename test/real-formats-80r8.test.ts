import { describe, expect, it } from "vitest";
import { analyzeText, ids, eachWrapped } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in an eightieth round of real logs (vLLM issue reports). One was read wrong on first sight: a
 * FileNotFoundError on a kernel file in Triton's cache, under a temporary name `<file>.tmp.pid_<pid>_<id>` (Triton's
 * file cache racing between processes that compile the same kernel), which no rule named. The rest pins what already
 * read right: a Buildkite log whose ANSI colours were saved as caret text (`^[[31mERROR^[[0m`), NCCL lines from a
 * host whose name is a number (`180:44751:44817 [3] NCCL INFO`), worker frames behind two nested process prefixes
 * (`(EngineCore_0 pid=) (VllmWorker TP0 pid=)`) in a start-up-only method, and a log that ends inside a frame line
 * (`ERROR ... async_llm_engine.py:56]   Fil`). Every log text is written for the test.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubectl --timestamps", (l) => `2026-12-07T06:41:09.517204331Z ${l}`],
];

const eachWrap = (lines: string[], check: (r: Report, at: string) => void) => eachWrapped(WRAPS, lines, check);

describe("Triton's file cache racing between processes", () => {
  it("a rank's traceback ending in FileNotFoundError on `<kernel>.json.tmp.pid_<pid>_<id>` names the race", async () => {
    const lines = [
      "[rank0]:   File \"/opt/conda/envs/serve/lib/python3.10/site-packages/triton/compiler/compiler.py\", line 239, in __init__",
      "[rank0]:     self.asm = {",
      "[rank0]:   File \"/opt/conda/envs/serve/lib/python3.10/pathlib.py\", line 1134, in read_text",
      "[rank0]:     with self.open(mode='r', encoding=encoding, errors=errors) as f:",
      "[rank0]: FileNotFoundError: [Errno 2] No such file or directory: '/home/svc/.triton/cache/9b1e07c4a2d35f68e0c7/_bgmv_shrink_kernel.json.tmp.pid_31877_0c9d2e4f-5a61-4b3c-8e7d-2f1a0b9c8d7e'",
    ];
    await eachWrap(lines, (r, at) => {
      expect(ids(r, "error"), at).toEqual(["vllm/triton-cache-race"]);
      const f = r.findings.find((x) => x.ruleId === "vllm/triton-cache-race")!;
      expect(f.message, at).toContain("Triton's kernel cache in /home/svc/.triton/cache lost a file: the temporary copy of _bgmv_shrink_kernel.json (written by process 31877)");
      expect(f.evidence.map((e) => e.line), at).toEqual([5]);
      expect(r.facts.firstError?.line, at).toBe(5);
    });
  });
  it("a missing model file is no cache race", async () => {
    const r = await analyzeText([
      "[rank0]: FileNotFoundError: [Errno 2] No such file or directory: '/models/llama-3-8b/tokenizer.json'",
      "",
    ].join("\n"));
    expect(ids(r)).not.toContain("vllm/triton-cache-race");
  });
});

describe("formats that read right on first sight", () => {
  it("caret-notation ANSI colours behind Buildkite's `> [time]` prefix: the free-memory error still fails start-up", async () => {
    const r = await analyzeText([
      "> [2026-11-03T04:12:51Z] ^[[0;36m(EngineCore_DP0 pid=4411)^[[0;0m ^[[1;36mINFO^[[0m ^[[90m11-02 20:12:51^[[0m ^[[90m[core.py:93]^[[0m Initializing a V1 LLM engine (v0.14.1) with config: model='Qwen/Qwen3-0.6B'",
      "> [2026-11-03T04:12:53Z] ^[[0;36m(EngineCore_DP0 pid=4411)^[[0;0m ^[[31mERROR^[[0m ^[[90m11-02 20:12:53^[[0m ^[[90m[core.py:935]^[[0m ValueError: Free memory on device cuda:0 (2.10/23.57 GiB) on startup is less than desired GPU memory utilization (0.85, 20.03 GiB). Decrease GPU memory utilization or reduce GPU memory used by other processes.",
      "",
    ].join("\n"));
    expect(ids(r, "error")).toContain("vllm/engine-init-failed");
    expect(r.facts.config.gpuMemoryUtilization).toBe(0.85);
    expect(r.facts.firstError?.line).toBe(2);
  });
  it("NCCL lines from a host named by a number keep ranks, one node and the P2P/IPC and SHM connections", async () => {
    const r = await analyzeText([
      "73:9120:9188 [1] NCCL INFO Channel 00/0 : 1[1] -> 0[0] via P2P/IPC/read",
      "73:9121:9190 [2] NCCL INFO Channel 00 : 2[2] -> 1[1] via SHM/direct/direct",
      "73:9119:9186 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[1] via P2P/IPC/read",
      "73:9121:9190 [2] NCCL INFO Connected all rings",
      "",
    ].join("\n"));
    expect(r.facts.nccl.ranks).toBe(3);
    expect(r.facts.nccl.nodes).toBe(1);
    expect(r.facts.nccl.hosts).toEqual(["73"]);
    expect(r.facts.nccl.intraNode).toEqual({ "P2P/IPC": 2, SHM: 1 });
    expect(r.facts.nccl.multiNode).toBe(false);
  });
  it("worker frames behind `(EngineCore_0 pid=) (VllmWorker TP0 pid=)` in determine_available_memory fail start-up", async () => {
    const p = "(EngineCore_0 pid=20417) (VllmWorker TP0 pid=20433) ERROR 10-14 11:02:19 [multiproc_executor.py:602]";
    const lines = [
      `${p}   File "/srv/venv/lib/python3.12/site-packages/vllm/v1/worker/gpu_worker.py", line 244, in determine_available_memory`,
      `${p}     self.model_runner.profile_run()`,
      `${p}   File "/srv/venv/lib/python3.12/site-packages/vllm/v1/worker/gpu_model_runner.py", line 2585, in profile_run`,
      `${p}     dummy_encoder_outputs = self.model.get_multimodal_embeddings(`,
    ];
    await eachWrap(lines, (r, at) => {
      expect(ids(r, "error"), at).toEqual(["vllm/engine-init-failed"]);
      expect(r.facts.vllm.engine, at).toBe("v1");
      expect(r.facts.config.executorBackend, at).toBe("mp");
    });
  });
  it("a log cut inside a frame line (`...]   Fil`) has no first error", async () => {
    const r = await analyzeText([
      "INFO 07-30 10:02:44 api_server.py:212] vLLM API server version 0.5.3.post1",
      "ERROR 07-30 10:05:12 async_llm_engine.py:56]   Fil",
    ].join("\n"));
    expect(r.facts.firstError).toBeNull();
  });
});
