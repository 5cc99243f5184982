import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import { WRAPS } from "./helpers/variants.js";

/**
 * Round 38w: consumer GPUs, workstations, WSL2 and Docker Desktop (RTX 3090/4090/5090, A6000, PCIe home-lab boxes).
 * The 23 collected logs all scored at first sight; two readings were wrong all the same:
 * - NCCL's graph/paths.cc WARN `P2P is disabled between NVLINK connected GPUs a and b` (NVML says the NVLink peer status
 *   is not OK; NCCL returns ncclUnhandledCudaError without a CUDA call failing) was classed as a benign WARN because it
 *   names NCCL_IGNORE_DISABLED_P2P, like the INFO `P2P is disabled between connected GPUs` does. The report then said
 *   `A CUDA call inside NCCL failed: a CUDA call failed`, a second generic nccl/error "shows no more specific cause", and
 *   nccl/p2p-disabled "traffic goes through host memory", which it does not: NCCL stops.
 * - vLLM's `Custom allreduce is disabled due to an unsupported world size: 3` (a 3-GPU box) was told as "because an
 *   unsupported world size ...; every layer's all-reduce goes through NCCL over PCIe", whatever the links are.
 * Two logs added after those fixes missed at first sight: torch's warning `NVIDIA GeForce RTX 5090 with CUDA capability
 * sm_120 is not compatible with the current PyTorch installation` (a journald paste and a k3s pod's) names the GPU, which
 * gpu.name did not read; the no-kernel-image finding now also says what torch said (the GPU's sm and the build's list).
 * And a container's `df -h` pasted with its start-up, whose /dev/shm row says 64M, was not read as the small /dev/shm
 * that Ray's start-up warning already makes a nccl/shm-too-small warning. Beyond the misses: when the log shows the run
 * is under WSL2 (vLLM's `WSL is detected`, a `microsoft-standard-WSL2` platform), NCCL's CUDA and system errors now lead
 * their advice with WSL2's single-GPU NCCL support.
 * Every log text here is written for the test in the printed layout, with wrappers the collected files did not have.
 */

const nvlinkWarn = (host: string, pid: number, dev: number, a: number, b: number) =>
  `${host}:${pid}:${pid + 61} [${dev}] graph/paths.cc:327 NCCL WARN P2P is disabled between NVLINK connected GPUs ${a} and ${b}. This should not be the case given their connectivity, and is probably due to a hardware issue. If you still want to proceed, you can set NCCL_IGNORE_DISABLED_P2P=1.`;

const nvlinkRun = (host: string) => [
  `${host}:5120:5120 [0] NCCL INFO NCCL version 2.21.5+cuda12.4`,
  `${host}:5120:5181 [0] NCCL INFO comm 0x5d2e8c0 rank 0 nRanks 2 nNodes 1 localRanks 2 localRank 0 MNNVL 0`,
  "",
  nvlinkWarn(host, 5120, 0, 1, 0),
  `${host}:5120:5181 [0] NCCL INFO graph/paths.cc:672 -> 1`,
  `${host}:5120:5181 [0] NCCL INFO init.cc:975 -> 1`,
  `${host}:5120:5181 [0] NCCL INFO init.cc:1501 -> 1`,
  `${host}:5120:5181 [0] NCCL INFO group.cc:64 -> 1 [Async thread]`,
];

