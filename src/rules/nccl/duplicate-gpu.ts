import { signalCount, signalHits } from "../signals.js";
import { uniqueEvidence } from "../helpers.js";
import { defineRule, type RuleSpec } from "../define.js";
import { ncclEnv } from "./net-common.js";
import type { FindingDraft, RuleContext } from "../types.js";

export const meta = {
  id: "nccl/duplicate-gpu",
  defaultSeverity: "error",
  title: "NCCL: two ranks on the same GPU",
  tags: ["nccl", "error", "config"],
  sources: ["NCCL source: src/init.cc (Duplicate GPU detected), src/graph/topo.cc (NCCL_MULTI_RANK_GPU_ENABLE, 2.30.3+)"],
} satisfies RuleSpec;

const REMEDIATION = [
  "Give each process its own GPU: call torch.cuda.set_device(local_rank) before creating the process group, with LOCAL_RANK set by the launcher.",
  "Check CUDA_VISIBLE_DEVICES per process: if every process sees only one GPU as cuda:0, ranks on one host must each get a different visible GPU.",
  "Compare the cudaDev / busId fields of the `Init START` lines on one host: they must all differ.",
];

/**
 * NCCL's own words (the `nccl.duplicateGpu` signature: its WARN, PyTorch's copy of it in `Last error:`), or, in a log cut
 * before them, two ranks of one communicator whose Init lines put them on one GPU of one host (facts.nccl.sharedGpus).
 * The second is not read where the host name stands for several machines (an anonymised paste: facts.nccl.namesakes) or
 * where NCCL_MULTI_RANK_GPU_ENABLE lets ranks share a GPU (2.30.3+).
 */
export function check(ctx: RuleContext): FindingDraft[] {
  const ids = ["nccl.duplicateGpu"];
  const hits = signalHits(ctx, ids);
  if (hits.length) {
    const m = hits.find((h) => h.captures.device !== undefined)?.captures;
    const retrying = !ctx.signals["nccl.duplicateGpu"] || ctx.signals["nccl.duplicateGpu"].onlyRetries;
    const message = m
      ? `Ranks ${m.rankA} and ${m.rankB} both use the GPU with bus id ${m.device}; NCCL refuses a communicator with two ranks on one GPU (invalid usage).`
      : "Two ranks of one communicator use the same GPU; NCCL refuses that (invalid usage).";
    return [{
      message: retrying ? `${message} The log shows only retries and ends before NCCL gave up or connected, so this may still have recovered.` : message,
      remediation: REMEDIATION,
      evidence: uniqueEvidence(hits.map((h) => h.ev)),
      evidenceCount: signalCount(ctx, ids),
      ...(retrying ? { severity: "warning" as const } : {}),
    }];
  }
  const n = ctx.facts.nccl;
  const multi = ncclEnv(ctx, "NCCL_MULTI_RANK_GPU_ENABLE");
  if (multi && multi.value.trim() !== "0") return [];
  const namesakes = new Set(n.namesakes.map((x) => x.host));
  const pairs = (n.sharedGpus ?? []).filter((p) => !namesakes.has(p.host));
  if (!pairs.length) return [];
  const p = pairs[0];
  const more = pairs.length > 1 ? ` (${pairs.length} such pairs in all)` : "";
  return [{
    message: `Ranks ${p.ranks[0]} and ${p.ranks[1]} of one communicator are on the GPU with bus id ${p.busId}, by their Init lines, in two processes of host ${p.host}${more}; NCCL refuses a communicator with two ranks on one GPU (\`Duplicate GPU detected\`, invalid usage), a WARN this log does not reach.`,
    remediation: REMEDIATION,
    evidence: uniqueEvidence(pairs.flatMap((x) => x.evidence)),
  }];
}

export const rule = defineRule(meta, check);
