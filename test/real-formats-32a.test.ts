import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import { variants } from "./helpers/variants.js";

/**
 * Shapes of a round of real logs from vLLM on AMD ROCm (RCCL's NCCL_DEBUG output, HIP errors), Ascend NPUs
 * (vllm-ascend, HCCL), Intel Gaudi and TPUs. Every log text here is written for the test, in the printed layout of the
 * program that prints it; the values are made up.
 */

const reportsOf = (lines: string[], opts: { compose?: boolean } = {}) => Promise.all(variants(lines, opts).map((text) => analyzeText(text + "\n")));

describe("a traceback frame a hard wrap cut inside its path is traceback structure, not an error line", () => {
  // Python prints `File "<path>", line N, in <name>`; a paste that lost its line breaks (records glued on one
  // physical line) and then wrapped at a fixed width ends one record inside the quoted path, and the path goes on
  // at the start of the next physical line
  const at = "(VllmWorkerProcess pid=5120) ERROR 03-11 08:12:40 [multiproc_worker_utils.py:238]";
  const glued = [
    `${at} Traceback (most recent call last): ${at} File "/opt/conda/envs/infer/lib/python3.10/site-packages/vllm/worker/model_runner.py", line 1690, in execute_model ${at} hidden = model_executable(**inputs) ${at} File "/opt/conda/envs/infer/`,
    `lib/python3.10/site-packages/vllm/model_executor/models/qwen2.py", line 88, in forward ${at} RuntimeError: NPU out of memory.`,
  ];

  it("the first error is the exception on the next line, not the cut frame", async () => {
    const r = await analyzeText(glued.join("\n") + "\n");
    expect(r.facts.firstError?.line).toBe(2);
    expect(r.facts.firstError?.text).toMatch(/RuntimeError: NPU out of memory\.$/);
    expect(ids(r)).toContain("vllm/cuda-oom");
  });

  it("alike behind kubectl --timestamps, coloured prefixes and CRLF", async () => {
    for (const r of await reportsOf(glued)) {
      expect(r.facts.firstError?.line).toBe(2);
      expect(ids(r)).toContain("vllm/cuda-oom");
    }
  });

  it("a cut after the quote (`…py\", li`) is a frame too; a record that only names a file is still an error", async () => {
    const cutAfterQuote = `${at} File "/srv/app/lib/python3.10/site-packages/vllm/worker/worker.py", li`;
    const r = await analyzeText([cutAfterQuote, `${at} RuntimeError: HIP error: an illegal memory access was encountered`, ""].join("\n"));
    expect(r.facts.firstError?.line).toBe(2);
    const sentence = await analyzeText(`${at} File "/models/qwen/config.json" could not be read: permission denied\n`);
    expect(sentence.facts.firstError?.line).toBe(1);
  });
});

describe("the verdict of an NCCL paste with connection or comm lines but no banner names what it read", () => {
  // RCCL's connection lines carry its communicator (` comm 0x… nRanks 04`); a window of a set-up often holds neither
  // the version banner nor `Using network`
  const lines = [
    "gpu-a:5101:5140 [0] NCCL INFO Channel 00/0 : 0[c1000] -> 1[c6000] via P2P/IPC comm 0x3a1f0 nRanks 04",
    "gpu-a:5102:5141 [1] NCCL INFO Channel 00/0 : 1[c6000] -> 2[c9000] via P2P/IPC comm 0x3b2c0 nRanks 04",
    "gpu-a:5103:5142 [2] NCCL INFO Channel 00/0 : 2[c9000] -> 3[ce000] via P2P/IPC comm 0x3c3d0 nRanks 04",
    "gpu-a:5104:5143 [3] NCCL INFO Channel 00/0 : 3[ce000] -> 0[c1000] via P2P/IPC comm 0x3d4e0 nRanks 04",
    "gpu-a:5104:5143 [3] NCCL INFO comm 0x3d4e0 rank 3 nranks 4 cudaDev 3 busId ce000 - Init COMPLETE",
  ];

  it("healthy, with the transports and ranks, never `no NCCL facts were recognised`", async () => {
    for (const r of await reportsOf(lines)) {
      expect(r.facts.nccl.transports["P2P/IPC"]).toBe(4);
      expect(r.verdict).toMatch(/^Healthy: NCCL via P2P\/IPC, 4 ranks on 1 node\.$/);
    }
  });

  it("comm lines alone (no connections) give the ranks", async () => {
    const comm = ["nodeq:301:330 [0] NCCL INFO comm 0x2c61 rank 0 nRanks 2 nNodes 1 localRanks 2 localRank 0 MNNVL 0", "nodeq:302:331 [1] NCCL INFO comm 0x2c62 rank 1 nRanks 2 nNodes 1 localRanks 2 localRank 1 MNNVL 0"];
    const r = await analyzeText(comm.join("\n") + "\n");
    expect(r.verdict).toBe("Healthy: NCCL, 2 ranks on 1 node.");
  });
});

