import type { LabelRow } from "../../grammars/bench-row.js";

/**
 * `vllm bench serve` / `benchmark_serving.py` results: the printed block's rows and the `--save-result`
 * JSON, both mapped to the camelCase facts of `facts.bench.serve`.
 */

/** The keys CONTRACT.md fixes: always present, null when the result does not show them. */
export const SERVE_CONTRACT_KEYS = [
  "successfulRequests", "failedRequests", "durationS", "requestThroughput", "outputThroughput",
  "totalTokenThroughput", "meanTtftMs", "medianTtftMs", "p99TtftMs", "meanTpotMs", "p99TpotMs",
  "meanItlMs", "p99ItlMs",
] as const;

// printed label (lower case, without its unit) -> fact key
const ROW_KEYS: Record<string, string> = {
  "successful requests": "successfulRequests",
  "failed requests": "failedRequests",
  "maximum request concurrency": "maxRequestConcurrency",
  "request rate configured": "requestRateConfiguredRps",
  "benchmark duration": "durationS",
  "total input tokens": "totalInputTokens",
  "total generated tokens": "totalGeneratedTokens",
  "request throughput": "requestThroughput",
  "request goodput": "requestGoodput",
  "input token throughput": "inputThroughput",
  "output token throughput": "outputThroughput",
  "peak output token throughput": "peakOutputThroughput",
  "peak concurrent requests": "peakConcurrentRequests",
  "rtfx": "rtfx",
  "total token throughput": "totalTokenThroughput",
  "acceptance rate": "specAcceptanceRatePct",
  "acceptance length": "specAcceptanceLength",
  "drafts": "specDrafts",
  "draft tokens": "specDraftTokens",
  "accepted tokens": "specAcceptedTokens",
};

// the first benchmark_serving.py (2023-06 .. 2024-02) printed plain lines, no table: `Total time: 165.50 s`,
// `Throughput: 6.04 requests/s`, `Average latency: 77.68 s`, `Average latency per token: 0.27 s`,
// `Average latency per output token: 1.03 s` (label -> [fact key, the unit the value must carry])
const LEGACY_ROWS: Record<string, [string, string]> = {
  "total time": ["durationS", "s"],
  "throughput": ["requestThroughput", "requests/s"],
  "average latency": ["averageLatencyS", "s"],
  "average latency per token": ["averageLatencyPerTokenS", "s"],
  "average latency per output token": ["averageLatencyPerOutputTokenS", "s"],
};

/** `Total time: 165.50 s` / `Throughput: 6.04 requests/s` (a requests-only line: the offline tool's has tokens/s): a 2023 serve row */
export function isLegacyServeRow(row: LabelRow): boolean {
  const unit = LEGACY_ROWS[row.label.toLowerCase()];
  return !!unit && !!row.value?.number && row.rest.length === 1 && row.rest[0].text === unit[1];
}

// (sglang's bench_serving, a fork of benchmark_serving.py, prints the end-to-end rows as `Mean E2E Latency (ms):`)
const METRIC_ROW = /^(mean|median|std|p(\d+(?:\.\d+)?)) (ttft|tpot|itl|e2el|e2e latency)$/;
const POSITION_ROW = /^position (\d+)$/;

/** `P99.9` -> `p99_9`; `Mean` -> `mean` */
function statKey(stat: string): string {
  return stat.toLowerCase().replace(".", "_");
}

function metricKey(stat: string, metric: string): string {
  return `${statKey(stat)}${metric[0].toUpperCase()}${metric.slice(1).toLowerCase()}Ms`;
}

// sglang's bench_serving of 2024 (and forks of it) printed `Input throughput (tok/s):`, `Output throughput (tok/s):` and
// `Total throughput (tok/s):` (its metrics' `total_throughput`: input plus output tokens over the duration); only in tokens:
// vLLM's embedding runs print `Input throughput (inputs/s):`, a rate of sequences
const TOKEN_ROW_KEYS: Record<string, string> = {
  "input throughput (tok/s)": "inputThroughput",
  "output throughput (tok/s)": "outputThroughput",
  "total throughput (tok/s)": "totalTokenThroughput",
};

