import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/vllm/max-model-len-exceeds-model.js";
import { run } from "../helpers.js";

describe("vllm/max-model-len-exceeds-model", () => {
  it("names the requested and the derived length, the config key, and a length that works", () => {
    const f = run(rule, { lines: ["ValueError: User-specified max_model_len (131072) is greater than the derived max_model_len (max_position_embeddings=32768 or model_max_length=None in model's config.json). This may lead to incorrect model outputs or CUDA errors. To allow overriding this maximum, set the env var VLLM_ALLOW_LONG_MAX_MODEL_LEN=1"] });
    expect(f).toHaveLength(1);
    expect(f[0].severity ?? "error").toBe("error");
    expect(f[0].message).toContain("--max-model-len 131072 is longer than the context the model was built for (32768, from max_position_embeddings in the model's config.json)");
    expect(f[0].remediation[0]).toBe("Lower --max-model-len to 32768 or less, or leave it out: vLLM then uses the model's own length.");
    expect(f[0].remediation[1]).toContain('"factor": 4.0, "original_max_position_embeddings": 32768');
  });

  it("reads pydantic's form (0.10 on) under an APIServer prefix, and 0.2's `None=2048`", () => {
    const a = run(rule, { lines: ["(APIServer pid=53)   Value error, User-specified max_model_len (65536) is greater than the derived max_model_len (max_position_embeddings=32768.0 or model_max_length=None in model's config.json). To allow overriding this maximum, set the env var VLLM_ALLOW_LONG_MAX_MODEL_LEN=1. [type=value_error, input_value=ArgsKwargs((), {}), input_type=ArgsKwargs]"] });
    expect(a).toHaveLength(1);
    expect(a[0].message).toContain("(32768, from max_position_embeddings");
    const b = run(rule, { lines: ["ValueError: User-specified max_model_len (4096) is greater than the derived max_model_len (None=2048 in model's config.json). This may lead to incorrect model outputs or CUDA errors. Make sure the value is correct and within the model context size."] });
    expect(b[0].message).toContain("(2048, from the model's config.json)");
  });

  it("is a warning when VLLM_ALLOW_LONG_MAX_MODEL_LEN=1 let it through (a WARNING record)", () => {
    const f = run(rule, { lines: ["WARNING 08-02 10:00:00 [config.py:3584] User-specified max_model_len (65536) is greater than the derived max_model_len (max_position_embeddings=32768 or model_max_length=None in model's config.json). Make sure the value is correct and within the model context size."] });
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe("warning");
    expect(f[0].message).toContain("VLLM_ALLOW_LONG_MAX_MODEL_LEN=1");
  });

  it("stays quiet otherwise", () => {
    expect(run(rule, { lines: ["INFO 05-01 10:00:00 [config.py:1444] Using max model len 131072"] })).toEqual([]);
  });
});
