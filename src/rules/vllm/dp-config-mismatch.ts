import type { RuleContext, FindingDraft } from "../types.js";
import { hitEvidence } from "../helpers.js";
import { firstValue, signalHits } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "vllm/dp-config-mismatch",
  defaultSeverity: "error",
  title: "Data parallel engines were started with different configurations",
  tags: ["vllm", "data-parallel", "startup"],
  sources: [
    "vLLM docs: serving/data_parallel_deployment.md (multi-node: --data-parallel-size-local, --data-parallel-start-rank, --headless)",
    "vLLM source: vllm/v1/engine/utils.py wait_for_engine_startup (parallel_config_hash check); vllm/config/parallel.py compute_hash",
  ],
} satisfies RuleSpec;

export function check(ctx: RuleContext): FindingDraft[] {
  const hits = signalHits(ctx, ["vllm.dpConfigMismatch"]);
  if (!hits.length) return [];
  const engine = firstValue(hits, "engine");
  const rank = firstValue(hits, "rank");
  const message =
    engine !== undefined
      ? `The front end refused data parallel engine ${engine}: its parallel configuration (hashed from the settings that affect collectives: TP/PP/DP sizes, expert parallel, EPLB, the all-to-all backend) differs from the front end's, so the engines would not run their collectives alike.`
      : `An engine reported data parallel rank ${rank}, which the front end does not expect: the ranks the nodes start (--data-parallel-size, --data-parallel-start-rank, --data-parallel-size-local) do not add up to one layout.`;
  const remediation =
    engine !== undefined
      ? [
          "Start every node with the same command line, changing only what places it: --node-rank, --data-parallel-start-rank / --data-parallel-rank, --data-parallel-size-local and --headless; compare each node's `non-default args` line to find the flag that differs (often --enable-eplb or its config, --all2all-backend, or --tensor-parallel-size).",
          "Run the same vLLM version on every node: the hash covers the configuration's fields, which change between releases.",
          "With NUMA binding on, some vLLM versions hash each rank's own NUMA node, so identical commands still differ: turn NUMA binding off or use a release that leaves it out of the hash.",
        ]
      : [
          "Give the nodes one layout: each node's --data-parallel-start-rank is the sum of the --data-parallel-size-local of the nodes before it, and all the local sizes add up to --data-parallel-size on every node.",
          "Check that every node points at the same head (--data-parallel-address, --data-parallel-rpc-port) and no engine of an older launch is still running.",
        ];
  return [{ message, evidence: hitEvidence(hits), remediation }];
}

export const rule = defineRule(meta, check);
