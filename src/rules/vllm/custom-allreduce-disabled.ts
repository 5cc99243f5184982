import type { Rule, RuleContext, FindingDraft } from "../types.js";
import { docsPath } from "../types.js";
import { findHits, hitEvidence } from "../helpers.js";

export const meta = {
  id: "vllm/custom-allreduce-disabled",
  defaultSeverity: "warning",
  title: "Custom all-reduce is off: tensor-parallel traffic goes over PCIe",
  tags: ["vllm", "performance", "tensor-parallel", "topology"],
  docs: docsPath("vllm/custom-allreduce-disabled"),
  sources: [
    "vLLM docs: serving/parallelism_scaling (pipeline parallelism for GPUs without NVLink, e.g. L40S)",
    "vLLM source: vllm/distributed/device_communicators/custom_all_reduce.py",
  ],
} satisfies Rule["meta"];

const DISABLED = /Custom allreduce is disabled(?: because (.+?)(?:\. To silence|$))?|custom all-?reduce (?:is )?(?:disabled|OFF)\b/i;

export function check(ctx: RuleContext): FindingDraft[] {
  const hits = findHits(ctx.events, DISABLED);
  if (!hits.length) return [];
  const reasons = [...new Set(hits.map((h) => h.match[1]?.trim()).filter(Boolean))] as string[];
  const tp = ctx.facts.config.tensorParallelSize;
  const pp = ctx.facts.config.pipelineParallelSize ?? 1;
  const gpus = (tp ?? 1) * pp;
  const why = reasons.length ? ` because ${reasons.join("; ")}` : "";
  return [{
    message: `vLLM turned its custom all-reduce off${why}${tp ? `; with tensor parallel size ${tp}` : ""} every layer's all-reduce goes through NCCL over PCIe, which limits tensor-parallel speed on GPUs without NVLink.`,
    evidence: hitEvidence(hits),
    remediation: [
      `On GPUs without NVLink prefer pipeline parallelism: --tensor-parallel-size 1 --pipeline-parallel-size ${gpus > 1 ? gpus : "<number of GPUs>"} (the vLLM docs advise this for L40S-class GPUs); compare throughput with both layouts.`,
      "Check the links with `nvidia-smi topo -m` (NV# means NVLink; PIX/PXB/PHB/SYS mean PCIe) and `nvidia-smi topo -p2p r` for P2P support.",
      "If the layout is intended, pass --disable-custom-all-reduce to silence the warning.",
    ],
  }];
}

export const rule: Rule = { meta, check };
