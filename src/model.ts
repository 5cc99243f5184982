/** Where a fact or finding comes from: the file, its 1-based physical line and that line's text. */
export interface Evidence {
  file: string;
  line: number;
  text: string;
  /** in facts.sources: the fact is computed from this line's facts, not printed (says how) */
  derived?: string;
}

/** Who wrote a record, as far as its prefixes tell. */
export interface Origin {
  /** process or actor name: VllmWorkerProcess, Worker_TP1, EngineCore_DP0, APIServer, RayWorkerWrapper ... */
  process?: string;
  pid?: number;
  /** a rank the prefix names (vLLM worker rank, torchrun [rankN], mpirun [1,N]) */
  rank?: number;
  /** tensor / pipeline / data parallel indices from `Worker_DP1_PP0_TP3` style names */
  tp?: number;
  pp?: number;
  dp?: number;
  /** node address from Ray's `ip=` or a pdsh/ip prefix */
  ip?: string;
  /** host name from a pdsh/kubectl/journald prefix */
  host?: string;
  /** Ray's `[repeated Nx across cluster]` count */
  repeated?: number;
}

/** One log record: a physical line (or a piece of one, when a terminal glued several records) with its wrappers peeled. */
export interface LogRecord {
  file: string;
  /** index of the input in the analysis, for ordering "first" facts across files */
  input: number;
  line: number;
  /** the physical line as read (after decoding), for evidence */
  raw: string;
  /** the record's own text with launcher, container, colour and process prefixes removed */
  text: string;
  origin: Origin;
  /** an outer timestamp that a wrapper carried, as written */
  stamp?: string;
  /** handed on by a reader as the message of a logger record of this level (`ERROR`, `CRITICAL`: a vLLM header's) */
  level?: string;
}

/** Evidence keeps a line whole up to this many characters; a longer one is cut with the cut marked. */
export const MAX_EVIDENCE_TEXT = 4096;

export function evidenceOf(rec: LogRecord): Evidence {
  const t = rec.raw.trimEnd();
  return { file: rec.file, line: rec.line, text: t.length <= MAX_EVIDENCE_TEXT ? t : `${t.slice(0, MAX_EVIDENCE_TEXT)}… [cut: ${t.length - MAX_EVIDENCE_TEXT} more characters]` };
}

export function clip(s: string, max: number): string {
  return s.length <= max ? s : s.slice(0, max - 1) + "…";
}
