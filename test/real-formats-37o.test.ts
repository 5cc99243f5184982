import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import { WRAPS } from "./helpers/variants.js";

/**
 * Round 37o (out of memory, everywhere in the stack): shapes of real pastes the readers missed. The log texts are
 * written for the test in the printed layouts (models, paths, numbers made up); the findings checked are exact.
 */

const finding = (r: Awaited<ReturnType<typeof analyzeText>>, id: string) => r.findings.find((f) => f.ruleId === id);

describe("a vLLM record whose date format has no seconds (`ERROR 02-13 18:05 [file.py:852] ...`)", () => {
  const LOG = [
    "INFO 03-02 07:41 [gpu_worker.py:301] Available KV cache memory: 12.40 GiB",
    "ERROR 03-02 07:44 [multiproc_executor.py:852] WorkerProc hit an exception.",
    "Traceback (most recent call last):",
    "  File \"/opt/venv/lib/python3.12/site-packages/vllm/v1/worker/gpu_worker.py\", line 579, in sample_tokens",
    "    return self.model_runner.sample_tokens(grammar_output)",
  ].join("\n");

  for (const [name, wrap] of WRAPS)
    it(`is a record: its error is the first error and its KV line is read (${name})`, async () => {
      const r = await analyzeText(wrap(LOG) + "\n");
      expect(r.facts.firstError?.line).toBe(2);
      expect(r.facts.firstError?.text).toContain("ERROR 03-02 07:44 [multiproc_executor.py:852] WorkerProc hit an exception.");
      expect(r.facts.kvCache.availableGiB).toBe(12.4);
    });

  it("the ≤0.7 form without brackets too", async () => {
    const r = await analyzeText("ERROR 03-02 07:44 engine.py:160] Engine background task failed\n");
    expect(r.facts.firstError?.line).toBe(1);
  });

  it("a clock of hours and minutes alone is no record header", async () => {
    const r = await analyzeText("ERROR 03-02 07:4 [multiproc_executor.py:852] WorkerProc hit an exception.\n");
    expect(r.facts.firstError).toBeNull();
  });
});

describe("PyTorch 2.1's out-of-memory text (`GPU 0 has a total capacty of ...`)", () => {
  const OOM =
    "torch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate 1.75 GiB. GPU 2 has a total capacty of 39.39 GiB of which 1.02 GiB is free. " +
    "Including non-PyTorch memory, this process has 38.36 GiB memory in use. Of the allocated memory 36.80 GiB is allocated by PyTorch, and 1.10 GiB is reserved by PyTorch but unallocated.";

  for (const [name, wrap] of WRAPS)
    it(`names the GPU and the numbers (${name})`, async () => {
      const r = await analyzeText(wrap(OOM) + "\n");
      expect(ids(r)).toEqual(["vllm/cuda-oom"]);
      expect(finding(r, "vllm/cuda-oom")!.message).toContain("GPU 2 ran out of memory: it tried to allocate 1.75 GiB with 1.02 GiB free of 39.39 GiB.");
      expect(r.facts.gpu.memoryGiB).toBe(39.39);
    });
});

