import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * Formats found in a sixteenth round of real NCCL/RCCL pastes (ROCm builds, Transformer Engine, Paddle, Slurm with
 * pyxis, Ascend) that the corpus does not hold. Every log text here is written for the test, in the format's shape,
 * with variants the pastes did not show.
 */

describe("a WARN whose file:line is an absolute build path (RCCL's hipified sources)", () => {
  it("reads the record's host and keeps RCCL's start-up advice benign, so the failing WARN after it is the first error", async () => {
    for (const stamp of ["", "[2026-03-02 10:11:12] "]) {
      const text = [
        "[ RUN      ] Broadcast.InPlace",
        "",
        `${stamp}mi-node-3:7001:7001 [0] /work/rccl/build/release/hipify/src/init.cc:140 NCCL WARN Missing "iommu=pt" from kernel command line which can lead to system instablity or hang!`,
        "",
        `${stamp}mi-node-3:7001:7001 [0] /work/rccl/build/release/hipify/src/init.cc:146 NCCL WARN Missing "HSA_FORCE_FINE_GRAIN_PCIE=1" from environment which can lead to low RCCL performance, system instablity or hang!`,
        "RCCL version 2.20.5+hip6.1 develop:a1b2c3d",
        "",
        `${stamp}mi-node-3:7001:7044 [2] /work/rccl/build/release/hipify/src/transport/p2p.cc:301 NCCL WARN Cuda failure 'invalid argument'`,
        "",
      ].join("\n");
      const r = await analyzeText(text);
      expect(r.facts.nccl.nodes).toBe(1);
      expect(r.facts.nccl.version).toBe("2.20.5");
      expect(r.facts.nccl.firstWarn?.line).toBe(3);
      expect(r.facts.firstError?.line).toBe(8);
      expect(ids(r, "error")).toContain("nccl/cuda-error");
    }
  });

  it("classifies a WARN under an absolute path like a relative one (a network failure, two hosts)", async () => {
    const text = [
      "gpu-x1:410:460 [0] /opt/build/nccl/src/transport/net_ib.cc:1295 NCCL WARN NET/IB : Got completion from peer 10.0.0.2<5012> with status=12 opcode=1 len=0 vendor err 129 (Send) localGid ::ffff:10.0.0.1 remoteGids::ffff:10.0.0.2",
      "gpu-x1:410:460 [0] NCCL INFO /opt/build/nccl/src/transport/net.cc:1134 -> 6",
      "",
      "gpu-x2:388:431 [0] /opt/build/nccl/src/misc/socket.cc:50 NCCL WARN socketProgress: Connection closed by remote peer gpu-x1<4411>",
      "",
    ].join("\n");
    const r = await analyzeText(text);
    // the second host prints only the WARN: its header must be read to count it
    expect(r.facts.nccl.nodes).toBe(2);
    expect(r.facts.nccl.firstWarn?.line).toBe(1);
    expect(r.facts.firstError?.line).toBe(1);
    expect(ids(r, "error")).toContain("nccl/ib-error");
  });
});

describe("an application's NCCLCHECK / CUDACHECK print (`Failed, NCCL error file:line '...'`)", () => {
  it("takes the print as the first error and reads the NCCL error string in it", async () => {
    const text = [
      "[trainer] building communicators",
      "Failed, NCCL error /src/paddle/fluid/distributed/collective/comm_tools.h:88 'unhandled cuda error (run with NCCL_DEBUG=INFO for details)'",
      "Failed, NCCL error /src/paddle/fluid/distributed/collective/comm_tools.h:88 'unhandled cuda error (run with NCCL_DEBUG=INFO for details)'",
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.firstError?.line).toBe(2);
    expect(ids(r, "error")).toContain("nccl/cuda-error");
  });

  it("reads the CUDA form and an empty error string; a cut print or prose naming the macro is not a failure", async () => {
    const cuda = await analyzeText(["step 0", "Failed: Cuda error overlap.cu:214 ''", ""].join("\n"));
    expect(cuda.facts.firstError?.line).toBe(2);
    const prose = await analyzeText(["Failed, NCCL error TransformerEngi", "the run Failed, NCCL error handling was retried", ""].join("\n"));
    expect(prose.facts.firstError).toBeNull();
  });
});

describe("launcher error records outside Python: Slurm's `prog: error:` and a bracketed `[ERROR]` level", () => {
  it("takes `srun: error:` / `slurmstepd: error:` as failures, not Slurm's other lines", async () => {
    const text = [
      "srun: Job 4471 step creation temporarily disabled, retrying",
      "pyxis: imported docker image: nvcr.io#nvidia/pytorch:24.05-py3",
      "slurmstepd: error: *** STEP 4471.0 ON dgx-07 CANCELLED AT 2026-01-03T04:05:06 ***",
      "srun: error: dgx-08: task 9: Exited with exit code 1",
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.firstError?.line).toBe(3);
    expect(r.facts.firstError?.text).toContain("CANCELLED");
    const srunFirst = await analyzeText(["srun: error: dgx-08: task 9: Exited with exit code 1", ""].join("\n"));
    expect(srunFirst.facts.firstError?.line).toBe(1);
  });

  it("takes Ascend CANN's `[ERROR] MODULE(pid,proc):time` record as an error, not its INFO or another program's `[ERROR] msg`", async () => {
    const text = [
      "[INFO] HCCL(901,python3):2026-02-01-08:00:00.000.001 [hccl_comm.cc:77][901]init start",
      "[ERRORS] 0 so far",
      "[ERROR] retrying the upload",
      "[ERROR] HCCL(901,python3):2026-02-01-08:00:03.100.200 [op_base.cc:1010][901][Init][RootInfo]HcclCommInitRootInfo failed.",
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.firstError?.line).toBe(4);
    expect(r.facts.nccl.nodes).toBeNull();
  });
});
