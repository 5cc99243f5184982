/**
 * Which lines of an ASCII chunk a set of regular expressions (the user rules' patterns) may match, found with one
 * search per pattern over the whole chunk instead of one per line. A line none of them may match can take the
 * counting fast path; every other line goes the ordinary way, where the patterns are tested on its record.
 *
 * Exact for a line whose record text is the line itself (as for every line the fast path counts): a pattern that
 * matches such a line on its own also matches inside the chunk at a place that overlaps the line, because the
 * search runs with the `m` flag (so `^` and `$` hold at the line's ends as they do at the text's) and the pattern
 * holds no lookaround that could see past the line. Matches that run over a line end only send more lines the
 * ordinary way. A pattern with a lookaround makes `createLinePrefilter` answer null: no fast path then.
 */
export interface LinePrefilter {
  /** starts a chunk of plain ASCII */
  begin(bytes: Buffer): void;
  /** a pattern may match the line `[s, nl)` (lines asked in order) */
  mayMatch(s: number, nl: number): boolean;
}

const LOOKAROUND = /\(\?<?[=!]/;
const WINDOW = 64 << 10;

export function createLinePrefilter(patterns: readonly RegExp[]): LinePrefilter | null {
  if (patterns.some((p) => LOOKAROUND.test(p.source) || p.global || p.sticky)) return null;
  const searches = patterns.map((p) => new RegExp(p.source, `${p.flags}gm`.replace(/(.)(?=.*\1)/g, "")));
  // where matches start and end (end past start even for an empty match), by start
  let starts: number[] = [];
  let ends: number[] = [];
  let next = 0;
  return {
    begin(bytes) {
      const found: [number, number][] = [];
      // in windows of whole lines, each a small string (a line lies in one window, which is all exactness needs)
      for (let from = 0; from < bytes.length; ) {
        let to = from + WINDOW >= bytes.length ? bytes.length : bytes.lastIndexOf(10, from + WINDOW) + 1;
        if (to <= from) to = Math.min(bytes.length, bytes.indexOf(10, from + WINDOW) + 1 || bytes.length);
        const text = bytes.toString("latin1", from, to);
        for (const re of searches) {
          re.lastIndex = 0;
          for (let m = re.exec(text); m; m = re.exec(text)) {
            found.push([from + m.index, from + Math.max(m.index + m[0].length, m.index + 1)]);
            if (m[0].length === 0) re.lastIndex++;
          }
        }
        from = to;
      }
      found.sort((a, b) => a[0] - b[0]);
      starts = found.map((f) => f[0]);
      ends = found.map((f) => f[1]);
      next = 0;
    },
    mayMatch(s, nl) {
      // matches that end before this line cannot touch it or any later one
      while (next < starts.length && ends[next] <= s && starts[next] < s) next++;
      for (let k = next; k < starts.length && starts[k] <= nl; k++) if (ends[k] > s) return true;
      return false;
    },
  };
}
