import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * Shapes of round 55o's real pastes of vLLM inside other frameworks (verl, OpenRLHF and its forks, SkyRL, NeMo-RL, TRL's
 * vllm-serve, Ray Serve and Ray Serve LLM, Xinference, lm-evaluation-harness, lighteval), each written for the test in
 * the printed layout: RL trainers' Ray actor prefixes around vLLM's records (`(WorkerDict pid=…)`, `(LLMRayActor pid=…)`,
 * a Ray Serve replica's four nested prefixes), training tqdm bars between them, hydra's `Error executing job with
 * overrides: […]` before the traceback, a trainer's own config (hydra overrides) that is not vLLM's, a Ray Serve
 * deployment printing vLLM's `AsyncEngineArgs(…)`, and the c10d store's `clients joined` timeout inside an Xinference
 * record. And the reading these pastes corrected: the line vLLM's cumem allocator (sleep mode, which RL frameworks turn
 * on) writes on stderr when a driver call fails, `CUDA Error: out of memory at …/cumem_allocator.cpp:62`, is the run's
 * first error.
 */

type Wrap = (lines: string[]) => string;
const plain: Wrap = (l) => l.join("\n") + "\n";
const crlf: Wrap = (l) => l.join("\r\n") + "\r\n";
const kubets: Wrap = (l) => l.map((x, i) => `2025-05-14T08:31:${String(10 + (i % 50)).padStart(2, "0")}.${String(100000 + i * 6113).slice(0, 6)}042Z ${x}`).join("\n") + "\n";
const compose: Wrap = (l) => l.map((x) => `rl-trainer-1  | ${x}`).join("\n") + "\n";
const wrappers: [string, Wrap][] = [["plain", plain], ["crlf", crlf], ["kubectl --timestamps", kubets], ["compose", compose]];

type Report = Awaited<ReturnType<typeof analyzeText>>;
const line = (lines: string[], needle: string) => lines.findIndex((l) => l.includes(needle)) + 1;

describe("vLLM's cumem allocator failing under an RL trainer's sleep/wake_up", () => {
  const bar = (n: number, s: string) => `Train epoch [1/1]: ${String(n * 25).padStart(3)}%|${"█".repeat(n * 2).padEnd(10)}| ${n}/4 [00:${String(10 + n * 9).padStart(2, "0")}<00:09, 9.12s/it, pg=0.21, rm=0.4${n}, glen=8${n}2, kl=0, act_lr=${s}]`;
  const lines = [
    "(PolicyActor pid=40211) ",
    bar(1, "1.2e-8"),
    bar(2, "2.4e-8"),
    bar(4, "4.8e-8"),
    "(VllmEngineActor pid=40987) CUDA Error: out of memory at /opt/build/csrc/cumem_allocator.cpp:62",
    "(PolicyActor pid=40211) ",
    "Episode [1/8]:   0%|          | 0/120 [02:41<?, ?it/s]",
    "Traceback (most recent call last):",
    '  File "/app/rl/cli/train_grpo.py", line 311, in <module>',
    "    main(args)",
  ];
  for (const [name, wrap] of wrappers) {
    it(`the allocator's line is the first error, and it is a CUDA OOM (${name})`, async () => {
      const r = await analyzeText(wrap(lines));
      expect(r.facts.firstError?.line).toBe(line(lines, "CUDA Error: out of memory"));
      expect(ids(r, "error")).toContain("vllm/cuda-oom");
    });
  }

  it("reads the early builds' `[vllm_allocator_adaptor_c] ` tag and a driver string other than OOM", async () => {
    const tagged = ["(VllmEngineActor pid=7) INFO 03-02 10:11:12 [gpu_worker.py:99] Sleep mode freed 61.20 GiB memory", "[vllm_allocator_adaptor_c] CUDA Error: invalid argument at /workspace/csrc/cumem_allocator.cpp:88"];
    const r = await analyzeText(plain(tagged));
    expect(r.facts.firstError?.line).toBe(2);
    expect(ids(r)).not.toContain("vllm/cuda-oom");
  });

  it("an exception carrying the same words is still read as the exception line it is", async () => {
    const r = await analyzeText(plain(["INFO 03-02 10:11:12 [gpu_worker.py:120] Waking up", "RuntimeError: CUDA Error: out of memory at /src/vllm/csrc/cumem_allocator.cpp:62"]));
    expect(r.facts.firstError?.line).toBe(2);
    expect(ids(r, "error")).toContain("vllm/cuda-oom");
  });

  it("near misses: the words inside another sentence, or without the source location, are no allocator line", async () => {
    const near = [
      "INFO 03-02 10:11:12 [gpu_worker.py:120] Retried after a CUDA Error: out of memory at step 3; continuing",
      "see the FAQ entry 'CUDA Error: out of memory at wake_up' for what to lower",
      "CUDA Error: out of memory at the second wake_up",
    ];
    const r = await analyzeText(plain(near));
    expect(r.facts.firstError).toBeNull();
  });
});

