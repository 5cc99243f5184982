import type { FindingDraft, Rule, RuleContext } from "../types.js";
import { uniqueEvidence } from "../helpers.js";
import { benchRuns } from "./runs.js";
import { rule as socketFallback } from "../nccl/socket-fallback.js";
import { rule as ibDisabled } from "../nccl/ib-disabled.js";
import { rule as gdrdmaDisabled } from "../nccl/gdrdma-disabled.js";
import { rule as p2pDisabled } from "../nccl/p2p-disabled.js";
import { rule as customAllreduceDisabled } from "../vllm/custom-allreduce-disabled.js";
import { rule as tpSpansNodes } from "../vllm/tp-spans-nodes.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "bench/degraded-server",
  defaultSeverity: "warning",
  title: "Benchmark: measured on a server whose log shows a performance problem",
  tags: ["bench", "serve", "performance"],
  sources: [
    "vLLM docs: serving/parallelism_scaling (GPUDirect RDMA, NET/Socket fallback, TP inside a node and PP across nodes)",
    "vLLM docs: benchmarking (compare runs on the same, healthy configuration)",
  ],
  thresholds: ["maxGpusPerNode"],
} satisfies RuleSpec;

/** Problems that slow every request of a serve benchmark, with what they cost, in the order they are named. */
const SLOWING: { rule: Rule; cost: string }[] = [
  { rule: socketFallback, cost: "inter-node NCCL traffic over TCP sockets" },
  { rule: ibDisabled, cost: "InfiniBand turned off for NCCL" },
  { rule: gdrdmaDisabled, cost: "InfiniBand without GPU Direct RDMA" },
  { rule: p2pDisabled, cost: "no P2P between the GPUs of a node" },
  { rule: customAllreduceDisabled, cost: "vLLM's custom all-reduce off" },
  { rule: tpSpansNodes, cost: "tensor parallelism across nodes" },
];

const KINDS = { serve: "serve", throughput: "throughput", latency: "latency" } as const;

export function check(ctx: RuleContext): FindingDraft[] {
  const runs = (Object.keys(KINDS) as (keyof typeof KINDS)[]).flatMap((k) => benchRuns(ctx, k).map((r) => ({ kind: k, ...r })));
  if (runs.length === 0) return [];
  const found = SLOWING.flatMap(({ rule, cost }) => {
    const drafts = rule.check(ctx);
    return drafts.length ? [{ id: rule.meta.id, cost, ev: drafts[0].evidence[0] }] : [];
  });
  if (found.length === 0) return [];
  const first = runs.sort((a, b) => a.ev.line - b.ev.line)[0];
  const what = found.map((f) => `${f.cost} (${f.id})`).join("; ");
  return [{
    message: `The ${first.kind} benchmark${runs.length > 1 ? ` (and ${runs.length - 1} more run${runs.length > 2 ? "s" : ""})` : ""} ran on a server whose log shows: ${what}. Its throughput and latency measure that problem, not what the hardware can do.`,
    evidence: uniqueEvidence([first.ev, ...found.map((f) => f.ev)]),
    remediation: [
      `Fix the server first: see the ${found.map((f) => f.id).join(", ")} finding${found.length > 1 ? "s" : ""} of this report.`,
      "Do not record this run as a --baseline; rerun the benchmark once the server log is clean.",
      "Gate benchmark runs on the server's transport too, e.g. `vllm-doctor check server.log bench.txt --forbid-transport NET/Socket`.",
    ],
  }];
}

export const rule = defineRule(meta, check);
