/**
 * Splits one physical line into the records it holds. Most lines hold one. A carriage return inside a
 * line (tqdm redraws, `\r\n` continuation lines of vLLM's formatter) separates records. Terminal copies
 * pad records to the screen width and glue several on one line (`...3b000      [1,0]<stdout>:host:...`),
 * and a record cut short can be followed by another (`... -> 1[1] vERROR`, `... via P2P(APIServer pid=1)`, an NCCL
 * record right after a cut one):
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

// an NCCL record glued to another NCCL record cut short before it, with no separator (two processes writing one terminal
// unbuffered: `... 7[7] -> 6[g183:161258:161696 [1] NCCL INFO Connected all rings`, `... NCCL INFO g183:1:2 [5] NCCL INFO ...`):
// the second record starts at its own `host:pid:tid [dev] [file:line [(func)]] ` header, just before its level token
const LEVEL_TOKEN = /NCCL (?:INFO|WARN|TRACE) /g;
const DEV = /^\[\d{1,4}\]$/;
const TRIPLE_END = /([^\s:]+):\d{1,10}:\d{1,10}$/;
// a line holding more level tokens than this is not a paste of interleaved output: its tail stays one record
const MAX_TOKENS = 64;

/**
 * The `host:pid:tid` token of the header before a level token (`… 6[g183:1:2 [1] NCCL INFO`), with where it starts:
 * `[dev]` ends at most two tokens before the level (a WARN's `file:line`, 2.30.7's `(func)`), the triple right before
 * it. `w` is the text before the level token; token by token from its end, so a line of any length costs its window.
 */
function headerBefore(w: string): { run: string; at: number } | null {
  if (w.charCodeAt(w.length - 1) !== 32) return null;
  let end = w.length - 1;
  for (let k = 0; k < 3; k++) {
    const sp = w.lastIndexOf(" ", end - 1);
    if (sp < 0) return null;
    if (DEV.test(w.slice(sp + 1, end))) {
      const from = Math.max(w.lastIndexOf(" ", sp - 1) + 1, sp - 300);
      const t = TRIPLE_END.exec(w.slice(from, sp));
      return t ? { run: t[1], at: from + t.index } : null;
    }
    end = sp;
  }
  return null;
}

/**
 * Where the host name of a glued record's `host:pid:tid` starts within `run`, the characters before its `:pid`
 * (`6[g183`, `16169g183`, `peer hpc-a<3345hpc-a`), or -1 when it cannot be told. The host is one of the line's
 * earlier hosts when the run ends with one; else it starts after a bracket, and digits glued to it after `:` or `<`
 * are the cut pid, tid or port of the record before.
 */
function hostStart(run: string, before: number, known: readonly string[]): number {
  const k = known.find((h) => run.length > h.length && run.endsWith(h));
  if (k) return run.length - k.length;
  let at = Math.max(run.lastIndexOf("["), run.lastIndexOf("]"), run.lastIndexOf("("), run.lastIndexOf(")")) + 1;
  const lt = run.indexOf("<", at);
  if (lt >= 0 && /\d/.test(run.charAt(lt + 1))) at = lt + 1; // `…peer hpc-a<3345hpc-a`: after a port's `<`
  const prev = at > 0 ? run.charCodeAt(at - 1) : before;
  if (prev === 58 /* : */ || prev === 60 /* < */) {
    const digits = /^\d+(?=[A-Za-z])/.exec(run.slice(at));
    if (digits) at += digits[0].length;
  }
  const host = run.slice(at);
  return host !== "" && !host.includes("/") && /[A-Za-z0-9]/.test(host) ? at : -1;
}

// NCCL's bare banner (`NCCL version 2.18.1+cuda12.1`, printed with no prefix) between two records of a line that lost
// its line breaks: `... No such file or directory NCCL version 2.18.1+cuda12.1 host:1:3 [0] NCCL INFO ...`. Not
// PyTorch's `..., NCCL version 2.20.5` and not the prefixed record `NCCL INFO NCCL version ...` itself.
const GLUED_BANNER = /(?<![,:]) NCCL version \d+\.\d+\.\d+\S*$/;