describe("verl's WorkerDict actors, then hydra's notice before vLLM's traceback", () => {
  const lines = [
    "(WorkerDict pid=51320) Monkey patch _flash_attention_forward in transformers.integrations.flash_attention",
    "(WorkerDict pid=51187) Actor use_remove_padding=True",
    "(WorkerDict pid=51320) NCCL version 2.21.5+cuda12.4",
    "(WorkerDict pid=51322) WARNING 05-02 09:14:07 [topk_topp_sampler.py:69] FlashInfer is not available. Falling back to the PyTorch-native implementation of top-p & top-k sampling.",
    "Error executing job with overrides: []",
    "Traceback (most recent call last):",
    '  File "/opt/venv/lib/python3.12/site-packages/vllm/v1/core/kv_cache_utils.py", line 480, in check_enough_kv_cache_memory',
    '    raise ValueError("No available memory for the cache blocks. "',
    "ValueError: No available memory for the cache blocks. Try increasing `gpu_memory_utilization` when initializing the engine.",
  ];
  for (const [name, wrap] of wrappers) {
    it(`the ValueError is the first error, not hydra's notice; NCCL's version from the actor (${name})`, async () => {
      const r = await analyzeText(wrap(lines));
      expect(r.facts.firstError?.line).toBe(line(lines, "ValueError: No available memory"));
      expect(r.facts.nccl.version).toBe("2.21.5");
      expect(r.facts.vllm.engine).toBe("v1");
      expect(ids(r, "error")).toContain("vllm/no-kv-cache-memory");
    });
  }

  it("a trainer's own hydra overrides are not vLLM's config", async () => {
    const cut = [
      "(TaskRunner pid=60112) step:0 - val/test_score/openai/gsm8k:0.812",
      "Error executing job with overrides: ['algorithm.adv_estimator=grpo', 'actor_rollout_ref.model.path=./Qwen2.5-3B-Instruct', 'actor_rollout_ref.rollout.tensor_model_parallel_size=2', 'actor_rollout_ref.rollout.name=vllm', 'actor_rollout_ref.rollout.gpu_memory_utilization=0.45', 'data.max_prompt_length=512']",
    ];
    const r = await analyzeText(plain(cut));
    const c = r.facts.config;
    expect([c.model, c.tensorParallelSize, c.gpuMemoryUtilization, c.maxModelLen]).toEqual([null, null, null, null]);
    expect(r.facts.firstError).toBeNull();
    expect(ids(r)).toEqual([]);
  });
});

