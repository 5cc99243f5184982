import { describe, expect, it } from "vitest";
import { analyzeText, ids, eachWrapped } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats met in round 75r5 (an unbiased draw of NVIDIA/nccl #450-#2000 and NVIDIA/nccl-tests issues): nccl-tests
 * headers whose `#` a markdown paste ate, the tests' own `host: Test NCCL failure file:line '<reason>'` verdict as the
 * only error, a single host printing `nNodes 2` for its communicator, and pre-2.4 `WARN` lines without the `NCCL`
 * token. The tool read all of them at first sight; these cases pin that. Every log text here is written for the test.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubectl --timestamps", (l) => `2026-12-07T06:31:02.418800311Z ${l}`],
  ["Ray", (l) => `(RayWorkerWrapper pid=3184, ip=10.4.1.9) ${l}`],
];

const eachWrap = (lines: string[], check: (r: Report, at: string) => void) => eachWrapped(WRAPS, lines, check);

describe("an nccl-tests run whose only error is the test's own verdict", () => {
  const header = [
    "# nThread 1 nGpus 2 minBytes 8 maxBytes 33554432 step: 2(factor) warmup iters: 5 iters: 20 validation: 1 ",
    "#",
    "# Using devices",
    "#   Rank  0 Pid   5120 on    trainbox device  0 [0x1a] GeForce RTX 3090",
    "#   Rank  1 Pid   5120 on    trainbox device  1 [0x68] GeForce RTX 3090",
  ];
  it("reads ranks and host from the header and the verdict as a system error", async () => {
    await eachWrap([...header, "trainbox: Test NCCL failure common.cu:771 'unhandled system error'"], (r, at) => {
      expect([r.facts.nccl.ranks, r.facts.nccl.nodes], at).toEqual([2, 1]);
      expect(r.facts.firstError?.line, at).toBe(6);
      expect(ids(r), at).toContain("nccl/system-error");
    });
  });
  it("a header that lost its `#` still gives the ranks; a clean table is no error", async () => {
    const bare = header.map((l) => l.replace(/^# ?/, " "));
    const table = ["#       size         count      type   redop     time   algbw   busbw  error", "        1024           256     float     sum    20.11    0.05    0.05  0e+00"];
    await eachWrap([...bare, ...table], (r, at) => {
      expect(r.facts.nccl.ranks, at).toBe(2);
      expect(r.facts.firstError, at).toBeNull();
      expect(ids(r, "error"), at).toEqual([]);
    });
  });
});

describe("one host of a two-node communicator", () => {
  const lines = [
    "gpunode-a:20311:20311 [0] NCCL INFO NCCL version 2.22.3+cuda12.5",
    "gpunode-a:20311:20318 [1] NCCL INFO NET/IB : Using [0]mlx5_2:1/RoCE [1]mlx5_3:1/RoCE [RO]; OOB net1:10.40.3.7<0>",
    "gpunode-a:20311:20318 [1] NCCL INFO Using network IB",
    "gpunode-a:20311:20318 [1] NCCL INFO ncclCommInitRank comm 0x5581aa10c2d0 rank 3 nranks 4 cudaDev 1 nvmlDev 1 busId 9000 commId 0x4c1d2e3f5a6b7c8d - Init START",
    "gpunode-a:20311:20317 [0] NCCL INFO ncclCommInitRank comm 0x5581aa0f1e40 rank 2 nranks 4 cudaDev 0 nvmlDev 0 busId 8000 commId 0x4c1d2e3f5a6b7c8d - Init START",
    "gpunode-a:20311:20318 [1] NCCL INFO comm 0x5581aa10c2d0 rank 3 nRanks 4 nNodes 2 localRanks 2 localRank 1 MNNVL 0",
  ];
  it("takes NCCL's node count over the one host printed", async () => {
    await eachWrap(lines, (r, at) => {
      expect([r.facts.nccl.ranks, r.facts.nccl.nodes, r.facts.nccl.net], at).toEqual([2, 2, "IB"]);
      expect(r.facts.firstError, at).toBeNull();
      expect(ids(r, "error"), at).toEqual([]);
    });
  });
});

describe("pre-2.4 WARN lines without the NCCL token", () => {
  it("skips the benign libibverbs WARN and takes the socket failure as the first error", async () => {
    const lines = [
      "a1b2c3d4e5f6:4100:4100 [0] misc/ibvwrap.cu:61 WARN Failed to open libibverbs.so[.1]",
      "a1b2c3d4e5f6:4100:4100 [0] include/socket.h:311 WARN Socket creation failed : Address family not supported by protocol",
    ];
    await eachWrap(lines, (r, at) => {
      expect(r.facts.firstError?.line, at).toBe(2);
      expect(r.facts.nccl.nodes, at).toBe(1);
    });
  });
  it("the benign WARN alone is no error", async () => {
    const r = await analyzeText("a1b2c3d4e5f6:4100:4100 [0] misc/ibvwrap.cu:61 WARN Failed to open libibverbs.so[.1]\n");
    expect(r.facts.firstError).toBeNull();
  });
});

describe("an MPI launcher's notice around an nccl-tests start", () => {
  it("Open MPI's GID-prefix WARNING block is no NCCL error", async () => {
    const lines = [
      "--------------------------------------------------------------------------",
      "WARNING: There are more than one active ports on host 'hpc-a07', but the",
      "default subnet GID prefix was detected on more than one of these",
      "ports.  If these ports are connected to different physical IB",
      "networks, this configuration will fail in Open MPI.",
      "--------------------------------------------------------------------------",
      "nThread 1 nGpus 4 minBytes 8 maxBytes 8388608 step: 2(factor) warmup iters: 5 iters: 20 validation: 1",
    ];
    const r = await analyzeText(lines.join("\n") + "\n");
    expect(r.facts.firstError).toBeNull();
    expect(ids(r, "error")).toEqual([]);
  });
});
