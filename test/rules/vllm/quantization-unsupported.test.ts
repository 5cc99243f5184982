import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/vllm/quantization-unsupported.js";
import { run } from "../helpers.js";

describe("vllm/quantization-unsupported", () => {
  it("names an unknown method and the ones this vLLM knows", () => {
    const f = run(rule, { lines: ["ValueError: Unknown quantization method: acmeq. Must be one of ['awq', 'gptq', 'fp8']."] });
    expect(f).toHaveLength(1);
    expect(f[0].message).toBe("The model's quantization cannot run here: this vLLM does not know the quantization method 'acmeq' (it knows ['awq', 'gptq', 'fp8']).");
  });
  it("names --quantization against the checkpoint's method", () => {
    const f = run(rule, { lines: ["ValueError: Quantization method specified in the model config (gptq) does not match the quantization method specified in the `quantization` argument (awq)."] });
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("--quantization awq contradicts the checkpoint's config.json, which says it is quantized with gptq");
    expect(f[0].remediation[0]).toContain("--quantization gptq");
  });
  it("reads the GPU's capability against the method's minimum", () => {
    const f = run(rule, { lines: ["(RayWorkerWrapper pid=41) ValueError: The quantization method fp8 is not supported for the current GPU. Minimum capability: 89. Current capability: 75."] });
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("the method fp8 needs a GPU of compute capability 8.9 or newer, and this one has 7.5");
  });
  it("reads pydantic's dtype refusal", () => {
    const f = run(rule, { lines: ["Value error, torch.bfloat16 is not supported for quantization method awq. Supported dtypes: [torch.float16] [type=value_error, input_value=ArgsKwargs((), {}), input_type=ArgsKwargs]"] });
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("awq has no kernel for torch.bfloat16 (it supports [torch.float16])");
  });
  it("stays quiet on a line that only names the method in use", () => {
    expect(run(rule, { lines: ["INFO 06-01 10:00:00 [awq_marlin.py:113] The model is convertible to awq_marlin during runtime. Using awq_marlin kernel."] })).toEqual([]);
  });
});
