import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/vllm/lora-load-failed.js";
import { run } from "../helpers.js";

describe("vllm/lora-load-failed", () => {
  it("names the adapter and the path where none was found (V1's engine core)", () => {
    const f = run(rule, { lines: ["(EngineCore_DP0 pid=77) ERROR 02-03 10:11:12 [core.py:918] ValueError: Loading lora qa-v2 failed: No adapter found for /mnt/adapters/qa-v2"] });
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("the LoRA adapter qa-v2: no adapter was found at /mnt/adapters/qa-v2");
  });
  it("reads vLLM ≤0.6's bare wording and a refused module", () => {
    expect(run(rule, { lines: ["RuntimeError: Loading lora /opt/lora/ckpt-90 failed"] })[0].message).toContain("the LoRA adapter /opt/lora/ckpt-90.");
    expect(run(rule, { lines: ["ValueError: base_model.model.embed_tokens.weight is unsupported LoRA weight"] })[0].message).toContain("`base_model.model.embed_tokens.weight`, a module vLLM cannot apply a LoRA to");
  });
  it("stays quiet on the loader's own debug line and a loaded adapter", () => {
    expect(run(rule, { lines: ["DEBUG 02-03 10:11:12 [worker_manager.py:110] Loading lora qa-v2 from /mnt/adapters/qa-v2", "INFO 02-03 10:11:13 [serving_models.py:174] Loaded new LoRA adapter: name 'qa-v2', path '/mnt/adapters/qa-v2'"] })).toEqual([]);
  });
});
