import { Chalk, type ChalkInstance } from "chalk";
import { isAbsolute, relative } from "node:path";
import type { Evidence } from "../model.js";
import type { Facts, Finding, Report } from "../facts/schema.js";
import { keyFacts, ranksOnNodes } from "../rules/verdict.js";
import { safeLine, safeText } from "../util/terminal.js";
import { benchSections } from "./bench-rows.js";
import { communicatorLine } from "./cluster-rows.js";
import { groupLabel, kindsText, oddLead, pairView, UNKNOWN_HOST, type PairRow } from "./node-pairs.js";
import { helpfulMissing, noFindings, recoveredFrom } from "./hints.js";
import { HEADLINE_FACTS } from "../facts/catalog.js";
import { runtimeRows } from "./runtime-rows.js";
import { formatNumber } from "../util/number-format.js";
// (GiB as the Markdown and HTML reports show them: two decimals at most, a log's `25.4125` GiB reads 25.41)
import { gib, hasRunFacts, optionalConfigRows } from "./markdown.js";


export interface TextOptions {
  color: boolean;
  /** terminal width to wrap at (80 when not a terminal) */
  width?: number;
  /** evidence paths below this folder are shown relative to it */
  cwd?: string;
}

const num = (v: number | null | undefined, digits = 0): string =>
  v === null || v === undefined ? "—" : formatNumber(v, digits);

/** Evidence lines shown in full up to this many wrapped lines; longer ones end with "…" at a word break. */
const MAX_EVIDENCE_ROWS = 4;

/**
 * Words of `text` in lines of at most `width` characters (a word longer than a line is split), the first line
 * after `first` and the rest after `rest` (both counted in the width); at most `maxRows` lines, the last ending
 * in "…" when text was left out.
 */
export function wrap(text: string, width: number, first: string, rest: string, maxRows = Infinity): string[] {
  const words = text.split(/\s+/).filter(Boolean);
  const rows: string[] = [];
  let cur = "";
  let room = Math.max(10, width - first.length);
  const push = () => {
    rows.push((rows.length ? rest : first) + cur);
    cur = "";
    room = Math.max(10, width - rest.length);
  };
  for (let w of words) {
    while (w.length > room && !cur) {
      cur = w.slice(0, room);
      w = w.slice(room);
      push();
    }
    if (!w) continue;
    if (cur && cur.length + 1 + w.length > room) push();
    cur = cur ? `${cur} ${w}` : w;
  }
  if (cur || !rows.length) push();
  if (rows.length > maxRows) {
    const kept = rows.slice(0, maxRows);
    const last = kept[maxRows - 1];
    const limit = Math.max(10, width - 1);
    kept[maxRows - 1] = (last.length >= limit ? last.slice(0, last.lastIndexOf(" ") > rest.length ? last.lastIndexOf(" ") : limit) : last) + "…";
    return kept;
  }
  return rows;
}

/** A path below `cwd` relative to it; others as they are. */
export function shownPath(file: string, cwd?: string): string {
  if (!cwd || !isAbsolute(file)) return file;
  const r = relative(cwd, file);
  return r && !r.startsWith("..") && !isAbsolute(r) ? r : file;
}

/** Each run of a report as a report of its own (inputs read as several runs; see src/runs.ts). */
export function runReports(report: Report): Report[] {
  return (report.runs ?? []).map((r) => ({
    ...report,
    inputs: report.inputs.filter((i) => r.inputs.includes(i.path)),
    facts: r.facts,
    findings: r.findings,
    summary: r.summary,
    verdict: r.verdict,
    runs: undefined,
    notices: undefined,
  }));
}

/**
 * Findings of all inputs read as one that no run has (facts joined across runs). They count in the exit status and
 * the machine formats list them with the top level's findings, so the reports a person reads name them too.
 */
