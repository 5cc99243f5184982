import { parseLabelRow } from "../../grammars/bench-row.js";
import { parseDeviceLine, parseSettingsLine } from "../../grammars/bench-nccltests.js";
import { evidenceOf, type LogRecord } from "../model.js";
import type { BenchTool } from "./bench.js";
import { isClosingRule, isForeignResultBanner, isLegacyServeRow, isWholeClosingRule, isMetricSectionRule, isSectionRule, isServeBanner, isServeJson, isUnitRow, readProgressBar, readServeContext, ServeBlock, serveFromJson, serveRowKey, splitFlattenedServe, tableRowAsRow, unbold, type ServeContext } from "./bench-serve.js";
import { collectiveOfCommand, isColumnHeader, isNcclTestsJson, isWholeTableRow, NcclTestsRun, ncclTestsFromJson } from "./bench-nccltests.js";
import { isLatencyJson, isThroughputJson, latencyAvg, latencyFacts, latencyFromJson, latencyPercentile, throughputFromJson, throughputFromRow, throughputTotalKey } from "./bench-offline.js";
import { base, type Emit, type RecordReader } from "./types.js";

/** the first row of an nccl-tests footer, with or without its `#` */
const FOOTER_LINE = /^#?\s*Out of bounds values\s*:/;

/** a banner block ends after this many lines that are not its rows (a paste that lost its closing rule) */
const MAX_FOREIGN_LINES_IN_BLOCK = 8;
/**
 * a prefix of a device line that ends before the host (`#  Rank  7 Group  0 Pid 153052 on`), or inside a word (`#  Rank 12
 * Grou`, as the NCCL reader's TESTS_HEADER_CUT_EARLY takes it): nothing after what it has
 */
const CUT_DEVICE = /^#?\s*Rank\s+(\d+)(?:\s+(?:Group(?:\s+\d+)?|G(?:r(?:ou?)?)?(?=\s*$)))?(?:\s+(?:Pid(?:\s+\d+)?|Pi?(?=\s*$)))?(?:\s+on)?\s*$/;
/** the lines of `vllm bench throughput` / `latency` a paste may keep behind a `# ` */
const OFFLINE_RESULT = /^(?:Avg latency: |\d+(?:\.\d+)?% percentile latency: |Throughput: \d|Total num (?:prompt|output) tokens: )/;
/** the lines of `vllm bench throughput` / `latency` inside a longer line (a paste that flattened them, or text glued after one) */
const OFFLINE_IN_LINE =
  /Throughput: \d[\d.]* requests\/s(?:, \d[\d.]* (?:total )?tokens\/s)?(?:, \d[\d.]* output tokens\/s)?|Total num (?:prompt|output) tokens: +\d+|Avg latency: [-+\d.eE]+ seconds|\d+(?:\.\d+)?% percentile latency: [-+\d.eE]+ seconds/g;
/**
 * The banner or the closing rule with a markdown emphasis a paste put round it (`_====== Serving Benchmark Result =======`,
 * `================================_`, `**==...==**`): read as the line it was
 */
const EMPHASIZED_SERVE_RULE = /^[_*]{1,3}={3,} ?Serving Benchmark Result ?={3,}[_*]{0,3}$|^[_*]{0,3}={20,}[_*]{1,3}$|^[_*]{1,3}={20,}$/;
/** another tool's result block (its own banner) is given up past this many lines without its closing rule */
const MAX_FOREIGN_BLOCK_LINES = 60;
/** Hydra's (MPICH, Intel MPI) per-chunk rank tag at a line's start, before nccl-tests' output (`[0] # nThread 1 ...`, `[12]      1048576 ...`) */
const RANK_CHUNK_TAG = /^\[\d{1,6}\](?=\s)/;
/** the same tag wherever a chunk began: the line's start, or glued after a cell (`-1[0]`, `0[0]`) */
const RANK_CHUNK_TAGS = /\[\d{1,6}\](?=\s|$)/g;
/** a JSON document is given up past this many characters (the input digest keeps results far below it) */
const MAX_JSON_CHARS = 4 << 20;

