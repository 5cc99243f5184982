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

/** the error signatures' key phrases, by signature (lower-cased, as `anyOf` holds them) */
const PHRASES: ReadonlyArray<{ id: string; phrase: string }> = SIGNATURES.filter((s) => s.level === "error").flatMap((s) =>
  s.anyOf.filter((p) => p.length > MIN_HEAD).map((phrase) => ({ id: s.id, phrase })),
);

export function readCutTail(rec: LogRecord, emit: Emit): void {
  const text = rec.text.trimEnd();
  if (!ERROR_RECORD.test(text) || !WORD.test(text.slice(-1).toLowerCase())) return;
  const lower = text.toLowerCase();
  let have: Set<string> | undefined;
  for (const { id, phrase } of PHRASES) {
    // the longest start of the phrase the text ends with, cut inside a word (the phrase goes on with a letter or digit)
    for (let k = phrase.length - 1; k >= MIN_HEAD && k * 2 >= phrase.length; k--) {
      if (!WORD.test(phrase[k]) || !WORD.test(phrase[k - 1]) || !lower.endsWith(phrase.slice(0, k))) continue;
      // (the phrase starts the text's word: `...xEngineCore hit an exc` is no cut of it)
      const at = lower.length - k;
      if (at > 0 && WORD.test(lower[at - 1]) && WORD.test(phrase[0])) break;
      have ??= new Set(matchSignatures(text).map((f) => f.id));
      if (have.has(id)) return;
      const whole: LogRecord = { ...rec, text: text + phrase.slice(k) };
      const found = matchSignatures(whole.text).map((f) => f.id);
      if (!found.includes(id)) break;
      // only the signature the phrase is of: the completion must not lend the line another's words
      const others = new Set(found.filter((x) => x !== id));
      readSignals(whole, emit, others);
      return;
    }
  }
}
