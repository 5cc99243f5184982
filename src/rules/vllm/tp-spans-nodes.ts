import type { RuleContext, FindingDraft } from "../types.js";
import { factEvidence, hitEvidence, intraNodeLink, multiNodeEvidence, ncclPlatform, uniqueEvidence } from "../helpers.js";
import { signalHits } from "../signals.js";
import { planAdvice } from "./context.js";
import { defineRule, type RuleSpec } from "../define.js";
import { commNodes } from "../../facts/cluster.js";

export const meta = {
  id: "vllm/tp-spans-nodes",
  defaultSeverity: "warning",
  title: "The tensor-parallel group spans nodes",
  tags: ["vllm", "tensor-parallel", "multi-node", "performance"],
  sources: ["vLLM docs: serving/parallelism_scaling (TP = GPUs per node, PP = number of nodes)"],
  thresholds: ["maxGpusPerNode"],
} satisfies RuleSpec;

/** `2`, or `at least 2` when some of the communicator's ranks printed nothing */
function spanWords(c: Parameters<typeof commNodes>[0]): string {
  const { nodes, atLeast } = commNodes(c);
  return `${atLeast ? "at least " : ""}${nodes}`;
}

export function check(ctx: RuleContext): FindingDraft[] {
  const { facts, thresholds } = ctx;
  const tp = facts.config.tensorParallelSize;
  // a TPU slice's chips are joined by ICI across hosts: vLLM's TPU guide shards TP over the slice's hosts
  if (tp === null || tp <= 1 || facts.gpu.platform === "tpu") return [];
  const pp = facts.config.pipelineParallelSize ?? 1;
  const dp = facts.config.dataParallelSize ?? 1;
  // NCCL's own count of the TP communicator's nodes is the truth where it printed one: `nNodes 1` over several hosts is
  // one NVLink domain (GB200 NVL72's multi-node NVLink, `MNNVL 1`, `via P2P/MNNVL`) or one machine under two names,
  // and the group's all-reduce never leaves NVLink
  const tpGroups = facts.nccl.communicators.filter((c) => c.role?.includes("TP group") && !c.role.includes(" or "));
  if (tpGroups.length > 0 && tpGroups.every((c) => c.nNodes === 1)) return [];
  const multi = multiNodeEvidence(ctx);
  const tooBig = tp > thresholds.maxGpusPerNode;
  const onlyTp = multi.multi && pp === 1 && dp === 1;
  // a communicator of the TP size whose ranks sit on several hosts: the TP group itself crosses nodes
  const tpComm = tpGroups.find((c) => commNodes(c).nodes > 1);
  // vLLM's Ray executor's own warning that a node holds fewer GPUs for the job than the TP size (`tensor_parallel_size=2 is
  // bigger than a reserved number of GPUs (1 GPUs) in a node ...`): its TP workers spread over several nodes
  const reserved = signalHits(ctx, ["vllm.rayGpusAvailable"]).filter((h) => h.captures.reserved !== undefined && Number(h.captures.reserved) < tp);
  if (!tooBig && !onlyTp && !tpComm && !reserved.length) return [];
  const nodes = facts.config.nnodes ?? (facts.nccl.nodes && facts.nccl.nodes > 1 ? facts.nccl.nodes : null);
  const why = tooBig
    ? `tensor parallel size ${tp} is more than the ${thresholds.maxGpusPerNode} GPUs a node holds`
    : tpComm
      ? `NCCL's ${tp}-rank communicator runs on ${spanWords(tpComm)} nodes${tpComm.hosts.length > 1 ? ` (${tpComm.hosts.slice(0, 4).join(", ")})` : ""}`
      : onlyTp || !reserved.length
        ? `the job runs on several nodes (${multi.why.join("; ")}) with pipeline parallel size 1`
        : `vLLM's Ray executor found ${reserved[0].captures.reserved} GPU${reserved[0].captures.reserved === "1" ? "" : "s"} for the job on a node, fewer than tensor parallel size ${tp}, so the TP workers are spread over several nodes`;
  const perNode = nodes ? Math.max(1, Math.floor(tp / nodes)) : thresholds.maxGpusPerNode;
  // the plan's decision tree (TP = GPUs per node, PP = nodes), with the node size the log shows or the threshold
  const advice = planAdvice(facts, tooBig ? thresholds.maxGpusPerNode : undefined);
  const layout = advice.some((a) => a.includes("spans nodes"))
    ? advice
    : [`Set --tensor-parallel-size to the GPUs per node and --pipeline-parallel-size to the number of nodes${nodes ? ` (here --tensor-parallel-size ${perNode} --pipeline-parallel-size ${nodes})` : ""}.`, ...advice];
  return [{
    message: `The tensor-parallel group crosses node boundaries: ${why}. Every layer then all-reduces over the network, which is far slower than ${intraNodeLink(facts)} inside a node.`,
    evidence: uniqueEvidence([...factEvidence(facts, "config.tensorParallelSize", "config.pipelineParallelSize", "config.nnodes"), ...multi.evidence, ...hitEvidence(reserved)]),
    remediation: [
      ...layout,
      ...(ncclPlatform(facts) ? ["If TP must span nodes, make sure NCCL uses InfiniBand with GPU Direct RDMA (look for `via NET/IB/<n>/GDRDMA` with NCCL_DEBUG=INFO)."] : []),
    ],
  }];
}

export const rule = defineRule(meta, check);
