/**
 * A process prefix's name, `(Name pid=N…`, wherever it stands in a line's wrappers; also an inner prefix whose `(` a
 * paste lost right after the outer one closed (`(LLMServer pid=4, ip=10.0.0.3) EngineCore_0 pid=7) ...`).
 */
export const PREFIX_NAME = /(?:\(|(?<=\) ))([A-Za-z_][\w .=\-]*?) pid=\d+/g;

/**
 * The process names a record's wrappers (its raw line before its text) give, outermost first: every `(Name pid=N…)` in
 * the first 300 characters (nested prefixes), and the origin's process (the innermost prefix's, as peeling keeps it).
 */
export function processNames(process: string, wrappers: string): Set<string> {
  const head = wrappers.length > 300 ? wrappers.slice(0, 300) : wrappers;
  const names = new Set<string>();
  for (const m of head.matchAll(PREFIX_NAME)) names.add(m[1].trim());
  names.add(process);
  return names;
}
