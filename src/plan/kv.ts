import type { ModelShape } from "./model-config.js";
import { GIB } from "./units.js";

/** vLLM allocates the KV cache in blocks of this many tokens (the default --block-size). */
export const DEFAULT_BLOCK_SIZE = 16;

export interface KvLayout {
  tensorParallelSize: number;
  pipelineParallelSize: number;
}

/** KV heads one tensor-parallel rank holds: the heads split evenly, or one replicated head when TP exceeds them. */
export function kvHeadsPerRank(shape: ModelShape, tp: number): number {
  return Math.max(1, Math.floor(shape.kvHeads / tp));
}

/** Layers of the largest pipeline stage. */
export function layersPerStage(shape: ModelShape, pp: number): number {
  return Math.ceil(shape.layers / pp);
}

/**
 * KV cache bytes one token takes in the whole model: K and V (2) × layers × KV heads × head dim × element bytes.
 * With multi-head latent attention: layers × (kv_lora_rank + rope dim) × element bytes.
 */
export function kvBytesPerToken(shape: ModelShape, elementBytes: number): number {
  if (shape.mlaDim !== null) return shape.layers * shape.mlaDim * elementBytes;
  return 2 * shape.layers * shape.kvHeads * shape.headDim * elementBytes;
}

/** The same, for the slice of the model one GPU holds in a TP × PP layout (what each GPU's KV cache stores). */
export function kvBytesPerTokenPerGpu(shape: ModelShape, elementBytes: number, layout: KvLayout): number {
  const layers = layersPerStage(shape, layout.pipelineParallelSize);
  if (shape.mlaDim !== null) return layers * shape.mlaDim * elementBytes;
  return 2 * layers * kvHeadsPerRank(shape, layout.tensorParallelSize) * shape.headDim * elementBytes;
}

/**
 * Tokens a KV cache of `availableBytes` per GPU holds: whole blocks only, as vLLM allocates them. Every GPU of a
 * layout holds the same tokens (its own heads and layers of each), so this is also the engine's total.
 */
export function expectedKvTokens(availableBytes: number, bytesPerTokenPerGpu: number, blockSize = DEFAULT_BLOCK_SIZE): number {
  if (availableBytes <= 0 || bytesPerTokenPerGpu <= 0) return 0;
  return Math.floor(availableBytes / (bytesPerTokenPerGpu * blockSize)) * blockSize;
}

/** How many requests of full length fit at once (vLLM's "Maximum concurrency for L tokens per request"). */
export function maxConcurrency(kvTokens: number, tokensPerRequest: number): number {
  return tokensPerRequest > 0 ? kvTokens / tokensPerRequest : 0;
}

export const gibToBytes = (g: number): number => g * GIB;
