import { describe, expect, it } from "vitest";
import { analyzeText, ids, eachWrapped } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats met in round 80r31 (RL and training frameworks that run vLLM: TRL's GRPO trainer and vllm-serve, the
 * verifiers vf-vllm server, NeMo-RL's generation workers, verl and its forks EasyR1 and AgentFly with their
 * `(WorkerDict pid=N)` / `(Runner pid=N)` / `(TaskRunner pid=N)` Ray prefixes, and a KubeRay pod's RayWorkerWrapper).
 * The tool read the round's labelled facts and problems at first sight; the one wrong finding was nccl/p2p-disabled
 * ("GPUs talk through host memory") on NCCL ≥2.8's failing CUDA call `Cuda failure 217 'peer access is not supported
 * between these two devices'`, shown under PyTorch's `Last error:` behind a verl-style Ray driver prefix: NCCL's own
 * P2P check had passed and the call after it failed, which nccl/cuda-error reports. Every log text here is written for
 * the test.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubets", (l) => `2026-03-14T08:41:17.204911337Z ${l}`],
  ["mpi-tag", (l) => `[1,2]<stderr>:${l}`],
];

const eachWrap = (lines: string[], check: (r: Report, at: string) => void) => eachWrapped(WRAPS, lines, check);
const text = (lines: string[]) => lines.join("\n") + "\n";

describe("NCCL's CUDA call failing with peer access unsupported is a CUDA failure, not P2P turned off", () => {
  const driver = (num: string) => [
    "(Runner pid=40211) torch.distributed.DistBackendError: NCCL error in: /pytorch/torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:3690, unhandled cuda error (run with NCCL_DEBUG=INFO for details), NCCL version 2.26.5",
    "(Runner pid=40211) ncclUnhandledCudaError: Call to CUDA function failed.",
    "(Runner pid=40211) Last error:",
    `(Runner pid=40211) Cuda failure ${num}'peer access is not supported between these two devices'`,
  ];
  it("under PyTorch's Last error: behind a Ray driver prefix: nccl/cuda-error alone, behind wrappers and CRLF", async () => {
    await eachWrap(driver("217 "), (r, at) => {
      expect(ids(r), at).toContain("nccl/cuda-error");
      expect(ids(r), at).not.toContain("nccl/p2p-disabled");
      expect(r.facts.nccl.version, at).toBe("2.26.5");
      expect(r.facts.firstError?.text, at).toMatch(/DistBackendError: NCCL error in: .*unhandled cuda error/);
    });
  });
  it("NCCL's own WARN, with and without the error number; vLLM's custom all-reduce failing so is still P2P missing", async () => {
    for (const num of ["217 ", ""]) {
      await eachWrap([
        "(WorkerDict pid=88120) rl-node-3:88120:88120 [2] NCCL INFO NCCL_CUMEM_ENABLE set by environment to 0.",
        `(WorkerDict pid=88120) rl-node-3:88120:88411 [2] transport/p2p.cc:275 NCCL WARN Cuda failure ${num}'peer access is not supported between these two devices'`,
        "(WorkerDict pid=88120) rl-node-3:88120:88411 [2] NCCL INFO transport/p2p.cc:310 -> 1",
      ], (r, at) => {
        expect(ids(r, "error"), at).toContain("nccl/cuda-error");
        expect(ids(r), at).not.toContain("nccl/p2p-disabled");
        expect(r.facts.nccl.firstWarn?.text, at).toContain("Cuda failure");
      });
    }
    // near misses: vLLM's own kernel failing its CUDA IPC call, and NCCL saying P2P is disabled, do say P2P is missing
    const custom = await analyzeText(text(["(Worker_TP1 pid=7120) Failed: Cuda error /workspace/csrc/custom_all_reduce.cuh:164 'peer access is not supported between these two devices'"]));
    expect(ids(custom)).toContain("nccl/p2p-disabled");
    const said = await analyzeText(text(["rl-node-3:88120:88411 [2] NCCL INFO P2P is disabled between connected GPUs 2 and 3. You can repress this message with NCCL_IGNORE_DISABLED_P2P=1."]));
    expect(ids(said)).toContain("nccl/p2p-disabled");
  });
});
