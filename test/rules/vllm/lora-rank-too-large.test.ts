import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/vllm/lora-rank-too-large.js";
import { run } from "../helpers.js";

describe("vllm/lora-rank-too-large", () => {
  it("names the adapter's rank and the server's, and the --max-lora-rank to start with", () => {
    const f = run(rule, { lines: ["ValueError: LoRA rank 48 is greater than max_lora_rank 16."] });
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("its rank (48) is larger than the server's --max-lora-rank (16)");
    expect(f[0].remediation[0]).toContain("`--max-lora-rank 64`");
  });
  it("reads V1's report of the worker's exception", () => {
    const f = run(rule, { lines: ["(EngineCore_DP0 pid=210) ERROR 11-19 12:54:26 [core.py:710] RuntimeError: Worker failed with error 'LoRA rank 32 is greater than max_lora_rank 16.', please check the stack trace above for the root cause"] });
    expect(f).toHaveLength(1);
    expect(f[0].remediation[0]).toContain("`--max-lora-rank 32`");
  });
  it("stays quiet on a line that only prints the configured rank", () => {
    expect(run(rule, { lines: ["INFO 11-19 12:54:26 [lora.py:80] max_lora_rank is 64, the largest LoRA rank this server serves"] })).toEqual([]);
  });
});
