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
  it("reads PyTorch 2.5's progress line (`failure detected by watchdog at work sequence id: … PG status: …`), ranks a collective apart", () => {
    const lines = [
      "[rank1]:[E0503 07:21:44.310226517 ProcessGroupNCCL.cpp:632] [Rank 1] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=812, OpType=ALLGATHER, NumelIn=2048, NumelOut=4096, Timeout(ms)=900000) ran for 900004 milliseconds before timing out.",
      "[rank1]:[E0503 07:21:44.310871002 ProcessGroupNCCL.cpp:2271] [PG ID 2 PG GUID 11 Rank 1]  failure detected by watchdog at work sequence id: 812 PG status: last enqueued work: 840, last completed work: 811",
      "[rank2]:[E0503 07:21:44.402113390 ProcessGroupNCCL.cpp:632] [Rank 2] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=811, OpType=ALLGATHER, NumelIn=2048, NumelOut=4096, Timeout(ms)=900000) ran for 900002 milliseconds before timing out.",
      "[rank2]:[E0503 07:21:44.402764118 ProcessGroupNCCL.cpp:2271] [PG ID 2 PG GUID 11 Rank 2]  failure detected by watchdog at work sequence id: 811 PG status: last enqueued work: 840, last completed work: 810",
    ];
    for (const wrap of ["", "(RayWorkerWrapper pid=5512, ip=10.1.2.3) "]) {
      const f = run(rule, { lines: lines.map((l) => wrap + l) });
      expect(f, wrap).toHaveLength(1);
      expect(f[0].message).toBe(
        "Ranks 1, 2 waited in ALLGATHER (SeqNum 811–812) longer than the 900 s timeout; rank 2 completed only NCCL work 810 while others reached 811: it is the lagging one.",
      );
    }
  });
  it("says the watchdog thread was stuck when only PyTorch's heartbeat monitor spoke, in either era's words", () => {
    const newer = run(rule, { lines: [
      "[rank1]:[E0611 08:15:42.118203947 ProcessGroupNCCL.cpp:1569] [PG ID 0 PG GUID 0(default_pg) Rank 1] ProcessGroupNCCL's watchdog got stuck for 480 seconds without making progress in monitoring enqueued collectives. This typically indicates a NCCL/CUDA API (e.g., CudaEventDestroy) hang blocking the watchdog.",
    ] });
    expect(newer).toHaveLength(1);
    expect(newer[0].message).toContain("heartbeat monitor found the process group's watchdog thread stuck for 480 s");
    expect(newer[0].remediation.join(" ")).toContain("TORCH_NCCL_HEARTBEAT_TIMEOUT_SEC");
    const older = run(rule, { lines: ["[rank6]:[E ProcessGroupNCCL.cpp:1182] [PG 0 Rank 6] Heartbeat monitor timed out! Process will be terminated after dumping debug info. workMetaList_.size()=1"] });
    expect(older[0].message).toContain("heartbeat monitor found the process group's watchdog thread stuck and ended the process");
    // a watchdog timeout beside it is the better account: the stuck thread is its consequence
    const both = run(rule, { lines: [
      "[rank0]:[E321 02:07:08.408 ProcessGroupNCCL.cpp:607] [Rank 0] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=12, OpType=ALLGATHER, NumelIn=4, NumelOut=8, Timeout(ms)=600000) ran for 600039 milliseconds before timing out.",
      "[rank0]:[E321 02:15:08.408 ProcessGroupNCCL.cpp:1569] [PG ID 0 PG GUID 0(default_pg) Rank 0] ProcessGroupNCCL's watchdog got stuck for 480 seconds without making progress in monitoring enqueued collectives.",
    ] });
    expect(both[0].message).toContain("waited in ALLGATHER (SeqNum 12)");
    expect(both[0].remediation.join(" ")).not.toContain("TORCH_NCCL_HEARTBEAT_TIMEOUT_SEC");
  });
  it("stays quiet without a timeout", () => {
    expect(run(rule, { lines: ["[W CUDAGraph.cpp:145] Warning: Waiting for pending NCCL work to finish before starting graph capture."] })).toEqual([]);
  });
});
