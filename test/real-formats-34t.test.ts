import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * Round 34t (NCCL failures as PyTorch and vLLM report them): shapes of real pastes the readers missed. The log texts
 * are written for the test in the printed layouts; the facts checked are exact.
 */

const WRAPS: Array<[string, (s: string) => string]> = [
  ["bare", (s) => s],
  ["CRLF", (s) => s.replace(/\n/g, "\r\n")],
  ["kubectl --timestamps", (s) => s.split("\n").map((l, i) => `2026-03-11T04:20:0${i % 10}.117203512Z ${l}`).join("\n")],
  ["docker compose", (s) => s.split("\n").map((l) => `trainer-1  | ${l}`).join("\n")],
  ["Ray prefix", (s) => s.split("\n").map((l) => `(RayWorkerWrapper pid=4411, ip=10.4.0.12) ${l}`).join("\n")],
];

// ProcessGroupNCCL's flight-recorder dump request after a timeout (PyTorch 2.4+): the rank that timed out says
// `from this local rank`, the ranks it told say `from  rank N` (two spaces: the message joins "from " and " rank N")
const DUMP_SIGNAL = [
  "step 5120 loss 1.9921",
  "[rank2]:[E1103 09:41:17.551203118 ProcessGroupNCCL.cpp:1987] [PG ID 0 PG GUID 0(default_pg) Rank 2] Received a dump signal due to a collective timeout from this local rank and we will try our best to dump the debug info. Last enqueued NCCL work: 88120, last completed NCCL work: 88119.This is most likely caused by incorrect usages of collectives, e.g., wrong sizes used across ranks.",
  "[rank6]:[E1103 09:41:17.551290442 ProcessGroupNCCL.cpp:1987] [PG ID 0 PG GUID 0(default_pg) Rank 6] Received a dump signal due to a collective timeout from  rank 2 and we will try our best to dump the debug info. Last enqueued NCCL work: 88120, last completed NCCL work: 88120.",
].join("\n");

describe("the flight recorder's dump request after a collective timeout", () => {
  for (const [name, wrap] of WRAPS)
    it(`is a collective timeout and the first error (${name})`, async () => {
      const r = await analyzeText(wrap(DUMP_SIGNAL));
      expect(ids(r, "error")).toContain("nccl/collective-timeout");
      expect(r.facts.firstError?.line).toBe(2);
      expect(r.facts.nccl.ranks).toBe(2);
    });

  it("reads PyTorch 2.2-2.3's wording: a timeout signal from this local rank, a global timeout from another rank", async () => {
    const local = await analyzeText("[rank1]:[E212 16:02:40.118020334 ProcessGroupNCCL.cpp:1281] [PG 0 Rank 1] Received a timeout signal from this local rank and will start to dump the debug info. Last enqueued NCCL work: 31, last completed NCCL work: 30.\n");
    expect(ids(local, "error")).toEqual(["nccl/collective-timeout"]);
    const global = await analyzeText("[rank0]:[E212 16:02:41.007114092 ProcessGroupNCCL.cpp:1276] [PG 0 Rank 0] Received a global timeout from another rank and will start to dump the debug info. Last enqueued NCCL work: 31, last completed NCCL work: 31.\n");
    expect(ids(global, "error")).toEqual(["nccl/collective-timeout"]);
    expect(global.facts.firstError?.line).toBe(1);
  });

  it("the start-up options line that names TORCH_NCCL_DUMP_ON_TIMEOUT is no timeout", async () => {
    const r = await analyzeText(
      "[rank0]:[I1103 09:00:02.100221000 ProcessGroupNCCL.cpp:938] [PG ID 0 PG GUID 0 Rank 0] ProcessGroupNCCL initialization options: size: 8, global rank: 0, TIMEOUT(ms): 600000, USE_HIGH_PRIORITY_STREAM: 0, TORCH_DISTRIBUTED_DEBUG: OFF, TORCH_NCCL_DUMP_ON_TIMEOUT: 1, TORCH_NCCL_TRACE_BUFFER_SIZE: 2000\n",
    );
    expect(ids(r)).not.toContain("nccl/collective-timeout");
    expect(r.facts.firstError).toBeNull();
  });
});

// vLLM's custom all-reduce CUDACHECK print (csrc/custom_all_reduce.cuh), as builds of 2024-2025 wrote it: no
// `Cuda error ` words before the file, then exit
const CUSTOM_AR_OLD = [
  "Capturing CUDA graph shapes: 100%|██████████| 35/35 [00:21<00:00,  1.66it/s]",
  "Failed: /build/vllm/csrc/custom_all_reduce.cuh:310 'invalid argument'",
  "Failed: /build/vllm/csrc/custom_all_reduce.cuh:310 'invalid argument'",
].join("\n");

describe("vLLM's custom all-reduce check without the `Cuda error` words", () => {
  for (const [name, wrap] of WRAPS)
    it(`is a custom all-reduce failure and the first error (${name})`, async () => {
      const r = await analyzeText(wrap(CUSTOM_AR_OLD));
      expect(ids(r, "error")).toContain("vllm/custom-allreduce-failed");
      expect(r.facts.firstError?.line).toBe(2);
    });

  it("under a launcher that logs the worker's stdout at INFO", async () => {
    const r = await analyzeText(
      [
        "2025-05-01T10:11:12.001Z  INFO my_runner::engine: VLLM: Capturing CUDA graph shapes: 100%",
        "2025-05-01T10:11:12.390Z  INFO my_runner::engine: VLLM: Failed: /src/csrc/custom_all_reduce.cuh:368 'peer access is not supported between these two devices'",
      ].join("\n"),
    );
    expect(r.facts.firstError?.line).toBe(2);
    const f = r.findings.find((x) => x.ruleId === "vllm/custom-allreduce-failed");
    expect(f?.message).toContain("peer access is not supported between these two devices at custom_all_reduce.cuh:368");
  });

  it("prose naming a file and a quoted word after `Failed:` is not the check's print", async () => {
    const r = await analyzeText("INFO 05-01 10:11:12 [llm.py:10] Failed: retried loader.py:12 'warmup' and went on with the next shard\n");
    expect(r.facts.firstError).toBeNull();
    expect(ids(r)).not.toContain("vllm/custom-allreduce-failed");
  });
});

// cudaErrorUnknown (999) as ProcessGroupNCCL's watchdog rethrows it: the GPU or its driver failed under a collective
const WATCHDOG_UNKNOWN = [
  "INFO 02-01 08:00:00 llm_engine.py:706] Avg prompt throughput: 12.0 tokens/s, Avg generation throughput: 40.1 tokens/s, Running: 2 reqs, Swapped: 0 reqs, Pending: 0 reqs, GPU KV cache usage: 1.2%, CPU KV cache usage: 0.0%",
  "[E ProcessGroupNCCL.cpp:916] [Rank 5] NCCL watchdog thread terminated with exception: CUDA error: unknown error",
  "CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.",
].join("\n");

describe("CUDA's `unknown error` rethrown by the NCCL watchdog", () => {
  for (const [name, wrap] of WRAPS)
    it(`is a CUDA fault and the first error (${name})`, async () => {
      const r = await analyzeText(wrap(WATCHDOG_UNKNOWN));
      expect(ids(r, "error")).toContain("vllm/cuda-error");
      expect(r.findings.find((f) => f.ruleId === "vllm/cuda-error")?.message).toContain("CUDA error: unknown error");
      expect(r.facts.firstError?.line).toBe(2);
    });
});
