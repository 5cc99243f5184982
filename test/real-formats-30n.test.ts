import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import { variants } from "./helpers/variants.js";

/**
 * Shapes of a thirtieth round of real NCCL_DEBUG output pasted in the issues of training and RL frameworks (DeepSpeed,
 * Megatron forks, accelerate, Lightning, LLaMA-Factory, verl, ms-swift, Ray Train, NeMo):
 *
 * - NCCL 2.28+ on a host without RDMA libraries calls a verbs wrapper from its GDR / DMA-BUF probe: ibvwrap.cc's
 *   CHECK_NOT_NULL prints `misc/ibvwrap.cc:173 NCCL WARN lib wrapper not initialized.` and returns ncclInternalError,
 *   `transport/net_ib/gdr.cc:56 -> 3` follows, then `Failed to initialize any GIN plugin` and `Using network Socket`:
 *   NCCL went on. The failure is the first error (CONTRACT) but is listed as recovered, with no nccl/* error.
 * - A rank id as high as the GPUs a node holds (`[rank9]: Traceback …`) is a communicator wider than one node: with
 *   NCCL on Socket, the inter-node traffic goes over TCP (nccl/socket-fallback), even when one host printed.
 * - NET/Socket's `peer A<port> message truncated : receiving N bytes instead of M` (net_socket.cc, ncclInvalidUsage):
 *   NCCL names the cause itself, so nccl/error says it (ranks disagreeing on a collective) and puts that first.
 *
 * Every text is written for the test in the printed layout (`host:pid:tid [dev] file.cc:line NCCL WARN …`,
 * `host:pid:tid [dev] NCCL INFO …`, torchrun's `[rankN]:`), with the wrappers the reader must not care about.
 */

const probe = (host: string, pid: number, dev = 0): string[] => [
  `${host}:${pid}:${pid} [${dev}] misc/ibvwrap.cc:173 NCCL WARN lib wrapper not initialized.`,
  `${host}:${pid}:${pid} [${dev}] NCCL INFO transport/net_ib/gdr.cc:56 -> 3`,
  `${host}:${pid}:${pid} [${dev}] NCCL INFO Failed to initialize any GIN plugin`,
];

const goesOn = (host: string, pid: number, rank: number, nranks: number, dev = rank): string[] => [
  `${host}:${pid}:${pid} [${dev}] NCCL INFO Using network Socket`,
  `${host}:${pid}:${pid} [${dev}] NCCL INFO [Rank ${rank}] ncclCommInitRankConfig comm 0x5f00c1a0${rank} rank ${rank} nranks ${nranks} cudaDev ${dev} nvmlDev ${dev} busId ${rank + 1}000 commId 0x4be1d2c3a4f50617 - Init START`,
  `${host}:${pid}:${pid} [${dev}] NCCL INFO comm 0x5f00c1a0${rank} rank ${rank} nRanks ${nranks} nNodes 1 localRanks ${nranks} localRank ${rank} MNNVL 0`,
  `${host}:${pid}:${pid} [${dev}] NCCL INFO ncclCommInitRankConfig comm 0x5f00c1a0${rank} rank ${rank} nranks ${nranks} cudaDev ${dev} nvmlDev ${dev} busId ${rank + 1}000 commId 0x4be1d2c3a4f50617 - Init COMPLETE`,
];

