import type { Facts } from "../facts/schema.js";
import type { Evidence } from "../model.js";
import type { RuleContext } from "./types.js";
import { multiNodeReasons } from "../facts/reconcile.js";
import { formatNumber } from "../util/number-format.js";

/** Evidence without duplicates (same file and line), nulls dropped, order kept. */
export function uniqueEvidence(list: readonly (Evidence | null | undefined)[]): Evidence[] {
  const seen = new Set<string>();
  const out: Evidence[] = [];
  for (const e of list) {
    if (!e) continue;
    const key = `${e.file}\u0000${e.line}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ file: e.file, line: e.line, text: e.text });
  }
  return out;
}

export function hitEvidence(hits: readonly { ev: Evidence }[]): Evidence[] {
  return uniqueEvidence(hits.map((h) => h.ev));
}

/** Where the log stated these facts. */
export function factEvidence(facts: Facts, ...paths: string[]): Evidence[] {
  return uniqueEvidence(paths.map((p) => facts.sources[p]));
}

/** A number as the reports write it (`1,234.57`; see formatNumber). */
/**
 * The KV cache has no room at all: V0's `# GPU blocks: 0` (`# cuda blocks: 0`), or a budget left for it of zero or less
 * (V0.7's `the rest of the memory reserved for KV Cache is -1.05GiB`). vllm/no-kv-cache-memory reports it; the rules
 * about a cache too small for a request (kv-cache-too-small, low-concurrency) have nothing to add to it.
 */
export function kvCacheEmpty(facts: Facts): boolean {
  const kv = facts.kvCache;
  return (kv.gpuBlocks !== null && kv.gpuBlocks <= 0) || (kv.availableGiB !== null && kv.availableGiB <= 0);
}

export function fmt(n: number, digits = 2): string {
  return formatNumber(n, digits);
}

/** Parses a number written with thousands separators ("623,873"). */
export function num(s: string | undefined): number | null {
  if (s === undefined) return null;
  const v = Number(s.replace(/,/g, ""));
  return Number.isFinite(v) ? v : null;
}

/** Why the run spans nodes (facts.nccl.multiNode), with the lines that show it. */
export function multiNodeEvidence(ctx: RuleContext): { multi: boolean; why: string[]; evidence: Evidence[] } {
  const reasons = multiNodeReasons(ctx.facts, ctx.thresholds.maxGpusPerNode);
  const s = ctx.facts.sources;
  const evidence = reasons.flatMap((r) => {
    if (r.fact === "nccl.interNode") return Object.entries(s).filter(([k]) => k.startsWith("nccl.interNode.")).slice(0, 1).map(([, v]) => v);
    return s[r.fact] ? [s[r.fact]] : [];
  });
  return { multi: reasons.length > 0, why: reasons.map((r) => r.why), evidence: uniqueEvidence(evidence) };
}

/**
 * The fast link between the accelerators of one node on the platform vLLM named (`gpu.platform`), for advice that
 * compares it with the network: NVLink where none is named (most logs are NVIDIA's) or on CUDA.
 */
export function intraNodeLink(facts: Facts): string {
  switch (facts.gpu.platform ?? null) {
    case "rocm":
      return "Infinity Fabric (xGMI)";
    case "ascend":
    case "npu":
      return "HCCS";
    case null:
    case "cuda":
      return "NVLink";
    default:
      return "the accelerators' links";
  }
}

/** whether the run's collectives are NCCL's or RCCL's (CUDA or ROCm, or no platform named) */
export function ncclPlatform(facts: Facts): boolean {
  const p = facts.gpu.platform ?? null;
  return p === null || p === "cuda" || p === "rocm";
}

/** a CUDA version as cudaDriverGetVersion and NCCL print it (`12080`) in the form nvidia-smi shows (`12.8`) */
export function cudaVersionOf(code: string): string {
  const n = Number(code);
  return `${Math.floor(n / 1000)}.${Math.floor((n % 1000) / 10)}`;
}
