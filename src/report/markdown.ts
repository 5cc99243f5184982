import type { Facts, Finding, Gate, Report } from "../facts/schema.js";
import type { Evidence } from "../model.js";
import { safeLine, safeText } from "../util/terminal.js";
import { benchSections } from "./bench-rows.js";
import { communicatorLine } from "./cluster-rows.js";
import { runtimeRows } from "./runtime-rows.js";
import { helpfulMissing, noFindings, recoveredFrom } from "./hints.js";
import { findingsAcrossRuns, runReports } from "./text.js";
import { formatNumber } from "../util/number-format.js";
import { ranksOnNodes } from "../rules/verdict.js";
import { groupedLead, groupLabel, kindsText, oddLead, pairView, type PairRow } from "./node-pairs.js";

/*
 * The incident post-mortem: a person reads it at a glance. The pieces of content (rows of the config
 * table, memory parts, node pairs) are exported so that the HTML report shows exactly the same facts.
 */

export const num = (v: number | null | undefined, digits = 2): string =>
  v === null || v === undefined ? "—" : formatNumber(v, digits);

export const gib = (v: number | null | undefined) => (v === null || v === undefined ? "—" : `${num(v)} GiB`);
const yesNo = (v: boolean | null | undefined) => (v === null || v === undefined ? "—" : v ? "yes" : "no");

export type Row = [label: string, value: string];

/** whether the log showed anything of the run's identity or configuration (what configRows and the text report's Run show) */
export function hasRunFacts(f: Facts): boolean {
  if (f.vllm.version || f.vllm.engine || f.gpu.name || f.distributed.worldSize !== null) return true;
  return Object.entries(f.config).some(([k, v]) => k !== "source" && v !== null && v !== undefined);
}

/** Run identity and configuration, one row per fact the log showed (or a dash). */
export function configRows(f: Facts): Row[] {
  const c = f.config;
  const rows: Row[] = [
    ["model", c.model ?? "—"],
    ["vLLM", [f.vllm.version ? `v${f.vllm.version}` : null, f.vllm.engine ? `engine ${f.vllm.engine.toUpperCase()}` : null].filter(Boolean).join(", ") || "—"],
    ["GPU", f.gpu.name ? `${f.gpu.name}${f.gpu.count ? ` ×${f.gpu.count}` : ""}` : "—"],
    ["platform", f.gpu.platform ?? "—"],
    ["tensor parallel", num(c.tensorParallelSize)],
    ["pipeline parallel", num(c.pipelineParallelSize)],
    ["data parallel", num(c.dataParallelSize)],
    ["executor backend", c.executorBackend ?? "—"],
    ["max_model_len", num(c.maxModelLen)],
    ["gpu_memory_utilization", num(c.gpuMemoryUtilization)],
  ];
  return [...rows, ...optionalConfigRows(f)];
}

/** The settings configRows adds only when the log showed them. */
export function optionalConfigRows(f: Facts): Row[] {
  const c = f.config;
  const rows: Row[] = [];
  const optional: [string, string | number | boolean | null][] = [
    ["world size", f.distributed.worldSize],
    ["expert parallel", c.enableExpertParallel],
    ["nodes", c.nnodes],
    ["node rank", c.nodeRank],
    ["master address", c.masterAddr],
    ["headless", c.headless],
    ["data-parallel engines on this node", c.dataParallelSizeLocal],
    ["data-parallel start rank", c.dataParallelStartRank],
    ["dtype", c.dtype],
    ["quantization", c.quantization],
    ["KV cache dtype", c.kvCacheDtype],
    ["enforce eager", c.enforceEager],
    ["max_num_seqs", c.maxNumSeqs],
    ["max_num_batched_tokens", c.maxNumBatchedTokens],
    ["block size", c.blockSize],
    ["served model name", c.servedModelName],
  ];
  for (const [k, v] of optional) if (v !== null && v !== undefined) rows.push([k, typeof v === "boolean" ? yesNo(v) : typeof v === "number" ? num(v) : v]);
  return rows;
}