/** a record followed by another on its line; `body` is where its message starts (after its level token) */
function pushRecord(out: string[], rec: string, body: number): void {
  const b = rec.indexOf(" NCCL version ", body) >= body ? GLUED_BANNER.exec(rec) : null;
  if (b && b.index >= body) out.push(rec.slice(0, b.index), rec.slice(b.index + 1));
  else out.push(rec);
}

function splitNcclRecords(p: string): string[] {
  const first = p.indexOf("NCCL ");
  if (first < 0 || p.indexOf("NCCL ", first + 5) < 0) return [p];
  const out: string[] = [];
  const hosts: string[] = []; // of the records read so far on this line
  let from = 0;
  let after = -1; // where the current record's level token ends
  let tokens = 0;
  LEVEL_TOKEN.lastIndex = first;
  for (let m = LEVEL_TOKEN.exec(p); m && tokens++ < MAX_TOKENS; m = LEVEL_TOKEN.exec(p)) {
    const lo = Math.max(after, m.index - 1000, 0);
    const h = headerBefore(p.slice(lo, m.index));
    if (after < 0) {
      if (h) hosts.push(h.run.slice(Math.max(0, hostStart(h.run, 32, []))));
      after = m.index + m[0].length;
      continue;
    }
    if (!h) continue;
    const runAt = lo + h.at;
    const at = hostStart(h.run, p.charCodeAt(runAt - 1), hosts);
    const start = runAt + at;
    if (at < 0 || start <= after) continue;
    pushRecord(out, p.slice(from, start).trimEnd(), after - from);
    hosts.push(h.run.slice(at));
    from = start;
    after = m.index + m[0].length;
  }
  if (from === 0) return [p];
  out.push(p.slice(from));
  return out;
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
    return at > 0 ? [raw.slice(0, at), ...splitNcclRecords(raw.slice(at))] : splitNcclRecords(raw);
  }
  const pieces = raw.split(PADDED_START).filter((p) => p.trim().length > 0);
  if (pieces.length === 0) return [raw];
  const out: string[] = [];
  for (const p of pieces) {
    const at = gluedAt(p);
    if (at > 0) out.push(p.slice(0, at), ...splitNcclRecords(p.slice(at)));
    else out.push(...splitNcclRecords(p));
  }
  return out;
}

// a vLLM record glued to what stood before it on the line with no break: a tqdm bar, which ends without a newline
// (`| 1/5 [00:06<00:26,  6.52s/it]INFO 04-28 11:18:59 [metrics.py:481] Avg prompt throughput: ...`), or another vLLM
// record whose newline a paste lost (`... Prefix cache hit rate: 0.0%INFO 07-28 06:41:19 [loggers.py:118] Engine 000: ...`)
// a record header that may be glued (searched only on a line that holds one of the words past its start)
const GLUED_HEAD = /(?:INFO|WARNING|ERROR) (?=\d\d-\d\d \d\d:\d\d:\d\d)/g;
const TQDM_BAR = /\d%\|/;
// a vLLM record's header (after a wrapper's end too: `[1,0]<stdout>:INFO ...`, `svc-1  | INFO ...`)
const HEAD_ANYWHERE = /(?<![A-Za-z0-9])(?:DEBUG|INFO|WARNING|ERROR|CRITICAL) \d\d-\d\d \d\d:\d\d:\d\d/;
const NO_POINTS: number[] = [];

