import type { Finding, GateRequirement, Report, Severity } from "../facts/schema.js";
import type { Evidence } from "../model.js";
import { allRuleMetas } from "../rules/index.js";
import { readRuleDoc } from "../rules/docs.js";
import { USER_RULES_DOCS } from "../rules/engine.js";
import { docsUrl, REPOSITORY_URL } from "../rules/types.js";

/*
 * SARIF 2.1.0 as GitHub code scanning takes it: one run, one result per finding (located at its first evidence
 * line, the other lines as related locations) and one per failed gate requirement (located at the evidence of
 * the fact it judged, or line 1 of the first input when the log does not show the fact). Every rule carries
 * short and full descriptions, help (text and markdown, from its documentation page) and a helpUri.
 */

const LEVEL: Record<Severity, "error" | "warning" | "note"> = { error: "error", warning: "warning", info: "note" };

/** A log path as a URI reference: absolute paths become file: URIs, relative ones keep their slashes. */
export function artifactUri(path: string): string {
  const p = path.replace(/\\/g, "/");
  const encoded = p
    .split("/")
    .map((seg) => encodeURIComponent(seg))
    .join("/");
  return p.startsWith("/") ? `file://${encoded}` : encoded;
}

// SARIF text must be valid Unicode: lone surrogates are replaced
const wellFormed = (s: string) => s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");

/** Where a result points: a log line (with its text as the snippet when known). */
interface Place {
  file: string;
  line: number;
  text?: string;
}

function location(e: Place, id?: number) {
  return {
    ...(id !== undefined ? { id } : {}),
    physicalLocation: {
      artifactLocation: { uri: artifactUri(e.file) },
      region: { startLine: Math.max(1, Math.floor(e.line)), ...(e.text !== undefined ? { snippet: { text: wellFormed(e.text) } } : {}) },
    },
  };
}

interface RuleDescriptor {
  id: string;
  severity: Severity;
  title: string;
  /** one or two sentences: what the rule means */
  full: string;
  /** the documentation page (markdown), when there is one */
  page: string | null;
  helpUri?: string;
}

/** The first paragraph under a page's "What it means" heading (or its first paragraph of prose). */
function meaning(page: string): string | undefined {
  const section = /^## What it means\s*\n+([\s\S]*?)(?:\n\s*\n|$)/m.exec(page);
  const para = section?.[1] ?? page.split(/\n\s*\n/).find((p) => p.trim() && !p.trimStart().startsWith("#"));
  return para?.replace(/\s+/g, " ").trim() || undefined;
}

/** Markdown as plain text: headings, code ticks, emphasis and link targets dropped. */
function plain(markdown: string): string {
  return markdown
    .replace(/^#{1,6}\s+/gm, "")
    .replace(/`([^`]*)`/g, "$1")
    .replace(/\*\*([^*]+)\*\*/g, "$1")
    .replace(/\[([^\]]+)\]\([^)]*\)/g, "$1")
    .trim();
}

/** The section of a page under a heading, up to the next heading of the same or a higher level. */
function section(page: string, heading: string): string | null {
  const lines = page.split("\n");
  const at = lines.findIndex((l) => l.replace(/^#+\s*/, "").trim() === heading && l.startsWith("#"));
  if (at < 0) return null;
  const level = /^#+/.exec(lines[at])![0].length;
  let end = at + 1;
  while (end < lines.length && !(/^#+\s/.test(lines[end]) && /^#+/.exec(lines[end])![0].length <= level)) end++;
  return lines.slice(at, end).join("\n").trim();
}

const metas = () => new Map(allRuleMetas().map((m) => [m.id, m]));

function findingRule(f: Finding, known: ReturnType<typeof metas>): RuleDescriptor {
  const meta = known.get(f.ruleId);
  if (meta) {
    const page = readRuleDoc(meta.docs);
    return { id: f.ruleId, severity: meta.defaultSeverity, title: meta.title, full: (page && meaning(page)) ?? meta.title, page, helpUri: f.docsUrl ?? docsUrl(meta.docs) };
  }
  // a user rule: the team's own page, when its configuration names one
  const page = readRuleDoc(USER_RULES_DOCS);
  return {
    id: f.ruleId,
    severity: f.severity,
    title: f.title,
    full: `${f.title}: a rule from this project's vllm-doctor configuration.${f.remediation.length ? ` What to do: ${f.remediation.join(" ")}` : ""}`,
    page: page && section(page, "`userRules`"),
    ...(f.docsUrl && /^https?:\/\//.test(f.docsUrl) ? { helpUri: f.docsUrl } : {}),
  };
}

const GATE_DOC = "docs/ci.md";

function gateRule(kind: string): RuleDescriptor {
  const page = readRuleDoc(GATE_DOC);
  return {
    id: `gate/${kind}`,
    severity: "error",
    title: `CI gate requirement: ${kind}`,
    full: `A requirement given to \`vllm-doctor check\` (--${kind}) that the logs did not meet; the result names the requirement and why it failed.`,
    page: page && section(page, "Requirements"),
    helpUri: docsUrl(`${GATE_DOC}#requirements`),
  };
}

/** The fact path a requirement's name starts with (`kvCache.tokens>=5` → `kvCache.tokens`). */
function factPath(name: string): string | undefined {
  return /^\s*(?:facts\.)?([A-Za-z_][\w]*(?:\.[\w/-]+)*)/.exec(name)?.[1];
}

