import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * Round 36a (vLLM and RCCL on AMD ROCm): shapes of real pastes the readers missed. The log texts are written for the
 * test in the printed layouts (hosts, paths, numbers made up); the findings checked are exact.
 */

const variants: Array<[string, (s: string) => string]> = [
  ["bare", (s) => s],
  ["CRLF", (s) => s.replace(/\n/g, "\r\n")],
  ["kubectl --timestamps", (s) => s.split("\n").map((l, i) => (l ? `2026-03-04T11:20:3${i % 10}.402117305Z ${l}` : l)).join("\n")],
  ["docker compose", (s) => s.split("\n").map((l) => (l ? `vllm-rocm-1  | ${l}` : l)).join("\n")],
  ["Ray prefix", (s) => s.split("\n").map((l) => (l ? `(RayWorkerWrapper pid=3310, ip=10.8.1.4) ${l}` : l)).join("\n")],
];

const finding = (r: Awaited<ReturnType<typeof analyzeText>>, id: string) => r.findings.find((f) => f.ruleId === id);

describe("ROCm's runtime aborting on a GPU fault (ROCR's VM fault and HW exception handlers)", () => {
  // ROCR prints these to stderr itself, with no logger header, then aborts: no Python traceback follows
  const FAULT = [
    "(Worker_TP1 pid=4410) DEBUG 05-02 09:14:07 [compilation/cuda_graph.py:239] Capturing a cudagraph on (FULL,BatchDescriptor(num_tokens=64, num_reqs=64, uniform=True, has_lora=False))",
    "(Worker_TP0 pid=4409) DEBUG 05-02 09:14:07 [v1/worker/gpu_model_runner.py:4700] ubatch_slices: None",
    "Memory access fault by GPU node-3 (Agent handle: 0x2c81f0a0) on address 0x7d31c0a44000. Reason: Page not present or supervisor privilege.",
    "(Worker_TP0 pid=4409) DEBUG 05-02 09:14:07 [v1/worker/gpu_model_runner.py:4700] ubatch_slices: None",
  ].join("\n");

  for (const [name, wrap] of variants)
    it(`names the fault, its KFD node and reason, and makes it the first error (${name})`, async () => {
      const r = await analyzeText(wrap(FAULT) + "\n");
      expect(ids(r)).toEqual(["vllm/cuda-error"]);
      const f = finding(r, "vllm/cuda-error")!;
      expect(f.severity).toBe("error");
      expect(f.message).toBe(
        "ROCm's runtime aborted the process: a memory access fault by GPU node-3 (a KFD topology node, numbered after the CPUs, not the HIP device index), reason: Page not present or supervisor privilege. The process cannot use the device after this; the engine or worker stops.",
      );
      expect(f.evidence.map((e) => e.line)).toEqual([3]);
      expect(f.remediation[0]).toContain("AMD_SERIALIZE_KERNEL=3");
      expect(r.facts.firstError?.line).toBe(3);
      expect(r.facts.firstError?.text).toContain("Memory access fault by GPU node-3 (Agent handle: 0x2c81f0a0)");
    });

  it("reads ROCm ≤5's form without the agent handle, a null address, and the imprecise-address suffix", async () => {
    for (const [line, reason] of [
      ["Memory access fault by GPU node-2 on address 0x7f5512a00000. Reason: Write access to a read-only page.", "Write access to a read-only page"],
      ["Memory access fault by GPU node-1 on address (nil). Reason: Page not present or supervisor privilege.", "Page not present or supervisor privilege"],
      ["Memory access fault by GPU node-6 (Agent handle: 0x91aa) on address 0x7f00c0000000(may not be exact address). Reason: Unknown.", "Unknown"],
    ]) {
      const r = await analyzeText(`INFO 05-02 09:10:00 [__init__.py:235] Automatically detected platform rocm.\n${line}\nAborted (core dumped)\n`);
      expect(ids(r)).toEqual(["vllm/cuda-error"]);
      expect(finding(r, "vllm/cuda-error")!.message).toContain(`reason: ${reason}. `);
      expect(r.facts.firstError?.line).toBe(2);
    }
  });

  it("a fault whose abort ends in the GPU-hang report is still the fault; a hang alone is the hang", async () => {
    const both = await analyzeText(
      [
        "(EngineCore pid=812) INFO 05-02 09:12:00 [gpu_model_runner.py:2000] Model loading took 61.2 GiB",
        "Memory access fault by GPU node-1 (Agent handle: 0x4410aa) on address 0x7f3a00000000. Reason: Page not present or supervisor privilege.",
        "HW Exception by GPU node-1 (Agent handle: 0x4511bb) reason :GPU Hang",
        "./serve.sh: line 9:  812 Aborted                 (core dumped) vllm serve org/model-70b",
      ].join("\n") + "\n",
    );
    expect(ids(both)).toEqual(["vllm/cuda-error"]);
    const f = finding(both, "vllm/cuda-error")!;
    expect(f.evidence.map((e) => e.line)).toEqual([2, 3]);
    expect(f.message).toContain("a memory access fault by GPU node-1");
    expect(f.remediation[0]).toContain("AMD_SERIALIZE_KERNEL=3");
    expect(both.facts.firstError?.line).toBe(2);

    const hang = await analyzeText("HW Exception by GPU node-2 (Agent handle: 0x77ab) reason :GPU Hang\n");
    const h = finding(hang, "vllm/cuda-error")!;
    expect(h.message).toContain("a hardware exception by GPU node-2");
    expect(h.message).toContain("reason: GPU Hang.");
    expect(h.remediation[0]).toContain("The GPU stopped responding");
    expect(hang.facts.firstError?.line).toBe(1);

    const ecc = await analyzeText("HW Exception by GPU node-4 (Agent handle: 0x77ac) reason :ECC\n");
    expect(finding(ecc, "vllm/cuda-error")!.remediation[0]).toContain("amd-smi metric --ecc");
  });

  it("reads the runtime's memory-free check (`Memory critical error by agent node-N`), its trailing blank too", async () => {
    const r = await analyzeText(
      "(EngineCore_DP0 pid=61) INFO 05-02 09:12:00 [core.py:100] shutting down\nMemory critical error by agent node-2 (Agent handle: 0x3c01d0) on address 0x7f2200000000. Reason: Memory in use. \nAborted (core dumped)\n",
    );
    expect(ids(r)).toEqual(["vllm/cuda-error"]);
    expect(finding(r, "vllm/cuda-error")!.message).toContain(
      "a memory critical error (GPU memory freed while still in use) by agent node-2 (a KFD topology node, numbered after the CPUs, not the HIP device index), reason: Memory in use. ",
    );
    expect(r.facts.firstError?.line).toBe(2);
  });

  it("inside an RCCL log, too (a pure NCCL-dialect text)", async () => {
    const r = await analyzeText(
      [
        "mi300-a:5120:5120 [0] NCCL INFO Bootstrap : Using eth0:10.8.1.4<0>",
        "mi300-a:5120:5120 [0] NCCL INFO RCCL version : 2.22.3-develop:7f1c2a9",
        "mi300-a:5120:5160 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[1] via P2P/IPC comm 0x8c1e0 nRanks 02",
        "Memory access fault by GPU node-2 (Agent handle: 0x1a2b3c) on address 0x7f9a1c000000. Reason: Page not present or supervisor privilege.",
      ].join("\n") + "\n",
    );
    expect(ids(r)).toEqual(["vllm/cuda-error"]);
    expect(r.facts.firstError?.line).toBe(4);
    expect(r.facts.nccl.transports["P2P/IPC"]).toBe(1);
  });

  it("prose that names the fault is not one", async () => {
    const r = await analyzeText(
      [
        "INFO 05-02 09:10:00 [__init__.py:235] Automatically detected platform rocm.",
        "note: a memory access fault by GPU node-1 usually means an out-of-bounds kernel",
        "INFO 05-02 09:10:01 [rocm.py:200] GPU node-2 is gfx942",
      ].join("\n") + "\n",
    );
    expect(ids(r)).toEqual([]);
    expect(r.facts.firstError).toBeNull();
  });
});

