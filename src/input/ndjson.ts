/**
 * JSON-lines logs, as log shippers (docker json-file, Fluent Bit, Vector), Loki and Elastic exports,
 * `journalctl -o json` (a message with control bytes as an array of byte values) and vLLM's JSON logging config write them: one JSON object per physical line, the
 * log text in one of its fields. A line that is not such an object is left as it is (it is read as text).
 *
 * Why not the `ndjson` package: its parser is a stream of parsed objects that drops blank and non-JSON
 * rows (or fails on them in strict mode), so it cannot tell which physical line an object came from, and
 * a file that mixes JSON and plain lines loses the plain ones. Line numbers are the file's physical lines,
 * so we parse per line, only lines that start with `{` (or, in a pretty-printed document, a text field's
 * member: see prettyJsonText).
 */

/** Fields that hold the record text, in the order we look for them. */
// (`Log`: Azure Container Apps' console log stream, `az containerapp logs show --format json`; `Log_s`: the same
// records as a Log Analytics query exports them)
const TEXT_FIELDS = ["message", "msg", "log", "line", "MESSAGE", "textPayload", "@message", "LogEntry", "LogMessage", "Log", "Log_s"] as const;
/** Objects that wrap the record (Elastic hits, GCP entries, Vector/Loki envelopes). */
const NESTED = ["_source", "jsonPayload", "fields", "record", "event"] as const;
const LEVEL_FIELDS = ["levelname", "level", "severity", "log.level"] as const;
const TIME_FIELDS = ["asctime", "time", "timestamp", "@timestamp", "ts"] as const;

const VLLM_LEVEL_START = /^(?:DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL) /;
const ISO_LIKE = /(\d{4})-(\d\d)-(\d\d)[T ](\d\d:\d\d:\d\d)/;
const LEVELS: Record<string, string> = {
  debug: "DEBUG",
  info: "INFO",
  warn: "WARNING",
  warning: "WARNING",
  error: "ERROR",
  err: "ERROR",
  critical: "CRITICAL",
  fatal: "CRITICAL",
};

type Json = Record<string, unknown>;

function textField(o: Json): string | undefined {
  for (const k of TEXT_FIELDS) {
    const v = o[k];
    if (typeof v === "string") return v;
    if (k === "MESSAGE" && Array.isArray(v)) {
      const t = journalBytes(v);
      if (t !== undefined) return t;
    }
  }
  return undefined;
}

const UTF8 = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });

/**
 * `journalctl -o json` writes a field whose value holds non-printable or non-UTF-8 bytes as an array of its byte
 * values (systemd's Journal JSON Format): a vLLM record with its coloured process prefix (`ESC[36m(EngineCore pid=9)
 * ESC[0m INFO ...`) comes as `"MESSAGE":[27,91,51,54,109,...]`. The bytes, decoded as UTF-8; anything else (a field
 * given several values is an array of strings) is no text.
 */
function journalBytes(v: unknown[]): string | undefined {
  if (v.length === 0) return undefined;
  for (const b of v) if (typeof b !== "number" || !Number.isInteger(b) || b < 0 || b > 255) return undefined;
  return UTF8.decode(Uint8Array.from(v as number[]));
}

function pick(o: Json, keys: readonly string[]): string | undefined {
  for (const k of keys) {
    const v = o[k];
    if (typeof v === "string" && v) return v;
  }
  return undefined;
}

/**
 * The log text a JSON line holds, or null when the line is not a JSON log record. Newlines inside the
 * text (a traceback logged as one record) become `\r`, which the record splitter reads as record
 * separators on the same physical line; a trailing newline (docker's `log` field) is dropped.
 */
export function jsonLineText(line: string): string | null {
  let i = 0;
  while (i < line.length && (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9)) i++;
  if (line.charCodeAt(i) === 34 /* " */) return prettyJsonText(line, i);
  if (line.charCodeAt(i) !== 123 /* { */) return null;
  const end = line.trimEnd();
  if (end.charCodeAt(end.length - 1) !== 125 /* } */) return null;
  let obj: unknown;
  try {
    obj = JSON.parse(end);
  } catch {
    return null;
  }
  if (!obj || typeof obj !== "object" || Array.isArray(obj)) return null;
  let rec = obj as Json;
  let text = textField(rec);
  if (text === undefined) {
    for (const k of NESTED) {
      const inner = rec[k];
      if (inner && typeof inner === "object" && !Array.isArray(inner)) {
        const t = textField(inner as Json);
        if (t !== undefined) {
          rec = inner as Json;
          text = t;
          break;
        }
      }
    }
  }
  if (text === undefined) return null;
  text = text.replace(/\r?\n$/, "");
  text = withLoggerPrefix(text, rec);
  const trace = exceptionText(rec, text);
  if (trace) text = `${text}\n${trace}`;
  const pod = podPrefix(obj as Json);
  if (pod) text = pod + text;
  return text.indexOf("\n") >= 0 ? text.replace(/\r?\n/g, "\r") : text;
}

