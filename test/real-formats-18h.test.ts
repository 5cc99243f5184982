import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * Healthy runs (round 18): shapes met in real logs of runs where nothing failed, or where nothing failed in the paste.
 * Every log text here is written for the test, in the format's shape (several versions and wrappers each), and the
 * facts and findings checked are exact.
 */

describe("RCCL's advisory WARNs are not failures", () => {
  const advisories = [
    // ROCm/rccl src/misc/api_trace.cc: the optional profiler hook; the API table is returned all the same
    "/opt/rocm/share/rccl/src/misc/api_trace.cc:283 NCCL WARN [rocprofiler-sdk-rccl][4410] rocprofiler-register failed with error code 4 : Library's API is not supported",
    // src/init.cc: MSCCL++ left off, init goes on
    "/src/rccl/build/hipify/src/init.cc:2065 NCCL WARN MSCCL++: Cannot enable MSCCL++; environment is not MSCCL compatible",
    "init.cc:2061 NCCL WARN MSCCL++: Cannot enable MSCCL++ on gfx90a:sramecc+:xnack- architecture",
    "init.cc:2068 NCCL WARN MSCCL++: Feature not enabled. ENABLE_MSCCLPP must be defined at compile-time to enable this feature.",
    // src/init.cc start-up advice read from /proc/cmdline and the environment
    'init.cc:122 NCCL WARN Missing "iommu=pt" from kernel command line which can lead to system instablity or hang!',
    'init.cc:126 NCCL WARN Missing "HSA_FORCE_FINE_GRAIN_PCIE=1" from environment which can lead to low RCCL performance, system instablity or hang!',
  ];

  it("each one alone, bare: first WARN, no error, no finding", async () => {
    for (const w of advisories) {
      const r = await analyzeText(`mi250-07:4410:4410 [0] ${w}\nmi250-07:4410:4410 [0] NCCL INFO Bootstrap : Using hsn0:10.1.0.7<0>\n`);
      expect(r.facts.nccl.firstWarn?.line, w).toBe(1);
      expect(r.facts.firstError, w).toBeNull();
      expect(ids(r), w).toEqual([]);
    }
  });

  it("behind mpirun tags, a Ray prefix, NCCL_DEBUG_TIMESTAMP stamps and CRLF, in an rccl-tests start-up", async () => {
    const r = await analyzeText(
      [
        "[1,0]<stdout>:mi300-a:912:912 [0] /x/api_trace.cc:283 NCCL WARN [rocprofiler-sdk-rccl][912] rocprofiler-register failed with error code 2 : rocprofiler-register: incompatible version",
        "[1,1]<stdout>:",
        "[1,1]<stdout>:[2026-03-01 10:00:01] mi300-a:913:913 [1] /x/init.cc:2065 NCCL WARN MSCCL++: Cannot enable MSCCL++; environment is not MSCCL compatible",
        '(RayWorkerWrapper pid=77, ip=10.0.0.9) mi300-b:77:77 [2] /x/init.cc:213 NCCL WARN Missing "iommu=pt" from kernel command line which can lead to system instablity or hang!',
        "[1,0]<stdout>:#  Rank  0 Group  0 Pid    912 on     mi300-a device  0 [0000:0c:00] AMD Instinct MI300X",
        "[1,1]<stdout>:#  Rank  1 Group  0 Pid    913 on     mi300-a device  1 [0000:22:00] AMD Instinct MI300X",
        "RCCL version : 2.22.3-develop:1a2b3c4",
      ].join("\r\n"),
    );
    expect(r.facts.firstError).toBeNull();
    expect(ids(r, "error")).toEqual([]);
    expect(r.facts.nccl.firstWarn?.line).toBe(1);
    expect(r.facts.nccl.ranks).toBe(2);
    expect(r.facts.nccl.version).toBe("2.22.3");
  });

  it("a failing WARN among them is still an error", async () => {
    const r = await analyzeText(
      [
        "mi250-07:4410:4410 [0] init.cc:2065 NCCL WARN MSCCL++: Cannot enable MSCCL++; environment is not MSCCL compatible",
        "mi250-07:4410:4430 [0] enqueue.cc:402 NCCL WARN Error : ring 0 does not loop back to start (3 != 0)",
      ].join("\n"),
    );
    expect(r.facts.firstError?.line).toBe(2);
    expect(ids(r, "error")).toEqual(["nccl/internal-error"]);
  });
});

