import { describe, expect, it } from "vitest";
import { analyzeText, eachWrapped, ids } from "./rules/analyze-text.js";

/**
 * Formats of a seventieth round of real logs (theme nf): NVIDIA's own venues — NCCL and nccl-tests threads from WSL
 * desktops and DGX-class RoCE pairs, NIM for LLMs containers (their banner, NIM's own logger with one to three digits
 * of fractional seconds, NIM's JSONL logging), Jetson and DGX Spark (GB10) vLLM runs. The tool read them all as
 * labelled but for one fact the labels did not score: NIM's own modules log in vLLM's ≤0.7 record layout (no bracket
 * round the file), which marked the V0 era, so a NIM start that only picked its profile (`ngc_injector.py`,
 * `launch.py`) was read as a V0 engine. Their records show the container, not an engine, and mark none now. Every log
 * text here is written for the test in the printed layout.
 */

const WRAPS = [
  ["plain", (l: string) => l],
  ["kubectl --timestamps", (l: string) => `2026-12-07T03:41:07.204118311Z ${l}`],
  ["docker compose", (l: string) => `nim-llm-1  | ${l}`],
] as const;
const WITH_RAY = [...WRAPS, ["Ray", (l: string) => `(RayWorkerWrapper pid=3302, ip=10.4.0.9) ${l}`]] as const;

describe("nccl-tests failing on a WSL desktop (topology sysfs path missing)", () => {
  const lines = [
    "# nThread 1 nGpus 1 minBytes 8388608 maxBytes 8388608 step: 1048576(bytes) warmup iters: 1 iters: 5 validation: 1",
    "#",
    "# Using devices",
    "#   Rank  0 Pid   4120 on     WINBOX device  0 [0x0a] NVIDIA GeForce RTX 3090",
    "NCCL version 2.9.9+cuda11.3",
    "WINBOX: Test NCCL failure common.cu:801 'unhandled system error'",
    "WINBOX:4120:4120 [0] NCCL INFO Bootstrap : Using eth0:172.20.1.7<0>",
    "",
    "WINBOX:4120:4120 [0] misc/ibvwrap.cc:63 NCCL WARN Failed to open libibverbs.so[.1]",
    "WINBOX:4120:4120 [0] NCCL INFO NET/Socket : Using [0]eth0:172.20.1.7<0>",
    "WINBOX:4120:4120 [0] NCCL INFO Using network Socket",
    "",
    "WINBOX:4120:4126 [0] graph/xml.cc:332 NCCL WARN Could not find real path of /sys/class/pci_bus/0000:0a/../../0000:0a:00.0",
    "WINBOX:4120:4126 [0] NCCL INFO graph/xml.cc:469 -> 2",
    "WINBOX:4120:4126 [0] NCCL INFO graph/topo.cc:522 -> 2",
  ];
  it("reads version, Socket, one rank on one host, the test's failure first and the benign WARN as first warn", async () => {
    await eachWrapped(WRAPS, lines, (r, at) => {
      const n = r.facts.nccl;
      expect(n.version, at).toBe("2.9.9");
      expect(n.net, at).toBe("Socket");
      expect(n.ranks, at).toBe(1);
      expect(n.nodes, at).toBe(1);
      expect(n.firstWarn?.line, at).toBe(9);
      expect(r.facts.firstError?.line, at).toBe(6);
      expect(ids(r), at).toContain("nccl/system-error");
      // one host on sockets: the network choice does not matter there
      expect(ids(r), at).not.toContain("nccl/socket-fallback");
    });
  });
  it("a blockquoted paste whose header lost its '#' still names rank 0", async () => {
    const quoted = lines.map((l) => `> ${l.replace(/^#\s*/, "")}`);
    const r = await analyzeText(quoted.join("\n") + "\n");
    expect(r.facts.nccl.ranks).toBe(1);
    expect(r.facts.firstError?.line).toBe(6);
    expect(ids(r)).toContain("nccl/system-error");
  });
});

