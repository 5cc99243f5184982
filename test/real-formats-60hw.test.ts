import { describe, expect, it } from "vitest";
import { analyzeText, ids, eolsFor } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in a sixtieth round of real logs, on GPU, driver and fabric failures. NCCL's `Cuda failure` lines of a
 * kernel fault CUDA keeps on the context (700 illegal address, 719 launch failure) were explained like any failed call
 * inside NCCL, with no word that the faulting kernel ran earlier and is often not NCCL's; `'invalid device ordinal'`
 * had no advice; and nccl-tests' own `Test CUDA failure common.cu:N '...'` was reported as a call inside NCCL. vLLM
 * stopping on a GPU or MIG UUID in CUDA_VISIBLE_DEVICES (`ValueError: invalid literal for int() with base 10:
 * 'MIG-…'`) had no finding at all. Every log text here is written for the test in the printed layout, under wrappers
 * the logs did not all show.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubectl --timestamps", (l) => `2026-12-06T21:04:17.118204113Z ${l}`],
  ["docker compose", (l) => `trainer-1  | ${l}`],
  ["Ray", (l) => `(RayWorkerWrapper pid=5120, ip=10.4.0.9) ${l}`],
];

const join = (lines: string[], wrap: (l: string) => string, eol = "\n"): string => lines.map(wrap).join(eol) + eol;

async function eachWrap(lines: string[], check: (r: Report, at: string) => void): Promise<void> {
  for (const [name, wrap] of WRAPS)
    for (const eol of eolsFor(wrap)) check(await analyzeText(join(lines, wrap, eol)), `${name} ${JSON.stringify(eol)}`);
}

const finding = (r: Report, id: string) => r.findings.find((f) => f.ruleId === id);
const STICKY = /is a fault a GPU kernel made, and CUDA keeps it on the process's context/;

describe("NCCL reporting a kernel fault CUDA keeps on the context", () => {
  const lines = [
    "gpu-b07:9114:9230 [2] include/alloc.h:125 NCCL WARN Cuda failure 700 'an illegal memory access was encountered'",
    "gpu-b07:9114:9230 [2] NCCL INFO include/alloc.h:246 -> 1",
    "",
    "gpu-b07:9114:9230 [2] include/alloc.h:125 NCCL WARN Cuda failure 700 'an illegal memory access was encountered'",
    "gpu-b07:9114:9230 [2] NCCL INFO include/alloc.h:246 -> 1",
  ];
  it("says the fault came from an earlier kernel, how to find it, and which Xids mean hardware", async () => {
    await eachWrap(lines, (r, at) => {
      const f = finding(r, "nccl/cuda-error");
      expect(f, at).toBeDefined();
      expect(f!.message, at).toBe("A CUDA call inside NCCL failed: an illegal memory access was encountered.");
      const advice = f!.remediation.join("\n");
      expect(advice, at).toMatch(STICKY);
      expect(advice, at).toContain("CUDA_LAUNCH_BLOCKING=1");
      expect(advice, at).toContain("48, 63, 64, 74, 79, 94 or 95 the hardware");
      expect(r.facts.firstError?.line, at).toBe(1);
      expect(r.facts.nccl.firstWarn?.line, at).toBe(1);
    });
  });

  it("reads the older form without the number, and the fault quoted in PyTorch's Last error block", async () => {
    const old = await analyzeText("node3:4410:4410 [1] init.cc:204 NCCL WARN Cuda failure 'unspecified launch failure'\nnode3:4410:4410 [1] NCCL INFO init.cc:990 -> 1\n");
    expect(finding(old, "nccl/cuda-error")!.remediation[0]).toMatch(/^'unspecified launch failure' is a fault a GPU kernel made/);
    const torch = await analyzeText(
      [
        "[rank1]: torch.distributed.DistBackendError: NCCL error in: /pytorch/torch/csrc/distributed/c10d/NCCLUtils.cpp:77, unhandled cuda error (run with NCCL_DEBUG=INFO for details), NCCL version 2.26.2",
        "[rank1]: ncclUnhandledCudaError: Call to CUDA function failed.",
        "[rank1]: Last error:",
        "[rank1]: Cuda failure 716 'misaligned address'",
      ].join("\n") + "\n",
    );
    const f = finding(torch, "nccl/cuda-error")!;
    expect(f.message).toBe("A CUDA call inside NCCL failed: misaligned address.");
    expect(f.remediation.join("\n")).toMatch(STICKY);
    expect(torch.facts.nccl.version).toBe("2.26.2");
  });

  it("near misses: an allocation failure or an ECC error is not called a kernel's fault", async () => {
    const oom = await analyzeText("vm-2:392:494 [2] enqueue.cc:43 NCCL WARN Cuda failure 'out of memory'\n\nvm-2:392:494 [2] enqueue.cc:54 NCCL WARN Cuda failure 'invalid resource handle'\n");
    const o = finding(oom, "nccl/cuda-error")!;
    expect(o.message).toBe("A CUDA call inside NCCL failed: out of memory.");
    expect(o.remediation.join("\n")).not.toMatch(STICKY);
    expect(o.remediation.join("\n")).toContain("NCCL could not allocate its buffers");
    const ecc = await analyzeText("h7:300:301 [5] include/alloc.h:125 NCCL WARN Cuda failure 214 'uncorrectable ECC error encountered'\n");
    const e = finding(ecc, "nccl/cuda-error")!;
    expect(e.remediation[0]).toMatch(/^The GPU reported an uncorrectable hardware error/);
    expect(e.remediation.join("\n")).not.toMatch(STICKY);
  });
});