describe("NCCL 2.28's verbs-wrapper probe on a host without RDMA libraries", () => {
  it("one rank that goes on over Socket: the first error, recovered, and no nccl/* finding", async () => {
    const lines = [...probe("wks-07", 4411), ...goesOn("wks-07", 4411, 0, 1)];
    for (const text of variants(lines, { compose: true })) {
      const r = await analyzeText(text);
      const at = JSON.stringify(text.slice(0, 40));
      expect(r.facts.firstError?.line, at).toBe(1);
      expect(r.facts.nccl.net, at).toBe("Socket");
      expect(r.facts.nccl.initComplete, at).toBe(1);
      expect((r.facts.recovered ?? []).map((x) => [x.failure.line, x.kind]), at).toEqual([[1, "error-return"], [2, "error-return"]]);
      expect(ids(r), at).not.toContain("nccl/internal-error");
      expect(ids(r), at).not.toContain("nccl/error");
      // no NET plugin failed: the probe is no plugin fallback
      expect(ids(r), at).not.toContain("nccl/net-plugin-fallback");
      expect(ids(r, "error"), at).toEqual([]);
    }
  });

  it("behind Ray's worker prefix, one process a GPU: each process's probe is undone by its own next lines", async () => {
    const ray = (pid: number) => (l: string) => `(RayWorkerWrapper pid=${pid}, ip=10.3.0.${pid % 7}) ${l}`;
    const lines = [
      ...probe("node-a", 801, 0).map(ray(801)),
      ...probe("node-a", 802, 1).map(ray(802)),
      ...goesOn("node-a", 801, 0, 2, 0).map(ray(801)),
      ...goesOn("node-a", 802, 1, 2, 1).map(ray(802)),
    ];
    for (const text of variants(lines)) {
      const r = await analyzeText(text);
      expect(r.facts.firstError?.line).toBe(1);
      expect((r.facts.recovered ?? []).map((x) => x.failure.line).sort((a, b) => a - b)).toEqual([1, 2, 4, 5]);
      expect(ids(r, "error")).toEqual([]);
    }
  });

  it("a process that does not go on keeps its failure, whatever another process of the file does", async () => {
    const lines = [
      ...probe("node-a", 801, 0),
      `node-a:801:801 [0] NCCL INFO init.cc:1712 -> 3`,
      `node-a:801:801 [0] NCCL INFO init.cc:2064 -> 3`,
      ...goesOn("node-a", 802, 1, 2, 1),
      `[rank0]: torch.distributed.DistBackendError: NCCL error in: /opt/pytorch/torch/csrc/distributed/c10d/NCCLUtils.cpp:77, internal error - please report this issue to the NCCL developers, NCCL version 2.28.3`,
      `[rank0]: ncclInternalError: Internal check failed.`,
      `[rank0]: Last error:`,
      `[rank0]: lib wrapper not initialized.`,
    ];
    for (const text of variants(lines, { compose: true })) {
      const r = await analyzeText(text);
      expect(r.facts.firstError?.line).toBe(1);
      expect((r.facts.recovered ?? []).map((x) => x.failure.line)).toEqual([]);
      expect(ids(r, "error")).toContain("nccl/internal-error");
    }
  });

  it("with no line after it that shows NCCL went on, the WARN and its chain stay failures", async () => {
    const lines = [`[2026-01-30 08:11:42] ${probe("wks-07", 4411)[0]}`, probe("wks-07", 4411)[1]];
    for (const text of variants(lines)) {
      const r = await analyzeText(text);
      expect(r.facts.firstError?.line).toBe(1);
      expect(r.facts.recovered ?? []).toEqual([]);
      expect(ids(r, "error").length).toBeGreaterThan(0);
    }
  });
});

/** a Megatron-style rank's Socket failure: NET/Socket's truncated message, then the next call on the broken communicator */
const truncated = (rank: number, got = 16, want = 8): string[] => [
  `trn-h200-03:51720:52004 [1] transport/net_socket.cc:488 NCCL WARN NET/Socket : peer 10.40.2.17<52311> message truncated : receiving ${got} bytes instead of ${want}. If you believe your socket network is in healthy state,           there may be a mismatch in collective sizes or environment settings (e.g. NCCL_PROTO, NCCL_ALGO) between ranks`,
  "",
  "trn-h200-03:51720:51720 [1] init.cc:290 NCCL WARN Attempt to use communicator before the previous operation returned ncclSuccess",
  `[rank${rank}]: Traceback (most recent call last):`,
  `[rank${rank}]:   File "/work/llm/pretrain_gpt.py", line 288, in <module>`,
  `[rank${rank}]:     pretrain(train_valid_test_datasets_provider,`,
];

