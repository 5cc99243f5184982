import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/vllm/ep-all2all-failed.js";
import { run } from "../helpers.js";

describe("vllm/ep-all2all-failed", () => {
  it("reads DeepEP's dispatch timeout and the rank that timed out, and sends the reader to the other ranks first", () => {
    const f = run(rule, { lines: ["(Worker_DP5_EP5 pid=8801) RuntimeError: DeepEP error: timeout (dispatch CPU)", "DeepEP timeout check failed: rank = 5, thread = 0, value = 256)"] });
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("timed out waiting for the other EP ranks (`timeout (dispatch CPU)`), on rank 5");
    expect(f[0].remediation[0]).toContain("other DP/EP ranks' logs");
    expect(f[0].remediation[2]).toContain("--all2all-backend allgather_reducescatter");
  });
  it("names a failed CUDA call of DeepEP's buffer set-up", () => {
    const f = run(rule, { lines: ["RuntimeError: Failed: CUDA error /opt/DeepEP/csrc/deep_ep.cpp:226 'invalid resource handle'"] });
    expect(f[0].message).toContain("buffer set-up failed on a CUDA call ('invalid resource handle')");
  });
  it("stays quiet on DeepEP's informational lines", () => {
    expect(run(rule, { lines: ["(Worker_DP0_EP0 pid=71) INFO 03-04 11:20:31 [all2all.py:120] Using DeepEP High-Throughput all2all manager."] })).toEqual([]);
  });
});
