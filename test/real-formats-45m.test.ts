import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * Formats found in a forty-fifth round of real logs of multi-node vLLM without Ray: the mp backend across nodes
 * (`--nnodes`, `--node-rank`, `--master-addr`, `--headless`), data parallel engines on several nodes, offline data
 * parallel scripts, `distributed_executor_backend="external_launcher"` under torchrun, and each node's output as a
 * launcher labels it (srun `--label`'s `N: `, pdsh's `host: `). Every log text here is written for the test in the
 * printed layout.
 */

const EOLS = ["\n", "\r\n"];

async function eachEol(lines: string[], check: (r: Awaited<ReturnType<typeof analyzeText>>, at: string) => void): Promise<void> {
  for (const eol of EOLS) check(await analyzeText(lines.join(eol) + eol), JSON.stringify(eol));
}

// an offline data-parallel script's engine failing in its constructor (a window of the traceback, cut before its
// exception line, as a paste often is): the frames, their code lines and a caret line
const offlineDp = [
  "Process Process-2:",
  "Traceback (most recent call last):",
  '  File "/usr/lib/python3.12/multiprocessing/process.py", line 314, in _bootstrap',
  "    self.run()",
  '  File "/home/me/dp/run_dp.py", line 88, in main',
  "    llm = LLM(model=model_path,",
  "          ^^^^^^^^^^^^^^^^^^^^^",
  '  File "/opt/venv/lib/python3.12/site-packages/vllm/entrypoints/llm.py", line 251, in __init__',
  "    self.llm_engine = LLMEngine.from_engine_args(",
  "                      ^^^^^^^^^^^^^^^^^^^^^^^^^^^",
];

describe("a launcher's label before each line of a traceback (srun --label, pdsh): the code lines under the frames stay the traceback's", () => {
  const labels: [string, (l: string) => string][] = [
    ["srun --label", (l) => `0: ${l}`],
    ["srun --label, two digits", (l) => `12: ${l}`],
    ["pdsh host", (l) => `gpu-node-02: ${l}`],
    ["pdsh address", (l) => `10.20.0.7: ${l}`],
    ["srun --label in a markdown quote", (l) => `> 3: ${l}`],
    ["MPICH -prepend-rank / Intel MPI -l", (l) => `[3] ${l}`],
  ];

  for (const [name, label] of labels) {
    it(`${name}: the engine's start-up traceback, cut before its exception, is the engine failing to start`, async () => {
      await eachEol(offlineDp.map(label), (r, at) => {
        expect(ids(r, "error"), at).toEqual(["vllm/engine-init-failed"]);
        const t = r.facts.tracebacks?.list ?? [];
        expect(t.map((x) => x.stage), at).toEqual(["init"]);
      });
    });
  }

  it("plain, without a label, reads the same (the reference)", async () => {
    await eachEol(offlineDp, (r, at) => {
      expect(ids(r, "error"), at).toEqual(["vllm/engine-init-failed"]);
      expect((r.facts.tracebacks?.list ?? []).map((x) => x.stage), at).toEqual(["init"]);
    });
  });

  it("srun's label before the NCCL failure and the engine's traceback: the NCCL error is the root cause", async () => {
    const lines = [
      "    self.NCCL_CHECK(self._funcs[\"ncclCommInitRank\"](ctypes.byref(comm),",
      '  File "/opt/venv/lib/python3.12/site-packages/vllm/distributed/device_communicators/pynccl_wrapper.py", line 260, in NCCL_CHECK',
      '    raise RuntimeError(f"NCCL error: {error_str}")',
      "RuntimeError: NCCL error: invalid usage (run with NCCL_DEBUG=WARN for details)",
      "INFO 05-02 09:14:07 [multiproc_worker_utils.py:124] Killing local vLLM worker processes",
      ...offlineDp,
    ].map((l) => `1: ${l}`);
    await eachEol(lines, (r, at) => {
      expect(ids(r, "error").sort(), at).toEqual(["nccl/error", "vllm/engine-init-failed"]);
      expect(r.facts.tracebacks?.rootCause?.evidence.line, at).toBe(4);
      expect(r.facts.config.executorBackend, at).toBe("mp");
    });
  });

  it("another rank's labelled code line is not read into rank 0's open traceback", async () => {
    // rank 0's traceback shows only a frame with no start-up function; rank 1's line under its own label is no code of it
    const lines = [
      "0: Traceback (most recent call last):",
      '0:   File "/home/me/dp/run_dp.py", line 88, in main',
      "1:     self.llm_engine = LLMEngine.from_engine_args(",
    ];
    const r = await analyzeText(lines.join("\n") + "\n");
    expect(ids(r)).not.toContain("vllm/engine-init-failed");
  });

  it("an aligned table of `Key:     value` lines with no traceback open reads as text: no host, no finding", async () => {
    const r = await analyzeText(["Head IP:         10.1.2.3", "Model:           my-org/model-a", "Tensor:          2"].join("\n") + "\n");
    expect(ids(r)).toEqual([]);
    expect(r.facts.nccl.nodes).toBeNull();
  });
});

