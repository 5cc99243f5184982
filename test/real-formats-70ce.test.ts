import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import { WRAPS } from "./helpers/variants.js";
import { findGpu } from "../src/plan/gpus.js";

/**
 * Round 70ce: vLLM bug reports that paste `python collect_env.py` before (or instead of) the log, 0.4 → newest. On the
 * fifteen windows of this round every labelled fact read at first sight; the two misses were labels (a worker's
 * init-path traceback frames at ERROR are an engine that failed to start, as the main corpus reads them; a bare
 * `ModuleNotFoundError: …` line is a first error). What the dump must not give: an NCCL version from the pip list or
 * from a CUDA image's NCCL_VERSION, connections from the topology matrix, HCAs from its NIC Legend, a problem from a
 * dump alone; and the log's own statements outrank the dump's. One shape read wrong: a machine with mixed GPUs
 * (collect_env's `GPU 0: … RTX 4090` / `GPU 1: … RTX 3090`) was named after the last GPU listed; it now names every
 * model listed. Every text below is written for the test in the printed layout, under the shared wrappers.
 */

// the old layout's tail (0.5-0.8): conda rows, vLLM Version with its commit, the build flags, the matrix with a NIC,
// both legends and the environment variables collect_env adds
const oldTail = [
  "[conda] nvidia-nccl-cu12          2.20.5                   pypi_0    pypi",
  "[conda] torch                     2.4.0                    pypi_0    pypi",
  "[conda] triton                    3.0.0                    pypi_0    pypi",
  "ROCM Version: Could not collect",
  "Neuron SDK Version: N/A",
  `vLLM Version: 0.6.2@${"a1b2c3d4".repeat(5)}`,
  "vLLM Build Flags:",
  "CUDA Archs: Not Set; ROCm: Disabled; Neuron: Disabled",
  "GPU Topology:",
  "GPU0\tGPU1\tNIC0\tCPU Affinity\tNUMA Affinity\tGPU NUMA ID",
  "GPU0\t X \tNV12\tPXB\t0-23\t0\t\tN/A",
  "GPU1\tNV12\t X \tPXB\t0-23\t0\t\tN/A",
  "NIC0\tPXB\tPXB\t X ",
  "",
  "Legend:",
  "",
  "  X    = Self",
  "  PXB  = Connection traversing multiple PCIe bridges (without traversing the PCIe Host Bridge)",
  "  NV#  = Connection traversing a bonded set of # NVLinks",
  "",
  "NIC Legend:",
  "",
  "  NIC0: mlx5_2",
  "",
  "NVIDIA_VISIBLE_DEVICES=GPU-0a1b2c3d-4e5f-6789-abcd-ef0123456789",
  "NCCL_VERSION=2.21.5-1",
  "NCCL_CUMEM_ENABLE=0",
  "TORCHINDUCTOR_COMPILE_THREADS=1",
  "CUDA_MODULE_LOADING=LAZY",
].join("\n");

// the sectioned layout (0.9+): the vLLM Info section and a matrix whose header row is indented
const sectionedInfo = [
  "[pip3] nvidia-nccl-cu12==2.27.3",
  "[pip3] torch==2.8.0+cu128",
  "[conda] Could not collect",
  "",
  "==============================",
  "         vLLM Info",
  "==============================",
  "ROCM Version                 : Could not collect",
  "vLLM Version                 : 0.10.2",
  "vLLM Build Flags:",
  "  CUDA Archs: Not Set; ROCm: Disabled",
  "GPU Topology:",
  "        GPU0    GPU1    GPU2    GPU3    CPU Affinity    NUMA Affinity   GPU NUMA ID",
  "GPU0     X      PIX     SYS     SYS     0-15,64-79      0               N/A",
  "GPU1    PIX      X      SYS     SYS     0-15,64-79      0               N/A",
  "GPU2    SYS     SYS      X      PIX     16-31,80-95     1               N/A",
  "GPU3    SYS     SYS     PIX      X      16-31,80-95     1               N/A",
].join("\n");

const noConnections = (r: Awaited<ReturnType<typeof analyzeText>>) => Object.values(r.facts.nccl.transports).every((n) => n === 0);

