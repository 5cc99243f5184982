import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

/**
 * Rules read facts and signals, never raw lines (DESIGN.md): a value a rule needs from a line is a signature's capture
 * (grammars/signatures.ts `values`), not a regex run on an evidence text. Evidence texts may be shown (clipped in a
 * message), not searched. The one exception named here reads the text of a fact's own evidence (`facts.recovered`).
 */
const RULES = join(__dirname, "..", "..", "src", "rules");
const KNOWN: Record<string, number> = { "nccl/socket-fallback.ts": 3 };

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });
}

// a search of some `….text` / `ev.text`: a regex's test/exec/match on it, or includes/indexOf/startsWith on it
const SEARCH = /\.(?:test|exec)\([^()]*\.text\b|\.text\s*\.\s*(?:includes|indexOf|match|startsWith|endsWith|search)\(/g;

describe("rules search no raw text", () => {
  it("no rule runs a regex or a string search on an evidence text", () => {
    const found: Record<string, number> = {};
    for (const f of files(RULES)) {
      const n = (readFileSync(f, "utf8").match(SEARCH) ?? []).length;
      if (n) found[f.slice(RULES.length + 1)] = n;
    }
    expect(found).toEqual(KNOWN);
  });

  it("the check itself finds such a search", () => {
    expect("if (/NCCL WARN/.test(h.ev.text)) x();".match(SEARCH)).toHaveLength(1);
    expect("const a = h.ev.text.includes(\"x\");".match(SEARCH)).toHaveLength(1);
    expect("message: `… ${clip(ev.text.trim(), 160)}`".match(SEARCH)).toBeNull();
  });
});
