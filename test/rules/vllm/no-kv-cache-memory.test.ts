import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/vllm/no-kv-cache-memory.js";
import { run } from "../helpers.js";

describe("vllm/no-kv-cache-memory", () => {
  it("fires on the V1 error and proposes a higher gpu_memory_utilization", () => {
    const f = run(rule, { lines: ['raise ValueError("No available memory for the cache blocks. Try increasing `gpu_memory_utilization` when initializing the engine.")'], facts: { config: { gpuMemoryUtilization: 0.85 } } });
    expect(f).toHaveLength(1);
    expect(f[0].remediation[0]).toContain("from 0.85 to 0.9");
  });
  it("fires on zero GPU blocks from the facts", () => {
    const f = run(rule, { facts: { kvCache: { gpuBlocks: 0 } } });
    expect(f).toHaveLength(1);
  });
  it("stays quiet with cache blocks", () => {
    expect(run(rule, { facts: { kvCache: { gpuBlocks: 2553 } }, lines: ["# GPU blocks: 2553, # CPU blocks: 2048"] })).toEqual([]);
  });
});
