import type { Finding, Report } from "../facts/schema.js";
import { severityFails, type FailOn } from "../gate/check.js";
import { safeLine, safeText } from "../util/terminal.js";

/*
 * JUnit XML: a suite "rules" with one testcase per rule (the catalog plus any rule that fired) and, after
 * `check`, a suite "gate" with one testcase per requirement. A rule's case fails when one of its findings
 * is at or above the gate's --fail-on level (error when there is no gate).
 */

/** The rule ids CONTRACT.md fixes: each gets a testcase even when it did not fire. */
export const CORE_RULE_IDS = [
  "vllm/cuda-oom", "vllm/kv-cache-too-small", "vllm/no-kv-cache-memory", "vllm/low-concurrency",
  "vllm/custom-allreduce-disabled", "vllm/tp-not-divisible", "vllm/ray-insufficient-resources",
  "vllm/engine-init-failed", "vllm/model-download", "nccl/socket-fallback", "nccl/gdrdma-disabled",
  "nccl/p2p-disabled", "nccl/shm-too-small", "nccl/ib-error", "nccl/bootstrap-failure", "nccl/system-error",
  "nccl/internal-error", "nccl/remote-process-exited", "nccl/cuda-error", "nccl/duplicate-gpu",
  "nccl/collective-timeout", "nccl/wrong-interface", "nccl/error", "cluster/version-mismatch",
  "security/public-address",
];

// XML 1.0 allows tab, LF, CR and these ranges; everything else (other controls, lone surrogates, U+FFFE/F) is dropped
const INVALID_XML = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Escaped for XML, with what a CI console would obey shown escaped (safeText): CR, C1 controls such as U+009B, bidi overrides. */
export function xmlEscape(s: string): string {
  return safeText(s).replace(INVALID_XML, "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]!);
}

export interface JunitOptions {
  /** every rule id the engine knows; defaults to the CONTRACT's core catalog */
  ruleIds?: string[];
}

interface Case {
  classname: string;
  name: string;
  failure?: { message: string; type: string; body: string };
  out?: string;
}

export function renderJunit(report: Report, opts: JunitOptions = {}): string {
  const failOn: FailOn = report.gate?.failOn ?? "error";
  const byRule = new Map<string, Finding[]>();
  for (const f of report.findings) byRule.set(f.ruleId, [...(byRule.get(f.ruleId) ?? []), f]);
  const ids = [...new Set([...(opts.ruleIds ?? CORE_RULE_IDS), ...byRule.keys()])].sort();
  const ruleCases: Case[] = ids.map((id) => {
    const fs = byRule.get(id) ?? [];
    const text = fs.map(describe).join("\n\n");
    const failing = fs.filter((f) => severityFails(f.severity, failOn));
    if (failing.length) return { classname: "vllm-doctor.rules", name: id, failure: { message: failing.map((f) => f.title).join("; "), type: failing[0].severity, body: text } };
    return { classname: "vllm-doctor.rules", name: id, ...(text ? { out: text } : {}) };
  });
  const suites = [suite("rules", ruleCases)];
  if (report.gate) {
    const gateCases: Case[] = report.gate.requirements.map((r) => ({
      classname: "vllm-doctor.gate",
      name: r.name,
      ...(r.passed ? { out: r.reason } : { failure: { message: r.reason, type: r.kind, body: r.reason } }),
    }));
    suites.push(suite("gate", gateCases));
  }
  const tests = suites.reduce((s, x) => s + x.tests, 0);
  const failures = suites.reduce((s, x) => s + x.failures, 0);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="vllm-doctor" tests="${tests}" failures="${failures}" errors="0">\n${suites.map((s) => s.xml).join("\n")}\n</testsuites>\n`;
}

function describe(f: Finding): string {
  const lines = [`${f.severity.toUpperCase()}: ${f.title}`, f.message];
  for (const e of f.evidence) lines.push(`  ${safeLine(`${e.file}:${e.line}`)}: ${e.text}`);
  for (const r of f.remediation) lines.push(`  -> ${r}`);
  return lines.join("\n");
}

function suite(name: string, cases: Case[]): { xml: string; tests: number; failures: number } {
  const failures = cases.filter((c) => c.failure).length;
  const body = cases
    .map((c) => {
      const head = `    <testcase classname="${xmlEscape(c.classname)}" name="${xmlEscape(c.name)}" time="0"`;
      const inner: string[] = [];
      if (c.failure) inner.push(`      <failure message="${xmlEscape(c.failure.message)}" type="${xmlEscape(c.failure.type)}">${xmlEscape(c.failure.body)}</failure>`);
      if (c.out) inner.push(`      <system-out>${xmlEscape(c.out)}</system-out>`);
      return inner.length ? `${head}>\n${inner.join("\n")}\n    </testcase>` : `${head}/>`;
    })
    .join("\n");
  return { xml: `  <testsuite name="${xmlEscape(name)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="0">\n${body}\n  </testsuite>`, tests: cases.length, failures };
}
