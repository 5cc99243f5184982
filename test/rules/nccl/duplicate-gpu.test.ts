import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/nccl/duplicate-gpu.js";
import { run } from "../helpers.js";

describe("nccl/duplicate-gpu", () => {
  it("names both ranks and the device", () => {
    const f = run(rule, { lines: ["[1,0]<stdout>:smc:29878:30419 [0] init.cc:497 NCCL WARN Duplicate GPU detected : rank 0 and rank 1 both on CUDA device 1000"] });
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("Ranks 0 and 1 both use the GPU with bus id 1000");
  });
  it("stays quiet otherwise", () => {
    expect(run(rule, { lines: ["h:1:1 [0] NCCL INFO ncclCommInitRank comm 0x1 rank 0 nranks 2 cudaDev 0 busId 1000 - Init START"] })).toEqual([]);
  });
});
