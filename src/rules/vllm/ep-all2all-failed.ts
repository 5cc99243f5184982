import type { RuleContext, FindingDraft } from "../types.js";
import { hitEvidence } from "../helpers.js";
import { firstValue, signalHits } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "vllm/ep-all2all-failed",
  defaultSeverity: "error",
  title: "Expert parallel all-to-all (DeepEP) failed between the EP ranks",
  tags: ["vllm", "expert-parallel", "network"],
  sources: [
    "vLLM docs: serving/expert_parallel_deployment.md (--all2all-backend: allgather_reducescatter, deepep_high_throughput, deepep_low_latency; EP kernels set-up)",
    "DeepEP: README (intranode NVLink, internode RDMA through NVSHMEM/IBGDA; its internode and low-latency tests)",
    "vLLM source: vllm/distributed/device_communicators/all2all.py (DeepEP managers)",
  ],
} satisfies RuleSpec;

export function check(ctx: RuleContext): FindingDraft[] {
  const hits = signalHits(ctx, ["vllm.deepepFailure"]);
  if (!hits.length) return [];
  const error = firstValue(hits, "error");
  const rank = firstValue(hits, "rank");
  const cuda = firstValue(hits, "cuda");
  const timeout = rank !== undefined || (error !== undefined && /timeout/i.test(error));
  const what = timeout
    ? `DeepEP's dispatch/combine timed out waiting for the other EP ranks${error ? ` (\`${error}\`)` : ""}${rank !== undefined ? `, on rank ${rank}` : ""}: a peer rank did not take part — it failed, hung or is still busy — or the ranks cannot reach each other (NVLink in a node, NVSHMEM over RDMA across nodes)`
    : cuda !== undefined
      ? `DeepEP's buffer set-up failed on a CUDA call ('${cuda}'): it could not map the peer GPUs' memory`
      : `DeepEP failed: ${error}`;
  const remediation = [
    "Read the other DP/EP ranks' logs first: with data and expert parallel every rank steps together, so one rank that died, hung or fell behind (a crash, compilation, a long prefill) makes the others time out; its own error is the cause.",
    "Across nodes, check DeepEP's transport on these nodes: NVSHMEM with IBGDA (or IBRC) over the RDMA NICs, each GPU's NIC, and DeepEP's own internode and low-latency tests; keep the DP ranks of a node together (ranks 0-7 on the first node, 8-15 on the next).",
    "To isolate DeepEP, restart with another all-to-all backend (`--all2all-backend allgather_reducescatter`; VLLM_ALL2ALL_BACKEND on older vLLM): if that serves, the fault is DeepEP's transport or build, not the model.",
  ];
  return [{ message: `Expert parallel communication failed: ${what}.`, evidence: hitEvidence(hits), remediation }];
}

export const rule = defineRule(meta, check);
