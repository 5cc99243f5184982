import type { RuleContext, FindingDraft } from "../types.js";
import { hitEvidence } from "../helpers.js";
import { firstValue, saidBy, signalHits } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "vllm/deepgemm-failed",
  defaultSeverity: "error",
  title: "DeepGEMM's FP8 kernels are missing or could not be built",
  tags: ["vllm", "kernels", "fp8", "install"],
  sources: [
    "vLLM source: vllm/utils/deep_gemm.py (the placeholder raised when `deep_gemm` is absent or too old), vllm/envs.py VLLM_USE_DEEP_GEMM; tools/install_deepgemm.sh (the DeepGEMM revision a vLLM release builds with)",
    "DeepGEMM: README (SM90/SM100 GPUs, CUDA 12.3+ for SM90 and 12.9+ for SM100, its JIT: DG_JIT_CACHE_DIR, DG_JIT_USE_NVRTC, DG_JIT_NVCC_COMPILER); csrc/utils/exception.hpp (its error lines)",
  ],
} satisfies RuleSpec;

export function check(ctx: RuleContext): FindingDraft[] {
  const hits = signalHits(ctx, ["vllm.deepgemmFailure"]);
  if (!hits.length) return [];
  const said = saidBy(hits);
  const kind = firstValue(hits, "dgKind");
  const what = firstValue(hits, "dgWhat");
  const file = firstValue(hits, "dgFile");
  const missing = said("missing");
  const parts: string[] = [];
  if (missing) parts.push(`vLLM took the DeepGEMM path for FP8 GEMMs but the \`deep_gemm\` package is ${said("outdated") ? "missing or older than this vLLM expects" : "not installed"}`);
  const where = file?.includes("jit") ? "its JIT, which compiles and loads the kernels at run time" : /apis\/|python_api/.test(file ?? "") ? "its Python API's checks of the tensors it is given" : "its kernels";
  // shortened to DeepGEMM's own part: from its JIT when the path passes through it, else from its API file
  const shown = /jit|deep_gemm/.test(file ?? "") ? file?.replace(/^.*?\b(?=jit|deep_gemm)/, "") : file?.replace(/^.*?\b(?=apis\/|python_api)/, "");
  if (kind) parts.push(`DeepGEMM's own ${kind === "Assertion" ? "check" : `${kind} call`} failed in ${where} (\`${kind} error ...${what ? ` ${what}` : ""}\`${shown ? ` in ${shown}` : ""})`);
  const remediation: string[] = [];
  if (missing) remediation.push("Install the DeepGEMM revision this vLLM release is built against (vLLM's tools/install_deepgemm.sh, or the `deep_gemm` wheel its image ships), in the same environment as vLLM and torch.");
  if (kind) remediation.push("DeepGEMM compiles its kernels on first use: it needs an NVCC of CUDA 12.3+ (12.9+ on Blackwell) where CUDA_HOME or DG_JIT_NVCC_COMPILER points, or NVRTC with DG_JIT_USE_NVRTC=1, and a writable kernel cache (DG_JIT_CACHE_DIR, ~/.deep_gemm): give each node its own cache directory, clear a cache left by another version, and check that the GPU is one DeepGEMM supports (SM90 or SM100).");
  remediation.push("To run without it, start with VLLM_USE_DEEP_GEMM=0 (FP8 layers then use vLLM's other kernels); models whose layers have no other kernel (DeepSeek V3.2's sparse attention indexer) need DeepGEMM itself.");
  return [{ message: `DeepGEMM failed: ${parts.join("; ")}.`, evidence: hitEvidence(hits), remediation }];
}

export const rule = defineRule(meta, check);
