import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { sarifReports } from "../helpers/sarif-reports.js";

/*
 * GitHub code scanning refuses SARIF that is valid 2.1.0 but lacks what it needs (a location on every result,
 * rule help, …). Microsoft's SARIF multitool checks exactly that with its GitHub rule set ("Gh"); run here (a .NET
 * program: ~7 s) on reports of every shape the CLI writes. test/sarif-github.test.ts checks the same needs itself.
 */

/** The multitool's binary for this platform, or why it cannot run here. */
function multitool(): { bin: string } | { skip: string } {
  const require = createRequire(import.meta.url);
  let bin: string;
  try {
    bin = join(dirname(require.resolve(`@microsoft/sarif-multitool-${process.platform}/package.json`)), process.platform === "win32" ? "Sarif.Multitool.exe" : "Sarif.Multitool");
  } catch {
    return { skip: `@microsoft/sarif-multitool-${process.platform} is not installed` };
  }
  const r = spawnSync(bin, ["--version"], { encoding: "utf8", timeout: 60_000 });
  if (r.error || r.status !== 0) return { skip: `${bin} cannot run on this machine (${r.error?.message ?? `exit ${r.status}: ${r.stderr.trim().split("\n")[0]}`})` };
  return { bin };
}

describe("SARIF for GitHub code scanning, by Microsoft's multitool", async () => {
  const { tmp, docs } = await sarifReports();
  it("passes the SARIF multitool's GitHub rule set (Sarif;Gh) with no error or warning", () => {
    const tool = multitool();
    if ("skip" in tool) {
      console.warn(`SKIPPED the SARIF multitool validation: ${tool.skip}`);
      return;
    }
    const files = Object.entries(docs).map(([name, d]) => {
      const p = join(tmp, `${name}.sarif`);
      writeFileSync(p, JSON.stringify(d, null, 2));
      return p;
    });
    const out = join(tmp, "validation.sarif");
    const r = spawnSync(tool.bin, ["validate", "--rule-kind", "Sarif;Gh", "--output", out, ...files], { encoding: "utf8", timeout: 120_000, cwd: tmp });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const problems = (JSON.parse(readFileSync(out, "utf8")).runs[0].results as any[]).filter((x) => x.level === "error" || x.level === "warning" || x.level === undefined);
    expect(problems.map((p) => `${p.ruleId}: ${p.message?.text ?? JSON.stringify(p.message)}`)).toEqual([]);
  }, 120_000);
});
