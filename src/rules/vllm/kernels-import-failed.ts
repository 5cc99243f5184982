import type { RuleContext, FindingDraft } from "../types.js";
import { hitEvidence } from "../helpers.js";
import { firstValue, signalHits } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "vllm/kernels-import-failed",
  defaultSeverity: "error",
  title: "A compiled extension (vLLM's kernels) could not be loaded: built for another CUDA or another torch",
  tags: ["vllm", "startup", "install", "cuda"],
  sources: [
    "vLLM docs: getting_started/installation/gpu (the default wheel's CUDA version; wheels for other CUDA versions; build from source against an installed torch)",
    "vLLM source: vllm/_custom_ops.py (0.5+: `Failed to import from vllm._C with %r`, logged and carried on); ≤0.3 vllm/utils.py (`from vllm import cuda_utils`)",
    "PyTorch docs: torch.utils.cpp_extension (extensions are ABI-bound to the torch they were built with)",
  ],
} satisfies RuleSpec;

/** `libcudart.so.12` → `12`, `libcudart.so.11.0` → `11` (the CUDA major version the library belongs to) */
const cudaMajor = (lib: string): string | null => /\.so\.(\d+)/.exec(lib)?.[1] ?? null;

export function check(ctx: RuleContext): FindingDraft[] {
  const hits = signalHits(ctx, ["vllm.extensionLoadFailed"]);
  if (!hits.length) return [];
  const lib = firstValue(hits, "lib");
  const ext = firstValue(hits, "ext");
  const symbol = firstValue(hits, "symbol");
  const ours = firstValue(hits, "module") ?? firstValue(hits, "vllmExt");
  const remediation: string[] = [];
  let message: string;
  if (lib !== undefined) {
    const major = cudaMajor(lib);
    message = `${ours ? `vLLM's compiled kernels (${ours})` : "A compiled extension"} could not load ${lib}: ${major ? `it was built for CUDA ${major}, and this environment has no CUDA ${major} runtime` : "the CUDA library it was linked against is not in this environment"}. Without its kernels vLLM cannot run the model on the GPU.`;
    remediation.push(
      `Use one CUDA version for torch and vLLM: \`python -c "import torch; print(torch.__version__, torch.version.cuda)"\` shows torch's. Install the vLLM build for that CUDA (the releases also carry wheels for other CUDA versions, e.g. +cu118), or the torch build vLLM pins${major ? ` for CUDA ${major}` : ""} (\`pip install vllm\` in a fresh virtual environment pulls it).`,
      "In a container, start from the vllm/vllm-openai image of the release instead of installing vLLM over a base image of another CUDA; outside one, do not point LD_LIBRARY_PATH at a system CUDA of another major version.",
    );
  } else {
    message = `${ours ? `vLLM's compiled kernels (${ours})` : `A compiled extension${ext ? ` (${ext})` : ""}`} do${ours ? "" : "es"} not match the installed torch: the symbol ${symbol ?? "it needs"} is missing, so it was built against another torch release (or CUDA).`;
    remediation.push(
      ours
        ? "Reinstall vLLM with the torch it was built for (`pip install vllm==<release>` pulls the pinned torch; upgrading torch afterwards breaks the extension), or build vLLM from source against the installed torch."
        : "Rebuild or reinstall that package against the installed torch (for flash-attn: `pip install --force-reinstall --no-build-isolation flash-attn`), or install the torch version it was built for.",
      "Check that one Python environment is in use: a package compiled in one virtual environment and imported from another (or from a source checkout in the working directory) shows the same error.",
    );
  }
  return [{ message, evidence: hitEvidence(hits), remediation }];
}

export const rule = defineRule(meta, check);
