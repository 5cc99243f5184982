import type { Finding, Report, Severity } from "../facts/schema.js";
import type { Evidence } from "../model.js";

/*
 * SARIF 2.1.0: one run, one result per finding (located at its first evidence line, the other lines as
 * related locations) and one per failed gate requirement.
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

function location(e: Evidence, id?: number) {
  return {
    ...(id !== undefined ? { id } : {}),
    physicalLocation: {
      artifactLocation: { uri: artifactUri(e.file) },
      region: { startLine: Math.max(1, Math.floor(e.line)), snippet: { text: wellFormed(e.text) } },
    },
  };
}

export function toSarif(report: Report): object {
  const rules = new Map<string, { id: string; severity: Severity; title: string; docs: string }>();
  for (const f of report.findings) if (!rules.has(f.ruleId)) rules.set(f.ruleId, { id: f.ruleId, severity: f.severity, title: f.title, docs: f.docs });
  const failedGate = report.gate?.requirements.filter((r) => !r.passed) ?? [];
  for (const r of failedGate) {
    const id = `gate/${r.kind}`;
    if (!rules.has(id)) rules.set(id, { id, severity: "error", title: `CI gate requirement: ${r.kind}`, docs: "docs/ci.md" });
  }
  const ruleIndex = new Map([...rules.keys()].map((id, i) => [id, i]));
  const results: object[] = report.findings.map((f) => findingResult(f, ruleIndex.get(f.ruleId)!));
  for (const r of failedGate) {
    const id = `gate/${r.kind}`;
    results.push({ ruleId: id, ruleIndex: ruleIndex.get(id), level: "error", message: { text: wellFormed(`${r.name}: ${r.reason}`) } });
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
            rules: [...rules.values()].map((r) => ({
              id: r.id,
              name: r.id.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : "")),
              shortDescription: { text: wellFormed(r.title) },
              defaultConfiguration: { level: LEVEL[r.severity] },
              properties: { docs: r.docs },
            })),
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

function findingResult(f: Finding, index: number): object {
  const [first, ...rest] = f.evidence;
  return {
    ruleId: f.ruleId,
    ruleIndex: index,
    level: LEVEL[f.severity],
    message: { text: wellFormed(f.remediation.length ? `${f.message} What to do: ${f.remediation.join(" ")}` : f.message) },
    ...(first ? { locations: [location(first)] } : {}),
    ...(rest.length ? { relatedLocations: rest.map((e, i) => location(e, i + 1)) } : {}),
    properties: { title: f.title, evidenceCount: f.evidenceCount ?? f.evidence.length },
  };
}

export function renderSarif(report: Report): string {
  return JSON.stringify(toSarif(report), null, 2) + "\n";
}
