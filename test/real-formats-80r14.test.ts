import { describe, expect, it } from "vitest";
import { analyzeText, ids, eachWrapped } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats met in round 80r14 (NVIDIA/nccl issues numbered ...1 and ...9, NVIDIA/nccl-tests and pytorch/pytorch issues
 * with NCCL_DEBUG output): alltoall records through the shared-QP `NET/IB/N/GDRDMA/Shared` path at rank ids in the
 * hundreds with the last record cut after its first rank, an nccl-tests failure above a header the user retyped with
 * single spaces, an nccl-tests header whose `#` markdown ate, a bare `[dev]` COLL trace line, and Open MPI's own report
 * of a signal inside an MPI process. The tool read the round's facts and problems at first sight; the one shape it said
 * nothing about was that Open MPI report: `[host:pid] Signal: Segmentation fault (11)` with a libnccl backtrace under
 * it. Every log text here is written for the test.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubets", (l) => `2026-02-03T11:20:05.123456789Z ${l}`],
  ["mpi-tag", (l) => `[1,0]<stderr>:${l}`],
];

const eachWrap = (lines: string[], check: (r: Report, at: string) => void) => eachWrapped(WRAPS, lines, check);
const text = (lines: string[]) => lines.join("\n") + "\n";

describe("Open MPI's handler reporting a signal inside an MPI process", () => {
  const crash = (signal: string) => [
    "./build/all_gather_perf -b 8 -e 64M -f 2 -g 4",
    "[gpu-n03:07712] *** Process received signal ***",
    `[gpu-n03:07712] Signal: ${signal}`,
    "[gpu-n03:07712] Signal code: Address not mapped (1)",
    "[gpu-n03:07712] Failing at address: 0x10",
    "[gpu-n03:07712] [ 0] /lib/x86_64-linux-gnu/libpthread.so.0(+0x12980)[0x7f01aa0f3980]",
    "[gpu-n03:07712] [ 1] /opt/nccl/lib/libnccl.so.2(+0x41a2c)[0x7f01aa6e1a2c]",
    "[gpu-n03:07712] [ 2] /lib/x86_64-linux-gnu/libc.so.6(clone+0x3f)[0x7f01a9d1e71f]",
    "[gpu-n03:07712] *** End of error message ***",
  ];
  it("names SIGSEGV with the Signal line as evidence, behind wrappers and CRLF", async () => {
    await eachWrap(crash("Segmentation fault (11)"), (r, at) => {
      expect(ids(r, "error"), at).toEqual(["vllm/fatal-signal"]);
      const f = r.findings.find((x) => x.ruleId === "vllm/fatal-signal");
      expect(f?.message, at).toMatch(/killed by SIGSEGV/);
      expect(f?.evidence.map((e) => e.text), at).toEqual([expect.stringMatching(/\[gpu-n03:07712\] Signal: Segmentation fault \(11\)$/)]);
      expect(r.facts.nccl.nodes, at).toBeNull();
    });
  });
  it("names SIGBUS from its words, and macOS's words with the number", async () => {
    const bus = await analyzeText(text(crash("Bus error (7)")));
    expect(bus.findings.find((x) => x.ruleId === "vllm/fatal-signal")?.message).toMatch(/killed by SIGBUS/);
    const mac = await analyzeText(text(crash("Segmentation fault: 11 (11)")));
    expect(mac.findings.find((x) => x.ruleId === "vllm/fatal-signal")?.message).toMatch(/killed by SIGSEGV/);
  });
  it("leaves SIGABRT, the banner alone and prose about a signal to other rules", async () => {
    const r = await analyzeText(text([
      ...crash("Aborted (6)").slice(0, 3),
      "[gpu-n03:07712] Signal code:  (-6)",
      "Signal: Segmentation fault somewhere in the proxy thread, we think",
    ]));
    expect(ids(r)).not.toContain("vllm/fatal-signal");
  });
});

