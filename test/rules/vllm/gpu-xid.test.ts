import { describe, expect, it } from "vitest";
import { analyzeText } from "../analyze-text.js";

/** The kernel driver's Xid records next to a job's log (texts written for the test, in the driver's printed layout). */
const XID_79 = "[88120.004512] NVRM: Xid (PCI:0000:c1:00): 79, pid=5120, name=python3, GPU has fallen off the bus.";
const CUDA_FAULT = "(VllmWorker TP3 pid=5120) ERROR 04-02 17:40:11 [multiproc_executor.py:596] RuntimeError: CUDA error: unspecified launch failure";

describe("vllm/gpu-xid", () => {
  it("names the Xid, the GPU and the process, and explains the CUDA error the process then hit", async () => {
    const r = await analyzeText([XID_79, CUDA_FAULT].join("\n") + "\n");
    const xid = r.findings.filter((f) => f.ruleId === "vllm/gpu-xid");
    expect(xid).toHaveLength(1);
    expect(xid[0].message).toBe("The NVIDIA driver reported Xid 79 (the GPU has fallen off the bus) on GPU PCI 0000:c1:00 (process python3 pid 5120): a fault of the GPU or its links, seen by the kernel, not a Python error.");
    expect(r.findings.map((f) => [f.ruleId, f.causedBy ?? []])).toEqual([
      ["vllm/gpu-xid", []],
      ["vllm/cuda-error", ["vllm/gpu-xid"]],
    ]);
  });

  it("a dmesg pasted after the traceback is no cause of it in the same file (the cause is never after its effect)", async () => {
    const r = await analyzeText([CUDA_FAULT, XID_79].join("\n") + "\n");
    expect(r.findings.map((f) => [f.ruleId, f.causedBy ?? []])).toEqual([
      ["vllm/cuda-error", []],
      ["vllm/gpu-xid", []],
    ]);
  });

  it("stays quiet on the driver's routine lines", async () => {
    const r = await analyzeText(["[    4.120331] NVRM: loading NVIDIA UNIX x86_64 Kernel Module  570.133.20", "[    4.301112] nvidia-modeset: Loading NVIDIA Kernel Mode Setting Driver for UNIX platforms  570.133.20"].join("\n") + "\n");
    expect(r.findings).toEqual([]);
  });
});
