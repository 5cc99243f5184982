import { describe, expect, it } from "vitest";
import { analyzeText, ids, eachWrapped } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats met in round 80r28 (the newest NCCL releases, 2.27–2.30: NVLS multicast failures, GIN, RAS, symmetric
 * memory, ncclCommSplit, init timings, records printed without the host prefix, records glued without a newline). The
 * tool read the round's facts and problems at first sight. What it got wrong are the shapes here:
 *
 * - NCCL 2.30.7 names the function in its location (debug.cc: WARN `[dev] file:line (func) NCCL WARN ...`, INFO_LOC
 *   `[dev] NCCL INFO file:line (func) -> N`). The IB probe's error return on a host without RDMA libraries
 *   (`transport/net_ib.cc:852 (ncclIbInit) -> 3`, then `Failed to initialize NET plugin IB` and `Using network Socket`)
 *   was no longer seen as a probe NCCL goes on from: a healthy socket start-up got nccl/internal-error and nccl/error.
 * - A vLLM worker's `RuntimeError: NCCL error: unhandled cuda error (run with NCCL_DEBUG=INFO for details)` in a paste
 *   that has NCCL INFO records (here glued after it, the newlines lost) but no NCCL WARN: the only advice, "rerun with
 *   NCCL_DEBUG=INFO", was dropped because INFO was on, and the finding was left with no advice at all.
 *
 * Every log text here is written for the test.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubets", (l) => `2026-03-09T08:14:51.402117355Z ${l}`],
  ["mpi-tag", (l) => `[1,2]<stdout>:${l}`],
];

const eachWrap = (lines: string[], check: (r: Report, at: string) => void) => eachWrapped(WRAPS, lines, check);

describe("NCCL 2.30.7's error return that names its function, on the way to a fallback", () => {
  const probe = (func: string) => [
    "trn-b07:51210:51210 [3] NCCL INFO ENV/Plugin: Could not find: libnccl-env.so",
    "trn-b07:51210:51210 [3] NCCL INFO NCCL version 2.30.7+cuda13.0",
    "trn-b07:51210:51210 [3] NCCL INFO NET/Plugin: Could not find: libnccl-net.so",
    "trn-b07:51210:51210 [3] NCCL INFO Failed to open libibverbs.so[.1]",
    `trn-b07:51210:51210 [3] NCCL INFO transport/net_ib/init.cc:402${func} -> 3`,
    "trn-b07:51210:51210 [3] NCCL INFO Failed to initialize NET plugin IB",
    "trn-b07:51210:51210 [3] NCCL INFO NET/Socket : Using [0]eth0:10.4.0.17<0>",
    "trn-b07:51210:51210 [3] NCCL INFO Initialized NET plugin Socket",
    "trn-b07:51210:51210 [3] NCCL INFO Using network Socket",
    "trn-b07:51210:51210 [3] NCCL INFO ncclCommInitRankConfig comm 0x5b1e20 rank 3 nranks 4 cudaDev 3 nvmlDev 3 busId 61000 commId 0x9f02c1d0a4e3b715 - Init START",
  ];
  it("is a recovered probe, not an error finding, with or without the function", async () => {
    for (const func of [" (ncclIbInit)", ""])
      await eachWrap(probe(func), (r, at) => {
        expect(ids(r, "error"), at + func).toEqual([]);
        expect(r.facts.firstError?.line, at + func).toBe(5);
        expect((r.facts.recovered ?? []).map((x) => [x.failure.line, x.kind]), at + func).toEqual([[5, "error-return"]]);
        expect(r.facts.nccl.net, at + func).toBe("Socket");
        expect(r.facts.nccl.version, at + func).toBe("2.30.7");
      });
  });
  it("keeps a failing chain with the function names an error, its WARN the cause", async () => {
    await eachWrap(
      [
        "trn-b07:51210:51301 [3] NCCL INFO NCCL version 2.30.7+cuda13.0",
        "",
        "trn-b07:51210:51301 [3] transport/nvls.cc:251 (nvlsGroupBindMem) NCCL WARN Cuda failure 401 'the operation cannot be performed in the present state'",
        "trn-b07:51210:51301 [3] NCCL INFO transport/nvls.cc:401 (nvlsBufferSetup) -> 1",
        "trn-b07:51210:51301 [3] NCCL INFO init.cc:1138 (initTransportsRank) -> 1",
        "trn-b07:51210:51301 [3] NCCL INFO group.cc:79 (ncclAsyncJobMain) -> 1 [Async thread]",
      ],
      (r, at) => {
        expect(ids(r, "error"), at).toEqual(["nccl/cuda-error"]);
        expect(r.facts.firstError?.line, at).toBe(3);
        expect(r.facts.recovered ?? [], at).toEqual([]);
        expect(r.findings[0]?.message, at).toMatch(/NVLink SHARP \(NVLS\) multicast/);
      },
    );
  });
});

describe("an NCCL error in a log with NCCL's INFO lines but no NCCL WARN", () => {
  const worker = "ERROR 03-02 09:41:07 [v1/executor/multiproc_executor.py:611]";
  const glued = [
    `${worker} File "/opt/venv/lib/python3.12/site-packages/vllm/distributed/device_communicators/pynccl_wrapper.py", line 291, in NCCL_CHECK`,
    `${worker} raise RuntimeError(f"NCCL error: {error_str}") ${worker} RuntimeError: NCCL error: unhandled cuda error (run with NCCL_DEBUG=INFO for details) c7a0e1f2d4b9:388:388 [1] NCCL INFO cudaDriverVersion 12090 c7a0e1f2d4b9:388:388 [1] NCCL INFO Bootstrap: Using eth0:172.18.0.4<0>`,
  ];
  it("says where the WARN is instead of leaving the finding without advice", async () => {
    await eachWrap(glued, (r, at) => {
      expect(ids(r, "error"), at).toEqual(["nccl/cuda-error"]);
      expect(r.facts.firstError?.line, at).toBe(2);
      expect(r.facts.nccl.firstWarn, at).toBeNull();
      const f = r.findings.find((x) => x.ruleId === "nccl/cuda-error");
      expect(f?.remediation, at).toEqual([expect.stringMatching(/^The log has NCCL's INFO lines but not the NCCL WARN that names the cause/)]);
    });
  });
  it("gives the rerun advice without INFO lines, and neither when the WARN is there", async () => {
    const bare = await analyzeText(`${worker} RuntimeError: NCCL error: unhandled cuda error (run with NCCL_DEBUG=INFO for details)\n`);
    expect(bare.findings.find((x) => x.ruleId === "nccl/cuda-error")?.remediation).toEqual([expect.stringMatching(/^Rerun with NCCL_DEBUG=INFO/)]);
    const warned = await analyzeText(
      [
        "c7a0e1f2d4b9:388:388 [1] NCCL INFO cudaDriverVersion 12090",
        "",
        "c7a0e1f2d4b9:388:402 [1] include/alloc.h:128 NCCL WARN Cuda failure 'unspecified launch failure'",
        `${worker} RuntimeError: NCCL error: unhandled cuda error (run with NCCL_DEBUG=INFO for details)`,
      ].join("\n") + "\n",
    );
    const rem = warned.findings.find((x) => x.ruleId === "nccl/cuda-error")?.remediation ?? [];
    expect(rem.some((x) => /^Rerun with NCCL_DEBUG=INFO|^The log has NCCL's INFO lines/.test(x))).toBe(false);
  });
});
