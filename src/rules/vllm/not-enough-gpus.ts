import type { RuleContext, FindingDraft } from "../types.js";
import { hitEvidence } from "../helpers.js";
import { firstValue, signalHits } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "vllm/not-enough-gpus",
  defaultSeverity: "error",
  title: "The parallel layout asks one node for more GPUs than it sees",
  tags: ["vllm", "startup", "multi-node", "parallelism"],
  sources: [
    "vLLM source: vllm/config/parallel.py ParallelConfig (world size against the GPUs of this node); vllm/executor/multiproc_gpu_executor.py (0.4-0.6 assert)",
    "vLLM docs: serving/distributed_serving.md (TP = GPUs per node, PP = nodes; Ray or --nnodes for several nodes)",
  ],
} satisfies RuleSpec;

export function check(ctx: RuleContext): FindingDraft[] {
  const hits = signalHits(ctx, ["vllm.gpusShort"]);
  if (!hits.length) return [];
  const asked = Number(firstValue(hits, "worldSize"));
  const seen = Number(firstValue(hits, "gpus"));
  const c = ctx.facts.config;
  const tp = c.tensorParallelSize;
  const pp = c.pipelineParallelSize;
  const layout = tp !== null && tp * (pp ?? 1) === asked ? ` (TP ${tp}${pp && pp > 1 ? ` × PP ${pp}` : ""})` : "";
  const gpus = (n: number) => `${n} GPU${n === 1 ? "" : "s"}`;
  return [{
    message: `vLLM stopped before starting any worker: the layout needs ${gpus(asked)}${layout} on this node, which sees ${gpus(seen)}. With the multiprocessing backend every worker of one engine runs on the node that started it unless the launch says otherwise.`,
    evidence: hitEvidence(hits),
    remediation: [
      `On one node: make TP × PP at most ${seen}, or give the process the GPUs it needs (CUDA_VISIBLE_DEVICES, \`docker run --gpus\`, the pod's nvidia.com/gpu limit; \`nvidia-smi -L\` inside the container shows what it sees).`,
      "Across nodes with Ray: `ray start --head` on one node, `ray start --address=<head>:6379` on the others, then start vLLM on the head with `--distributed-executor-backend ray` (TP = GPUs per node, PP = number of nodes is the usual split).",
      "Across nodes with the multiprocessing backend (releases whose message names `--nnodes`): start vLLM on every node with the same arguments plus `--nnodes`, `--node-rank`, `--master-addr` and `--master-port`, the workers of other nodes with `--headless`.",
    ],
  }];
}

export const rule = defineRule(meta, check);
