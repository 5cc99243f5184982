import type { RuleContext, FindingDraft } from "../types.js";
import { hitEvidence } from "../helpers.js";
import { signalCount, signalHits } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "vllm/memory-profiling-error",
  defaultSeverity: "error",
  title: "vLLM's start-up memory profiling could not measure its own run",
  tags: ["vllm", "memory", "startup"],
  sources: [
    "vLLM source: vllm/v1/worker/gpu_worker.py determine_available_memory (the free memory must drop over the profiling run); vllm/worker/worker.py (V0)",
    "vLLM docs: configuration/conserving_memory.md (kv_cache_memory_bytes: a KV cache size given, not profiled)",
  ],
} satisfies RuleSpec;

/** `41.20` GiB as written, or bytes (V0, NPU) -> GiB */
function gibOf(v: string | undefined, gibUnit: string | undefined): number | null {
  if (v === undefined) return null;
  return gibUnit !== undefined ? Number(v) : Math.round((Number(v) / 2 ** 30) * 100) / 100;
}

export function check(ctx: RuleContext): FindingDraft[] {
  const hits = signalHits(ctx, ["vllm.memoryProfilingError"]);
  if (!hits.length) return [];
  const c = hits.find((h) => h.captures.initFree !== undefined)?.captures;
  const before = gibOf(c?.initFree, c?.initGiB);
  const after = gibOf(c?.curFree, c?.curGiB);
  const rose = before !== null && after !== null && after > before;
  const numbers = before !== null && after !== null
    ? rose
      ? ` (${before} GiB free before it, ${after} GiB after: ${Math.round((after - before) * 100) / 100} GiB more)`
      : ` (${before} GiB free before it, ${after} GiB after)`
    : "";
  // equal readings: another process freed as much as the run took, or the platform's reading missed the run (XPU)
  const why = before !== null && after !== null && !rose
    ? "another process on the GPU freed as much as the run took, or this platform's free-memory reading did not see the run"
    : "another process on the GPU freed memory while vLLM measured";
  return [{
    message:
      `vLLM stopped at start-up because the GPU's free memory did not drop over its memory profiling run${numbers}: ${why}, ` +
      "so vLLM cannot tell what its own run used and sizes no KV cache. This is not out of memory.",
    evidence: hitEvidence(hits),
    evidenceCount: signalCount(ctx, ["vllm.memoryProfilingError"]),
    remediation: [
      "Start vLLM while no other process on this GPU starts, stops or frees memory (another vLLM or its leftover workers, a training job, a container shutting down), or give it a GPU or container of its own (`nvidia-smi` lists the processes on the GPU).",
      "Or give the KV cache a fixed size instead of profiling it: --kv-cache-memory-bytes (newer vLLM releases), which skips the measurement.",
      "Processes colocated on one GPU on purpose (an RL trainer and its vLLM rollout engine): start vLLM before the others allocate or release memory, or one after the other.",
    ],
  }];
}

export const rule = defineRule(meta, check);
