import { matchSignatures, SIGNATURE_SPAN, SIGNATURE_VALUES, SIGNATURES } from "../../grammars/signatures.js";
import { evidenceOf, type LogRecord } from "../model.js";
import { isClockTriple } from "../../grammars/nccl.js";
import type { Emit } from "./types.js";

const WARNING_HEAD = /^(?:\S+ )?(?:WARNING|WARN)\b|^WARNING:|^W\d{4} /;
/**
 * NCCL's `host:pid:tid [dev]` record header: the host a line came from when no launcher prefix says it (also right after
 * mpirun's `--tag-output` tag, `[1,5]<stdout>:host:pid:tid [dev]`, which the raw line keeps)
 */
const NCCL_HEADER = /(?:^|\s|<std(?:out|err)>:)([\w.-]+):(\d+):(\d+) \[\d+\]/;
const BY_NODE = new Set(SIGNATURES.filter((s) => s.node).map((s) => s.id));
const BY_PROCESS = new Set(SIGNATURES.filter((s) => s.process).map((s) => s.id));
const BY_LAUNCHER_RANK = new Set(SIGNATURES.filter((s) => s.launcherRank).map((s) => s.id));
const RANK_MARK = /\[(?:PG [^\]]*?)?Rank (\d+)\]|\[rank(\d+)\]/;
/** ProcessGroupNCCL's mark of the default group, the first made (PG 0; `default_pg` where its description is printed): `[PG 0 (default_pg) Rank 16]` */
const DEFAULT_PG_RANK = /\[PG 0(?: \(default_pg\))? Rank (\d+)\]/;
/** torchrun's `[rankN]:` before a record, where peeling left it in the line */
const LAUNCHER_RANK = /\[rank(\d+)\]:/;

/**
 * Applies the signature table to one record: a `signal` event for each signature the record is. `except`: ids not to
 * emit (those a hard-wrapped record's halves already gave, see src/events/wrapped.ts).
 */
export function readSignals(rec: LogRecord, emit: Emit, except?: ReadonlySet<string>): void {
  let found = matchSignatures(rec.text);
  if (except && found.length) found = found.filter((f) => !except.has(f.id));
  if (!found.length) return;
  const marked = RANK_MARK.exec(rec.raw);
  // (the default group's rank is the global one, which a launcher's label before the line may not be: `srun -l`'s `1: `
  // numbers a task that can hold a node's eight ranks; another group's rank is its own, and a launcher's then comes first)
  const global = DEFAULT_PG_RANK.exec(rec.raw);
  const rank = global ? Number(global[1]) : (rec.origin.rank ?? (marked ? Number(marked[1] ?? marked[2]) : null));
  for (const f of found) {
    // the record's own words (after a launcher's and NCCL's prefixes), for messages that quote them
    const captures: Record<string, string> = { message: / NCCL (?:WARN|INFO) (.*)$/.exec(rec.text)?.[1] ?? rec.text };
    // a WARNING record (vLLM's `WARNING 03-18 …`, Python's `WARNING:logger:`, glog's `W0318`): rules may read it as transient
    if (WARNING_HEAD.test(rec.text)) captures.level = "warning";
    if (f.match.groups) {
      for (const [k, v] of Object.entries(f.match.groups)) if (v !== undefined) captures[k] = v;
    } else {
      f.match.slice(1).forEach((v, i) => {
        if (v !== undefined) captures[String(i + 1)] = v;
      });
    }
    // the values rules read from the line, named by the signature (its first SIGNATURE_SPAN characters, as the patterns)
    for (const re of SIGNATURE_VALUES.get(f.id) ?? []) {
      const v = re.exec(rec.text.length > SIGNATURE_SPAN ? rec.text.slice(0, SIGNATURE_SPAN) : rec.text);
      if (v?.groups) for (const [k, x] of Object.entries(v.groups)) if (x !== undefined && captures[k] === undefined) captures[k] = x;
    }
    if (BY_NODE.has(f.id)) {
      const host = NCCL_HEADER.exec(rec.raw);
      // (a clock before a hostless record is no header: grammars/nccl.ts)
      if (host && !isClockTriple(host[1], host[2], host[3])) captures.ncclHost = host[1];
    }
    if (BY_LAUNCHER_RANK.has(f.id)) {
      const r = rec.origin.rank ?? LAUNCHER_RANK.exec(rec.raw)?.[1];
      if (r !== undefined) captures.launcherRank = String(r);
    }
    if (BY_PROCESS.has(f.id)) {
      // the prefix's process, pid and parallel indices (an EngineCore_DP1 inside a Ray actor's prefix keeps its DP index)
      const o = rec.origin;
      const who = [o.process, o.pid, o.dp, o.pp, o.tp, o.rank, o.ip, o.host].map((v) => v ?? "").join("|");
      if (/[^|]/.test(who)) captures.proc = who;
    }
    emit({ kind: "signal", ev: evidenceOf(rec), origin: rec.origin, input: rec.input, id: f.id, soft: f.soft, retry: f.retry, captures, rank });
  }
}
