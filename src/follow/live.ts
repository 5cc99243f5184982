import type { Finding } from "../facts/schema.js";
import { safeLine } from "../util/terminal.js";

/** One line per new finding while following: `[12:03:04] warning  <title> (<rule>)  <file:line>`. */
export function renderLiveFinding(f: Finding, at: Date): string {
  const e = f.evidence[0];
  const time = at.toTimeString().slice(0, 8);
  return safeLine(`[${time}] ${f.severity.padEnd(7)} ${f.title} (${f.ruleId})${e ? `  ${e.file}:${e.line}` : ""}`);
}
