import { matchSignatures, SIGNATURE_SPAN, SIGNATURE_VALUES } from "../../grammars/signatures.js";
import type { LogRecord } from "../model.js";
import { readSignals } from "./signals.js";
import type { Emit } from "./types.js";

/**
 * A terminal or viewer that hard-wraps long lines at a fixed width splits one record over several physical lines, the
 * later ones with no prefix at all (`(EngineCore pid=316) ValueError: To serve at least one request with the model's
 * max seq len (100000), (4.26 GiB KV cach` / `e is needed, which is larger than the available KV cache memory (4.25
 * GiB). ...`). Each half is read as it is; the two joined are read as well, and only what the join alone states (a
 * signature or vLLM phrase neither half matched) is added, so a wrong join adds nothing unless it forms a whole message.
 */
export interface WrapJoiner {
  /** `rec` follows the previous record: reads the two joined when `rec` may continue it */
  next(rec: LogRecord, emit: Emit): void;
  /** no record is waiting for a line that may continue it */
  atRest(): boolean;
}

/** shorter records are not cut by a terminal's width */
export const MIN_CUT = 60;
// what starts a record of its own: a level word or glog letter, a date, a bracket/paren prefix, traceback structure, a prompt
const RECORD_START = /^(?:\s|(?:DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|NCCL)\b|[IWEF](?:\d{8}|\d{4}) |\d{4}-\d\d-\d\d|\d\d:\d\d:\d\d|Traceback|File "|During handling|The above exception|\([^()]*\bpid=|\((?:raylet|gcs_server)\)|[\[<#$>|=*+~^`{}])/;
// a traceback's frame line, behind the record header a worker logs it with
const FRAME_LINE = /(?:^|\] )\s*File "/;
// a host:pid:tid NCCL prefix
const NCCL_START = /^[\w.\-]+:\d+:\d+ /;
// a whole NCCL record behind a label the peel did not take off (`3: 10.3.35.83: ip-10-3-35-83:362:362 [0] NCCL INFO ...`):
// a record of its own, which a terminal's cut does not make (the cut would have to fall right before its header)
const GLUED_NCCL = /^\S[^ ]{0,40}(?: \S[^ ]{0,40}){0,3} [\w.\-]+:\d+:\d+ \[\d+\] (?:[\w\/.\-]+:\d+ )?NCCL (?:INFO|WARN|TRACE) /;
// what stands before a blockquoted, indented line's text: `>` and the indent (`>     with config: model='m', `)
const QUOTED_INDENT = /^[ \t]*>[ \t]{2,}$/;
// a vLLM logger header with nothing after it (`INFO 09-20 15:54:42 llm_engine.py:223] `, `... [core.py:91]`)
const HEAD_ONLY = /^(?:DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL) \d\d-\d\d \d\d:\d\d:\d\d(?:[.,]\d+)? \[?[^\s\[\]]+:\d+\]\s*$/;

