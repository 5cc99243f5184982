import { describe, expect, it } from "vitest";
import { analyzeText, ids, eolsFor } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in a fifty-fifth round of real logs: AMD ROCm and RCCL (MI50, MI210, MI300X, MI350X, Radeon R9700 and
 * Radeon 890M). rocBLAS aborts the process when it cannot load its GEMM (Tensile) kernels, with a `rocBLAS error: ...`
 * line and no logger header: `Cannot read <dir>/TensileLibrary.dat: <errno text> for GPU arch : gfxNNNN` (a build with
 * no kernels for that GPU), the same without the architecture (older builds), `Could not initialize Tensile host: No
 * devices found`, `Could not load <file>`. The tool read nothing there: no first error and no finding on a run that
 * stopped. It now takes the line as the first error and vllm/cuda-error reports it; that line, and ROCm's runtime fault
 * (`Memory access fault by GPU node-N`), also give gpu.platform `rocm` where no line names the platform. The rest is what the round's logs
 * showed and the tool already read: RCCL's `ncclCommInitAll_impl` lines, its multi-line `RCCL version :` banner, a
 * redacted `node [dev]` prefix, hipify source paths in error chains, rccl-tests' `#   Rank N Pid ... on host` header
 * with its `Test NCCL failure`, and ROCm's `Memory access fault` between aiter's lines. Every log text here is written
 * for the test in the printed layout, under wrappers the logs did not all show.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubectl --timestamps", (l) => `2026-12-06T19:47:31.551208913Z ${l}`],
  ["docker compose", (l) => `rocm-serve-1  | ${l}`],
  ["Ray", (l) => `(RayWorkerWrapper pid=4410, ip=10.21.0.7) ${l}`],
];

const join = (lines: string[], wrap: (l: string) => string, eol = "\n"): string => lines.map(wrap).join(eol) + eol;

async function eachWrap(lines: string[], check: (r: Report, at: string) => void): Promise<void> {
  for (const [name, wrap] of WRAPS)
    for (const eol of eolsFor(wrap)) check(await analyzeText(join(lines, wrap, eol)), `${name} ${JSON.stringify(eol)}`);
}

const finding = (r: Report, id: string) => r.findings.find((f) => f.ruleId === id);