describe("a multi-node mp launch command with a shell comment after a continuation", () => {
  const command = [
    "export NCCL_SOCKET_IFNAME=enp1s0f0np0",
    "",
    "vllm serve my-org/moe-nvfp4 \\",
    "  --tensor-parallel-size 2 \\",
    "  --nnodes 2 \\",
    "  --node-rank 0 \\  # (node-rank 1 on the other box, with --headless)",
    "  --master-addr 192.168.50.10 \\",
    "  --gpu-memory-utilization 0.85 \\",
    "  --port 8000",
  ];

  it("reads the layout of this node and never the comment's --headless", async () => {
    await eachEol(command, (r, at) => {
      expect(r.facts.config.model, at).toBe("my-org/moe-nvfp4");
      expect(r.facts.config.tensorParallelSize, at).toBe(2);
      expect(r.facts.config.nnodes, at).toBe(2);
      expect(r.facts.config.nodeRank, at).toBe(0);
      expect(r.facts.config.masterAddr, at).toBe("192.168.50.10");
      expect(r.facts.config.gpuMemoryUtilization, at).toBe(0.85);
      expect(r.facts.config.headless, at).toBeNull();
      expect(ids(r), at).toContain("vllm/tp-spans-nodes");
    });
  });
});

describe("data parallel engines of one host: a shell prompt's command and NCCL's duplicate-GPU warning", () => {
  it("`$  uv run vllm serve ... --data-parallel-size 2` and two ranks on one device give nccl/duplicate-gpu", async () => {
    const lines = [
      "$  uv run vllm serve /models/qwen-small --port 8100 --served-model-name small --data-parallel-size 2",
      "...",
      "box7:40110:40110 [0] init.cc:943 NCCL WARN Duplicate GPU detected : rank 0 and rank 1 both on CUDA device 3b000",
      "box7:40111:40111 [0] init.cc:943 NCCL WARN Duplicate GPU detected : rank 1 and rank 0 both on CUDA device 3b000",
      "(EngineCore_1 pid=40111)     self.pynccl_comm = PyNcclCommunicator(",
      '(EngineCore_0 pid=40110)     raise RuntimeError(f"NCCL error: {error_str}")',
    ];
    await eachEol(lines, (r, at) => {
      expect(ids(r, "error"), at).toContain("nccl/duplicate-gpu");
      expect(r.facts.config.model, at).toBe("/models/qwen-small");
      expect(r.facts.config.dataParallelSize, at).toBe(2);
      expect(r.facts.nccl.nodes, at).toBe(1);
    });
  });
});

describe("external_launcher under torchrun: every line behind torchrun's `[rankN]:` tag", () => {
  it("reads the backend, the world size and the KV cache of rank 0", async () => {
    const lines = [
      "[rank1]:INFO 05-02 10:11:12 [utils.py:330] non-default args: {'seed': 3, 'distributed_executor_backend': 'external_launcher', 'tensor_parallel_size': 2, 'model': 'my-org/tiny-rl'}",
      "[rank0]:INFO 05-02 10:11:12 [utils.py:330] non-default args: {'seed': 3, 'distributed_executor_backend': 'external_launcher', 'tensor_parallel_size': 2, 'model': 'my-org/tiny-rl'}",
      "[rank0]:INFO 05-02 10:11:20 [parallel_state.py:1170] rank 0 in world size 2 is assigned as DP rank 0, PP rank 0, TP rank 0, EP rank 0",
      "[rank1]:INFO 05-02 10:11:20 [parallel_state.py:1170] rank 1 in world size 2 is assigned as DP rank 0, PP rank 0, TP rank 1, EP rank 1",
      "[rank0]:INFO 05-02 10:11:41 [kv_cache_utils.py:870] GPU KV cache size: 98,304 tokens",
    ];
    await eachEol(lines, (r, at) => {
      expect(r.facts.config.executorBackend, at).toBe("external_launcher");
      expect(r.facts.config.tensorParallelSize, at).toBe(2);
      expect(r.facts.distributed.worldSize, at).toBe(2);
      expect(r.facts.kvCache.tokens, at).toBe(98304);
      expect(ids(r, "error"), at).toEqual([]);
    });
  });
});

describe("a data-parallel engine's input dump, its config line hard-wrapped inside a number", () => {
  it("reads the config across the wrap and reports the engine dying after it started", async () => {
    const lines = [
      "(EngineCore_1 pid=5120) ERROR 06-03 11:22:33 [dump_input.py:69] Dumping input data for V1 LLM engine (v0.10.1) with config: model='/models/moe-w8a8', tokenizer='/models/moe-w8a8', dtype=torch.bfloat16, max_seq_len=16384, tensor_parallel_size=4, pipeline_parallel_size=1, seed=204",
      "8, served_model_name=moe, enable_prefix_caching=False, compilation_config={\"level\":0}",
    ];
    await eachEol(lines, (r, at) => {
      expect(r.facts.config.seed, at).toBe(2048);
      expect(r.facts.config.tensorParallelSize, at).toBe(4);
      expect(r.facts.config.maxModelLen, at).toBe(16384);
      expect(ids(r, "error"), at).toEqual(["vllm/engine-dead"]);
    });
  });
});
