import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { allRuleMetas, RULES } from "../../src/rules/index.js";
import { definedRules } from "../../src/rules/define.js";
// @ts-expect-error: a plain ESM script without types
import { render } from "../../scripts/rules-index.mjs";
import { ROOT } from "../helpers/cli.js";

// ../shared beside the checkout, wherever it was cloned
const CONTRACT = join(ROOT, "..", "shared", "CONTRACT.md");
if (!existsSync(CONTRACT)) console.log(`rule catalog: ${CONTRACT} is absent, so the CONTRACT rule-id check is skipped`);

function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? testFiles(p) : n.endsWith(".test.ts") ? [p] : [];
  });
}

describe("rule catalog", () => {
  const metas = allRuleMetas();
  const tests = testFiles(join(ROOT, "test"));

  it("has unique ids in area/kebab-name form, in a fixed order", () => {
    const ids = metas.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*\/[a-z0-9]+(?:-[a-z0-9]+)*$/);
    expect(RULES[0].meta.id).toBe("vllm/cuda-oom");
  });

  for (const m of metas) {
    it(`${m.id}: has its doc page with the five sections`, () => {
      expect(m.docs).toBe(`docs/rules/${m.id}.md`);
      const p = join(ROOT, m.docs);
      expect(existsSync(p), `${m.docs} is missing`).toBe(true);
      const text = readFileSync(p, "utf8");
      if (!m.id.startsWith("bench/")) {
        for (const h of ["## What it means", "## Evidence in the log", "## Fix", "## Verify the fix", "## When it is a false alarm"]) expect(text, `${m.docs} lacks ${h}`).toContain(h);
      }
    });
    it(`${m.id}: has tests with a triggering and a clean case`, () => {
      const own = join(ROOT, "test", "rules", `${m.id}.test.ts`);
      const file = existsSync(own) ? own : tests.find((t) => readFileSync(t, "utf8").includes(`"${m.id}"`));
      expect(file, `no test for ${m.id}: add test/rules/${m.id}.test.ts`).toBeTruthy();
      const text = readFileSync(file!, "utf8");
      if (file === own && m.id !== "internal/rule-error") {
        // a ruleTester with valid and invalid logs, or hand-made cases that fire once and stay quiet
        const tester = /ruleTester\(/.test(text) && /valid: \[\s*\{/.test(text) && /invalid: \[\s*\{/.test(text);
        if (!tester) {
          expect(text).toMatch(/toHaveLength\(1\)/);
          expect(text).toMatch(/toEqual\(\[\]\)/);
        }
      }
    });
  }

  it("lists every rule file in src/rules/all.ts (scripts/rules-index.mjs writes it at build time), each defined once by defineRule", () => {
    expect(readFileSync(join(ROOT, "src", "rules", "all.ts"), "utf8"), "run `node scripts/rules-index.mjs`").toBe(render());
    expect([...definedRules().keys()].sort()).toEqual(RULES.map((r) => r.meta.id).sort());
  });

  it.skipIf(!existsSync(CONTRACT))("registers every rule id of CONTRACT.md", () => {
    const contract = readFileSync(CONTRACT, "utf8");
    const section = contract.slice(contract.indexOf("## Rule ids"));
    const ids = [...section.matchAll(/^\| `([a-z]+\/[a-z0-9-]+)` \|/gm)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThanOrEqual(25);
    const registered = new Set(metas.map((m) => m.id));
    for (const id of ids) expect(registered.has(id), `${id} is not registered`).toBe(true);
  });
});