describe("OpenRLHF's LLMRayActor and a Ray Serve replica around vLLM's start-up", () => {
  const kv = [
    "(LLMRayActor pid=88213) INFO 05-11 02:17:40 [monitor.py:33] torch.compile takes 7.12 s in total",
    "(LLMRayActor pid=88213) INFO 05-11 02:17:41 [kv_cache_utils.py:566] GPU KV cache size: 1,204,336 tokens",
    "(LLMRayActor pid=88213) INFO 05-11 02:17:41 [kv_cache_utils.py:569] Maximum concurrency for 4,096 tokens per request: 294.03x",
    "(LLMRayActor pid=88213) INFO 05-11 02:18:02 [core.py:151] init engine (profile, create kv cache, warmup model) took 31.40 seconds",
  ];
  for (const [name, wrap] of wrappers) {
    it(`reads the V1 KV cache lines through the actor prefix (${name})`, async () => {
      const r = await analyzeText(wrap(kv));
      expect([r.facts.kvCache.tokens, r.facts.kvCache.tokensPerRequest, r.facts.kvCache.maxConcurrency]).toEqual([1204336, 4096, 294.03]);
      expect(r.facts.vllm.engine).toBe("v1");
      expect(r.facts.firstError).toBeNull();
    });
  }

  const serve = [
    "INFO 2024-12-02 14:05:11,402 default_ChatDeployment a81kq2zz replica.py:893 - Started initializing replica.",
    "INFO 2024-12-02 14:05:11,403 default_ChatDeployment a81kq2zz serve_llm.py:52 - Starting with engine args: AsyncEngineArgs(model='acme/chat-8b', served_model_name=None, tokenizer='acme/chat-8b', seed=0, max_model_len=None, worker_use_ray=False, distributed_executor_backend=None, pipeline_parallel_size=1, tensor_parallel_size=2, block_size=16, swap_space=4, gpu_memory_utilization=0.85, max_num_seqs=128, disable_log_stats=False)",
  ];
  const replica: Wrap = (l) => l.map((x) => `(ServeReplica:default:ChatDeployment pid=3310) ${x}`).join("\n") + "\n";
  for (const [name, wrap] of [...wrappers, ["ray serve replica", replica] as [string, Wrap]]) {
    it(`reads vLLM's AsyncEngineArgs printed by a Ray Serve deployment (${name})`, async () => {
      const r = await analyzeText(wrap(serve));
      const c = r.facts.config;
      expect([c.model, c.tensorParallelSize, c.pipelineParallelSize, c.gpuMemoryUtilization, c.maxModelLen]).toEqual(["acme/chat-8b", 2, 1, 0.85, null]);
      expect(r.facts.firstError).toBeNull();
    });
  }

  it("reads Ray Serve LLM's four nested prefixes around the V1 memory line", async () => {
    const nested = [
      "(ServeReplica:app:LLMServer:chat-8b pid=4410) (EngineCore pid=4621) (RayWorkerProc pid=4702) (Worker pid=4702) INFO 09-03 11:20:14 [gpu_worker.py:857] Free memory on device (78.10/79.18 GiB) on startup. Desired GPU memory utilization is (0.85, 67.30 GiB). Actual usage is 14.96 GiB for weight, 1.10 GiB for peak activation, 0.31 GiB for non-torch memory, and 0.88 GiB for CUDAGraph memory. Replace gpu_memory_utilization config with `--kv-cache-memory=53687091200` (50.0 GiB) to fit into requested memory. Current kv cache memory in use is 50.93 GiB.",
      "Capturing CUDA graphs (FULL): 100%|██████████| 35/35 [00:01<00:00, 30.11it/s]",
      "(ServeReplica:app:LLMServer:chat-8b pid=4410) (EngineCore pid=4621) (RayWorkerProc pid=4702) (Worker pid=4702) INFO 09-03 11:20:15 [model_runner.py:747] Graph capturing finished in 3 secs, took 0.88 GiB",
    ];
    for (const wrap of [plain, crlf]) {
      const r = await analyzeText(wrap(nested));
      expect([r.facts.kvCache.availableGiB, r.facts.memory.modelWeightsGiB, r.facts.config.gpuMemoryUtilization]).toEqual([50.93, 14.96, 0.85]);
      expect(r.facts.vllm.engine).toBe("v1");
      expect(r.facts.config.executorBackend).toBe("ray");
    }
  });
});

