import type { EventBase } from "./types.js";

/** A benchmark result block, table or JSON file (vllm bench serve/throughput/latency, nccl-tests). */
export interface BenchResultEvent extends EventBase {
  kind: "bench.result";
  tool: "serve" | "throughput" | "latency" | "ncclTests";
  values: Record<string, unknown>;
}

export type BenchEvent = BenchResultEvent;
