import { matchSignatures, SIGNATURES } from "../../grammars/signatures.js";
import type { LogRecord } from "../model.js";
import { readSignals } from "./signals.js";
import type { Emit } from "./types.js";

/**
 * The last line of an excerpt cut inside a word of the message it carries: a window of a paste (an issue thread, a
 * `tail -c`, a pager's screen) ends mid-record, `ERROR 11-30 00:09:02 [core.py:390] EngineCore hit an exc`. Such a
 * line is kept because it names the failure; its words stop short of the phrase a signature needs. Read once, at the
 * end of an input, on the input's last line only, and only on an ERROR or CRITICAL record: the message's last
 * (partial) word, with the words before it, must be the start of one of an error signature's key phrases, cut inside a
 * word, and the signature's pattern must match the line completed with that phrase's rest. The evidence stays the line
 * as it is.
 */

/** a cut shorter than this is too little of the phrase to tell it */
const MIN_HEAD = 12;
// the level of the record: vLLM's header (`ERROR 11-30 00:09:02 ...`, `CRITICAL ...`), glog's `E1130 ...`, a Python
// logger's `ERROR:name:` or ` - ERROR - `
const ERROR_RECORD = /^(?:\S+ )?(?:ERROR|CRITICAL)\b|^E\d{4} |\s-\s+(?:ERROR|CRITICAL)\s+-\s/;
const WORD = /[a-z0-9_]/;

/** a start of an error signature's key phrase (lower-cased, as `anyOf` holds them) a cut may stop at */
interface Head {
  /** which of the signatures' phrases: its heads stand together, the longest first */
  entry: number;
  id: string;
  phrase: string;
  /** the phrase's first `k` characters: the head */
  k: number;
  head: string;
}

// Every head a cut may stop at, built once: `k` from the longest down, each one cut inside a word (the phrase goes on
// with a letter or digit after a letter or digit), at least MIN_HEAD long and half the phrase; by their last character
// so the test of a line looks only at heads ending as it does, in the phrase's order then the longest first.
let headsByLast: Map<string, Head[]> | undefined;
function headsEndingWith(last: string): readonly Head[] {
  if (headsByLast === undefined) {
    headsByLast = new Map();
    let entry = 0;
    for (const s of SIGNATURES)
      if (s.level === "error")
        for (const phrase of s.anyOf)
          if (phrase.length > MIN_HEAD) {
            entry++;
            for (let k = phrase.length - 1; k >= MIN_HEAD && k * 2 >= phrase.length; k--) {
              if (!WORD.test(phrase[k]) || !WORD.test(phrase[k - 1])) continue;
              const head = phrase.slice(0, k);
              const list = headsByLast.get(head[k - 1]);
              const h: Head = { entry, id: s.id, phrase, k, head };
              if (list) list.push(h);
              else headsByLast.set(head[k - 1], [h]);
            }
          }
  }
  return headsByLast.get(last) ?? [];
}

export function readCutTail(rec: LogRecord, emit: Emit): void {
  const text = rec.text.trimEnd();
  if (!ERROR_RECORD.test(text) || !WORD.test(text.slice(-1).toLowerCase())) return;
  const lower = text.toLowerCase();
  let have: Set<string> | undefined;
  // a phrase whose longest head the text ends with was settled there (read, or no match): its shorter heads are not tried
  let settled = -1;
  for (const { entry, id, phrase, k, head } of headsEndingWith(lower[lower.length - 1])) {
    if (entry === settled || !lower.endsWith(head)) continue;
    settled = entry;
    // (the phrase starts the text's word: `...xEngineCore hit an exc` is no cut of it)
    const at = lower.length - k;
    if (at > 0 && WORD.test(lower[at - 1]) && WORD.test(phrase[0])) continue;
    have ??= new Set(matchSignatures(text).map((f) => f.id));
    if (have.has(id)) return;
    const whole: LogRecord = { ...rec, text: text + phrase.slice(k) };
    const found = matchSignatures(whole.text).map((f) => f.id);
    if (!found.includes(id)) continue;
    // only the signature the phrase is of: the completion must not lend the line another's words
    const others = new Set(found.filter((x) => x !== id));
    readSignals(whole, emit, others);
    return;
  }
}
