import type { Event } from "../events/index.js";
import type { Evidence } from "../model.js";
import type { FactDomain } from "./domain.js";
import type { BenchFacts, Missing } from "./schema.js";
import type { BenchTool } from "../events/bench.js";

export interface BenchRun {
  kind: string;
  format?: string;
  file: string;
  line: number;
  text?: string;
  input: number;
  values: Record<string, unknown>;
}

export interface BenchDevice {
  rank: number;
  host: string;
  gpuName: string | null;
  file: string;
  line: number;
  input: number;
}

/** a Python traceback through a benchmark script: the benchmark died there */
export interface BenchAbort {
  tool: BenchTool;
  file: string;
  line: number;
  text: string;
  input: number;
  errorType: string | null;
  message: string;
}

export interface BenchState {
  runs: BenchRun[];
  aborts?: BenchAbort[];
  /** nccl-tests device lines (rank, host, GPU), for the NCCL domain and rules */
  devices?: BenchDevice[];
}

/** The CONTRACT keys of each kind: a kind that was seen reports each one it lacks in `missing`. */
const CONTRACT: Record<string, { path: string; keys: string[] }> = {
  serve: {
    path: "bench.serve",
    keys: ["successfulRequests", "failedRequests", "durationS", "requestThroughput", "outputThroughput", "totalTokenThroughput", "meanTtftMs", "medianTtftMs", "p99TtftMs", "meanTpotMs", "p99TpotMs", "meanItlMs", "p99ItlMs"],
  },
  throughput: { path: "bench.throughput", keys: ["requestsPerS", "totalTokensPerS", "outputTokensPerS"] },
  latency: { path: "bench.latency", keys: ["avgLatencyS"] },
  ncclTests: { path: "bench.ncclTests", keys: ["collective", "ranks", "avgBusbwGBs", "maxBusbwGBs", "wrongTotal", "outOfBoundsOk"] },
};

function missingOf(kind: string, key: string, values: Record<string, unknown>): Missing {
  const fact = `${CONTRACT[kind].path}.${key}`;
  if (kind === "serve") {
    if (key === "failedRequests") {
      return {
        fact,
        why: values.format === "json" ? "the result file has no `failed` key (written before 2025-10)" : "the result block has no `Failed requests` row (vLLM before 2025-10, or a cut paste)",
        howToGet: "use a vLLM from 2025-10 or later, or compare `Successful requests` with --num-prompts; the --save-result JSON lists per-request `errors` with --save-detailed",
      };
    }
    return { fact, why: "the serve result does not show this metric (a cut paste, an older layout or other --percentile-metrics)", howToGet: "keep the whole `Serving Benchmark Result` block, or pass --save-result and read the JSON; --percentile-metrics ttft,tpot,itl --metric-percentiles 50,90,99" };
  }
  if (kind === "throughput") {
    return { fact, why: values.lineFormat === "requests+tokens" ? "the pre-2024-10 `Throughput:` line prints total tokens/s only" : "the throughput result does not show it", howToGet: "use a newer `vllm bench throughput`, whose line also prints output tokens/s" };
  }
  if (kind === "latency") return { fact, why: "the latency result has no complete `Avg latency: X seconds` line", howToGet: "keep the whole `vllm bench latency` output or pass --output-json" };
  const how: Record<string, string> = {
    collective: "keep the command line (`all_reduce_perf ...`) or the `# Collective test starting:` line with the output",
    ranks: "keep the `# Using devices` / `#  Rank N ... on host device` lines with the output",
    avgBusbwGBs: "keep the output down to `# Avg bus bandwidth`",
    maxBusbwGBs: "keep the result rows of the table",
    wrongTotal: "nccl-tests before 2022-08 print a deviation (`error`), not a count, and -c 0 prints N/A; use a newer nccl-tests with validation on",
    outOfBoundsOk: "keep the output down to `# Out of bounds values`",
  };
  return { fact, why: "the nccl-tests output does not show it (a cut paste or an older version)", howToGet: how[key] ?? "keep the whole nccl-tests output" };
}

/**
 * The benchmark a traceback frame's file belongs to: benchmarks/benchmark_serving.py (and its request functions),
 * vllm/benchmarks/serve.py (`vllm bench serve`), the throughput and latency scripts of either layout. A script run as
 * the program shows `<module>` as its first frame; a module of the vllm package at `<module>` is only being imported.
 */
function benchToolOfFrame(file: string, func: string): BenchTool | null {
  const f = file.replace(/\\/g, "/");
  // a module of the vllm package at `<module>` is being imported (the CLI imports every benchmark), not run
  const packaged = /\/vllm\/benchmarks\/(?:serve|throughput|latency|lib\/endpoint_request_func)\.py$/.test(f);
  // (`<module` too: a frame line a terminal's width cut before its `>`)
  if (packaged && func.startsWith("<module")) return null;
  if (/(?:^|\/)(?:benchmark_serving\w*|backend_request_func)\.py$|\/vllm\/benchmarks\/(?:serve|lib\/endpoint_request_func)\.py$/.test(f)) return "serve";
  if (/(?:^|\/)benchmark_throughput\.py$|\/vllm\/benchmarks\/throughput\.py$/.test(f)) return "throughput";
  if (/(?:^|\/)benchmark_latency\.py$|\/vllm\/benchmarks\/latency\.py$/.test(f)) return "latency";
  return null;
}

