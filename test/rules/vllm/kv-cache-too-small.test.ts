import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/vllm/kv-cache-too-small.js";
import { run } from "../helpers.js";

describe("vllm/kv-cache-too-small", () => {
  it("gives the V0 arithmetic", () => {
    const f = run(rule, { lines: ["ValueError: The model's max seq len (32768) is larger than the maximum number of tokens that can be stored in KV cache (23648). Try increasing `gpu_memory_utilization` or decreasing `max_model_len` when initializing the engine."] });
    expect(f).toHaveLength(1);
    expect(f[0].message).toBe("max_model_len 32,768 needs 32,768 tokens of KV cache; the cache holds 23,648.");
    expect(f[0].remediation[0]).toContain("Lower --max-model-len to 23648");
  });
  it("gives the V1 arithmetic with vLLM's estimate", () => {
    const f = run(rule, { lines: ["ValueError: To serve at least one request with the models's max seq len (262144), (24.0 GiB KV cache is needed, which is larger than the available KV cache memory (3.18 GiB). Based on the available memory, the estimated maximum model length is 34720. Try increasing `gpu_memory_utilization`"] });
    expect(f[0].message).toContain("needs 24 GiB of KV cache for one request; only 3.18 GiB is available, enough for about 34,720 tokens");
    expect(f[0].remediation[0]).toContain("Lower --max-model-len to 34720");
  });
  it("reads the v0.7.0–v0.8.2 wording in GB with the same arithmetic", () => {
    const f = run(rule, { lines: ["ValueError: To serve at least one request with the models's max seq len (32768), (4.00 GB KV cache is needed, which is larger than the available KV cache memory (2.10 GB). Try increasing `gpu_memory_utilization` or decreasing `max_model_len` when initializing the engine."] });
    expect(f).toHaveLength(1);
    expect(f[0].message).toBe("max_model_len 32,768 needs 4 GiB of KV cache for one request; only 2.1 GiB is available, enough for about 17,203 tokens.");
    expect(f[0].remediation[0]).toContain("Lower --max-model-len to 17203");
  });
  it("stays quiet when the cache holds a full request", () => {
    expect(run(rule, { facts: { kvCache: { tokens: 643232, maxConcurrency: 15.7 }, config: { maxModelLen: 40960 } } })).toEqual([]);
  });
});