describe("a rank id beyond one node's GPUs, and NET/Socket's truncated message", () => {
  it("[rank9]: with NCCL on Socket: a multi-node run over TCP, and the truncation explained", async () => {
    for (const text of variants(truncated(9), { compose: true })) {
      const r = await analyzeText(text);
      expect(r.facts.nccl.net).toBe("Socket");
      expect(r.facts.nccl.ranks).toBe(1);
      expect(r.facts.nccl.nodes).toBe(1);
      expect(r.facts.firstError?.line).toBe(1);
      expect(ids(r)).toContain("nccl/socket-fallback");
      const sf = r.findings.find((f) => f.ruleId === "nccl/socket-fallback")!;
      expect(sf.message).toContain("rank 9: at least 10 ranks, more than the 8 GPUs a node holds");
      const e = r.findings.find((f) => f.ruleId === "nccl/error")!;
      expect(e.severity).toBe("error");
      expect(e.message).toContain("a peer sent a message larger than the receive this rank posted (16 bytes arrived where 8 were posted)");
      expect(e.remediation[0]).toMatch(/^Make every rank issue the same collectives/);
      expect(e.evidence[0].line).toBe(1);
    }
  });

  it("a rank id within one node's GPUs says nothing of other nodes", async () => {
    for (const text of variants(truncated(7), { compose: true })) {
      const r = await analyzeText(text);
      expect(ids(r)).not.toContain("nccl/socket-fallback");
      expect(ids(r)).toContain("nccl/error");
    }
  });

  it("the hosts already show several nodes: the rank id adds no second reason", async () => {
    const lines = [
      "trn-h200-02:4001:4001 [0] NCCL INFO NET/IB : No device found.",
      "trn-h200-02:4001:4001 [0] NCCL INFO Using network Socket",
      ...truncated(12),
    ];
    for (const text of variants(lines)) {
      const r = await analyzeText(text);
      expect(r.facts.nccl.nodes).toBe(2);
      const sf = r.findings.find((f) => f.ruleId === "nccl/socket-fallback")!;
      expect(sf.message).not.toContain("rank 12");
    }
  });

  it("NCCL_IB_DISABLE=1 on such a run is nccl/ib-disabled's, not a fallback", async () => {
    const lines = ["trn-h200-03:51720:51720 [1] NCCL INFO NCCL_IB_DISABLE set by environment to 1.", "trn-h200-03:51720:51720 [1] NCCL INFO Using network Socket", ...truncated(9)];
    const r = await analyzeText(lines.join("\n"));
    expect(ids(r)).not.toContain("nccl/socket-fallback");
  });
});

describe("NCCL's bootstrap root hearing from one rank twice", () => {
  it("names the rank, says two processes started as it, and leads with the one-launcher fix", async () => {
    const lines = [
      "gpu-r12:30410:30410 [1] NCCL INFO Bootstrap : Using ib0:10.9.0.12<0>",
      "gpu-r12:30410:30410 [1] NCCL INFO NET/IB : Using [0]mlx5_0:1/IB ; OOB ib0:10.9.0.12<0>",
      "gpu-r13:7719:7719 [1] NCCL INFO NET/IB : Using [0]mlx5_0:1/IB ; OOB ib0:10.9.0.13<0>",
      "",
      "gpu-r12:30402:30655 [0] bootstrap.cc:131 NCCL WARN Bootstrap Root : rank 3 of 16 ranks has already checked in",
      "gpu-r13:7719:7719 [1] NCCL INFO Using network IB",
    ];
    for (const text of variants(lines, { compose: true })) {
      const r = await analyzeText(text);
      expect(r.facts.firstError?.line).toBe(5);
      const e = r.findings.find((f) => f.ruleId === "nccl/error")!;
      expect(e.message).toContain("NCCL's bootstrap root heard from rank 3 of 16 twice, so two processes started as the same rank");
      expect(e.remediation[0]).toMatch(/^Let one launcher start the processes/);
      expect(e.evidence[0].line).toBe(5);
    }
  });

  it("another bootstrap failure keeps the plain wording", async () => {
    const r = await analyzeText("gpu-r12:30402:30655 [0] bootstrap.cc:77 NCCL WARN Bootstrap Root : mismatch in rank count from procs 16 : 8\n");
    for (const f of r.findings) expect(f.message).not.toContain("twice");
  });
});

