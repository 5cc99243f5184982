import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/nccl/collective-mismatch.js";
import { run } from "../helpers.js";

describe("nccl/collective-mismatch", () => {
  it("names the ranks, their operations and what differs in PyTorch's fingerprint check", () => {
    const f = run(rule, { lines: ["[rank0]: RuntimeError: Detected mismatch between collectives on ranks. Rank 0 is running collective: CollectiveFingerPrint(SequenceNumber=12, OpType=ALLREDUCE, TensorShape=[1024], TensorDtypes=Float), but Rank 3 is running collective: CollectiveFingerPrint(SequenceNumber=12, OpType=BROADCAST, TensorShape=[1024], TensorDtypes=Float).Collectives differ in the following aspects:   Op type: ALLREDUCEvs BROADCAST"] });
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("rank 0 was running all_reduce (ALLREDUCE), rank 3 broadcast (BROADCAST) (Op type: ALLREDUCEvs BROADCAST)");
    expect(f[0].remediation[0]).toMatch(/same collectives/);
  });
  it("reads PyTorch 1.10's inconsistent-collective wording", () => {
    const f = run(rule, { lines: ["RuntimeError: Detected mismatch between collectives on ranks. Rank 2 is running inconsistent collective: CollectiveFingerPrint(OpType=BARRIER)"] });
    expect(f[0].message).toContain("rank 2 was running barrier (BARRIER)");
  });
  it("reads NCCL 2.4's device-side check, asserted and suspected", () => {
    const f = run(rule, { lines: ["gpu7:311:340 [1] init.cc:1247 NCCL WARN Mismatched collective detected, please check your collective calls at and around rank 5. You can use NCCL_DEBUG=INFO and NCCL_DEBUG_SUBSYS=COLL to see the collective logs"] });
    expect(f[0].message).toContain("found the ranks in different collectives around rank 5");
    const g = run(rule, { lines: ["gpu7:311:340 [1] init.cc:1195 NCCL WARN Your program may be hanging, this may be caused by a collective mismatch around rank 1. Please check your collective calls at and around this rank. You can use NCCL_DEBUG=INFO and NCCL_DEBUG_SUBSYS=COLL to see the collective logs"] });
    expect(g[0].message).toContain("suspect a collective mismatch around rank 1");
  });
  it("stays quiet on the IB transport's size check and on prose", () => {
    expect(run(rule, { lines: ["gpu-a:140:161 [0] transport/net_ib.cc:651 NCCL WARN NET/IB : collective mismatch error local size 524288 remote 65536 addr 7f00aa010000 rkey 1c2d seq 12/12"] })).toEqual([]);
    expect(run(rule, { lines: ["INFO set TORCH_DISTRIBUTED_DEBUG=DETAIL to check that collectives match"] })).toEqual([]);
  });
});
