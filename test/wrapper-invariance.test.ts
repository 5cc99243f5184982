import { describe, expect, it } from "vitest";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { analyzeSource, buildReport } from "../src/analyze.js";
import { memorySource } from "../src/input/memory.js";
import { peel } from "../src/records/peel.js";
import { splitPhysicalLine } from "../src/records/split.js";
import { ROOT } from "./helpers/cli.js";

/**
 * The facts the scorer judges, and the findings, must not depend on how the log reached us: each real log of
 * ../shared/corpus/{vllm,nccl} is analyzed as it is and again with every line wrapped the way `kubectl logs
 * --timestamps`, containerd (CRI), docker compose, Swarm, pm2 and Buildkite write it, with CRLF endings, and gzipped.
 * The corpus is read at test time, never copied.
 */
const CORPUS = join(ROOT, "..", "shared", "corpus");

// the scored paths under `facts` (../shared/tools/conformance.mjs FACTS, plus vllm.version/engine)
const SCORED = [
  "config.tensorParallelSize", "config.pipelineParallelSize", "config.dataParallelSize", "config.executorBackend", "config.model",
  "config.maxModelLen", "config.gpuMemoryUtilization",
  "kvCache.tokens", "kvCache.maxConcurrency", "kvCache.tokensPerRequest", "kvCache.gpuBlocks", "kvCache.cpuBlocks", "kvCache.availableGiB",
  "memory.modelWeightsGiB",
  "nccl.version", "nccl.ranks", "nccl.nodes", "nccl.net", "nccl.ibHcas", "nccl.gdr", "nccl.initComplete", "nccl.transports",
  "vllm.version", "vllm.engine",
];
// scored by their line number only
const SCORED_LINES = ["firstError", "nccl.firstWarn"];

/** per-line wrappers, as each tool writes a line of the container's output */
const LINE_WRAPPERS: Record<string, (line: string) => string> = {
  "kubectl --timestamps": (l) => `2025-07-29T12:19:19.333962774Z ${l}`,
  "CRI (containerd)": (l) => `2025-07-29T12:19:19.333962774+07:00 stdout F ${l}`,
  "docker compose": (l) => `vllm-1  | ${l}`,
  "Buildkite gutter": (l) => `[2025-03-10T15:07:20Z] ${l}`,
  "Buildkite raw job log (APC timestamp)": (l) => `\x1b_bk;t=1741619240123\x07${l}`,
  "Buildkite timestamp, control bytes lost": (l) => `_bk;t=1741619240123${l}`,
  "kubectl --prefix --timestamps": (l) => `[pod/vllm-0/vllm] 2025-07-29T12:19:19.3339627Z ${l}`,
  "kubectl --prefix": (l) => `[pod/vllm-0/vllm] ${l}`,
  "docker compose, colored": (l) => `\x1b[36mmy-project-vllm-openai-1  |\x1b[0m ${l}`,
  "docker service logs (Swarm)": (l) => `vllm_vllm.1.x7k2m9q4p0s1@gpu-node-1    | ${l}`,
  "pm2 logs, colored": (l) => `\x1b[32m0|vllm  | \x1b[39m${l}`,
};

/** wrapper/file combinations whose difference is inherent, with the reason */
const EXCLUDED: Record<string, string> = {
  "Buildkite timestamp, control bytes lost|nccl/104-pytorch122571-pasted-error-fragments-version-mismatch.log":
    "rule signatures search the raw line, where the lost BEL glues the stamp's digits onto the first word (`…0123internal error`)",
};

