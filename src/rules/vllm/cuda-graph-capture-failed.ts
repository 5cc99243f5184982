import type { RuleContext, FindingDraft } from "../types.js";
import { hitEvidence } from "../helpers.js";
import { firstValue, signalHits } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "vllm/cuda-graph-capture-failed",
  defaultSeverity: "error",
  title: "CUDA graph capture failed: a call the capture does not allow ran while vLLM recorded its CUDA graphs",
  tags: ["vllm", "cuda", "gpu", "startup"],
  sources: [
    "CUDA Runtime API: cudaError_t (cudaErrorStreamCaptureUnsupported, cudaErrorStreamCaptureInvalidated, cudaErrorStreamCaptureIsolation, cudaErrorStreamCaptureImplicit, cudaErrorCapturedEvent ...)",
    "CUDA Programming Guide: CUDA Graphs, stream capture (cross-stream dependencies, prohibited and unhandled operations)",
    "vLLM docs: design/cuda_graphs.md and configuration/optimization.md (--enforce-eager, compilation_config cudagraph_mode)",
    "vLLM source: vllm/v1/worker/gpu_model_runner.py capture_model, vllm/worker/model_runner.py capture (V0)",
  ],
} satisfies RuleSpec;

export function check(ctx: RuleContext): FindingDraft[] {
  const hits = signalHits(ctx, ["vllm.cudaGraphCapture"]);
  if (!hits.length) return [];
  // the first capture error says what broke it; `operation failed due to a previous error during capture` only says an
  // earlier call did (torch's hint names the code, `cudaErrorStreamCaptureInvalidated`, for the same thing)
  // (`failure`, not `message`: that name is the record's own words, which every hit has)
  const own = hits.find((h) => h.captures.failure !== undefined && h.captures.previous === undefined);
  const said = own?.captures.failure ?? firstValue(hits, "failure") ?? firstValue(hits, "code") ?? "a stream capture error";
  const onlyPrevious = own === undefined && hits.every((h) => h.captures.previous !== undefined || h.captures.failure === undefined);
  const viaNccl = hits.some((h) => h.captures.ncclWarn !== undefined);
  const remediation = [
    "Start with --enforce-eager (no CUDA graphs): if the engine then starts, the failure is in the graph capture; eager mode costs decode speed, so use it to confirm, then narrow the cause down.",
    "On V1 (vLLM ≥0.10.2) capture less instead of nothing: `--compilation-config '{\"cudagraph_mode\": \"PIECEWISE\"}'` keeps attention out of the graphs, `\"NONE\"` turns them off like --enforce-eager.",
  ];
  if (viaNccl)
    remediation.push("NCCL failed inside the capture: an NCCL newer or older than the one this vLLM and torch were built with is a known cause (compare `vLLM is using nccl==` with the build's); with tensor parallelism also try --disable-custom-all-reduce.");
  else
    remediation.push("With tensor parallelism try --disable-custom-all-reduce (its buffers are registered with the graphs); a custom op, quantization kernel or plugin that synchronises, allocates or copies to the host inside forward cannot be captured.");
  if (onlyPrevious) remediation.push("The lines shown only say that an earlier call invalidated the capture: the first CUDA error of the worker, above them, names the call that broke it.");
  remediation.push("Report the smallest reproducer (model, vLLM, torch, NCCL and driver versions, the first capture error) if eager mode works and the graphs do not.");
  return [{
    message: `CUDA graph capture failed (${said}). vLLM records the model's CUDA graphs at start-up after profiling memory; a CUDA call the capture does not allow, or one that invalidated it, stopped the worker.`,
    evidence: hitEvidence(hits),
    remediation,
  }];
}

export const rule = defineRule(meta, check);