/** The fact key a printed row label stands for, or null when it is not a result row. */
export function serveRowKey(label: string): string | null {
  const token = TOKEN_ROW_KEYS[label.toLowerCase().trim()];
  if (token) return token;
  const l = label.toLowerCase().replace(/\s*\([^)]*\)\s*$/, "").trim();
  const direct = ROW_KEYS[l];
  if (direct) return direct;
  if (l.startsWith("rtfx")) return "rtfx";
  const m = METRIC_ROW.exec(l);
  if (m) return metricKey(m[1], m[3] === "e2e latency" ? "e2el" : m[3]);
  const p = POSITION_ROW.exec(l);
  if (p) return `specPosition${p[1]}AcceptancePct`;
  return null;
}

export const isServeBanner = (t: string): boolean => t.charCodeAt(0) === 61 /* = */ && t.includes("Serving Benchmark Result");
/**
 * Another benchmark's banner in the same layout, `====== Offline Throughput Benchmark Result =======` (sglang's
 * bench_offline_throughput): its rows share labels with the serve block (`Successful requests:`, `Request throughput
 * (req/s):`) but are no serve result.
 */
export const isForeignResultBanner = (t: string): boolean =>
  t.charCodeAt(0) === 61 && /^={3,} ?[A-Z][\w ()/-]{0,60} Benchmark Result ?={3,}$/.test(t) && !t.includes("Serving Benchmark Result");

/** the banner anywhere in a line */
const BANNER_IN_LINE = /={3,} ?Serving Benchmark Result ?={3,}/;
/** the banner-less layout of 2024-02..05 inside a longer line: `... Successful requests: 100 Benchmark duration: 29.060651 s ...` */
const PLAIN_IN_LINE = /(?:^|\s)(?=Successful requests: +\d+\s+(?:\*\*)?Benchmark duration\b)/;
/**
 * Where a row of a flattened block starts: a label the block prints (first letter capital, as printed; an unknown
 * label stays with the row before it, whose value is its first token), a metric row, a section rule or the closing
 * rule, after a blank (and a markdown `**` a paste may have put round a row).
 */
const FLAT_ROW_START = new RegExp(
  "\\s+(?=(?:\\*\\*)?(?:(?:" +
    [...Object.keys(ROW_KEYS).filter((l) => l !== "rtfx"), "total Token throughput", "rTFx"]
      .map((l) => l[0].toUpperCase() + l.slice(1))
      .sort((a, b) => b.length - a.length)
      .join("|") +
    ")(?: \\([^)]{1,40}\\))?:|(?:Mean|Median|Std|P\\d+(?:\\.\\d+)?) (?:TTFT|TPOT|ITL|E2EL|E2E Latency)(?: \\(ms\\))?:|-{3,}[A-Z ]|={20,}|={3,} ?Serving Benchmark Result))",
  "g",
);

/**
 * A result block that a paste flattened onto one line (a digest that joined an issue's lines with blanks:
 * `... ``` ============ Serving Benchmark Result ============ Successful requests: 100 Benchmark duration (s): 108.04 ...`):
 * the text before the banner (the command may be there), then the banner and one piece per row as the block printed
 * them (a closing rule, and a later block's banner, are pieces of their own). Null when the line is no such paste (a
 * banner alone, with or without a prefix before it).
 */
export function splitFlattenedServe(text: string): { before: string; pieces: string[] } | null {
  let m: { index: number; 0: string } | null = BANNER_IN_LINE.exec(text);
  if (!m) {
    // (no banner: the block of 2024-02..05 starts at its first row, which the line reader starts a block at)
    const plain = text.length > 80 ? PLAIN_IN_LINE.exec(text) : null;
    if (!plain || plain.index === 0) return null;
    m = { index: plain.index, 0: "" };
  }
  const after = text.slice(m.index + m[0].length);
  if (after.trim() === "") return null;
  const out: string[] = m[0] ? [m[0]] : [];
  for (const piece of after.split(FLAT_ROW_START)) {
    const p = piece.trim();
    if (!p) continue;
    // the closing rule, and what follows it (the paste's next text)
    const close = /^(={20,})\s+(.+)$/.exec(p);
    if (close) out.push(close[1], close[2]);
    else out.push(p);
  }
  return { before: text.slice(0, m.index).trim(), pieces: out };
}

