import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/vllm/low-concurrency.js";
import { run } from "../helpers.js";

describe("vllm/low-concurrency", () => {
  it("fires below the threshold with the logged numbers", () => {
    const f = run(rule, { facts: { kvCache: { maxConcurrency: 0.82, tokensPerRequest: 29000, tokens: 23648 } } });
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("Maximum concurrency for 29,000 tokens per request is 0.82x (threshold 1x): not even one full-length request fits");
    expect(f[0].remediation[0]).toContain("Lower --max-model-len to 23648");
  });
  it("reads the threshold from configuration", () => {
    expect(run(rule, { facts: { kvCache: { maxConcurrency: 2.38 } }, thresholds: { minConcurrency: 4 } })).toHaveLength(1);
  });
  it("stays quiet above the threshold", () => {
    expect(run(rule, { facts: { kvCache: { maxConcurrency: 15.7 } } })).toEqual([]);
  });
});
