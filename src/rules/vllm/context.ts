import type { Event } from "../../events/index.js";
import type { Facts } from "../../facts/schema.js";
import { adviseFromFacts, gpusPerNodeFromFacts, type RunFacts } from "../../plan/index.js";

/** "TP 4 × PP 2 (8 GPUs)" for messages. */
export function parallelSummary(facts: Facts): string {
  const tp = facts.config.tensorParallelSize ?? 1;
  const pp = facts.config.pipelineParallelSize ?? 1;
  const dp = facts.config.dataParallelSize ?? 1;
  return `TP ${tp} × PP ${pp}${dp > 1 ? ` × DP ${dp}` : ""} (${tp * pp * dp} GPU${tp * pp * dp > 1 ? "s" : ""})`;
}

/** Functions on the start-up path of vLLM (V0 and V1): a traceback through one of them is an init failure. */
export const INIT_FUNCS = new Set([
  "init_device", "load_model", "get_model", "_init_executor", "_initialize_kv_caches", "initialize_kv_caches",
  "determine_available_memory", "determine_num_available_blocks", "profile_run", "initialize_model_parallel",
  "init_worker_distributed_environment", "ensure_model_parallel_initialized", "init_distributed_environment",
  "init_model_parallel_group", "init_process_group", "launch_core_engines", "wait_for_engine_startup",
  "make_async_mp_client", "make_client", "_init_workers_ray", "_init_engine", "create_engine_config",
  "initialize_from_config", "initialize_cache", "capture_model", "compile_or_warm_up_model", "init_worker",
  "_run_workers", "run_engine_core", "_initialize_model", "load_weights", "initialize_ray_cluster",
  "_verify_args", "verify_with_parallel_config", "from_engine_args", "build_async_engine_client_from_engine_args",
]);

const PHASES: [RegExp, string][] = [
  [/^(load_model|get_model|load_weights|_initialize_model)$/, "while loading the model weights"],
  [/^(profile_run|determine_available_memory|determine_num_available_blocks)$/, "while profiling memory"],
  [/^(_initialize_kv_caches|initialize_kv_caches|initialize_cache|initialize_from_config)$/, "while allocating the KV cache"],
  [/^(capture_model|compile_or_warm_up_model)$/, "while capturing CUDA graphs"],
  [/^(execute_model|forward|_dummy_run|step|run_busy_loop)$/, "while running the model"],
];

/** Where in the life of the engine a failure happened, from the deepest known frame of the tracebacks. */
export function phaseOfFailure(events: readonly Event[]): string | null {
  let found: string | null = null;
  for (const e of events) {
    if (e.kind !== "traceback") continue;
    for (const f of e.frames ?? []) {
      for (const [re, phase] of PHASES) if (re.test(f.func)) found = phase;
    }
    if (found) return found;
  }
  return null;
}

/**
 * The `plan` command's parallelism advice for this run (TP larger than a node; TP > 2 without NVLink), as
 * remediation sentences. `assumeGpusPerNode` stands in for the node size when the log does not show it.
 */
export function planAdvice(facts: Facts, assumeGpusPerNode?: number): string[] {
  let f: RunFacts = facts;
  const tp = facts.config.tensorParallelSize;
  if (assumeGpusPerNode && tp && gpusPerNodeFromFacts(facts) === null) {
    const world = (tp ?? 1) * (facts.config.pipelineParallelSize ?? 1);
    f = { ...facts, config: { ...facts.config, nnodes: Math.ceil(world / assumeGpusPerNode) }, distributed: { ...facts.distributed, worldSize: world } };
  }
  // sentences that open with a flag name (`tensor_parallel_size 16 ...`) keep it as vLLM spells it
  return adviseFromFacts(f).map((s) => (/^[a-z]+_/.test(s) ? s : s.charAt(0).toUpperCase() + s.slice(1)));
}