export function createWrapJoiner(
  readPhrases: (joined: LogRecord, halves: [string, string], emit: Emit) => void,
  hasPhrase: (joined: LogRecord, halves: [string, string]) => boolean,
): WrapJoiner {
  // the records the next line may continue: a record alone, or a join so far (`hard`: a terminal's cut at its width,
  // nothing lost but the blank the peel trims at a break; `soft`: wraps at blanks that the paste dropped, so a blank
  // goes back at every break)
  let cands: Candidate[] = [];
  let lastLine = -1;
  let lastInput = -1;
  return {
    atRest: () => cands.length === 0,
    next(rec, emit) {
      const adjacent = rec.line === lastLine + 1 && rec.input === lastInput;
      lastLine = rec.line;
      lastInput = rec.input;
      // the longest join first: it holds the most of the message
      const cont = adjacent && cands.length ? continuation(rec) : null;
      // an indented continuation (a hanging indent, or the gutter a console re-wrapped the output in) only continues a
      // record that starts no deeper than it does
      const depth = cont === null ? 0 : depthOf(rec.raw);
      // (a traceback's frame line is followed by its indented code line: no wrap)
      const from = cont === null ? NO_CANDIDATES : [...cands].filter((c) => depth === 0 || (indentOf(c.rec.raw) <= depth && !FRAME_LINE.test(c.rec.text))).sort((a, b) => b.rec.text.length - a.rec.text.length);
      let own: Set<string> | undefined;
      const ownSignatures = () => (own ??= signaturesOf(rec.text));
      // a record's own signatures are only looked up once a line continues it: most records are never joined
      // (a logger header alone on its line is a record an author reflowed: its message is on the lines that follow)
      const next: Candidate[] = (mayBeCut(rec) && INTEREST.test(rec.text)) || HEAD_ONLY.test(rec.text) ? [{ rec, mode: "new" }] : [];
      for (const c of from) {
        const p = c.rec;
        const pieces = (c.pieces ?? 1) + 1;
        const blank = /\s$/.test(p.raw) || /^\s/.test(rec.raw) || depth > 0;
        const tries: ["hard" | "soft", string][] =
          c.mode === "hard" ? [["hard", blank ? " " : ""]] : c.mode === "soft" ? [["soft", " "]] : blank ? [["hard", " "]] : [["hard", ""], ["soft", " "]];
        for (const [mode, sep] of tries) {
          // the evidence is the first line's, with the message whole (rules read a signal's text again)
          const joined: LogRecord = { ...p, text: p.text + sep + cont, raw: p.raw.trimEnd() + sep + rec.raw.trim() };
          const halves = new Set<string>([...(c.sigs ??= signaturesOf(p.text)), ...ownSignatures()]);
          const sigs = signaturesOf(joined.text);
          if ([...sigs].some((id) => !halves.has(id)) || hasPhrase(joined, [p.text, cont!])) {
            readSignals(joined, emit, halves);
            readPhrases(joined, [p.text, cont!], emit);
            cands = grows(joined, pieces) ? [{ rec: joined, mode, sigs, pieces }] : next;
            return;
          }
          // the first line's signature, its values cut off (`Watchdog caught collective operation timeout: WorkN` /
          // `CCL(SeqNum=1184, OpType=ALLREDUCE, …)`): the join is read for it again, and the signals add what it names
          // to that line's (src/facts/signals.ts)
          const fuller = [...c.sigs!].filter((id) => sigs.has(id) && !ownSignatures().has(id) && moreValues(id, p.text, joined.text));
          if (fuller.length) readSignals(joined, emit, new Set([...sigs].filter((id) => !fuller.includes(id))));
          if (grows(joined, pieces) && next.length < 3) next.push({ rec: joined, mode, sigs, pieces });
        }
      }
      cands = next;
    },
  };
}

const NO_CANDIDATES: readonly Candidate[] = [];

interface Candidate {
  rec: LogRecord;
  mode: "new" | "hard" | "soft";
  /** the signatures its text matches already (looked up when first needed) */
  sigs?: Set<string>;
  /** physical lines joined */
  pieces?: number;
}

// the start of a message worth joining says what it is about: the signatures and phrases are all failures, limits and
// network or memory statements (ordinary prose is never joined)
// (and the running server's stats line, whose numbers a cut splits from their labels, also one cut inside its first
// label behind the stats loggers' header, `INFO 07-03 23:20:42 metrics.py:295] Avg prompt th`; the engine's banner cut
// before its version; and the lines of the start-up facts, whose numbers a cut splits from their labels: `Maximum
// concurrency for 262,144 tokens per request: 2.3` / `8x`)
const INTEREST = /rror|xception|WARN|NCCL|CUDA|[Mm]emory|[Ff]ail|[Tt]imeout|timed out|max seq len|KV cache|GPU|refused|denied|[Kk]illed|died|abort|[Ii]nvalid|unhandled|[Ss]ocket|[Cc]onnect|Avg prompt throughput|Avg generation throughput|Running: \d+ reqs|\b(?:metrics|loggers)\.py:\d+\] | LLM engine$|Maximum|tokens per request|kv_cache_utils\.py:\d+\] |executor\w*\.py:\d+\] |world_size|Memory profiling|[Mm]odel weights|gpu_memory_utilization|Init COMPLETE|nRanks/;

/** a join grows no longer than this (the messages read are a few hundred characters), over at most MAX_PIECES lines */
const MAX_JOIN = 1500;
const MAX_PIECES = 6;

const signaturesOf = (text: string) => new Set(matchSignatures(text).map((f) => f.id));