/** `**Benchmark duration (s): 118.85**`: a row a markdown paste put in bold */
export const unbold = (t: string): string => (t.charCodeAt(0) === 42 /* * */ || t.endsWith("**") ? t.replace(/^\*\*\s*|\s*\*\*$/g, "") : t);

/** `Mean PEAK_MEMORY_MB (MB): 43518.00`, `Mean Vae Decode (s): 1.69`: a row of a section this reader has no key for (a label with its unit, a number) */
export const isUnitRow = (row: LabelRow): boolean => !!row.value?.number && /^[A-Z][\w .\-/%]{0,60} \([^()]{1,20}\)$/.test(row.label);
/**
 * A row of `=` that ends the block: the closing rule (`"=" * 50`), alone or twice side by side (`paste`/`diff -y` of
 * two runs: `=====...   |  =====...`), or a shorter one (a paste cut inside the closing rule; a script's own separator).
 */
export const isClosingRule = (t: string): boolean => /^={20,}(?:\s+[|<>]?\s*={20,})?$/.test(t);
/** the whole closing rule: the block is complete (a rule cut short, `=====...=` of 40, is no proof the block ended) */
export const isWholeClosingRule = (t: string): boolean => /^={50,}(?:\s+[|<>]?\s*={50,})?$/.test(t);

/**
 * `| Benchmark duration (s): | 61.02 |` (or without the colon, or with more value columns: several runs): a row of
 * the block that a paste turned into a markdown table, as the row it was (`Benchmark duration (s): 61.02`, the first
 * value column); null for any other line.
 */
export function tableRowAsRow(t: string): string | null {
  const cells = t.replace(/^\s*\|/, "").split("|");
  if (cells.length < 2) return null;
  const label = cells[0].replace(/\*\*/g, "").trim().replace(/:$/, "");
  if (!label || !serveRowKey(label)) return null;
  const value = cells[1].replace(/\*\*/g, "").trim();
  return /^(?:[-+]?\d+(?:\.\d+)?|inf)$/i.test(value) ? `${label}: ${value}` : null;
}
/** `---------------Time to First Token----------------` */
export const isSectionRule = (t: string): boolean => t.startsWith("-----") && t.endsWith("---");

// the metric sections serve.py prints (`"{s:{c}^{n}}".format(s=header, n=50, c="-")`): TTFT, TPOT, ITL, E2EL (sglang's
// fork capitalises `Inter-Token Latency` and `End-to-End Latency`)
const METRIC_SECTION = /^-{3,}(?:Time to First Token|Time per Output Token(?: \(excl\. 1st token\))?|Inter-token Latency|End-to-end Latency)-{3,}$/i;
/** A metric section's rule: where a paste that starts below the block's head (no banner, no request rows) begins */
export const isMetricSectionRule = (t: string): boolean => METRIC_SECTION.test(t);

/** Collects the rows of one printed block. */
export class ServeBlock {
  readonly values: Record<string, unknown> = {};
  complete = false;
  rows = 0;
  /**
   * the banner was a line of its own (not a piece of a flattened line, not quoted in prose): a paste cut right below it,
   * or one whose rows this reader has no key for (sglang's `Backend:`), is still a result, not complete
   */
  bannerLine = false;

  /**
   * `section`: the block is a paste's tail that starts at a metric section's rule (its rows are latency metrics only);
   * `table`: its rows came from a markdown table; `fragment`: a paste that quotes rows of the block alone, from a row
   * printed with its unit (`Output token throughput (tok/s):`), with no banner or head rows above it (read as a tail)
   */
  constructor(readonly banner: boolean, readonly section = false, readonly table = false, readonly fragment = false) {}

  /**
   * A block of the 2023 layout counts once it has its `Throughput: N requests/s` row (a lone `Total time: 3 s` is no
   * result); a banner on a line of its own counts with no row under it. A markdown table needs a row only this block prints (`Successful requests`, `Benchmark duration`): other
   * tools' summary tables share labels such as `Failed requests` and `Request throughput (req/s)` (evalscope perf).
   */
  get isResult(): boolean {
    // (one such row alone may be a sentence's quote of it: two rows of the block, one under the other, are a paste)
    if (this.fragment) return this.rows >= 2;
    if (this.table) return "successfulRequests" in this.values || "durationS" in this.values;
    return (this.banner && (this.rows > 0 || this.bannerLine)) || (this.rows > 0 && ("successfulRequests" in this.values || "requestThroughput" in this.values || this.section));
  }