/** where vLLM records glued to a bar or to a record before them start (linear: every search runs once per line) */
function vllmGluedAt(raw: string): number[] {
  if (raw.indexOf("INFO ", 1) < 0 && raw.indexOf("WARNING ", 1) < 0 && raw.indexOf("ERROR ", 1) < 0) return NO_POINTS;
  let points: number[] | null = null;
  // a glued record needs a bar or a record before it: the first position where one has been seen
  let from = -1;
  let start = 0;
  let request = -2;
  GLUED_HEAD.lastIndex = 1;
  for (let m = GLUED_HEAD.exec(raw); m; m = GLUED_HEAD.exec(raw)) {
    const k = m.index;
    // a wrapper's own end (`[1,0]<stdout>:`, `svc-1 |`, `(pid=1) `, a stamp's blank) is no glue; a terminal copy's padding
    // out to the screen's width is, after a record (`... Traceback (most recent call last):      ERROR 10-11 ... File ...`)
    const c = raw.charCodeAt(k - 1);
    const padded = c === 32 && k >= 4 && raw.charCodeAt(k - 2) === 32 && raw.charCodeAt(k - 3) === 32;
    if (!padded && (c <= 32 || c === 58 /* : */ || c === 124 /* | */ || c === 40 /* ( */ || c === 91 /* [ */ || c === 62) /* > */) continue;
    if (from < 0) {
      const bar = TQDM_BAR.exec(raw);
      const head = HEAD_ANYWHERE.exec(raw);
      from = Math.min(bar ? bar.index + bar[0].length : Infinity, head ? head.index + 1 : Infinity);
    }
    if (k < from) continue;
    // (a request line's prompt is the client's text: nothing in it starts a record)
    if (request !== -1 && request < start) request = raw.indexOf("ed request ", start);
    if (request >= 0 && request < k) break;
    (points ??= []).push(k);
    start = k;
  }
  return points ?? NO_POINTS;
}

// a process prefix glued to a tqdm bar (the bar ends in `\r`, lost in a paste): `Capturing CUDA graphs (PIECEWISE):
// 82%|████▊   | 42/51 [00:39<00:08,  1.00it/s](EngineCore pid=9844) INFO 07-19 14:32:17 [shm_broadcast.py:705] ...`
const PROC_AFTER_BAR = /\((?:[A-Za-z_][\w .=\-|]*? )?pid=\d+(?:, ip=[\w.:]+)?\) /g;

/**
 * where the matches of `re` (global) that stand right behind a tqdm bar's end start, those whose character before passes
 * `glued` (none when the line holds no bar)
 */
function gluedAfterBar(raw: string, re: RegExp, glued: (c: number) => boolean): number[] {
  const bar = TQDM_BAR.exec(raw);
  if (!bar) return NO_POINTS;
  let points: number[] | null = null;
  re.lastIndex = bar.index + bar[0].length;
  for (let m = re.exec(raw); m; m = re.exec(raw)) if (glued(raw.charCodeAt(m.index - 1))) (points ??= []).push(m.index);
  return points ?? NO_POINTS;
}

/** where records behind a process prefix glued to a bar before them start (none when the line holds no bar) */
function procGluedAt(raw: string): number[] {
  if (raw.indexOf("pid=") < 0) return NO_POINTS;
  // glued: right after the bar's last character, not after a blank or another bracket
  return gluedAfterBar(raw, PROC_AFTER_BAR, (c) => c > 32 && c !== 40 /* ( */ && c !== 91 /* [ */);
}

// a Slurm record glued to a tqdm bar: srun and slurmstepd write to the terminal the job's tasks write to, so the step's
// cancel or a task's failure lands behind a bar that ended in `\r` (lost in a paste) or in nothing: `Preparing test set...:
// 46%|████▋     | 31/67 [29:02<35:12, 58.67s/it]slurmstepd: error: *** STEP 6053.0 ON n020 CANCELLED AT 2024-04-23T12:18:08
// ***`, `... 1.00it/s]srun: error: n1: task 0: Exited with exit code 1` (the programs' names as Slurm's log.c prints them)
const SLURM_AFTER_BAR = /(?:slurmstepd(?:-[\w.\-]+)?|srun|salloc|sbatch): (?=error: |Job step aborted|Force Terminated|forcing job termination|got SIGCONT|Complete StepId)/g;

/** a character a word or a path goes on with: a Slurm program's name after it is part of that word */
const wordChar = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 /* - */ || c === 95 /* _ */ || c === 46 /* . */ || c === 47 /* / */;

