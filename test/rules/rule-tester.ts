import { describe, expect, it } from "vitest";
import type { Finding, Report } from "../../src/facts/schema.js";
import { analyzeText } from "./analyze-text.js";

/** What a test expects of one finding of the rule under test. */
export interface ExpectedFinding {
  /** the evidence lines, in order */
  lines?: number[];
  messageIncludes?: string | string[];
  severity?: Finding["severity"];
  title?: string;
  /** each a substring of the remediation at that index */
  remediation?: (string | undefined)[];
}

export interface RuleCases {
  /** logs on which the rule must stay quiet */
  valid: { name: string; log: string }[];
  invalid: { name: string; log: string; findings: ExpectedFinding[]; check?: (report: Report) => void }[];
}

/**
 * ESLint's RuleTester for vllm-doctor: every case is a log text read through the whole pipeline (wrappers, readers,
 * facts, rules), and only the rule's own findings are compared.
 */
export function ruleTester(ruleId: string, cases: RuleCases): void {
  describe(`${ruleId} (through the pipeline)`, () => {
    for (const c of cases.valid) {
      it(`valid: ${c.name}`, async () => {
        const r = await analyzeText(c.log);
        expect(r.findings.filter((f) => f.ruleId === ruleId).map((f) => f.message)).toEqual([]);
      });
    }
    for (const c of cases.invalid) {
      it(`invalid: ${c.name}`, async () => {
        const r = await analyzeText(c.log);
        const got = r.findings.filter((f) => f.ruleId === ruleId);
        expect(got.length, got.map((f) => f.message).join("\n")).toBe(c.findings.length);
        c.findings.forEach((want, i) => {
          const f = got[i];
          if (want.lines) expect(f.evidence.map((e) => e.line)).toEqual(want.lines);
          for (const s of [want.messageIncludes ?? []].flat()) expect(f.message).toContain(s);
          if (want.severity) expect(f.severity).toBe(want.severity);
          if (want.title) expect(f.title).toBe(want.title);
          want.remediation?.forEach((s, j) => s !== undefined && expect(f.remediation[j]).toContain(s));
        });
        c.check?.(r);
      });
    }
  });
}