  /**
   * A block without its banner that already holds the head rows (`Successful requests:` and more): a later row this
   * reader has no key for (sglang's `Concurrency: 252.93`, `Max ITL (ms): 938.36`) stays inside it, as in a bannered block.
   */
  get established(): boolean {
    return !this.banner && !this.table && "successfulRequests" in this.values && this.rows >= 2;
  }

  /** Takes one row; false when the row is not one of this block's. */
  addRow(row: LabelRow): boolean {
    const legacy = LEGACY_ROWS[row.label.toLowerCase()];
    if (legacy && !isLegacyServeRow(row)) return false;
    const key = legacy ? legacy[0] : serveRowKey(row.label);
    if (!key) return false;
    if (row.value?.number) {
      let value = Number(row.value.text);
      // the 2024-02 layout printed `Benchmark duration: 12.345678 s`: same unit, no header
      if (Number.isFinite(value)) {
        if (!(key in this.values)) this.values[key] = value;
      }
    } else if (key === "requestRateConfiguredRps" && row.value?.text.toLowerCase() === "inf") {
      this.values[key] ??= "inf";
    }
    this.rows++;
    return true;
  }

  /** The facts, with the contract keys always present. */
  finish(context: ServeContext): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const k of SERVE_CONTRACT_KEYS) out[k] = this.values[k] ?? null;
    Object.assign(out, this.values);
    for (const k of SERVE_CONTRACT_KEYS) out[k] ??= null;
    out.complete = this.complete;
    // a tail pasted from a metric section down: the headline run only when the text has no whole block
    if (this.section || this.fragment) out.tailOnly = true;
    // the requests sent: the command's --num-prompts, else the total of the finished progress bar above the banner
    const sent = context.numPrompts ?? context.requestsInProgressBar;
    if (context.numPrompts !== undefined) out.numPromptsInCommand = context.numPrompts;
    else if (context.requestsInProgressBar !== undefined) out.requestsInProgressBar = context.requestsInProgressBar;
    if (sent !== undefined) {
      const ok = out.successfulRequests;
      if (out.failedRequests === null && typeof ok === "number" && ok <= sent) out.unsuccessfulRequestsInferred = sent - ok;
    }
    if (context.maxConcurrency !== undefined) out.maxConcurrencyInCommand = context.maxConcurrency;
    if (context.failureDump) out.failureDump = true;
    return out;
  }
}

/** What the lines before a block say about the run (the command line, the failure dump). */
export interface ServeContext {
  numPrompts?: number;
  /** the total of the last finished progress bar (`100%|████| 4096/4096 [01:27<00:00, 46.61it/s]`): one tick per request sent */
  requestsInProgressBar?: number;
  maxConcurrency?: number | null;
  failureDump?: boolean;
}

/**
 * tqdm's finished bar without a description (`100%|█████| 4096/4096 [01:27<00:00, 46.61it/s]`): the serve benchmark's
 * `tqdm(total=len(input_requests))`, ticked once per request whatever its outcome. A bar with a description
 * (`Warmup: 100%|...`) or one not at its total (a redraw cut by the paste) is no count of the requests sent.
 */