describe("PyTorch Lightning's rank prints name ranks", () => {
  it("`[rank: N]` prefixes, bare and behind a Ray actor, with an FSDP FutureWarning between", async () => {
    const r = await analyzeText(
      [
        "[rank: 0] Seed set to 1234",
        "(RayTrainWorker pid=501, ip=10.2.0.4) [rank: 3] Seed set to 1234",
        "/opt/venv/lib/python3.11/site-packages/torch/distributed/fsdp/fully_sharded_data_parallel.py:690: FutureWarning: FSDP.state_dict_type() is being deprecated.",
        "  warnings.warn(",
        "gpu-a:501:501 [0] NCCL INFO Bootstrap : Using ib0:10.2.0.4<0>",
        "NCCL version 2.21.5+cuda12.4",
      ].join("\n"),
    );
    expect(r.facts.nccl.ranks).toBe(2);
    expect(r.facts.nccl.version).toBe("2.21.5");
    expect(ids(r, "error")).toEqual([]);
  });

  it("`Initializing distributed: GLOBAL_RANK: N, MEMBER: M/W` in both spellings, under kubectl timestamps", async () => {
    const r = await analyzeText(
      [
        "2025-02-03T04:05:06.123456789Z initializing distributed: GLOBAL_RANK: 0, MEMBER: 1/4",
        "2025-02-03T04:05:06.223456789Z Initializing distributed: GLOBAL_RANK: 2, MEMBER: 3/4",
        "2025-02-03T04:05:06.323456789Z (RayExecutor pid=88, ip=10.9.0.3) Initializing distributed: GLOBAL_RANK: 3, MEMBER: 4/4",
        "2025-02-03T04:05:07.000000000Z All distributed processes registered. Starting with 4 processes",
      ].join("\n"),
    );
    expect(r.facts.nccl.ranks).toBe(3);
    expect(ids(r)).toEqual([]);
  });

  it("look-alikes are not ranks: `local rank: 0`, `[rank0]:` counted once as torchrun's, `rank: N` without brackets", async () => {
    const r = await analyzeText(
      [
        "INFO: local rank: 0, global rank: 1",
        "[rank1]:[W1217 21:17:25.153000 42 torch/_inductor/utils.py:1558] Not enough SMs to use max_autotune_gemm mode",
        "GPU available: True (cuda), used: True, rank: 5",
      ].join("\n"),
    );
    expect(r.facts.nccl.ranks).toBe(1);
  });
});

describe("PyTorch's `ProcessGroupNCCL environments: NCCL version: X` line", () => {
  it("gives the NCCL version, in glog form with `[PG ID .. Rank N]` and with the older `[PG N Rank N]`", async () => {
    for (const [line, want] of [
      ["I20241209 23:39:42.495654 138559122262912 ProcessGroupNCCL.cpp:914] [PG ID 0 PG GUID 0 Rank 1] ProcessGroupNCCL environments: NCCL version: 2.20.5, TORCH_NCCL_ASYNC_ERROR_HANDLING: 1, TORCH_NCCL_DUMP_ON_TIMEOUT: 0, TO", "2.20.5"],
      ["I0527 15:16:51.665462 58626 ProcessGroupNCCL.cpp:878] [PG 0 Rank 2] ProcessGroupNCCL environments: NCCL version: 2.18.3, TORCH_NCCL_ASYNC_ERROR_HANDLING: 1", "2.18.3"],
      ["[rank3]:I0101 00:00:00.000000 7 torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1068] [PG ID 0 PG GUID 0(default_pg) Rank 3] ProcessGroupNCCL environments: NCCL version: 2.26.2, TORCH_NCCL_ASYNC_ERROR_HANDLING: 3", "2.26.2"],
    ] as const) {
      const r = await analyzeText(`WARNING: Logging before InitGoogleLogging() is written to STDERR\n${line}\n`);
      expect(r.facts.nccl.version, line).toBe(want);
      expect(r.facts.nccl.ranks, line).toBe(1);
      expect(ids(r, "error"), line).toEqual([]);
    }
  });
});

