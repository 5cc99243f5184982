import type { RuleContext, FindingDraft } from "../types.js";
import { uniqueEvidence } from "../helpers.js";
import { firstValue, signalHits } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "vllm/ray-insufficient-resources",
  defaultSeverity: "error",
  title: "Ray cannot place the vLLM workers",
  tags: ["vllm", "ray", "multi-node", "startup"],
  sources: ["vLLM docs: serving/distributed_troubleshooting.md (No available node types can fulfill resource request)", "vLLM source: vllm/executor/ray_utils.py (placement group wait)", "Ray source: python/ray/serve/_private/deployment_state.py (replicas that have taken more than 30s to be scheduled)"],
} satisfies RuleSpec;

export function check(ctx: RuleContext): FindingDraft[] {
  const { facts } = ctx;
  const progressed = facts.memory.modelWeightsGiB !== null || facts.kvCache.tokens !== null || (facts.kvCache.gpuBlocks ?? 0) > 0 || facts.server.ready || facts.distributed.worldSize !== null;
  let hits = signalHits(ctx, ["vllm.rayPlacement"]);
  // vLLM warns that the current placement group is too small, then waits for a new one: once the engine moved on, both were transient
  if (progressed) hits = hits.filter((h) => h.captures.waiting === undefined && !(h.captures.level === "warning" && h.captures.exceedsAvailable !== undefined));
  if (!hits.length) return [];
  const onlyWaiting = hits.every((h) => h.captures.waiting !== undefined);
  const c = ctx.facts.config;
  const needed = (c.tensorParallelSize ?? 1) * (c.pipelineParallelSize ?? 1) * (c.dataParallelSize ?? 1);
  const spec = firstValue(hits, "specs");
  const bundles = spec !== undefined ? (spec.match(/'GPU'/g) ?? []).length : 0;
  const requiring = firstValue(hits, "requiring");
  const want = (requiring ? Number(requiring) : 0) || bundles || (needed > 1 ? needed : null);
  const avail = signalHits(ctx, ["vllm.rayGpusAvailable"])[0];
  const have = avail ? Number(avail.captures.available ?? avail.captures.reserved) : ctx.facts.gpu.count;
  const gaveUp = hits.find((h) => h.captures.gaveUp !== undefined);
  const gpus = (n: number) => `${n} GPU${n === 1 ? "" : "s"}`;
  // vLLM's own warnings count the GPUs of one node (the driver's), not the cluster's
  const perNode = avail !== undefined && (avail.captures.perNode !== undefined || avail.captures.reserved !== undefined);
  const short = want && have !== null && have !== undefined && have < want;
  const versus = short ? (perNode ? ` The job asks for ${gpus(want)}; the driver's node has ${have} (vLLM's warning counts that node's GPUs only), so the others must come from nodes that joined the Ray cluster.` : ` The job asks for ${gpus(want)}; the log shows ${gpus(have)} available.`) : "";
  // Ray Serve's controller waiting to place a replica of the deployment (the replica's resources and the cluster's free ones)
  const serve = hits.every((h) => h.captures.replicaNeeds !== undefined);
  const needs = firstValue(hits, "replicaNeeds");
  const free = firstValue(hits, "clusterHas");
  const message = serve
    ? `Ray Serve cannot schedule a replica of the vLLM deployment: each replica asks for ${needs} and the cluster has ${free === "{}" ? "nothing" : free} free, so the replica (and its engine) waits until the cluster offers them (the controller said so ${hits.length} time${hits.length > 1 ? "s" : ""}).`
    : `Ray could not reserve ${want ? gpus(want) : "the GPUs"} for the workers${needed > 1 ? ` (TP ${c.tensorParallelSize ?? 1} × PP ${c.pipelineParallelSize ?? 1})` : ""}; the engine waits or fails until the cluster offers them.${gaveUp ? " vLLM gave up waiting for the placement group and stopped." : ""}${versus}${onlyWaiting ? ` The log shows vLLM still waiting (${hits.length} time${hits.length > 1 ? "s" : ""}) and ends before the placement group was created or gave up.` : ""}`;
  return [{
    message,
    ...(onlyWaiting ? { severity: "warning" as const } : {}),
    evidence: uniqueEvidence([...hits.map((h) => h.ev), avail?.ev]).sort((x, y) => (x.file === y.file ? x.line - y.line : 0)),
    remediation: [
      `Run \`ray status\` and \`ray list nodes\` on the head node: the cluster must show ${want ? `${gpus(want)}` : "enough GPUs"} free on joined nodes${short ? (perNode ? ` (the driver's node has ${have})` : ` (the log shows ${have})`) : ""}.`,
      "Ask for fewer GPUs: make TP × PP (× DP) equal the GPUs the cluster really has (TP = GPUs per node, PP = number of nodes), or add nodes until it has enough.",
      "Check that every node's GPUs are visible to Ray: start `ray start` with CUDA_VISIBLE_DEVICES unset or covering all GPUs (or pass --num-gpus), and confirm each node lists its GPUs in `ray status`.",
      "On hosts with several addresses set VLLM_HOST_IP on every node to the address Ray uses for that node, so vLLM and Ray agree on node identity.",
      "Stop other Ray jobs or actors that hold GPUs.",
    ],
  }];
}

export const rule = defineRule(meta, check);
