import { describe, expect, it } from "vitest";
import { analyzeText, ids, eachWrapped } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in round 70bf of real logs: vLLM and NCCL on the newest GPUs (Blackwell B200/GB200, RTX 50, GB10, GH200).
 * torch's verdict that its build has no kernels for the GPU (`<GPU> with CUDA capability sm_120 is not compatible with
 * the current PyTorch installation.`, printed once as a UserWarning at the GPU's first use) was read only beside a
 * later `no kernel image is available` error; a paste that stops after the verdict (a docker compose log of a container
 * that then exits) got no finding at all. It is now a warning of vllm/cuda-error, and an error still when the CUDA error
 * follows. NCCL's fabric-memory allocation for multi-node NVLink (GB200/GH200 NVL) fails with CUDA error 800 'operation not
 * permitted' in a process without an IMEX channel, before NCCL's own MNNVL verdict: a paste cut between the two got no
 * advice at all; nccl/cuda-error now names the IMEX channel for 800. Every log text here is written for the test in the printed layout, under wrappers the logs did not all show.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubectl --timestamps", (l) => `2026-12-07T01:50:26.104417200Z ${l}`],
  ["docker compose", (l) => `vllm-openai-1  | ${l}`],
  ["Ray", (l) => `(ServeReplica:llm:VLLMDeployment pid=5120, ip=10.20.0.7) ${l}`],
];

const eachWrap = (lines: string[], check: (r: Report, at: string) => void) => eachWrapped(WRAPS, lines, check);

const finding = (r: Report, id: string) => r.findings.find((f) => f.ruleId === id);

describe("torch's verdict on a Blackwell GPU with no CUDA error after it", () => {
  const verdict = [
    "INFO 03-02 10:14:07 [__init__.py:239] Automatically detected platform cuda.",
    "/opt/venv/lib/python3.12/site-packages/torch/cuda/__init__.py:262: UserWarning: ",
    "NVIDIA RTX PRO 6000 Blackwell Workstation Edition with CUDA capability sm_120 is not compatible with the current PyTorch installation.",
    "The current PyTorch install supports CUDA capabilities sm_50 sm_60 sm_70 sm_75 sm_80 sm_86 sm_90.",
    "If you want to use the NVIDIA RTX PRO 6000 Blackwell Workstation Edition GPU with PyTorch, please check the instructions at https://pytorch.org/get-started/locally/",
    "",
  ];

  it("is a warning that names the GPU, its sm and the build's list, with Blackwell's advice", async () => {
    await eachWrap(verdict, (r, at) => {
      const f = finding(r, "vllm/cuda-error");
      expect(f, at).toBeDefined();
      expect(f!.severity, at).toBe("warning");
      expect(f!.message, at).toContain("its build has no kernels for this GPU (NVIDIA RTX PRO 6000 Blackwell Workstation Edition, sm_120)");
      expect(f!.message, at).toContain("No CUDA error follows in this log");
      expect(f!.remediation[0], at).toContain("it was built for sm_50 sm_60 sm_70 sm_75 sm_80 sm_86 sm_90");
      expect(f!.remediation[0], at).toContain("CUDA 12.8 or later");
      expect(f!.evidence.map((e) => e.line), at).toEqual([3, 4]);
      expect(ids(r, "error"), at).toEqual([]);
      expect(r.facts.firstError, at).toBeNull();
      expect(r.facts.gpu.name, at).toBe("NVIDIA RTX PRO 6000 Blackwell Workstation Edition");
    });
  });

  it("with `no kernel image` after it, one error finding carries both", async () => {
    const lines = [
      ...verdict,
      "(EngineCore_DP0 pid=911) ERROR 03-02 10:14:19 [core.py:708] RuntimeError: CUDA error: no kernel image is available for execution on the device",
      "(EngineCore_DP0 pid=911) ERROR 03-02 10:14:19 [core.py:708] CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.",
    ];
    await eachWrap(lines, (r, at) => {
      const all = r.findings.filter((f) => f.ruleId === "vllm/cuda-error");
      expect(all, at).toHaveLength(1);
      expect(all[0].severity, at).toBe("error");
      expect(all[0].evidence.map((e) => e.line), at).toEqual([7, 3, 4]);
      expect(all[0].remediation[0], at).toContain("sm_120");
      expect(r.facts.firstError?.line, at).toBe(7);
    });
  });

  it("torch 2.8+'s wording and the too-old GPU's are warnings too; Jetson's capability line is not", async () => {
    const newer = await analyzeText("UserWarning: Your installed torch==2.9.1+cu126 does not include kernels for this GPU. Reinstall the same version against a CUDA build that does, e.g.:\r\n");
    expect(finding(newer, "vllm/cuda-error")?.severity).toBe("warning");
    expect(finding(newer, "vllm/cuda-error")?.message).toContain("its build has no kernels for this GPU. No CUDA error");
    const old = await analyzeText(["    Found GPU0 Tesla K80 which is of cuda capability 3.7.", "    PyTorch no longer supports this GPU because it is too old.", "    The minimum cuda capability supported by this library is 5.0."].join("\n") + "\n");
    expect(finding(old, "vllm/cuda-error")?.message).toContain("this GPU is too old for its build");
    expect(finding(old, "vllm/cuda-error")?.remediation[0]).toContain("install an older torch");
    const jetson = await analyzeText("UserWarning: Found GPU0 Orin which is of compute capability (CC) 8.7.\n");
    expect(finding(jetson, "vllm/cuda-error")).toBeUndefined();
    // vLLM's own words on the backend, and a GB10 capability in a config echo, are no verdict
    const near = await analyzeText([
      "INFO 12-20 20:07:31 [cuda.py:351] Using FLASHINFER attention backend out of potential backends: ['FLASHINFER', 'TRITON_ATTN'].",
      "WARNING 12-20 20:07:31 [topk_topp_sampler.py:69] FlashInfer is not available. Falling back to the PyTorch-native implementation of top-p & top-k sampling.",
      "INFO 12-20 20:07:30 [platform.py:122] Detected compute capability sm_121 (NVIDIA GB10), CUDA 13.0",
    ].join("\n") + "\n");
    expect(finding(near, "vllm/cuda-error")).toBeUndefined();
  });
});

describe("a GB200 rack's NCCL lines under a Ray actor's prefix, the version line cut", () => {
  it("reads the version and the one host, and no rank from the script's own prints", async () => {
    const lines = [
      "(W pid=812) [r7@10.40.3.21] init_collective_group start ws=16",
      "(W pid=812) gb200-r2-n05:812:977 [0] NCCL INFO cudaDriverVersion 13000",
      "(W pid=812) gb200-r2-n05:812:977 [0] NCCL INFO NCCL version 2.28.3+cuda12",
    ];
    for (const eol of ["\n", "\r\n"]) {
      const r = await analyzeText(lines.join(eol));
      expect(r.facts.nccl.version).toMatch(/^2\.28\.3/);
      expect(r.facts.nccl.nodes).toBe(1);
      expect(r.facts.nccl.ranks).toBeNull();
      expect(ids(r, "error")).toEqual([]);
    }
  });
});

describe("CUDA error 800 inside NCCL on a multi-node NVLink system, the MNNVL verdict cut off", () => {
  const lines = [
    "nvl72-c4:2210:2291 [3] NCCL INFO MNNVL busId 0x1901000 fabric UUID 9f1c2ab04e7d3355.6d21c0ffee4a1b27 cliqueId 0x7ffe state 3 healthMask 0xff",
    "nvl72-c4:2210:2291 [3] include/alloc.h:142 NCCL WARN Cuda failure 800 'operation not permitted'",
    "nvl72-c4:2210:2291 [3] NCCL INFO mnnvl.cc:74 -> 1",
  ];
  it("names the IMEX channel, once, under every wrapper", async () => {
    await eachWrap(lines, (r, at) => {
      const f = finding(r, "nccl/cuda-error");
      expect(f, at).toBeDefined();
      expect(f!.message, at).toBe("A CUDA call inside NCCL failed: operation not permitted.");
      const imex = f!.remediation.filter((x) => x.includes("IMEX channel"));
      expect(imex, at).toHaveLength(1);
      expect(imex[0], at).toContain("NCCL_MNNVL_ENABLE=0");
      expect(r.facts.firstError?.line, at).toBe(2);
    });
  });
  it("NCCL's own MNNVL verdict keeps its advice; 801 and NVLS failures get no IMEX advice", async () => {
    const verdict = await analyzeText([...lines, "nvl72-c4:2210:2291 [3] mnnvl.cc:80 NCCL WARN MNNVL (cliqueSize 72) is available but not working on this system. Check the IMEX channel configuration (/dev/nvidia-caps-imex-channels). Set NCCL_MNNVL_ENABLE=0 to ignore this issue."].join("\n") + "\n");
    const v = finding(verdict, "nccl/cuda-error")!;
    expect(v.message).toContain("while allocating fabric memory for its multi-node NVLink (MNNVL) check");
    expect(v.remediation.some((x) => x.startsWith("CUDA error 800"))).toBe(false);
    const other = await analyzeText("gb-9:77:91 [0] include/alloc.h:142 NCCL WARN Cuda failure 801 'operation not supported'\n");
    expect(finding(other, "nccl/cuda-error")!.remediation.some((x) => x.includes("IMEX"))).toBe(false);
    const nvls = await analyzeText("gb-9:77:91 [0] transport/nvls.cc:160 NCCL WARN Cuda failure 800 'operation not permitted'\n");
    expect(finding(nvls, "nccl/cuda-error")!.remediation.some((x) => x.startsWith("CUDA error 800"))).toBe(false);
  });
});