/** whether signature `id`'s value patterns name more on `joined` than on `first` */
function moreValues(id: string, first: string, joined: string): boolean {
  const res = SIGNATURE_VALUES.get(id);
  if (!res) return false;
  const named = (t: string) => {
    const s = t.length > SIGNATURE_SPAN ? t.slice(0, SIGNATURE_SPAN) : t;
    let n = 0;
    for (const re of res) for (const v of Object.values(re.exec(s)?.groups ?? {})) if (v !== undefined) n++;
    return n;
  };
  return named(joined) > named(first);
}

function grows(joined: LogRecord, pieces: number): boolean {
  return pieces < MAX_PIECES && joined.text.length < MAX_JOIN && mayBeCut(joined);
}

function mayBeCut(rec: LogRecord): boolean {
  const t = rec.text;
  // (the width is the physical line's, wrappers included; a stats record that has not reached its GPU KV cache usage is
  // unfinished however short its line: an author re-typeset it one group of fields a line, `07-29 04:29:38  Avg prompt
  // throughput: 0.0 tokens/s` / `                Avg generation throughput: ...`)
  // (nor is a clause an author broke the line after, `model weights take 13.5GiB; non_torch_memory takes 0.25GiB;` /
  // `PyTorch activation peak memory takes 2.06GiB;` / `the rest of the memory reserved for KV Cache is 20.78GiB.`)
  if (t.length === 0 || (rec.raw.length < MIN_CUT && !unfinishedStats(t) && t.charCodeAt(t.length - 1) !== 59 /* ; */)) return false;
  // a terminal cuts at its width, wherever that falls; only a sentence's end is taken for the record's end (a `.` after a
  // digit may be a number's point a cut split: `... tokens per request: 4.` / `33x`)
  const c = t.charCodeAt(t.length - 1);
  if (c === 46 && t.length > 1) {
    const d = t.charCodeAt(t.length - 2);
    if (d >= 48 && d <= 57) return true;
  }
  return c !== 46 /* . */ && c !== 33 /* ! */ && c !== 63 /* ? */;
}

/** the text `rec` adds to the record it continues (its indentation off), or null when it starts a record of its own */
function continuation(rec: LogRecord): string | null {
  let t = rec.text;
  if (t.length === 0 || t.length > 4000) return null;
  if (rec.origin.process !== undefined || rec.origin.pid !== undefined || rec.stamp !== undefined) return null;
  // an indented line: a hand-wrapped record's hanging indent (`1201: INFO ... Avg prompt throughput: 2178.0 tokens/s,` /
  // `      Avg generation throughput: 93.6 tokens/s, Running: 2 reqs, ...`) or a console's gutter the whole output was
  // re-wrapped in; its indentation is all the wrapper it may have
  t = t.trimStart();
  const lead = indentOf(rec.raw);
  if (t.length === 0) return null;
  // (a blockquote's `> ` before the indent is the write-up's, not a collector's)
  if ((lead > 0 && rec.raw.startsWith(t, lead)) || QUOTED_INDENT.test(rec.raw.slice(0, Math.max(0, rec.raw.indexOf(t))))) {
    if (/^(?:File "|Traceback|\^|~)/.test(t)) return null;
  }
  // the continuation of a wrapped line has no wrapper of its own (prefix, stamp, process)
  else if (rec.raw.length - t.length > 2 && !rec.raw.startsWith(t)) return null;
  return !RECORD_START.test(t) && !NCCL_START.test(t) && !GLUED_NCCL.test(t) ? t : null;
}

/** a continuation's indent: its leading blanks, or those after a blockquote's `>` (`>     with config: ..`) */
function depthOf(raw: string): number {
  const q = /^[ \t]*>[ \t]{2,}/.exec(raw);
  return q ? q[0].length : indentOf(raw);
}

function indentOf(raw: string): number {
  let i = 0;
  while (i < raw.length && (raw.charCodeAt(i) === 32 || raw.charCodeAt(i) === 9)) i++;
  return i;
}

/**
 * the first part of a stats record, cut before the GPU KV cache usage every version prints (also one whose first labels
 * an author elided: `Engine 000: ... Avg generation throughput: 0.6 tokens/s, Running: 5 reqs,`)
 */
function unfinishedStats(t: string): boolean {
  let at = t.indexOf("Avg prompt throughput: ");
  if (at < 0) at = t.indexOf("Avg generation throughput: ");
  if (at < 0) at = t.search(/(?:\.{3}|\u2026|Engine \d+:) ?Running: \d+ reqs/);
  return at >= 0 && t.indexOf("GPU KV cache usage: ", at) < 0;
}
