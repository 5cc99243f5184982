import type { RuntimeFacts } from "../../facts/schema.js";
import type { FindingDraft, RuleContext } from "../types.js";
import { fmt, uniqueEvidence } from "../helpers.js";
import { duration, sourceOf, statsOf } from "./common.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "runtime/throughput-drop",
  defaultSeverity: "warning",
  title: "Generation throughput fell by more than half at a similar load",
  tags: ["runtime", "throughput", "degradation"],
  sources: ["vllm/engine/metrics.py and vllm/v1/metrics/loggers.py: `Avg generation throughput` and `Running` of the periodic stats line"],
} satisfies RuleSpec;

/** timestamped stats lines needed in each third */
export const MIN_LINES_PER_THIRD = 3;
/** the last third's generation throughput below this share of the first third's */
export const DROP_SHARE = 0.5;
/** the last third's mean running requests at least this share of the first third's ("similar load") */
export const SIMILAR_LOAD = 0.7;

interface Third {
  lines: number;
  running: number;
  generation: number;
}

/** Line-weighted means of the series buckets in [from, to). */
function third(points: NonNullable<RuntimeFacts["series"]>["points"], from: number, to: number): Third {
  let lines = 0;
  let running = 0;
  let gen = 0;
  for (const p of points) {
    if (p.t < from || p.t >= to) continue;
    lines += p.lines;
    running += p.running * p.lines;
    gen += p.generation * p.lines;
  }
  return { lines, running: lines ? running / lines : 0, generation: lines ? gen / lines : 0 };
}

export function check(ctx: RuleContext): FindingDraft[] {
  const { facts } = ctx;
  const r = statsOf(facts);
  if (!r || !r.series || r.series.points.length < 3) return [];
  // a stall explains a drop by itself (runtime/stall reports it)
  if (r.stallCount > 0) return [];
  const pts = r.series.points;
  const t0 = pts[0].t;
  const t1 = pts[pts.length - 1].t + r.series.widthS;
  const span = t1 - t0;
  const first = third(pts, t0, t0 + span / 3);
  const last = third(pts, t0 + (2 * span) / 3, t1 + 1);
  if (first.lines < MIN_LINES_PER_THIRD || last.lines < MIN_LINES_PER_THIRD) return [];
  if (first.generation <= 1 || first.running <= 0) return [];
  if (last.generation >= DROP_SHARE * first.generation) return [];
  if (last.running < SIMILAR_LOAD * first.running) return [];
  const perReq = (t: Third) => (t.running > 0 ? t.generation / t.running : 0);
  const kvBusy = (r.kvFullShare ?? 0) >= 0.2;
  const preempt = (r.preemptions ?? 0) > 0;
  return [{
    message: `Generation throughput fell from ${fmt(first.generation, 1)} tokens/s in the first third of the ${duration(span)} covered by the stats lines to ${fmt(last.generation, 1)} tokens/s in the last third (${fmt((1 - last.generation / first.generation) * 100, 0)}% less), while ${fmt(first.running, 1)} and then ${fmt(last.running, 1)} requests ran on average: ${fmt(perReq(first), 1)} → ${fmt(perReq(last), 1)} tokens/s per running request.${kvBusy || preempt ? ` The KV cache was full on ${fmt((r.kvFullShare ?? 0) * 100, 0)}% of the stats lines${preempt ? ` and ${fmt(r.preemptions!, 0)} requests were preempted` : ""}: recomputation may eat the throughput.` : ""}`,
    evidence: uniqueEvidence([sourceOf(facts, "runtime.statsLines"), sourceOf(facts, "runtime.lastStats")]),
    remediation: [
      "Check the GPUs while it is slow: `nvidia-smi -q -d PERFORMANCE,CLOCK,TEMPERATURE` shows thermal or power throttling, and `nvidia-smi` other processes sharing the GPU.",
      "Compare the requests of the two periods: longer prompts or outputs (the prompt throughput and KV usage rise), a lower prefix-cache hit rate, or more concurrent long contexts lower tokens/s at the same request count.",
      ...(kvBusy || preempt ? ["Relieve the KV cache (see runtime/kv-cache-pressure): preempted requests are recomputed and cost throughput."] : []),
      "If nothing else changed, restart the server and watch whether the throughput comes back (memory fragmentation, a leaking process) and report it with this log.",
    ],
  }];
}

export const rule = defineRule(meta, check);
