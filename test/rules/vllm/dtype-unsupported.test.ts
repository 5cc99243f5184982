import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/vllm/dtype-unsupported.js";
import { run } from "../helpers.js";

describe("vllm/dtype-unsupported", () => {
  it("names the GPU and its capability from the ≤0.4 wording and says to run in float16", () => {
    const f = run(rule, { lines: ["ValueError: Bfloat16 is only supported on GPUs with compute capability of at least 8.0. Your Tesla V100-PCIE-16GB GPU has compute capability 7.0."] });
    expect(f).toHaveLength(1);
    expect(f[0].message).toBe("vLLM refused to start: the model runs in bfloat16, which needs a GPU of compute capability 8.0 or newer, and the Tesla V100-PCIE-16GB has compute capability 7.0.");
    expect(f[0].remediation[0]).toContain("`--dtype half`");
    expect(f[0].remediation[1]).toContain("`--dtype float32`");
    expect(f[0].remediation).toHaveLength(2);
  });
  it("reads the later wordings: the float16 hint, a device name handed back as bytes, no capability", () => {
    const hint = run(rule, { lines: ["(VllmWorkerProcess pid=88) ERROR 10-02 08:00:01 multiproc_worker_utils.py:226] ValueError: Bfloat16 is only supported on GPUs with compute capability of at least 8.0. Your Tesla T4 GPU has compute capability 7.5. You can use float16 instead by explicitly setting the`dtype` flag in CLI, for example: --dtype=half."] });
    expect(hint[0].message).toContain("the Tesla T4 has compute capability 7.5.");
    const none = run(rule, { lines: ["ValueError: Bfloat16 is only supported on GPUs with compute capability of at least 8.0. Your b'Quadro RTX 5000' GPU does not have a compute capability. You can use float16 instead by explicitly setting the`dtype` flag in CLI, for example: --dtype=half."] });
    expect(none[0].message).toContain("the Quadro RTX 5000 reports no compute capability.");
  });
  it("a GPU older than Volta: float16 will not start either", () => {
    const f = run(rule, { lines: ["Bfloat16 is only supported on GPUs with compute capability of at least 8.0. Your Tesla P40 GPU has compute capability 6.1."] });
    expect(f[0].remediation[2]).toContain("older than Volta");
  });
  it("stays quiet on the dtype cast warning and on prose about bfloat16", () => {
    expect(run(rule, { lines: ["WARNING 01-10 09:00:00 config.py:188] Casting torch.bfloat16 to torch.float16."] })).toEqual([]);
    expect(run(rule, { lines: ["# bfloat16 requires compute capability >= 8.0 (Ampere); T4 users pass --dtype half"] })).toEqual([]);
  });
});
