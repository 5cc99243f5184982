import { describe, expect, it } from "vitest";
import { analyzeText, ids, eachWrapped } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats met in round 80r17 (AMD GPUs: vLLM on ROCm, RCCL's NCCL_DEBUG=INFO output in ROCm/rccl and rccl-tests issues).
 * Two shapes the tool got wrong or left bare at first sight, and one RCCL advisory WARN read in its source:
 * - RCCL's start-up advice (`Missing "iommu=pt" from kernel command line which can lead to system instablity or hang!`)
 *   cut at the end of the line by the paste (`... from kernel comm`) was read as a failing WARN: a `nccl/error` and a
 *   first error on a log where nothing failed. The advice is now read cut anywhere after its `from`.
 * - RCCL's `Cuda failure 'invalid kernel file'` (HIP's hipErrorInvalidKernelFile from its kernel launch in enqueue.cc)
 *   gave `A HIP call inside RCCL failed: invalid kernel file.` and no remediation: it means the library has no code for
 *   the GPU's architecture, as NCCL's `no kernel image is available` and `invalid device function` do.
 * - RCCL's `LL cutoff points not detected for a supported arch gfx950` (rccl_wrap.cc, warned once; RCCL keeps its default
 *   LL thresholds) was a `nccl/error` on healthy runs.
 * Every log text here is written for the test in the printed layout of those logs, behind wrappers they did not all show.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubectl --timestamps", (l) => `2026-12-07T09:40:11.402117340Z ${l}`],
  ["mpi-tag", (l) => `[1,0]<stdout>:${l}`],
];

const eachWrap = (lines: string[], check: (r: Report, at: string) => void) => eachWrapped(WRAPS, lines, check);

const PATH = "/long_pathname_so_that_rpms_can_package_the_debug_info/src/extlibs/rccl/build/hipify/src/";

describe("RCCL's start-up advice cut at the end of the line", () => {
  const start = [
    "# nThread 1 nGpus 2 minBytes 8 maxBytes 134217728 step: 2(factor) warmup iters: 5 iters: 20 agg iters: 1 validation: 1 graph: 0",
    "#   Rank  0 Pid  20418 on mi100-ws device  0 [0000:2f:00.0] AMD Instinct MI100",
    "#   Rank  1 Pid  20418 on mi100-ws device  1 [0000:03:00.0] AMD Instinct MI100",
    "mi100-ws:20418:20418 [0] NCCL INFO Bootstrap : Using enp37s0f1:192.168.7.20<0>",
    "mi100-ws:20418:20418 [0] NCCL INFO NET/Plugin : No plugin found, using internal implementation",
    "",
  ];
  const cuts = [
    `mi100-ws:20418:20418 [0] ${PATH}init.cc:132 NCCL WARN Missing "iommu=pt" from kernel comm`,
    `mi100-ws:20418:20418 [0] ${PATH}init.cc:130 NCCL WARN Missing "amd_iommu=on" from`,
    `mi100-ws:20418:20418 [1] ${PATH}init.cc:136 NCCL WARN Missing "HSA_FORCE_FINE_GRAIN_PCIE=1" from environment which can le`,
    `mi100-ws:20418:20418 [1] ${PATH}init.cc:141 NCCL WARN NUMA auto balancing enabled which can lead to var`,
  ];

  it("is the first WARN but no error and no finding, behind wrappers and CRLF", async () => {
    for (const cut of cuts)
      await eachWrap([...start, cut], (r, at) => {
        expect(r.facts.nccl.firstWarn?.line, `${cut} ${at}`).toBe(7);
        expect(r.facts.firstError, `${cut} ${at}`).toBeNull();
        expect(ids(r), `${cut} ${at}`).toEqual([]);
        expect(r.facts.nccl.ranks, `${cut} ${at}`).toBe(2);
      });
  });

  it("cut in the middle of a log, with the run going on after it", async () => {
    const r = await analyzeText(
      [...start, cuts[0], "mi100-ws:20418:20418 [0] NCCL INFO Kernel version: 5.15.0-101-generic", "RCCL version 2.18.3+hip6.1 HEAD:1a2b3c4+", ""].join("\n"),
    );
    expect(r.facts.firstError).toBeNull();
    expect(ids(r)).toEqual([]);
    expect(r.facts.nccl.version).toBe("2.18.3");
  });

  it("a WARN whose words after `from` are not the advice's stays a failure, and so does a failure after the advice", async () => {
    const other = await analyzeText([...start, `mi100-ws:20418:20418 [0] ${PATH}init.cc:132 NCCL WARN Missing "iommu=pt" from kernel modules`, ""].join("\n"));
    expect(other.facts.firstError?.line).toBe(7);
    const after = await analyzeText(
      [...start, cuts[0], "", `mi100-ws:20418:20431 [0] ${PATH}enqueue.cc:66 NCCL WARN Cuda failure 'out of memory'`, ""].join("\n"),
    );
    expect(after.facts.nccl.firstWarn?.line).toBe(7);
    expect(after.facts.firstError?.line).toBe(9);
    expect(ids(after, "error")).toEqual(["nccl/cuda-error"]);
  });
});