function get(obj: unknown, path: string): unknown {
  let cur = obj;
  for (const key of path.split(".")) {
    if (cur == null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

async function scored(name: string, content: string | Uint8Array): Promise<Record<string, unknown>> {
  const part = await analyzeSource(memorySource(name, content), 0);
  const report = buildReport(part.state, part.events);
  const out: Record<string, unknown> = {};
  for (const p of SCORED) out[p] = get(report.facts, p);
  for (const p of SCORED_LINES) out[`${p}.line`] = (get(report.facts, p) as { line?: number } | undefined)?.line;
  out.rules = [...new Set(report.findings.map((f) => f.ruleId))].sort();
  // finer than the facts: the same events from the same lines (what a held-back log's facts are built from)
  // (nccl.process reports the origin, which a kubectl --prefix or compose wrapper rightly adds to)
  out.events = part.events.filter((e) => e.kind !== "nccl.process").map((e) => `${e.kind}@${e.ev.line}`).join(" ");
  return out;
}

function wrapLines(text: string, wrap: (line: string) => string): string {
  const trailing = text.endsWith("\n");
  const lines = (trailing ? text.slice(0, -1) : text).split("\n");
  return lines.map(wrap).join("\n") + (trailing ? "\n" : "");
}

const dirs = ["vllm", "nccl"].map((d) => join(CORPUS, d)).filter((d) => existsSync(d));

describe.skipIf(dirs.length === 0)("facts and findings do not depend on the wrapper", () => {
  const files = dirs.flatMap((d) => readdirSync(d).filter((f) => f.endsWith(".log")).sort().map((f) => join(d, f)));
  const variants: Record<string, (text: string) => string | Uint8Array> = {
    ...Object.fromEntries(Object.entries(LINE_WRAPPERS).map(([k, w]) => [k, (t: string) => wrapLines(t, w)])),
    "CRLF line endings": (t) => t.replace(/\r?\n/g, "\r\n"),
    gzip: (t) => gzipSync(Buffer.from(t, "utf8")),
  };
  // finer than the facts: every physical line must peel to the same record texts (blank lines included, which
  // end tracebacks and precede NCCL WARN records) whether it is wrapped or not
  const texts = (line: string) => splitPhysicalLine(line).map((p) => peel(p).text).filter((t) => t !== "");
  for (const [wrapper, wrap] of Object.entries(LINE_WRAPPERS)) {
    it(`${wrapper}: every corpus line peels to the same records`, () => {
      const diffs: string[] = [];
      for (const file of files) {
        readFileSync(file, "utf8").split("\n").forEach((line, i) => {
          const plain = JSON.stringify(texts(line));
          const wrapped = JSON.stringify(texts(wrap(line)));
          if (plain !== wrapped) diffs.push(`${file.slice(CORPUS.length + 1)}:${i + 1}: ${plain} -> ${wrapped}`);
        });
      }
      expect(diffs).toEqual([]);
    });
  }
  it("a wrapped blank line peels to nothing", () => {
    for (const wrap of Object.values(LINE_WRAPPERS)) expect(peel(wrap("")).text).toBe("");
  });

  // each log's own reading, made once for all the variants
  const plainOf = new Map<string, Promise<Record<string, unknown>>>();
  const plainScored = (short: string, text: string) => {
    let p = plainOf.get(short);
    if (!p) plainOf.set(short, (p = scored(short, text)));
    return p;
  };
  // not the whole cross product: log i (in sorted order) is read under variants i, i + 4 and i + 8 (mod 11), so every
  // log is read wrapped three ways and every variant reads three logs in eleven, a different three for each
  // variant; the peel test above still puts every line of every log through every wrapper
  const names = Object.keys(variants);
  const SPREAD = [0, 4, 8];
  const rotation = (v: number) => files.filter((_, i) => SPREAD.some((k) => (i + k) % names.length === v));
  it("the rotation reads every log under three different variants, and every variant reads about a quarter of the logs", () => {
    const seen = new Map(files.map((f) => [f, 0]));
    for (const v of names.keys()) for (const f of rotation(v)) seen.set(f, seen.get(f)! + 1);
    expect([...seen.values()].every((n) => n === 3)).toBe(true);
    for (const v of names.keys()) expect(rotation(v).length).toBeGreaterThanOrEqual(Math.floor((3 * files.length) / names.length));
  });
  for (const [v, [variant, make]] of Object.entries(variants).entries()) {
    it(`${variant}: the corpus logs of its rotation (three in every ${names.length}; each log under three variants)`, async () => {
      const diffs: string[] = [];
      for (const file of rotation(v)) {
        const short = file.slice(CORPUS.length + 1);
        if (EXCLUDED[`${variant}|${short}`]) continue;
        const text = readFileSync(file, "utf8");
        const plain = await plainScored(short, text);
        const wrapped = await scored(short, make(text));
        for (const key of Object.keys(plain)) {
          if (JSON.stringify(plain[key]) !== JSON.stringify(wrapped[key])) {
            diffs.push(`${short}: ${key} ${JSON.stringify(plain[key])} -> ${JSON.stringify(wrapped[key])}`);
          }
        }
      }
      expect(diffs).toEqual([]);
    }, 60_000);
  }
});
