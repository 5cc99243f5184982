import type { FactState } from "../facts/state.js";
import type { Facts, Severity } from "../facts/schema.js";
import type { Evidence } from "../model.js";
import type { Signals } from "../facts/signals.js";
import type { Dialect, Layer } from "./relations.js";

/** Numbers a rule reads from configuration, with their defaults (see docs/configuration.md). */
export const DEFAULT_THRESHOLDS = {
  /** vllm/low-concurrency fires when the logged maximum concurrency is below this */
  minConcurrency: 1,
  /** more ranks than this in one communicator, or a TP size above it, means the job spans nodes */
  maxGpusPerNode: 8,
  /** evidence lines kept per finding (the rest are counted in evidenceCount) */
  maxEvidence: 5,
  /** bench/low-busbw: the large-size nccl-tests busbw (GB/s) this fabric should reach; 0 = derive it from the GPU and NET facts */
  expectBusbwGBs: 0,
} as const;

export type ThresholdName = keyof typeof DEFAULT_THRESHOLDS;
export type Thresholds = Record<ThresholdName, number>;

export interface RuleMeta {
  /** `area/kebab-name` */
  id: string;
  defaultSeverity: Severity;
  title: string;
  tags: string[];
  /** `docs/rules/<area>/<name>.md` */
  docs: string;
  /** the vLLM / NCCL documents or issues the rule encodes */
  sources: string[];
  /** thresholds this rule reads */
  thresholds?: ThresholdName[];
  /** where the rule sits in the chain of a failure (default: src/rules/relations.ts) */
  layer?: Layer;
  /** rule ids that may have caused this rule's findings (default: src/rules/relations.ts) */
  causedBy?: readonly string[];
  /** the programs whose logs the rule applies to (default: src/rules/relations.ts; none: any log) */
  dialects?: readonly Dialect[];
}

export interface RuleContext {
  facts: Facts;
  /** per signature of grammars/signatures.ts: the lines that matched it (count, first lines, last line) */
  signals: Signals;
  state: FactState;
  thresholds: Thresholds;
}

/** What a rule reports; the engine adds id, severity, title, docs and clips the evidence. */
export interface FindingDraft {
  message: string;
  evidence: Evidence[];
  /** how many lines showed it in all, when more than `evidence` holds */
  evidenceCount?: number;
  remediation: string[];
  /** a more specific title than the rule's own */
  title?: string;
  /** a severity the rule chooses for this case (e.g. info when the user set something on purpose); config still wins */
  severity?: Severity;
}

export interface Rule {
  meta: RuleMeta;
  check(ctx: RuleContext): FindingDraft[];
}

export function docsPath(id: string): string {
  return `docs/rules/${id}.md`;
}

/** The project's canonical home (package.json's `repository`); every documentation link is made from it. */
export const REPOSITORY_URL = "https://github.com/vllm-doctor/vllm-doctor";

/** A page of this package's documentation (`docs/…`, as in a finding's `docs`) as an absolute URL. */
export function docsUrl(docs: string): string {
  const [path, anchor] = docs.split("#", 2);
  return `${REPOSITORY_URL}/blob/main/${path.split("/").map(encodeURIComponent).join("/")}${anchor ? `#${anchor}` : ""}`;
}
