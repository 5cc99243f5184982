import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, runJsonHere } from "./helpers/cli.js";

/**
 * Every bundled sample against its expected facts (samples/<name>.expected.json). The expected files
 * hold the vLLM sections (vllm, config, distributed, gpu, kvCache, memory, server); each field is
 * compared on its own so a failure names the fact.
 */
const SAMPLES = ["v1-single-gpu", "v0.8-tp4-mp", "ray-tp8-pp2-two-nodes", "v0.5-gpu-blocks", "cuda-oom", "kv-cache-too-small"];
const SECTIONS = ["vllm", "config", "distributed", "gpu", "kvCache", "memory", "server"] as const;

const RESULTS = new Map<string, Awaited<ReturnType<typeof runJsonHere>>>();
for (const name of SAMPLES) RESULTS.set(name, await runJsonHere(["analyze", `samples/${name}.log`]));

describe.each(SAMPLES)("samples/%s.log", (name) => {
  const expected = JSON.parse(readFileSync(join(ROOT, "samples", `${name}.expected.json`), "utf8")).facts;
  const { report, status } = RESULTS.get(name)!;

  it("produces a report", async () => {
    expect(report).not.toBeNull();
    expect([0, 1]).toContain(status);
  });

  for (const section of SECTIONS) {
    for (const key of Object.keys(expected[section])) {
      it(`${section}.${key}`, async () => {
        expect(report.facts[section][key]).toEqual(expected[section][key]);
      });
    }
  }

  it("gives every non-null vLLM fact its evidence line and every null one a missing entry", async () => {
    const missing = new Set(report.facts.missing.map((m: { fact: string }) => m.fact));
    for (const section of SECTIONS) {
      if (section === "server") continue;
      for (const [key, value] of Object.entries(report.facts[section])) {
        const path = `${section}.${key}`;
        if (value === null) expect(missing.has(path), `missing entry for ${path}`).toBe(true);
        else {
          const src = report.facts.sources[path];
          expect(src, `source of ${path}`).toBeDefined();
          const lines = readFileSync(join(ROOT, "samples", `${name}.log`), "utf8").split("\n");
          // evidence text is the physical line, clipped to 400 characters with a trailing ellipsis
          const text: string = src.text.endsWith("…") ? src.text.slice(0, -1) : src.text;
          expect(lines[src.line - 1].startsWith(text), `${path} evidence is line ${src.line}`).toBe(true);
        }
      }
    }
  });
});

describe("sample situations", () => {
  it("the CUDA OOM sample's first error is the EngineCore failure record, not a traceback frame", async () => {
    const { report } = await runJsonHere(["analyze", "samples/cuda-oom.log"]);
    expect(report.facts.firstError.line).toBe(12);
    expect(report.facts.firstError.text).toContain("EngineCore failed to start.");
  });

  it("the KV-cache sample states the needed and available KV cache and the max model len", async () => {
    const { report } = await runJsonHere(["analyze", "samples/kv-cache-too-small.log"]);
    expect(report.facts.kvCache.neededGiB).toBe(16);
    expect(report.facts.kvCache.availableGiB).toBe(3.52);
    expect(report.facts.config.maxModelLen).toBe(131072);
    expect(report.facts.firstError.line).toBe(20);
  });
});
