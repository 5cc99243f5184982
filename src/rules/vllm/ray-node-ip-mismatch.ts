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
  const counted = nodes && ips ? ` It found ${nodes} node${nodes === "1" ? "" : "s"} but ${ips} distinct IP address${ips === "1" ? "" : "es"}${addresses ? ` (${addresses})` : ""}.` : "";
  // vLLM raises it whenever the two counts differ, and counts the engine process's own address with its workers': more
  // addresses than nodes is no shared address but the engine (the Ray driver of its workers) on a node none of its
  // workers is on, or one node reporting two addresses (VLLM_HOST_IP set for some processes, not others)
  const moreIps = nodes !== undefined && ips !== undefined && Number(ips) > Number(nodes);
  const what = moreIps
    ? "and more addresses were reported than its workers' nodes: the engine process, whose address vLLM counts with its workers', runs on a node none of its workers landed on, or one node reported two addresses (VLLM_HOST_IP set for some of its processes and not others, or to another host's address), so it stopped before starting the workers."
    : "and two nodes reported the same one, so it stopped before starting the workers.";
  return [{
    message: `vLLM's Ray executor tells the nodes apart by the IP address each worker reports (VLLM_HOST_IP, else the node's address), ${what}${counted}${loopback && !moreIps ? " A loopback address means a node resolved its own address to localhost (or VLLM_HOST_IP is set to it)." : ""}`,
    evidence: uniqueEvidence(hits.map((h) => h.ev)),
    remediation: [
      ...(moreIps
        ? ["Place each engine on a node that holds its own workers: with data parallel over Ray (--data-parallel-backend ray, or a Ray Serve data parallel deployment) every DP rank's engine must run where its placement group's GPUs are; check the bundles with `ray list placement-groups --detail` and update Ray / Ray Serve if it puts a rank's engine on another node."]
        : []),
      "Set VLLM_HOST_IP on each node to that node's own address, the one Ray uses for it (`ray start --node-ip-address=<this node's IP>`); never one value for all nodes (a shared env file, a copied docker run line).",
      "Check the IPs `ray status` / `ray list nodes` show: each node must appear once with its own address; containers need host networking (--network host) or addresses routable between the nodes.",
      "On hosts with several interfaces, pick the same network for Ray, VLLM_HOST_IP, GLOO_SOCKET_IFNAME and NCCL_SOCKET_IFNAME.",
    ],
  }];
}

export const rule = defineRule(meta, check);