export function findingsAcrossRuns(report: Report): Report["findings"] {
  const inRuns = new Set((report.runs ?? []).flatMap((r) => r.findings.map((f) => f.ruleId)));
  return report.findings.filter((f) => !inRuns.has(f.ruleId));
}

/** The answer first (verdict, key facts, findings in cause order), then the facts by area; several runs one by one. */
export function renderText(report: Report, opts: TextOptions): string {
  if (!report.runs?.length) return renderOne(report, opts);
  const c: ChalkInstance = new Chalk({ level: opts.color ? 1 : 0 });
  const width = Math.max(40, opts.width ?? 80);
  const out = [...wrap(safeText(report.verdict ?? ""), width, "", "  ").map((l) => c.bold(l))];
  runReports(report).forEach((r, i) => {
    out.push("", c.inverse(` Run ${i + 1} of ${report.runs!.length} `) + (i > 0 ? " " + c.dim(safeText(`apart because ${report.runs![i].why}`)) : ""));
    out.push(renderOne(r, opts).trimEnd());
  });
  const across = findingsAcrossRuns(report);
  if (across.length) {
    out.push("", c.bold("Only with all inputs read as one (--one-run shows them in full)"));
    for (const f of across) {
      const at = f.evidence[0] ? ` (${safeLine(shownPath(f.evidence[0].file, opts.cwd))}:${f.evidence[0].line})` : "";
      out.push(...wrap(safeText(`${f.severity} ${f.title} [${f.ruleId}]${at}: ${f.message}`), width, "  ", "    "));
    }
  }
  if (report.notices?.length) {
    out.push("", c.bold("Notices"));
    for (const m of report.notices) out.push(...wrap(safeText(m), width, "  ! ", "    "));
  }
  return out.join("\n") + "\n";
}

function renderOne(report: Report, opts: TextOptions): string {
  const c: ChalkInstance = new Chalk({ level: opts.color ? 1 : 0 });
  const width = Math.max(40, opts.width ?? 80);
  const path = (f: string) => safeLine(shownPath(f, opts.cwd));
  const where = (e: Evidence) => `${path(e.file)}:${e.line}`;
  const f = report.facts;
  const out: string[] = [];
  const head = (s: string) => out.push("", c.bold(s));
  const row = (k: string, v: string) => {
    const label = `  ${k.padEnd(22)} `;
    out.push(...wrap(safeText(v), width, label, " ".repeat(label.length)).map((l, i) => (i === 0 ? `  ${c.dim(k.padEnd(22))} ${l.slice(label.length)}` : l)));
  };
  const none = (title: string, why: string) => out.push("", `${c.bold(title)}: ${c.dim(why)}`);

  const inputs = report.inputs.map((i) => `${path(i.path)} (${num(i.lines)} line${i.lines === 1 ? "" : "s"}${i.error ? `, failed: ${i.error}` : ""})`).join(", ");
  const title = safeText(`vllm-doctor ${report.tool.version}  ${inputs}`);
  out.push(...(title.length <= width ? [title] : wrap(title, width, "", "  ")));
  const noFinding = noFindings(report);
  // (an error no rule explains is amber; no failure but no sign of health either is not green, as in HTML)
  const paint = report.summary.errors > 0 ? c.red.bold : report.summary.warnings > 0 || noFinding.tone === "warning" ? c.yellow.bold : noFinding.tone === "neutral" ? c.bold : c.green.bold;
  if (report.verdict) for (const l of wrap(safeText(report.verdict), width, "", "  ")) out.push(paint(l));
  const programs = (f.dialects ?? []).map((d) => d.label);
  if (programs.length) out.push(...wrap(safeText(programs.join(" · ")), width, "written by ", "           "));
  const key = keyFacts(f).filter((k) => !programs.includes(k));
  if (key.length) out.push(...wrap(safeText(key.join(" · ")), width, "key facts  ", "           "));

  head(`Findings (${report.summary.errors} error, ${report.summary.warnings} warning, ${report.summary.infos} info)${report.findings.some((x) => x.causedBy?.length) ? ", causes first" : ""}`);
  if (report.findings.length === 0) out.push(`  ${noFinding.tone === "warning" ? c.yellow(noFinding.text.replace(/^N/, "n").replace(/\.$/, "")) : noFinding.tone === "ok" ? c.green("no problems found") : "no problems found"}`);
  // the first finding follows its heading directly: the root cause and its first remedy fit the first screen
  report.findings.forEach((fd, i) => out.push(...renderFinding(fd, c, width, where).slice(i === 0 ? 1 : 0)));

  section(out, f, c, head, row, none);

  head("First error");
  if (f.firstError) {
    out.push(`  ${c.cyan(safeText(where(f.firstError)))}`);
    out.push(...wrap(safeText(f.firstError.text.trim()), width, "  ", "  ", MAX_EVIDENCE_ROWS).map((l) => c.red(l)));
    const went = recoveredFrom(f);
    if (went) out.push(...wrap(safeText(`NCCL went on after it (${where(went.by)}: ${went.by.text.trim()})`), width, "  ", "  ", 2).map((l) => c.dim(l)));
  } else out.push(`  ${c.dim(noFinding.tone === "warning" ? "none stated: the traceback the verdict names is cut before its exception line" : "none")}`);

  const helpful = helpfulMissing(f);
  const headline = helpful.filter((m) => HEADLINE_FACTS.has(m.fact));
  if (headline.length) {
    head("Not in the log");
    for (const m of headline) out.push(...wrap(safeText(`${m.fact}: ${m.why} — ${m.howToGet}`), width, "  · ", "    ").map((l, i) => (i === 0 ? `  ${c.dim("·")} ${l.slice(4)}` : l)));
    const rest = helpful.length - headline.length;
    if (rest > 0) out.push(c.dim(`  … and ${rest} more (the report's facts.missing in --format json)`));
  }
  if (report.notices?.length) {
    head("Notices");
    for (const m of report.notices) out.push(...wrap(safeText(m), width, "  ! ", "    "));
  }
  return out.join("\n") + "\n";
}

