/**
 * Splits one physical line into the records it holds. Most lines hold one. A carriage return inside a
 * line (tqdm redraws, `\r\n` continuation lines of vLLM's formatter) separates records. Terminal copies
 * pad records to the screen width and glue several on one line (`...3b000      [1,0]<stdout>:host:...`),
 * and a record cut short can be followed by another (`... -> 1[1] vERROR`, `... via P2P(APIServer pid=1)`):
 * those become one record each, all with the same line number.
 */

// where a new record starts after padding: an mpirun tag, a Ray/vLLM process prefix, an NCCL prefix
const PADDED_START = / {3,}(?=\[\d+,\d+\]<std(?:out|err)>:|\((?:[\w .=\-|]*? )?pid=\d+(?:, ip=[\w.:]+)?\) |[^\s:\[\]]+:\d+:\d+ \[\d+\] )/g;
// a record glued to a cut NCCL record with no space: a log level word or a process prefix
const GLUED_START = /(?<=[^\s(])(?:(?:ERROR|WARNING|CRITICAL)(?=\s|$)|\((?:[\w .=\-|]*? )?pid=\d+(?:, ip=[\w.:]+)?\) )/g;

// an NCCL record glued to the out-of-place half of an nccl-tests row (the test prints the in-place half after the
// collective, on a line of its own): `  268435456  67108864  float  sum  -1  2760.1  97.26  182.36  0host:1:2 [0] NCCL INFO ...`
// (bounded: a half row is short, a host name shorter still)
const ROW_THEN_NCCL = /^\s{0,20}\d{1,20}\s{1,20}\d{1,20}\s{1,20}\w{1,20}\s[^\n]{0,200}?[\dA](?=[A-Za-z][\w.\-]{0,100}:\d{1,10}:\d{1,10} \[\d{1,4}\] NCCL (?:INFO|WARN|TRACE) )/;

// what GLUED_START needs, searched in one pass (four `indexOf`s showed in a set-up log's profile)
const MAY_GLUE = /ERROR|WARNING|CRITICAL|pid=/;

function gluedAt(p: string): number {
  if (!MAY_GLUE.test(p)) return -1;
  GLUED_START.lastIndex = 0;
  for (let m = GLUED_START.exec(p); m; m = GLUED_START.exec(p)) {
    const before = p.slice(0, m.index);
    const rec = Math.max(before.lastIndexOf("NCCL INFO "), before.lastIndexOf("NCCL WARN "));
    if (rec >= 0 && rec + 10 < m.index) return m.index;
  }
  return -1;
}

// an NCCL record glued after a vLLM record on one line (a flattened paste: `... ERROR 11-04 18:02:56 [x.py:597]
// RuntimeError: NCCL error: unhandled cuda error ... host:213:213 [1] NCCL INFO cudaDriverVersion 12080`)
const VLLM_HEAD = /(?:^|\s)(?:DEBUG|INFO|WARNING|ERROR|CRITICAL) \d\d-\d\d \d\d:\d\d:\d\d /;
const NCCL_HEAD_AFTER = /\s(?=[A-Za-z0-9][\w.\-]{0,100}:\d{1,10}:\d{1,10} \[\d{1,4}\] NCCL (?:INFO|WARN|TRACE) )/g;

function ncclAfterVllm(raw: string): number {
  const d = raw.indexOf("] NCCL ");
  if (d < 40 || !VLLM_HEAD.test(raw.slice(0, d))) return -1;
  NCCL_HEAD_AFTER.lastIndex = 0;
  for (let m = NCCL_HEAD_AFTER.exec(raw); m && m.index < d; m = NCCL_HEAD_AFTER.exec(raw)) if (VLLM_HEAD.test(raw.slice(0, m.index))) return m.index + 1;
  return -1;
}

function splitGlued(raw: string): string[] {
  if (raw.indexOf("NCCL") < 0) return [raw];
  const after = ncclAfterVllm(raw);
  if (after > 0) return [raw.slice(0, after).trimEnd(), ...splitGlued(raw.slice(after))];
  if (raw.charCodeAt(0) <= 57) {
    const row = ROW_THEN_NCCL.exec(raw);
    if (row) return [row[0], ...splitGlued(raw.slice(row[0].length))];
  }
  if (raw.indexOf("   ") < 0) {
    // (most lines: no padding, so one piece, maybe glued)
    const at = gluedAt(raw);
    return at > 0 ? [raw.slice(0, at), raw.slice(at)] : [raw];
  }
  const pieces = raw.split(PADDED_START).filter((p) => p.trim().length > 0);
  if (pieces.length === 0) return [raw];
  const out: string[] = [];
  for (const p of pieces) {
    const at = gluedAt(p);
    if (at > 0) out.push(p.slice(0, at), p.slice(at));
    else out.push(p);
  }
  return out;
}

// a vLLM record glued to what stood before it on the line with no break: a tqdm bar, which ends without a newline
// (`| 1/5 [00:06<00:26,  6.52s/it]INFO 04-28 11:18:59 [metrics.py:481] Avg prompt throughput: ...`), or another vLLM
// record whose newline a paste lost (`... Prefix cache hit rate: 0.0%INFO 07-28 06:41:19 [loggers.py:118] Engine 000: ...`)
const GLUE_WORDS = ["INFO ", "WARNING ", "ERROR "] as const;
const HEAD_DATE = /\d\d-\d\d \d\d:\d\d:\d\d/y;
const TQDM_BAR = /\d%\|/;
// a vLLM record's header anywhere before, a wrapper's end (`[1,0]<stdout>:`, `svc-1  | `) included
const HEAD_BEFORE = /(?:^|[^A-Za-z0-9])(?:DEBUG|INFO|WARNING|ERROR|CRITICAL) \d\d-\d\d \d\d:\d\d:\d\d/;

/** where a vLLM record glued to a bar or a record before it starts, or -1 */
function vllmGluedAt(raw: string): number {
  let at = -1;
  for (const word of GLUE_WORDS) {
    for (let k = raw.indexOf(word, 1); k > 0 && (at < 0 || k < at); k = raw.indexOf(word, k + 1)) {
      // a wrapper's own end (`[1,0]<stdout>:`, `svc-1 |`, `(pid=1) `, a stamp's blank) is no glue
      const c = raw.charCodeAt(k - 1);
      if (c <= 32 || c === 58 /* : */ || c === 124 /* | */ || c === 40 /* ( */ || c === 91 /* [ */ || c === 62 /* > */) continue;
      HEAD_DATE.lastIndex = k + word.length;
      if (!HEAD_DATE.test(raw)) continue;
      const before = raw.slice(0, k);
      // (a request line's prompt is the client's text: nothing in it starts a record)
      if (before.indexOf("ed request ") >= 0) break;
      if (TQDM_BAR.test(before) || HEAD_BEFORE.test(before)) {
        at = k;
        break;
      }
    }
  }
  return at;
}

function splitPiece(raw: string): string[] {
  const at = vllmGluedAt(raw);
  if (at < 0) return splitGlued(raw);
  return [...splitGlued(raw.slice(0, at)), ...splitPiece(raw.slice(at))];
}

export function splitPhysicalLine(raw: string): string[] {
  if (raw.indexOf("\r") < 0) return splitPiece(raw);
  return raw
    .split("\r")
    .filter((p) => p.trim().length > 0)
    .flatMap(splitPiece);
}