/** Where a failed gate requirement points: the evidence of what it judged, else line 1 of the first input. */
export function gatePlace(r: GateRequirement, report: Report): Place {
  // a requirement judged once per run (`run 2 (b.log): kvCache.tokens>=5`, src/commands/check.ts) reads that run's facts
  const runIndex = Number(/^run (\d+) \(/.exec(r.name)?.[1] ?? 0);
  const candidate = runIndex ? report.runs?.[runIndex - 1] : undefined;
  const runPrefix = candidate ? `run ${runIndex} (${candidate.inputs.join(", ")}): ` : "";
  const run = candidate && r.name.startsWith(runPrefix) ? candidate : undefined;
  const name = run ? r.name.slice(runPrefix.length) : r.name;
  const { facts, findings } = run ?? report;
  const sources = facts.sources;
  const fromFindings = (sev: Severity[]) => findings.find((f) => sev.includes(f.severity) && f.evidence.length)?.evidence[0];
  let e: Evidence | undefined | null;
  // an input the gate could not read (`read <path>`), or one that holds several runs (`one run in <path>`: at the
  // second engine start); `inputs hold lines` names no file
  const input = /^(?:read|one run in) (.+)$/.exec(name)?.[1];
  if (r.kind === "inputs" && input) return { file: input, line: Number(/split it at line (\d+)/.exec(r.reason)?.[1] ?? 1) };
  // a benchmark requirement that failed on a later run of several: that run's first line (src/gate/check.ts)
  const benchRun = r.passed ? null : /^run \d+ of \d+ \((.+):(\d+)\): /.exec(r.reason);
  if (r.kind === "require" && benchRun) return { file: benchRun[1], line: Number(benchRun[2]) };
  if (r.kind === "fail-on") e = fromFindings(["error", "warning", "info"]);
  else if (r.kind === "max-warnings") e = fromFindings(["warning"]);
  else if (r.kind === "require-transport" || r.kind === "forbid-transport") e = sources["nccl.net"] ?? sources["nccl.initComplete"] ?? sources["nccl.version"];
  else {
    // the fact itself, or the nearest fact above it that has a source (nccl.transports.NET/IB → nccl.transports); a
    // --max-regression is named `max-regression PATH=N%`
    for (let p = factPath(name.replace(/^max-regression /, "")); p && !e; p = p.includes(".") ? p.slice(0, p.lastIndexOf(".")) : undefined) e = sources[p];
  }
  if (e) return { file: e.file, line: e.line, text: e.text };
  const first = report.inputs.find((i) => !i.error && (!run || run.inputs.includes(i.path))) ?? report.inputs[0];
  return { file: first?.path ?? "<stdin>", line: 1 };
}

function descriptor(r: RuleDescriptor) {
  const markdown = r.page ?? `**${r.title}**\n\n${r.full}`;
  return {
    id: r.id,
    name: r.id.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : "")),
    shortDescription: { text: wellFormed(r.title) },
    fullDescription: { text: wellFormed(plain(r.full)) },
    help: { text: wellFormed(plain(markdown)), markdown: wellFormed(markdown) },
    ...(r.helpUri ? { helpUri: r.helpUri } : {}),
    defaultConfiguration: { level: LEVEL[r.severity] },
  };
}

export function toSarif(report: Report): object {
  const known = metas();
  const rules = new Map<string, RuleDescriptor>();
  for (const f of report.findings) if (!rules.has(f.ruleId)) rules.set(f.ruleId, findingRule(f, known));
  const failedGate = report.gate?.requirements.filter((r) => !r.passed) ?? [];
  for (const r of failedGate) if (!rules.has(`gate/${r.kind}`)) rules.set(`gate/${r.kind}`, gateRule(r.kind));
  const ruleIndex = new Map([...rules.keys()].map((id, i) => [id, i]));
  const results: object[] = report.findings.map((f) => findingResult(f, ruleIndex.get(f.ruleId)!, report));
  for (const r of failedGate) {
    const id = `gate/${r.kind}`;
    results.push({ ruleId: id, ruleIndex: ruleIndex.get(id), level: "error", message: { text: wellFormed(`${r.name}: ${r.reason}`) }, locations: [location(gatePlace(r, report))] });
  }
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "vllm-doctor",
            version: report.tool.version,
            semanticVersion: report.tool.version,
            informationUri: REPOSITORY_URL,
            rules: [...rules.values()].map(descriptor),
          },
        },
        artifacts: report.inputs.map((i) => ({ location: { uri: artifactUri(i.path) }, length: i.bytes })),
        invocations: [{ executionSuccessful: report.inputs.every((i) => !i.error) }],
        results,
        properties: {
          summary: report.summary,
          ...(report.gate ? { gate: report.gate } : {}),
        },
      },
    ],
  };
}

function findingResult(f: Finding, index: number, report: Report): object {
  const [first, ...rest] = f.evidence;
  // a finding drawn from facts alone (no line shows it) points at the first input, so code scanning can place it
  const input = report.inputs.find((i) => !i.error) ?? report.inputs[0];
  const where: Place = first ?? { file: input?.path ?? "<stdin>", line: 1 };
  return {
    ruleId: f.ruleId,
    ruleIndex: index,
    level: LEVEL[f.severity],
    message: { text: wellFormed(f.remediation.length ? `${f.message} What to do: ${f.remediation.join(" ")}` : f.message) },
    locations: [location(where)],
    ...(rest.length ? { relatedLocations: rest.map((e, i) => location(e, i + 1)) } : {}),
    properties: { title: f.title, evidenceCount: f.evidenceCount ?? f.evidence.length, docs: f.docs },
  };
}

export function renderSarif(report: Report): string {
  return JSON.stringify(toSarif(report), null, 2) + "\n";
}
