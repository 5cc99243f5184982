import type { Event } from "../events/index.js";
import type { Evidence } from "../model.js";
import { earlier, located, plain, type FactDomain, type Located } from "./domain.js";
import type { Facts, Missing } from "./schema.js";

type Section = Pick<Facts, "vllm" | "config" | "distributed" | "gpu" | "kvCache" | "memory" | "server">;

/** A value with the record it was first read from. */
interface Sourced<T> {
  value: T;
  at: Located;
}

export interface VllmState {
  /** fact path ("config.model") -> first value seen */
  values: Record<string, Sourced<string | number | boolean>>;
}

function setFirst(state: VllmState, path: string, value: string | number | boolean | null | undefined, at: Located): void {
  if (value === null || value === undefined || value === "") return;
  const cur = state.values[path];
  if (!cur || earlier(cur.at, at) === at) state.values[path] = { value, at };
}

export const vllmDomain: FactDomain<VllmState, Section> = {
  name: "vllm",
  init: () => ({ values: {} }),
  reduce(state, e: Event) {
    if (e.kind === "vllm.config") {
      const at = located(e);
      for (const [k, v] of Object.entries(e.values)) setFirst(state, `config.${k}`, v, at);
    }
  },
  merge(a, b) {
    const out: VllmState = { values: { ...a.values } };
    for (const [k, v] of Object.entries(b.values)) setFirst(out, k, v.value, v.at);
    return out;
  },
  finalize(state) {
    const get = <T>(path: string): T | null => (state.values[path]?.value as T | undefined) ?? null;
    const sources: Record<string, Evidence> = {};
    for (const [k, v] of Object.entries(state.values)) sources[k] = plain(v.at)!;
    const missing: Missing[] = [];
    const facts: Section = {
      vllm: { version: get("vllm.version"), engine: get("vllm.engine") },
      config: {
        model: get("config.model"),
        tensorParallelSize: get("config.tensorParallelSize"),
        pipelineParallelSize: get("config.pipelineParallelSize"),
        dataParallelSize: get("config.dataParallelSize"),
        executorBackend: get("config.executorBackend"),
        maxModelLen: get("config.maxModelLen"),
        gpuMemoryUtilization: get("config.gpuMemoryUtilization"),
        enableExpertParallel: get("config.enableExpertParallel"),
        nnodes: get("config.nnodes"),
        nodeRank: get("config.nodeRank"),
        masterAddr: get("config.masterAddr"),
        headless: get("config.headless"),
        dtype: get("config.dtype"),
        quantization: get("config.quantization"),
        kvCacheDtype: get("config.kvCacheDtype"),
        enforceEager: get("config.enforceEager"),
        maxNumSeqs: get("config.maxNumSeqs"),
        maxNumBatchedTokens: get("config.maxNumBatchedTokens"),
        blockSize: get("config.blockSize"),
        seed: get("config.seed"),
        servedModelName: get("config.servedModelName"),
      },
      distributed: { worldSize: get("distributed.worldSize"), backend: get("distributed.backend"), hostIp: get("distributed.hostIp") },
      gpu: { name: get("gpu.name"), count: get("gpu.count"), memoryGiB: get("gpu.memoryGiB") },
      kvCache: {
        tokens: get("kvCache.tokens"),
        maxConcurrency: get("kvCache.maxConcurrency"),
        tokensPerRequest: get("kvCache.tokensPerRequest"),
        gpuBlocks: get("kvCache.gpuBlocks"),
        cpuBlocks: get("kvCache.cpuBlocks"),
        availableGiB: get("kvCache.availableGiB"),
        neededGiB: get("kvCache.neededGiB"),
        maxTokensStorable: get("kvCache.maxTokensStorable"),
      },
      memory: {
        modelWeightsGiB: get("memory.modelWeightsGiB"),
        totalGpuGiB: get("memory.totalGpuGiB"),
        peakActivationGiB: get("memory.peakActivationGiB"),
        nonTorchGiB: get("memory.nonTorchGiB"),
        cudaGraphGiB: get("memory.cudaGraphGiB"),
        loadSeconds: get("memory.loadSeconds"),
        initEngineSeconds: get("memory.initEngineSeconds"),
      },
      server: { ready: get<boolean>("server.ready") ?? false, readyLine: state.values["server.ready"] ? plain(state.values["server.ready"].at) : null },
    };
    return { facts, sources, missing };
  },
};
