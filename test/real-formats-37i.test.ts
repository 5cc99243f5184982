import { describe, expect, it } from "vitest";
import { analyzeText } from "./rules/analyze-text.js";
import { WRAPS } from "./helpers/variants.js";

/**
 * Round 37i: NVSwitch machines (HGX/DGX H100, H200, B200, GB200). NCCL's NVLink SHARP (NVLS) multicast set-up fails when
 * the Fabric Manager or NVSwitch state is wrong: transport/nvls.cc's CUCHECKs WARN `Cuda failure N '...'` and return
 * up an error chain (2.18-2.26), and 2.27+ WARNs `Failed to bind NVLink SHARP (NVLS) Multicast memory of size N : CUDA
 * error N '...'` (three lines, the last two advice), which PyTorch repeats under `Last error:`. Without a running Fabric
 * Manager CUDA itself answers 802 `system not yet initialized`. The finding names the NVLS set-up and the Fabric Manager
 * instead of the generic cuMem hint. Every text is written for the test in the printed layout.
 */

/** PyTorch's error block for an NCCL call that failed, with NCCL's own words under `Last error:` */
const lastError = (rank: number, version: string, cause: string) =>
  [
    `torch.distributed.DistBackendError: NCCL error in: /pytorch/torch/csrc/distributed/c10d/NCCLUtils.cpp:94, unhandled cuda error (run with NCCL_DEBUG=INFO for details), NCCL version ${version}`,
    "ncclUnhandledCudaError: Call to CUDA function failed.",
    "Last error:",
    cause,
  ].map((l) => `[rank${rank}]: ${l}`);

const cudaError = (r: Awaited<ReturnType<typeof analyzeText>>) => r.findings.find((f) => f.ruleId === "nccl/cuda-error");