/** Run, KV cache, memory, NCCL and benchmark facts; a section the log has nothing of is one line. */
function section(out: string[], f: Facts, c: ChalkInstance, head: (s: string) => void, row: (k: string, v: string) => void, none: (t: string, why: string) => void): void {
  const cfg = f.config;
  if (hasRunFacts(f)) {
    head("Run");
    row("model", cfg.model ?? "—");
    row("vLLM", [f.vllm.version ? `v${f.vllm.version}` : null, f.vllm.engine ? `engine ${f.vllm.engine.toUpperCase()}` : null].filter(Boolean).join(", ") || "—");
    if (f.gpu.name) row("GPU", f.gpu.name);
    if (f.gpu.platform) row("platform", f.gpu.platform);
    const par = [`TP ${num(cfg.tensorParallelSize)}`, `PP ${num(cfg.pipelineParallelSize)}`, `DP ${num(cfg.dataParallelSize)}`].join(" · ");
    row("parallelism", `${par}${cfg.executorBackend ? `  (${cfg.executorBackend} backend)` : ""}${f.distributed.worldSize ? `, world size ${f.distributed.worldSize}` : ""}`);
    if (cfg.nnodes) row("nodes", `${cfg.nnodes}${cfg.nodeRank !== null ? ` (this is node rank ${cfg.nodeRank})` : ""}${cfg.masterAddr ? `, master ${cfg.masterAddr}` : ""}`);
    row("max_model_len", num(cfg.maxModelLen));
    row("gpu_memory_util", cfg.gpuMemoryUtilization === null ? "—" : String(cfg.gpuMemoryUtilization));
    // (world size and the nodes are in the rows above)
    const shown = new Set(["world size", "nodes", "node rank", "master address"]);
    const settings = optionalConfigRows(f).filter(([k]) => !shown.has(k));
    if (settings.length) row("settings", settings.map(([k, v]) => `${k} ${v}`).join(" · "));
    if (cfg.source) row("config read from", CONFIG_SOURCE_WORDS[cfg.source] ?? cfg.source);
  } else none("Run", "no vLLM configuration in the log");
  const env = Object.entries(f.env ?? {});
  if (env.length) row("environment", env.slice(0, 8).map(([kk, v]) => `${kk}=${v}`).join(" ") + (env.length > 8 ? ` (+${env.length - 8} more)` : ""));

  const k = f.kvCache;
  if (k.tokens !== null || k.maxConcurrency !== null || k.gpuBlocks !== null || k.cpuBlocks !== null || k.availableGiB !== null) {
    head("KV cache");
    row("tokens", `${num(k.tokens)}${f.sources["kvCache.tokens"]?.derived ? ` (${f.sources["kvCache.tokens"].derived})` : ""}`);
    row("max concurrency", k.maxConcurrency === null ? "—" : `${k.maxConcurrency}x${k.tokensPerRequest ? ` at ${num(k.tokensPerRequest)} tokens per request` : ""}`);
    if (k.gpuBlocks !== null || k.cpuBlocks !== null) row("blocks", `GPU ${num(k.gpuBlocks)}, CPU ${num(k.cpuBlocks)}`);
    row("available memory", gib(k.availableGiB));
  } else none("KV cache", "no KV cache lines");

  const m = f.memory;
  if (m.modelWeightsGiB !== null || m.peakActivationGiB !== null || m.nonTorchGiB !== null || m.cudaGraphGiB !== null) {
    head("Memory");
    row("model weights", gib(m.modelWeightsGiB));
    if (m.peakActivationGiB !== null) row("peak activation", gib(m.peakActivationGiB));
    if (m.nonTorchGiB !== null) row("non-torch", gib(m.nonTorchGiB));
    if (m.cudaGraphGiB !== null) row("CUDA graphs", gib(m.cudaGraphGiB));
  } else none("Memory", "no memory lines");

  const n = f.nccl;
  // (a log of NCCL WARN records alone, no network or rank named, still has NCCL lines: its hosts and first WARN)
  if (n.version || n.net || n.ranks || n.hosts.length || n.firstWarn || Object.values(n.transports).some((v) => v > 0)) {
    head("NCCL");
    row("version", n.versions.length > 1 ? n.versions.join(", ") : (n.version ?? "—"));
    row("network", `${n.net ?? "—"}${n.ibHcas?.length ? ` via ${n.ibHcas.join(", ")}` : ""}${n.gdr === null ? "" : n.gdr ? ", GPU Direct RDMA on" : ", GPU Direct RDMA off"}`);
    row("ranks / nodes", `${ranksOnNodes(n).phrase}${n.hosts.length ? ` (${n.hosts.length === (n.nodes ?? 0) ? "" : `lines from `}${n.hosts.slice(0, 4).join(", ")}${n.hosts.length > 4 ? ", …" : ""})` : ""}, ${formatNumber(n.initComplete, 0)} Init COMPLETE`);
    for (const x of n.namesakes) row("one name, machines", `${x.host}: ${x.machines.length} machines by bootstrap address (${x.machines.map((m) => m.slice(m.lastIndexOf("@") + 1)).join(", ")})`);
    if (n.netChoices.length > 1) row("networks chosen", n.netChoices.map((x) => `${x.net}${x.hosts.length ? ` (${x.hosts.slice(0, 3).join(", ")}${x.hosts.length > 3 ? ", …" : ""})` : ""}`).join("; "));
    const comms = communicatorLine(n);
    if (comms) row("communicators", comms);
    const kinds = Object.entries(n.transports).filter(([, v]) => v > 0);
    if (kinds.length) row("connections", kinds.map(([kk, v]) => `${kk} ×${formatNumber(v, 0)}`).join(", "));
    if (n.nodePairs.length) {
      const v = pairView(f);
      const pairLine = (p: PairRow) =>
        `    ${safeText(p.scope === "intra-node" ? `${p.a} (intra-node)` : `${p.a} ↔ ${p.b === UNKNOWN_HOST ? "another node (not in the log)" : p.b}`).padEnd(40)} ${kindsText(p.kinds)}`;
      if (!v.grouped) {
        out.push(`  ${c.dim("node pairs")}`);
        for (const p of v.rows) out.push(pairLine(p));
      } else {
        row("node pairs", `${v.total}, grouped by the transports they use (--format json lists each)`);
        for (const g of v.groups) out.push(`    ${groupLabel(g).padEnd(40)} ${kindsText(g.kinds)}`);
        if (v.odd.length) {
          out.push(`  ${c.dim(`${oddLead(v)}:`)}`);
          for (const p of v.odd) out.push(pairLine(p));
        }
      }
    }
  } else none("NCCL", "no NCCL lines");

  for (const b of benchSections(f)) {
    head(b.title);
    for (const [kk, v] of b.rows) row(kk, v);
  }

  const runtime = runtimeRows(f);
  if (runtime.length) {
    head("Runtime");
    for (const [kk, v] of runtime) row(kk, v);
  }
}

