import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import { variants } from "./helpers/variants.js";

/**
 * Shapes of a thirty-first round of real NCCL_DEBUG output from the newest releases (2.26 → 2.30 and master), pasted in
 * NVIDIA/nccl, nccl-tests, vLLM, sglang and PyTorch issues of 2025–2026. The reader already read all twenty excerpts
 * right at first sight; these tests hold the formats it must keep reading:
 *
 * - NCCL master (debug.cc after 2.30.7) prints the calling function after `file:line`: WARN is
 *   `[dev] file:line (func) NCCL WARN msg`, and INFO_LOC lines (error returns, CUDA failures, retries) are
 *   `NCCL INFO file:line (func) -> N`, `-> N (strerror)` for system errors.
 * - 2.27+ `Init timings - ncclCommInitRank: rank N nranks M total … (kernels …, alloc …, …)` gives rank ids like the
 *   older `Init timings: rank N nranks M`.
 * - 2.28+ plugin lines `Assigned NET plugin IB to comm`, `Assigned GIN plugin GIN_IB_GDAKI to comm`, then
 *   `Using network IB`; `ncclCommInitRankConfig … - Init START` gives ranks.
 * - NCCL_DEBUG_TIMESTAMP_FORMAT's default `[%F %T] ` before WARN records: the time's colons are no host.
 * - A paste with the host stripped (`[N] NCCL INFO comm … rank R nRanks 8 nNodes 1 … MNNVL 0`): ranks from the comm
 *   lines, not from Trees lines nor from the `[N]` device.
 * - Lines that are no problem: symmetric-kernel tuning (`AllReduce [Symmetric]: … -> Kernel …`), `MNNVL busId … fabric
 *   UUID … healthMask …`, `Bootstrap timings`, `RAS client listening socket`.
 *
 * Every text is written for the test in the printed layout, with the wrappers the reader must not care about.
 */

describe("NCCL master: WARN and INFO_LOC lines name the calling function", () => {
  it("a CUDA failure with `(func)` after file:line, its error returns and the async marker", async () => {
    const lines = [
      "gpu-a7:4411:4500 [3] NCCL INFO comm 0x7f00aa13 rank 3 nRanks 4 nNodes 1 localRanks 4 localRank 3 MNNVL 0",
      "gpu-a7:4411:4500 [3] src/transport/p2p.cc:411 (p2pMap) NCCL WARN Cuda failure 2 'out of memory'",
      "gpu-a7:4411:4500 [3] NCCL INFO src/transport/p2p.cc:412 (p2pMap) -> 1",
      "gpu-a7:4411:4500 [3] NCCL INFO src/init.cc:1620 (ncclCommInitRankFunc) -> 1 [Async thread]",
    ];
    for (const text of variants(lines, { compose: true })) {
      const r = await analyzeText(text);
      const at = JSON.stringify(text.slice(0, 40));
      expect(r.facts.nccl.firstWarn?.line, at).toBe(2);
      expect(r.facts.nccl.firstWarn?.text, at).toContain("(p2pMap) NCCL WARN Cuda failure 2 'out of memory'");
      expect(r.facts.firstError?.line, at).toBe(2);
      expect(r.facts.nccl.ranks, at).toBe(1);
      expect(r.facts.nccl.nodes, at).toBe(1);
      expect(ids(r, "error"), at).toEqual(["nccl/cuda-error"]);
    }
  });

  it("a refused bootstrap connection: `Call to connect returned …, retrying`, the WARN, then `-> 2 (Connection refused)`", async () => {
    const lines = [
      "gpu-b2:901:977 [0] NCCL INFO src/misc/socket.cc:540 (socketConnect) Call to connect returned Connection refused, retrying",
      "gpu-b2:901:977 [0] src/misc/socket.cc:601 (socketFinalizeConnect) NCCL WARN socketFinalizeConnect: Connection refused",
      "gpu-b2:901:977 [0] NCCL INFO src/bootstrap.cc:312 (bootstrapConnect) -> 2 (Connection refused)",
      "gpu-b2:901:977 [0] NCCL INFO src/init.cc:1702 (ncclCommInitRankDev) -> 2",
    ];
    for (const text of variants(lines, { compose: true })) {
      const r = await analyzeText(text);
      const at = JSON.stringify(text.slice(0, 40));
      expect(r.facts.nccl.firstWarn?.line, at).toBe(2);
      expect(ids(r, "error").sort(), at).toEqual(["nccl/bootstrap-failure", "nccl/system-error"]);
    }
  });

  it("a host-less paste from a symmetric-memory registration: `[0] path (func) NCCL WARN` and `-> 3` returns", async () => {
    const lines = [
      "[0] nccl/src/allocator.cc:231 (ncclSpaceAlloc) NCCL WARN Allocation failed. No suitable space found to accommodate size=0x1000000000 within limit=0x1800000000",
      "[0] NCCL INFO nccl/src/dev_runtime.cc:610 (symMemoryObtain) -> 3",
      "[0] NCCL INFO nccl/src/group.cc:270 (ncclCommGroupRegisterSymmetric) -> 3",
      "[0] NCCL INFO nccl/src/group.cc:80 (ncclAsyncJobMain) -> 3 [Async thread]",
    ];
    for (const text of variants(lines)) {
      const r = await analyzeText(text);
      const at = JSON.stringify(text.slice(0, 40));
      expect(r.facts.nccl.firstWarn?.line, at).toBe(1);
      expect(r.facts.firstError?.line, at).toBe(1);
      expect(r.facts.nccl.ranks, at).toBeNull();
      expect(r.facts.nccl.nodes, at).toBeNull();
      expect(ids(r, "error"), at).toContain("nccl/internal-error");
    }
  });
});

