import { describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { ROOT } from "../helpers/cli.js";

/**
 * Scores the built CLI against the real-log corpus in ../shared (when this checkout has it beside it),
 * with the shared scorer. The floors below are what the project has reached; raise them as it improves.
 */
const SHARED = join(ROOT, "..", "shared");
const SCORER = join(SHARED, "tools", "conformance.mjs");
const FLOORS: Record<string, { facts: number; problems?: number; falseAlarms?: number }> = {
  vllm: { facts: 97.5, problems: 95, falseAlarms: 0 },
  nccl: { facts: 99.5, problems: 95, falseAlarms: 0 },
  bench: { facts: 99, falseAlarms: 0 },
};

function score(corpus: string): { facts: number; problems: number; falseAlarms: number; crashes: number } {
  const r = spawnSync(process.execPath, [SCORER, "--repo", ROOT, "--corpus", join(SHARED, "corpus", corpus), "--json"], { encoding: "utf8", maxBuffer: 64 << 20 });
  const line = r.stdout.split("\n").find((l) => l.startsWith("{"));
  if (!line) throw new Error(`scorer printed no score: ${r.stderr || r.stdout}`);
  const s = JSON.parse(line);
  return {
    facts: s.factsOf ? (100 * s.facts) / s.factsOf : 100,
    problems: s.foundOf ? (100 * s.found) / s.foundOf : 100,
    falseAlarms: s.falseAlarms,
    crashes: s.crashes,
  };
}

if (!existsSync(SCORER)) console.log(`conformance: ${SCORER} is absent, so the real-log corpus is not scored`);

describe.skipIf(!existsSync(SCORER))("conformance on ../shared/corpus", () => {
  for (const [corpus, floor] of Object.entries(FLOORS)) {
    it.skipIf(!existsSync(join(SHARED, "corpus", corpus)))(`${corpus}: no crashes, facts >= ${floor.facts}%`, () => {
      const s = score(corpus);
      expect(s.crashes).toBe(0);
      expect(s.facts).toBeGreaterThanOrEqual(floor.facts);
      if (floor.problems !== undefined) expect(s.problems).toBeGreaterThanOrEqual(floor.problems);
      if (floor.falseAlarms !== undefined) expect(s.falseAlarms).toBeLessThanOrEqual(floor.falseAlarms);
    }, 300_000);
  }
});
