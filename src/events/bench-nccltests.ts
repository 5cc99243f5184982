import { tableCells, type Cell, type DeviceLine } from "../../grammars/bench-nccltests.js";

/**
 * One nccl-tests run being read: settings, device lines, the column header, rows and footer, mapped to
 * the facts of `facts.bench.ncclTests` (plus `rows` for charts).
 */

export interface NcclTestsSide {
  timeUs: number | null;
  algbwGBs: number | null;
  busbwGBs: number | null;
  /** `#wrong` count; null for `N/A` or when the era prints a deviation instead */
  wrong: number | null;
  /** the pre-2022 `error` column: the largest deviation, not a count */
  maxDeviation?: number | null;
}

export interface NcclTestsRow {
  sizeBytes: number;
  count: number;
  type: string;
  redop: string;
  root: number | null;
  outOfPlace: NcclTestsSide;
  inPlace: NcclTestsSide | null;
  complete: boolean;
}

const ERROR_COLUMNS = ["#wrong", "error", "res"];
/** rows at or above this size show the bandwidth of the fabric rather than latency */
export const LARGE_SIZE_BYTES = 256 * 1024 * 1024;

export const isColumnHeader = (t: string): boolean => t.includes("busbw") && t.includes("size") || (t.includes("busbw") && t.includes("bytes"));

/** NCCL_VERSION_CODE as a version: 2.9 and later print major*10000 + minor*100 + patch (22803 = 2.28.3, 23007 = 2.30.7) */
export function ncclCode(code: number): string | null {
  if (!Number.isInteger(code) || code < 20900) return null;
  return `${Math.floor(code / 10000)}.${Math.floor((code % 10000) / 100)}.${code % 100}`;
}

export class NcclTestsRun {
  settings: Record<string, number | string> | null = null;
  version: string | null = null;
  ncclHeaders: string | null = null;
  ncclLibrary: string | null = null;
  collective: string | null = null;
  devices: DeviceLine[] = [];
  /** a bare `Using devices` line (its `#` lost) opened the run: uncommented `Rank N ... on host` lines below are its devices */
  devicesListed = false;
  /** ranks of device lines a paste cut before their host (`#  Rank  7 Group  0 Pid`) */
  cutRanks = new Set<number>();
  columns: string[] | null = null;
  rows: NcclTestsRow[] = [];
  rowsIncomplete = 0;
  outOfBounds: { count: number | null; status: string | null } | null = null;
  avg: { value: number | null; status: string | null } | null = null;
  concluded = false;

  get started(): boolean {
    return this.settings !== null || this.devices.length > 0 || this.columns !== null || this.rows.length > 0 || this.outOfBounds !== null || this.avg !== null;
  }

  get footerDone(): boolean {
    return this.avg !== null;
  }

  /** `# nccl-tests version 2.17.6 nccl-headers=22803 nccl-library=22803`, with an optional `(githash)` */
  readVersion(t: string): void {
    const m = /version\s+(\S+)/.exec(t);
    if (m) this.version = m[1];
    const h = /nccl-headers=(\d+)/.exec(t);
    if (h) this.ncclHeaders = ncclCode(Number(h[1]));
    const l = /nccl-library=(\d+)/.exec(t);
    if (l) this.ncclLibrary = ncclCode(Number(l[1]));
  }