describe("'invalid device ordinal'", () => {
  it("inside NCCL: the device numbering a scheduler or CUDA_VISIBLE_DEVICES gives the process", async () => {
    const lines = [
      "holygpu8a25204:804053:804120 [0] transport/p2p.cc:275 NCCL WARN Cuda failure 101 'invalid device ordinal'",
      "holygpu8a25204:804053:804120 [0] NCCL INFO transport/p2p.cc:392 -> 1",
    ];
    await eachWrap(lines, (r, at) => {
      const f = finding(r, "nccl/cuda-error");
      expect(f, at).toBeDefined();
      expect(f!.message, at).toBe("A CUDA call inside NCCL failed: invalid device ordinal.");
      const advice = f!.remediation.join("\n");
      expect(advice, at).toContain("renumbers the visible GPUs from 0");
      expect(advice, at).not.toContain("nccl-tests");
      expect(advice, at).not.toMatch(STICKY);
    });
  });

  it("nccl-tests' own check: the test program's call, and how -g and the processes per node must fit", async () => {
    const lines = [
      "# Using devices",
      "c041: Test CUDA failure common.cu:941 'invalid device ordinal'",
      " .. c041 pid 77120: Test failure common.cu:891",
      "c042: Test CUDA failure common.cu:941 'invalid device ordinal'",
      " .. c042 pid 51201: Test failure common.cu:891",
    ];
    await eachWrap(lines, (r, at) => {
      const f = finding(r, "nccl/cuda-error");
      expect(f, at).toBeDefined();
      expect(f!.message, at).toBe("A CUDA call of the nccl-tests program itself failed (not one inside NCCL): invalid device ordinal.");
      expect(f!.remediation[0], at).toMatch(/^nccl-tests asked CUDA for a GPU number this process cannot see: each process takes -t x -g GPUs/);
      expect(r.facts.firstError?.line, at).toBe(2);
      expect(ids(r, "error"), at).toEqual(["nccl/cuda-error"]);
    });
  });

  it("an NCCL failure the harness reports beside its own is still NCCL's", async () => {
    const r = await analyzeText(
      [
        "a03-r28:104934:104934 [1] init.cc:204 NCCL WARN Cuda failure 'an illegal memory access was encountered'",
        "a03-r28:104934:104934 [1] NCCL INFO init.cc:990 -> 1",
        "a03-r28: Test NCCL failure common.cu:497 'unhandled cuda error'",
        " .. a03-r28 pid 104934: Test failure common.cu:587",
      ].join("\n") + "\n",
    );
    expect(finding(r, "nccl/cuda-error")!.message).toBe("A CUDA call inside NCCL failed: an illegal memory access was encountered.");
  });
});