describe("a HIP error (ROCm's torch) gets AMD's debugging switches, not CUDA's", () => {
  const at = "(EngineCore_DP0 pid=7310) ERROR 05-02 10:41:07 [core.py:1100]";
  it("an illegal memory access: AMD_SERIALIZE_KERNEL=3 and the amdgpu / amd-smi checks", async () => {
    const lines = [
      `${at} EngineCore failed to start.`,
      `${at} Traceback (most recent call last):`,
      `${at}   File "/usr/local/lib/python3.12/dist-packages/torch/cuda/__init__.py", line 1083, in synchronize`,
      `${at}     return torch._C._cuda_synchronize()`,
      `${at} torch.AcceleratorError: HIP error: an illegal memory access was encountered`,
      `${at} Search for \`hipErrorIllegalAddress' in https://docs.nvidia.com/cuda/cuda-runtime-api/group__HIPRT__TYPES.html for more information.`,
    ];
    for (const r of await reportsOf(lines)) {
      const f = r.findings.find((x) => x.ruleId === "vllm/cuda-error")!;
      expect(f.message).toMatch(/^A GPU kernel failed with HIP error: an illegal memory access was encountered\./);
      expect(f.remediation.join(" ")).toMatch(/AMD_SERIALIZE_KERNEL=3/);
      expect(f.remediation.join(" ")).toMatch(/amd-smi/);
      expect(f.remediation.join(" ")).not.toMatch(/CUDA_LAUNCH_BLOCKING|nvidia-smi|Xid/);
      expect(r.findings.find((x) => x.ruleId === "vllm/engine-init-failed")?.causedBy).toContain("vllm/cuda-error");
    }
  });

  it("no kernel image: the gfx target and PYTORCH_ROCM_ARCH; the CUDA wording stays for CUDA", async () => {
    const hip = await analyzeText("torch.AcceleratorError: HIP error: no kernel image is available for execution on the device\n");
    const f = hip.findings.find((x) => x.ruleId === "vllm/cuda-error")!;
    expect(f.remediation[0]).toMatch(/gfx target/);
    expect(f.remediation.join(" ")).toMatch(/PYTORCH_ROCM_ARCH/);
    expect(f.remediation.join(" ")).toMatch(/gcnArchName/);
    const cuda = await analyzeText("RuntimeError: CUDA error: an illegal memory access was encountered\n");
    const g = cuda.findings.find((x) => x.ruleId === "vllm/cuda-error")!;
    expect(g.message).toMatch(/CUDA error: an illegal memory access/);
    expect(g.remediation.join(" ")).toMatch(/CUDA_LAUNCH_BLOCKING=1/);
  });
});