describe("collect_env.py pasted with (or instead of) the log (round 70ce)", () => {
  for (const [name, wrap] of WRAPS) {
    it(`a dump alone gives its vLLM version and nothing of NCCL's or a run's (${name})`, async () => {
      for (const [text, version] of [
        [oldTail, "0.6.2"],
        [sectionedInfo, "0.10.2"],
      ] as const) {
        const r = await analyzeText(wrap(text));
        expect(r.facts.vllm.version).toBe(version);
        // the wheel, the image's NCCL_VERSION: what is installed, not what a process loaded
        expect(r.facts.nccl.version).toBeNull();
        expect(noConnections(r)).toBe(true);
        expect(r.facts.nccl.ibHcas ?? []).toEqual([]);
        expect(r.facts.vllm.engine).toBeNull();
        expect(r.facts.config.tensorParallelSize).toBeNull();
        expect(r.facts.firstError).toBeNull();
        expect(ids(r)).toEqual([]);
      }
    });
  }

  it("pasted source of collect_env.py and a shell prompt under the legend are no facts either", async () => {
    const r = await analyzeText(
      [
        "from vllm.envs import environment_variables",
        "SystemEnv = namedtuple(",
        "    'SystemEnv',",
        "    [",
        "        'torch_version',",
        "        'nvidia_gpu_models',",
        "        'pip_packages',",
        "  NIC1: mlx5_1",
        "root@gpu-node-07:/workspace# ",
      ].join("\n"),
    );
    expect(r.facts.vllm.version).toBeNull();
    expect(r.facts.gpu).toMatchObject({ name: null, count: null });
    expect(r.facts.firstError).toBeNull();
    expect(ids(r)).toEqual([]);
  });

  for (const [name, wrap] of WRAPS) {
    it(`the log after the dump: its own version and config win, curly-quoted non-default args still read (${name})`, async () => {
      const r = await analyzeText(
        wrap(
          [
            "vLLM Version                 : 0.10.2",
            "GPU models and configuration : ",
            "GPU 0: NVIDIA L40S",
            "GPU 1: NVIDIA L40S",
            "$ python serve_check.py",
            "INFO 03-02 09:14:05 [__init__.py:216] Automatically detected platform cuda.",
            "INFO 03-02 09:14:08 [utils.py:233] non-default args: {‘tensor_parallel_size’: 2, ‘gpu_memory_utilization’: 0.85, ‘model’: ‘~/models/Qwen3-8B’}",
            "INFO 03-02 09:14:08 [model.py:1510] Using max model len 32768",
            "(EngineCore_DP0 pid=4120) INFO 03-02 09:14:10 [core.py:77] Initializing a V1 LLM engine (v0.11.0) with config: model=‘/srv/models/Qwen3-8B’, speculative_config=None, tokenizer=‘/srv/models/Qwen3-8B’, dtype=torch.bfloat16, max_seq_len=32768, tensor_pa",
          ].join("\n"),
        ),
      );
      expect(r.facts.vllm).toMatchObject({ version: "0.11.0", engine: "v1" });
      expect(r.facts.config).toMatchObject({ model: "/srv/models/Qwen3-8B", tensorParallelSize: 2, gpuMemoryUtilization: 0.85, maxModelLen: 32768 });
      expect(r.facts.gpu).toMatchObject({ name: "NVIDIA L40S", count: 2 });
      expect(ids(r)).toEqual([]);
    });
  }

  it("a worker's init-path frames at ERROR are an engine that failed to start, with no first error among them", async () => {
    const frame = (s: string) => `(VllmWorkerProcess pid=2231) ERROR 10-02 11:20:31 multiproc_worker_utils.py:226] ${s}`;
    for (const [name, wrap] of WRAPS) {
      const r = await analyzeText(
        wrap(
          [
            frame("  File \"/usr/lib/python3.10/site-packages/vllm/worker/worker.py\", line 176, in init_device"),
            frame("    init_worker_distributed_environment(self.parallel_config, self.rank,"),
            frame("  File \"/usr/lib/python3.10/site-packages/vllm/distributed/parallel_state.py\", line 965, in ensure_model_parallel_initialized"),
            frame("    initialize_model_parallel(tensor_model_parallel_size,"),
          ].join("\n"),
        ),
      );
      expect(r.facts.vllm.engine, name).toBe("v0");
      expect(r.facts.config.executorBackend, name).toBe("mp");
      expect(r.facts.firstError, name).toBeNull();
      expect(ids(r), name).toContain("vllm/engine-init-failed");
    }
  });

  it("collect_env's own import failure is the first error, and the torch report after it is only environment", async () => {
    const r = await analyzeText(
      [
        "python collect_env.py",
        "    from vllm.envs import environment_variables",
        "ModuleNotFoundError: No module named 'vllm.envs'",
        "Collecting environment information...",
        "PyTorch version: 2.5.1+cu121",
        "GPU models and configuration: ",
        "GPU 0: Tesla V100-SXM2-32GB",
        "GPU 1: Tesla V100-SXM2-32GB",
      ].join("\r\n"),
    );
    expect(r.facts.firstError?.text).toBe("ModuleNotFoundError: No module named 'vllm.envs'");
    expect(r.facts.gpu).toMatchObject({ name: "Tesla V100-SXM2-32GB", count: 2 });
    expect(ids(r, "error")).toEqual([]);
  });
});