/** where Slurm records glued to a bar before them start (none when the line holds no bar) */
function slurmGluedAt(raw: string): number[] {
  if (raw.indexOf("srun: ") < 0 && raw.indexOf("slurmstepd") < 0 && raw.indexOf("salloc: ") < 0 && raw.indexOf("sbatch: ") < 0) return NO_POINTS;
  // glued: right after the bar's last character (its `]`), not after a blank: a word inside a message stays text
  return gluedAfterBar(raw, SLURM_AFTER_BAR, (c) => c > 32 && !wordChar(c));
}

// a line that lost its line breaks between records of one process: each record kept its prefix, so the prefix that
// starts the line comes again (`(APIServer pid=9)     raise _format(...) from e(APIServer pid=9) huggingface_hub.errors.
// RepositoryNotFoundError: 401 Client Error. ...(APIServer pid=9) Invalid username or password.`)
const LINE_PROC = /\((?:[A-Za-z_][\w .=\-|]*? )?pid=\d+(?:, ip=[\w.:]+)?\)/;
// the same for PyTorch's `[rank0]:` prefix near the line's start, behind a stamp or not (`[rank0]: inputs = f( [rank0]:
// File "…", line 233, in f`)
const LINE_RANK = /(?:^|\s)(\[(?:rank|default)\d+\]:)\s/;
/** where the records of a line that repeats its first process prefix start again (none: the line is one record) */
function repeatedPrefixAt(raw: string): number[] {
  const rk = raw.indexOf("]:");
  if (rk > 0 && rk < 200) {
    const r = LINE_RANK.exec(raw.slice(0, rk + 3));
    if (r) {
      let points: number[] | null = null;
      // (only after a blank, so `x[rank0]:` inside a message stays text)
      for (let at = raw.indexOf(r[1], rk + 2); at >= 0; at = raw.indexOf(r[1], at + r[1].length)) if (raw.charCodeAt(at - 1) === 32) (points ??= []).push(at);
      if (points) return points;
    }
  }
  const first = raw.indexOf("pid=");
  if (first < 0 || first > 240 || raw.indexOf("pid=", first + 4) < 0) return NO_POINTS;
  const m = LINE_PROC.exec(raw.length > 300 ? raw.slice(0, 300) : raw);
  if (!m) return NO_POINTS;
  let points: number[] | null = null;
  for (let at = raw.indexOf(m[0], m.index + m[0].length); at >= 0; at = raw.indexOf(m[0], at + m[0].length)) (points ??= []).push(at);
  return points ?? NO_POINTS;
}

function splitPiece(raw: string): string[] {
  const again = repeatedPrefixAt(raw);
  if (again.length > 0) {
    const out = splitRecords(raw.slice(0, again[0]));
    for (let i = 0; i < again.length; i++) {
      const piece = raw.slice(again[i], again[i + 1]);
      if (piece.trim().length > 0) out.push(...splitRecords(piece));
    }
    return out;
  }
  return splitRecords(raw);
}

// vLLM records whose writer elided the date and time (and maybe the file) with an ellipsis, `ERROR ... [core.py:2178]
// RuntimeError: ...`, `INFO … Starting to load model ...`, on a line that lost its line breaks (a forum's or a digest's
// copy joins the lines with blanks): the line starts with such a record, and each next one starts after a blank
const ELIDED_HEAD = /(?:DEBUG|INFO|WARNING|ERROR|CRITICAL) (?:\.{3}|\u2026) /g;

/** where the records of a line of elided-header records start again after its first (none: one record, or no such line) */
function elidedGluedAt(raw: string): number[] {
  if (raw.indexOf("...") < 0 && raw.indexOf("\u2026") < 0) return NO_POINTS;
  ELIDED_HEAD.lastIndex = 0;
  const first = ELIDED_HEAD.exec(raw);
  // (the first at the line's start, or after a prefix's blank, a process's or a wrapper's: not inside a record's message,
  // after a header's `] `; NCCL's `NCCL INFO ...` is NCCL's record, not one of these)
  if (!first || !elidedHeadAt(raw, first.index) || first.index > 160 || /\] \S/.test(raw.slice(0, first.index))) return NO_POINTS;
  let points: number[] | null = null;
  for (let m = ELIDED_HEAD.exec(raw); m; m = ELIDED_HEAD.exec(raw)) if (raw.charCodeAt(m.index - 1) === 32 && elidedHeadAt(raw, m.index)) (points ??= []).push(m.index);
  return points ?? NO_POINTS;
}