describe("a WSL2 NCCL init flattened onto one line, with the libcuda WARN NCCL goes on past", () => {
  const flat =
    "hostw:5511:5511 [0] misc/cudawrap.cc:179 NCCL WARN Failed to find CUDA library libcuda.so (NCCL_CUDA_PATH='') : libcuda.so: cannot open shared object file: No such file or directory NCCL version 2.18.3+cuda12.1 hostw:5511:5602 [0] NCCL INFO Failed to open libibverbs.so[.1] hostw:5511:5602 [0] NCCL INFO NET/Socket : Using [0]eth0:172.25.9.3<0> hostw:5511:5602 [0] NCCL INFO Using network Socket hostw:5511:5602 [0] NCCL INFO Channel 00/02 : 0 1 hostw:5511:5602 [0] NCCL INFO Trees [0] 1/-1/-1->0->-1 [1] 1/-1/-1->0->-1";
  it("keeps version, Socket and the first warn, invents no rank and reports no failure", async () => {
    await eachWrapped(WRAPS, ["hostw:5511:5511 [0] NCCL INFO NET/Plugin : No plugin found, using internal implementation", "", flat], (r, at) => {
      const n = r.facts.nccl;
      expect(n.version, at).toBe("2.18.3");
      expect(n.net, at).toBe("Socket");
      expect(n.nodes, at).toBe(1);
      expect(n.ranks, at).toBeNull();
      expect(n.firstWarn?.line, at).toBe(3);
      expect(r.facts.firstError, at).toBeNull();
      expect(ids(r, "error"), at).toEqual([]);
    });
  });
});

describe("a two-node RoCE nccl-tests start with only the last header line", () => {
  const lines = [
    "#   Rank  7 Pid  30871 on    gpu-b device  3 [0x4b] NVIDIA A800-SXM4-80GB",
    "gpu-a:11902:11902 [0] NCCL INFO Bootstrap : Using bond0:10.20.0.11<0>",
    "gpu-a:11902:11902 [0] NCCL INFO NET/IB : Using [0]mlx5_2:1/RoCE ; OOB bond0:10.20.0.11<0>",
    "gpu-a:11902:11902 [0] NCCL INFO Using network IB",
    "NCCL version 2.11.4+cuda11.4",
    "gpu-b:30868:30868 [0] NCCL INFO NET/IB : Using [0]mlx5_2:1/RoCE ; OOB bond0:10.20.0.12<0>",
    "gpu-b:30871:31002 [3] NCCL INFO Trees [0] -1/-1/-1->7->6 [1] -1/-1/-1->7->6",
    "gpu-a:11902:12050 [0] NCCL INFO Channel 00/02 :    0   3   2   1   4   7   6   5",
  ];
  it("counts the header's rank only, two hosts, the HCA, and no connection kinds", async () => {
    await eachWrapped(WRAPS, lines, (r, at) => {
      const n = r.facts.nccl;
      expect(n.version, at).toBe("2.11.4");
      expect(n.ranks, at).toBe(1);
      expect(n.nodes, at).toBe(2);
      expect(n.net, at).toBe("IB");
      expect(n.ibHcas, at).toEqual(["mlx5_2:1"]);
      expect(Object.values(n.transports).every((v) => v === 0), at).toBe(true);
      expect(n.gdr, at).toBeNull();
      expect(ids(r, "error"), at).toEqual([]);
    });
  });
});

