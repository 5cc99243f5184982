import { describe, expect, it } from "vitest";
import { analyzeText, ids, eachWrapped } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in a seventieth round of real logs: RL frameworks that run vLLM for rollouts (verl, OpenRLHF, TRL's
 * GRPO server, NeMo-RL, SkyRL). Their Ray actors wrap vLLM's and NCCL's lines in their own prefixes, and the
 * containers of two nodes number their processes alike, so one pid can stand for a worker on each node
 * (`(WorkerDict pid=830, ip=A)` and `(WorkerDict pid=830, ip=B)`): those were merged into one process and the second
 * node's address was lost. The rest pins what already read right on first sight: the framework's own flags and
 * overrides (`--vllm_tensor_parallel_size`, `actor_rollout_ref.rollout.tensor_model_parallel_size=`) are no vLLM
 * fact, a weight-sync client's pynccl failure is NCCL's `unhandled system error`, and an NCCL fork's bracketed prefix
 * (`[host][pid:tid][dev][file:line] NCCL WARN`) still names its host. Every log text is written for the test.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubectl --timestamps", (l) => `2026-11-30T09:12:44.208311907Z ${l}`],
  ["docker compose", (l) => `trainer-1  | ${l}`],
];

const join = (lines: string[], wrap: (l: string) => string, eol = "\n"): string => lines.map(wrap).join(eol) + eol;

const eachWrap = (lines: string[], check: (r: Report, at: string) => void) => eachWrapped(WRAPS, lines, check);

describe("one pid on two Ray nodes (containers number their processes alike)", () => {
  const frames = (ip: string, pid: number) => [
    `(WorkerDict pid=${pid}, ip=${ip}) /usr/lib/x86_64-linux-gnu/libstdc++.so.6(+0xc91a3) [0x7f2c119ac1a3]`,
    `(WorkerDict pid=${pid}, ip=${ip}) /usr/lib/x86_64-linux-gnu/libc.so.6(+0x8a4d2) [0x7f2c13e5a4d2]`,
    `(WorkerDict pid=${pid}, ip=${ip}) `,
  ];
  it("keeps both workers' addresses", async () => {
    await eachWrap([...frames("10.4.7.21", 611), ...frames("10.4.9.38", 611)], (r, at) => {
      expect(r.facts.nccl.workerIps, at).toEqual(["10.4.7.21", "10.4.9.38"]);
    });
  });
  it("one worker repeated, or the same pid without an address, stays one address", async () => {
    const r1 = await analyzeText(join([...frames("10.4.7.21", 611), ...frames("10.4.7.21", 611)], (l) => l));
    expect(r1.facts.nccl.workerIps).toEqual(["10.4.7.21"]);
    const r2 = await analyzeText(join([...frames("10.4.7.21", 611), "(WorkerDict pid=611) /usr/lib/x86_64-linux-gnu/libc.so.6(+0x8a4d2) [0x7f2c13e5a4d2]"], (l) => l));
    expect(r2.facts.nccl.workerIps).toEqual(["10.4.7.21"]);
  });
  it("a backtrace that only names the watchdog is no collective timeout", async () => {
    const r = await analyzeText(join(["(WorkerDict pid=611, ip=10.4.7.21) /opt/venv/lib/python3.11/site-packages/torch/lib/libtorch_cuda.so(+0x11d2e08) [0x7f0d4a5d2e08] c10d::ProcessGroupNCCL::ncclCommWatchdog()", ...frames("10.4.9.38", 611)], (l) => l));
    expect(ids(r)).toEqual([]);
    expect(r.facts.firstError).toBeNull();
  });
});

describe("an RL framework's own flags and overrides are no vLLM fact", () => {
  it("a ray job submit naming --vllm_tensor_parallel_size and --vllm_gpu_memory_utilization", async () => {
    const lines = [
      "ray job submit --address=\"http://127.0.0.1:8265\" \\",
      "   -- python3 -m openrlhf.cli.train_ppo_ray \\",
      "   --vllm_num_engines 2 \\",
      "   --vllm_tensor_parallel_size 4 \\",
      "   --vllm_gpu_memory_utilization 0.55 \\",
      "   --vllm_enable_sleep \\",
      "   --pretrain Qwen/Qwen2.5-7B-Instruct \\",
    ];
    await eachWrap(lines, (r, at) => {
      expect(r.facts.config.tensorParallelSize, at).toBeNull();
      expect(r.facts.config.gpuMemoryUtilization, at).toBeNull();
      expect(r.facts.config.model, at).toBeNull();
      expect(ids(r, "error"), at).toEqual([]);
    });
  });
  it("hydra's `Error executing job with overrides` listing rollout settings", async () => {
    const r = await analyzeText(join([
      "(AsyncvLLMServer pid=40211) instance_id: 0b1c:Kq7:1:0 initializes with external actors: ['Kq7WorkerDict_0:0']",
      "Error executing job with overrides: ['algorithm.adv_estimator=grpo', 'actor_rollout_ref.rollout.tensor_model_parallel_size=4', 'actor_rollout_ref.rollout.gpu_memory_utilization=0.7', 'actor_rollout_ref.rollout.n=8']",
    ], (l) => l));
    expect(r.facts.config.tensorParallelSize).toBeNull();
    expect(r.facts.config.gpuMemoryUtilization).toBeNull();
    expect(ids(r, "error")).toEqual([]);
  });
});

describe("a GRPO trainer's weight-sync client failing in pynccl", () => {
  const lines = [
    "INFO 08-14 06:02:19 [utils.py:1121] Found nccl from library libnccl.so.2",
    "INFO 08-14 06:02:19 [pynccl.py:70] vLLM is using nccl==2.26.2",
    "NCCL error: unhandled system error (run with NCCL_DEBUG=INFO for details)",
  ];
  it("reads NCCL's version, the first error and the system error", async () => {
    await eachWrap(lines, (r, at) => {
      expect(r.facts.nccl.version, at).toBe("2.26.2");
      expect(r.facts.firstError?.line, at).toBe(3);
      expect(ids(r), at).toContain("nccl/system-error");
    });
  });
});

describe("an NCCL fork's bracketed prefix inside a Ray actor", () => {
  const lines = [
    "(ActorModelRayActor pid=2207) [trainer-master-0][2207:2391][0][init.cc:1790] NCCL WARN init.cc:1790 -> 5",
    "(ActorModelRayActor pid=2207) [trainer-master-0][2207:2391][0][group.cc:71] NCCL INFO group.cc:71 -> 5 [Async thread]",
    "(ActorModelRayActor pid=2207) ",
    "(ActorModelRayActor pid=2207) [trainer-master-0][2207:2207][0][group.cc:560] NCCL WARN group.cc:560 -> 3",
  ];
  it("names the host, the first warning and the internal error", async () => {
    await eachWrap(lines, (r, at) => {
      expect(r.facts.nccl.nodes, at).toBe(1);
      expect(r.facts.nccl.firstWarn?.line, at).toBe(1);
      expect(r.facts.firstError?.line, at).toBe(1);
      expect(ids(r), at).toContain("nccl/internal-error");
    });
  });
});
