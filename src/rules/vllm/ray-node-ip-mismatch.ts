import type { RuleContext, FindingDraft } from "../types.js";
import { uniqueEvidence } from "../helpers.js";
import { firstValue, signalHits } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "vllm/ray-node-ip-mismatch",
  defaultSeverity: "error",
  title: "vLLM's Ray nodes do not each have their own IP address",
  tags: ["vllm", "ray", "multi-node", "startup"],
  sources: [
    "vLLM source: vllm/executor/ray_distributed_executor.py _init_workers_ray (Every node should have a unique IP address)",
    "vLLM docs: serving/distributed_troubleshooting.md and examples/online_serving/run_cluster.sh (VLLM_HOST_IP per node)",
  ],
} satisfies RuleSpec;

export function check(ctx: RuleContext): FindingDraft[] {
  const hits = signalHits(ctx, ["vllm.rayUniqueIp"]);
  if (!hits.length) return [];
  const nodes = firstValue(hits, "nodes");
  const ips = firstValue(hits, "ips");
  const addresses = firstValue(hits, "addresses")?.replace(/'/g, "").trim();
  const loopback = addresses !== undefined && /\b127\.|\blocalhost\b|(?:^|[\s,])::1\b/.test(addresses);
  const counted = nodes && ips ? ` It found ${nodes} nodes but ${ips} distinct IP address${ips === "1" ? "" : "es"}${addresses ? ` (${addresses})` : ""}.` : "";
  return [{
    message: `vLLM's Ray executor tells the nodes apart by the IP address each worker reports (VLLM_HOST_IP, else the node's address), and two nodes reported the same one, so it stopped before starting the workers.${counted}${loopback ? " A loopback address means a node resolved its own address to localhost (or VLLM_HOST_IP is set to it)." : ""}`,
    evidence: uniqueEvidence(hits.map((h) => h.ev)),
    remediation: [
      "Set VLLM_HOST_IP on each node to that node's own address, the one Ray uses for it (`ray start --node-ip-address=<this node's IP>`); never one value for all nodes (a shared env file, a copied docker run line).",
      "Check the IPs `ray status` / `ray list nodes` show: each node must appear once with its own address; containers need host networking (--network host) or addresses routable between the nodes.",
      "On hosts with several interfaces, pick the same network for Ray, VLLM_HOST_IP, GLOO_SOCKET_IFNAME and NCCL_SOCKET_IFNAME.",
    ],
  }];
}

export const rule = defineRule(meta, check);
