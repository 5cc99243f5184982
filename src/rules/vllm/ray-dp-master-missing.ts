import type { RuleContext, FindingDraft } from "../types.js";
import { uniqueEvidence } from "../helpers.js";
import { firstValue, signalHits } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "vllm/ray-dp-master-missing",
  defaultSeverity: "error",
  title: "The data parallel master address is not a live node of the Ray cluster",
  tags: ["vllm", "ray", "data-parallel", "multi-node", "startup"],
  sources: [
    "vLLM source: vllm/v1/engine/utils.py CoreEngineActorManager (places DP rank 0 on the Ray node `node:<DP master IP>`)",
    "vLLM docs: serving/data_parallel_deployment.md (--data-parallel-backend ray, --data-parallel-address)",
  ],
} satisfies RuleSpec;

export function check(ctx: RuleContext): FindingDraft[] {
  const hits = signalHits(ctx, ["vllm.rayDpMasterMissing"]);
  if (!hits.length) return [];
  const ip = firstValue(hits, "ip");
  const loopback = ip !== undefined && /^(?:127\.|localhost$|::1$)/.test(ip);
  const where = ip ? ` (${ip})` : "";
  return [{
    message: `With the Ray data parallel backend vLLM puts DP rank 0 on the Ray node whose address is the DP master address${where}, and no live node of the Ray cluster has that address, so it stopped before placing the engines.${loopback ? " A loopback address is what vLLM uses when neither --data-parallel-address nor VLLM_DP_MASTER_IP is set: Ray knows its nodes by their network addresses, never by 127.0.0.1." : " The address is not the one Ray registered a node under (a hostname, another interface's address, a NAT address), or that node has left the cluster."}`,
    evidence: uniqueEvidence(hits.map((h) => h.ev)),
    remediation: [
      "Pass --data-parallel-address with the head node's address as Ray knows it (the address `ray status` / `ray list nodes` shows, the one given to `ray start --head --node-ip-address=...`), the same on every node's command.",
      "Check with `ray status` that the node with that address is alive in the cluster and has the GPUs for DP rank 0, and that vLLM joined that cluster (RAY_ADDRESS, `ray start --address=...`).",
    ],
  }];
}

export const rule = defineRule(meta, check);
