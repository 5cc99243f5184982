import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * Formats found in a tenth round of real pastes (NCCL 2.3–2.27 under torchrun, srun, Ray Train, RCCL) that the corpus
 * does not hold. Every log text here is written for the test, in the format's shape, with variants the pastes did
 * not show (other wrappers, other networks, other cut points).
 */

describe("`NET/<net> : GPU Direct RDMA Disabled for HCA N '<dev>'` printed for the Socket network", () => {
  it("says GPU Direct RDMA is off, as the NET/IB form does, under a plain and a kubectl-timestamp prefix", async () => {
    const text = [
      "axb:401:566 [0] NCCL INFO NCCL_IB_DISABLE set by environment to 1.",
      "axb:401:566 [0] NCCL INFO NET/Socket : Using [0]eth0:10.1.2.3<0>",
      "axb:401:566 [0] NCCL INFO Using network Socket",
      "axb:401:566 [0] NCCL INFO NET/Socket : GPU Direct RDMA Disabled for HCA 0 'eth0'",
      "",
    ].join("\n");
    const n = (await analyzeText(text)).facts.nccl;
    expect(n.net).toBe("Socket");
    expect(n.gdr).toBe(false);
    const variant = "2026-01-02T03:04:05.000000001Z node-7:88:99 [3] NCCL INFO NET/Socket : GPU Direct RDMA Disabled for HCA 1 'bond0'\r\n";
    expect((await analyzeText(variant)).facts.nccl.gdr).toBe(false);
  });

  it("leaves gdr to the connection lines when they say GPU Direct RDMA is used", async () => {
    const text = [
      "h1:1:2 [0] NCCL INFO NET/Socket : GPU Direct RDMA Disabled for HCA 0 'lo'",
      "h1:1:2 [0] NCCL INFO Channel 00/0 : 1[0] -> 0[0] [receive] via NET/IB/0/GDRDMA",
      "",
    ].join("\n");
    expect((await analyzeText(text)).facts.nccl.gdr).toBe(true);
  });
});

describe("srun --label `N: ` before torchrun's `[rankN]:` / `[defaultN]:` prefix", () => {
  it("peels both: PyTorch's `Some NCCL operations have failed or timed out` is the first error", async () => {
    const text = [
      "3: [rank3]:[E301 10:11:12.000000001 ProcessGroupNCCL.cpp:681] [Rank 3] Some NCCL operations have failed or timed out. Due to the asynchronous nature of CUDA kernels, subsequent GPU operations might run on corrupted/incomplete data.",
      "3: [rank3]:[E301 10:11:12.000000002 ProcessGroupNCCL.cpp:695] [Rank 3] To avoid data inconsistency, we are taking the entire process down.",
      "3: [rank3]:[E301 10:11:12.000000003 ProcessGroupNCCL.cpp:1895] [PG ID 0 PG GUID 0(default_pg) Rank 3] Process group watchdog thread terminated with exception: [Rank 3] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=9, OpType=ALLGATHER, NumelIn=4, NumelOut=16, Timeout(ms)=60000) ran for 60021 milliseconds before timing out.",
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.firstError?.line).toBe(1);
    expect(r.facts.nccl.ranks).toBe(1);
    expect(ids(r)).toContain("nccl/collective-timeout");
  });

  it("also under the `[defaultN]:` prefix of torchrun --tee, with an NCCL record behind it", async () => {
    const text = [
      "12: [default0]:gpu-a12:5501:5590 [0] NCCL INFO comm 0x55aa rank 8 nRanks 16 nNodes 2 localRanks 8 localRank 0 MNNVL 0",
      "12: [default0]:gpu-a12:5501:5590 [0] transport/net_ib.cc:1000 NCCL WARN NET/IB : Got completion from peer 10.0.0.2<4242> with status=12 opcode=0 len=0 vendor err 129 (Recv) localGid ::ffff:10.0.0.1 remoteGids::ffff:10.0.0.2",
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.nccl.nodes).toBe(2);
    expect(r.facts.nccl.firstWarn?.line).toBe(2);
    expect(r.facts.firstError?.line).toBe(2);
  });
});

describe("NCCL INFO records whose `host:pid:tid [d] NCCL INFO` head the user stripped", () => {
  it("reads the HCA list, the communicator lines (rank, nNodes) and connection lines", async () => {
    const text = [
      "NCCL version 2.26.2+cuda12.8",
      "NET/IB : Using [0]mlx5_0:1/IB [1]mlx5_3:1/IB [RO]; OOB ens1:10.9.0.4<0>",
      "Using network IB",
      "ncclCommInitRankConfig comm 0x5b00 rank 2 nranks 4 cudaDev 2 nvmlDev 2 busId 3b000 commId 0x11 - Init START",
      "comm 0x5b00 rank 2 nRanks 4 nNodes 2 localRanks 2 localRank 0 MNNVL 0",
      "Channel 00/0 : 1[1] -> 2[0] [receive] via NET/IB/0/GDRDMA",
      "Channel 00/0 : 2[0] -> 3[1] via P2P/CUMEM/read",
      "",
    ].join("\n");
    const n = (await analyzeText(text)).facts.nccl;
    expect(n.ibHcas).toEqual(["mlx5_0:1", "mlx5_3:1"]);
    expect(n.nodes).toBe(2);
    expect(n.ranks).toBe(3);
    expect(n.gdr).toBe(true);
    expect(n.transports["NET/IB/GDRDMA"]).toBe(1);
    expect(n.transports["P2P/CUMEM"]).toBe(1);
  });

  it("a 2.19+ comm line cut after `nNodes K` (with or without a head) still gives the node count", async () => {
    expect((await analyzeText("comm 0x77 rank 0 nRanks 16 nNodes 2 localRa\n")).facts.nccl.nodes).toBe(2);
    expect((await analyzeText("pod-0:10:20 [0] NCCL INFO comm 0x77 rank 0 nRanks 16 nNodes 2 loc\n")).facts.nccl.nodes).toBe(2);
  });

  it("does not take paraphrases or other programs' lines for records", async () => {
    const text = [
      "Channel 00 -> NET/IB/0/GDRDMA     Channel 01 -> NET/IB/1",
      "We are using network IB on both nodes",
      "comm 0x7f00 rank 3 nranks 4",
      "",
    ].join("\n");
    const n = (await analyzeText(text)).facts.nccl;
    expect(Object.values(n.transports).reduce((a, b) => a + b, 0)).toBe(0);
    expect(n.ibHcas).toBeNull();
    expect(n.nodes).toBeNull();
  });
});
