import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyze } from "../src/analyze.js";
import { parseConfig } from "../src/config/load.js";
import { createLinePrefilter } from "../src/rules/line-prefilter.js";
import { mixedLog } from "./helpers/nccl-mixed.js";
// @ts-expect-error a plain ES module without types
import { generateLog, shapedLog } from "../bench/generate.mjs";

/**
 * With user rules, lines none of their patterns may match still take the counting fast path; the report must be
 * the one of reading every line the ordinary way, whatever the patterns (anchored, case-blind, dot-all, matching
 * counted lines, matching nothing, with a lookaround).
 */

const dir = mkdtempSync(join(tmpdir(), "vd-prefilter-"));
const logs = {
  mixed: join(dir, "mixed.log"),
  generated: join(dir, "generated.log"),
  // (the patterns see a record's text; in the raw bytes a wrapper stands before it)
  wrapped: join(dir, "wrapped.log"),
};
// (100 rounds of the mix: every kind of line and look-alike, ten times; the steps after it repeat them)
writeFileSync(logs.mixed, mixedLog(100).replace(" ümlaut", ""));
// (180 kB: start-up, NCCL's set-up and some 36 steps of collectives, up to the opCount 1f the first pattern looks for)
writeFileSync(logs.generated, [...(generateLog({ bytes: 180_000, seed: 9 }) as Iterable<string>)].join(""));
writeFileSync(logs.wrapped, [...(shapedLog("kubectl", { bytes: 100_000, seed: 9 }) as Iterable<string>)].join(""));

const patternSets: Record<string, { pattern: string; flags?: string }[]> = {
  "a counted collective": [{ pattern: "AllReduce: opCount 1f\\b" }],
  "anchored at both ends": [{ pattern: "^node-a:500:500 \\[0\\] NCCL INFO Broadcast: opCount \\w+ .*stream 0x55d0c9a1c000$" }],
  "a TRACE line by its start": [{ pattern: "^gpu-node-b:41105:41245 \\[7\\] \\d+\\.\\d+ recvProxy" }],
  "case-blind and a group": [{ pattern: "ALLGATHER: OPCOUNT (\\w+)", flags: "i" }],
  "dot-all across lines": [{ pattern: "opCount 5.*opCount 6", flags: "s" }],
  "multi-line flag": [{ pattern: "\\[nranks=4\\] stream 0x55d0c9a1c000$", flags: "m" }],
  "an empty match": [{ pattern: "x*" }],
  "matching nothing": [{ pattern: "no such text anywhere" }],
  "a lookaround (no fast path then)": [{ pattern: "(?<=comm )0x55d0c9a1b3c0" }],
  "several": [{ pattern: "opCount 7\\b" }, { pattern: "sendProxy \\[3/" }, { pattern: "Init COMPLETE" }],
};

async function report(path: string, set: { pattern: string; flags?: string }[], fastPath: boolean): Promise<string> {
  const rules = parseConfig({ userRules: set.map((p, i) => ({ id: `team/p${i}`, severity: "warning", title: "t", message: "{count} at {match}", ...p })) });
  const { report, events } = await analyze([path], { rules, fastPath, limits: { chunkBytes: fastPath && path === logs.generated ? 1 << 20 : 8192 } });
  return JSON.stringify({ report, events });
}

describe("user rules and the counting fast path", () => {
  const findNothing = new Set(["matching nothing", "dot-all across lines"]);
  for (const [name, set] of Object.entries(patternSets)) {
    it(`${name}: the report of reading every line the ordinary way`, async () => {
      let found = 0;
      for (const path of Object.values(logs)) {
        const slow = await report(path, set, false);
        expect(await report(path, set, true), path).toBe(slow);
        found += JSON.parse(slow).report.findings.filter((f: { ruleId: string }) => f.ruleId.startsWith("team/")).length;
      }
      if (findNothing.has(name)) expect(found).toBe(0);
      else expect(found).toBeGreaterThan(0);
    });
  }

  it("the patterns do find lines (the comparison above is not between two empty reports)", async () => {
    const out = JSON.parse(await report(logs.generated, patternSets["a TRACE line by its start"], true));
    expect(out.report.findings.find((f: { ruleId: string }) => f.ruleId === "team/p0")?.message).toMatch(/^\d+ at /);
  });
});

describe("createLinePrefilter", () => {
  const lines = (text: string, patterns: RegExp[]) => {
    const f = createLinePrefilter(patterns)!;
    const b = Buffer.from(text, "latin1");
    f.begin(b);
    const out: boolean[] = [];
    for (let s = 0; s < b.length; ) {
      const nl = b.indexOf(10, s);
      out.push(f.mayMatch(s, nl));
      s = nl + 1;
    }
    return out;
  };

  it("marks the lines a match touches, also lines a match runs across", () => {
    expect(lines("a\nfoo\nb\n", [/foo/])).toEqual([false, true, false]);
    expect(lines("a\nfoo\nbar\nc\n", [/foo\sbar/])).toEqual([false, true, true, false]);
    expect(lines("xa\nab\n", [/^a/])).toEqual([false, true]);
    expect(lines("ab\nba\n", [/a$/])).toEqual([false, true]);
  });

  it("over a chunk of many windows: every line a pattern matches on its own is marked", () => {
    const words = ["alpha", "beta", "gamma", "NCCL INFO", "opCount 7", "x", "", "  ", "[1]", "end"];
    const text = Array.from({ length: 20_000 }, (_, i) => `${words[i % 7]} ${i} ${words[(i * 3) % 10]}${i % 11 === 0 ? " tail" : ""}`).join("\n") + "\n";
    expect(text.length).toBeGreaterThan(4 * (64 << 10));
    for (const re of [/^gamma \d+ beta/, /tail$/, /6 \[1\]$/, /^x \d+ /, /\d{4} opCount/i]) {
      const marked = lines(text, [re]);
      const standalone = text.split("\n").slice(0, -1).map((l) => re.test(l));
      expect(standalone.some(Boolean)).toBe(true);
      standalone.forEach((m, i) => m && expect(marked[i], `${re} line ${i}`).toBe(true));
    }
  });

  it("answers null for a lookaround", () => {
    expect(createLinePrefilter([/a(?=b)/])).toBeNull();
    expect(createLinePrefilter([/(?<!a)b/])).toBeNull();
    expect(createLinePrefilter([/ab/])).not.toBeNull();
  });
});