describe("NIM for LLMs: banner, NIM's own logger and its JSONL logging are no vLLM facts", () => {
  it("the container banner alone reads to nothing", async () => {
    const lines = [
      "===========================================",
      "== NVIDIA Inference Microservice LLM NIM ==",
      "===========================================",
      "",
      "NVIDIA Inference Microservice LLM NIM Version 1.1.2",
      "Model: nim/meta/llama3-70b-instruct",
    ];
    await eachWrapped(WRAPS, lines, (r, at) => {
      expect(r.facts.config.model, at).toBeNull();
      expect(r.facts.vllm.version, at).toBeNull();
      expect(r.findings, at).toEqual([]);
    });
  });
  it("profile selection lines (one to three fractional digits) set no tp nor engine; an ERROR of that logger is the first error", async () => {
    const lines = [
      "INFO 08-02 11:20:31.7 ngc_profile.py:222] Running NIM without LoRA. Only looking for compatible profiles that do not support LoRA.",
      "INFO 08-02 11:20:31.71 ngc_injector.py:120] Valid profile: 0f3de1afe11d355e01657424a267fbaad19bfea3143a9879307c49aed8299db0 (vllm-bf16-tp2) on GPUs [0, 1]",
      "INFO 08-02 11:20:31.88 ngc_injector.py:179] Profile metadata: tp: 2",
      "INFO 08-02 11:20:31.88 ngc_injector.py:179] Profile metadata: llm_engine: vllm",
      "INFO 08-02 11:20:32.402 launch.py:46] engine_world_size=2",
    ];
    await eachWrapped(WITH_RAY, lines, (r, at) => {
      expect(r.facts.config.tensorParallelSize, at).toBeNull();
      expect(r.facts.vllm.engine, at).toBeNull();
      expect(r.facts.firstError, at).toBeNull();
      expect(r.findings, at).toEqual([]);
    });
    const failed = await analyzeText([...lines, "ERROR 08-02 11:20:33.5 launch.py:81] Model workspace download failed: 401 Unauthorized"].join("\n") + "\n");
    expect(failed.facts.firstError?.line).toBe(6);
    expect(failed.facts.vllm.engine).toBeNull();
  });
  it("near miss: vLLM's own ≤0.7 records after NIM's still mark the V0 era", async () => {
    const r = await analyzeText(
      [
        "INFO 08-02 11:20:32.402 launch.py:46] engine_world_size=1",
        "INFO 08-02 11:20:40.118 api_server.py:489] vLLM API server version 0.5.5",
        "INFO 08-02 11:20:41.9 gpu_executor.py:102] # GPU blocks: 27710, # CPU blocks: 2048",
      ].join("\n") + "\n",
    );
    expect(r.facts.vllm.engine).toBe("v0");
    expect(r.facts.vllm.version).toBe("0.5.5");
    expect(r.facts.kvCache.gpuBlocks).toBe(27710);
  });
  it("JSONL records: INFO reads to nothing, an ERROR record's exception is read", async () => {
    const rec = (level: string, message: string) =>
      JSON.stringify({ level, time: "08-02 11:20:31.435", file_path: "/opt/nim/llm/vllm_nvext/hub/ngc_injector.py", line_number: "146", message, exc_info: "None", stack_info: "None" }).replace(/","/g, '", "').replace(/":"/g, '": "');
    const lines = [rec("INFO", "Profile metadata: pp: 1"), rec("INFO", "Profile metadata: tp: 4"), rec("INFO", "Profile metadata: llm_engine: tensorrt_llm")];
    const r = await analyzeText(lines.join("\n") + "\n");
    expect(r.facts.config.tensorParallelSize).toBeNull();
    expect(r.facts.config.pipelineParallelSize).toBeNull();
    expect(r.findings).toEqual([]);
    const oom = await analyzeText([...lines, rec("ERROR", "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 1.50 GiB. GPU 0 has a total capacity of 23.68 GiB of which 812.00 MiB is free.")].join("\n") + "\n");
    expect(oom.facts.firstError?.line).toBe(4);
    expect(ids(oom)).toContain("vllm/cuda-oom");
  });
});