describe("2.27+ init lines: Init timings with the API name, plugin assignment, Init START", () => {
  it("`Init timings - ncclCommInitRank: rank N nranks M` and the tuner-plugin fallback: ranks, one Init COMPLETE, no finding", async () => {
    const lines = [
      "trn-04:7100:7190 [6] NCCL INFO Init timings - ncclCommInitRank: rank 6 nranks 16 total 2.10 (kernels 0.30, alloc 0.61, bootstrap 0.80, allgathers 0.04, topo 0.08, graphs 0.02, connections 0.25, rest 0.00)",
      "trn-04:7102:7195 [2] NCCL INFO TUNER/Plugin: Could not find: libnccl-tuner.so. Using internal tuner plugin.",
      "trn-04:7102:7195 [2] NCCL INFO TUNER/Plugin: Failed to find ncclTunerPlugin_v4 symbol.",
      "trn-04:7102:7195 [2] NCCL INFO ncclCommInitRank comm 0x61a0be20 rank 2 nranks 16 cudaDev 2 nvmlDev 2 busId 3a000 commId 0x1f2e3d4c5b6a7988 - Init COMPLETE",
      "trn-04:7102:7195 [2] NCCL INFO Init timings - ncclCommInitRank: rank 2 nranks 16 total 1.94 (kernels 0.29, alloc 1.10, bootstrap 0.12, allgathers 0.03, topo 0.07, graphs 0.01, connections 0.22, rest 0.00)",
    ];
    for (const text of variants(lines, { compose: true })) {
      const r = await analyzeText(text);
      const at = JSON.stringify(text.slice(0, 40));
      expect(r.facts.nccl.ranks, at).toBe(2);
      expect(r.facts.nccl.nodes, at).toBe(1);
      expect(r.facts.nccl.initComplete, at).toBe(1);
      expect(ids(r, "error"), at).toEqual([]);
    }
  });

  it("`Assigned NET plugin IB` / `Assigned GIN plugin GIN_IB_GDAKI` on two pods: net IB, ranks from Init START, no finding", async () => {
    const lines = [
      "train-7f9c-x2k4p:3100:3100 [1] NCCL INFO Assigned NET plugin IB to comm",
      "train-7f9c-x2k4p:3100:3100 [1] NCCL INFO Assigned GIN plugin GIN_IB_GDAKI to comm",
      "train-7f9c-x2k4p:3100:3100 [1] NCCL INFO Using network IB",
      "train-7f9c-x2k4p:3100:3100 [1] NCCL INFO DMA-BUF is available on GPU device 1",
      "train-7f9c-x2k4p:3100:3100 [1] NCCL INFO ncclCommInitRankConfig comm 0xaaab0c10 rank 5 nranks 8 cudaDev 1 nvmlDev 1 busId 901000 commId 0x77aa66bb55cc44dd - Init START",
      "train-7f9c-m8q2z:2200:2200 [0] NCCL INFO RAS client listening socket at ::1<28028>",
      "train-7f9c-m8q2z:2200:2200 [0] NCCL INFO ncclCommInitRankConfig comm 0xaaab0d20 rank 0 nranks 8 cudaDev 0 nvmlDev 0 busId 801000 commId 0x77aa66bb55cc44dd - Init START",
      "train-7f9c-m8q2z:2201:2201 [1] NCCL INFO ncclCommInitRankConfig comm 0xaaab0e30 rank 1 nranks 8 cudaDev 1 nvmlDev 1 busId 901000 commId 0x77aa66bb55cc44dd - Init START",
    ];
    for (const text of variants(lines, { compose: true })) {
      const r = await analyzeText(text);
      const at = JSON.stringify(text.slice(0, 40));
      expect(r.facts.nccl.net, at).toBe("IB");
      expect(r.facts.nccl.ranks, at).toBe(3);
      expect(r.facts.nccl.nodes, at).toBe(2);
      expect(ids(r, "error"), at).toEqual([]);
    }
  });

  it("a paste cut before `Using network`: `Assigned NET plugin X to comm` still names the network", async () => {
    const ib = [
      "train-7f9c-x2k4p:3100:3100 [1] NCCL INFO Initialized NET plugin IB",
      "train-7f9c-x2k4p:3100:3100 [1] NCCL INFO Assigned NET plugin IB to comm",
      "train-7f9c-x2k4p:3100:3100 [1] NCCL INFO Assigned GIN plugin GIN_IB_GDAKI to comm",
    ];
    for (const text of variants(ib, { compose: true })) {
      const r = await analyzeText(text);
      expect(r.facts.nccl.net, JSON.stringify(text.slice(0, 40))).toBe("IB");
      // a hint, not a printed `Using network` value
      expect(r.facts.nccl.netPrinted, JSON.stringify(text.slice(0, 40))).toEqual([]);
    }
    const socket = [
      "wkr-0:510:510 [0] NCCL INFO NET/IB : No device found.",
      "wkr-0:510:510 [0] NCCL INFO Assigned NET plugin Socket to comm",
      "wkr-0:510:510 [0] NCCL INFO ncclCommInitRankConfig comm 0x5a10c0 rank 0 nranks 2 cudaDev 0 nvmlDev 0 busId 1000 commId 0x99aa88bb77cc66dd - Init START",
      "wkr-1:622:622 [0] NCCL INFO NET/IB : No device found.",
      "wkr-1:622:622 [0] NCCL INFO Assigned NET plugin Socket to comm",
      "wkr-1:622:622 [0] NCCL INFO ncclCommInitRankConfig comm 0x5a20c0 rank 1 nranks 2 cudaDev 0 nvmlDev 0 busId 1000 commId 0x99aa88bb77cc66dd - Init START",
    ];
    for (const text of variants(socket, { compose: true })) {
      const r = await analyzeText(text);
      const at = JSON.stringify(text.slice(0, 40));
      expect(r.facts.nccl.net, at).toBe("Socket");
      expect(r.facts.nccl.nodes, at).toBe(2);
      expect(ids(r), at).toContain("nccl/socket-fallback");
    }
  });
});

