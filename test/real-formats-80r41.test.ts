import { describe, expect, it } from "vitest";
import { analyzeText, ids, eachWrapped } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats met in round 80r41 (NCCL failures in training and inference: PyTorch watchdog and heartbeat-monitor timeouts
 * hard-wrapped by terminals, a 2.26+ timestamped ibv_modify_qp WARN with the pid and tid redacted into one field, an
 * NVLS multicast bind WARN wrapped by hand, Duplicate GPU tracebacks pasted in reverse, and collective mismatches).
 * The tool read the round's facts and problems at first sight except two first-error lines that broke the labelling
 * convention; what it said nothing about was a collective mismatch: PyTorch's TORCH_DISTRIBUTED_DEBUG=DETAIL fingerprint
 * check (`Detected mismatch between collectives on ranks`, bare, behind torchrun's `[rankN]: `, or in torchrun's
 * failure summary) and NCCL 2.4's `Mismatched collective detected` WARN without a host prefix, which only the generic
 * nccl/error caught. Every log text here is written for the test.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubets", (l) => `2026-03-07T04:12:55.901233417Z ${l}`],
  ["mpi-tag", (l) => `[1,2]<stderr>:${l}`],
];

const eachWrap = (lines: string[], check: (r: Report, at: string) => void) => eachWrapped(WRAPS, lines, check);

const FP = (seq: number, op: string, shape: string) =>
  `CollectiveFingerPrint(SequenceNumber=${seq}, OpType=${op}, TensorShape=[${shape}], TensorDtypes=BFloat16, TensorDeviceTypes=TensorOptions(dtype=float (default), device=cuda, layout=Strided (default), requires_grad=false (default), pinned_memory=false (default), memory_format=(nullopt)))`;

describe("PyTorch's collective fingerprint check (TORCH_DISTRIBUTED_DEBUG=DETAIL)", () => {
  const mismatch = (prefix: string) => [
    `${prefix}Traceback (most recent call last):`,
    `${prefix}  File "/workspace/train.py", line 212, in <module>`,
    `${prefix}    dist.all_gather_into_tensor(out, shard)`,
    `${prefix}RuntimeError: Detected mismatch between collectives on ranks. Rank 3 is running collective: ${FP(57, "_ALLGATHER_BASE", "96, 1, 2048")}, but Rank 0 is running collective: ${FP(57, "_ALLGATHER_BASE", "96, 1, 2049")}.Collectives differ in the following aspects: \t Tensor Tensor shapes: 96, 1, 2048vs 96, 1, 2049`,
  ];
  it("names both ranks, the operation and the shapes, bare and behind torchrun's [rankN]:", async () => {
    for (const prefix of ["", "[rank3]: "]) {
      await eachWrap(mismatch(prefix), (r, at) => {
        expect(ids(r, "error"), at).toEqual(["nccl/collective-mismatch"]);
        const f = r.findings.find((x) => x.ruleId === "nccl/collective-mismatch")!;
        expect(f.message, at).toContain("rank 3 was running all_gather_into_tensor (_ALLGATHER_BASE), rank 0 the same operation with other arguments (Tensor Tensor shapes: 96, 1, 2048vs 96, 1, 2049)");
        expect(f.evidence[0].line, at).toBe(4);
        expect(r.facts.firstError?.line, at).toBe(4);
      });
    }
  });
  it("reads it inside torchrun's failure summary, with the older op-only wording for the other rank", async () => {
    const lines = [
      "============================================================",
      "train.py FAILED",
      "------------------------------------------------------------",
      "Failures:",
      "[1]:",
      "  time      : 2026-03-07_04:12:55",
      "  host      : gpu-node-4",
      "  rank      : 1 (local_rank: 1)",
      "  exitcode  : 1 (pid: 88123)",
      "  error_file: /tmp/torchelastic_x/attempt_0/1/error.json",
      "  traceback : Traceback (most recent call last):",
      "      work = group.barrier(opts=opts)",
      "  RuntimeError: Detected mismatch between collectives on ranks. Rank 1 is running collective: CollectiveFingerPrint(SequenceNumber=4OpType=BARRIER), but Rank 2 is running collective: CollectiveFingerPrint(SequenceNumber=3OpType=ALLREDUCE).",
    ];
    await eachWrap(lines, (r, at) => {
      const f = r.findings.find((x) => x.ruleId === "nccl/collective-mismatch");
      expect(f?.severity, at).toBe("error");
      expect(f?.message, at).toContain("rank 1 was running barrier (BARRIER), rank 2 all_reduce (ALLREDUCE)");
    });
  });
});

describe("NCCL 2.4's device-side collective check", () => {
  it("is a collective mismatch, not a generic NCCL error, with or without the host prefix", async () => {
    for (const head of ["", "trainer-2:4410:4490 [3] "]) {
      const lines = [
        "NCCL version 2.4.8+cuda10.0",
        `${head}init.cc:1247 NCCL WARN Mismatched collective detected, please check your collective calls at and around rank 11. You can use NCCL_DEBUG=INFO and NCCL_DEBUG_SUBSYS=COLL to see the collective logs`,
      ];
      await eachWrap(lines, (r, at) => {
        expect(ids(r, "error"), at).toEqual(["nccl/collective-mismatch"]);
        expect(r.findings[0].message, at).toContain("different collectives around rank 11");
        expect(r.facts.nccl.firstWarn?.line, at).toBe(2);
      });
    }
  });
  it("reports the suspected form (the program may be hanging) before the watchdog timeout it explains", async () => {
    const lines = [
      "trainer-2:4410:4490 [3] init.cc:1195 NCCL WARN Your program may be hanging, this may be caused by a collective mismatch around rank 3. Please check your collective calls at and around this rank. You can use NCCL_DEBUG=INFO and NCCL_DEBUG_SUBSYS=COLL to see the collective logs",
      "[E ProcessGroupNCCL.cpp:566] [Rank 3] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=880, OpType=ALLREDUCE, Timeout(ms)=1800000) ran for 1800412 milliseconds before timing out.",
    ];
    await eachWrap(lines, (r, at) => {
      expect(ids(r, "error"), at).toContain("nccl/collective-mismatch");
      const t = r.findings.find((x) => x.ruleId === "nccl/collective-timeout");
      expect(t?.causedBy, at).toContain("nccl/collective-mismatch");
    });
  });
});