describe("an OOM message wrapped at its sentences, and vLLM's sampler warm-up OOM", () => {
  const LOG = [
    "RuntimeError: CUDA out of memory occurred when warming up sampler with 512 dummy requests. Please try lowering `max_num_seqs` or `gpu_memory_utilization` when initializing the engine.",
    "",
    "torch.OutOfMemoryError: CUDA out of memory.",
    "Tried to allocate 96.00 MiB. GPU 1 has a total capacity of 15.60 GiB of which 41.50 MiB is free.",
    "Of the allocated memory 14.71 GiB is allocated by PyTorch,",
    "and 12.30 MiB is reserved by PyTorch but unallocated.",
  ].join("\n");

  for (const [name, wrap] of WRAPS)
    it(`reads the numbers off the wrapped line and advises fewer sequences first (${name})`, async () => {
      const r = await analyzeText(wrap(LOG) + "\n");
      expect(ids(r)).toEqual(["vllm/cuda-oom"]);
      const f = finding(r, "vllm/cuda-oom")!;
      expect(f.message).toContain("GPU 1 ran out of memory while warming up the sampler: it tried to allocate 96.00 MiB with 41.50 MiB free of 15.60 GiB.");
      expect(f.remediation[0]).toBe("Lower --max-num-seqs below 512 (the warm-up samples 512 dummy requests at once, after the KV cache has taken its share of the GPU), e.g. to 256.");
      expect(r.facts.firstError?.line).toBe(1);
    });

  it("the pooler's warm-up is named as such", async () => {
    const r = await analyzeText("RuntimeError: CUDA out of memory occurred when warming up pooler (task='embed') with 128 dummy requests. Please try lowering `max_num_seqs` or `gpu_memory_utilization` when initializing the engine.\n");
    const f = finding(r, "vllm/cuda-oom")!;
    expect(f.message).toContain("CUDA ran out of memory while warming up the pooler.");
    expect(f.remediation[0]).toContain("the warm-up pools 128 dummy requests at once");
  });

  it("a `Tried to allocate` sentence in prose is no OOM", async () => {
    const r = await analyzeText("INFO 03-02 07:41:10 [gpu_worker.py:301] Tried to allocate the KV cache in one block of 12.40 GiB\n");
    expect(ids(r)).not.toContain("vllm/cuda-oom");
  });
});

describe("vLLM's start-up memory profiling check (`AssertionError: Error in memory profiling. Initial free memory ...`)", () => {
  const V1 = [
    "(EngineCore_DP0 pid=311) ERROR 05-11 09:20:14 [core.py:946]   File \"/usr/local/lib/python3.12/dist-packages/vllm/v1/worker/gpu_worker.py\", line 340, in determine_available_memory",
    "(EngineCore_DP0 pid=311) ERROR 05-11 09:20:14 [core.py:946]     assert self.init_snapshot.free_memory > free_gpu_memory, (",
    "(EngineCore_DP0 pid=311) ERROR 05-11 09:20:14 [core.py:946] AssertionError: Error in memory profiling. Initial free memory 61.07 GiB, current free memory 64.82 GiB. This happens when other processes sharing the same container release GPU memory while vLLM is profiling during initialization. To fix this, ensure consistent GPU memory allocation or isolate vLLM in its own container.",
    "(APIServer pid=12) RuntimeError: Engine core initialization failed. See root cause above. Failed core proc(s): {}",
  ].join("\n");

  for (const [name, wrap] of WRAPS)
    it(`is its own finding, with the two readings, and explains the failed start (${name})`, async () => {
      const r = await analyzeText(wrap(V1) + "\n");
      expect(ids(r)).toEqual(["vllm/memory-profiling-error", "vllm/engine-init-failed"]);
      const f = finding(r, "vllm/memory-profiling-error")!;
      expect(f.severity).toBe("error");
      expect(f.message).toContain("(61.07 GiB free before it, 64.82 GiB after: 3.75 GiB more): another process on the GPU freed memory while vLLM measured");
      expect(f.evidence.map((e) => e.line)).toEqual([3]);
      expect(finding(r, "vllm/engine-init-failed")!.causedBy).toEqual(["vllm/memory-profiling-error"]);
      expect(r.facts.firstError?.line).toBe(3);
    });

  it("V0 and the NPU worker print bytes", async () => {
    const r = await analyzeText("AssertionError: Error in memory profiling. Initial free memory 32212254720, current free memory 32212254720. This happens when the NPU memory was not properly cleaned up before initializing the vLLM instance.\n");
    expect(finding(r, "vllm/memory-profiling-error")!.message).toContain("(30 GiB free before it, 30 GiB after): another process on the GPU freed as much as the run took");
  });

  it("the profiling's own timing line is no error", async () => {
    const r = await analyzeText("INFO 05-11 09:20:14 [gpu_worker.py:290] Memory profiling takes 5.31 seconds. Total non KV cache memory: 2.10GiB\n");
    expect(ids(r)).toEqual([]);
  });
});