describe("vllm/visible-devices-uuid: CUDA_VISIBLE_DEVICES holding a GPU or MIG UUID", () => {
  const engine = (uuid: string) => [
    "(EngineCore_DP0 pid=91) ERROR 05-06 10:11:12 [core.py:866] EngineCore failed to start.",
    "(EngineCore_DP0 pid=91) ERROR 05-06 10:11:12 [core.py:866] Traceback (most recent call last):",
    '(EngineCore_DP0 pid=91) ERROR 05-06 10:11:12 [core.py:866]   File "/usr/local/lib/python3.12/dist-packages/vllm/platforms/interface.py", line 230, in device_id_to_physical_device_id',
    "(EngineCore_DP0 pid=91) ERROR 05-06 10:11:12 [core.py:866]     return int(physical_device_id)",
    "(EngineCore_DP0 pid=91) ERROR 05-06 10:11:12 [core.py:866]            ^^^^^^^^^^^^^^^^^^^^^^^",
    `(EngineCore_DP0 pid=91) ERROR 05-06 10:11:12 [core.py:866] ValueError: invalid literal for int() with base 10: '${uuid}'`,
  ];

  it("names the MIG instance, explains the failed start, and says how to hand the instance over", async () => {
    await eachWrap(engine("MIG-4f1a2b3c-1d2e-5f60-8a9b-0c1d2e3f4a5b"), (r, at) => {
      const f = finding(r, "vllm/visible-devices-uuid");
      expect(f, at).toBeDefined();
      expect(f!.message, at).toBe(
        "CUDA_VISIBLE_DEVICES names a MIG instance by its UUID (MIG-4f1a2b3c-1d2e-5f60-8a9b-0c1d2e3f4a5b), and vLLM turns every entry of that variable into a GPU number: it stopped with a ValueError before using any GPU. CUDA itself accepts UUIDs; this vLLM does not.",
      );
      expect(f!.evidence.map((e) => e.line), at).toEqual([6]);
      expect(f!.remediation[0], at).toMatch(/^Give vLLM the MIG instance through the container runtime instead/);
      expect(finding(r, "vllm/engine-init-failed")?.causedBy, at).toEqual(["vllm/visible-devices-uuid"]);
      expect(r.facts.firstError?.line, at).toBe(1);
    });
  });

  it("a whole GPU's UUID, and the pre-R470 MIG form, bare after Ray's prefix", async () => {
    const gpu = await analyzeText("(pid=586) ValueError: invalid literal for int() with base 10: 'GPU-9e8d7c6b-5a49-3827-1605-f4e3d2c1b0a9'\n");
    const g = finding(gpu, "vllm/visible-devices-uuid")!;
    expect(g.message).toContain("names a GPU by its UUID (GPU-9e8d7c6b-5a49-3827-1605-f4e3d2c1b0a9)");
    expect(g.remediation[0]).toMatch(/^Name the GPUs by number in CUDA_VISIBLE_DEVICES/);
    const old = await analyzeText("ValueError: invalid literal for int() with base 10: 'MIG-GPU-0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9/1/0'\r\n");
    expect(finding(old, "vllm/visible-devices-uuid")!.message).toContain("(MIG-GPU-0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9/1/0)");
  });

  it("near misses: another word int() refused, the export line, nvidia-smi -L", async () => {
    for (const text of [
      "ValueError: invalid literal for int() with base 10: 'auto'",
      "+ export CUDA_VISIBLE_DEVICES=MIG-4f1a2b3c-1d2e-5f60-8a9b-0c1d2e3f4a5b",
      "GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-9e8d7c6b-5a49-3827-1605-f4e3d2c1b0a9)\n  MIG 2g.20gb     Device  0: (UUID: MIG-4f1a2b3c-1d2e-5f60-8a9b-0c1d2e3f4a5b)",
    ]) {
      const r = await analyzeText(text + "\n");
      expect(ids(r), text).not.toContain("vllm/visible-devices-uuid");
    }
  });
});

describe("vllm/gpu-xid: the driver's own notices of a lost GPU", () => {
  const KERNEL: [string, (l: string) => string][] = [
    ["dmesg", (l) => `[ 9121.330512] ${l}`],
    ["dmesg -T", (l) => `[Tue May 26 21:04:17 2026] ${l}`],
    ["journalctl -k", (l) => `May 26 21:04:17 gpu-node-3 kernel: ${l}`],
    ["bare", (l) => l],
  ];
  const kernel = async (lines: string[], check: (r: Report, at: string) => void) => {
    for (const [name, wrap] of KERNEL) for (const eol of ["\n", "\r\n"]) check(await analyzeText(join(lines, wrap, eol)), `${name} ${JSON.stringify(eol)}`);
  };

  it("reads the device's `GPU has fallen off the bus.` notice without the Xid record", async () => {
    await kernel(["NVRM: GPU 0000:06:00.0: GPU has fallen off the bus.", "NVRM: GPU 0000:06:00.0: GPU serial number is 0."], (r, at) => {
      const f = finding(r, "vllm/gpu-xid");
      expect(f, at).toBeDefined();
      expect(f!.message, at).toBe("The NVIDIA driver reported Xid 79 (the GPU has fallen off the bus) on GPU PCI 0000:06:00: a fault of the GPU or its links, seen by the kernel, not a Python error.");
      expect(f!.evidence.map((e) => e.line), at).toEqual([1]);
      expect(f!.remediation[0], at).toMatch(/^A GPU that fell off the bus/);
    });
  });

  it("reads a window that holds only the driver's failed calls to the lost GPU (NV_ERR_GPU_IS_LOST)", async () => {
    const lines = [
      "NVRM: _issueRpcAndWait: rpcSendMessage failed with status 0x0000000f for fn 78!",
      "NVRM: nvCheckOkFailedNoLog: Check failed: GPU lost from the bus [NV_ERR_GPU_IS_LOST] (0x0000000F) returned from nvdEngineDumpCallbackHelper(pGpu, pPrbEnc, pNvDumpState, pEngineCallback) @ nv_debug_dump.c:274",
    ];
    await kernel(lines, (r, at) => {
      const f = finding(r, "vllm/gpu-xid");
      expect(f, at).toBeDefined();
      expect(f!.message, at).toBe("The NVIDIA driver lost the GPU: its calls to it fail with NV_ERR_GPU_IS_LOST (GPU lost from the bus), a fault of the GPU or its links, not a Python error.");
      expect(f!.evidence.map((e) => e.line), at).toEqual([2]);
      expect(f!.remediation[0], at).toMatch(/^A GPU that fell off the bus/);
      expect(r.facts.firstError, at).toBeNull();
    });
  });

  it("near misses: the driver's other notices about a device, and code that names the status", async () => {
    for (const text of [
      "[ 9121.330600] NVRM: GPU 0000:06:00.0: GPU serial number is 0.",
      "[ 9121.330700] NVRM: kgspRcAndNotifyAllChannels_IMPL: RC all channels for critical error 79.",
      "        return NV_ERR_GPU_IS_LOST;",
      "my GPU lost from the bus [NV_ERR_GPU_IS_LOST] again, any ideas?",
    ]) expect(ids(await analyzeText(text + "\n")), text).not.toContain("vllm/gpu-xid");
  });
});

