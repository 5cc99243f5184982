import type { EventBase } from "./types.js";
import type { PhraseId } from "../../grammars/vllm-messages.js";

export type ConfigValue = string | number | boolean | null;

/** A value the log states for a config key, from a banner, `non-default args`, `Namespace(...)`, a command line or a single line. */
export interface VllmConfigEvent extends EventBase {
  kind: "vllm.config";
  source: "banner" | "non-default-args" | "namespace" | "command" | "line";
  /** config fact name (`tensorParallelSize`) -> value */
  values: Record<string, ConfigValue>;
  /** every complete key of the dump as vLLM wrote it (`disable_custom_all_reduce` -> true), for rules */
  raw?: Record<string, ConfigValue>;
  /**
   * `command`: the line the launch command began on, when it spans lines (`vllm serve m \` then `  --flag value \`
   * lines): a flag stated again on a later line of the same command replaces the earlier value, as argparse keeps the last
   */
  command?: number;
}

/**
 * A vLLM message from the phrase table (grammars/vllm-messages.ts): KV cache, memory, distributed set-up,
 * versions, server start, custom all-reduce, KV-cache errors ...
 */
export interface VllmMessageEvent extends EventBase {
  kind: "vllm.message";
  id: PhraseId;
  /** fact path (`kvCache.tokens`) -> value the line states */
  facts: Record<string, string | number | boolean>;
  /** higher wins when several lines state one fact */
  priority: number;
  /** the record's level, when it had a vLLM prefix */
  level: string | null;
  message: string;
}

/** What a process prefix, a file name or a traceback path tells about the engine generation and the executor. */
export interface VllmMarkerEvent extends EventBase {
  kind: "vllm.marker";
  engine?: "v0" | "v1";
  backend?: "mp" | "ray" | "uni" | "external_launcher";
  /** a V1 worker named with its expert-parallel rank (`Worker_DP0_TP5_EP5`): vLLM adds `_EP<n>` only with --enable-expert-parallel */
  expertParallel?: true;
  /**
   * the device platform a platform's own module names (`tpu_model_runner.py`, `hpu_worker.py`, `ray_xpu_executor.py`): as
   * `Automatically detected platform X.` names it (tpu, hpu, xpu, cpu, neuron, openvino)
   */
  platform?: string;
  /** a Ray worker actor's line without `ip=`: the actor runs on the Ray driver's node (see distributed.workersOnDriverNode) */
  driverNodeWorker?: true;
  /** what was seen: `prefix:VllmWorkerProcess`, `file:multiproc_executor.py`, `path:vllm/v1/`, `ray-driver` ... */
  marker: string;
  /** 3: process prefix or log-line file; 2: traceback path inside a vLLM record; 1: weaker hints */
  strength: number;
}

/** The periodic throughput / KV-usage lines of one input, summarised (they are too many to keep one by one). */
export interface VllmMetricsEvent extends EventBase {
  kind: "vllm.metrics";
  count: number;
  last: { promptTps: number | null; genTps: number | null; running: number; waiting: number; kvUsagePct: number | null };
  peakKvUsagePct: number | null;
  peakRunning: number;
  peakWaiting: number;
}

export type VllmEvent = VllmConfigEvent | VllmMessageEvent | VllmMarkerEvent | VllmMetricsEvent;