describe("timestamped WARN records, host-less comm lines, and lines that are no problem", () => {
  it("`[%F %T] ` before an NVLS WARN and an untimestamped error return: one host, cuda-error", async () => {
    const lines = [
      "[2026-02-11 08:14:37] gpu-node12:61200:61200 [5] transport/nvls.cc:257 NCCL WARN Cuda failure 401 'the operation cannot be performed in the present state'",
      "gpu-node12:61200:61200 [5] NCCL INFO transport/nvls.cc:412 -> 1",
    ];
    for (const text of variants(lines, { compose: true })) {
      const r = await analyzeText(text);
      const at = JSON.stringify(text.slice(0, 40));
      expect(r.facts.nccl.nodes, at).toBe(1);
      expect(r.facts.nccl.firstWarn?.line, at).toBe(1);
      expect(ids(r, "error"), at).toEqual(["nccl/cuda-error"]);
    }
  });

  it("`[N] NCCL INFO` with the host stripped: ranks from the comm lines, not the Trees lines or the device", async () => {
    const lines = [
      "[4] NCCL INFO Trees [0] 5/-1/-1->4->3 [1] 5/-1/-1->4->3 [2] 5/-1/-1->4->3 [3] 5/-1/-1->4->3",
      "[4] NCCL INFO P2P Chunksize set to 524288",
      "[6] NCCL INFO comm 0x55d0aa10 rank 6 nRanks 8 nNodes 1 localRanks 8 localRank 6 MNNVL 0",
      "[2] NCCL INFO comm 0x55d0bb20 rank 2 nRanks 8 nNodes 1 localRanks 8 localRank 2 MNNVL 0",
      "[6] NCCL INFO Trees [0] 7/-1/-1->6->5 [1] 7/-1/-1->6->5 [2] 7/-1/-1->6->5 [3] 7/-1/-1->6->5",
    ];
    for (const text of variants(lines)) {
      const r = await analyzeText(text);
      const at = JSON.stringify(text.slice(0, 40));
      expect(r.facts.nccl.ranks, at).toBe(2);
      expect(ids(r), at).toEqual([]);
    }
  });

  it("symmetric-kernel tuning, MNNVL fabric and bootstrap-timing lines: no rank, no finding", async () => {
    const lines = [
      "gb-rack3-n07:88010:88010 [2] NCCL INFO Bootstrap timings total 0.151200 (create 0.000031, send 0.000090, recv 0.000081, ring 0.000050, delay 0.000000)",
      "gb-rack3-n07:88010:88010 [2] NCCL INFO MNNVL busId 0x1801000 fabric UUID 51a2b3c4d5e6f708.192a3b4c5d6e7f80 cliqueId 0x7ffe state 3 healthMask 0xff",
      "gb-rack3-n07:88010:88010 [2] NCCL INFO register comm 0x6a1b2c30 buffer 0x7f3a10000000 size 16777216",
      "gb-rack3-n07:88010:88010 [2] NCCL INFO AllReduce: 1048576 Bytes -> Algo RING proto SIMPLE channel{Lo..Hi}={0..7}",
      "gb-rack3-n07:88010:88010 [2] NCCL INFO AllReduce [Symmetric]: 1048576 Bytes -> Kernel AllReduce_RSxLD_AGxST nchannels 8 nthreads 512 nWorks 1",
    ];
    for (const text of variants(lines, { compose: true })) {
      const r = await analyzeText(text);
      const at = JSON.stringify(text.slice(0, 40));
      expect(r.facts.nccl.ranks, at).toBeNull();
      expect(r.facts.nccl.nodes, at).toBe(1);
      expect(r.facts.nccl.transports["P2P/IPC"] + r.facts.nccl.transports["NET/IB"], at).toBe(0);
      expect(ids(r), at).toEqual([]);
    }
  });
});
