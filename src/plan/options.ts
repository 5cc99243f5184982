/** From `plan`'s raw flag strings to a PlanInput; every bad value is one UsageError naming the flag. */
import { UsageError } from "../util/errors.js";
import { DEFAULT_GPU_MEMORY_UTILIZATION, DEFAULT_OVERHEAD_GIB, type PlanGpu, type PlanInput } from "./decide.js";
import { findGpu, GPU_TABLE, type Interconnect } from "./gpus.js";
import type { ModelShape } from "./model-config.js";
import { DTYPE_BYTES, formatParams, GIB, kvDtypeBytes, parseBytes, parseDtype, parseParams, type WeightDtype } from "./units.js";
import { formatNumber } from "../util/number-format.js";

export interface PlanFlags {
  params?: string;
  modelSize?: string;
  dtype?: string;
  gpu?: string;
  gpuMemory?: string;
  interconnect?: string;
  gpusPerNode?: string;
  nodes?: string;
  maxModelLen?: string;
  gpuMemoryUtilization?: string;
  kvCacheDtype?: string;
  attentionHeads?: string;
  overhead?: string;
  targetConcurrency?: string;
}

export const DEFAULT_GPUS_PER_NODE = 8;
const INTERCONNECTS: Interconnect[] = ["nvlink", "xgmi", "nvlink-pairs", "pcie"];

/**
 * The largest count a plan flag takes (GPUs, nodes, tokens, requests): far past any cluster, and small enough
 * that every figure derived from it stays an exact, printable number (never `∞` or `1.07e+307`).
 */
export const MAX_COUNT = 1e9;
/** The largest model a plan takes: 1,000T parameters, or that many bytes of weights. */
export const MAX_PARAMS = 1e15;
/** The largest GPU memory or reserve a plan takes (1 PiB). */
const MAX_GPU_BYTES = 1024 ** 5;

export function positiveInt(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\s*\d+\s*$/.test(v) || Number(v) < 1) throw new UsageError(`${flag} must be a positive whole number, not '${v}'`);
  if (Number(v) > MAX_COUNT) throw new UsageError(`${flag} must be at most ${formatNumber(MAX_COUNT, 3)}, not '${v.trim()}'`);
  return Number(v);
}