describe("a collective library without kernels for the GPU's architecture", () => {
  it("RCCL's `Cuda failure 'invalid kernel file'`: says so and points at the gfx target and the library loaded", async () => {
    await eachWrap(
      [
        "ws-7900:51102:51102 [0] NCCL INFO Bootstrap : Using eno1:192.168.10.40<0>",
        "ws-7900:51102:51102 [0] NCCL INFO Kernel version: 6.2.0-26-generic",
        "RCCL version 2.17.1+hip5.7 HEAD:cbbb3d8+",
        "",
        `ws-7900:51102:51110 [0] ${PATH}enqueue.cc:66 NCCL WARN Cuda failure 'invalid kernel file'`,
        `ws-7900:51102:51110 [0] NCCL INFO ${PATH}init.cc:1491 -> 1`,
        `ws-7900:51102:51110 [0] NCCL INFO ${PATH}group.cc:68 -> 1 [Async thread]`,
      ],
      (r, at) => {
        expect(ids(r, "error"), at).toEqual(["nccl/cuda-error"]);
        const f = r.findings.find((x) => x.ruleId === "nccl/cuda-error")!;
        expect(f.message, at).toBe("A HIP call inside RCCL failed: invalid kernel file (the library has no kernels for this GPU's architecture).");
        expect(f.remediation[0], at).toMatch(/^This RCCL has no kernels for this GPU's architecture: .*rocminfo \| grep gfx.*--amdgpu_targets=/);
        expect(r.facts.firstError?.line, at).toBe(5);
        expect(r.facts.nccl.version, at).toBe("2.17.1");
      },
    );
  });

  it("NCCL's `invalid device function` and `no kernel image is available`: the compute capability and NVCC_GENCODE; other failures keep their words", async () => {
    for (const words of ["invalid device function", "no kernel image is available for execution on the device"]) {
      const r = await analyzeText(
        [
          "NCCL version 2.18.1+cuda12.1",
          `gpu-a:3311:3340 [0] enqueue.cc:1112 NCCL WARN Cuda failure '${words}'`,
          "gpu-a:3311:3340 [0] NCCL INFO group.cc:200 -> 1",
          "",
        ].join("\n"),
      );
      const f = r.findings.find((x) => x.ruleId === "nccl/cuda-error")!;
      expect(f.message, words).toBe(`A CUDA call inside NCCL failed: ${words} (the library has no kernels for this GPU's architecture).`);
      expect(f.remediation[0], words).toMatch(/^This NCCL has no kernels for this GPU's architecture: .*compute_cap.*NVCC_GENCODE/);
    }
    // other CUDA failures keep their words without the clause
    const r = await analyzeText(["RCCL version 2.20.5+hip6.2 HEAD:d380693+", `mi-b:70:81 [1] ${PATH}include/alloc.h:212 NCCL WARN Cuda failure 'out of memory'`, ""].join("\n"));
    const f = r.findings.find((x) => x.ruleId === "nccl/cuda-error")!;
    expect(f.message).toBe("A HIP call inside RCCL failed: out of memory.");
    expect(f.remediation.join(" ")).not.toMatch(/no kernels/);
  });
});

describe("RCCL's protocol-tuning WARN for a GPU model it did not match", () => {
  it("`LL cutoff points not detected for a supported arch` is advice: first WARN, no error, no finding", async () => {
    await eachWrap(
      [
        "RCCL version 2.22.3+hip6.4 HEAD:0a1b2c3",
        "mi355-a:8801:8840 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[1] via P2P/IPC comm 0x3f0a2b0 nRanks 08",
        "",
        `mi355-a:8801:8801 [0] ${PATH}misc/rccl_wrap.cc:211 NCCL WARN LL cutoff points not detected for a supported arch gfx950`,
        "mi355-a:8801:8840 [0] NCCL INFO ncclCommInitRank comm 0x3f0a2b0 rank 0 nranks 8 cudaDev 0 busId 5000 commId 0x71a2 - Init COMPLETE",
      ],
      (r, at) => {
        expect(r.facts.nccl.firstWarn?.line, at).toBe(4);
        expect(r.facts.firstError, at).toBeNull();
        expect(ids(r, "error"), at).toEqual([]);
      },
    );
  });
});