describe("records vLLM's import prints are no engine (round 70ce)", () => {
  // collect_env.py imports vllm, so a dump on ROCm (0.6.x) starts with rocm.py's module-level warning, and one where the
  // kernels do not load with _custom_ops' warning; ≤0.7.3's unbracketed record format marks the V0 era only on records
  // a running engine prints
  const rocmDump = [
    "WARNING 01-14 08:02:11 rocm.py:31] `fork` method is not supported by ROCm. VLLM_WORKER_MULTIPROC_METHOD is overridden to `spawn` instead.",
    "Collecting environment information...",
    "PyTorch version: 2.5.1+rocm6.2",
    "GPU models and configuration: AMD Instinct MI210 (gfx90a:sramecc+:xnack-)",
    "ROCM Version: 6.2.41133-dd7f95766",
    "vLLM Version: 0.6.6.post1",
  ];
  for (const [name, wrap] of WRAPS) {
    it(`a ROCm dump gives its version and GPU but no engine (${name})`, async () => {
      const r = await analyzeText(wrap(rocmDump.join("\n")));
      expect(r.facts.vllm).toEqual({ version: "0.6.6.post1", engine: null });
      expect(r.facts.gpu.name).toBe("AMD Instinct MI210");
      expect(ids(r)).toEqual([]);
    });
  }

  it("the kernels' import warning stays a finding without making an engine; an engine's own record still marks V0", async () => {
    const warn = "WARNING 02-03 10:11:12 _custom_ops.py:19] Failed to import from vllm._C with ImportError('libcudart.so.12: cannot open shared object file: No such file or directory')";
    const dump = await analyzeText([warn, "vLLM Version: 0.6.3"].join("\n"));
    expect(dump.facts.vllm.engine).toBeNull();
    expect(ids(dump)).toContain("vllm/kernels-import-failed");
    const run = await analyzeText([...rocmDump, "INFO 01-14 08:02:20 config.py:510] This model supports multiple tasks: {'generate', 'embedding'}. Defaulting to 'generate'."].join("\n"));
    expect(run.facts.vllm.engine).toBe("v0");
    // (the bracketed ≥0.8 format marks no era either way)
    expect((await analyzeText("WARNING 05-06 07:08:09 [rocm.py:31] `fork` method is not supported by ROCm. VLLM_WORKER_MULTIPROC_METHOD is overridden to `spawn` instead.")).facts.vllm.engine).toBeNull();
  });
});

describe("a GPU census of mixed models (round 70ce)", () => {
  for (const [name, wrap] of WRAPS) {
    it(`names every model listed, in order, not the last one alone (${name})`, async () => {
      const r = await analyzeText(
        wrap(
          [
            "GPU models and configuration: ",
            "GPU 0: NVIDIA GeForce RTX 4090",
            "GPU 1: NVIDIA GeForce RTX 3090",
            "GPU 2: NVIDIA GeForce RTX 3090",
            "",
            "Nvidia driver version: 560.35.03",
          ].join("\n"),
        ),
      );
      expect(r.facts.gpu).toMatchObject({ name: "NVIDIA GeForce RTX 4090 + NVIDIA GeForce RTX 3090", count: 3 });
      expect(r.verdict).toContain("3 GPUs: NVIDIA GeForce RTX 4090 + NVIDIA GeForce RTX 3090");
      expect(r.verdict).not.toContain("3× NVIDIA GeForce RTX 4090 +");
    });
  }

  it("one model stays one name; a longer model name is another model; a name the nvidia-smi table cut is the same", async () => {
    const uniform = await analyzeText(["GPU 0: NVIDIA H100 80GB HBM3", "GPU 1: NVIDIA H100 80GB HBM3"].join("\n"));
    expect(uniform.facts.gpu).toMatchObject({ name: "NVIDIA H100 80GB HBM3", count: 2 });
    expect(uniform.verdict).toContain("2× NVIDIA H100 80GB HBM3");
    const ti = await analyzeText(["GPU 0: NVIDIA GeForce RTX 3090", "GPU 1: NVIDIA GeForce RTX 3090 Ti"].join("\n"));
    expect(ti.facts.gpu.name).toBe("NVIDIA GeForce RTX 3090 + NVIDIA GeForce RTX 3090 Ti");
    const cut = await analyzeText(
      [
        "|   0  NVIDIA RTX 6000 Ada Gene...    On  |   00000000:17:00.0 Off |                  Off |",
        "GPU 1: NVIDIA RTX 6000 Ada Generation (UUID: GPU-11112222-3333-4444-5555-666677778888)",
      ].join("\n"),
    );
    expect(cut.facts.gpu).toMatchObject({ name: "NVIDIA RTX 6000 Ada Generation", count: 2 });
  });

  it("the planner takes no one model's figures for a mixed census", () => {
    expect(findGpu("NVIDIA GeForce RTX 4090 + NVIDIA GeForce RTX 3090")).toBeNull();
    expect(findGpu("NVIDIA GeForce RTX 4090")).not.toBeNull();
  });
});
