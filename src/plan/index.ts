export { GPU_TABLE, findGpu, normalizeGpuName, fastGroupSize, hasFastLink, type GpuSpec, type Interconnect } from "./gpus.js";
export { readModelConfig, type ModelShape } from "./model-config.js";
export { kvBytesPerToken, kvBytesPerTokenPerGpu, expectedKvTokens, maxConcurrency, kvHeadsPerRank, layersPerStage, DEFAULT_BLOCK_SIZE } from "./kv.js";
export { planParallelism, DEFAULT_GPU_MEMORY_UTILIZATION, DEFAULT_OVERHEAD_GIB, MIN_KV_HEADROOM_GIB, type Plan, type PlanInput, type PlanGpu, type KvEstimate } from "./decide.js";
export { serveCommands, llmCall, type LaunchSettings } from "./commands.js";
export {
  adviseFromFacts, planFromFacts, summarizeRun, checkKv, leversForRun, gpusPerNodeFromFacts, MAX_SENSIBLE_UTILIZATION,
  type RunFacts, type RunPlan, type RunSummary, type KvCheck, type Lever, type FromRunOptions,
} from "./from-run.js";
export { parseParams, parseBytes, parseDtype, kvDtypeBytes, DTYPE_BYTES, GIB, GB, type WeightDtype } from "./units.js";