export function kvRows(f: Facts): Row[] {
  const k = f.kvCache;
  const rows: Row[] = [
    ["KV cache tokens", num(k.tokens, 0)],
    ["maximum concurrency", k.maxConcurrency === null ? "—" : `${num(k.maxConcurrency)}x${k.tokensPerRequest ? ` at ${num(k.tokensPerRequest, 0)} tokens per request` : ""}`],
    ["KV cache memory", gib(k.availableGiB)],
  ];
  if (k.gpuBlocks !== null || k.cpuBlocks !== null) rows.push(["blocks", `GPU ${num(k.gpuBlocks, 0)}, CPU ${num(k.cpuBlocks, 0)}`]);
  if (k.neededGiB !== null) rows.push(["KV cache memory needed", gib(k.neededGiB)]);
  if (k.maxTokensStorable !== null) rows.push(["max tokens storable", num(k.maxTokensStorable, 0)]);
  rows.push(["model weights", gib(f.memory.modelWeightsGiB)]);
  if (f.memory.peakActivationGiB !== null) rows.push(["peak activation", gib(f.memory.peakActivationGiB)]);
  if (f.memory.nonTorchGiB !== null) rows.push(["non-torch memory", gib(f.memory.nonTorchGiB)]);
  if (f.memory.cudaGraphGiB !== null) rows.push(["CUDA graphs", gib(f.memory.cudaGraphGiB)]);
  if (f.memory.totalGpuGiB !== null || f.gpu.memoryGiB !== null) rows.push(["GPU memory", gib(f.memory.totalGpuGiB ?? f.gpu.memoryGiB)]);
  return rows;
}

export interface MemoryPart {
  label: string;
  gib: number;
  kind: "weights" | "activation" | "nontorch" | "graphs" | "kv" | "free";
}

/** What one GPU's memory holds, as far as the log says; `free` is what the total leaves over. */
export function memoryParts(f: Facts): { parts: MemoryPart[]; totalGiB: number | null } {
  const parts: MemoryPart[] = [];
  const add = (label: string, v: number | null, kind: MemoryPart["kind"]) => {
    if (v !== null && v > 0) parts.push({ label, gib: v, kind });
  };
  add("model weights", f.memory.modelWeightsGiB, "weights");
  add("peak activation", f.memory.peakActivationGiB, "activation");
  add("non-torch", f.memory.nonTorchGiB, "nontorch");
  add("CUDA graphs", f.memory.cudaGraphGiB, "graphs");
  add("KV cache", f.kvCache.availableGiB, "kv");
  const totalGiB = f.memory.totalGpuGiB ?? f.gpu.memoryGiB ?? null;
  const used = parts.reduce((s, p) => s + p.gib, 0);
  if (totalGiB !== null && totalGiB - used > 0.005) parts.push({ label: "not used by vLLM", gib: Math.round((totalGiB - used) * 100) / 100, kind: "free" });
  return { parts, totalGiB };
}

/** `16 / 2`, and what the log numbers of them when that is fewer (see ranksOnNodes). */
function ranksNodesCell(n: Facts["nccl"]): string {
  const r = ranksOnNodes(n);
  return `${num(r.ranks, 0)} / ${num(r.nodes, 0)}${r.inLog ? ` (${r.inLog})` : ""}`;
}

