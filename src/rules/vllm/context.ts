import type { Facts } from "../../facts/schema.js";
import { adviseFromFacts, gpusPerNodeFromFacts, type RunFacts } from "../../plan/index.js";

/** "TP 4 × PP 2 (8 GPUs)" for messages. */
export function parallelSummary(facts: Facts): string {
  // an excerpt that states no size says nothing of the layout (vLLM's default of one GPU is not what it shows)
  const c = facts.config;
  if (c.tensorParallelSize === null && c.pipelineParallelSize === null && c.dataParallelSize === null) {
    const world = facts.distributed.worldSize;
    return world !== null ? `${world} ranks, their TP/PP split not read from the log` : "unknown (no tensor or pipeline parallel size read from the log)";
  }
  const tp = facts.config.tensorParallelSize ?? 1;
  const pp = facts.config.pipelineParallelSize ?? 1;
  const dp = facts.config.dataParallelSize ?? 1;
  return `TP ${tp} × PP ${pp}${dp > 1 ? ` × DP ${dp}` : ""} (${tp * pp * dp} GPU${tp * pp * dp > 1 ? "s" : ""})`;
}

/**
 * The `plan` command's parallelism advice for this run (TP larger than a node; TP > 2 without NVLink), as
 * remediation sentences. `assumeGpusPerNode` stands in for the node size when the log does not show it.
 */
export function planAdvice(facts: Facts, assumeGpusPerNode?: number): string[] {
  let f: RunFacts = facts;
  const tp = facts.config.tensorParallelSize;
  if (assumeGpusPerNode && tp && gpusPerNodeFromFacts(facts) === null) {
    const world = (tp ?? 1) * (facts.config.pipelineParallelSize ?? 1);
    f = { ...facts, config: { ...facts.config, nnodes: Math.ceil(world / assumeGpusPerNode) }, distributed: { ...facts.distributed, worldSize: world } };
  }
  // sentences that open with a flag name (`tensor_parallel_size 16 ...`) keep it as vLLM spells it
  return adviseFromFacts(f).map((s) => (/^[a-z]+_/.test(s) ? s : s.charAt(0).toUpperCase() + s.slice(1)));
}
