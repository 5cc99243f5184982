import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyze } from "../../src/analyze.js";
import type { Report } from "../../src/facts/schema.js";

// One folder per test process, its files removed as they are read: a folder made and removed for each call cost
// more than the analysis of a short log on this machine's disk (rmdir ~9% of the real-format tests' CPU).
let folder: string | undefined;
const namesInUse = new Set<string>();

function scratchFolder(): string {
  if (!folder) {
    const made = mkdtempSync(join(tmpdir(), "vd-rules-"));
    process.once("exit", () => rmSync(made, { recursive: true, force: true }));
    folder = made;
  }
  return folder;
}

/** Runs the whole pipeline (readers, facts, rules) on log text, as `analyze` does on a file. */
export async function analyzeText(text: string, name = "run.log"): Promise<Report> {
  // the file keeps the name asked for (evidence says `run.log:12`); a second call at once with that name gets a folder
  const shared = !namesInUse.has(name);
  const dir = shared ? scratchFolder() : mkdtempSync(join(scratchFolder(), "busy-"));
  const path = join(dir, name);
  if (shared) namesInUse.add(name);
  try {
    writeFileSync(path, text);
    const { report } = await analyze([path]);
    return report;
  } finally {
    if (shared) {
      namesInUse.delete(name);
      rmSync(path, { force: true });
    } else rmSync(dir, { recursive: true, force: true });
  }
}

export const ids = (r: Report, severity?: string): string[] => r.findings.filter((f) => !severity || f.severity === severity).map((f) => f.ruleId);

/**
 * The line ends a real-format case is read with behind `wrap`: LF and CRLF for the bare text; behind a wrapper one of
 * them, picked by the wrapped line's length, so a file's wrappers share CRLF between them (the corpus logs are read
 * behind every wrapper, and with CRLF: test/wrapper-invariance.test.ts).
 */
export const eolsFor = (wrap: (l: string) => string): string[] => {
  const wrapped = wrap("x");
  return wrapped === "x" ? ["\n", "\r\n"] : [wrapped.length % 2 === 0 ? "\r\n" : "\n"];
};

/**
 * Reads `lines` behind each named wrapper (every line wrapped as that collector writes it), with the line ends
 * `eolsFor` picks, and hands each report to `check` with a label naming the wrapper and the line end.
 */
export async function eachWrapped(
  wraps: readonly (readonly [string, (l: string) => string])[],
  lines: readonly string[],
  check: (r: Report, at: string) => void,
): Promise<void> {
  for (const [name, wrap] of wraps)
    for (const eol of eolsFor(wrap)) check(await analyzeText(lines.map(wrap).join(eol) + eol), `${name} ${JSON.stringify(eol)}`);
}

/** The three collectors most real-format cases are read behind: none, `kubectl logs --timestamps`, mpirun's tag. */
export const COMMON_WRAPS: readonly (readonly [string, (l: string) => string])[] = [
  ["plain", (l) => l],
  ["kubets", (l) => `2026-02-03T11:20:05.123456789Z ${l}`],
  ["mpi-tag", (l) => `[1,0]<stderr>:${l}`],
];

/** `eachWrapped` behind `COMMON_WRAPS` */
export const eachCommonWrap = (lines: readonly string[], check: (r: Report, at: string) => void): Promise<void> => eachWrapped(COMMON_WRAPS, lines, check);

/** log text of `lines`, each ended by LF */
export const logText = (lines: readonly string[]): string => lines.join("\n") + "\n";