/**
 * A JSON document pretty-printed one member a line, as log platforms' exports and CLIs write it (`gcloud logging
 * read --format=json`, `aws logs filter-log-events`, an Elasticsearch `_search` response, Azure's `LogEntry` rows): a
 * line that is a text field's member (`"message": "..."`, `"textPayload": "...",`) holds one record, JSON-escaped.
 * Any other member (`"timestamp": ...`, `"severity": "INFO",`) is left as it is, and so is a string alone on its
 * line (`"--model",`: an argument list written one item a line, which the config readers take quoted). Newlines
 * inside become `\r`, as above.
 */
const PRETTY_MEMBER = /^"([@\w.]+)"\s*:\s*(?=")/;
// a traceback member of a pretty-printed record (see exceptionText) is read as the lines it holds
const TEXT_FIELD_SET: ReadonlySet<string> = new Set<string>([...TEXT_FIELDS, "exc_info", "exc_text", "stack_info", "stack_trace"]);

function prettyJsonText(line: string, start: number): string | null {
  let body = line.slice(start).trimEnd();
  if (body.charCodeAt(body.length - 1) === 44 /* , */) body = body.slice(0, -1).trimEnd();
  if (body.length < 2 || body.charCodeAt(body.length - 1) !== 34 /* " */) return null;
  const m = PRETTY_MEMBER.exec(body);
  if (!m || !TEXT_FIELD_SET.has(m[1])) return null;
  const value = jsonString(body.slice(m[0].length));
  return value === null ? null : recordText(value);
}

/** A JSON string literal's value, or null when the text is not one. */
function jsonString(body: string): string | null {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return null;
  }
  return typeof value === "string" ? value : null;
}

/** A text member's value as the record splitter reads it: a trailing newline off, the others `\r`. */
function recordText(value: string): string {
  const text = value.replace(/\r?\n$/, "");
  return text.indexOf("\n") >= 0 ? text.replace(/\r?\n/g, "\r") : text;
}

/**
 * A log entry as a console shows it or a YAML export writes it, one member a line with the key bare: Google Cloud's
 * Logs Explorer (an entry expanded and copied: `textPayload: "vllm serve: error: ..."`, `labels: {1}`, the message of
 * a `jsonPayload` indented under it as `message: "..."`) and `gcloud logging read`'s default YAML (`textPayload: 'INFO
 * ...'`, or the text bare). The text member's value is the record: a double-quoted value as JSON reads it, a
 * single-quoted one with YAML's `''` for a quote, and a bare one only after `textPayload:` (the other names begin
 * ordinary text too: `message: ` is the start of many a log line). Any other member stays as it is.
 */
const ENTRY_MEMBER = /^[ \t]*(textPayload|message|msg|log|MESSAGE|@message): (?=\S)/;

export function entryMemberText(line: string): string | null {
  const m = ENTRY_MEMBER.exec(line);
  if (!m) return null;
  const body = line.slice(m[0].length).trimEnd();
  const q = body.charCodeAt(0);
  let text: string | null;
  if (q === 34 /* " */) {
    if (body.length < 2 || body.charCodeAt(body.length - 1) !== 34) return null;
    if ((text = jsonString(body)) === null) return null;
  } else if (q === 39 /* ' */) {
    if (body.length < 2 || body.charCodeAt(body.length - 1) !== 39) return null;
    const inner = body.slice(1, -1);
    // a quote not doubled ends the scalar early: not one value
    if (inner.replace(/''/g, "").includes("'")) return null;
    text = inner.replace(/''/g, "'");
  } else if (m[1] === "textPayload") text = body;
  else return null;
  return recordText(text);
}

/**
 * A row of a CSV export of a log search (Kibana's CSV report, a Grafana or CloudWatch Logs Insights table saved as CSV,
 * the CloudWatch console's "Download search results (CSV)", Datadog's list export): the time first, quoted or not, a few
 * short label columns after it (host, pod, service, stream), then the message as the last field, quoted as RFC 4180
 * does it (`"` written `""`): `2026-05-14T09:12:01.000Z,"(APIServer pid=7) INFO ..."`,
 * `"Feb 28, 2025 @ 08:14:02.000","vllm-0","(APIServer pid=7) INFO ..."`. The time is an RFC 3339 / ISO stamp, Kibana's
 * default `MMM D, YYYY @ HH:mm:ss.SSS` (quoted: it holds a comma), or milliseconds since the epoch (CloudWatch's
 * console). The message is the record; the time and labels are the export's own. A message the export split over
 * several lines (a logged traceback) stays as its lines are.
 */
