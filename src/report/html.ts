import { createHash } from "node:crypto";
import type { Facts, Finding, Gate, Report } from "../facts/schema.js";
import { esc, escProse, fx, GRADE_COLOR, gradeOf, middleCut, textWidth, worstGrade, type Grade } from "./html-util.js";
import { benchSections, busbwCurve, formatBytes, ncclTestsRuns, servePercentiles, type LatencySeries } from "./bench-rows.js";
import { runtimeRows } from "./runtime-rows.js";
import { runtimeChart } from "./runtime-chart.js";
import { configRows, hasRunFacts, kvRows, ncclRows, num, SEVERITY_LABEL, verdictLine, where, type Row } from "./markdown.js";
import { groupedLead, groupLabel, kindsText, oddLead, pairRows, pairView, UNKNOWN_HOST, type PairRow } from "./node-pairs.js";
import { gateVerdict, helpfulMissing, noFindings, recoveredFrom } from "./hints.js";
import { memorySection } from "./html-memory.js";
import { clusterMap } from "./html-cluster.js";
import { MIXED_RUNS_LEAD } from "../facts/vllm.js";
import { HEADLINE_FACTS } from "../facts/catalog.js";
import { timelineChart } from "./html-timeline.js";
import { findingsAcrossRuns, runReports } from "./text.js";
import { formatNumber } from "../util/number-format.js";
import { cutTracebackNamed } from "../rules/verdict.js";

/*
 * One self-contained HTML file: no script, no network, no inline style attributes. Pictures are inline SVG
 * drawn with presentation attributes; the one <style> block is allowed by its hash in a strict CSP.
 */

