import type { DeviceLine } from "../../grammars/bench-nccltests.js";
import type { EventBase } from "./types.js";

export type BenchTool = "serve" | "throughput" | "latency" | "ncclTests";

/**
 * A benchmark result: a `vllm bench serve` block or its `--save-result` JSON, a `vllm bench throughput` or
 * `latency` result, an nccl-tests table. `values` holds the facts of CONTRACT.md's `facts.bench.<tool>`
 * (camelCase, null when the result does not show them) and extensions; `ev` is the result's first line.
 */
export interface BenchResultEvent extends EventBase {
  kind: "bench.result";
  tool: BenchTool;
  /** where the result was read from */
  format: "text" | "json";
  values: Record<string, unknown>;
}

/**
 * An nccl-tests device line (`#  Rank  3 Group  0 Pid  1234 on node-a device  3 [0000:1b:00] NVIDIA H100 ...`):
 * one NCCL rank, its host and GPU. The NCCL domain may count these for `nccl.ranks` / `nccl.nodes`.
 */
export interface BenchNcclTestsDeviceEvent extends EventBase, DeviceLine {
  kind: "bench.ncclTestsDevice";
}

export type BenchEvent = BenchResultEvent | BenchNcclTestsDeviceEvent;