describe("Xinference passing on the c10d store's wait for its second worker", () => {
  const lines = [
    "2024-11-02 09:40:31,118 xinference.api.restful_api 21877 ERROR    [address=10.2.0.15:41233, pid=22410] Timed out after 601 seconds waiting for clients. 1/2 clients joined.",
    "Traceback (most recent call last):",
    '  File "/opt/conda/lib/python3.10/site-packages/xinference/api/restful_api.py", line 977, in launch_model',
    "    model_uid = await (await self._get_supervisor_ref()).launch_builtin_model(",
  ];
  for (const [name, wrap] of wrappers) {
    it(`the store timeout is the first error and a rendezvous failure between ranks (${name})`, async () => {
      const r: Report = await analyzeText(wrap(lines));
      expect(r.facts.firstError?.line).toBe(1);
      expect(ids(r, "error")).toEqual(["nccl/bootstrap-failure"]);
    });
  }
});

describe("Ray's unhandled task error streamed out of an RL trainer's actor without its logger header", () => {
  const lines = (p: string, call: string) => [
    `${p}Unhandled error (suppress with 'RAY_IGNORE_UNHANDLED_ERRORS=1'): ${call} (pid=30187, ip=10.8.0.31, actor_id=5f0e91aa02, repr=<vllm.executor.ray_utils.RayWorkerWrapper object at 0x7f1c2a0d9e50>) [repeated 3x across cluster]`,
    `${p}  File "/opt/env/lib/python3.10/site-packages/vllm/worker/worker_base.py", line 566, in execute_method [repeated 6x across cluster]`,
    `${p}    raise e [repeated 3x across cluster]`,
  ];
  const prefixes: [string, string][] = [
    ["an actor with ip=", "(LLMRayActor pid=30011, ip=10.8.0.31) "],
    ["an actor without ip=", "(TaskRunner pid=29002) "],
    ["no prefix", ""],
  ];
  for (const [name, p] of prefixes) {
    for (const [wname, wrap] of [["plain", plain], ["crlf", crlf]] as [string, Wrap][]) {
      it(`the record is the first error, the Ray executor still read (${name}, ${wname})`, async () => {
        const r = await analyzeText(wrap(lines(p, "ray::RayWorkerWrapper.execute_method()")));
        expect(r.facts.firstError?.line).toBe(1);
        expect(r.facts.config.executorBackend).toBe("ray");
      });
    }
  }

  it("reads the pre-1.5 unquoted variable and the cyan Ray wraps the task name in, escape byte lost or kept", async () => {
    for (const head of [
      "Unhandled error (suppress with RAY_IGNORE_UNHANDLED_ERRORS=1): ray::PolicyWorker.generate() (pid=41, ip=10.0.0.2)",
      "Unhandled error (suppress with 'RAY_IGNORE_UNHANDLED_ERRORS=1'): [36mray::WorkerDict.actor_rollout_init_model()[39m (pid=42, ip=10.0.0.2)",
      "Unhandled error (suppress with 'RAY_IGNORE_UNHANDLED_ERRORS=1'): \x1b[36mray::WorkerDict.actor_rollout_init_model()\x1b[39m (pid=43, ip=10.0.0.2)",
    ]) {
      const r = await analyzeText(plain(["(TaskRunner pid=7) step:0 - val/score:0.51", `(TaskRunner pid=7) ${head}`]));
      expect(r.facts.firstError?.line).toBe(2);
    }
  });

  it("an earlier exception line stays the first error", async () => {
    const r = await analyzeText(plain(["(TaskRunner pid=7) ImportError: /opt/env/lib/python3.12/site-packages/vllm/_C.abi3.so: undefined symbol: _ZN3c104cuda9SetDeviceEi", ...lines("(TaskRunner pid=7) ", "ray::WorkerDict.actor_rollout_init_model()")]));
    expect(r.facts.firstError?.line).toBe(1);
  });

  it("near misses: the words quoted in prose, or without the task Ray names, are no record", async () => {
    const near = [
      "we kept seeing Unhandled error (suppress with 'RAY_IGNORE_UNHANDLED_ERRORS=1'): ray::Foo.bar() in the driver log",
      "Unhandled error (suppress with 'RAY_IGNORE_UNHANDLED_ERRORS=1') is what the docs call it",
    ];
    const r = await analyzeText(plain(near));
    expect(r.facts.firstError).toBeNull();
  });
});

