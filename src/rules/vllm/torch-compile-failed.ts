import type { RuleContext, FindingDraft } from "../types.js";
import { hitEvidence } from "../helpers.js";
import { firstValue, signalHits } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "vllm/torch-compile-failed",
  defaultSeverity: "error",
  title: "torch.compile failed while vLLM compiled the model (Dynamo, Inductor or the Triton build under it)",
  tags: ["vllm", "torch.compile", "startup", "environment"],
  sources: [
    "PyTorch source: torch/_dynamo/exc.py (BackendCompilerFailed `backend=... raised:` and the inner exception, Unsupported, TorchRuntimeError), torch/_inductor/exc.py (InductorError, torch ≥2.7)",
    "vLLM docs: design/debug_vllm_compile.md (--enforce-eager turns off torch.compile and CUDA graphs; compilation mode 0 only torch.compile; backend eager only Inductor) and design/torch_compile.md (the compile cache under ~/.cache/vllm/torch_compile_cache)",
    "vLLM source: vllm/compilation/backends.py (VllmBackend; `vLLM failed to compile the model ... corrupted compilation artifact`), vllm/envs.py (VLLM_DISABLE_COMPILE_CACHE, VLLM_CACHE_ROOT)",
    "Triton source: python/triton/runtime/build.py (`Failed to find C compiler. Please specify via CC environment variable`)",
  ],
} satisfies RuleSpec;

/** `'<vllm.compilation.backends.VllmBackend object at 0x7f...>'` is vLLM's own backend; `'inductor'` torch's */
function backendName(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const name = raw.slice(1, -1);
  if (/VllmBackend/.test(name)) return "vLLM's compile backend";
  return name && name !== "?" ? `backend '${name}'` : undefined;
}

export function check(ctx: RuleContext): FindingDraft[] {
  // (a WARNING record that quotes Dynamo's exception reports a compile vLLM or torch went on from, not a failure)
  const hits = signalHits(ctx, ["vllm.torchCompileFailed"]).filter((h) => h.captures.level !== "warning");
  if (!hits.length) return [];
  const exc = firstValue(hits, "exc");
  const said = firstValue(hits, "said");
  const backend = backendName(firstValue(hits, "backend"));
  const corruptCache = firstValue(hits, "corruptCache") !== undefined;
  const noCompiler = firstValue(hits, "noCompiler");
  const diskFull = firstValue(hits, "diskFull") !== undefined;
  // Dynamo's wrapper ends its line with `raised:` and prints the backend's exception on the next line
  const nextLine = exc === "BackendCompilerFailed" && (said === undefined || /raised:\s*$/.test(said));
  const what = corruptCache
    ? "vLLM could not compile the model and says a previous compilation left a corrupted artifact in its compile cache"
    : exc === "BackendCompilerFailed"
      ? `Dynamo's compiler backend failed${backend ? ` (${backend})` : ""}${nextLine ? "; the exception it raised is on the line after this one" : `: ${said}`}`
      : exc === "InductorError" || exc === "LoweringException" || exc === "CppCompileError"
        ? `Inductor failed to compile the traced graph${said ? ` (${said})` : ""}`
        : exc
          ? `Dynamo could not trace the model's forward as one graph (${exc}${said ? `: ${said}` : ""})`
          : "Triton's JIT found no C compiler to build its launcher";
  const remediation: string[] = [];
  if (corruptCache || diskFull)
    remediation.push("Remove vLLM's compile cache (~/.cache/vllm/torch_compile_cache, under VLLM_CACHE_ROOT when set) or start once with VLLM_DISABLE_COMPILE_CACHE=1, then read the first error of the new run: the cached artifact hides it.");
  if (diskFull)
    remediation.push("The disk under the compile caches is full: put VLLM_CACHE_ROOT, TRITON_CACHE_DIR and TORCHINDUCTOR_CACHE_DIR on a writable volume with free space (a container's small root filesystem is the usual case).");
  if (noCompiler !== undefined)
    remediation.push("Install a C compiler and the Python headers in the image (gcc and python3-dev, or set CC): Inductor's Triton kernels are built with them when the engine starts.");
  remediation.push(
    "Confirm by starting with --enforce-eager (no torch.compile and no CUDA graphs), or turn off only torch.compile with --compilation-config '{\"mode\": 0}' (vLLM ≥0.11; '{\"level\": 0}' on 0.8–0.10): if the engine then starts, the compile is the cause; eager mode is slower.",
    "Keep torch and triton at the versions this vLLM release pins (a triton built or upgraded on its own breaks Inductor's generated code), and report the first exception with TORCHDYNAMO_VERBOSE=1 or a tlparse log if the pinned versions fail.",
  );
  if (noCompiler === undefined && !corruptCache && !diskFull)
    remediation.push("A compile cache written by another vLLM or torch version can also fail: remove ~/.cache/vllm/torch_compile_cache (or set VLLM_DISABLE_COMPILE_CACHE=1) and retry.");
  return [{
    message: `torch.compile failed: ${what}. vLLM compiles the model with Dynamo and Inductor at start-up (V1 by default, V0 with -O3), so the engine stops there.`,
    evidence: hitEvidence(hits),
    remediation,
  }];
}

export const rule = defineRule(meta, check);