describe("nccl-tests alltoall over the shared-QP GDRDMA path", () => {
  const rec = (host: string, tid: string, dev: number, ch: number, a: string, b: string, dir: string, nic: number) =>
    `${host}:${tid} [${dev}] NCCL INFO Channel ${String(ch).padStart(2, "0")} : ${a} -> ${b} [${dir}] via NET/IB/${nic}/GDRDMA/Shared`;
  const lines = [
    rec("hgx-a17", "51102:51390", 3, 14, "12[3b000]", "203[5d000]", "receive", 2),
    rec("hgx-a17", "51102:51390", 3, 14, "203[5d000]", "140[ba000]", "send", 2),
    rec("hgx-b04", "8830:9107", 9, 11, "77[86000]", "14[87000]", "receive", 5),
    rec("hgx-b04", "8830:9107", 9, 11, "14[87000]", "251[b8000]", "send", 5),
    rec("hgx-c22", "66120:66391", 0, 15, "96[18000]", "31[19000]", "receive", 0),
    "hgx-c22:66122:66389 [2] NCCL INFO Channel 13 : 218[",
  ];
  it("counts complete records by kind, and rank ids also from the cut one", async () => {
    await eachWrap(lines, (r, at) => {
      const n = r.facts.nccl;
      expect(n.transports["NET/IB/GDRDMA"], at).toBe(5);
      expect(n.transports["NET/IB"] ?? 0, at).toBe(0);
      expect(n.gdr, at).toBe(true);
      expect(n.net, at).toBe("IB");
      expect(n.ranks, at).toBe(9);
      expect(n.nodes, at).toBe(3);
      expect(ids(r, "error"), at).toEqual([]);
    });
  });
});

describe("an nccl-tests failure above a header retyped with single spaces", () => {
  const lines = [
    "a40-box: Test NCCL failure common.cu:1005 'unhandled CUDA error'",
    ".. a40-box pid 2207: Test failure common.cu:891",
    "",
    "Using devices",
    "#  Rank 0 Group 0 Pid 2207 on a40-box device 0 [0x1b] NVIDIA A40",
    "#  Rank 1 Group 0 Pid 2207 on a40-box device 1 [0x1c] NVIDIA A40",
    "#  Rank 2 Group 0 Pid 2207 on a40-box device 2 [0x3d] NVIDIA A40",
    "8             2     float     sum      -1    88.10    0.00    0.00      0    91.20    0.00    0.00      0",
  ];
  it("reads ranks, the host and the first error, and names the CUDA error", async () => {
    await eachWrap(lines, (r, at) => {
      expect(r.facts.nccl.ranks, at).toBe(3);
      expect(r.facts.nccl.nodes, at).toBe(1);
      expect(r.facts.firstError?.text, at).toMatch(/a40-box: Test NCCL failure common\.cu:1005 'unhandled CUDA error'$/);
      expect(ids(r, "error"), at).toContain("nccl/cuda-error");
    });
  });
  it("reads the header with its `#` lost to markdown as the header it still is", async () => {
    const r = await analyzeText(text([
      " nThread 1 nGpus 1 minBytes 8 maxBytes 1048576 step: 2(factor) warmup iters: 5 iters: 5 agg iters: 1 validation: 1 graph: 0",
      " Using devices",
      "  Rank  0 Group  0 Pid    311 on trn-worker-3 device  0 [0x00] NVIDIA L4",
      "           8             2     float     sum      -1    31.20    0.00    0.00      0    30.90    0.00    0.00      0",
    ]));
    expect(r.facts.nccl.ranks).toBe(1);
    expect(r.facts.nccl.hosts).toEqual(["trn-worker-3"]);
    expect(ids(r, "error")).toEqual([]);
  });
});

describe("a bare COLL trace line", () => {
  it("gives no rank, no node and no finding: [dev] is a device and [nranks=N] a size", async () => {
    const r = await analyzeText(text([
      "[5] NCCL INFO AllGather: opCount 3 sendbuff 0x7f2a1c000000 recvbuff 0x7f2a1e000000 count 1048576 datatype 7 op 0 root 0 comm 0x7f29a0000d50 [nranks=24] stream 0x7f29d811d320",
    ]));
    expect(r.facts.nccl.ranks).toBeNull();
    expect(r.facts.nccl.nodes).toBeNull();
    expect(ids(r, "error")).toEqual([]);
  });
});
