import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/nccl/hccl-error.js";
import { run } from "../helpers.js";

describe("nccl/hccl-error", () => {
  it("names the HCCL call and its HcclResult, and the set-up checks for a communicator that was not created", () => {
    const f = run(rule, {
      lines: [
        "RuntimeError: create_config:build/CMakeFiles/torch_npu.dir/compiler_depend.ts:148 HCCL function error: hcclCommInitRootInfoConfig(numRanks, &rootInfo, rank, config, &(comm->hcclComm_)), error code is 7",
        "[ERROR] 2026-01-05-10:20:31 (PID:811, Device:3, RankID:-1) ERR02200 DIST call hccl api failed.",
      ],
    });
    expect(f).toHaveLength(1);
    expect(f[0].message).toMatch(/failed in hcclCommInitRootInfoConfig with error code 7 \(HCCL_E_UNAVAIL/);
    expect(f[0].remediation[0]).toMatch(/HCCL_IF_IP/);
    expect(f[0].evidence.map((e) => e.line)).toEqual([1, 2]);
  });
  it("reads CANN's EI codes and gives the connect timeout when the reason is one", () => {
    const f = run(rule, { lines: ["EI0006: Getting socket times out. Reason: 1. The remote does not initiate a connect request."] });
    expect(f[0].message).toMatch(/CANN error EI0006, Getting socket times out/);
    expect(f[0].remediation.join(" ")).toMatch(/HCCL_CONNECT_TIMEOUT/);
  });
  it("a collective's failure outside init keeps only the general advice", () => {
    const f = run(rule, { lines: ["RuntimeError: HcclAllreduce:torch_npu/csrc/distributed/ProcessGroupHCCL.cpp:3300 HCCL function error: HcclAllReduce(inputDataPtr, outputDataPtr, numel, hcclType, hcclReduceOp, comm, stream.stream(false)), error code is 4"] });
    expect(f[0].message).toMatch(/HcclAllReduce with error code 4 \(HCCL_E_INTERNAL/);
    expect(f[0].remediation).toHaveLength(1);
    expect(f[0].remediation[0]).toMatch(/plog/);
  });
  it("CANN's advice line and HCCL's environment are no failure", () => {
    expect(run(rule, { lines: ["[rank1]:         Solution: Check other NPUs that are not reporting errors, or check if there are any abnormalities on the other end's NPU.", "INFO 10-02 11:20:00 [platform.py:200] HCCL_CONNECT_TIMEOUT is set to 1200"] })).toEqual([]);
  });
});