describe("HCCL failures under vllm-ascend (nccl/hccl-error) explain the engine that did not start", () => {
  const at = (p: string) => `(EngineCore_DP0 pid=${p}) ERROR 10-10 17:15:01 [core.py:708]`;
  const worker = (p: string) => [
    `${at(p)}   File "/usr/local/lib64/python3.11/site-packages/vllm/v1/executor/multiproc_executor.py", line 248, in get_response`,
    `${at(p)}     raise RuntimeError(`,
    `${at(p)} RuntimeError: Worker failed with error 'create_config:build/CMakeFiles/torch_npu.dir/compiler_depend.ts:148 HCCL function error: hcclCommInitRootInfoConfig(numRanks, &rootInfo, rank, config, &(comm->hcclComm_)), error code is 11`,
    `${at(p)} [ERROR] 2026-02-10-17:15:01 (PID:1195, Device:0, RankID:-1) ERR02200 DIST call hccl api failed.`,
    `${at(p)} ', please check the stack trace above for the root cause`,
    `(EngineCore_DP0 pid=${p}) ERROR 10-10 17:15:12 [multiproc_executor.py:154] Worker proc VllmWorker-2 died unexpectedly, shutting down`,
  ];

  it("V1's `Worker failed with error '… HCCL function error …'`: HCCL first, the engine after it", async () => {
    for (const r of await reportsOf(worker("384"), { compose: true })) {
      expect(ids(r, "error")).toEqual(["nccl/hccl-error", "vllm/engine-init-failed"]);
      expect(r.findings[0].message).toMatch(/hcclCommInitRootInfoConfig with error code 11 \(HCCL_E_TCP_CONNECT/);
      expect(r.findings[1].causedBy).toEqual(["nccl/hccl-error"]);
      expect(r.verdict).toMatch(/^Failed \(nccl\/hccl-error, which explains vllm\/engine-init-failed\)/);
      expect(r.facts.firstError?.line).toBe(3);
    }
  });

  it("CANN's EI code behind torchrun's rank prefix is the finding; its Solution line is not", async () => {
    const lines = [
      "[rank0]: EI0009: [PID: 7731] 2026-02-11-09:01:12.201.331 Transport init error. Reason: [Create][DestLink]Create Dest error! createLink para:rank[0]-localUserrank[0]-localIpAddr[10.1.0.4], dst_rank[1]-remoteUserrank[1]-remote_ip_addr[10.1.0.5]",
      "[rank0]:         Solution: Check other NPUs that are not reporting errors, or check if there are any abnormalities on the other end's NPU.",
    ];
    for (const r of await reportsOf(lines)) {
      const f = r.findings.find((x) => x.ruleId === "nccl/hccl-error")!;
      expect(f.message).toMatch(/CANN error EI0009, Transport init error/);
      expect(f.evidence.map((e) => e.line)).toEqual([1]);
    }
  });
});

describe("RCCL (ROCm's NCCL) is named as such: its release numbers are NCCL's, its build is not", () => {
  const path = "/opt/rocm-6.4.1/share/rccl/build/hipify/src/";
  const start = [
    "mi-n7:9120:9120 [0] NCCL INFO Bootstrap : Using ens51f0:10.3.0.7<0>",
    "mi-n7:9120:9120 [0] NCCL INFO NET/Plugin: Could not find: librccl-net.so. Using internal network plugin.",
    `mi-n7:9120:9120 [0] ${path}init.cc:146 NCCL WARN Missing "HSA_FORCE_FINE_GRAIN_PCIE=1" from environment which can lead to low RCCL performance, system instablity or hang!`,
    "RCCL version 2.22.3+hip6.4 HEAD:0a1b2c3",
    "mi-n7:9120:9133 [0] NCCL INFO Using network Socket",
  ];

  it("the version fact stays the release number (contract), the verdict and the program say RCCL", async () => {
    for (const r of await reportsOf(start, { compose: true })) {
      expect(r.facts.nccl.version).toBe("2.22.3");
      // (a start-up with a WARN and no Init COMPLETE is no sign of health: the verdict names the warning)
      expect(r.verdict).toMatch(/^No failure in the log, which shows warnings and no sign the run worked \(.*\): RCCL 2\.22\.3 over Socket\. First warning at \S+:3: .*NCCL WARN Missing "HSA_FORCE_FINE_GRAIN_PCIE=1"/);
      const d = r.facts.dialects?.find((x) => x.name === "nccl");
      expect(d?.library).toBe("RCCL");
      expect(d?.label).toBe("RCCL 2.22.3");
      expect(ids(r, "error")).toEqual([]);
    }
  });

  it("any one of RCCL's own lines shows it: the ≥6.x banner block, a plugin, a hipified WARN path", async () => {
    const one = async (line: string) => (await analyzeText(["mi-n7:9120:9133 [0] NCCL INFO Using network Socket", line, ""].join("\n"))).facts.dialects?.find((x) => x.name === "nccl")?.library;
    expect(await one("RCCL version : 2.21.5-HEAD:9a0e6a1")).toBe("RCCL");
    expect(await one("mi-n7:9120:9120 [0] NCCL INFO TUNER/Plugin: Could not find: librccl-tuner.so. Using internal tuner plugin.")).toBe("RCCL");
    expect(await one(`mi-n7:9120:9120 [0] ${path}misc/amdsmi_wrap.cc:214 NCCL WARN RCCL_USE_AMD_SMI_LIB not set, but HIP_FABRIC_API is defined.`)).toBe("RCCL");
    // NVIDIA's NCCL, and a vLLM log that only names the library in passing, stay NCCL
    const nccl = await analyzeText(["gpu-a:11:11 [0] NCCL INFO NCCL version 2.21.5+cuda12.4", "gpu-a:11:40 [0] NCCL INFO Using network IB", ""].join("\n"));
    expect(nccl.facts.dialects?.find((x) => x.name === "nccl")?.library).toBeUndefined();
    expect(nccl.verdict).toBe("Healthy: NCCL 2.21.5 over IB.");
  });

  it("RCCL's HIP IPC failure: a HIP call inside RCCL, with the IPC set-up first", async () => {
    const lines = [
      ...start.slice(0, 4),
      `mi-n7:9121:9160 [1] ${path}transport/p2p.cc:239 NCCL WARN hipIpcGetMemHandle failed : invalid argument`,
      `mi-n7:9121:9160 [1] ${path}transport/p2p.cc:241 NCCL WARN Cuda failure 'invalid argument'`,
      `mi-n7:9121:9160 [1] NCCL INFO ${path}transport/p2p.cc:652 -> 1`,
    ];
    for (const r of await reportsOf(lines)) {
      const f = r.findings.find((x) => x.ruleId === "nccl/cuda-error")!;
      expect(f.message).toBe("A HIP call inside RCCL failed: invalid argument.");
      expect(f.remediation[0]).toMatch(/HIP IPC.*--ipc=host.*NCCL_P2P_DISABLE=1/);
      expect(r.facts.firstError?.line).toBe(5);
    }
    // NCCL's own `Cuda failure` keeps its words
    const nv = await analyzeText("gpu-a:11:40 [0] include/alloc.h:178 NCCL WARN Cuda failure 'out of memory'\n");
    expect(nv.findings.find((x) => x.ruleId === "nccl/cuda-error")!.message).toBe("A CUDA call inside NCCL failed: out of memory.");
  });
});

describe("a window of traceback frames that vLLM logged at ERROR is a failure's, wherever it was cut", () => {
  // a paste of the middle of a worker's `logger.exception` traceback: no start-up or serving function on the stack, no
  // exception line; the records' ERROR level is what says a process failed there
  const at = "ERROR 04-17 09:31:58 [engine.py:458]";
  const frames = [
    `${at}     output = tensor_model_parallel_all_reduce(output_parallel)`,
    `${at}   File "/workspace/vllm/vllm/distributed/communication_op.py", line 14, in tensor_model_parallel_all_reduce`,
    `${at}     return get_tp_group().all_reduce(input_)`,
    `${at}   File "/workspace/vllm/vllm/distributed/parallel_state.py", line 359, in all_reduce`,
    `${at}     return self._all_reduce_out_place(input_)`,
  ];

  it("is an error with no known cause at its first frame, not healthy", async () => {
    for (const r of await reportsOf(frames, { compose: true })) {
      expect(r.facts.tracebacks?.list[0]).toMatchObject({ cut: true, loggedAsError: true, stage: null });
      expect(r.verdict).toMatch(/^Error with no known cause at \S*run\.log:2 \(a traceback logged at ERROR that the log cuts before its exception line/);
      expect(ids(r, "error")).toEqual([]);
    }
  });

  it("the same frames printed bare (a user's script, a warning's traceback) say nothing of a failure", async () => {
    const bare = frames.map((l) => l.slice(at.length + 1));
    const r = await analyzeText(bare.join("\n") + "\n");
    expect(r.facts.tracebacks?.list[0]?.loggedAsError).toBeUndefined();
    expect(r.verdict).not.toMatch(/^Error with no known cause/);
  });
});

describe("Intel Gaudi's `Free device memory: …` line states gpu_memory_utilization and the KV cache's memory", () => {
  it("V0's form (vllm-fork's hpu_worker.py) with its `# HPU blocks` line", async () => {
    const lines = [
      "INFO 03-02 10:20:11 hpu_model_runner.py:794] Loading model weights took in total 15.05 GiB of device memory (15.05 GiB/94.62 GiB used) and 1.1 GiB of host memory (60.2 GiB/1007 GiB used)",
      "INFO 03-02 10:20:12 hpu_worker.py:177] Free device memory: 79.57 GiB, 63.66 GiB usable (gpu_memory_utilization=0.8), 6.366 GiB reserved for HPUGraphs (VLLM_GRAPH_RESERVED_MEM=0.1), 57.29 GiB reserved for KV cache",
      "INFO 03-02 10:20:12 hpu_executor.py:85] # HPU blocks: 3666, # CPU blocks: 256",
    ];
    for (const r of await reportsOf(lines)) {
      expect(r.facts).toMatchObject({ config: { gpuMemoryUtilization: 0.8 }, kvCache: { availableGiB: 57.29, gpuBlocks: 3666 }, memory: { modelWeightsGiB: 15.05 } });
    }
  });

  it("V1's form (vllm-gaudi) keeps a dummy block apart: the usable part is the KV cache's; MiB sizes convert", async () => {
    const v1 = "(Worker_TP0 pid=2210) INFO 01-21 06:55:29 [hpu_worker.py:300] Free device memory: 94.62 GiB, 89.89 GiB usable (gpu_memory_utilization=0.95), 8.989 GiB reserved for HPUGraphs (VLLM_GRAPH_RESERVED_MEM=0.1), 2 MiB reserved for KV cache dummy block 80.9 GiB reserved for usable KV cache";
    for (const r of await reportsOf([v1], { compose: true })) {
      expect(r.facts.config.gpuMemoryUtilization).toBe(0.95);
      expect(r.facts.kvCache.availableGiB).toBe(80.9);
    }
    const small = await analyzeText("INFO 03-02 10:20:12 hpu_worker.py:177] Free device memory: 3 GiB, 2.7 GiB usable (gpu_memory_utilization=0.9), 276.5 MiB reserved for HPUGraphs (VLLM_GRAPH_RESERVED_MEM=0.1), 512 MiB reserved for KV cache\n");
    expect(small.facts.kvCache.availableGiB).toBe(0.5);
    // a window cut after the utilization still states it, and no KV memory
    const cut = await analyzeText("INFO 03-02 10:20:12 hpu_worker.py:177] Free device memory: 79.57 GiB, 63.66 GiB usable (gpu_memory_utilization=0.8), 6.366 GiB reserved for HPUG\n");
    expect(cut.facts.config.gpuMemoryUtilization).toBe(0.8);
    expect(cut.facts.kvCache.availableGiB).toBeNull();
  });
});

describe("XLA's RESOURCE_EXHAUSTED on a TPU is an out-of-memory (vllm/cuda-oom), its memory space deciding the advice", () => {
  it("HBM at run time (PJRT's device buffer): the TPU, the sizes, and the usual memory advice in chips", async () => {
    const line = "(EngineCore_DP0 pid=311) ERROR 05-02 10:41:07 [core.py:700] RuntimeError: Bad StatusOr access: RESOURCE_EXHAUSTED: Error allocating device buffer: Attempting to allocate 2.00G. That was not possible. There are 1.53G free.; (0x0x0_HBM0)";
    for (const r of await reportsOf([line])) {
      const f = r.findings.find((x) => x.ruleId === "vllm/cuda-oom")!;
      expect(f.message).toMatch(/^TPU ran out of memory: it tried to allocate 2\.00G with 1\.53G free\./);
      expect(f.remediation[0]).toMatch(/TPU chips/);
      expect(r.verdict).toMatch(/^Failed \(vllm\/cuda-oom\)/);
    }
  });

  it("a kernel outgrowing a core's scratch memory at compile time: the shapes, not the memory budget", async () => {
    const r = await analyzeText("ERROR 09-10 18:02:11 engine.py:160] RuntimeError: Bad StatusOr access: RESOURCE_EXHAUSTED: XLA:TPU compile permanent error. Ran out of memory in memory space smem. Used 1.00M of 1.00M smem. Exceeded smem capacity by 1.7K.\n");
    const f = r.findings.find((x) => x.ruleId === "vllm/cuda-oom")!;
    expect(f.message).toMatch(/\(the XLA compiler's SMEM: 1\.00M needed, 1\.00M there\)/);
    expect(f.remediation).toHaveLength(1);
    expect(f.remediation[0]).toMatch(/--max-model-len and --max-num-batched-tokens/);
    // gRPC's RESOURCE_EXHAUSTED (a message over the size limit) is no device memory
    const grpc = await analyzeText("ERROR 09-10 18:02:11 [client.py:90] grpc status RESOURCE_EXHAUSTED: received message larger than max (5242880 vs. 4194304)\n");
    expect(ids(grpc)).not.toContain("vllm/cuda-oom");
  });
});