// `"key": value` / `'key': value` with a scalar value (JSON's or Python's spelling)
const SCALAR_PAIR = /["']([A-Za-z_][\w.:]{0,60})["']\s*:\s*("(?:[^"\\]|\\.){0,200}"|'[^']{0,200}'|[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?|null|None|true|True|false|False)(?=\s*[,}\n])/g;

/**
 * The scalar keys of an object text that is no JSON (elided arrays, Python's repr), as an object; null unless it is a
 * result the bench reader knows (serve, throughput or latency: flat objects, so every key is a top-level one).
 */
function scalarKeys(text: string): Record<string, unknown> | null {
  const o: Record<string, unknown> = {};
  for (const m of text.matchAll(SCALAR_PAIR)) {
    const v = m[2];
    const c = v.charCodeAt(0);
    o[m[1]] =
      c === 34 || c === 39 ? v.slice(1, -1) : v === "null" || v === "None" ? null : v === "true" || v === "True" ? true : v === "false" || v === "False" ? false : Number(v);
  }
  // (a latency result's lists are elided or nested: their keys name it)
  if ("avg_latency" in o && /["']latencies["']\s*:/.test(text)) o.latencies = null;
  if (!(isServeJson(o) || isThroughputJson(o) || isLatencyJson(o))) return null;
  o.$repaired = true;
  return o;
}

interface Pending<T> {
  rec: LogRecord;
  data: T;
}

/**
 * Reads benchmark results out of records, one state machine per input: the `vllm bench serve` block
 * (with or without its `# ` comment prefix), throughput and latency lines, nccl-tests tables, and the
 * JSON files the tools write. Only lines that belong to a result are claimed.
 */
export function createBenchReader(): RecordReader & { atRest(): boolean } {
  let serve: Pending<ServeBlock> | null = null;
  let serveHashed = false;
  let foreign = 0;
  /** the pieces of a flattened line are being read (a banner among them is no line of its own) */
  let inFlattened = false;
  /** lines left of another benchmark's result block (`=== Offline Throughput Benchmark Result ===`): no serve rows there */
  let foreignBlock = 0;
  let context: ServeContext = {};
  let nccl: Pending<NcclTestsRun> | null = null;
  let pendingCollective: string | null = null;
  let throughput: Pending<Record<string, unknown>> | null = null;
  let latency: Pending<{ avg: number; percentiles: Record<string, number> }> | null = null;
  let json: { rec: LogRecord; text: string; depth: number; inString: boolean; escape: boolean } | null = null;

  // nccl-tests names the NCCL library it ran with (`nccl-library=23007`, JSON `nccl_version`): NCCL's version as the
  // library itself reports it, for a log whose NCCL printed no banner (NCCL_DEBUG unset, or rank 0's lines cut off)
  const ncclLibrary = (rec: LogRecord, version: string | null, emit: Emit) => {
    if (version) emit({ kind: "nccl.version", ...base(rec, evidenceOf(rec)), host: null, pid: null, dev: null, version, cuda: null, source: "nccl-tests" });
  };
  const isEmpty = (o: object): boolean => {
    for (const _ in o) return false;
    return true;
  };
  const result = (emit: Emit, rec: LogRecord, tool: BenchTool, format: "text" | "json", values: Record<string, unknown>) =>
    emit({ kind: "bench.result", ...base(rec, evidenceOf(rec)), tool, format, values });

  const endServe = (emit: Emit) => {
    if (!serve) return;
    if (serve.data.isResult) result(emit, serve.rec, "serve", "text", serve.data.finish(context));
    serve = null;
    context = {};
    foreign = 0;
  };
  const endNccl = (emit: Emit) => {
    if (!nccl) return;
    if (nccl.data.started) {
      nccl.data.collective ??= pendingCollective;
      result(emit, nccl.rec, "ncclTests", "text", nccl.data.finish());
      pendingCollective = null;
    }
    nccl = null;
  };
  const endThroughput = (emit: Emit) => {
    if (throughput) result(emit, throughput.rec, "throughput", "text", throughput.data);
    throughput = null;
  };
  const endLatency = (emit: Emit) => {
    if (latency) result(emit, latency.rec, "latency", "text", latencyFacts(latency.data.avg, latency.data.percentiles));
    latency = null;
  };
  /**
   * A settings line starts a new run unless it repeats the current run's own before any device line or table: processes
   * of a build without MPI each print the header (`mpirun -np 2` without `MPI=1`), and the copies belong to one output.
   */
  const againSettings = (r: NcclTestsRun, settings: Record<string, number | string>): boolean =>
    r.rows.length > 0 ||
    (r.settings !== null && (r.devices.length > 0 || r.columns !== null || JSON.stringify(r.settings) !== JSON.stringify(settings)));
  /** an nccl-tests run whose next part begins: a new one when the current one has gone past that part */
  const ncclRun = (rec: LogRecord, emit: Emit, startsAgain: (r: NcclTestsRun) => boolean): NcclTestsRun => {
    if (nccl && startsAgain(nccl.data)) endNccl(emit);
    if (!nccl) nccl = { rec, data: new NcclTestsRun() };
    return nccl.data;
  };

  /**
   * The footer's first row (`Out of bounds values : 0 OK`, always printed before `Avg bus bandwidth`) when no open run
   * can take it (none open, or the open one has its footer already): a run of its own, the tail of a run pasted alone
   * or the second process's footer of a build without MPI. Only with a count; false when it opens nothing.
   */
  const footerStartsRun = (rec: LogRecord, u: string, emit: Emit): boolean => {
    const row = parseLabelRow(u);
    if (!row || row.label.toLowerCase() !== "out of bounds values") return false;
    if (row.value === null || !/^\d+$/.test(row.value.text)) return false;
    const taken = (r: NcclTestsRun): boolean => r.footerDone || r.outOfBounds !== null;
    if (nccl && !taken(nccl.data)) return false;
    return ncclRun(rec, emit, taken).readFooter(row.label, row.value.text, row.rest[0]?.text ?? null);
  };

  function readJson(rec: LogRecord, t: string, emit: Emit): void {
    if (!json) json = { rec, text: "", depth: 0, inString: false, escape: false };
    const j = json;
    for (let i = 0; i < t.length; i++) {
      const c = t.charCodeAt(i);
      if (j.inString) {
        if (j.escape) j.escape = false;
        else if (c === 92) j.escape = true;
        else if (c === 34) j.inString = false;
      } else if (c === 34) j.inString = true;
      else if (c === 123 || c === 91) j.depth++;
      else if (c === 125 || c === 93) j.depth--;
    }
    j.text += t + "\n";
    if (j.text.length > MAX_JSON_CHARS || j.inString) {
      json = null;
      return;
    }
    if (j.depth > 0) return;
    json = null;
    let doc: unknown;
    try {
      doc = JSON.parse(j.text);
    } catch {
      // a result file a paste elided (`"ttfts": [0.1, 0.2, ...]`) or a script printed as a Python dict (`{'completed': 98,
      // 'duration': 30.5, ...}`): its plain scalar keys, if they make a result
      doc = scalarKeys(j.text);
      if (!doc) return;
    }
    for (const o of Array.isArray(doc) ? doc : [doc]) {
      if (!o || typeof o !== "object" || Array.isArray(o)) continue;
      const obj = o as Record<string, unknown>;
      // (read from an object text that is no JSON: said so)
      const mark = (v: Record<string, unknown>) => (obj.$repaired ? { ...v, jsonRepaired: true } : v);
      if (isServeJson(obj)) result(emit, j.rec, "serve", "json", mark(serveFromJson(obj)));
      else if (isNcclTestsJson(obj)) {
        const v = ncclTestsFromJson(obj);
        if (v) result(emit, j.rec, "ncclTests", "json", v);
        if (v && typeof v.ncclVersion === "string") ncclLibrary(j.rec, v.ncclVersion, emit);
      } else if (isThroughputJson(obj)) result(emit, j.rec, "throughput", "json", mark(throughputFromJson(obj)));
      else if (isLatencyJson(obj)) result(emit, j.rec, "latency", "json", mark(latencyFromJson(obj)));
    }
  }

  /** A line inside a banner block: true when it was the block's. */
  function readServeLine(rec: LogRecord, text: string, emit: Emit): boolean {
    const block = serve!;
    let t = text;
    if (serveHashed && t.charCodeAt(0) === 35) t = t.replace(/^#\s?/, "").trim();
    if (isServeBanner(t)) {
      endServe(emit);
      return false;
    }
    if (isClosingRule(t)) {
      block.data.complete = isWholeClosingRule(t);
      endServe(emit);
      return true;
    }
    if (isSectionRule(t)) return true;
    t = unbold(t);
    if (t.includes(":") || /^[A-Z]/.test(t)) {
      const row = parseLabelRow(t);
      if (row && block.data.addRow(row)) {
        foreign = 0;
        return true;
      }
      // a row of a section with no key here (`vllm bench serve --omni`'s `Mean PEAK_MEMORY_MB (MB):`, stage durations in
      // seconds): the block's all the same, so its later metric sections are still read as its own
      if (row && block.data.banner && isUnitRow(row)) {
        foreign = 0;
        return true;
      }
      // a `Label: number` row with no key here inside a banner-less block that has its head rows (sglang's
      // `Concurrency: 252.93` between the throughput rows and the latency sections): the block goes on
      if (row?.value?.number && block.data.established && row.rest.length === 0 && ++foreign < MAX_FOREIGN_LINES_IN_BLOCK) return true;
      // a cut last line (`Mean TPOT (ms)`, `P90 TPO`) is the block's but yields nothing
      if (!t.includes(":") && /^(?:Mean|Median|P\d|Std|Total|Request|Output|Peak|Successful|Failed|Benchmark|Maximum)\b/.test(t)) return true;
    }
    if (!block.data.banner || ++foreign >= MAX_FOREIGN_LINES_IN_BLOCK) endServe(emit);
    return false;
  }

  /** `#  Rank  0 Group  0 Pid 1234 on host device  0 [0x1b] NVIDIA A100` (the `#` may be gone): true when it was one */
  function readDevice(rec: LogRecord, t: string, emit: Emit): boolean {
    const d = parseDeviceLine(t);
    if (!d) {
      // a device line a paste cut before its host: its rank still counts
      const cut = CUT_DEVICE.exec(t);
      if (!cut) return false;
      const rank = Number(cut[1]);
      ncclRun(rec, emit, (r) => r.columns !== null || r.rows.length > 0 || r.cutRanks.has(rank) || r.devices.some((x) => x.rank === rank)).cutRanks.add(rank);
      return true;
    }
    // (a rank listed again is another process's header, a build without MPI under mpirun: each process prints its own
    // Rank 0..; where a markdown rendering took their `#`, its device lines go on being read in the run it starts)
    const before = nccl?.data ?? null;
    const listed = before !== null && (before.devicesListed || before.settings !== null) && !t.startsWith("#");
    const run = ncclRun(rec, emit, (r) => r.columns !== null || r.rows.length > 0 || r.devices.some((x) => x.rank === d.rank));
    if (run !== before && listed) run.devicesListed = true;
    run.devices.push(d);
    emit({ kind: "bench.ncclTestsDevice", ...base(rec, evidenceOf(rec)), ...d });
    return true;
  }

  function readNcclComment(rec: LogRecord, t: string, emit: Emit): boolean {
    // t starts with `#`
    if (t.includes("nThread") && t.includes("nGpus")) {
      const settings = parseSettingsLine(t);
      if (!settings) return false;
      ncclRun(rec, emit, (r) => againSettings(r, settings)).settings = settings;
      return true;
    }
    if (t.includes("Rank") && (t.includes(" on ") || CUT_DEVICE.test(t))) return readDevice(rec, t, emit);
    if (t.startsWith("# nccl-tests version")) {
      const run = ncclRun(rec, emit, (r) => r.started);
      run.readVersion(t);
      ncclLibrary(rec, run.ncclLibrary, emit);
      return true;
    }
    if (t.startsWith("# Collective test starting:")) {
      const name = t.slice(t.indexOf(":") + 1).trim();
      ncclRun(rec, emit, (r) => r.started || r.collective !== null).collective = name || null;
      return true;
    }
    if (t.startsWith("# Collective test concluded:")) {
      // (a paste that starts below `# Collective test starting:` still names the test here: the same program's name)
      const name = t.slice(t.indexOf(":") + 1).trim();
      if (nccl && nccl.data.collective === null && name) nccl.data.collective = name;
      if (nccl) nccl.data.concluded = true;
      endNccl(emit);
      return true;
    }
    if (isColumnHeader(t)) {
      // (a paste may start at the table: no settings or device lines above it)
      ncclRun(rec, emit, (r) => r.columns !== null || r.rows.length > 0).readHeader(t);
      return true;
    }
    // the header's units line (`#        (B)    (elements)   ...`): a paste cut above it still starts the table
    if (/^#\s*\(B\)\s+\(elements\)/.test(t)) {
      ncclRun(rec, emit, (r) => r.rows.length > 0);
      return true;
    }
    // a footer with no run open, or after a run's own footer: the paste holds a run's tail alone, or each process of a
    // build without MPI printed its own footer (`mpirun -np 2` without `MPI=1`); its own run
    if (t.includes(":") && FOOTER_LINE.test(t) && footerStartsRun(rec, t.replace(/^#\s*/, ""), emit)) return true;
    if (!nccl) return false;
    // a data row that the writer put behind `# ` like the comment lines round it (an output kept as shell or Python
    // comments: `# 134217728      33554432     float     sum      -1    582.1  230.57  403.50      0 ...`)
    if (nccl.data.columns !== null && !nccl.data.footerDone) {
      const u = t.replace(/^#\s*/, "");
      const d = u.charCodeAt(0);
      if (d >= 48 && d <= 57 && isWholeTableRow(u) && nccl.data.readRow(u)) return true;
    }
    if (t.includes(" : ") || t.includes(":")) {
      const row = parseLabelRow(t.replace(/^#\s*/, ""));
      if (row && nccl.data.readFooter(row.label, row.value?.text ?? null, row.rest[0]?.text ?? null)) return true;
    }
    return /^#\s*(?:\(B\)|Using devices|$|out-of-place|\s)/.test(t);
  }

  const reader: RecordReader & { atRest(): boolean } = {
    // no result block, table, JSON document or benchmark context open
    atRest: () => serve === null && nccl === null && throughput === null && latency === null && json === null && pendingCollective === null && foreignBlock === 0 && !inFlattened && isEmpty(context),
    name: "bench",
    read(rec, emit) {
      const t = rec.text;
      if (json) {
        readJson(rec, t, emit);
        return false;
      }
      if (foreignBlock > 0) {
        // another tool's block ends at its closing rule (or a blank line, or a serve banner); its rows are not the serve block's
        const u = t.charCodeAt(0) === 35 ? t.replace(/^#\s?/, "").trim() : t;
        if (!u || isClosingRule(u)) {
          foreignBlock = 0;
          return false;
        }
        if (!isServeBanner(u)) {
          foreignBlock--;
          return false;
        }
        foreignBlock = 0;
      }
      if (!t) return false;
      const c0 = t.charCodeAt(0);
      // Hydra's `-l` / `-prepend-rank` (MPICH, Intel MPI) puts `[rank] ` where each chunk it forwards begins, not only at a line's start:
      // nccl-tests prints a row in three pieces (size to root, out-of-place, in-place), so the tag comes back inside it
      // (`[0]      1048576        262144     float     sum      -1[0]    1626.5    0.64    1.24      0[0]    2302.3 ...`)
      if (c0 === 91 /* [ */ && RANK_CHUNK_TAG.test(t)) {
        const u = t.replace(RANK_CHUNK_TAGS, " ").trim();
        const d = u.charCodeAt(0);
        if (d === 35 /* # */ || (d >= 48 && d <= 57)) return reader.read({ ...rec, text: u }, emit);
      }
      if ((c0 === 95 /* _ */ || c0 === 42 /* * */ || c0 === 61) && EMPHASIZED_SERVE_RULE.test(t)) {
        return reader.read({ ...rec, text: t.replace(/^[_*]+|[_*]+$/g, "") }, emit);
      }
      // a result block flattened onto one line: its pieces are read as the lines they were
      if (t.length > 60 && (t.includes("Serving Benchmark Result") || t.includes("Successful requests: "))) {
        const flat = splitFlattenedServe(t);
        if (flat) {
          if (flat.before) reader.read({ ...rec, text: flat.before }, emit);
          // (the command before the banner is this block's, whatever the text round it)
          endServe(emit);
          if (/--num[-_]prompts|--max[-_]concurrency/.test(flat.before)) readServeContext(flat.before, context);
          inFlattened = true;
          try {
            for (const p of flat.pieces) reader.read({ ...rec, text: p }, emit);
          } finally {
            inFlattened = false;
          }
          return false;
        }
      }
      // offline results flattened onto one line with other text (`... ray Throughput: 101.53 requests/s, 20305.47 tokens/s ``` With ...`):
      // each result line read as the line it was
      if (t.length > 60 && (t.includes("Throughput: ") || t.includes(" latency: "))) {
        const found = t.match(OFFLINE_IN_LINE);
        if (found && found.join(" ") !== t.trim()) {
          for (const p of found) reader.read({ ...rec, text: p }, emit);
          return false;
        }
      }
      const c = t.charCodeAt(0);
      // a row of the block in a markdown table: read as the row it was; the first such row of a text starts a block
      if (t.indexOf("|") >= 0 && (c === 124 || c === 42 /* * */ || c >= 65)) {
        const asRow = tableRowAsRow(t);
        if (asRow) {
          if (!serve) {
            serve = { rec, data: new ServeBlock(false, false, true) };
            serveHashed = false;
            foreign = 0;
          }
          if (readServeLine(rec, asRow, emit)) return true;
        }
      }
      if ((c === 61 /* = */ || c === 35 /* # */) && isForeignResultBanner(c === 35 ? t.replace(/^#\s?/, "").trim() : t)) {
        endServe(emit);
        foreignBlock = MAX_FOREIGN_BLOCK_LINES;
        return false;
      }
      if (serve) {
        if (readServeLine(rec, t, emit)) return true;
        if (serve) return false;
      }
      if (c === 61 /* = */ || c === 35 /* # */) {
        const unhashed = c === 35 ? t.replace(/^#\s?/, "").trim() : t;
        if (isServeBanner(unhashed)) {
          endServe(emit);
          serve = { rec, data: new ServeBlock(true) };
          serve.data.bannerLine = !inFlattened;
          serveHashed = c === 35;
          foreign = 0;
          return true;
        }
        if (c === 35) {
          // an nccl-tests output kept as comments whole (`# # nThread 1 ...`, `# #  Rank  0 ...`, `# # Avg bus bandwidth ...`):
          // its own `#` lines behind the writer's `# `
          if (t.charCodeAt(1) === 32 && /^#\s+#/.test(t) && readNcclComment(rec, t.replace(/^#\s+/, ""), emit)) return true;
          if (readNcclComment(rec, t, emit)) return true;
          // offline results kept as comments (`# Avg latency: 0.97 seconds`, `# Throughput: 7.15 requests/s, ...`)
          const u = t.replace(/^#+\s*/, "");
          if (OFFLINE_RESULT.test(u)) return reader.read({ ...rec, text: u }, emit);
          if (throughput || latency) {
            endThroughput(emit);
            endLatency(emit);
          }
          return false;
        }
      }
      if (c === 123 /* { */ || (c === 91 /* [ */ && t.charCodeAt(1) === 123)) {
        readJson(rec, t, emit);
        return false;
      }
      // nccl-tests rows pasted as a markdown table (`1024 | 512 | half | sum | -1 | 5.39 | 0.19 | 0.33 | 0 | ...`, GitHub's
      // `-- | -- | ...` separator under the first): each read as the row it was, with blanks for its pipes
      if (((c >= 48 && c <= 57) || c === 124) && t.indexOf("|") > 0) {
        const asRow = pipeRowAsRow(t);
        if (asRow && (isWholeTableRow(asRow) || (nccl !== null && !nccl.data.footerDone && nccl.data.rows.length > 0))) return reader.read({ ...rec, text: asRow }, emit);
      }
      // a paste that starts below the column header (rows and footer only), or a second run's rows after a footer:
      // a whole data row starts the table
      if (c >= 48 && c <= 57 && (!nccl || nccl.data.footerDone) && isWholeTableRow(t)) ncclRun(rec, emit, (r) => r.footerDone);
      if (nccl && ((c >= 48 && c <= 57) || c === 45)) {
        if (!nccl.data.footerDone && nccl.data.readRow(t)) return true;
      }
      // the uncommented column header and footer of 2017's nccl-tests (`bytes N type op time algbw busbw res`)
      if (nccl && (c === 98 /* b */ || c === 115 /* s */) && isColumnHeader(t)) {
        nccl.data.readHeader(t);
        return true;
      }
      if (t.startsWith("Out of bounds values") && footerStartsRun(rec, t, emit)) return true;
      if (nccl && (t.startsWith("Out of bounds values") || t.startsWith("Avg bus bandwidth"))) {
        const row = parseLabelRow(t);
        if (row && nccl.data.readFooter(row.label, row.value?.text ?? null, row.rest[0]?.text ?? null)) return true;
      }
      if (c === 84 /* T */) {
        if (t.startsWith("Throughput:") || t.startsWith("Total time:")) {
          const row = parseLabelRow(t);
          const data = row && throughputFromRow(row);
          if (data) {
            endThroughput(emit);
            throughput = { rec, data };
            return true;
          }
          if (row && isLegacyServeRow(row)) {
            // the 2023 serving layout (`Total time: 165.50 s`, `Throughput: 6.04 requests/s`, `Average latency: ...`)
            const block = new ServeBlock(false);
            block.addRow(row);
            serve = { rec, data: block };
            serveHashed = false;
            foreign = 0;
            return true;
          }
        }
        if (t.startsWith("Total num ") && throughput) {
          const row = parseLabelRow(t);
          const key = row && throughputTotalKey(row.label);
          if (key && row.value?.number) {
            throughput.data[key] = Number(row.value.text);
            return true;
          }
        }
      }
      if (c === 65 /* A */ && t.startsWith("Avg latency:")) {
        const row = parseLabelRow(t);
        const avg = row && latencyAvg(row);
        if (avg !== null && avg !== undefined) {
          endLatency(emit);
          latency = { rec, data: { avg, percentiles: {} } };
          return true;
        }
      }
      if (latency && c >= 48 && c <= 57) {
        const p = latencyPercentile(t);
        if (p) {
          latency.data.percentiles[p[0]] = p[1];
          return true;
        }
      }
      if (c === 45 /* - */ && isMetricSectionRule(t)) {
        // a paste that starts at a metric section (`-----Time per Output Token (excl. 1st token)------`): the block's tail
        endServe(emit);
        serve = { rec, data: new ServeBlock(false, true) };
        serveHashed = false;
        foreign = 0;
        return true;
      }
      if (c === 83 /* S */ && t.startsWith("Successful requests:")) {
        // the banner-less layout of 2024-02..05 (or a paste that starts below the banner)
        const row = parseLabelRow(t);
        const block = new ServeBlock(false);
        if (row && block.addRow(row)) {
          serve = { rec, data: block };
          serveHashed = false;
          foreign = 0;
          return true;
        }
      }
      if (c >= 65 && c <= 90 && t.includes("):")) {
        // a paste that quotes rows of the block without its banner or its head rows (`Output token throughput (tok/s):
        // 410.61` and the row under it): a fragment, read like a tail (a whole block in the text comes first)
        const row = parseLabelRow(t);
        if (row && isUnitRow(row) && serveRowKey(row.label) !== null) {
          const block = new ServeBlock(false, false, false, true);
          if (block.addRow(row)) {
            endServe(emit);
            serve = { rec, data: block };
            serveHashed = false;
            foreign = 0;
            return true;
          }
        }
      }
      endThroughput(emit);
      endLatency(emit);
      if (t.includes("--num-prompts") || t.includes("--num_prompts") || t.includes("--max-concurrency")) readServeContext(t, context);
      if (t.startsWith("Failed requests during benchmark run detected")) context.failureDump = true;
      if (t.startsWith("100%|")) readProgressBar(t, context);
      if (t.includes("_perf")) {
        const name = collectiveOfCommand(t);
        if (name) {
          if (nccl && nccl.data.rows.length > 0) endNccl(emit);
          if (nccl && nccl.data.collective === null) nccl.data.collective = name;
          else pendingCollective = name;
        }
      }
      // the device lines of an output whose `#` a markdown rendering took (headings) or of 2017's nccl-tests, after its settings line
      // (or after a bare `Using devices`, where the paste starts: no settings line above)
      if (c === 85 /* U */ && /^Using devices\s*$/.test(t)) {
        ncclRun(rec, emit, (r) => r.devices.length > 0 || r.columns !== null || r.rows.length > 0).devicesListed = true;
        return true;
      }
      if (c === 82 /* R */ && (nccl?.data.settings || nccl?.data.devicesListed) && nccl.data.rows.length === 0 && t.startsWith("Rank ") && t.includes(" on ") && readDevice(rec, t, emit)) return true;
      if (c === 110 /* n */ && t.startsWith("nThread ") && t.includes("nGpus")) {
        // the uncommented settings line of 2017
        const settings = parseSettingsLine(t);
        if (settings) {
          ncclRun(rec, emit, (r) => againSettings(r, settings)).settings = settings;
          return true;
        }
      }
      return false;
    },
    end(emit) {
      if (json) {
        readJson(json.rec, "", emit);
        json = null;
      }
      endServe(emit);
      endNccl(emit);
      endThroughput(emit);
      endLatency(emit);
    },
  };
  return reader;
}

/** A markdown table row of numbers and words (`1024 | 512 | half | sum | -1 | 5.39 | ...`, outer pipes optional): its cells joined by blanks. */
function pipeRowAsRow(t: string): string | null {
  const cells = t.trim().replace(/^\|/, "").replace(/\|$/, "").split("|").map((x) => x.trim());
  if (cells.length < 4 || cells.some((x) => x === "" || /\s/.test(x))) return null;
  return cells.join("  ");
}
