import type { RuleContext, FindingDraft } from "../types.js";
import { hitEvidence } from "../helpers.js";
import { firstValue, signalHits } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "vllm/nccl-library-load-failed",
  defaultSeverity: "error",
  title: "vLLM could not load the NCCL library (pynccl): tensor-parallel workers cannot communicate",
  tags: ["vllm", "startup", "install", "nccl"],
  sources: [
    "vLLM source: vllm/distributed/device_communicators/pynccl.py (0.4.x) and pynccl_wrapper.py (0.5+): the library is VLLM_NCCL_SO_PATH when set, else libnccl.so.2 (CUDA) or librccl.so.1 (ROCm); a failed dlopen is logged at ERROR and raised",
    "vLLM docs: getting_started/troubleshooting (set VLLM_NCCL_SO_PATH to the NCCL library vLLM should load)",
  ],
} satisfies RuleSpec;

/**
 * pynccl's `Failed to load NCCL library from <path> ...` (signature vllm.ncclLibraryLoadFailed): the process found no
 * loadable NCCL at that path. 0.4.0 loaded it at import and only needed it with tensor parallelism; later releases load
 * it when a worker builds its communicator and the start-up stops there.
 */
export function check(ctx: RuleContext): FindingDraft[] {
  const hits = signalHits(ctx, ["vllm.ncclLibraryLoadFailed"]);
  if (!hits.length) return [];
  const lib = firstValue(hits, "lib") ?? "libnccl.so.2";
  const env = firstValue(hits, "env") ?? "VLLM_NCCL_SO_PATH";
  const bare = !lib.includes("/");
  const { tensorParallelSize: tp, pipelineParallelSize: pp } = ctx.facts.config;
  // one GPU and no pipeline: no communicator is built from the library, so the line alone stops nothing
  const single = tp === 1 && (pp ?? 1) === 1;
  // (the processes by their prefixes: the driver's lines have none, so a run of them counts once)
  const procs = new Set(hits.map((h) => h.captures.proc ?? "")).size;
  const message = `${procs > 1 ? `${procs} processes` : "A process"} could not load the NCCL library ${bare ? `${lib} (found by name on the library path)` : lib}: ` +
    (single
      ? "with one GPU no NCCL communicator is needed, so this only matters once tensor or pipeline parallelism is used."
      : "vLLM's pynccl needs it for the all-reduce and send/recv between its workers, so a multi-GPU start-up fails here (0.4.0 carried on and failed later, e.g. `name 'ncclGetVersion' is not defined`).");
  const remediation = [
    `Find the NCCL the environment ships: \`python -c "import torch; print(torch.cuda.nccl.version())"\` and \`find / -name 'libnccl.so*' 2>/dev/null\` (the pip wheel nvidia-nccl-cu12 puts it under site-packages/nvidia/nccl/lib/).`,
    `Point ${env} at that file (e.g. ${env}=$(python -c "import nvidia.nccl, os; print(os.path.join(nvidia.nccl.__path__[0], 'lib', 'libnccl.so.2'))")), or install the NCCL of torch's CUDA version (\`pip install nvidia-nccl-cu12\`) so libnccl.so.2 is on the library path.`,
    "vLLM 0.4.0–0.4.2 looked for its own pinned copy (~/.config/vllm/nccl/cu12/libnccl.so.2.18.1 from the vllm-nccl-cu12 package): when that download is missing, reinstall it or upgrade vLLM, which uses torch's NCCL.",
  ];
  return [{ message, evidence: hitEvidence(hits), remediation, ...(single ? { severity: "warning" as const } : {}) }];
}

export const rule = defineRule(meta, check);