export function ncclRows(f: Facts): Row[] {
  const n = f.nccl;
  const rows: Row[] = [
    ["NCCL version", n.versions.length > 1 ? n.versions.join(", ") : (n.version ?? "—")],
    ["network", n.net ?? "—"],
    ["InfiniBand HCAs", n.ibHcas?.length ? n.ibHcas.join(", ") : "—"],
    ["GPU Direct RDMA", yesNo(n.gdr)],
    ["ranks / nodes", ranksNodesCell(n)],
    ["hosts in the log", n.hosts.length ? n.hosts.join(", ") : "—"],
    ["Init COMPLETE lines", num(n.initComplete, 0)],
  ];
  const comms = communicatorLine(n);
  if (comms) rows.push(["communicators", comms]);
  const inter = Object.entries(n.interNode).filter(([, v]) => v > 0);
  if (inter.length) rows.push(["inter-node connections", inter.map(([k, v]) => `${k} ×${num(v, 0)}`).join(", ")]);
  else if (n.interNodeNet) rows.push(["inter-node network", `${n.interNodeNet} (no connection lines; from the network NCCL chose)`]);
  const kinds = Object.entries(n.transports).filter(([, v]) => v > 0);
  if (kinds.length) rows.push(["connections", kinds.map(([k, v]) => `${k} ×${num(v, 0)}`).join(", ")]);
  if (n.bootstrapInterfaces.length) rows.push(["bootstrap interfaces", n.bootstrapInterfaces.join(", ")]);
  return rows;
}


export const SEVERITY_LABEL = { error: "ERROR", warning: "WARNING", info: "INFO" } as const;

export function verdictLine(report: Report): string {
  const s = report.summary;
  const parts = [`${s.errors} error${s.errors === 1 ? "" : "s"}`, `${s.warnings} warning${s.warnings === 1 ? "" : "s"}`, `${s.infos} info`];
  const gate = report.gate ? ` · gate ${report.gate.passed ? "PASSED" : "FAILED"}` : "";
  return parts.join(", ") + gate;
}

export const where = (e: Evidence) => `${e.file}:${e.line}`;

// ---------------------------------------------------------------------------------------------- markdown

