import { Chalk, type ChalkInstance } from "chalk";
import type { Evidence } from "../model.js";
import type { Finding, Report } from "../facts/schema.js";
import { safeLine, safeText } from "../util/terminal.js";
import { benchSections } from "./bench-rows.js";
import { communicatorLine } from "./cluster-rows.js";

/** The facts whose absence the text report spells out; the rest are counted (all are in the JSON). */
const HEADLINE_FACTS = new Set([
  "vllm.version", "config.model", "config.tensorParallelSize", "config.pipelineParallelSize", "config.executorBackend",
  "config.maxModelLen", "config.gpuMemoryUtilization", "kvCache.tokens", "kvCache.maxConcurrency", "memory.modelWeightsGiB",
  "nccl.version", "nccl.net", "nccl.transports", "nccl.gdr",
]);

export interface TextOptions {
  color: boolean;
  /** terminal width for clipping evidence lines */
  width?: number;
}

const num = (v: number | null | undefined, digits = 0): string =>
  v === null || v === undefined ? "—" : v.toLocaleString("en-US", { maximumFractionDigits: digits });

function where(e: Evidence): string {
  return `${e.file}:${e.line}`;
}

/** A readable summary: run identity, parallelism, KV cache and concurrency, memory, NCCL, first error, findings. */
export function renderText(report: Report, opts: TextOptions): string {
  const c: ChalkInstance = new Chalk({ level: opts.color ? 1 : 0 });
  const width = opts.width ?? 120;
  const clipLine = (s: string) => {
    const t = safeText(s.trim());
    return t.length > width - 8 ? t.slice(0, width - 9) + "…" : t;
  };
  const f = report.facts;
  const out: string[] = [];
  const head = (s: string) => out.push("", c.bold(s));
  const row = (k: string, v: string) => out.push(`  ${c.dim(k.padEnd(22))} ${safeText(v)}`);

  const inputs = report.inputs.map((i) => `${safeLine(i.path)} (${num(i.lines)} lines${i.error ? `, ${c.red("failed: " + i.error)}` : ""})`).join(", ");
  out.push(c.bold("vllm-doctor") + c.dim(` ${report.tool.version}`) + `  ${safeText(inputs)}`);

  head("Run");
  row("model", f.config.model ?? "—");
  row("vLLM", [f.vllm.version ? `v${f.vllm.version}` : null, f.vllm.engine ? `engine ${f.vllm.engine.toUpperCase()}` : null].filter(Boolean).join(", ") || "—");
  if (f.gpu.name) row("GPU", f.gpu.name);
  const par = [`TP ${num(f.config.tensorParallelSize)}`, `PP ${num(f.config.pipelineParallelSize)}`, `DP ${num(f.config.dataParallelSize)}`].join(" · ");
  row("parallelism", `${par}${f.config.executorBackend ? `  (${f.config.executorBackend} backend)` : ""}${f.distributed.worldSize ? `, world size ${f.distributed.worldSize}` : ""}`);
  if (f.config.nnodes) row("nodes", `${f.config.nnodes}${f.config.nodeRank !== null ? ` (this is node rank ${f.config.nodeRank})` : ""}${f.config.masterAddr ? `, master ${f.config.masterAddr}` : ""}`);
  row("max_model_len", num(f.config.maxModelLen));
  row("gpu_memory_util", f.config.gpuMemoryUtilization === null ? "—" : String(f.config.gpuMemoryUtilization));
  if (f.config.source) row("config read from", CONFIG_SOURCE_WORDS[f.config.source] ?? f.config.source);
  const env = Object.entries(f.env ?? {});
  if (env.length) row("environment", env.slice(0, 8).map(([k, v]) => `${k}=${v}`).join(" ") + (env.length > 8 ? ` (+${env.length - 8} more)` : ""));

  head("KV cache");
  row("tokens", `${num(f.kvCache.tokens)}${f.sources["kvCache.tokens"]?.derived ? ` (${f.sources["kvCache.tokens"].derived})` : ""}`);
  const conc = f.kvCache.maxConcurrency === null ? "—" : `${f.kvCache.maxConcurrency}x${f.kvCache.tokensPerRequest ? ` at ${num(f.kvCache.tokensPerRequest)} tokens per request` : ""}`;
  row("max concurrency", conc);
  if (f.kvCache.gpuBlocks !== null || f.kvCache.cpuBlocks !== null) row("blocks", `GPU ${num(f.kvCache.gpuBlocks)}, CPU ${num(f.kvCache.cpuBlocks)}`);
  row("available memory", f.kvCache.availableGiB === null ? "—" : `${f.kvCache.availableGiB} GiB`);

  head("Memory");
  row("model weights", f.memory.modelWeightsGiB === null ? "—" : `${f.memory.modelWeightsGiB} GiB`);
  if (f.memory.peakActivationGiB !== null) row("peak activation", `${f.memory.peakActivationGiB} GiB`);
  if (f.memory.nonTorchGiB !== null) row("non-torch", `${f.memory.nonTorchGiB} GiB`);
  if (f.memory.cudaGraphGiB !== null) row("CUDA graphs", `${f.memory.cudaGraphGiB} GiB`);

  const n = f.nccl;
  if (n.version || n.net || n.ranks || Object.values(n.transports).some((v) => v > 0)) {
    head("NCCL");
    row("version", n.versions.length > 1 ? n.versions.join(", ") : (n.version ?? "—"));
    row("network", `${n.net ?? "—"}${n.ibHcas?.length ? ` via ${n.ibHcas.join(", ")}` : ""}${n.gdr === null ? "" : n.gdr ? ", GPU Direct RDMA on" : ", GPU Direct RDMA off"}`);
    row("ranks / nodes", `${num(n.ranks)} ranks on ${num(n.nodes)} node(s)${n.hosts.length ? ` (${n.hosts.length === (n.nodes ?? 0) ? "" : `lines from `}${n.hosts.slice(0, 4).join(", ")}${n.hosts.length > 4 ? ", …" : ""})` : ""}, ${n.initComplete} Init COMPLETE`);
    const comms = communicatorLine(n);
    if (comms) row("communicators", comms);
    const kinds = Object.entries(n.transports).filter(([, v]) => v > 0);
    if (kinds.length) row("connections", kinds.map(([k, v]) => `${k} ×${v}`).join(", "));
    if (n.nodePairs.length) {
      out.push(`  ${c.dim("node pairs")}`);
      for (const p of n.nodePairs) {
        const ks = Object.entries(p.kinds).filter(([, v]) => v > 0).map(([k, v]) => `${k} ×${v}`).join(", ");
        out.push(`    ${safeText(p.scope === "intra" ? `${p.a} (intra-node)` : `${p.a} ↔ ${p.b ?? "another node (not in the log)"}`).padEnd(40)} ${ks}`);
      }
    }
  }

  for (const b of benchSections(f)) {
    head(b.title);
    for (const [k, v] of b.rows) row(k, v);
  }

  head("First error");
  if (f.firstError) {
    out.push(`  ${c.cyan(safeLine(where(f.firstError)))}`);
    out.push(`  ${c.red(clipLine(f.firstError.text))}`);
  } else out.push(`  ${c.dim("none")}`);

  head(`Findings (${report.summary.errors} error, ${report.summary.warnings} warning, ${report.summary.infos} info)`);
  if (report.findings.length === 0) out.push(`  ${c.green("no problems found")}`);
  for (const fd of report.findings) out.push(...renderFinding(fd, c, clipLine));

  // a single-GPU run uses no NCCL: hints on how to see NCCL's lines would only be noise
  const singleGpu = f.config.tensorParallelSize === 1 && (f.config.pipelineParallelSize ?? 1) === 1 && (f.config.dataParallelSize ?? 1) === 1;
  const headline = f.missing.filter((m) => HEADLINE_FACTS.has(m.fact) && !(singleGpu && m.fact.startsWith("nccl.")));
  if (headline.length) {
    head("Not in the log");
    for (const m of headline) out.push(`  ${c.dim("·")} ${safeText(m.fact)}: ${safeText(m.why)} — ${safeText(m.howToGet)}`);
    const rest = f.missing.length - headline.length;
    if (rest > 0) out.push(c.dim(`  … and ${rest} more (the report's facts.missing in --format json)`));
  }
  if (report.notices?.length) {
    head("Notices");
    for (const m of report.notices) out.push(`  ${c.yellow("!")} ${safeLine(m)}`);
  }
  return out.join("\n") + "\n";
}