describe("RCCL's checks of HIP and HSA calls (rocmwrap.h: `HIP failure '...' at file:line`, `HSA failure '...' at file:line`)", () => {
  const OOM = [
    "mi300-b:7712:7712 [3] NCCL INFO RCCL version : 2.21.5-develop:9b1e2a0",
    "mi300-b:7712:7790 [3] /opt/rccl/src/include/alloc.h:127 NCCL WARN HIP failure 'out of memory' at /opt/rccl/src/include/alloc.h:127",
    "mi300-b:7712:7790 [3] NCCL INFO /opt/rccl/src/transport/p2p.cc:310 -> 1",
    "mi300-b:7712:7790 [3] NCCL INFO /opt/rccl/src/init.cc:1502 -> 1",
  ].join("\n");

  for (const [name, wrap] of variants)
    it(`names the HIP failure, not a generic NCCL error (${name})`, async () => {
      const r = await analyzeText(wrap(OOM) + "\n");
      expect(ids(r)).toEqual(["nccl/cuda-error"]);
      const f = finding(r, "nccl/cuda-error")!;
      expect(f.message).toBe("A HIP call inside RCCL failed: out of memory.");
      expect(f.remediation[0]).toContain("lower --gpu-memory-utilization");
      expect(r.facts.firstError?.line).toBe(2);
      expect(r.facts.nccl.firstWarn?.line).toBe(2);
    });

  it("reads an HSA call's failure the same way", async () => {
    const r = await analyzeText(
      "mi300-b:7712:7790 [3] /opt/rccl/src/transport/net_ib.cc:901 NCCL WARN HSA failure 'HSA_STATUS_ERROR_INVALID_ARGUMENT: an argument is out of range.' at /opt/rccl/src/transport/net_ib.cc:901\n",
    );
    expect(ids(r)).toEqual(["nccl/cuda-error"]);
    expect(finding(r, "nccl/cuda-error")!.message).toBe("A HIP call inside RCCL failed: HSA_STATUS_ERROR_INVALID_ARGUMENT: an argument is out of range.");
  });
});