describe("rocBLAS giving up on its Tensile kernels", () => {
  const lib = "/opt/rocm-7.0.1/lib/rocblas/library";
  const startup = [
    "(EngineCore_DP0 pid=311) INFO 03-14 08:21:40 [gpu_model_runner.py:2602] Model loading took 7.4410 GiB and 5.102334 seconds",
    "(EngineCore_DP0 pid=311) INFO 03-14 08:21:44 [backends.py:559] Dynamo bytecode transform time: 3.05 s",
    "",
  ];

  it("with the GPU architecture: the first error, and a build without kernels for that gfx target", async () => {
    const lines = [
      ...startup,
      `rocBLAS error: Cannot read ${lib}/TensileLibrary.dat: No such file or directory for GPU arch : gfx1036`,
      " List of available TensileLibrary Files : ",
      `"${lib}/TensileLibrary_lazy_gfx942.dat"`,
      `"${lib}/TensileLibrary_lazy_gfx90a.dat"`,
    ];
    await eachWrap(lines, (r, at) => {
      expect(ids(r, "error"), at).toEqual(["vllm/cuda-error"]);
      expect(r.facts.firstError?.line, at).toBe(4);
      expect(r.facts.firstError?.text, at).toContain("rocBLAS error: Cannot read");
      expect(r.facts.memory.modelWeightsGiB, at).toBeCloseTo(7.441, 3);
      // (no line names the platform, but only ROCm prints rocBLAS's abort)
      expect(r.facts.gpu.platform, at).toBe("rocm");
      const f = finding(r, "vllm/cuda-error")!;
      expect(f.message, at).toBe(
        `rocBLAS aborted the process: it has no GEMM (Tensile) kernel library for this GPU's architecture, gfx1036 (it could not read ${lib}/TensileLibrary.dat), so this ROCm build does not support the GPU. The engine or worker that loaded it stops.`,
      );
      expect(f.evidence[0]!.line, at).toBe(4);
      expect(f.remediation.join(" "), at).toContain("PYTORCH_ROCM_ARCH");
      expect(f.remediation.join(" "), at).not.toContain("CUDA_LAUNCH_BLOCKING");
    });
  });

  it("without the architecture (builds before per-arch libraries): the library that could not be read", async () => {
    const lines = [...startup, `rocBLAS error: Cannot read ${lib}/TensileLibrary.dat: Permission denied`];
    await eachWrap(lines, (r, at) => {
      expect(ids(r, "error"), at).toEqual(["vllm/cuda-error"]);
      expect(r.facts.firstError?.line, at).toBe(4);
      const f = finding(r, "vllm/cuda-error")!;
      expect(f.message, at).toBe(`rocBLAS aborted the process: it could not read its GEMM (Tensile) kernel library ${lib}/TensileLibrary.dat. The engine or worker that loaded it stops.`);
      expect(f.remediation[0], at).toContain("ROCBLAS_TENSILE_LIBPATH");
    });
  });

  it("no device, and a library that would not load", async () => {
    const none = await analyzeText(join(["INFO 03-14 08:20:01 [__init__.py:241] Automatically detected platform rocm.", "rocBLAS error: Could not initialize Tensile host: No devices found"], (l) => l));
    expect(ids(none, "error")).toEqual(["vllm/cuda-error"]);
    expect(none.facts.firstError?.line).toBe(2);
    expect(none.facts.gpu.platform).toBe("rocm");
    expect(finding(none, "vllm/cuda-error")!.message).toContain("it found no GPU to load its kernels for");
    expect(finding(none, "vllm/cuda-error")!.remediation[0]).toContain("/dev/kfd");
    const load = await analyzeText(join([`rocBLAS error: Could not load ${lib}/TensileLibrary_lazy_gfx90a.dat`, "rocBLAS error: Could not initialize Tensile library"], (l) => l, "\r\n"));
    expect(ids(load, "error")).toEqual(["vllm/cuda-error"]);
    expect(load.facts.firstError?.line).toBe(1);
    expect(finding(load, "vllm/cuda-error")!.message).toContain("could not load its GEMM (Tensile) kernel library (Could not load)");
  });

  it("a runtime fault reported beside it keeps the fault's words", async () => {
    const r = await analyzeText(join([
      `rocBLAS error: Cannot read ${lib}/TensileLibrary.dat: No such file or directory for GPU arch : gfx1036`,
      "Memory access fault by GPU node-1 (Agent handle: 0x55d0c2a0) on address 0x7f10aa000000. Reason: Page not present or supervisor privilege.",
    ], (l) => l));
    expect(ids(r, "error")).toEqual(["vllm/cuda-error"]);
    expect(finding(r, "vllm/cuda-error")!.message).toContain("ROCm's runtime aborted the process: a memory access fault by GPU node-1");
    expect(r.facts.firstError?.line).toBe(1);
  });

  it("near misses: its warnings, a missing GEMM solution, prose and settings are no failure", async () => {
    const lines = [
      `rocBLAS warning: No paths matched ${lib}/*gfx1100*co. Make sure that ROCBLAS_TENSILE_LIBPATH is set correctly.`,
      "rocBLAS error: No Tensile solution found for gemm_ex transA=N transB=T M=16 N=4096 K=4096",
      "WARNING 03-14 08:21:50 [rocm.py:301] the rocBLAS error: Cannot read message means the gfx target has no kernels",
      `export ROCBLAS_TENSILE_LIBPATH=${lib}`,
      "rocBLAS warning: hipBlasLT failed, falling back to tensile.",
    ];
    await eachWrap(lines, (r, at) => {
      expect(ids(r, "error"), at).toEqual([]);
      expect(finding(r, "vllm/cuda-error"), at).toBeUndefined();
      expect(r.facts.firstError, at).toBeNull();
      expect(r.facts.gpu.platform ?? null, at).toBeNull();
    });
  });
});

