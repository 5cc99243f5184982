import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/vllm/triton-out-of-resources.js";
import { run } from "../helpers.js";

describe("vllm/triton-out-of-resources", () => {
  it("reads the bytes asked for and the device's limit, and names the class of GPU", () => {
    const f = run(rule, { lines: ["(EngineCore_DP0 pid=211) ERROR 05-14 10:21:33 [core.py:866] triton.runtime.errors.OutOfResources: out of resource: shared memory, Required: 81920, Hardware limit: 65536. Reducing block sizes or `num_stages` may help."] });
    expect(f).toHaveLength(1);
    expect(f[0].message).toBe("Triton could not launch a kernel: it asks for more shared memory than this GPU has (it needs 81,920 bytes, the GPU allows 65,536 per block, 64 KiB: a Turing GPU (T4, RTX 20xx, Quadro RTX) or an older one). The engine or worker that ran it stops.");
    expect(f[0].remediation[0]).toContain("attention backend");
  });
  it("takes the numbers from the next line when a paste wrapped the message", () => {
    const f = run(rule, { lines: ["triton.runtime.errors.OutOfResources: out of resource: shared memory,", "Required: 101888, Hardware limit: 101376.", "Reducing block sizes or `num_stages` may help."] });
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("it needs 101,888 bytes, the GPU allows 101,376 per block, 99 KiB");
    expect(f[0].evidence.map((e) => e.line)).toEqual([1, 2]);
  });
  it("reads the old autotuner wording without numbers, and a thread limit", () => {
    expect(run(rule, { lines: ["triton.runtime.autotuner.OutOfResources: out of resource: shared memory. Reducing block sizes or `num_stages` may help."] })[0].message).toBe("Triton could not launch a kernel: it asks for more shared memory than this GPU has. The engine or worker that ran it stops.");
    const threads = run(rule, { lines: ["triton.runtime.errors.OutOfResources: out of resource: threads, Required: 2048, Hardware limit: 1024. Reducing block sizes or `num_stages` may help."] });
    expect(threads[0].message).toContain("more threads than this GPU has");
    expect(threads[0].remediation[0]).toContain("num_warps");
  });
  it("stays quiet on CUDA's launch-resources error, on advice that quotes the message, and on a bare numbers line", () => {
    expect(run(rule, { lines: ["RuntimeError: CUDA error: too many resources requested for launch"] })).toEqual([]);
    expect(run(rule, { lines: ["# on a T4 you may see `out of resource: shared memory`: lower num_stages"] })).toEqual([]);
    expect(run(rule, { lines: ["Required: 98304, Hardware limit: 65536."] })).toEqual([]);
  });
});