describe("benign warnings of healthy vLLM start-ups raise nothing", () => {
  it("flashinfer's autotuner `OOM detected, falling back to default tactic` glued to its tqdm bar, and inductor's SM note", async () => {
    const r = await analyzeText(
      [
        "(EngineCore_DP0 pid=7) [AutoTuner]: Tuning fp8_gemm:  86%|████████▌ | 18/21 [00:00<00:00, 22.78profile/s]2026-07-06 23:18:23,723 - WARNING - autotuner.py:1315 - flashinfer.jit: [Autotuner]: OOM detected, falling back to default tactic",
        "(EngineCore_DP0 pid=7) [AutoTuner]: Tuning fp8_gemm: 100%|██████████| 21/21 [00:00<00:00, 34.03profile/s]",
        "(Worker_TP1 pid=42) [rank1]:W1217 21:17:25.153000 42 torch/_inductor/utils.py:1558] Not enough SMs to use max_autotune_gemm mode",
        "(EngineCore_DP0 pid=7) INFO 07-06 23:18:30 [gpu_worker.py:298] Available KV cache memory: 11.17 GiB",
        "(EngineCore_DP0 pid=7) INFO 07-06 23:18:30 [kv_cache_utils.py:1087] GPU KV cache size: 162,704 tokens",
      ].join("\n"),
    );
    expect(ids(r)).toEqual([]);
    expect(r.facts.kvCache.tokens).toBe(162704);
    expect(r.facts.kvCache.availableGiB).toBe(11.17);
  });
});

describe("an optional verbs call the NIC does not support is INFO, not an InfiniBand failure", () => {
  it("`NCCL INFO Call to ibv_set_ece failed with error Operation not supported errno 95` among a healthy IB set-up", async () => {
    const r = await analyzeText(
      [
        "node0:4744:4765 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/RoCE [RO]; OOB eth0:10.0.0.1<0>",
        "node0:4744:4765 [0] NCCL INFO Using network IB",
        "node0:4744:4765 [0] NCCL INFO Call to ibv_set_ece failed with error Operation not supported errno 95",
        "[1,1]<stdout>:node1:5120:5131 [0] NCCL INFO Call to ibv_query_ece not supported",
        "node0:4744:4765 [0] NCCL INFO NET/IB: IbDev 0 Port 1 qpn 42 set_ece={supported=0, vendor_id=0x763f, options=0x20046360, comp_mask=0x763f}",
        "node0:4744:4765 [0] NCCL INFO Channel 00/0 : 1[0] -> 0[0] [receive] via NET/IB/0/GDRDMA",
      ].join("\n"),
    );
    expect(ids(r)).toEqual([]);
    expect(r.facts.firstError).toBeNull();
    expect(r.facts.nccl.net).toBe("IB");
    expect(r.facts.nccl.gdr).toBe(true);
  });

  it("the same call failing at WARN level is one", async () => {
    const r = await analyzeText("node0:4744:4765 [0] misc/ibvwrap.cc:292 NCCL WARN Call to ibv_set_ece failed with error Invalid argument errno 22\n");
    expect(ids(r, "error")).toEqual(["nccl/ib-error"]);
  });
});

describe("a V1 object printed in a message names the engine", () => {
  it("`<vllm.v1.worker.gpu_worker.Worker object at 0x..>` under a Ray actor with the dedup suffix, and a `<class 'vllm.v1...'>`", async () => {
    const ray = await analyzeText(
      "(WorkerDict pid=72) WARNING 05-08 15:29:41 [utils.py:2413] Methods determine_num_available_blocks,initialize_cache not implemented in <vllm.v1.worker.gpu_worker.Worker object at 0x7f9588089210> [repeated 7x across cluster]\n",
    );
    expect(ray.facts.vllm.engine).toBe("v1");
    const cls = await analyzeText("INFO 01-01 00:00:00 core.py:1] engine class <class 'vllm.v1.engine.core.EngineCoreProc'>\r\n");
    expect(cls.facts.vllm.engine).toBe("v1");
  });

  it("a module name alone in prose is not one", async () => {
    const r = await analyzeText("WARNING 01-01 00:00:00 [utils.py:1] Set VLLM_USE_V1=1 to try vllm.v1.engine, the new engine.\n");
    expect(r.facts.vllm.engine).toBeNull();
  });
});