const IND = "          ";

function renderFinding(fd: Finding, c: ChalkInstance, width: number, where: (e: Evidence) => string): string[] {
  const sev = fd.severity === "error" ? c.red.bold("error  ") : fd.severity === "warning" ? c.yellow.bold("warning") : c.blue.bold("info   ");
  // the title and rule id, wrapped under the title's start
  const head = wrap(`${safeText(fd.title)} [${fd.ruleId}]`, width, IND, IND);
  const lines = ["", ...head.map((l, i) => {
    const t = l.slice(IND.length);
    const tag = `[${fd.ruleId}]`;
    const styled = t.endsWith(tag) ? `${c.bold(t.slice(0, t.length - tag.length))}${c.dim(tag)}` : c.bold(t);
    return i === 0 ? `  ${sev} ${styled}` : `${IND}${styled}`;
  })];
  const consequence = Boolean(fd.causedBy?.length);
  if (consequence) lines.push(c.dim(`${IND}caused by ${fd.causedBy!.join(", ")} (above)`));
  lines.push(...wrap(safeText(fd.message), width, IND, IND));
  const shown = fd.evidence.slice(0, consequence ? 1 : 3);
  for (const e of shown) {
    const at = safeText(where(e));
    // a long path leaves the line's first row too little room: wrap would cut its first word into pieces of 10
    // (`(VllmWorke` / `r rank=3`), so the place has a row of its own and the text follows under it
    if (width - IND.length - at.length - 2 < 24) {
      lines.push(`${IND}${c.cyan(at)}`, ...wrap(safeText(e.text.trim()), width, `${IND}  `, `${IND}  `, MAX_EVIDENCE_ROWS));
      continue;
    }
    const rows = wrap(safeText(e.text.trim()), width, `${IND}${at}  `, `${IND}  `, MAX_EVIDENCE_ROWS);
    lines.push(...rows.map((r, i) => (i === 0 ? `${IND}${c.cyan(at)}  ${r.slice(IND.length + at.length + 2)}` : r)));
  }
  const more = (fd.evidenceCount ?? fd.evidence.length) - shown.length;
  if (more > 0) lines.push(c.dim(`${IND}… and ${more} more`));
  // a consequence is fixed by fixing its cause: its own steps are in the JSON and the docs page
  for (const r of consequence ? [] : fd.remediation) lines.push(...wrap(safeText(r), width, `${IND}→ `, `${IND}  `).map((l, i) => (i === 0 ? `${IND}${c.green("→")} ${l.slice(IND.length + 2)}` : l)));
  lines.push(c.dim(`${IND}${fd.docs}`));
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
