import { describe, expect, it } from "vitest";
import { eachWrapped } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * NCCL's CUDA library set-up (misc/cudawrap.cc, ncclCudaLibraryInit) WARNs when it cannot load the driver entry points
 * it was built against and returns ncclSystemError, which PyTorch raises as `unhandled system error`. The cause is the
 * driver (or a stub libcuda), not a system call: nccl/cuda-error names it, nccl/system-error defers to it. The log texts
 * are written for the test in NCCL's printed layout.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubets", (l) => `2026-03-14T08:02:11.402118733Z ${l}`],
  ["mpi-tag", (l) => `[1,0]<stderr>:${l}`],
];

const H = "vllm-head-0:30486:30486 [0]";
const failure = (warn: string) => [
  "NCCL version 2.21.5+cuda12.4",
  `${H} NCCL INFO Bootstrap : Using eth0:10.1.2.3<0>`,
  `${H} NCCL INFO cudaDriverVersion 12020`,
  `${H} misc/cudawrap.cc:196 NCCL WARN ${warn}`,
  `${H} NCCL INFO init.cc:1864 -> 2`,
  "RuntimeError: NCCL error in: ../torch/csrc/distributed/c10d/NCCLUtils.hpp:275, unhandled system error (run with NCCL_DEBUG=INFO for details), NCCL version 2.21.5",
];

const ids = (r: Report) => r.findings.map((f) => f.ruleId);

describe("NCCL that could not load the CUDA driver's functions", () => {
  it("is nccl/cuda-error's, with the driver's advice, and nccl/system-error points there, behind wrappers and CRLF", async () => {
    await eachWrapped(WRAPS, failure("CUDA some PFN functions not found in the library"), (r, at) => {
      expect(ids(r), at).toEqual(["nccl/cuda-error", "nccl/system-error"]);
      const cuda = r.findings[0];
      expect(cuda.evidence[0].line, at).toBe(4);
      expect(cuda.remediation[0], at).toMatch(/^The NVIDIA driver is older than the CUDA this NCCL \(and PyTorch\) was built with/);
      const sys = r.findings[1];
      expect(sys.message, at).toContain("from loading the CUDA driver's functions (`some PFN functions not found in the library`, line 4)");
      expect(sys.remediation.join(" "), at).not.toContain("firewalls");
      expect(r.facts.firstError?.line, at).toBe(4);
    });
  });

  it("reads the driver's and the needed CUDA version from NCCL's minimum-version WARN", async () => {
    await eachWrapped(WRAPS, failure("CUDA Driver version found is 11040. Minimum requirement is 12000"), (r, at) => {
      expect(r.findings[0].ruleId, at).toBe("nccl/cuda-error");
      expect(r.findings[0].remediation[0], at).toMatch(/^The driver supports CUDA 11\.4 and this NCCL needs 12\.0: /);
    });
  });

  it("a CUDA failure of another kind keeps the system error's own reading", async () => {
    await eachWrapped(WRAPS, failure("Cuda failure 'out of memory'"), (r, at) => {
      expect(r.findings.find((f) => f.ruleId === "nccl/system-error")?.message, at).not.toContain("loading the CUDA driver");
    });
  });
});
