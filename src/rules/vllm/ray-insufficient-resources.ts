import type { Rule, RuleContext, FindingDraft } from "../types.js";
import { docsPath } from "../types.js";
import { findHits, hitEvidence } from "../helpers.js";

export const meta = {
  id: "vllm/ray-insufficient-resources",
  defaultSeverity: "error",
  title: "Ray cannot place the vLLM workers",
  tags: ["vllm", "ray", "multi-node", "startup"],
  docs: docsPath("vllm/ray-insufficient-resources"),
  sources: ["vLLM docs: serving/distributed_troubleshooting.md (No available node types can fulfill resource request)", "vLLM source: vllm/executor/ray_utils.py (placement group wait)"],
} satisfies Rule["meta"];

const SIGNS = /number of required GPUs exceeds the total number of available GPUs|Waiting for creating a placement group|No available node types can fulfill resource request|placement group.*(?:infeasible|cannot be (?:created|scheduled)|timed? ?out)|Current node has no GPU available|Cannot (?:find|get) (?:enough )?(?:GPU|resources)|Ray does not allocate any GPUs on the driver node/i;
const SPECS = /specs=\[(.*?)\]/;

/** vLLM repeats this every 10 s while Ray gathers the GPUs; on a cluster that is still starting it is followed by success. */
const WAITING = /Waiting for creating a placement group/i;

export function check(ctx: RuleContext): FindingDraft[] {
  const { facts } = ctx;
  const progressed = facts.memory.modelWeightsGiB !== null || facts.kvCache.tokens !== null || (facts.kvCache.gpuBlocks ?? 0) > 0 || facts.server.ready || facts.distributed.worldSize !== null;
  let hits = findHits(ctx.events, SIGNS);
  // vLLM warns that the current placement group is too small, then waits for a new one: once the engine moved on, both were transient
  if (progressed) hits = hits.filter((h) => !WAITING.test(h.text) && !(h.event.kind === "warning" && /exceeds the total number of available GPUs/.test(h.text)));
  if (!hits.length) return [];
  const onlyWaiting = hits.every((h) => WAITING.test(h.text));
  const c = ctx.facts.config;
  const needed = (c.tensorParallelSize ?? 1) * (c.pipelineParallelSize ?? 1) * (c.dataParallelSize ?? 1);
  const spec = hits.map((h) => SPECS.exec(h.text)).find(Boolean);
  const bundles = spec ? (spec[1].match(/'GPU'/g) ?? []).length : 0;
  const want = bundles || (needed > 1 ? needed : null);
  return [{
    message: `Ray could not reserve ${want ? `${want} GPU${want > 1 ? "s" : ""}` : "the GPUs"} for the workers${needed > 1 ? ` (TP ${c.tensorParallelSize ?? 1} × PP ${c.pipelineParallelSize ?? 1})` : ""}; the engine waits or fails until the cluster offers them.${onlyWaiting ? ` The log shows vLLM still waiting (${hits.length} time${hits.length > 1 ? "s" : ""}) and ends before the placement group was created or gave up.` : ""}`,
    ...(onlyWaiting ? { severity: "warning" as const } : {}),
    evidence: hitEvidence(hits),
    remediation: [
      "Run `ray status` and `ray list nodes` on the head node: the cluster must show enough free GPUs on joined nodes.",
      "Make TP × PP equal the GPUs the cluster really has (TP = GPUs per node, PP = number of nodes).",
      "On hosts with several addresses set VLLM_HOST_IP on every node to the address Ray uses for that node, so vLLM and Ray agree on node identity.",
      "Stop other Ray jobs or actors that hold GPUs.",
    ],
  }];
}

export const rule: Rule = { meta, check };