describe("real formats 37i: NVLS multicast and Fabric Manager failures", () => {
  for (const [wrap, wrapText] of WRAPS) {
    it(`names the NVLS set-up from nvls.cc's Cuda failure and its chain, ${wrap}`, async () => {
      const text = [
        "hgx-b07:51220:51301 [2] NCCL INFO NVLS multicast support is available on dev 2 (NVLS_NCHANNELS 16)",
        "",
        "[2026-01-14 03:11:52] hgx-b07:51220:51301 [2] transport/nvls.cc:254 NCCL WARN Cuda failure 1 'invalid argument'",
        "hgx-b07:51220:51301 [2] NCCL INFO transport/nvls.cc:409 -> 1",
        "hgx-b07:51220:51301 [2] NCCL INFO init.cc:1141 -> 1",
        "hgx-b07:51220:51301 [2] NCCL INFO group.cc:75 -> 1 [Async thread]",
      ].join("\n");
      const r = await analyzeText(wrapText(text) + "\n");
      const f = cudaError(r)!;
      expect(f.severity).toBe("error");
      expect(f.message).toBe("A CUDA call inside NCCL failed while setting up NVLink SHARP (NVLS) multicast: invalid argument.");
      expect(f.remediation[0]).toContain("NCCL_NVLS_ENABLE=0");
      expect(f.remediation[0]).toContain("Fabric Manager");
      // the generic cuMem hint for 'invalid argument' is not the advice here
      expect(f.remediation.join(" ")).not.toContain("NCCL_CUMEM_ENABLE=0");
      expect(r.facts.nccl.nodes).toBe(1);
      expect(r.facts.firstError?.text).toContain("transport/nvls.cc:254 NCCL WARN Cuda failure 1 'invalid argument'");
    });
  }

  it("reads 2.27+'s `Failed to bind NVLink SHARP` WARN on its own, with the CUDA error it quotes", async () => {
    const text = [
      "dgx-h2:7731:7790 [5] NCCL INFO comm 0x5c01e0 rank 5 nRanks 8 nNodes 1 localRanks 8 localRank 5 MNNVL 0",
      "",
      "dgx-h2:7731:7790 [5] transport/nvls.cc:287 NCCL WARN Failed to bind NVLink SHARP (NVLS) Multicast memory of size 4194304 : CUDA error 401 'the operation cannot be performed in the present state'.",
      "This is usually caused by a system or configuration error in the Fabric Manager or NVSwitches.",
      "Disable NVLS (NCCL_NVLS_ENABLE=0) if you wish to avoid this error in the future.",
    ].join("\n");
    const r = await analyzeText(text + "\n");
    const f = cudaError(r)!;
    expect(f.message).toBe(
      "A CUDA call inside NCCL failed while setting up NVLink SHARP (NVLS) multicast: the operation cannot be performed in the present state.",
    );
    expect(f.evidence[0].line).toBe(3);
    expect(r.facts.nccl.firstWarn?.line).toBe(3);
  });

  it("reads the bind failure PyTorch repeats under `Last error:`", async () => {
    const text = lastError(3, "2.28.9", "Failed to bind NVLink SHARP (NVLS) Multicast memory of size 2097152 : CUDA error 1 'invalid argument'.").join("\r\n");
    const r = await analyzeText(text + "\r\n");
    const f = cudaError(r)!;
    expect(f.message).toBe("A CUDA call inside NCCL failed while setting up NVLink SHARP (NVLS) multicast: invalid argument.");
    expect(f.remediation.join(" ")).not.toContain("NCCL_CUMEM_ENABLE=0");
    expect(r.facts.nccl.version).toBe("2.28.9");
    expect(r.facts.firstError?.line).toBe(1);
  });

  it("tells a missing Fabric Manager from CUDA's 802 `system not yet initialized`", async () => {
    const text = lastError(1, "2.26.5", "Cuda failure 802 'system not yet initialized'").join("\n");
    const r = await analyzeText(text + "\n");
    const f = cudaError(r)!;
    expect(f.message).toBe("A CUDA call inside NCCL failed: system not yet initialized.");
    expect(f.remediation[0]).toContain("nvidia-fabricmanager");
    expect(f.remediation.join(" ")).not.toContain("NCCL_NVLS_ENABLE=0");
  });

  it("reads nccl-tests' `Test CUDA failure file:line '...'` value", async () => {
    const r = await analyzeText("h20-a: Test CUDA failure common.cu:1030 'system not yet initialized'\n .. h20-a pid 8812: Test failure common.cu:937\n");
    const f = cudaError(r)!;
    // (the test program's own CUDA check, not a call inside NCCL: round 60hw)
    expect(f.message).toBe("A CUDA call of the nccl-tests program itself failed (not one inside NCCL): system not yet initialized.");
    expect(f.remediation[0]).toContain("nvidia-fabricmanager");
  });

  it("keeps the informational NVLS and MNNVL lines of a healthy start quiet", async () => {
    const text = [
      "gb-r1-04:3301:3390 [0] NCCL INFO MNNVL busId 0x801000 fabric UUID 7a21c0de.55aa01 cliqueId 0x7ffe state 3 healthMask 0xff",
      "gb-r1-04:3301:3390 [0] NCCL INFO NVLS multicast support is not available on dev 0 (NVLS_NCHANNELS 0)",
      "gb-r1-04:3301:3390 [0] NCCL INFO comm 0x9a10 rank 0 nRanks 4 nNodes 1 localRanks 4 localRank 0 MNNVL 0",
      "gb-r1-04:3301:3390 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[1] via P2P/CUMEM/read",
      "gb-r1-04:3301:3390 [0] NCCL INFO Channel 01/0 : 0[0] -> 1[1] via P2P/CUMEM/read",
      "gb-r1-04:3301:3390 [0] NCCL INFO ncclCommInitRankConfig comm 0x9a10 rank 0 nranks 4 cudaDev 0 nvmlDev 0 busId 801000 commId 0x51c2 - Init COMPLETE",
    ].join("\n");
    const r = await analyzeText(text + "\n");
    expect(r.findings.filter((f) => f.severity === "error")).toEqual([]);
    expect(r.facts.nccl.transports["P2P/CUMEM"]).toBe(2);
    expect(r.facts.nccl.initComplete).toBe(1);
    expect(r.facts.firstError).toBeNull();
  });
});
