/** Text and JSON views of a plan and of a run plan. */
import type { Plan } from "./decide.js";
import type { RunPlan } from "./from-run.js";
import type { PlanGpu } from "./decide.js";
import { fmt, fmtGB, GIB, round2 } from "./units.js";

export interface PlanView {
  model: string;
  gpu: PlanGpu;
  gpusPerNode: number;
  nodes: number;
  serve: string[];
  llm: string;
  notes: string[];
}

export function planToJson(plan: Plan, view: PlanView): unknown {
  const g = (b: number) => round2(b / GIB);
  return {
    tensorParallelSize: plan.tensorParallelSize,
    pipelineParallelSize: plan.pipelineParallelSize,
    minimumTensorParallelSize: plan.minimumTensorParallelSize,
    fits: plan.fits,
    gpusUsed: plan.gpusUsed,
    nodesUsed: plan.nodesUsed,
    nodesNeeded: plan.nodesNeeded,
    model: view.model,
    gpu: { ...view.gpu, gpusPerNode: view.gpusPerNode, nodes: view.nodes },
    weights: { bytes: plan.weightsBytes, gib: g(plan.weightsBytes), perGpuGiB: g(plan.weightsPerGpuBytes) },
    memoryPerGpu: { usableGiB: g(plan.usablePerGpuBytes), overheadGiB: g(plan.overheadPerGpuBytes), kvHeadroomGiB: g(plan.kvHeadroomPerGpuBytes) },
    kvCache: plan.kv
      ? {
          bytesPerToken: plan.kv.bytesPerToken,
          bytesPerTokenPerGpu: plan.kv.bytesPerTokenPerGpu,
          memoryPerGpuGiB: g(plan.kv.memoryPerGpuBytes),
          tokens: plan.kv.tokens,
          maxModelLen: plan.kv.maxModelLen,
          maxConcurrency: round2(plan.kv.maxConcurrency),
        }
      : null,
    commands: { serve: view.serve, llm: view.llm },
    reasoning: plan.reasoning,
    alternatives: plan.alternatives,
    notes: view.notes,
  };
}

export function renderPlanText(plan: Plan, view: PlanView): string {
  const out: string[] = [];
  const link = view.gpu.interconnect;
  out.push(`Plan for ${view.model}: ${fmtGB(plan.weightsBytes)} of weights on ${view.nodes} node${view.nodes === 1 ? "" : "s"} × ${view.gpusPerNode} ${view.gpu.name} (${fmt(view.gpu.memoryGiB, 1)} GiB, ${link})`);
  out.push("");
  if (!plan.fits) out.push(`  DOES NOT FIT${plan.nodesNeeded !== null ? ` — needs ${plan.nodesNeeded} node(s) of ${view.gpusPerNode} GPU(s)` : ""}; the layout below is for all GPUs given`);
  out.push(`  tensor_parallel_size      ${plan.tensorParallelSize}`);
  out.push(`  pipeline_parallel_size    ${plan.pipelineParallelSize}`);
  out.push(`  smallest fitting TP       ${plan.minimumTensorParallelSize ?? "none"}`);
  out.push(`  GPUs used                 ${plan.gpusUsed} (${plan.nodesUsed} node${plan.nodesUsed === 1 ? "" : "s"})`);
  if (plan.kv) {
    out.push(`  KV bytes per token        ${fmt(plan.kv.bytesPerToken)} (${fmt(plan.kv.bytesPerTokenPerGpu)} per GPU)`);
    out.push(`  expected KV cache         ${fmt(plan.kv.tokens)} tokens`);
    out.push(`  maximum concurrency       ${fmt(plan.kv.maxConcurrency, 2)}x at ${fmt(plan.kv.maxModelLen)} tokens per request`);
  }
  out.push("", "Run:");
  for (const s of view.serve) out.push(indent(s, "  "));
  out.push("", "  " + view.llm);
  out.push("", "Why:");
  plan.reasoning.forEach((r, i) => out.push(`  ${i + 1}. ${r}`));
  if (plan.alternatives.length || view.notes.length) {
    out.push("", "Also:");
    for (const a of [...plan.alternatives, ...view.notes]) out.push(`  - ${a}`);
  }
  return out.join("\n") + "\n";
}

