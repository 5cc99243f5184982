import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/nccl/collective-timeout.js";
import { run } from "../helpers.js";

describe("nccl/collective-timeout", () => {
  it("names the lagging rank from the completed work counters", () => {
    const f = run(rule, { lines: [
      "[rank0]:[E321 02:07:08.408 ProcessGroupNCCL.cpp:607] [Rank 0] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=1580, OpType=ALLREDUCE, NumelIn=4, NumelOut=4, Timeout(ms)=600000) ran for 600039 milliseconds before timing out.",
      "[rank0]:[E321 02:07:08.465 ProcessGroupNCCL.cpp:1664] [PG 1 Rank 0] Exception (either an error or timeout) detected by watchdog at work: 1580, last enqueued NCCL work: 1582, last completed NCCL work: 1579.",
      "[rank3]:[E321 02:07:08.465 ProcessGroupNCCL.cpp:1664] [PG 1 Rank 3] Exception (either an error or timeout) detected by watchdog at work: 1580, last enqueued NCCL work: 1582, last completed NCCL work: 1578.",
    ] });
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("waited in ALLREDUCE (SeqNum 1580) longer than the 600 s timeout");
    expect(f[0].message).toContain("rank 3 completed only NCCL work 1578 while others reached 1579");
  });
  it("stays quiet without a timeout", () => {
    expect(run(rule, { lines: ["[W CUDAGraph.cpp:145] Warning: Waiting for pending NCCL work to finish before starting graph capture."] })).toEqual([]);
  });
});