describe("RCCL shapes the round's logs showed, already read", () => {
  it("ncclCommInitAll_impl on one workstation over sockets: ranks, network, no finding", async () => {
    const h = "wk-r9700:60412";
    await eachWrap([
      `${h}:60420 [2] NCCL INFO ncclCommInitAll_impl comm 0x31a0c2f0 rank 2 nranks 4 cudaDev 2 nvmlDev 2 busId 43000 commId 0x5d1e22c0a9b7f310 - Init START`,
      `${h}:60419 [1] NCCL INFO Assigned NET plugin Socket to comm`,
      `${h}:60419 [1] NCCL INFO Using network Socket`,
      `${h}:60419 [1] NCCL INFO ncclCommInitAll_impl comm 0x30ff8a10 rank 1 nranks 4 cudaDev 1 nvmlDev 1 busId 23000 commId 0x5d1e22c0a9b7f310 - Init START`,
      `${h}:60421 [3] NCCL INFO comm 0x31b2d470 rank 3 nRanks 4 nNodes 1 localRanks 4 localRank 3 MNNVL 0`,
    ], (r, at) => {
      expect(r.facts.nccl.net, at).toBe("Socket");
      expect(r.facts.nccl.ranks, at).toBe(3);
      expect(r.facts.nccl.nodes, at).toBe(1);
      expect(ids(r, "error"), at).toEqual([]);
      // (Ray prints `ip=` only for an actor on another node than the driver's: there, sockets do carry inter-node traffic)
      if (at.startsWith("Ray")) expect(ids(r, "warning"), at).toEqual(["nccl/socket-fallback"]);
      else expect(ids(r), at).not.toContain("nccl/socket-fallback");
    });
  });

  it("the multi-line RCCL banner under a redacted `node [dev]` prefix: version, advisory WARN, Socket after no IB device", async () => {
    await eachWrap([
      "node [0] NCCL INFO Kernel version: 6.8.0-101-generic",
      "[2026-02-11 04:10:33] node [0] /src/rccl/build/hipify/src/init.cc:213 NCCL WARN Missing \"iommu=pt\" from kernel command line which can lead to system instablity or hang!",
      "node [0] NCCL INFO RCCL version : 2.26.6-HEAD:81c0aa2",
      "HIP version  : 7.0.51831-5b1e1c3",
      "ROCm version : 7.0.1.0-42-5b1e1c3",
      "node [0] NCCL INFO NET/IB : No device found.",
      "node [0] NCCL INFO NET/Socket : Using [0]eth0:10.3.0.12<0>",
    ], (r, at) => {
      expect(r.facts.nccl.version, at).toBe("2.26.6");
      expect(r.facts.nccl.firstWarn?.line, at).toBe(2);
      expect(r.facts.nccl.net, at).toBe("Socket");
      expect(r.facts.firstError, at).toBeNull();
      expect(ids(r, "error"), at).toEqual([]);
    });
  });

  it("a proxy WARN with hipify paths and its `-> 3` chain, then rccl-tests' cuda error", async () => {
    const p = "/build/rccl/hipify/src";
    await eachWrap([
      `box7:8812:8820 [0] ${p}/proxy.cc:1190 NCCL WARN Socket recv failed while polling for opId=0x7f00aa10c0e0`,
      `box7:8812:8820 [0] NCCL INFO ${p}/transport/p2p.cc:473 -> 3`,
      `box7:8812:8820 [0] NCCL INFO ${p}/group.cc:68 -> 3 [Async thread]`,
      `box7:8812:8812 [1] NCCL INFO ${p}/init.cc:2241 -> 1`,
      "box7: Test NCCL failure common.cu:1291 'unhandled cuda error (run with NCCL_DEBUG=INFO for details) / '",
    ], (r, at) => {
      expect(r.facts.firstError?.line, at).toBe(1);
      expect(r.facts.nccl.firstWarn?.line, at).toBe(1);
      expect(ids(r, "error").sort(), at).toEqual(["nccl/cuda-error", "nccl/internal-error"]);
    });
  });

  it("rccl-tests' `#   Rank N Pid` header and its internal error", async () => {
    await eachWrap([
      "# Using devices",
      "#   Rank  0 Pid  90211 on mi210-a device  0 [0000:63:00.0] AMD Instinct MI210",
      "#   Rank  1 Pid  90211 on mi210-a device  1 [0000:43:00.0] AMD Instinct MI210",
      "mi210-a: Test NCCL failure common.cu:1285 'internal error - please report this issue to the NCCL developers'",
      " .. mi210-a pid 90211: Test failure common.cu:1161",
    ], (r, at) => {
      expect(r.facts.nccl.ranks, at).toBe(2);
      expect(r.facts.nccl.nodes, at).toBe(1);
      expect(r.facts.firstError?.line, at).toBe(4);
      expect(ids(r, "error"), at).toEqual(["nccl/internal-error"]);
    });
  });

  it("ROCm's memory access fault between aiter's bare lines and Worker prefixes", async () => {
    await eachWrap([
      "(Worker_TP1_EP1 pid=702) [aiter] import [module_moe_asm] under /usr/local/lib/python3.12/dist-packages/aiter/jit/module_moe_asm.so",
      "[aiter] LoadKernel: _ZN5aiter20fmoe_bf16_g1u1_siluE hsaco: /usr/local/lib/python3.12/dist-packages/aiter_meta/hsa//gfx950/fmoe/silu/fmoe_bf16_g1u1_silu.co",
      "Memory access fault by GPU node-4 (Agent handle: 0x2a1f9c80) on address 0x7a01bc400000. Reason: Unknown.",
      "(Worker_TP1_EP1 pid=702) [aiter] import [module_quant] under /usr/local/lib/python3.12/dist-packages/aiter/jit/module_quant.so",
    ], (r, at) => {
      expect(ids(r, "error"), at).toEqual(["vllm/cuda-error"]);
      expect(r.facts.firstError?.line, at).toBe(3);
      expect(r.facts.vllm.engine, at).toBe("v1");
      expect(r.facts.gpu.platform, at).toBe("rocm");
    });
  });
});