describe("NCCL's WARN that NVLink-connected GPUs have P2P disabled", () => {
  it("is the CUDA-error finding naming the pair and the NVLink, not a failed CUDA call, a generic error or a host-memory path", async () => {
    const r = await analyzeText(nvlinkRun("bridge-3090").join("\n") + "\n");
    expect(ids(r, "error")).toEqual(["nccl/cuda-error"]);
    expect(ids(r)).not.toContain("nccl/p2p-disabled");
    const f = r.findings.find((x) => x.ruleId === "nccl/cuda-error")!;
    expect(f.message).toContain("P2P disabled between the NVLink-connected GPUs 1 and 0");
    expect(f.message).toContain("no CUDA call failed");
    expect(f.message).not.toContain("A CUDA call inside NCCL failed");
    expect(f.remediation[0]).toContain("nvidia-smi nvlink --status");
    expect(f.remediation[1]).toContain("NCCL_IGNORE_DISABLED_P2P=1");
    expect(f.evidence[0].line).toBe(4);
    expect(r.facts.firstError?.line).toBe(4);
    expect(r.facts.nccl.firstWarn?.line).toBe(4);
    expect(r.facts.nccl.version).toBe("2.21.5");
  });

  it.each(WRAPS)("reads it %s", async (_name, wrap) => {
    const r = await analyzeText(wrap(nvlinkRun("ws-a6000").join("\n") + "\n"));
    expect(ids(r, "error")).toEqual(["nccl/cuda-error"]);
    expect(r.findings.find((x) => x.ruleId === "nccl/cuda-error")!.message).toContain("NVLink-connected GPUs 1 and 0");
    expect(r.facts.firstError?.line).toBe(4);
  });

  it("keeps the INFO `P2P is disabled between connected GPUs` (PCIe, NCCL goes on through SHM) a p2p-disabled warning, not an error", async () => {
    const text = [
      "tower:7001:7060 [0] NCCL INFO P2P is disabled between connected GPUs 0 and 1. You can repress this message with NCCL_IGNORE_DISABLED_P2P=1.",
      "tower:7002:7061 [1] NCCL INFO P2P is disabled between connected GPUs 1 and 0. You can repress this message with NCCL_IGNORE_DISABLED_P2P=1.",
      "tower:7002:7061 [1] NCCL INFO Channel 00 : 1[1] -> 0[0] via SHM/direct/direct",
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(ids(r, "error")).toEqual([]);
    expect(ids(r)).toEqual(["nccl/p2p-disabled"]);
    expect(r.facts.firstError).toBeNull();
  });

  it("keeps p2p-disabled when SHM connection lines show the host-memory path beside the NVLink WARN of another pair", async () => {
    const text = [
      nvlinkWarn("box", 300, 2, 3, 2),
      "box:300:361 [2] NCCL INFO graph/paths.cc:672 -> 1",
      "box:100:161 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[1] via SHM/direct/direct",
      "box:200:261 [1] NCCL INFO Channel 00/0 : 1[1] -> 0[0] via SHM/direct/direct",
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(ids(r, "error")).toEqual(["nccl/cuda-error"]);
    expect(ids(r, "warning")).toEqual(["nccl/p2p-disabled"]);
    const p2p = r.findings.find((x) => x.ruleId === "nccl/p2p-disabled")!;
    expect(p2p.message).toContain("2 intra-node connection line(s) go via SHM");
    expect(p2p.message).not.toContain("the log says peer-to-peer access is unavailable");
  });
});

describe("vLLM's custom all-reduce off for the world size (a 3-GPU box)", () => {
  it("names the size and the supported sizes, and says nothing of PCIe", async () => {
    const text = [
      "INFO 09-14 20:01:05 config.py:1021] Defaulting to use mp for distributed inference",
      "(VllmWorkerProcess pid=2231) WARNING 09-14 20:01:22 custom_all_reduce.py:118] Custom allreduce is disabled due to an unsupported world size: 3. Supported world sizes: [2, 4, 6, 8]. To silence this warning, specify disable_custom_all_reduce=True explicitly.",
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(ids(r)).toEqual(["vllm/custom-allreduce-disabled"]);
    const f = r.findings[0];
    expect(f.message).toBe("vLLM's custom all-reduce is off because world size 3 is not one it supports (2, 4, 6, 8); every layer's all-reduce goes through NCCL instead.");
    expect(f.remediation[0]).toContain("Tensor parallel size 3 is not one the custom all-reduce supports (2, 4, 6, 8)");
  });

  it("still says PCIe when the warning says the GPUs lack P2P", async () => {
    const text = "(VllmWorker rank=1 pid=912) WARNING 06-20 12:26:57 [custom_all_reduce.py:147] Custom allreduce is disabled because your platform lacks GPU P2P capability or P2P test failed. To silence this warning, specify disable_custom_all_reduce=True explicitly.\r\n";
    const r = await analyzeText(text);
    const f = r.findings.find((x) => x.ruleId === "vllm/custom-allreduce-disabled")!;
    expect(f.message).toContain("because your platform lacks GPU P2P capability or P2P test failed");
    expect(f.message).toContain("goes through NCCL over PCIe");
  });
});

/** torch's warning at a GPU's first use when its build lacks the GPU's architecture (torch ≤2.7's wording), then V1's failure */
const blackwellStart = (prefix: string) => [
  `${prefix}/opt/venv/lib/python3.12/site-packages/torch/cuda/__init__.py:262: UserWarning: `,
  `${prefix}NVIDIA GeForce RTX 5080 with CUDA capability sm_120 is not compatible with the current PyTorch installation.`,
  `${prefix}The current PyTorch install supports CUDA capabilities sm_50 sm_60 sm_70 sm_75 sm_80 sm_86 sm_90.`,
  `${prefix}If you want to use the NVIDIA GeForce RTX 5080 GPU with PyTorch, please check the instructions at https://pytorch.org/get-started/locally/`,
  `${prefix}`,
  `${prefix}  warnings.warn(`,
  `${prefix}ERROR 07-02 18:40:11 [core.py:586] EngineCore failed to start.`,
  `${prefix}ERROR 07-02 18:40:11 [core.py:586] Traceback (most recent call last):`,
  `${prefix}ERROR 07-02 18:40:11 [core.py:586]   File "/opt/venv/lib/python3.12/site-packages/vllm/v1/engine/core.py", line 577, in run_engine_core`,
  `${prefix}ERROR 07-02 18:40:11 [core.py:586]     engine_core = EngineCoreProc(*args, **kwargs)`,
  `${prefix}ERROR 07-02 18:40:11 [core.py:586] RuntimeError: CUDA error: no kernel image is available for execution on the device`,
];

describe("torch's warning that its build has no kernels for a Blackwell GPU (sm_120)", () => {
  it.each(WRAPS)("names the GPU, its architecture and the build's list in the no-kernel-image finding, %s", async (_name, wrap) => {
    const r = await analyzeText(wrap(blackwellStart("").join("\n") + "\n"));
    expect(r.facts.gpu.name).toBe("NVIDIA GeForce RTX 5080");
    expect(r.facts.gpu.count).toBeNull();
    const f = r.findings.find((x) => x.ruleId === "vllm/cuda-error")!;
    expect(f.remediation[0]).toBe(
      "torch says its build has no kernels for this GPU (NVIDIA GeForce RTX 5080, sm_120): it was built for sm_50 sm_60 sm_70 sm_75 sm_80 sm_86 sm_90. Blackwell GPUs need a torch built with CUDA 12.8 or later (the cu128 wheel index or newer) and a vLLM wheel or image built against that torch; the NVIDIA driver must support that CUDA version too.",
    );
    expect(f.evidence.map((e) => e.line)).toEqual([11, 2, 3]);
    expect(r.facts.firstError?.line).toBe(7);
  });

  it("reads torch 2.8+'s wording, the GPU's index not counted as a GPU census", async () => {
    const text = [
      "C:\\\\ml\\\\.venv\\\\Lib\\\\site-packages\\\\torch\\\\cuda\\\\__init__.py:371: UserWarning: Found GPU0 NVIDIA GeForce RTX 5070 Ti which is of compute capability (CC) 12.0.",
      "Your installed torch==2.9.1+cu126 does not include kernels for this GPU. Reinstall the same version against a CUDA build that does.",
      "torch.AcceleratorError: CUDA error: no kernel image is available for execution on the device",
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.gpu.name).toBe("NVIDIA GeForce RTX 5070 Ti");
    expect(r.facts.gpu.count).toBeNull();
    const f = r.findings.find((x) => x.ruleId === "vllm/cuda-error")!;
    expect(f.remediation[0]).toContain("torch says its build has no kernels for this GPU (NVIDIA GeForce RTX 5070 Ti)");
    expect(f.remediation[0]).toContain("Install a torch build that lists this architecture");
  });

  it("takes the GPU's name from a compute-capability note that is no failure (a Jetson the build's PTX runs), and reports nothing", async () => {
    const text = "/usr/lib/python3/dist-packages/torch/cuda/__init__.py:371: UserWarning: Found GPU0 Orin which is of compute capability (CC) 8.7.\n";
    const r = await analyzeText(text);
    expect(r.facts.gpu.name).toBe("Orin");
    expect(r.findings).toEqual([]);
  });
});

describe("a pasted `df -h` whose /dev/shm row is a container's 64 MB default", () => {
  const dfRows = (shm: string) => [
    "root@7f3c2a9e11d0:/srv# df -h",
    "Filesystem      Size  Used Avail Use% Mounted on",
    "overlay         915G  301G  568G  35% /",
    "tmpfs            64M     0   64M   0% /dev",
    shm,
    "/dev/nvme0n1p2  915G  301G  568G  35% /models",
    "root@7f3c2a9e11d0:/srv# vllm serve /models/qwen2.5-32b-awq --tensor-parallel-size 2",
  ];

  // (a shell's df output is never inside a Ray actor's prefix)
  it.each(WRAPS.filter(([name]) => name !== "Ray prefix"))("warns of the small /dev/shm with its size and line (not the /dev row), %s", async (_name, wrap) => {
    const r = await analyzeText(wrap(dfRows("shm              64M   12M   53M  19% /dev/shm").join("\n") + "\n"));
    expect(ids(r)).toEqual(["nccl/shm-too-small"]);
    const f = r.findings[0];
    expect(f.severity).toBe("warning");
    expect(f.message).toMatch(/^\/dev\/shm has only 64 MiB in all \(line 5\), about a container's default size\. .* so with 2 GPUs \(TP × PP\) they can run out of room/);
    expect(f.evidence.map((e) => e.line)).toEqual([5]);
  });

  it("reads plain df's 1K blocks, and leaves a host-sized /dev/shm alone", async () => {
    const blocks = await analyzeText(dfRows("tmpfs              65536       0     65536   0% /dev/shm").join("\n") + "\n");
    expect(blocks.findings.find((x) => x.ruleId === "nccl/shm-too-small")?.message).toContain("64 MiB in all (line 5)");
    const host = await analyzeText(dfRows("tmpfs            126G  1.2G  125G   1% /dev/shm").join("\n") + "\n");
    expect(ids(host)).toEqual([]);
  });
});

describe("NCCL failing in a run that the log shows is under WSL2", () => {
  const wslAdvicePrefix = "This run is under WSL2 (line 1): NCCL's release notes list WSL2 support for a single GPU (NCCL 2.10.3)";

  it.each(WRAPS)("puts WSL2's limits first in the CUDA-error advice, %s", async (_name, wrap) => {
    const text = [
      "WARNING 02-11 21:04:17 utils.py:465] Using 'pin_memory=False' as WSL is detected. This may slow down the performance.",
      "(VllmWorkerProcess pid=611) ERROR 02-11 21:04:40 multiproc_worker_utils.py:226] Exception in worker VllmWorkerProcess while processing method init_device: NCCL error in: ../torch/csrc/distributed/c10d/NCCLUtils.hpp:275, unhandled cuda error (run with NCCL_DEBUG=INFO for details), NCCL version 2.20.5",
      "",
    ].join("\n");
    const r = await analyzeText(wrap(text));
    const f = r.findings.find((x) => x.ruleId === "nccl/cuda-error")!;
    expect(f.remediation[0].startsWith(wslAdvicePrefix)).toBe(true);
    expect(r.facts.firstError?.line).toBe(2);
  });

  it("reads WSL2 from an environment report's platform line for an unhandled system error, and says nothing of it without a failure or a WSL line", async () => {
    const env = "Python platform: Linux-5.15.167.4-microsoft-standard-WSL2-x86_64-with-glibc2.35";
    const fail = "RuntimeError: NCCL error: unhandled system error (run with NCCL_DEBUG=INFO for details)";
    const r = await analyzeText([env, fail, ""].join("\n"));
    expect(r.findings.find((x) => x.ruleId === "nccl/system-error")!.remediation[0].startsWith(wslAdvicePrefix)).toBe(true);
    expect((await analyzeText(env + "\n")).findings).toEqual([]);
    const native = await analyzeText(fail + "\n");
    expect(native.findings.find((x) => x.ruleId === "nccl/system-error")!.remediation.join(" ")).not.toContain("WSL2");
  });
});
