import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyze } from "../../src/analyze.js";
import type { Report } from "../../src/facts/schema.js";

/** Runs the whole pipeline (readers, facts, rules) on log text, as `analyze` does on a file. */
export async function analyzeText(text: string, name = "run.log"): Promise<Report> {
  const dir = mkdtempSync(join(tmpdir(), "vd-rules-"));
  try {
    const path = join(dir, name);
    writeFileSync(path, text);
    const { report } = await analyze([path]);
    return report;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const ids = (r: Report, severity?: string): string[] => r.findings.filter((f) => !severity || f.severity === severity).map((f) => f.ruleId);
