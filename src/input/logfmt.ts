/**
 * logfmt lines, as a Go program that runs vLLM writes each line of its output: one record per physical line, the
 * line in its quoted `msg`. logrus's text formatter (Docker Model Runner: `time="2026-01-29T14:55:54Z" level=info
 * msg="  File \"/opt/vllm-env/bin/vllm\", line 10, in <module>" component=vllm`) and log/slog's text handler
 * (`time=2026-01-29T14:55:54.000Z level=INFO source=main.go:12 msg="..."`) both put `time`, `level` and `msg` first,
 * the other fields after it. The message is unquoted as Go quoted it (strconv.Quote) and read as the line, its
 * indentation kept; a line break inside it becomes `\r`, which the record splitter reads as a record separator on
 * the same physical line (as a JSON line's does). A line that is not such a record is left as it is.
 */

const LOGFMT_MSG = /^time=(?:"[^"]*"|\S+) level=[A-Za-z]+ (?:source=\S+ )?msg="((?:[^"\\]|\\.)*)"(?: [\w.\-]+=(?:"(?:[^"\\]|\\.)*"|\S*))*\s*$/;
const GO_ESCAPES: Record<string, string> = { a: "\x07", b: "\b", f: "\f", n: "\r", r: "\r", t: "\t", v: "\v" };
const GO_ESCAPE = /\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3}|.)/g;

/** The line a logfmt record's `msg` holds, or null when the line is not one. */
export function logfmtLineText(line: string): string | null {
  if (!line.startsWith("time=")) return null;
  const m = LOGFMT_MSG.exec(line);
  if (!m) return null;
  const msg = m[1];
  if (msg.indexOf("\\") < 0) return msg;
  return msg
    .replace(GO_ESCAPE, (_, e: string) => {
      if (e.length === 1) return GO_ESCAPES[e] ?? e;
      if (e[0] === "x" || e[0] === "u" || e[0] === "U") return String.fromCodePoint(parseInt(e.slice(1), 16));
      return String.fromCharCode(parseInt(e, 8));
    })
    .replace(/\r+$/, "");
}