export function runPlanToJson(p: RunPlan, from: string): unknown {
  return { from, ...p };
}

export function renderRunPlanText(p: RunPlan, from: string): string {
  const r = p.run;
  const out: string[] = [];
  out.push(`Capacity of the run in ${from}${r.model ? ` (${r.model})` : ""}`);
  out.push("");
  const row = (k: string, v: string) => out.push(`  ${k.padEnd(26)}${v}`);
  row("GPU", `${r.gpuName ?? "unknown"}${r.gpuMemoryGiB !== null ? ` (${fmt(r.gpuMemoryGiB, 1)} GiB)` : ""}`);
  row("parallelism", `TP=${r.tensorParallelSize} PP=${r.pipelineParallelSize}${r.gpusPerNode !== null ? `, ${r.gpusPerNode} GPUs per node` : ""}`);
  row("gpu_memory_utilization", `${r.gpuMemoryUtilization}${r.gpuMemoryUtilizationAssumed ? " (assumed: not in the log)" : ""}`);
  row("model weights per GPU", r.modelWeightsGiB !== null ? `${fmt(r.modelWeightsGiB, 2)} GiB` : "unknown");
  row("available KV memory", r.availableGiB !== null ? `${fmt(r.availableGiB, 2)} GiB per GPU` : "unknown");
  row("KV cache", r.kvTokens !== null ? `${fmt(r.kvTokens)} tokens` : "unknown");
  row("KV bytes per token", r.bytesPerTokenPerGpu !== null ? `${fmt(r.bytesPerTokenPerGpu)} per GPU (${r.bytesPerTokenFrom === "log" ? "available KV memory ÷ KV tokens" : "from the model config"})` : "unknown");
  row("maximum concurrency", r.maxConcurrency !== null ? `${fmt(r.maxConcurrency, 2)}x at ${r.tokensPerRequest !== null ? fmt(r.tokensPerRequest) : "?"} tokens per request` : "unknown");
  if (p.check) {
    const c = p.check;
    out.push("", "Check against the model config:");
    out.push(`  KV tokens: ${fmt(r.availableGiB ?? 0, 2)} GiB ÷ ${fmt(r.bytesPerTokenPerGpu ?? 0)} bytes = ${fmt(c.computedTokens)} computed vs ${fmt(c.loggedTokens)} logged (${sign(c.tokensDeltaPct)}%)`);
    if (c.computedConcurrency !== null && c.loggedConcurrency !== null && c.concurrencyDeltaPct !== null)
      out.push(`  concurrency: ${fmt(c.computedConcurrency, 2)}x computed vs ${fmt(c.loggedConcurrency, 2)}x logged (${sign(c.concurrencyDeltaPct)}%)`);
  }
  if (p.targetConcurrency !== null) {
    out.push("", `Target: ${p.targetConcurrency} concurrent requests${p.tokensNeeded !== null ? ` = ${fmt(p.tokensNeeded)} KV tokens` : ""}` +
      (r.maxConcurrency !== null && r.maxConcurrency >= p.targetConcurrency ? " — already met" : ""));
  }
  if (p.levers.length) {
    out.push("", p.targetConcurrency !== null ? "What to change (one lever at a time):" : "What each lever gives (one at a time):");
    for (const l of p.levers) {
      const mark = l.reachesTarget === null ? "-" : l.reachesTarget ? "✓" : "✗";
      out.push(`  ${mark} ${l.change}: ${l.maxConcurrency !== null ? `${fmt(l.maxConcurrency, 2)}x` : "?"}${l.kvTokens !== null ? `, ${fmt(l.kvTokens)} KV tokens` : ""}`);
      out.push(`      ${l.arithmetic}`);
      if (l.caveat) out.push(`      note: ${l.caveat}`);
    }
  }
  if (p.advice.length) {
    out.push("", "Parallelism advice:");
    for (const a of p.advice) out.push(`  - ${a}`);
  }
  if (p.missing.length) {
    out.push("", "Not in the log (some levers need them):");
    for (const m of p.missing) out.push(`  - ${m}`);
  }
  return out.join("\n") + "\n";
}

const sign = (x: number): string => `${x >= 0 ? "+" : ""}${x.toFixed(2)}`;
const indent = (s: string, pad: string): string => s.split("\n").map((l) => pad + l).join("\n");