export function positiveNumber(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} must be a positive number, not '${v}'`);
  if (n > MAX_COUNT) throw new UsageError(`${flag} must be at most ${formatNumber(MAX_COUNT, 3)}, not '${v.trim()}'`);
  return n;
}

export function utilization(v: string | undefined): number | undefined {
  const n = positiveNumber("--gpu-memory-utilization", v);
  if (n !== undefined && n > 1) throw new UsageError(`--gpu-memory-utilization is a fraction of the GPU (0 < u ≤ 1), not '${v}'`);
  return n;
}

export function kvCacheDtypeFlag(v: string | undefined): string {
  const d = (v ?? "auto").toLowerCase();
  if (!["auto", "fp8", "fp8_e4m3", "fp8_e5m2", "bf16", "bfloat16", "fp16", "float16"].includes(d))
    throw new UsageError(`--kv-cache-dtype must be auto or fp8 (or fp8_e4m3, fp8_e5m2), not '${v}'`);
  return d;
}

/** The GPU from --gpu (table) or --gpu-memory; --interconnect overrides the table. */
export function resolveGpu(flags: PlanFlags, required: boolean): { gpu: PlanGpu | null; notes: string[] } {
  const notes: string[] = [];
  let interconnect: Interconnect | undefined;
  if (flags.interconnect !== undefined) {
    const i = flags.interconnect.toLowerCase() as Interconnect;
    if (!INTERCONNECTS.includes(i)) throw new UsageError(`--interconnect must be one of ${INTERCONNECTS.join(", ")}, not '${flags.interconnect}'`);
    interconnect = i;
  }
  const memBytes = flags.gpuMemory !== undefined ? parseBytes(flags.gpuMemory, "gib") : undefined;
  if (memBytes === null) throw new UsageError(`--gpu-memory must be a size such as 80GiB or 48GB, not '${flags.gpuMemory}'`);
  if (memBytes !== undefined && memBytes > MAX_GPU_BYTES) throw new UsageError(`--gpu-memory must be at most 1 PiB, not '${flags.gpuMemory}'`);
  if (flags.gpu !== undefined) {
    const spec = findGpu(flags.gpu);
    if (!spec) throw new UsageError(`unknown GPU '${flags.gpu}'; use --gpu-memory and --interconnect, or one of: ${GPU_TABLE.map((g) => g.id).join(", ")}`);
    return {
      gpu: { name: spec.name, memoryGiB: memBytes ? memBytes / GIB : spec.memoryGiB, interconnect: interconnect ?? spec.interconnect },
      notes,
    };
  }
  if (memBytes) {
    if (!interconnect) notes.push("--interconnect not given: assumed nvlink (GPUs without NVLink should say --interconnect pcie).");
    return { gpu: { name: "GPU", memoryGiB: memBytes / GIB, interconnect: interconnect ?? "nvlink" }, notes };
  }
  if (required) throw new UsageError("say which GPU: --gpu NAME (e.g. A100-80GB, H100, L40S) or --gpu-memory 80GiB");
  return { gpu: null, notes };
}

/** Weights in bytes and a phrase saying where they came from. */
export function resolveWeights(flags: PlanFlags, shape: ModelShape | null): { bytes: number; from: string; dtype: WeightDtype } {
  const dtype = flags.dtype !== undefined ? parseDtype(flags.dtype) : "bf16";
  if (!dtype) throw new UsageError(`--dtype must be one of bf16, fp16, fp8, int8, int4, fp32, not '${flags.dtype}'`);
  if (flags.params !== undefined && flags.modelSize !== undefined) throw new UsageError("give --params or --model-size, not both");
  const per = DTYPE_BYTES[dtype];
  if (flags.modelSize !== undefined) {
    const bytes = parseBytes(flags.modelSize, "gb");
    if (bytes === null) throw new UsageError(`--model-size must be a size such as 140GB or 130GiB, not '${flags.modelSize}'`);
    if (bytes > MAX_PARAMS * 4) throw new UsageError(`--model-size must be at most 4 PB, not '${flags.modelSize}'`);
    return { bytes, from: `--model-size ${flags.modelSize.trim()}`, dtype };
  }
  if (flags.params !== undefined) {
    const p = parseParams(flags.params);
    if (p === null) throw new UsageError(`--params must be a parameter count such as 70B or 7.6B, not '${flags.params}'`);
    if (p > MAX_PARAMS) throw new UsageError(`--params must be at most 1000T (a parameter count such as 70B or 7.6B), not '${flags.params}'`);
    return { bytes: p * per, from: `${formatParams(p)} parameters × ${per} byte${per === 1 ? "" : "s"} (${dtype})`, dtype };
  }
  if (shape?.estimatedParams) {
    const p = shape.estimatedParams;
    return { bytes: p * per, from: `${formatParams(p)} parameters (estimated from the model config) × ${per} byte${per === 1 ? "" : "s"} (${dtype})`, dtype };
  }
  throw new UsageError("say how large the model is: --params 70B, --model-size 140GB, or --model-config config.json");
}

export function buildPlanInput(flags: PlanFlags, shape: ModelShape | null): { input: PlanInput; dtype: WeightDtype; kvCacheDtype: string; notes: string[] } {
  const { gpu, notes } = resolveGpu(flags, true);
  const weights = resolveWeights(flags, shape);
  const gpusPerNode = positiveInt("--gpus-per-node", flags.gpusPerNode);
  if (gpusPerNode === undefined) notes.push(`--gpus-per-node not given: assumed ${DEFAULT_GPUS_PER_NODE}.`);
  const kvCacheDtype = kvCacheDtypeFlag(flags.kvCacheDtype);
  const overheadBytes = flags.overhead !== undefined ? parseBytes(flags.overhead, "gib") : undefined;
  if (overheadBytes === null) throw new UsageError(`--overhead must be a size such as 2GiB, not '${flags.overhead}'`);
  if (overheadBytes !== undefined && overheadBytes > MAX_GPU_BYTES) throw new UsageError(`--overhead must be at most 1 PiB, not '${flags.overhead}'`);
  const maxModelLen = positiveInt("--max-model-len", flags.maxModelLen);
  if (maxModelLen !== undefined && !shape) notes.push("--max-model-len without --model-config: the KV cache cannot be estimated.");
  if (weights.dtype === "fp8") notes.push("--quantization fp8 quantizes a bf16/fp16 checkpoint while loading; drop it for a checkpoint already in FP8 (vLLM reads the method from its config).");
  if (weights.dtype === "int4") notes.push("int4 weights come from a pre-quantized checkpoint (AWQ, GPTQ): point vllm serve at it; vLLM reads the method from its config.");
  return {
    input: {
      weightsBytes: weights.bytes,
      weightsFrom: weights.from,
      gpu: gpu!,
      gpusPerNode: gpusPerNode ?? DEFAULT_GPUS_PER_NODE,
      nodes: positiveInt("--nodes", flags.nodes) ?? 1,
      gpuMemoryUtilization: utilization(flags.gpuMemoryUtilization) ?? DEFAULT_GPU_MEMORY_UTILIZATION,
      overheadGiB: overheadBytes ? overheadBytes / GIB : DEFAULT_OVERHEAD_GIB,
      shape,
      attentionHeads: positiveInt("--attention-heads", flags.attentionHeads) ?? null,
      maxModelLen: maxModelLen ?? null,
      kvElementBytes: kvDtypeBytes(kvCacheDtype),
    },
    dtype: weights.dtype,
    kvCacheDtype,
    notes,
  };
}