  readHeader(t: string): void {
    this.columns = t.replace(/^\s*#/, "").trim().split(/\s+/);
  }

  /** the error column a table without its header seems to have (from its rows' values) */
  private guessedErrorColumn: string | null = null;
  /** cells of the last row while it lacks its in-place half */
  private halfRow: Cell[] | null = null;

  /** A table row, or the in-place half of the row before (printed after NCCL's own lines); false when the line is neither. */
  readRow(t: string): boolean {
    const all = tableCells(t);
    if (!all) return false;
    // a row another program's text cut short (`... -1 node0: Test CUDA failure common.cu:389 'an illegal memory ...'`):
    // its cells end at the first word past the type and op columns, so no number of that text is read as a value
    const cut = all.findIndex((c, i) => i >= 4 && c.value === null && c.text !== "N/A" && /[A-Za-z:]/.test(c.text));
    const cells = cut > 0 ? all.slice(0, cut) : all;
    if (this.halfRow && cells.length >= 2 && cells.length <= 5 && cells.every((c) => c.value !== null || c.text === "N/A")) {
      const whole = [...this.halfRow, ...cells];
      this.rows[this.rows.length - 1] = this.rowOf(whole);
      this.halfRow = null;
      if (this.rows[this.rows.length - 1].complete) this.rowsIncomplete--;
      return true;
    }
    if (cells.length < 4) return false;
    if (cells[0].value === null || cells[1].value === null || cells[2].value !== null || !Number.isInteger(cells[0].value)) return false;
    const row = this.rowOf(cells);
    this.rows.push(row);
    this.halfRow = row.complete ? null : cells;
    if (!row.complete) this.rowsIncomplete++;
    return true;
  }

  private rowOf(cells: Cell[]): NcclTestsRow {
    let cols = this.columns ?? defaultColumns(cells);
    // alltoall before 2022 printed its op as an empty `%6s` under a `redop` header: one cell fewer, a number where the op is
    const op = cols.indexOf("redop");
    if (op >= 0 && cells.length === cols.length - 1 && cells[op]?.value !== null) cols = cols.filter((_, i) => i !== op);
    if (!this.columns) this.guessedErrorColumn = ERROR_COLUMNS.find((c) => cols.includes(c)) ?? null;
    const at = (name: string, nth: number): number => {
      let seen = -1;
      for (let i = 0; i < cols.length; i++) if (cols[i] === name && ++seen === nth) return i;
      return -1;
    };
    const errName = ERROR_COLUMNS.find((c) => cols.includes(c)) ?? "#wrong";
    const value = (i: number): number | null => (i >= 0 && i < cells.length ? cells[i].value : null);
    const side = (nth: number): NcclTestsSide | null => {
      const ti = at("time", nth);
      if (ti < 0 || ti >= cells.length) return null;
      const ei = at(errName, nth);
      const s: NcclTestsSide = { timeUs: value(ti), algbwGBs: value(at("algbw", nth)), busbwGBs: value(at("busbw", nth)), wrong: errName === "#wrong" ? value(ei) : null };
      if (errName !== "#wrong") s.maxDeviation = value(ei);
      return s;
    };
    const lastNeeded = Math.max(at("busbw", 1), at(errName, 1), at("busbw", 0));
    const rootIdx = cols.indexOf("root");
    const opIdx = cols.includes("redop") ? cols.indexOf("redop") : cols.indexOf("op");
    return {
      sizeBytes: cells[0].value ?? 0,
      count: cells[1].value ?? 0,
      type: cells[2].text,
      redop: opIdx >= 0 ? cells[opIdx]?.text ?? "" : "",
      root: rootIdx >= 0 ? value(rootIdx) : null,
      outOfPlace: side(0) ?? { timeUs: null, algbwGBs: null, busbwGBs: null, wrong: null },
      inPlace: side(1),
      complete: cells.length > lastNeeded,
    };
  }

  /** `Out of bounds values : 0 OK` / `Avg bus bandwidth    : 87.36 OK` once the label row is read */
  readFooter(label: string, value: string | null, status: string | null): boolean {
    const l = label.toLowerCase();
    const n = value !== null && value !== "" && Number.isFinite(Number(value)) ? Number(value) : null;
    const st = status && /^(OK|FAILED)$/i.test(status) ? status.toUpperCase() : null;
    if (l === "out of bounds values") {
      this.outOfBounds = { count: n, status: st };
      return true;
    }
    if (l === "avg bus bandwidth") {
      this.avg = { value: n, status: st };
      return true;
    }
    return false;
  }

  finish(): Record<string, unknown> {
    const s = this.settings ?? {};
    const numeric = (k: string): number | null => (typeof s[k] === "number" ? (s[k] as number) : null);
    const complete = this.rows.filter((r) => r.complete);
    const busbws = complete.map((r) => r.outOfPlace.busbwGBs).filter((x): x is number => x !== null);
    const large = complete.filter((r) => r.sizeBytes >= LARGE_SIZE_BYTES).map((r) => r.outOfPlace.busbwGBs).filter((x): x is number => x !== null);
    const errName = this.columns ? ERROR_COLUMNS.find((c) => this.columns!.includes(c)) ?? null : this.rows.length ? this.guessedErrorColumn ?? "#wrong" : null;
    let wrongTotal: number | null = null;
    if (errName === "#wrong") {
      // (no count at all, every cell `N/A` as with `-c 0` or no row: nothing was checked, so no total; not 0)
      let counts = 0;
      let sum = 0;
      for (const r of this.rows) {
        for (const side of [r.outOfPlace, r.inPlace]) {
          if (side && side.wrong !== null) {
            sum += side.wrong;
            counts++;
          }
        }
      }
      wrongTotal = counts > 0 ? sum : null;
    }
    const hosts = unique(this.devices.map((d) => d.host).filter((h) => h !== ""));
    const ob = this.outOfBounds;
    const outOfBoundsOk = ob ? (ob.status ? ob.status === "OK" : ob.count === 0) : null;
    const stepUnit = typeof s.stepUnit === "string" ? s.stepUnit : null;
    return {
      collective: this.collective,
      ranks: this.devices.length || this.cutRanks.size ? new Set([...this.devices.map((d) => d.rank), ...this.cutRanks]).size : null,
      avgBusbwGBs: this.avg?.value ?? null,
      maxBusbwGBs: busbws.length ? Math.max(...busbws) : null,
      wrongTotal,
      outOfBoundsOk,
      // extensions
      largeSizeBusbwGBs: large.length ? Math.max(...large) : null,
      avgBusbwStatus: this.avg?.status ?? null,
      outOfBoundsCount: ob?.count ?? null,
      nThreads: numeric("nThread"),
      nGpus: numeric("nGpus"),
      minBytes: numeric("minBytes"),
      maxBytes: numeric("maxBytes"),
      stepFactor: stepUnit === "factor" ? numeric("step") : null,
      stepBytes: stepUnit === "bytes" ? numeric("step") : null,
      warmupIters: numeric("warmup iters"),
      iters: numeric("iters"),
      aggIters: numeric("agg iters"),
      validation: numeric("validation"),
      graph: numeric("graph"),
      processes: this.devices.some((d) => d.pid !== null) ? new Set(this.devices.map((d) => d.pid)).size : null,
      hosts,
      nodes: hosts.length || null,
      gpuNames: unique(this.devices.map((d) => d.gpuName).filter((g): g is string => !!g)),
      devices: this.devices,
      errorColumn: errName,
      rowsComplete: complete.length,
      rowsIncomplete: this.rowsIncomplete,
      rows: this.rows,
      ncclTestsVersion: this.version,
      ncclVersion: this.ncclLibrary ?? this.ncclHeaders,
      complete: this.outOfBounds !== null && this.avg !== null,
    };
  }
}

function defaultColumns(cells: Cell[]): string[] {
  // 11 cells with a number where the op would be: a collective without an op column (sendrecv, alltoall of 2019-2021)
  if (cells.length === 11 && cells[3]?.value !== null) {
    const side = ["time", "algbw", "busbw", DEVIATION.test(cells[6]?.text ?? "") ? "error" : "#wrong"];
    return ["size", "count", "type", ...side, ...side];
  }
  const base = ["size", "count", "type", "redop"];
  // 13 cells: the `root` column of 2022+; 12: without it
  const withRoot = cells.length === 13 || (cells.length > 4 && cells.length !== 12 && Number.isInteger(cells[4].value) && (cells[4].value ?? 0) < 0);
  // before 2022 the last column of each side was `error`, the largest deviation printed `%5.0le` (`2e-07`, `0e+00`);
  // `#wrong` is a count printed `%g` (`0`, `N/A`, `1.23457e+06`)
  const err = cells[withRoot ? 8 : 7]?.text ?? "";
  const side = ["time", "algbw", "busbw", DEVIATION.test(err) ? "error" : "#wrong"];
  return [...base, ...(withRoot ? ["root"] : []), ...side, ...side];
}

const DEVIATION = /^\d(?:e-\d+|e\+00)$/;

// nccl-tests' type and op names (common.cu test_typenames / test_opnames; `none` for the collectives without one)
const ROW_TYPE = /^(?:u?int(?:8|32|64)|half|float|double|bfloat16|f8e\dm\d|char|int)$/;
const ROW_OP = /^(?:sum|prod|max|min|avg|mulsum|premulsum|none)$/;

/**
 * A whole data row (`134217728  33554432  float  sum  -1  27691  4.85  4.85  0  27634 ...`) on its own: 12 cells
 * (before 2022) or 13 (with `root`), size and count integers, a type and an op name, then numbers or `N/A`; or 11 with
 * no op name, whose two `error` cells are deviations (`0e+00`). Specific enough to start a table whose paste begins
 * below the column header (a sweep's tail and footer only).
 */
export function isWholeTableRow(t: string): boolean {
  const cells = tableCells(t);
  if (!cells || cells.length < 11 || cells.length > 13) return false;
  if (!Number.isInteger(cells[0].value) || !Number.isInteger(cells[1].value)) return false;
  if (cells.length === 11) {
    // no op column (sendrecv, alltoall of 2019-2021): time, algbw, busbw and the `error` deviation (`0e+00`) twice
    const dev = (c: Cell) => DEVIATION.test(c.text) || c.text === "N/A";
    return ROW_TYPE.test(cells[2].text) && cells.slice(3).every((c) => c.value !== null || c.text === "N/A") && dev(cells[6]) && dev(cells[10]);
  }
  if (!ROW_TYPE.test(cells[2].text) || !ROW_OP.test(cells[3].text)) return false;
  return cells.slice(4).every((c) => c.value !== null || c.text === "N/A");
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

/** The collective a command line runs: `./build/all_reduce_perf -b 8 ...` -> `all_reduce_perf` */
export function collectiveOfCommand(t: string): string | null {
  const m = /(?:^|[\s\/])([a-z][a-z_]*_perf)(?:_mpi)?(?=\s|$)/.exec(t);
  return m ? m[1] : null;
}

/** Maps an nccl-tests `-J` JSON object to the same facts. */
export function ncclTestsFromJson(o: Record<string, unknown>): Record<string, unknown> | null {
  const results = o.results;
  if (!Array.isArray(results)) return null;
  const run = new NcclTestsRun();
  const cfg = (o.config ?? {}) as Record<string, unknown>;
  const settings: Record<string, number | string> = {};
  const map: [string, string][] = [["nthreads", "nThread"], ["ngpus", "nGpus"], ["minimum_bytes", "minBytes"], ["maximum_bytes", "maxBytes"], ["warmup_iters", "warmup iters"], ["iterations", "iters"], ["aggregated_iterations", "agg iters"], ["validation", "validation"], ["graph", "graph"]];
  for (const [from, to] of map) if (typeof cfg[from] === "number") settings[to] = cfg[from] as number;
  if (typeof cfg.step_factor === "number") Object.assign(settings, { step: cfg.step_factor, stepUnit: "factor" });
  else if (typeof cfg.step_bytes === "number") Object.assign(settings, { step: cfg.step_bytes, stepUnit: "bytes" });
  run.settings = settings;
  if (typeof o.nccl_version === "number") run.ncclLibrary = ncclCode(o.nccl_version);
  if (Array.isArray(o.args)) run.collective = o.args.map(String).map(collectiveOfCommand).find((c) => c) ?? null;
  if (Array.isArray(o.devices)) {
    for (const d of o.devices as Record<string, unknown>[]) {
      if (!d || typeof d !== "object") continue;
      run.devices.push({
        rank: Number(d.rank) || 0, group: typeof d.group === "number" ? d.group : null, pid: typeof d.pid === "number" ? d.pid : null,
        host: String(d.hostname ?? ""), device: Number(d.device) || 0, busId: typeof d.device_hex === "string" ? d.device_hex : null,
        gpuName: typeof d.device_info === "string" ? d.device_info : null,
      });
    }
  }
  run.columns = ["size", "count", "type", "redop", "root", "time", "algbw", "busbw", "#wrong", "time", "algbw", "busbw", "#wrong"];
  const side = (x: unknown): NcclTestsSide | null => {
    if (!x || typeof x !== "object") return null;
    const s = x as Record<string, unknown>;
    const n = (v: unknown) => (typeof v === "number" ? v : null);
    return { timeUs: n(s.time ?? s.cpu_time), algbwGBs: n(s.alg_bw), busbwGBs: n(s.bus_bw), wrong: n(s.nwrong) };
  };
  for (const r of results as Record<string, unknown>[]) {
    if (!r || typeof r !== "object") continue;
    const oop = side(r.out_of_place);
    run.rows.push({
      sizeBytes: Number(r.size) || 0, count: Number(r.count) || 0, type: String(r.type ?? ""), redop: String(r.redop ?? ""),
      root: Number.isFinite(Number(r.root)) ? Number(r.root) : null,
      outOfPlace: oop ?? { timeUs: null, algbwGBs: null, busbwGBs: null, wrong: null }, inPlace: side(r.in_place), complete: oop !== null,
    });
  }
  const ob = o.out_of_bounds as Record<string, unknown> | undefined;
  if (ob && typeof ob === "object") run.outOfBounds = { count: typeof ob.count === "number" ? ob.count : null, status: ob.okay === true ? "OK" : ob.okay === false ? "FAILED" : null };
  const avg = (o.average_bus_bandwidth ?? o.average_bus_bandwidith) as Record<string, unknown> | undefined;
  if (avg && typeof avg === "object") {
    const v = avg.bandwidth ?? avg.bandwidith;
    run.avg = { value: typeof v === "number" ? v : null, status: avg.okay === true ? "OK" : avg.okay === false ? "FAILED" : null };
  }
  return run.finish();
}

export const isNcclTestsJson = (o: Record<string, unknown>): boolean =>
  Array.isArray(o.results) && ("average_bus_bandwidth" in o || "average_bus_bandwidith" in o || ("devices" in o && "config" in o));