describe("FastChat's vllm_worker: an inline-code backtick before vLLM's first record, then its stderr logger's traceback", () => {
  const lines = [
    "`INFO 11-03 09:12:40 llm_engine.py:72] Initializing an LLM engine with config: model='/data/chat-13b/', tokenizer='/data/chat-13b/', tokenizer_mode=auto, revision=None, trust_remote_code=False, dtype=torch.float16, max_seq_len=8192, download_dir=None, load_format=auto, tensor_parallel_size=2, quantization=None, seed=0)",
    "2023-11-03 09:13:51 | ERROR | stderr | Traceback (most recent call last):",
    '2023-11-03 09:13:51 | ERROR | stderr |   File "/srv/fastchat/serve/vllm_worker.py", line 214, in <module>',
    "2023-11-03 09:13:51 | ERROR | stderr |     engine = AsyncLLMEngine.from_engine_args(engine_args)",
    '2023-11-03 09:13:51 | ERROR | stderr |   File "/usr/local/lib/python3.10/dist-packages/vllm/engine/async_llm_engine.py", line 486, in from_engine_args',
    "2023-11-03 09:13:51 | ERROR | stderr |     engine = cls(engine_args.worker_use_ray,",
  ];
  for (const [name, wrap] of wrappers) {
    it(`reads the engine's config through the backtick; the cut start-up traceback is a failed start with no cause shown (${name})`, async () => {
      const r = await analyzeText(wrap(lines));
      const c = r.facts.config;
      expect([c.model, c.tensorParallelSize, c.maxModelLen]).toEqual(["/data/chat-13b/", 2, 8192]);
      expect(r.facts.vllm.engine).toBe("v0");
      expect(r.facts.firstError).toBeNull();
      expect(ids(r, "error")).toEqual(["vllm/engine-init-failed"]);
    });
  }
});

describe("a traceback pasted in inline code: the header's opening backtick and the exception line's closing one", () => {
  const lines = [
    "`Traceback (most recent call last):",
    '  File "/home/u/run_llm.py", line 9, in <module>',
    '    llm = LLM(model="/models/chat-7b", gpu_memory_utilization=0.5)',
    '  File "/usr/lib/python3.10/site-packages/vllm/engine/llm_engine.py", line 331, in _init_cache',
    "    raise ValueError(",
    "ValueError: The model's max seq len (32768) is larger than the maximum number of tokens that can be stored in KV cache (1984). Try increasing `gpu_memory_utilization` or decreasing `max_model_len` when initializing the engine.`",
  ];
  for (const [name, wrap] of wrappers) {
    it(`the exception line ends the traceback behind any prefix: the backtick pads the header as a space would (${name})`, async () => {
      const r = await analyzeText(wrap(lines));
      expect(r.facts.firstError?.line).toBe(6);
      expect(r.facts.tracebacks.list.map((t) => t.errorType)).toEqual(["ValueError"]);
      expect(ids(r, "error")).toEqual(["vllm/kv-cache-too-small", "vllm/engine-init-failed"]);
    });
  }
});

describe("a trainer's own vllm_-prefixed settings are not vLLM's config", () => {
  it("ms-swift's argument dump and OpenRLHF's launch flags set no config fact", async () => {
    const r = await analyzeText(
      plain([
        "[INFO:swift] args: RLHFArguments(model='acme/vl-7b', seed=42, vllm_gpu_memory_utilization=0.6, vllm_tensor_parallel_size=2, vllm_pipeline_parallel_size=1, vllm_max_num_seqs=128, vllm_max_model_len=16384, vllm_enforce_eager=False)",
        "python -m openrlhf.cli.train_ppo_ray --vllm_num_engines 2 --vllm_tensor_parallel_size 4 --vllm_gpu_memory_utilization 0.5 --pretrain acme/chat-8b",
      ]),
    );
    const c = r.facts.config;
    expect([c.tensorParallelSize, c.pipelineParallelSize, c.gpuMemoryUtilization, c.maxModelLen]).toEqual([null, null, null, null]);
    expect(ids(r)).toEqual([]);
  });
});