const FINISHED_BAR = /^100%\|[^|]*\|\s*(\d+)\/(\d+)\s*\[/;

/** Reads a finished progress bar's total into the context; true when the line was one. */
export function readProgressBar(text: string, ctx: ServeContext): boolean {
  const m = FINISHED_BAR.exec(text);
  if (!m || m[1] !== m[2]) return false;
  ctx.requestsInProgressBar = Number(m[2]);
  return true;
}

/** Reads `--num-prompts N` / `--max-concurrency N` from a command line or a `Maximum request concurrency: N` line. */
export function readServeContext(text: string, ctx: ServeContext): boolean {
  let hit = false;
  // (the last one given counts, as argparse takes it)
  const all = [...text.matchAll(/--num[-_]prompts[= ]+(\d+)/g)];
  const n = all[all.length - 1];
  if (n) {
    ctx.numPrompts = Number(n[1]);
    hit = true;
  }
  const c = /--max[-_]concurrency[= ]+(\d+)/.exec(text);
  if (c) {
    ctx.maxConcurrency = Number(c[1]);
    hit = true;
  }
  return hit;
}

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

/** True when a parsed JSON object is a `--save-result` serve result. */
export function isServeJson(o: Record<string, unknown>): boolean {
  // (sglang's bench_serving `--output-file` lines of 2024 carry no request_throughput: their output_throughput names them)
  return "completed" in o && "duration" in o && ("request_throughput" in o || "request_inthroughput" in o || "total_token_throughput" in o || "output_throughput" in o);
}

const JSON_KEYS: Record<string, string> = {
  completed: "successfulRequests",
  failed: "failedRequests",
  duration: "durationS",
  request_throughput: "requestThroughput",
  request_inthroughput: "requestThroughput",
  output_throughput: "outputThroughput",
  total_token_throughput: "totalTokenThroughput",
  // sglang's bench_serving `--output-file` JSON lines
  total_throughput: "totalTokenThroughput",
  input_throughput: "inputThroughput",
  total_input_tokens: "totalInputTokens",
  total_output_tokens: "totalGeneratedTokens",
  request_goodput: "requestGoodput",
  "request_goodput:": "requestGoodput",
  max_output_tokens_per_s: "peakOutputThroughput",
  max_concurrent_requests: "peakConcurrentRequests",
  rtfx: "rtfx",
  num_prompts: "numPrompts",
  burstiness: "burstiness",
};

// (sglang's JSON lines name the end-to-end latency `mean_e2e_latency_ms`, `p99_e2e_latency_ms`)
const JSON_METRIC = /^(mean|median|std|p(\d+(?:\.\d+)?))_(ttft|tpot|itl|e2el|e2e_latency)_ms$/;
const DETAIL_ARRAYS = ["errors", "generated_texts", "input_lens", "itls", "output_lens", "start_times", "ttfts"];

/** Elements of a JSON array as digested by src/input/json-digest (a trailing `$elided` summary). */
function arrayStats(a: unknown[]): { length: number; nonEmptyStrings: number } {
  const last = a[a.length - 1] as Record<string, unknown> | undefined;
  if (last && typeof last === "object" && "$elided" in last) {
    return { length: Number(last.$length) || a.length - 1, nonEmptyStrings: Number(last.$nonEmptyStrings) || 0 };
  }
  return { length: a.length, nonEmptyStrings: a.filter((x) => typeof x === "string" && x.length > 0).length };
}

/** Maps a `--save-result` object to the serve facts. */
export function serveFromJson(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of SERVE_CONTRACT_KEYS) out[k] = null;
  for (const [k, v] of Object.entries(o)) {
    const key = JSON_KEYS[k];
    if (key) {
      if (num(v) !== null) out[key] = v;
      continue;
    }
    const m = JSON_METRIC.exec(k);
    if (m && num(v) !== null) out[metricKey(m[1], m[3] === "e2e_latency" ? "e2el" : m[3])] = v;
  }
  if ("max_concurrency" in o) out.maxRequestConcurrency = num(o.max_concurrency);
  if ("request_rate" in o) out.requestRate = typeof o.request_rate === "string" || typeof o.request_rate === "number" ? o.request_rate : null;
  for (const k of ["date", "backend", "endpoint_type", "label", "model_id", "tokenizer_id"] as const) {
    if (typeof o[k] === "string") out[k === "model_id" ? "modelId" : k === "tokenizer_id" ? "tokenizerId" : k === "endpoint_type" ? "endpointType" : k] = o[k];
  }
  out.goodputKey = "request_goodput:" in o ? "request_goodput:" : "request_goodput" in o ? "request_goodput" : null;
  const arrays = DETAIL_ARRAYS.filter((k) => Array.isArray(o[k]));
  out.detailedArrays = arrays;
  if (Array.isArray(o.errors)) {
    const stats = arrayStats(o.errors);
    out.errorsNonempty = stats.nonEmptyStrings;
  }
  out.complete = true;
  return out;
}
