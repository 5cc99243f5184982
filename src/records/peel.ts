import type { LogRecord, Origin } from "../model.js";

/**
 * Peels what launchers, shippers, terminals and pastes wrap around a log record, in a loop, until
 * nothing more comes off. Keeps what the wrappers say about the origin (process, pid, rank, ip, host).
 */

// Real and ESC-less ANSI SGR sequences (GitHub drops the ESC byte; pagers print it as the text "ESC").
const ANSI_ANY = /(?:\x1b|ESC)\[[0-9;]*[A-Za-z]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;
const ANSI_RESIDUE = /(?:^|(?<=\s|\)|\]))\[(?:\d{1,3}(?:;\d{1,3})*)?m/g;

const ISO_TS = /^\[?\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?\]?(?:\s+|(?=[A-Za-z(<]))/;
const CRI_STREAM = /^(?:stdout|stderr) [FP] /;
const BUILDKITE_GUTTER = /^\s*\|\s(?=\s*\[?\d{4}-)/;
const CLOUDWATCH_GUTTER = /^\s*\|\s*(?=\d{4}-\d\d-\d\dT)/;
const TABLE_PIPE = /^\s*\|\s+/;
const PY_LOGGING = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d[,.]\d+ - [\w.\-]+ - (?:DEBUG|INFO|WARNING|ERROR|CRITICAL) - /;
const FASTCHAT = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \| (?:DEBUG|INFO|WARNING|ERROR|CRITICAL) \| [\w.\-]+ \| /;
const GPUSTACK = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)? - [\w.\-]+ - (?:DEBUG|INFO|WARNING|ERROR|CRITICAL) - /;
const TORCHSERVE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d,\d+ \[(?:DEBUG|INFO |WARN |ERROR)\s*\] [\w\-.]+ (?:MODEL_LOG|MODEL_METRICS) - /;
const LEMONADE = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \[\w+\] \(\w+\) /;
const RAY_DRIVER_TS = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:[.,]\d+)?\s+(?=[A-Za-z(<])/;
const JOURNALD = /^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d (\S+) ([^\s\[]+)\[(\d+)\]:\s/;
const APP_WRAPPER = /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\]\s+[\w.]+:\d+\s+(?:DEBUG|INFO|WARNING|ERROR|CRITICAL):\s*/;
const COMPOSE = /^([A-Za-z0-9][\w.\-]*?)\s*\|\s(?=\S)/;
const PROC = /^\((?:[A-Za-z_][\w .=\-|]*? )?pid=(\d+)(?:, ip=([0-9A-Fa-fx.:]+))?\)\s?/;
const MPIRUN = /^\[(\d+),(\d+)\]<(?:stdout|stderr)>:\s?/;
const TORCHRUN = /^\[(?:rank|default)(\d+)\]:\s?/;
const TORCHX = /^\[([A-Za-z_][\w\-]*?)(\d+)(?:\|(\d+))?\]:\s?/;
const BLOCKQUOTE = /^\s*>(?: |$)/;
const BOX_LEFT = /^\s*[│┃|]\s/;
const BOX_RIGHT = /\s*[│┃]\s*$/;
const RAY_DEDUP = /\s*\[repeated (\d+)x across cluster\](?:\s*\(Ray deduplicates logs[^)]*\)?)?\s*$/;
const NCCL_HOST_AHEAD = /^[\w.\-<>\[\]]+:\d+:\d+ (?:\[\d+\] |NCCL )/;
const PDSH = /^([A-Za-z0-9][\w.\-]*): (?=[\w.\-<>]+:\d+:\d+ \[\d+\])/;
const LAUNCH_INDEX = /^\[(\d+)\] (?=[\w.\-<>]+:\d+:\d+ \[\d+\])/;
const VIEWER_LINENO = /^\[?\d{1,7}\]?\s+(?=(?:[\w.\-<>]+:\d+:\d+ \[\d+\]|(?:DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL) \d\d-\d\d |\[rank\d+\]:))/;
const TMUX_SCROLL = /\s*\[\d+\/\d+\]\s*$/;

export function stripAnsi(s: string): string {
  if (s.indexOf("[") < 0 && s.indexOf("\x1b") < 0) return s;
  return s.replace(ANSI_ANY, "").replace(ANSI_RESIDUE, "");
}

function procOrigin(name: string, origin: Origin): void {
  origin.process ??= name;
  // vLLM worker names carry their parallel coordinates: Worker_DP1_PP0_TP3, VllmWorker rank=2, VllmWorker TP1
  const rank = /\brank=(\d+)/.exec(name);
  if (rank && origin.rank === undefined) origin.rank = Number(rank[1]);
  for (const m of name.matchAll(/(?:^|[_ ])(TP|PP|DP)(\d+)/g)) {
    const key = m[1].toLowerCase() as "tp" | "pp" | "dp";
    if (origin[key] === undefined) origin[key] = Number(m[2]);
  }
  const dp = /^EngineCore_(?:DP)?(\d+)$/.exec(name);
  if (dp && origin.dp === undefined) origin.dp = Number(dp[1]);
}

export interface Peeled {
  text: string;
  origin: Origin;
  stamp?: string;
}

/** Peels one physical line (or one piece of one). Pure. */
export function peel(raw: string): Peeled {
  const origin: Origin = {};
  let stamp: string | undefined;
  let s = stripAnsi(raw);
  // Ray's dedup suffix and tmux/k9s decorations sit at the end
  let m = RAY_DEDUP.exec(s);
  if (m) {
    origin.repeated = Number(m[1]);
    s = s.slice(0, m.index);
  }
  if (s.endsWith("│") || s.endsWith("┃")) s = s.replace(BOX_RIGHT, "");
  s = s.replace(TMUX_SCROLL, (t) => (/^\s*\[\d+\/\d+\]\s*$/.test(t) && s.length > t.length ? "" : t));

  for (let guard = 0; guard < 24; guard++) {
    const before = s;
    s = s.replace(/^\s+/, "");
    if (!s) break;
    const c = s.charCodeAt(0);
    if (c === 62 /* > */ && BLOCKQUOTE.test(s)) {
      s = s.replace(BLOCKQUOTE, "");
      continue;
    }
    if (c === 40 /* ( */) {
      m = /^\(([^()]*?)\s*(?:pid=(\d+))(?:, ip=([0-9A-Fa-fx.:]+))?\)\s?/.exec(s);
      if (m) {
        const name = m[1].trim();
        if (name) procOrigin(name, origin);
        if (origin.pid === undefined) origin.pid = Number(m[2]);
        if (m[3] && origin.ip === undefined) origin.ip = m[3];
        s = s.slice(m[0].length);
        continue;
      }
      if ((m = PROC.exec(s))) {
        s = s.slice(m[0].length);
        continue;
      }
    }
    if (c === 91 /* [ */) {
      if ((m = MPIRUN.exec(s))) {
        origin.rank ??= Number(m[2]);
        s = s.slice(m[0].length);
        continue;
      }
      if ((m = TORCHRUN.exec(s))) {
        origin.rank ??= Number(m[1]);
        s = s.slice(m[0].length);
        continue;
      }
      if ((m = APP_WRAPPER.exec(s))) {
        stamp ??= m[0].slice(1, 20);
        s = s.slice(m[0].length);
        continue;
      }
      if ((m = ISO_TS.exec(s))) {
        stamp ??= m[0].trim();
        s = s.slice(m[0].length);
        continue;
      }
      if ((m = LAUNCH_INDEX.exec(s))) {
        s = s.slice(m[0].length);
        continue;
      }
      if ((m = TORCHX.exec(s)) && !/^\[(?:rank|Rank)/.test(s)) {
        origin.process ??= m[1];
        if (origin.rank === undefined) origin.rank = Number(m[2]);
        s = s.slice(m[0].length);
        continue;
      }
      if ((m = VIEWER_LINENO.exec(s))) {
        s = s.slice(m[0].length);
        continue;
      }
    }
    if (c >= 48 && c <= 57 /* digit */) {
      if ((m = PY_LOGGING.exec(s)) || (m = FASTCHAT.exec(s)) || (m = GPUSTACK.exec(s)) || (m = TORCHSERVE.exec(s)) || (m = LEMONADE.exec(s))) {
        stamp ??= m[0].slice(0, 19);
        s = s.slice(m[0].length);
        continue;
      }
      if ((m = ISO_TS.exec(s))) {
        stamp ??= m[0].trim();
        s = s.slice(m[0].length);
        if ((m = CRI_STREAM.exec(s))) s = s.slice(m[0].length);
        continue;
      }
      if ((m = RAY_DRIVER_TS.exec(s)) && !NCCL_HOST_AHEAD.test(s)) {
        stamp ??= m[0].trim();
        s = s.slice(m[0].length);
        continue;
      }
      if ((m = VIEWER_LINENO.exec(s))) {
        s = s.slice(m[0].length);
        continue;
      }
    }
    if (c === 124 /* | */ || c === 0x2502 || c === 0x2503) {
      if ((m = BUILDKITE_GUTTER.exec(s)) || (m = CLOUDWATCH_GUTTER.exec(s)) || (m = BOX_LEFT.exec(s)) || (m = TABLE_PIPE.exec(s))) {
        s = s.slice(m[0].length);
        continue;
      }
    }
    if (c >= 65 && c <= 90 && (m = JOURNALD.exec(s))) {
      origin.host ??= m[1];
      origin.process ??= m[2];
      origin.pid ??= Number(m[3]);
      s = s.slice(m[0].length);
      continue;
    }
    if ((m = PDSH.exec(s))) {
      origin.host ??= m[1];
      s = s.slice(m[0].length);
      continue;
    }
    if ((m = COMPOSE.exec(s)) && !/^(?:DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL)$/.test(m[1]) && /[-_]\d+$|^[a-z]/.test(m[1]) && !/[:\/]/.test(m[1])) {
      origin.process ??= m[1];
      s = s.slice(m[0].length);
      continue;
    }
    if (s === before) break;
  }
  return { text: s.trimEnd(), origin, stamp };
}

export function toRecord(file: string, input: number, line: number, raw: string): LogRecord {
  const p = peel(raw);
  return { file, input, line, raw, text: p.text, origin: p.origin, stamp: p.stamp };
}