function renderFinding(fd: Finding, c: ChalkInstance, clipLine: (s: string) => string): string[] {
  const sev = fd.severity === "error" ? c.red.bold("error  ") : fd.severity === "warning" ? c.yellow.bold("warning") : c.blue.bold("info   ");
  const lines = [``, `  ${sev} ${c.bold(safeText(fd.title))}  ${c.dim(fd.ruleId)}`, `          ${safeLine(fd.message)}`];
  for (const e of fd.evidence.slice(0, 3)) lines.push(`          ${c.cyan(safeLine(`${e.file}:${e.line}`))}  ${clipLine(e.text)}`);
  const more = (fd.evidenceCount ?? fd.evidence.length) - Math.min(3, fd.evidence.length);
  if (more > 0) lines.push(c.dim(`          … and ${more} more`));
  for (const r of fd.remediation) lines.push(`          ${c.green("→")} ${safeText(r)}`);
  lines.push(c.dim(`          ${fd.docs}`));
  return lines;
}

/** how the text report names the kind of statement the config facts came from */
const CONFIG_SOURCE_WORDS: Record<string, string> = {
  banner: "the engine banner",
  "non-default-args": "vLLM's `non-default args`",
  namespace: "vLLM's `args: Namespace(...)`",
  command: "the launch command",
  line: "single log lines",
};