const CSV_TIME = String.raw`(?:\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d| UTC)?|\d{13})`;
const CSV_QUOTED_TIME = String.raw`[A-Z][a-z]{2} \d{1,2}, \d{4} @ \d\d:\d\d:\d\d(?:\.\d+)?`;
// a label column: a short value without spaces, quoted or bare
const CSV_LABEL = String.raw`(?:"[^"\s]{0,128}"|[^",\s]{0,128})`;
const CSV_ROW = new RegExp(String.raw`^(?:"?${CSV_TIME}"?|"${CSV_QUOTED_TIME}"),(?:${CSV_LABEL},){0,4}"((?:[^"]|"")*)"$`);
// the CloudWatch console writes a message that needs no quoting bare: `1756144009120,(VllmWorker pid=96) INFO ...`
const CSV_EPOCH_BARE = /^\d{13},(?!")(?=[^]*[A-Za-z])/;

export function csvRowText(line: string): string | null {
  const m = CSV_ROW.exec(line);
  return m ? m[1].replace(/""/g, '"') : null;
}

/** A CloudWatch console CSV row whose message is bare (not quoted), or null. */
export function csvEpochBareText(line: string): string | null {
  return CSV_EPOCH_BARE.test(line) ? line.slice(14) : null;
}

/**
 * The traceback a JSON logger keeps apart from the message. vLLM logs a failure with its traceback
 * (`logger.exception("EngineCore failed to start.")`); a JSON formatter writes the message alone in
 * `message` and the formatted traceback in another member: python-json-logger (the formatter vLLM's logging
 * docs use) in `exc_info`, and `stack_info` for a logged stack; structlog's `format_exc_info` in `exception`;
 * ECS loggers (Elastic's ecs-logging) in `error.stack_trace`, as a nested `error` object or a dotted key;
 * Datadog's reserved attribute `error.stack`; others a top-level `stack_trace`. The cause of the failure is
 * in those lines (`ValueError: No available memory for the cache blocks`), so they are read after the
 * message, as the text log would print them. A member whose text the message already holds (a formatter that
 * writes both) is not read twice; one that is not a string (structlog's dict tracebacks, a `true` flag) is no
 * text.
 */
const TRACE_FIELDS = ["exc_info", "exc_text", "stack_info", "exception", "stack_trace", "error.stack_trace", "error.stack"] as const;

function exceptionText(rec: Json, message: string): string | undefined {
  const parts: string[] = [];
  const err = rec.error && typeof rec.error === "object" && !Array.isArray(rec.error) ? (rec.error as Json) : undefined;
  for (const k of TRACE_FIELDS) {
    let v: unknown = rec[k];
    if (v === undefined && err && k.startsWith("error.")) v = err[k.slice(6)];
    if (typeof v !== "string") continue;
    const t = v.replace(/\s+$/, "");
    if (!/\S/.test(t) || t === "None" || t === "NoneType: None" || message.includes(t) || parts.some((p) => p.includes(t))) continue;
    parts.push(t);
  }
  return parts.length ? parts.join("\n") : undefined;
}

/**
 * A structured logger (vLLM's JSON logging config with python-json-logger) keeps the level, time and
 * source apart from the message. Put them back in vLLM's own `LEVEL MM-DD HH:MM:SS [file:line] ` form, so
 * that the record reads like the text log it stands for.
 */
function withLoggerPrefix(text: string, rec: Json): string {
  const levelRaw = pick(rec, LEVEL_FIELDS);
  if (!levelRaw || VLLM_LEVEL_START.test(text)) return text;
  const level = LEVELS[levelRaw.toLowerCase()];
  if (!level) return text;
  const time = ISO_LIKE.exec(pick(rec, TIME_FIELDS) ?? "");
  const file = pick(rec, ["filename", "pathname", "module", "name"]);
  if (!time || !file) return text;
  const lineno = typeof rec.lineno === "number" || typeof rec.lineno === "string" ? String(rec.lineno) : "0";
  const base = file.slice(file.lastIndexOf("/") + 1);
  return `${level} ${time[2]}-${time[3]} ${time[4]} [${base}:${lineno}] ${text}`;
}

/** Fluent Bit / Vector Kubernetes metadata, as the `[pod/NAME/CONTAINER] ` prefix `kubectl logs --prefix` writes. */
function podPrefix(o: Json): string {
  const k = o.kubernetes;
  if (!k || typeof k !== "object") return "";
  const kk = k as Json;
  const pod = typeof kk.pod_name === "string" ? kk.pod_name : undefined;
  if (!pod || /[\s\/\]]/.test(pod)) return "";
  const container = typeof kk.container_name === "string" && !/[\s\]]/.test(kk.container_name) ? kk.container_name : "main";
  return `[pod/${pod}/${container}] `;
}
