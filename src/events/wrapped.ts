import { matchSignatures } from "../../grammars/signatures.js";
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
}

/** shorter records are not cut by a terminal's width */
const MIN_CUT = 60;
// what starts a record of its own: a level word or glog letter, a date, a bracket/paren prefix, traceback structure, a prompt
const RECORD_START = /^(?:\s|(?:DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|NCCL)\b|[IWEF]\d{4} |\d{4}-\d\d-\d\d|\d\d:\d\d:\d\d|Traceback|File "|During handling|The above exception|[\[(<#$>|=*+~^`{}])/;
// a host:pid:tid NCCL prefix
const NCCL_START = /^[\w.\-]+:\d+:\d+ /;

export function createWrapJoiner(readPhrases: (joined: LogRecord, halves: [string, string], emit: Emit) => void): WrapJoiner {
  let prev: LogRecord | null = null;
  let lastLine = -1;
  let lastInput = -1;
  return {
    next(rec, emit) {
      const p = prev;
      const adjacent = rec.line === lastLine + 1 && rec.input === lastInput;
      lastLine = rec.line;
      lastInput = rec.input;
      prev = mayBeCut(rec) ? rec : null;
      if (!p || !adjacent || !continues(rec)) return;
      // the evidence is the first line's, with the message whole (rules read a signal's text again)
      // (a cut next to a blank keeps the blank on one side of it; the peel took it off the text)
      const sep = /\s$/.test(p.raw) || /^\s/.test(rec.raw) ? " " : "";
      const joined: LogRecord = { ...p, text: p.text + sep + rec.text, raw: p.raw.trimEnd() + sep + rec.raw.trim() };
      const except = new Set<string>();
      for (const f of matchSignatures(p.text)) except.add(f.id);
      for (const f of matchSignatures(rec.text)) except.add(f.id);
      readSignals(joined, emit, except);
      readPhrases(joined, [p.text, rec.text], emit);
      // a message wrapped over three lines: the join may be cut again
      prev = mayBeCut(joined) && joined.text.length < 4000 ? joined : prev;
    },
  };
}

function mayBeCut(rec: LogRecord): boolean {
  const t = rec.text;
  // (the width is the physical line's, wrappers included)
  if (rec.raw.length < MIN_CUT || t.length === 0) return false;
  // a terminal cuts at its width, wherever that falls; only a sentence's end is taken for the record's end
  const c = t.charCodeAt(t.length - 1);
  return c !== 46 /* . */ && c !== 33 /* ! */ && c !== 63 /* ? */;
}

function continues(rec: LogRecord): boolean {
  const t = rec.text;
  if (t.length === 0 || t.length > 4000) return false;
  // the continuation of a wrapped line has no wrapper of its own (prefix, stamp, process)
  if (rec.raw.length - t.length > 2 && !rec.raw.startsWith(t)) return false;
  if (rec.origin.process !== undefined || rec.origin.pid !== undefined || rec.stamp !== undefined) return false;
  return !RECORD_START.test(t) && !NCCL_START.test(t);
}