describe("vllm/driver-library-mismatch: the driver's two halves of different versions", () => {
  it("nvidia-smi's words under a CI task's prefixes and the usual wrappers", async () => {
    const lines = [
      "[task 2026-07-01T05:06:30.004+00:00] [train] nvidia-smi failed with return code 18",
      "[task 2026-07-01T05:06:30.005+00:00] [train] [nvidia-smi(stdout)] Failed to initialize NVML: Driver/library version mismatch",
      "[task 2026-07-01T05:06:30.005+00:00] [train] [nvidia-smi(stdout)] NVML library version: 550.144",
    ];
    await eachWrap(lines, (r, at) => {
      const f = finding(r, "vllm/driver-library-mismatch");
      expect(f, at).toBeDefined();
      expect(f!.message, at).toBe(
        "The NVIDIA driver's user-space libraries and the kernel module that is loaded are of different versions (the NVML library is 550.144; `cat /proc/driver/nvidia/version` shows the loaded module's): NVML cannot start, and no program on this host can use its GPUs until both are the same version, usually after a driver upgrade without a reboot.",
      );
      expect(f!.remediation[0], at).toMatch(/^Reboot the node/);
      expect(f!.evidence.map((e) => e.line), at).toEqual([2, 3]);
    });
  });

  it("the kernel's API mismatch record over its continuation lines gives both versions", async () => {
    const r = await analyzeText(
      [
        "[ 7386.259769] NVRM: API mismatch: the client has the version 580.95.05, but",
        "               NVRM: this kernel module has the version 575.57.08.  Please",
        "               NVRM: make sure that this kernel module and all NVIDIA driver",
        "               NVRM: components have the same version.",
      ].join("\r\n") + "\r\n",
    );
    expect(finding(r, "vllm/driver-library-mismatch")!.message).toContain("(the libraries are 580.95.05, the loaded kernel module 575.57.08)");
  });

  it("the container toolkit's hook says the host needs the fix; vLLM's platform check is explained by it", async () => {
    const docker = await analyzeText(
      "docker: Error response from daemon: failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: error running hook #0: error running hook: exit status 1, stdout: , stderr: Auto-detected mode as 'legacy' nvidia-container-cli: initialization error: nvml error: driver/library version mismatch: unknown.\n",
    );
    expect(finding(docker, "vllm/driver-library-mismatch")!.remediation[2]).toMatch(/^The NVIDIA container toolkit failed here, before the container started/);
    const vllm = await analyzeText(
      [
        "DEBUG 11-29 10:01:01 [platforms/__init__.py:46] CUDA platform is not available because: RM has detected an NVML/RM version mismatch.",
        "INFO 11-29 10:01:01 [platforms/__init__.py:255] No platform detected, vLLM is running on UnspecifiedPlatform",
        "RuntimeError: Failed to infer device type",
      ].join("\n") + "\n",
    );
    expect(vllm.findings.map((f) => [f.ruleId, f.causedBy ?? []])).toEqual([
      ["vllm/driver-library-mismatch", []],
      ["vllm/no-gpu-platform", ["vllm/driver-library-mismatch"]],
    ]);
  });
});
