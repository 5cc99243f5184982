import { signatureRule } from "./signature-rule.js";
import type { RuleSpec } from "../define.js";

export const meta = {
  id: "nccl/duplicate-gpu",
  defaultSeverity: "error",
  title: "NCCL: two ranks on the same GPU",
  tags: ["nccl", "error", "config"],
  sources: ["NCCL source: src/init.cc (Duplicate GPU detected), src/graph/topo.cc (NCCL_MULTI_RANK_GPU_ENABLE, 2.30.3+)"],
} satisfies RuleSpec;

export const rule = signatureRule(meta, ["nccl.duplicateGpu"], (hits) => {
  const m = hits.find((h) => h.captures.device !== undefined)?.captures;
  return {
    message: m
      ? `Ranks ${m.rankA} and ${m.rankB} both use the GPU with bus id ${m.device}; NCCL refuses a communicator with two ranks on one GPU (invalid usage).`
      : "Two ranks of one communicator use the same GPU; NCCL refuses that (invalid usage).",
    remediation: [
      "Give each process its own GPU: call torch.cuda.set_device(local_rank) before creating the process group, with LOCAL_RANK set by the launcher.",
      "Check CUDA_VISIBLE_DEVICES per process: if every process sees only one GPU as cuda:0, ranks on one host must each get a different visible GPU.",
      "Compare the cudaDev / busId fields of the `Init START` lines on one host: they must all differ.",
    ],
  };
});
export const check = rule.check;