function elidedHeadAt(raw: string, at: number): boolean {
  if (at === 0) return true;
  const c = raw.charCodeAt(at - 1);
  return (c === 32 || c === 9) && !raw.slice(Math.max(0, at - 5), at).startsWith("NCCL");
}

function splitRecords(raw: string): string[] {
  const elided = elidedGluedAt(raw);
  if (elided.length > 0) {
    const out = splitRecordsAt(raw.slice(0, elided[0]));
    for (let i = 0; i < elided.length; i++) out.push(...splitRecordsAt(raw.slice(elided[i], elided[i + 1])));
    return out;
  }
  return splitRecordsAt(raw);
}

// vLLM records of a line that lost its line breaks to single blanks (an issue's or a forum's flattened copy: `... "POST
// /v1/chat/completions HTTP/1.1" 200 OK INFO 02-10 15:09:45 engine.py:275] Added request ... INFO 02-10 15:10:15
// metrics.py:455] Avg prompt throughput: ...`): a whole header, level, date, time and the logger's `file:line]` in either
// era's form (`x.py:12]`, `[x.py:12]`, `[entrypoints/.../x.py:12]`), after a blank. Only on a line that holds two such
// headers or more, so one header quoted inside a message stays text; and none past a request's prompt (the client's text)
const JOINED_HEAD = /(?:DEBUG|INFO|WARNING|ERROR|CRITICAL) \d\d-\d\d \d\d:\d\d:\d\d (?:\[[\w.\/-]{1,200}:\d{1,6}\]|[\w.\/-]{1,200}\.py:\d{1,6}\]) /g;
const JOINED_MAY = / (?:DEBUG|INFO|WARNING|ERROR|CRITICAL) \d\d-\d\d /;

/** where the records of a line of blank-joined vLLM records start after its first (none: one record, or no such line) */
function joinedAt(raw: string): number[] {
  if (raw.length < 80 || !JOINED_MAY.test(raw)) return NO_POINTS;
  const prompt = raw.indexOf("Received request ");
  let heads = 0;
  let points: number[] | null = null;
  JOINED_HEAD.lastIndex = 0;
  for (let m = JOINED_HEAD.exec(raw); m; m = JOINED_HEAD.exec(raw)) {
    heads++;
    if (prompt >= 0 && m.index > prompt) break;
    if (m.index > 0 && raw.charCodeAt(m.index - 1) === 32) (points ??= []).push(m.index);
  }
  return heads >= 2 && points ? points : NO_POINTS;
}

function splitRecordsAt(raw: string): string[] {
  const joined = joinedAt(raw);
  const heads = joined.length === 0 ? vllmGluedAt(raw) : [...new Set([...vllmGluedAt(raw), ...joined])].sort((a, b) => a - b);
  const procs = procGluedAt(raw);
  const slurm = slurmGluedAt(raw);
  const points = procs.length === 0 && slurm.length === 0 ? heads : [...new Set([...heads, ...procs, ...slurm])].sort((a, b) => a - b);
  if (points.length === 0) return splitGlued(raw);
  const out = splitGlued(raw.slice(0, points[0]));
  for (let i = 0; i < points.length; i++) out.push(...splitGlued(raw.slice(points[i], points[i + 1])));
  return out;
}

export function splitPhysicalLine(raw: string): string[] {
  if (raw.indexOf("\r") < 0) return splitPiece(raw);
  return raw
    .split("\r")
    .filter((p) => p.trim().length > 0)
    .flatMap(splitPiece);
}