describe("NCCL refusing the config PyTorch passes (blocking = NCCL_CONFIG_UNDEF_INT)", () => {
  const torchError = (lines: string[]) => [
    "[rank1]: torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/NCCLUtils.hpp:219, invalid argument, NCCL version 2.15.1",
    ...lines,
  ];
  it("as PyTorch's `Last error:` text: an NCCL older than PyTorch's, and the library-path fix first", async () => {
    const lines = torchError(["[rank1]: ncclInvalidArgument: Invalid value for an argument.", "[rank1]: Last error:", "[rank1]: Invalid config blocking attribute value -2147483648"]);
    for (const text of variants(lines, { compose: true })) {
      const r = await analyzeText(text);
      expect(r.facts.firstError?.line).toBe(1);
      expect(r.facts.nccl.version).toBe("2.15.1");
      const e = r.findings.find((f) => f.ruleId === "nccl/error")!;
      expect(e.message).toContain("The libnccl loaded at run time is older than the NCCL PyTorch was built against");
      expect(e.remediation[0]).toMatch(/^Make the process load the NCCL that comes with this PyTorch/);
      expect(e.evidence[0].line).toBe(4);
    }
  });

  it("as NCCL's own WARN, and another value stays a plain invalid argument", async () => {
    const warn = (v: string) => `trn-a1:2210:2210 [0] init.cc:1416 NCCL WARN Invalid config blocking attribute value ${v}`;
    const undef = await analyzeText([warn("-2147483648"), ...torchError([])].join("\n"));
    expect(undef.findings.find((f) => f.ruleId === "nccl/error")!.message).toContain("older than the NCCL PyTorch was built against");
    const other = await analyzeText([warn("7"), ...torchError([])].join("\n"));
    expect(other.findings.find((f) => f.ruleId === "nccl/error")!.message).not.toContain("older than");
  });
});

describe("PyTorch's `Some NCCL operations have failed or timed out` beside an NCCL failure", () => {
  const pg = [
    "[E ProcessGroupNCCL.cpp:456] Some NCCL operations have failed or timed out. Due to the asynchronous nature of CUDA kernels, subsequent GPU operations might run on corrupted/incomplete data.",
    "[E ProcessGroupNCCL.cpp:461] To avoid data inconsistency, we are taking the entire process down.",
  ];
  it("after an IB completion error and `unhandled system error`: the operation failed, no timeout is claimed", async () => {
    const lines = [
      "dsn-04:17702:17811 [5] ib_plugin.c:1020 NCCL WARN NET/IB : Got completion from peer 10.8.1.44<51022> with error 12, opcode 0, len 0, vendor err 129",
      "dsn-04:17702:17811 [5] NCCL INFO include/net.h:35 -> 2",
      "dsn-04:17702:17811 [5] NCCL INFO proxy.cc:684 -> 2 [Proxy Thread]",
      ...pg,
      "terminate called after throwing an instance of 'std::runtime_error'",
      "  what():  NCCL error: unhandled system error, NCCL version 2.14.3",
    ];
    for (const text of variants(lines, { compose: true })) {
      const r = await analyzeText(text);
      expect(ids(r)).toContain("nccl/ib-error");
      expect(ids(r)).toContain("nccl/system-error");
      expect(ids(r)).not.toContain("nccl/collective-timeout");
    }
  });

  it("alone, or with the watchdog's timeout record, it is still the collective timeout", async () => {
    expect(ids(await analyzeText(pg.join("\n")))).toContain("nccl/collective-timeout");
    const withWatchdog = [...pg, "[E ProcessGroupNCCL.cpp:828] [Rank 3] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=77, OpType=ALLREDUCE, Timeout(ms)=1800000) ran for 1800421 milliseconds before timing out.", "dsn-04:17702:17811 [5] NCCL INFO proxy.cc:684 -> 2 [Proxy Thread]", "  what():  NCCL error: unhandled system error, NCCL version 2.14.3"];
    expect(ids(await analyzeText(withWatchdog.join("\n")))).toContain("nccl/collective-timeout");
  });
});