/** Escapes text for Markdown prose and table cells: no markup, no HTML, no table breaks, one line. */
export function mdEscape(s: string): string {
  return safeText(s)
    .replace(/\r\n|\r|\n/g, " ")
    .replace(/[\\`*[\]|~]/g, (c) => `\\${c}`)
    // an underscore inside a word (max_model_len) is no emphasis in GFM; elsewhere it may be
    .replace(/_/g, (c, i: number, all: string) => (/[A-Za-z0-9]/.test(all[i - 1] ?? "") && /[A-Za-z0-9]/.test(all[i + 1] ?? "") ? c : "\\_"))
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
}

/** A fenced block that nothing inside can close: the fence is longer than any backtick run in the text. */
export function mdFence(text: string, info = "text"): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = "`".repeat(Math.max(3, longest + 1));
  return `${fence}${info}\n${text}\n${fence}`;
}

function table(head: string[], rows: string[][]): string[] {
  return [`| ${head.map(mdEscape).join(" | ")} |`, `|${head.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.map(mdEscape).join(" | ")} |`)];
}

export interface MarkdownOptions {
  /** a heading level offset (the GitHub step summary nests under its own title) */
  compact?: boolean;
}

export function renderMarkdown(report: Report, opts: MarkdownOptions = {}): string {
  const runs = runReports(report);
  if (runs.length === 0) return finish(reportSections(report, opts, `vllm-doctor report: ${titleOf(report)}`, 0));
  // inputs read as several runs: each run its own section, as `analyze` judged it, and the findings only their
  // facts joined give after them
  const out = [`# vllm-doctor report: ${runs.length} runs`, ""];
  if (report.verdict) out.push(`> **${mdEscape(report.verdict)}**`, "");
  out.push(`**${mdEscape(verdictLine(report))}** — vllm-doctor ${mdEscape(report.tool.version)}`, "");
  out.push("## Runs", "", "The inputs look like different runs; each is judged on its own below (`--one-run` reads them as one).", "");
  report.runs!.forEach((r, i) => out.push(`${i + 1}. **${mdEscape(r.inputs.join(", "))}** — ${mdEscape(r.verdict)} _(${mdEscape(r.why)})_`));
  out.push("");
  runs.forEach((r, i) => out.push(...reportSections({ ...r, gate: undefined }, opts, `Run ${i + 1} of ${runs.length}: ${titleOf(r)}`, 1)));
  const across = findingsAcrossRuns(report);
  if (across.length) {
    out.push(`## Only with all inputs read as one (${across.length})`, "", "The runs' facts joined give these; `--one-run` shows that reading in full.", "");
    across.forEach((fd, i) => out.push(...renderFinding(fd, i + 1, opts.compact ?? false, "###")));
  }
  if (report.gate) out.push(...renderGate(report.gate));
  if (report.notices?.length) out.push(...noticesList(report.notices, "##"));
  return finish(out);
}

function titleOf(report: Report): string {
  const c = report.facts.config;
  return c.model ?? c.servedModelName ?? (report.inputs.map((i) => i.path).join(", ") || "run");
}

function finish(out: string[]): string {
  return out.join("\n").replace(/\n{3,}/g, "\n\n").trimEnd() + "\n";
}

function noticesList(notices: string[], h: string): string[] {
  return [`${h} Notices`, "", ...notices.map((m) => `- ${mdEscape(m)}`), ""];
}

/** One run's report, its headings `depth` levels down: the answer first, the facts by area, findings, what is missing. */
function reportSections(report: Report, opts: MarkdownOptions, heading: string, depth: number): string[] {
  const f = report.facts;
  const out: string[] = [];
  const h1 = "#".repeat(1 + depth);
  const h2 = "#".repeat(2 + depth);
  const h3 = "#".repeat(3 + depth);
  out.push(`${h1} ${mdEscape(heading)}`, "");
  if (report.verdict) out.push(`> **${mdEscape(report.verdict)}**`, "");
  out.push(`**${mdEscape(verdictLine(report))}** — vllm-doctor ${mdEscape(report.tool.version)}`, "");
  out.push(`${h2} Summary`, "");
  const top = report.findings.slice(0, 5);
  if (top.length === 0) out.push(`- ${noFindings(report).text}`);
  for (const fd of top) out.push(`- **${SEVERITY_LABEL[fd.severity]}** ${mdEscape(fd.title)} (${mdEscape(fd.ruleId)})${fd.evidence[0] ? ` at ${mdEscape(where(fd.evidence[0]))}` : ""}${fd.causedBy?.length ? ` — caused by ${mdEscape(fd.causedBy.join(", "))}` : ""}`);
  if (report.findings.length > top.length) out.push(`- … and ${report.findings.length - top.length} more findings below.`);
  if (f.firstError) {
    const went = recoveredFrom(f);
    out.push(`- First error at ${mdEscape(where(f.firstError))}: ${mdEscape(clipText(f.firstError.text, 200))}${went ? ` (NCCL went on after it: ${mdEscape(where(went.by))})` : ""}`);
  }
  if (f.kvCache.tokens !== null) out.push(`- KV cache ${mdEscape(num(f.kvCache.tokens, 0))} tokens${f.kvCache.maxConcurrency !== null ? `, maximum concurrency ${mdEscape(num(f.kvCache.maxConcurrency))}x` : ""}.`);
  if (report.gate) for (const r of report.gate.requirements.filter((q) => !q.passed)) out.push(`- Gate failed: ${mdEscape(r.name)} — ${mdEscape(r.reason)}`);
  out.push("");

  out.push(`${h2} Inputs`, "");
  out.push(...table(["file", "lines", "bytes", "note"], report.inputs.map((i) => [i.path, num(i.lines, 0), num(i.bytes, 0), i.error ? `failed: ${i.error}` : [i.cutLines ? `${i.cutLines} long lines cut` : "", i.unparsedLines ? `${i.unparsedLines} lines not parsed` : ""].filter(Boolean).join(", ")])), "");

  out.push(`${h2} Configuration`, "");
  out.push(...table(["setting", "value"], configRows(f)), "");

  out.push(`${h2} Memory and KV cache`, "");
  out.push(...table(["fact", "value"], kvRows(f)), "");

  const n = f.nccl;
  // (a log of NCCL WARN records alone, no network or rank named, still has NCCL lines: its hosts and first WARN)
  if (n.version || n.net || n.ranks || n.nodePairs.length || n.hosts.length || n.firstWarn || Object.values(n.transports).some((v) => v > 0)) {
    out.push(`${h2} NCCL`, "");
    out.push(...table(["fact", "value"], ncclRows(f)), "");
    if (n.nodePairs.length) {
      out.push(`${h3} Transport by node pair`, "");
      const v = pairView(f);
      const pairTable = (rows: PairRow[]) => table(["node A", "node B", "scope", "transports"], rows.map((p) => [p.a, p.b, p.scope, kindsText(p.kinds)]));
      if (!v.grouped) out.push(...pairTable(v.rows), "");
      else {
        out.push(`${groupedLead(v)}:`, "", ...table(["pairs", "scope", "transports"], v.groups.map((g) => [groupLabel(g), g.scope, kindsText(g.kinds)])), "");
        if (v.odd.length) out.push(`${oddLead(v)}:`, "", ...pairTable(v.odd), "");
      }
    }
  }

  const benches = benchSections(f);
  if (benches.length) {
    out.push(`${h2} Benchmarks`, "");
    for (const b of benches) out.push(`${h3} ${mdEscape(b.title)}`, "", ...table(["metric", "value"], b.rows), "");
  }

  const runtime = runtimeRows(f);
  if (runtime.length) out.push(`${h2} Runtime`, "", ...table(["topic", "value"], runtime), "");

  out.push(`${h2} Findings (${report.findings.length})`, "");
  if (report.findings.length === 0) out.push(noFindings(report).text, "");
  report.findings.forEach((fd, i) => out.push(...renderFinding(fd, i + 1, opts.compact ?? false, h3)));

  const missing = helpfulMissing(f);
  if (missing.length) {
    out.push(`${h2} Missing evidence`, "");
    out.push(...table(["fact", "why it is missing", "how to get it"], missing.map((m) => [m.fact, m.why, m.howToGet])), "");
  }
  if (report.gate) out.push(...renderGate(report.gate));
  if (report.notices?.length) out.push(...noticesList(report.notices, h2));
  return out;
}

function clipText(s: string, max: number): string {
  const t = s.trim();
  return t.length > max ? t.slice(0, max - 1) + "…" : t;
}

function renderFinding(fd: Finding, index: number, compact: boolean, h: string): string[] {
  const cause = fd.causedBy?.length ? ` Caused by ${mdEscape(fd.causedBy.join(", "))} (above).` : "";
  const out = [`${h} ${index}. ${SEVERITY_LABEL[fd.severity]}: ${mdEscape(fd.title)}`, "", `Rule ${mdEscape(fd.ruleId)}.${cause} ${mdEscape(fd.message)}`, ""];
  const shown = fd.evidence.slice(0, compact ? 3 : 10);
  if (shown.length) {
    out.push("Evidence:", "");
    out.push(mdFence(shown.map((e) => `${safeLine(where(e))}: ${safeText(e.text)}`).join("\n")));
    const more = (fd.evidenceCount ?? fd.evidence.length) - shown.length;
    if (more > 0) out.push("", `… and ${more} more evidence lines.`);
    out.push("");
  }
  if (fd.remediation.length) {
    out.push("What to do:", "");
    for (const r of fd.remediation) out.push(`- ${mdEscape(r)}`);
    out.push("");
  }
  if (fd.docsUrl && /^https?:\/\//.test(fd.docsUrl)) out.push(`Docs: [${mdEscape(fd.docs)}](${fd.docsUrl.replace(/[()\s<>]/g, encodeURIComponent)})`, "");
  else if (fd.docs) out.push(`Docs: ${mdEscape(fd.docs)}`, "");
  return out;
}

export function renderGate(gate: Gate): string[] {
  return [
    `## Gate: ${gate.passed ? "PASSED" : "FAILED"}`,
    "",
    ...table(["requirement", "result", "reason"], gate.requirements.map((r) => [r.name, r.passed ? "pass" : "FAIL", r.reason])),
    "",
  ];
}
