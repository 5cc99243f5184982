import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { FACT_CATALOG, HEADLINE_FACTS, missingFact } from "../src/facts/catalog.js";
import { FactsSchema } from "../src/facts/schema.js";
import { analyzeText } from "./rules/analyze-text.js";
import { ROOT } from "./helpers/cli.js";

/** Every `section` and `section.key` the zod schema of `facts` names (what FactPath is at compile time). */
function schemaPaths(): Set<string> {
  const out = new Set<string>();
  const unwrap = (t: z.ZodType): z.ZodType => (t instanceof z.ZodOptional || t instanceof z.ZodNullable ? unwrap(t.unwrap() as z.ZodType) : t);
  for (const [section, t] of Object.entries(FactsSchema.shape)) {
    const inner = unwrap(t as z.ZodType);
    if (!(inner instanceof z.ZodObject)) continue;
    out.add(section);
    for (const key of Object.keys(inner.shape)) out.add(`${section}.${key}`);
  }
  return out;
}

describe("the fact catalog (src/facts/catalog.ts)", () => {
  it("names each path once, and only paths of the report's schema", () => {
    const paths = FACT_CATALOG.map((f) => f.path);
    expect(new Set(paths).size).toBe(paths.length);
    const known = schemaPaths();
    for (const p of paths) expect(known.has(p), p).toBe(true);
    for (const f of FACT_CATALOG) expect(f.why.length > 10 && f.howToGet.length > 10, f.path).toBe(true);
  });

  it("builds the text report's headline rows and every `missing` entry a domain reports (bench keeps CONTRACT's own table)", async () => {
    expect([...HEADLINE_FACTS]).toEqual(["vllm.version", "config.model", "config.tensorParallelSize", "config.pipelineParallelSize", "config.executorBackend", "config.maxModelLen", "config.gpuMemoryUtilization", "kvCache.tokens", "kvCache.maxConcurrency", "memory.modelWeightsGiB", "nccl.transports", "nccl.version", "nccl.net"]);
    expect(missingFact("nccl.transports", { case: "noNcclLines" })).toEqual({ fact: "nccl.transports", why: "no NCCL INFO lines in the log", howToGet: "rerun with NCCL_DEBUG=INFO NCCL_DEBUG_SUBSYS=INIT,NET" });
    expect(() => missingFact("nccl.transports", { case: "nope" })).toThrow(/no case nope/);
    const catalogued = new Set<string>(FACT_CATALOG.map((f) => f.path));
    const samples = readdirSync(join(ROOT, "samples")).filter((n) => n.endsWith(".log"));
    for (const n of samples) {
      const r = await analyzeText(readFileSync(join(ROOT, "samples", n), "utf8"), n);
      for (const m of r.facts.missing) if (!m.fact.startsWith("bench.")) expect(catalogued.has(m.fact), `${n}: ${m.fact}`).toBe(true);
    }
  });
});
