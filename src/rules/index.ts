import type { Rule, RuleMeta } from "./types.js";
import { docsPath } from "./types.js";
import { rule as cudaOom } from "./vllm/cuda-oom.js";
import { rule as kvCacheTooSmall } from "./vllm/kv-cache-too-small.js";
import { rule as noKvCacheMemory } from "./vllm/no-kv-cache-memory.js";
import { rule as lowConcurrency } from "./vllm/low-concurrency.js";
import { rule as customAllreduceDisabled } from "./vllm/custom-allreduce-disabled.js";
import { rule as tpNotDivisible } from "./vllm/tp-not-divisible.js";
import { rule as tpSpansNodes } from "./vllm/tp-spans-nodes.js";
import { rule as rayInsufficientResources } from "./vllm/ray-insufficient-resources.js";
import { rule as engineInitFailed } from "./vllm/engine-init-failed.js";
import { rule as modelDownload } from "./vllm/model-download.js";
import { rule as socketFallback } from "./nccl/socket-fallback.js";
import { rule as ibDisabled } from "./nccl/ib-disabled.js";
import { rule as gdrdmaDisabled } from "./nccl/gdrdma-disabled.js";
import { rule as p2pDisabled } from "./nccl/p2p-disabled.js";
import { rule as shmTooSmall } from "./nccl/shm-too-small.js";
import { rule as ibError } from "./nccl/ib-error.js";
import { rule as bootstrapFailure } from "./nccl/bootstrap-failure.js";
import { rule as systemError } from "./nccl/system-error.js";
import { rule as internalError } from "./nccl/internal-error.js";
import { rule as remoteProcessExited } from "./nccl/remote-process-exited.js";
import { rule as cudaError } from "./nccl/cuda-error.js";
import { rule as duplicateGpu } from "./nccl/duplicate-gpu.js";
import { rule as collectiveTimeout } from "./nccl/collective-timeout.js";
import { rule as wrongInterface } from "./nccl/wrong-interface.js";
import { rule as ncclError } from "./nccl/error.js";
import { rule as netPluginFallback } from "./nccl/net-plugin-fallback.js";
import { rule as versionMismatch } from "./cluster/version-mismatch.js";
import { rule as publicAddress } from "./security/public-address.js";
import { rule as benchFailedRequests } from "./bench/failed-requests.js";
import { rule as benchNcclTestsWrong } from "./bench/nccl-tests-wrong.js";
import { rule as benchLowBusbw } from "./bench/low-busbw.js";
import { rule as benchKvCacheLimitsConcurrency } from "./bench/kv-cache-limits-concurrency.js";
import { rule as benchDegradedServer } from "./bench/degraded-server.js";
import { rule as runtimeKvCachePressure } from "./runtime/kv-cache-pressure.js";
import { rule as runtimeSmallBatchTp } from "./runtime/small-batch-tp.js";
import { rule as runtimeQueueWithFreeKv } from "./runtime/queue-with-free-kv.js";
import { rule as runtimeStall } from "./runtime/stall.js";
import { rule as runtimeThroughputDrop } from "./runtime/throughput-drop.js";
import { rule as runtimeClientErrors } from "./runtime/client-errors.js";

/**
 * Every built-in rule, in the order findings are reported: vLLM start-up and capacity first, then NCCL
 * transport, NCCL errors (nccl/error last: it reports only what the others do not explain), cluster, security.
 */
export const RULES: readonly Rule[] = [
  cudaOom, kvCacheTooSmall, noKvCacheMemory, lowConcurrency, customAllreduceDisabled, tpNotDivisible, tpSpansNodes,
  rayInsufficientResources, engineInitFailed, modelDownload,
  socketFallback, ibDisabled, gdrdmaDisabled, p2pDisabled, shmTooSmall, wrongInterface, netPluginFallback,
  ibError, bootstrapFailure, systemError, internalError, remoteProcessExited, cudaError, duplicateGpu, collectiveTimeout, ncclError,
  versionMismatch, publicAddress,
  benchFailedRequests, benchNcclTestsWrong, benchLowBusbw, benchKvCacheLimitsConcurrency, benchDegradedServer,
  runtimeStall, runtimeKvCachePressure, runtimeQueueWithFreeKv, runtimeSmallBatchTp, runtimeThroughputDrop, runtimeClientErrors,
];

/** Findings the engine itself produces. */
export const ENGINE_RULES: readonly RuleMeta[] = [
  {
    id: "internal/rule-error",
    defaultSeverity: "warning",
    title: "A rule failed; the analysis went on without it",
    tags: ["internal"],
    docs: docsPath("internal/rule-error"),
    sources: [],
  },
];

/** Metadata of every rule id, built-in and engine, in registry order. */
export function allRuleMetas(): RuleMeta[] {
  return [...RULES.map((r) => r.meta), ...ENGINE_RULES];
}

export function findRule(id: string): RuleMeta | undefined {
  return allRuleMetas().find((m) => m.id === id);
}