describe("vLLM on Jetson and DGX Spark", () => {
  it("a V1 start on an Orin whose first line lost its 'I', then EngineCore failed to start", async () => {
    const lines = [
      "NFO 11-03 09:12:40 [loader.py:458] Loading weights took 2.91 seconds",
      "INFO 11-03 09:12:41 [gpu_model_runner.py:1347] Model loading took 1.8804 GiB and 4.512233 seconds",
      "ERROR 11-03 09:12:44 [core.py:396] EngineCore failed to start.",
      "ERROR 11-03 09:12:44 [core.py:396] Traceback (most recent call last):",
      'ERROR 11-03 09:12:44 [core.py:396]   File "/opt/venv/lib/python3.12/site-packages/vllm/v1/engine/core.py", line 387, in run_engine_core',
    ];
    await eachWrapped(WITH_RAY, lines, (r, at) => {
      expect(r.facts.vllm.engine, at).toBe("v1");
      expect(r.facts.memory.modelWeightsGiB, at).toBeCloseTo(1.8804, 4);
      expect(r.facts.firstError?.line, at).toBe(3);
      expect(ids(r), at).toContain("vllm/engine-init-failed");
    });
  });
  it("the ≥0.19 banner with the pasted serve command gives version, model, tp and memory share", async () => {
    const lines = [
      "user@spark-4d1a:~$ vllm serve nvidia/Qwen3-30B-A3B-NVFP4 --gpu-memory-utilization 0.7 --tensor-parallel-size 1 --max-num-seqs 16",
      "(APIServer pid=88121) INFO 09-14 10:02:11 [api_utils.py:345]        █     █     █▄   ▄█",
      "(APIServer pid=88121) INFO 09-14 10:02:11 [api_utils.py:345]  ▄▄ ▄█ █     █     █ ▀▄▀ █  version 0.26.2",
      "(APIServer pid=88121) INFO 09-14 10:02:11 [api_utils.py:345]   █▄█▀ █     █     █     █  model   nvidia/Qwen3-30B-A3B-NVFP4",
      "(APIServer pid=88121) INFO 09-14 10:02:11 [api_utils.py:345]    ▀▀  ▀▀▀▀▀ ▀▀▀▀▀ ▀     ▀",
    ];
    await eachWrapped(WRAPS, lines, (r, at) => {
      expect(r.facts.vllm.version, at).toBe("0.26.2");
      expect(r.facts.vllm.engine, at).toBe("v1");
      expect(r.facts.config.model, at).toBe("nvidia/Qwen3-30B-A3B-NVFP4");
      expect(r.facts.config.tensorParallelSize, at).toBe(1);
      expect(r.facts.config.gpuMemoryUtilization, at).toBe(0.7);
      expect(r.findings, at).toEqual([]);
    });
  });
  it("an EngineCore's traceback frames alone (the timeout's message cut off) state no error", async () => {
    const lines = [
      '(EngineCore pid=204) ERROR 10-02 18:40:11 [core.py:1242]   File "/usr/local/lib/python3.12/dist-packages/vllm/v1/executor/multiproc_executor.py", line 91, in result',
      "(EngineCore pid=204) ERROR 10-02 18:40:11 [core.py:1242]     return super().result()",
      "(EngineCore pid=204) ERROR 10-02 18:40:11 [core.py:1242]            ^^^^^^^^^^^^^^^^",
      "(EngineCore pid=204) ERROR 10-02 18:40:11 [core.py:1242]     raise self._exception",
    ];
    await eachWrapped(WRAPS, lines, (r, at) => {
      expect(r.facts.firstError, at).toBeNull();
      expect(r.facts.config.executorBackend, at).toBe("mp");
      expect(ids(r, "error"), at).toEqual([]);
    });
  });
  it("a NIM worker's [rank0]: traceback ends in the model's own ValueError", async () => {
    const lines = [
      '[rank0]:   File "/opt/nim/llm/.venv/lib/python3.10/site-packages/vllm/model_executor/layers/rotary_embedding.py", line 871, in get_rope',
      '[rank0]:     raise ValueError(f"Unknown RoPE scaling type {scaling_type}")',
      "[rank0]: ValueError: Unknown RoPE scaling type dynamic-ntk",
    ];
    await eachWrapped(WRAPS, lines, (r, at) => {
      expect(r.facts.firstError?.line, at).toBe(3);
      expect(r.facts.firstError?.text, at).toContain("Unknown RoPE scaling type dynamic-ntk");
    });
  });
});