export { esc, gradeOf };

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;padding:24px 32px;color:#1d1d1f;background:#fff;max-width:1200px;overflow-wrap:break-word}
@media (max-width:600px){body{padding:12px}}
svg{max-width:100%;height:auto}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}h3{font-size:15px;margin:18px 0 6px}
table{border-collapse:collapse;margin:6px 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}td{overflow-wrap:anywhere}td.fact{overflow-wrap:normal}th{background:#f4f4f6}
.ok{color:#1a7f37}.bad{color:#c62828}
.banner{border-left:8px solid;border-radius:6px;padding:10px 16px;margin:10px 0 16px}.banner p{margin:2px 0}.banner .headline{font-size:16px;font-weight:600}
.banner.error{background:#fdecea;border-color:#c62828}.banner.warning{background:#fff5e0;border-color:#e0a100}.banner.ok{background:#e8f5ec;border-color:#1a7f37}.banner.neutral{background:#eef1f5;border-color:#6b7a90}
.collapsed{font-size:14px;border:0;margin:12px 0 4px;padding:0}
.sev-error{color:#c62828;font-weight:700}.sev-warning{color:#a15c00;font-weight:700}.sev-info{color:#1f5fa8;font-weight:700}
pre{background:#f6f8fa;border:1px solid #e1e4e8;padding:8px;overflow-x:auto;white-space:pre-wrap;word-break:break-all;font:12px/1.4 ui-monospace,Menlo,Consolas,monospace}
code{background:#f6f8fa;border-radius:3px;padding:0 3px;font:12.5px ui-monospace,Menlo,Consolas,monospace;overflow-wrap:anywhere}
.finding{border-left:4px solid #ccc;padding:2px 12px;margin:12px 0}.finding.error{border-color:#c62828}.finding.warning{border-color:#e0a100}.finding.info{border-color:#1f5fa8}
.muted{color:#666}svg text{font-family:system-ui,sans-serif}
summary{color:#1f5fa8;cursor:pointer}
@media print{details::details-content{content-visibility:visible;display:block}}
`.trim();

const CSS_HASH = createHash("sha256").update(CSS).digest("base64");
export const CONTENT_SECURITY_POLICY = `default-src 'none'; style-src 'sha256-${CSS_HASH}'; img-src 'none'; script-src 'none'; base-uri 'none'; form-action 'none'`;

export function renderHtml(report: Report): string {
  const runs = runReports(report);
  if (runs.length === 0) return page(titleOf(report), reportSections(report, `vllm-doctor report: ${titleOf(report)}`));
  // inputs read as several runs: each run its own section, as `analyze` judged it, and the findings only their
  // facts joined give after them
  const body = [`<h1>vllm-doctor report: ${runs.length} runs</h1>`, verdictBanner(report), inputsLine(report)];
  body.push(`<h2>Runs</h2><p class="muted">The inputs look like different runs; each is judged on its own below (--one-run reads them as one).</p><ol>`);
  report.runs!.forEach((r, i) =>
    body.push(`<li><a href="#run-${i + 1}"><strong>${esc(r.inputs.join(", "))}</strong></a>: ${runGate(report, i)?.passed === false ? `<span class="bad">gate FAILED</span> · ` : ""}${esc(r.verdict)} <span class="muted">(${esc(r.why)})</span></li>`),
  );
  body.push(`</ol>`);
  runs.forEach((r, i) => {
    // the gate judged each run on its own: the run's requirements (named `run N (inputs): …`) colour its banner and
    // lead its verdict; the table of them all is at the end
    const gate = runGate(report, i);
    const sections = reportSections({ ...r, gate, verdict: gate ? gateVerdict(gate, r.verdict) : r.verdict }, `Run ${i + 1} of ${runs.length}: ${titleOf(r)}`, false);
    body.push(`<section id="run-${i + 1}">`, nestedIn(sections.join("\n"), `run-${i + 1}`), `</section>`);
  });
  const across = findingsAcrossRuns(report);
  if (across.length) {
    body.push(`<h2>Only with all inputs read as one (${across.length})</h2><p class="muted">The runs' facts joined give these; --one-run shows that reading in full.</p>`);
    for (const fd of across) body.push(renderFinding(fd));
  }
  if (report.gate) body.push(renderGate(report.gate));
  if (report.notices?.length) body.push(noticesList(report.notices));
  return page(`${runs.length} runs`, body);
}

/** The requirements of a gate over several runs that judged run `i`, their names without the run's. */
function runGate(report: Report, i: number): Gate | undefined {
  if (!report.gate) return undefined;
  const prefix = `run ${i + 1} (${report.runs![i].inputs.join(", ")}): `;
  const requirements = report.gate.requirements.filter((q) => q.name.startsWith(prefix)).map((q) => ({ ...q, name: q.name.slice(prefix.length) }));
  return requirements.length ? { ...report.gate, passed: requirements.every((q) => q.passed), requirements } : undefined;
}

function titleOf(report: Report): string {
  const c = report.facts.config;
  return c.model ?? c.servedModelName ?? (report.inputs.map((i) => i.path).join(", ") || "run");
}

function inputsLine(report: Report): string {
  return `<p class="muted">vllm-doctor ${esc(report.tool.version)} · ${report.inputs.map((i) => `${esc(i.path)} (${esc(num(i.lines, 0))} lines${i.error ? `, failed: ${esc(i.error)}` : ""})`).join(", ")}</p>`;
}

function noticesList(notices: string[]): string {
  return `<h2>Notices</h2><ul>${notices.map((m) => `<li>${esc(m)}</li>`).join("")}</ul>`;
}

/**
 * A run's sections one heading level down and with ids of their own (`verdict` becomes `run-1-verdict`). Every text
 * in them went through `esc`, so `<h` and ` id="` stand only in tags written here.
 */
function nestedIn(html: string, scope: string): string {
  return html.replace(/<(\/?)h([1-5])\b/g, (_, slash: string, level: string) => `<${slash}h${Number(level) + 1}`).replace(/ id="/g, ` id="${scope}-`);
}

function page(title: string, body: string[]): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>vllm-doctor: ${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
${body.join("\n")}
</body>
</html>
`;
}

/** One run's report: the answer first, then the facts by area, the findings, what is missing, gate and notices. */
function reportSections(report: Report, heading: string, gateTable = true): string[] {
  const f = report.facts;
  const body: string[] = [];
  body.push(`<h1>${esc(heading)}</h1>`);
  body.push(verdictBanner(report));
  body.push(inputsLine(report));
  body.push(`<h2>Summary</h2><ul>`);
  if (report.findings.length === 0) body.push(noFindingsLine(report, "li"));
  for (const fd of report.findings.slice(0, 5))
    body.push(`<li><span class="sev-${fd.severity}">${SEVERITY_LABEL[fd.severity]}</span> ${esc(fd.title)} <span class="muted">(${esc(fd.ruleId)})</span>${fd.evidence[0] ? ` at ${esc(where(fd.evidence[0]))}` : ""}${fd.causedBy?.length ? ` <span class="muted">— caused by ${esc(fd.causedBy.join(", "))}</span>` : ""}</li>`);
  if (f.firstError) {
    const went = recoveredFrom(f);
    body.push(`<li>First error at ${esc(where(f.firstError))}: <code>${clipLine(f.firstError.text.trim(), 200)}</code>${went ? ` (NCCL went on after it: ${esc(where(went.by))})` : ""}</li>`);
  }
  for (const r of report.gate?.requirements.filter((q) => !q.passed) ?? []) body.push(`<li class="bad">Gate failed: ${esc(r.name)} — ${esc(r.reason)}</li>`);
  body.push(`</ul>`);

  const timeline = timelineChart(report);
  if (timeline) body.push(`<h2>Timeline</h2>`, timeline);
  else {
    // (a traceback cut before its exception line is the ERROR records of a failure, with no error line to place)
    const cut = cutTracebackNamed(f);
    body.push(collapsed("Timeline", cut ? `no engine start, NCCL init or warning line; the traceback at ${where(cut.evidence)} is cut before its exception line, so no error line` : "no engine start, NCCL init, warning or error lines"));
  }

  if (hasRunFacts(f)) body.push(`<h2>Configuration</h2>`, rowsTable(configRows(f)));
  else body.push(collapsed("Configuration", "no vLLM configuration in the log"));
  // at an OOM before the KV cache was sized, the table would be dashes: the bar has the numbers
  if (hasMemory(f)) body.push(`<h2>Memory and KV cache</h2>`, memorySection(f), f.memory.oom && !hasStartupMemory(f) ? "" : rowsTable(kvRows(f)));
  else body.push(collapsed("Memory and KV cache", "no memory or KV cache lines"));

  const n = f.nccl;
  if (n.version || n.net || n.nodePairs.length || n.hosts.length || Object.values(n.transports).some((v) => v > 0)) {
    body.push(`<h2>NCCL</h2>`);
    const matrix = n.nodePairs.length ? hostMatrix(f) : null;
    // (the hosts the picture leaves out are in the matrix when it is drawn, else grouped in the node-pair table)
    const rest = typeof matrix === "string" ? "the transport matrix below has them all" : matrix ? "the table of node pairs below groups them all by transport" : "the list of hosts below names them all";
    const cluster = clusterMap(f, rest);
    if (cluster) body.push(`<h3>Hosts, GPUs and ranks</h3>`, cluster);
    // (a big job's hosts and their interfaces, 256 of each, would be a page of names: the ends and a count, then all)
    const long = new Map<string, string>();
    if (n.hosts.length > LIST_SHOWN) long.set("hosts in the log", listCell(n.hosts, "hosts"));
    if (n.bootstrapInterfaces.length > LIST_SHOWN) long.set("bootstrap interfaces", listCell(n.bootstrapInterfaces, "interfaces"));
    body.push(rowsTable(ncclRows(f), long));
    if (matrix) {
      body.push(`<h3>Transport matrix</h3>`, ...(typeof matrix === "string" ? [matrix, legend()] : [`<p>${matrix.hosts} hosts: a matrix is drawn for up to ${MATRIX_MAX_HOSTS}; the table below groups the pairs by transport.</p>`]));
      const pairTable = (id: string, rows: PairRow[]) =>
        `<table id="${id}"><tr><th>node A</th><th>node B</th><th>scope</th><th>transports</th></tr>${rows
          .map((p) => `<tr><td>${esc(p.a)}</td><td>${esc(p.b)}</td><td>${p.scope}</td><td>${esc(kindsText(p.kinds))}</td></tr>`)
          .join("")}</table>`;
      const v = pairView(f);
      if (!v.grouped) body.push(pairTable("node-pairs", v.rows));
      else {
        body.push(
          `<p>${esc(groupedLead(v))}:</p><table id="node-pair-groups"><tr><th>pairs</th><th>scope</th><th>transports</th></tr>${v.groups
            .map((g) => `<tr><td>${esc(groupLabel(g))}</td><td>${esc(g.scope)}</td><td>${esc(kindsText(g.kinds))}</td></tr>`)
            .join("")}</table>`,
        );
        if (v.odd.length) body.push(`<p>${esc(oddLead(v))}:</p>`, pairTable("node-pairs-odd", v.odd));
      }
    }
  } else body.push(collapsed("NCCL", "no NCCL lines"));

  const benches = benchSections(f);
  if (benches.length) {
    body.push(`<h2>Benchmarks</h2>`);
    for (const b of benches) {
      body.push(`<h3>${esc(b.title)}</h3>`, rowsTable(b.rows));
      if (b.kind === "serve" && f.bench.serve) body.push(latencyChart(servePercentiles(f.bench.serve)));
      if (b.kind === "ncclTests") ncclTestsRuns(f).slice(0, MAX_BUSBW_CHARTS).forEach((v, i) => body.push(busbwChart(v, i)));
    }
  }

  const runtime = runtimeRows(f);
  if (runtime.length) body.push(`<h2>Runtime</h2>`, runtimeChart(f), rowsTable(runtime));

  body.push(`<h2>Findings (${report.findings.length})</h2>`);
  if (report.findings.length === 0) body.push(noFindingsLine(report, "p"));
  for (const fd of report.findings) body.push(renderFinding(fd));

  const missing = helpfulMissing(f);
  if (missing.length) {
    // the facts a reader looks for first in a table; the rest (often 30 rows of settings) folded under it
    const headline = missing.filter((m) => HEADLINE_FACTS.has(m.fact));
    const rest = missing.filter((m) => !HEADLINE_FACTS.has(m.fact));
    const table = (ms: typeof missing) =>
      `<table><tr><th>fact</th><th>why it is missing</th><th>how to get it</th></tr>${ms.map((m) => `<tr><td class="fact">${esc(m.fact)}</td><td>${escProse(m.why)}</td><td>${escProse(m.howToGet)}</td></tr>`).join("")}</table>`;
    body.push(`<h2>Missing evidence</h2>`);
    if (headline.length) body.push(table(headline));
    if (rest.length) body.push(headline.length ? `<details><summary>${rest.length} more facts the log does not show</summary>${table(rest)}</details>` : table(rest));
  }
  if (report.gate && gateTable) body.push(renderGate(report.gate));
  if (report.notices?.length) body.push(noticesList(report.notices));
  return body;
}

/** What a report with no finding says of it, green only in health (see noFindings). */
function noFindingsLine(report: Report, tag: "li" | "p"): string {
  const none = noFindings(report);
  return `<${tag}${none.tone === "ok" ? ' class="ok"' : ""}>${esc(none.text)}</${tag}>`;
}

const SEVERITY_ORDER = ["error", "warning", "info"] as const;

/**
 * The answer first, in the colour of the worst finding: red for an error or a failed gate, amber for a warning (or
 * mixed runs, or an error no rule explains), grey for a log that shows no failure but no health either (a start-up it
 * stops in, a few lines of a run), green otherwise.
 */
function verdictBanner(report: Report): string {
  const worst = SEVERITY_ORDER.find((s) => report.findings.some((fd) => fd.severity === s));
  // (an input that holds several runs: what the page shows mixes them, so it is never green)
  const mixed = report.verdict?.startsWith(MIXED_RUNS_LEAD) === true;
  // (nor is a log with an error no rule explains, nor one that shows no failure but no health either: see noFindings)
  const said = noFindings(report).tone;
  const tone = worst === "error" || report.gate?.passed === false ? "error" : worst === "warning" || mixed || said === "warning" ? "warning" : said;
  const headline = report.verdict ?? (tone === "ok" ? "No problems found." : (report.findings[0]?.title ?? "Gate failed."));
  return `<div class="banner ${tone}" id="verdict" data-tone="${tone}"><p class="headline">${escProse(headline)}</p><p class="counts">${esc(verdictLine(report))}</p></div>`;
}

/** A section the log has nothing of: one line. */
function collapsed(title: string, why: string): string {
  return `<h2 class="collapsed">${esc(title)}: <span class="muted">${esc(why)}</span></h2>`;
}

function hasStartupMemory(f: Facts): boolean {
  const k = f.kvCache;
  const m = f.memory;
  return [k.tokens, k.maxConcurrency, k.gpuBlocks, k.availableGiB, m.modelWeightsGiB, m.peakActivationGiB, m.nonTorchGiB, m.cudaGraphGiB, m.totalGpuGiB].some((v) => v !== null);
}

function hasMemory(f: Facts): boolean {
  return hasStartupMemory(f) || f.gpu.memoryGiB !== null || !!f.memory.oom;
}

/** A table of facts; `html` gives the cells of some rows already set (by their key). */
function rowsTable(rows: Row[], html?: Map<string, string>): string {
  return `<table>${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${html?.get(k) ?? esc(v)}</td></tr>`).join("")}</table>`;
}

/** a list in a table cell longer than this shows its ends and its count, and the whole list folded */
const LIST_SHOWN = 12;

function listCell(items: string[], noun: string): string {
  const ends = `${items.slice(0, 8).join(", ")}, …, ${items.slice(-2).join(", ")}`;
  return `${esc(`${num(items.length, 0)} ${noun}: ${ends}`)}<details><summary>all ${esc(num(items.length, 0))} ${esc(noun)}</summary>${esc(items.join(", "))}</details>`;
}

/**
 * an evidence line past this is cut in the middle: a 3,000-character line would fill a screen, and the place it is
 * at has it whole. (Lines a paste flattened run to a few hundred characters, their error often at the end: kept whole.)
 */
const MAX_EVIDENCE_CHARS = 2000;

/** A log line escaped; past `max` characters its middle (or, with `tail` 0, its end) is left out, saying how much. */
function clipLine(text: string, max: number, tail = 0): string {
  const chars = Array.from(text);
  if (chars.length <= max) return esc(text);
  const head = max - tail;
  const left = `<span class="muted">… (${esc(num(chars.length - max, 0))} ${tail ? "characters left out" : "more characters in the log"})${tail ? " …" : ""}</span>`;
  return `${esc(chars.slice(0, head).join(""))}${left}${tail ? esc(chars.slice(-tail).join("")) : ""}`;
}

function renderFinding(fd: Finding): string {
  const ev = fd.evidence.slice(0, 10).map((e) => `${esc(where(e))}: ${clipLine(e.text, MAX_EVIDENCE_CHARS, 600)}`).join("\n");
  const more = (fd.evidenceCount ?? fd.evidence.length) - Math.min(10, fd.evidence.length);
  return `<div class="finding ${fd.severity}">
<h3><span class="sev-${fd.severity}">${SEVERITY_LABEL[fd.severity]}</span> ${esc(fd.title)} <span class="muted">${esc(fd.ruleId)}</span></h3>
${fd.causedBy?.length ? `<p class="muted">Caused by ${esc(fd.causedBy.join(", "))} (above).</p>` : ""}<p>${escProse(fd.message)}</p>
${ev ? `<pre>${ev}</pre>` : ""}${more > 0 ? `<p class="muted">… and ${more} more evidence lines</p>` : ""}
${fd.remediation.length ? `<ul>${fd.remediation.map((r) => `<li>${escProse(r)}</li>`).join("")}</ul>` : ""}
${fd.docsUrl && /^https?:\/\//.test(fd.docsUrl) ? `<p class="muted">Docs: <a href="${esc(fd.docsUrl)}">${esc(fd.docs)}</a></p>` : fd.docs ? `<p class="muted">Docs: ${esc(fd.docs)}</p>` : ""}
</div>`;
}

function renderGate(gate: Gate): string {
  return `<h2 id="gate">Gate: <span class="${gate.passed ? "ok" : "bad"}">${gate.passed ? "PASSED" : "FAILED"}</span></h2>
<table><tr><th>requirement</th><th>result</th><th>reason</th></tr>${gate.requirements
    .map((r) => `<tr><td>${esc(r.name)}</td><td class="${r.passed ? "ok" : "bad"}">${r.passed ? "pass" : "FAIL"}</td><td>${esc(r.reason)}</td></tr>`)
    .join("")}</table>`;
}

// --------------------------------------------------------------------------------------------- pictures

const GRADE_LABEL: Record<Grade, string> = {
  good: "fast (P2P, NVLS, IB with GPU Direct RDMA, OFI)",
  slow: "slower (SHM, IB without GPU Direct RDMA)",
  bad: "slow fallback (NET/Socket)",
  other: "other transport",
  none: "no connection seen",
};

/** a matrix of more hosts would be thousands of cells (a 256-node job's: 65,536, 10 MB of page) no one reads */
const MATRIX_MAX_HOSTS = 48;
/** a host's label in the matrix: 30 characters fill its 220-pixel label column */
const MATRIX_LABEL_CHARS = 30;

function hostMatrix(f: Facts): string | { hosts: number } {
  const pairs = pairRows(f);
  const split = new Map(f.nccl.namesakes.map((x) => [x.host, x.machines]));
  const hosts = [...new Set([...f.nccl.hosts.flatMap((h) => split.get(h) ?? [h]), ...pairs.flatMap((p) => [p.a, p.b])])].sort();
  if (hosts.length > MATRIX_MAX_HOSTS) return { hosts: hosts.filter((h) => h !== UNKNOWN_HOST).length };
  const cell = hosts.length > 16 ? 22 : 56;
  // (a long name cut in the middle, whole in its tooltip: past the label column it would run out of the picture)
  const label = (h: string) => `${esc(middleCut(h, MATRIX_LABEL_CHARS))}<title>${esc(h)}</title>`;
  const labelW = Math.min(220, 12 + 7 * Math.max(...hosts.map((h) => Math.min(h.length, MATRIX_LABEL_CHARS)), 4));
  const size = hosts.length * cell;
  // (the last column's label, turned 60°, reaches half its length right of its cell)
  const W = labelW + size + 10 + Math.ceil(Math.max(...hosts.map((h) => textWidth(middleCut(h, MATRIX_LABEL_CHARS), 12))) / 2);
  const H = labelW + size + 10;
  const byKey = new Map(pairs.map((p) => [`${p.a}\u0000${p.b}`, p]));
  const parts: string[] = [];
  hosts.forEach((h, i) => {
    parts.push(`<text x="${labelW - 6}" y="${labelW + i * cell + cell / 2 + 4}" text-anchor="end" font-size="12">${label(h)}</text>`);
    parts.push(`<text transform="translate(${labelW + i * cell + cell / 2 + 4},${labelW - 6}) rotate(-60)" font-size="12">${label(h)}</text>`);
  });
  hosts.forEach((a, i) =>
    hosts.forEach((b, j) => {
      const p = byKey.get(`${a}\u0000${b}`) ?? byKey.get(`${b}\u0000${a}`);
      const kinds = p?.kinds ?? [];
      const grade = worstGrade(kinds);
      const tip = `${a} ↔ ${b}${a === b ? " (intra-node)" : ""}: ${kindsText(kinds)}`;
      parts.push(
        `<rect class="cell" data-grade="${grade}" x="${labelW + j * cell}" y="${labelW + i * cell}" width="${cell - 2}" height="${cell - 2}" fill="${GRADE_COLOR[grade]}"><title>${esc(tip)}</title></rect>`,
      );
      if (cell >= 40 && kinds.length) {
        const short = kinds[0][0].replace(/^NET\//, "").replace("/GDRDMA", "+GDR");
        parts.push(`<text x="${labelW + j * cell + (cell - 2) / 2}" y="${labelW + i * cell + cell / 2 + 3}" text-anchor="middle" font-size="9" fill="#fff">${esc(short.slice(0, 9))}</text>`);
      }
    }),
  );
  return `<svg id="transport-matrix" role="img" aria-label="NCCL transport between nodes" xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">${parts.join("")}</svg>`;
}

function legend(): string {
  const grades: Grade[] = ["good", "slow", "bad", "other", "none"];
  const items = grades.map((g, i) => `<rect x="${i * 0}" y="${i * 18}" width="12" height="12" fill="${GRADE_COLOR[g]}"/><text x="18" y="${i * 18 + 10}" font-size="12">${esc(GRADE_LABEL[g])}</text>`);
  return `<svg class="legend" xmlns="http://www.w3.org/2000/svg" width="420" height="${grades.length * 18}" viewBox="0 0 420 ${grades.length * 18}">${items.join("")}</svg>`;
}

// ------------------------------------------------------------------------------------------- benchmark charts

const MAX_BUSBW_CHARTS = 4;

/** A round step for about `ticks` gridlines up to `max`. */
function niceStep(max: number, ticks = 5): number {
  if (!(max > 0)) return 1;
  const raw = max / ticks;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const r = raw / mag;
  return (r <= 1 ? 1 : r <= 2 ? 2 : r <= 2.5 ? 2.5 : r <= 5 ? 5 : 10) * mag;
}


/** busbw per message size of one nccl-tests run: out-of-place and in-place lines over a log2 size axis. */
function busbwChart(values: Record<string, unknown>, index: number): string {
  const pts = busbwCurve(values);
  if (pts.length < 2) return "";
  const W = 720, H = 300, L = 58, R = 16, T = 14, B = 46;
  const lx = pts.map((p) => Math.log2(p.sizeBytes));
  const x0 = Math.min(...lx), x1 = Math.max(...lx);
  const peak = Math.max(...pts.flatMap((p) => [p.outOfPlace ?? 0, p.inPlace ?? 0]));
  const step = niceStep(peak);
  const yMax = Math.max(step, Math.ceil((peak * 1.05) / step) * step);
  const X = (size: number) => L + ((Math.log2(size) - x0) / (x1 - x0)) * (W - L - R);
  const Y = (gbs: number) => T + (1 - gbs / yMax) * (H - T - B);
  const parts: string[] = [];
  for (let y = 0; y <= yMax + step / 2; y += step) {
    parts.push(`<line x1="${L}" x2="${W - R}" y1="${fx(Y(y))}" y2="${fx(Y(y))}" stroke="#e5e7eb"/>`);
    parts.push(`<text x="${L - 6}" y="${fx(Y(y) + 4)}" text-anchor="end" font-size="11">${esc(formatNumber(Number(y.toFixed(6)), 3))}</text>`);
  }
  const every = Math.max(1, Math.ceil((Math.floor(x1) - Math.ceil(x0)) / 9));
  for (let k = Math.ceil(x0); k <= x1; k += every) {
    const x = X(2 ** k);
    parts.push(`<line x1="${fx(x)}" x2="${fx(x)}" y1="${T}" y2="${H - B}" stroke="#f0f0f0"/>`);
    parts.push(`<text x="${fx(x)}" y="${H - B + 16}" text-anchor="middle" font-size="11">${esc(formatBytes(2 ** k))}</text>`);
  }
  parts.push(`<line x1="${L}" x2="${W - R}" y1="${H - B}" y2="${H - B}" stroke="#999"/><line x1="${L}" x2="${L}" y1="${T}" y2="${H - B}" stroke="#999"/>`);
  parts.push(`<text x="${(L + W - R) / 2}" y="${H - 8}" text-anchor="middle" font-size="12">message size (log scale)</text>`);
  parts.push(`<text transform="translate(14,${(T + H - B) / 2}) rotate(-90)" text-anchor="middle" font-size="12">busbw (GB/s)</text>`);
  const series: { key: "outOfPlace" | "inPlace"; label: string; color: string; dash: string }[] = [
    { key: "outOfPlace", label: "out-of-place", color: "#1f5fa8", dash: "" },
    { key: "inPlace", label: "in-place", color: "#d97706", dash: ` stroke-dasharray="5 4"` },
  ];
  series.forEach((s, i) => {
    const own = pts.filter((p) => p[s.key] !== null);
    if (!own.length) return;
    parts.push(`<polyline class="busbw-line" data-series="${s.key}" fill="none" stroke="${s.color}" stroke-width="2"${s.dash} points="${own.map((p) => `${fx(X(p.sizeBytes))},${fx(Y(p[s.key]!))}`).join(" ")}"/>`);
    for (const p of own) parts.push(`<circle class="busbw-point" cx="${fx(X(p.sizeBytes))}" cy="${fx(Y(p[s.key]!))}" r="2.5" fill="${s.color}"><title>${esc(`${formatBytes(p.sizeBytes)} ${s.label}: ${p[s.key]} GB/s`)}</title></circle>`);
    parts.push(`<line x1="${L + 12}" x2="${L + 36}" y1="${T + 12 + i * 16}" y2="${T + 12 + i * 16}" stroke="${s.color}" stroke-width="2"${s.dash}/><text x="${L + 42}" y="${T + 16 + i * 16}" font-size="12">${s.label}</text>`);
  });
  const name = typeof values.collective === "string" ? values.collective : "nccl-tests";
  const label = `${name}: bus bandwidth by message size`;
  return `<svg id="busbw-chart-${index + 1}" class="busbw-chart" role="img" aria-label="${esc(label)}" xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}"><title>${esc(label)}</title>${parts.join("")}</svg>`;
}

const POINT_COLOR = (label: string, i: number): string =>
  label === "mean" ? "#5b6abf" : label === "median" ? "#2e9d57" : ["#f0b429", "#e8833a", "#d64545", "#9b1c1c", "#6b0f0f"][Math.min(4, i)];

/** Mean, median and percentiles of each serve latency metric: one panel per metric, each on its own scale. */
function latencyChart(series: LatencySeries[]): string {
  if (series.length === 0) return "";
  const PW = 240, H = 210, T = 22, B = 36, L = 44;
  const W = PW * series.length;
  const parts: string[] = [];
  series.forEach((s, si) => {
    const ox = si * PW;
    const peak = Math.max(...s.points.map((p) => p.value));
    const step = niceStep(peak, 4);
    const yMax = Math.max(step, Math.ceil((peak * 1.1) / step) * step);
    const Y = (v: number) => T + (1 - v / yMax) * (H - T - B);
    parts.push(`<text x="${ox + L + (PW - L - 10) / 2}" y="14" text-anchor="middle" font-size="13" font-weight="600">${esc(`${s.metric} (ms)`)}</text>`);
    for (let y = 0; y <= yMax + step / 2; y += step) {
      parts.push(`<line x1="${ox + L}" x2="${ox + PW - 10}" y1="${fx(Y(y))}" y2="${fx(Y(y))}" stroke="#e5e7eb"/>`);
      parts.push(`<text x="${ox + L - 4}" y="${fx(Y(y) + 4)}" text-anchor="end" font-size="10">${esc(formatNumber(Number(y.toFixed(6)), 3))}</text>`);
    }
    const slot = (PW - L - 10) / s.points.length;
    const bw = Math.min(34, slot * 0.7);
    let pct = 0;
    s.points.forEach((p, i) => {
      const x = ox + L + i * slot + (slot - bw) / 2;
      const color = POINT_COLOR(p.label, p.label.startsWith("P") ? pct++ : 0);
      const value = formatNumber(p.value, 2);
      parts.push(`<rect class="latency-bar" data-metric="${esc(s.metric)}" data-point="${esc(p.label)}" x="${fx(x)}" y="${fx(Y(p.value))}" width="${fx(bw)}" height="${fx(Math.max(0.5, Y(0) - Y(p.value)))}" fill="${color}"><title>${esc(`${s.metric} ${p.label}: ${value} ms`)}</title></rect>`);
      parts.push(`<text x="${fx(x + bw / 2)}" y="${fx(Y(p.value) - 3)}" text-anchor="middle" font-size="9">${esc(value)}</text>`);
      parts.push(`<text x="${fx(x + bw / 2)}" y="${H - B + 14}" text-anchor="middle" font-size="10">${esc(p.label)}</text>`);
    });
    parts.push(`<line x1="${ox + L}" x2="${ox + PW - 10}" y1="${fx(Y(0))}" y2="${fx(Y(0))}" stroke="#999"/>`);
  });
  const label = `serve latency: mean, median and percentiles of ${series.map((s) => s.metric).join(", ")}`;
  return `<svg id="latency-chart" role="img" aria-label="${esc(label)}" xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}"><title>${esc(label)}</title>${parts.join("")}</svg>`;
}
