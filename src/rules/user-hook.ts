import type { Event } from "../events/index.js";
import type { LogRecord } from "../model.js";
import type { RulesConfig } from "./engine.js";
import { createRecordMatcher, type RecordMatches } from "./user.js";

type Matcher = ReturnType<typeof createRecordMatcher> & { sawRecords: boolean };

/** A record hook for the user rules that have a regex, or null when none has. */
export function createUserMatcher(rules?: RulesConfig): Matcher | null {
  const withPattern = rules?.userRules?.filter((r) => r.pattern) ?? [];
  if (!withPattern.length) return null;
  const inner = createRecordMatcher(withPattern);
  const m: Matcher = {
    sawRecords: false,
    onRecord(rec: LogRecord) {
      m.sawRecords = true;
      inner.onRecord(rec);
    },
    results: inner.results,
  };
  return m;
}

export function chainOnRecord(a: ((rec: LogRecord) => void) | undefined, b: (rec: LogRecord) => void): (rec: LogRecord) => void {
  return a ? (rec) => (a(rec), b(rec)) : b;
}

/**
 * The rules configuration with what the user regexes matched. When the records were read elsewhere
 * (worker threads), the regexes run on the kept events' lines instead.
 */
export function withRecordMatches(rules: RulesConfig | undefined, matcher: Matcher | null, events: readonly Event[]): RulesConfig | undefined {
  if (!rules || !matcher) return rules;
  let matches: RecordMatches = matcher.results();
  if (!matcher.sawRecords) {
    const fallback = createRecordMatcher(rules.userRules!.filter((r) => r.pattern));
    for (const e of events) fallback.onRecord({ file: e.ev.file, input: e.input, line: e.ev.line, raw: e.ev.text, text: e.ev.text, origin: e.origin ?? {} });
    matches = fallback.results();
  }
  return { ...rules, recordMatches: matches };
}
