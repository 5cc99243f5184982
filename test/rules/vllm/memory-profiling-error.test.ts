import { describe, expect, it } from "vitest";
import { analyzeText } from "../analyze-text.js";

/** The start-up memory profiling's own check (V1 gpu_worker.py in GiB, V0 / NPU workers in bytes), written for the test. */
const mine = async (text: string) => (await analyzeText(text)).findings.filter((f) => f.ruleId === "vllm/memory-profiling-error");
const text = (lines: string[]) => lines.join("\n") + "\n";

const TAIL = "so vLLM cannot tell what its own run used and sizes no KV cache. This is not out of memory.";
const v1 = (init: string, cur: string, prefix = "(EngineCore_DP0 pid=3105) ") => [
  `${prefix}INFO 07-19 22:04:51 [gpu_worker.py:267] Memory profiling takes 3.62 seconds`,
  `${prefix}ERROR 07-19 22:04:52 [core.py:708] EngineCore failed to start.`,
  `${prefix}ERROR 07-19 22:04:52 [core.py:708] Traceback (most recent call last):`,
  `${prefix}ERROR 07-19 22:04:52 [core.py:708]   File "/usr/local/lib/python3.12/dist-packages/vllm/v1/worker/gpu_worker.py", line 253, in determine_available_memory`,
  `${prefix}ERROR 07-19 22:04:52 [core.py:708]     assert self.init_snapshot.free_memory > free_gpu_memory, (`,
  `${prefix}ERROR 07-19 22:04:52 [core.py:708] AssertionError: Error in memory profiling. Initial free memory ${init}, current free memory ${cur}. Other processes on this GPU released memory during the profiling run.`,
];

describe("vllm/memory-profiling-error", () => {
  it("is an error when the free memory rose over the profiling run, with both readings and the rise", async () => {
    const f = await mine(text(v1("61.08 GiB", "63.5 GiB")));
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe("error");
    expect(f[0].message).toBe(
      `vLLM stopped at start-up because the GPU's free memory did not drop over its memory profiling run (61.08 GiB free before it, 63.5 GiB after: 2.42 GiB more): another process on the GPU freed memory while vLLM measured, ${TAIL}`,
    );
    expect(f[0].evidence.map((e) => e.line)).toEqual([6]);
    expect(f[0].remediation[1]).toBe("Or give the KV cache a fixed size instead of profiling it: --kv-cache-memory-bytes (newer vLLM releases), which skips the measurement.");
  });

  it("reads V0's bytes as GiB, and says so when the two readings are equal", async () => {
    const bytes = await mine(text(["AssertionError: Error in memory profiling. Initial free memory 32212254720, current free memory 33285996544. The memory was not cleaned up before this instance started."]));
    expect(bytes.map((x) => x.message)).toEqual([
      `vLLM stopped at start-up because the GPU's free memory did not drop over its memory profiling run (30 GiB free before it, 31 GiB after: 1 GiB more): another process on the GPU freed memory while vLLM measured, ${TAIL}`,
    ]);
    const equal = await mine(text(v1("52.4 GiB", "52.4 GiB")));
    expect(equal.map((x) => x.message)).toEqual([
      `vLLM stopped at start-up because the GPU's free memory did not drop over its memory profiling run (52.4 GiB free before it, 52.4 GiB after): another process on the GPU freed as much as the run took, or this platform's free-memory reading did not see the run, ${TAIL}`,
    ]);
  });

  it("still fires without the numbers (a line cut after its start)", async () => {
    const f = await mine(text(["AssertionError: Error in memory profiling."]));
    expect(f.map((x) => x.message)).toEqual([
      `vLLM stopped at start-up because the GPU's free memory did not drop over its memory profiling run: another process on the GPU freed memory while vLLM measured, ${TAIL}`,
    ]);
  });

  it("stays quiet on the profiling's own timing line and on a start that went on to size its KV cache", async () => {
    expect(await mine(text([
      "(EngineCore_DP0 pid=3105) INFO 07-19 22:04:51 [gpu_worker.py:267] Memory profiling takes 3.62 seconds",
      "(EngineCore_DP0 pid=3105) INFO 07-19 22:04:51 [gpu_worker.py:270] Available KV cache memory: 48.17 GiB",
      "(EngineCore_DP0 pid=3105) INFO 07-19 22:04:52 [kv_cache_utils.py:849] GPU KV cache size: 450,928 tokens",
      "no error in memory usage was seen",
    ]))).toEqual([]);
  });

  it("reads the traceback the same behind kubectl --timestamps and a multiproc worker's prefix", async () => {
    const f = await mine(text(v1("61.08 GiB", "63.5 GiB", "(Worker_TP1 pid=3188) ").map((l) => `2026-07-19T22:04:52.771031245Z ${l}`)));
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("(61.08 GiB free before it, 63.5 GiB after: 2.42 GiB more)");
    expect(f[0].evidence[0].line).toBe(6);
  });
});