const round2 = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? Math.round(v * 100) / 100 : null);

/**
 * The same serve run printed twice, as the block and as its `--save-result` JSON next to it (a job script that cats the
 * result file after the output): the JSON gives no run of its own. The same run has the same request count and the
 * same duration (the block prints it to 2 decimals) and total input tokens.
 */
function isEcho(a: BenchRun, b: BenchRun): boolean {
  if (a.kind !== "serve" || b.kind !== "serve" || a.input !== b.input || (a.format ?? "text") === (b.format ?? "text")) return false;
  const same = (k: string) => a.values[k] !== null && a.values[k] !== undefined && round2(a.values[k]) === round2(b.values[k]);
  return same("successfulRequests") && same("durationS") && (a.values.totalInputTokens == null || b.values.totalInputTokens == null || same("totalInputTokens"));
}

function dropEchoes(runs: BenchRun[]): BenchRun[] {
  const out: BenchRun[] = [];
  let prev: BenchRun | null = null; // the serve run just before (other kinds' runs between them aside)
  for (const r of runs) {
    if (r.kind === "serve") {
      if (prev && isEcho(prev, r)) continue;
      prev = r;
    }
    out.push(r);
  }
  return out;
}

/** The first benchmark that died (a traceback through its script) with no result of that benchmark after it in the same input. */
function aborted(aborts: BenchAbort[], runs: BenchRun[]): Pick<BenchFacts, "aborted"> {
  const a = [...aborts]
    .sort((x, y) => x.input - y.input || x.line - y.line)
    .find((x) => !runs.some((r) => r.kind === x.tool && r.input === x.input && r.line > x.line));
  // (present only when a benchmark died: a report of a log without one is unchanged)
  return a ? { aborted: { tool: a.tool, errorType: a.errorType, message: a.message, evidence: { file: a.file, line: a.line, text: a.text } } } : {};
}

export const benchDomain: FactDomain<BenchState, BenchFacts> = {
  name: "bench",
  init: () => ({ runs: [], devices: [], aborts: [] }),
  reduce(state, e: Event) {
    if (e.kind === "traceback") {
      const tool = e.frames.map((f) => benchToolOfFrame(f.file, f.func)).find((t) => t !== null) ?? null;
      if (tool) (state.aborts ??= []).push({ tool, file: e.ev.file, line: e.ev.line, text: e.ev.text, input: e.input, errorType: e.errorType, message: e.message });
    } else if (e.kind === "bench.result") {
      state.runs.push({ kind: e.tool, format: e.format, file: e.ev.file, line: e.ev.line, text: e.ev.text, input: e.input, values: e.values });
    } else if (e.kind === "bench.ncclTestsDevice") {
      (state.devices ??= []).push({ rank: e.rank, host: e.host, gpuName: e.gpuName, file: e.ev.file, line: e.ev.line, input: e.input });
    }
  },
  merge: (a, b) => ({ runs: [...a.runs, ...b.runs], devices: [...(a.devices ?? []), ...(b.devices ?? [])], aborts: [...(a.aborts ?? []), ...(b.aborts ?? [])] }),
  finalize(state) {
    const sources: Record<string, Evidence> = {};
    const missing: Missing[] = [];
    const ordered = dropEchoes([...state.runs].sort((x, y) => x.input - y.input || x.line - y.line));
    const first = (kind: string): Record<string, unknown> | null => {
      const runs = ordered.filter((r) => r.kind === kind);
      // a serve block's tail (the paste of an earlier run, from a metric section down) yields to a whole block after it
      const run = runs.find((r) => r.values.tailOnly !== true) ?? runs[0];
      if (!run) return null;
      sources[CONTRACT[kind].path] = { file: run.file, line: run.line, text: run.text ?? "" };
      const values: Record<string, unknown> = { ...run.values, format: run.format ?? "text", runCount: runs.length };
      for (const key of CONTRACT[kind].keys) {
        if (values[key] === undefined) values[key] = null;
        if (values[key] === null) missing.push(missingOf(kind, key, values));
      }
      return values;
    };
    return {
      facts: {
        serve: first("serve") as never,
        throughput: first("throughput") as never,
        latency: first("latency") as never,
        ncclTests: first("ncclTests") as never,
        runs: ordered.map(({ kind, file, line, values, format }) => ({ kind, file, line, values: { ...values, format: format ?? "text" } })),
        ...aborted(state.aborts ?? [], ordered),
      },
      sources,
      missing,
    };
  },
};
