import { describe, expect, it } from "vitest";
import type { Report } from "../src/facts/schema.js";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * Round 37p (healthy start-ups pasted in performance and usage questions): 43 real pastes read at first sight with
 * every labelled fact right and no false alarm. These tests hold the shapes of that round no earlier test held: a
 * start-up that works while printing WARNINGs that look alarming, a V0 stats line whose level the paste cut off, a
 * leftover PyTorch exit warning of the previous run above a new start, and speculative-decoding metrics alone. The
 * log texts are written for the test in the printed layouts; the facts checked are exact.
 */

const WRAPS: Array<[string, (s: string) => string]> = [
  ["bare", (s) => s],
  ["CRLF", (s) => s.replace(/\n/g, "\r\n")],
  ["kubectl --timestamps", (s) => s.split("\n").map((l, i) => (l ? `2026-03-14T09:2${i % 10}:00.123456789Z ${l}` : l)).join("\n")],
  ["docker compose", (s) => s.split("\n").map((l) => (l ? `vllm-1  | ${l}` : l)).join("\n")],
  ["Ray prefix", (s) => s.split("\n").map((l) => (l ? `(ServeReplica:llm:Server pid=5120, ip=10.2.0.7) ${l}` : l)).join("\n")],
];

/** a start-up the report calls healthy: no finding of any severity, no first error, the vLLM it names */
function expectQuiet(r: Report, version: string): void {
  expect(r.findings.map((f) => `${f.severity} ${f.ruleId}`)).toEqual([]);
  expect(r.facts.firstError).toBeNull();
  expect(r.facts.vllm).toEqual({ version, engine: "v1" });
}

/** one test for each wrap of `text`: the reader should not care how the lines were carried */
function acrossWraps(what: string, text: string, check: (r: Report) => void): void {
  for (const [name, wrap] of WRAPS) it(`${what} (${name})`, async () => check(await analyzeText(wrap(text))));
}

// A V1 start-up (TP 2, FP8 weights on a GPU without FP8 compute, a hybrid attention/mamba model, a KV connector)
// that ends serving: each WARNING here is advice or a fallback vLLM takes on its own (kv_cache_utils pads layers,
// marlin_utils_fp8 goes weight-only, the model runner drops to PIECEWISE CUDA graphs), none a failure.
const NOISY_START = [
  "(APIServer pid=4410) INFO 03-14 09:20:01 [api_server.py:1880] vLLM API server version 0.12.0",
  "(Worker_TP0 pid=4520) WARNING 03-14 09:21:10 [op.py:241] Priority not set for op rms_norm, using native implementation.",
  "(Worker_TP1 pid=4521) WARNING 03-14 09:21:10 [layer.py:52] Xformers is not available, falling back.",
  "(Worker_TP0 pid=4520) WARNING 03-14 09:21:11 [marlin_utils_fp8.py:167] Your GPU does not have native support for FP8 computation but FP8 quantization is being used. Weight-only FP8 compression will be used leveraging the Marlin kernel. This may degrade performance for compute-heavy workloads.",
  "(Worker_TP0 pid=4520) WARNING 03-14 09:21:11 [base.py:71] Initializing KVConnectorBase_V1. This API is experimental and subject to change in the future as we iterate the design.",
  "(Worker_TP0 pid=4520) INFO 03-14 09:21:40 [gpu_model_runner.py:2653] Model loading took 17.42 GiB memory and 25.118000 seconds",
  "(Worker_TP0 pid=4520) INFO 03-14 09:21:41 [interface.py:669] Padding mamba page size by 3.10% to ensure that mamba page size and attention page size are exactly equal.",
  "(Worker_TP0 pid=4520) INFO 03-14 09:22:05 [gpu_worker.py:349] Available KV cache memory: 9.75 GiB",
  "(EngineCore_DP0 pid=4460) WARNING 03-14 09:22:05 [kv_cache_utils.py:979] Add 4 padding layers, may waste at most 40.00% KV cache memory",
  "(EngineCore_DP0 pid=4460) INFO 03-14 09:22:05 [kv_cache_utils.py:1229] GPU KV cache size: 212,480 tokens",
  "(EngineCore_DP0 pid=4460) INFO 03-14 09:22:05 [kv_cache_utils.py:1234] Maximum concurrency for 65,536 tokens per request: 3.24x",
  "(Worker_TP1 pid=4521) WARNING 03-14 09:22:06 [gpu_model_runner.py:4199] CUDAGraphMode.FULL_AND_PIECEWISE is not supported with TritonMLABackend backend (support: AttentionCGSupport.NEVER); setting cudagraph_mode=PIECEWISE because attention is compiled piecewise",
  "(APIServer pid=4410) INFO 03-14 09:22:40 [api_server.py:1950] Starting vLLM API server 0 on http://0.0.0.0:8000",
].join("\n") + "\n";

describe("a healthy V1 start-up that prints alarming WARNINGs", () => {
  acrossWraps("raises no finding and reads its facts", NOISY_START, (r) => {
    expectQuiet(r, "0.12.0");
    expect(r.facts.config.executorBackend).toBe("mp");
    expect(r.facts.memory.modelWeightsGiB).toBe(17.42);
    expect(r.facts.kvCache).toMatchObject({ availableGiB: 9.75, tokens: 212480, maxConcurrency: 3.24, tokensPerRequest: 65536 });
  });
});

// V0's stats line (vllm/engine/llm_engine.py, later metrics.py) as a paste kept it: the first line lost its `INFO `
// at the start of the selection. It is still a stats line: its queue and throughput count.
const CUT_LEVEL_STATS = [
  "03-02 14:05:11 llm_engine.py:624] Avg prompt throughput: 0.0 tokens/s, Avg generation throughput: 98.6 tokens/s, Running: 14 reqs, Swapped: 0 reqs, Pending: 11 reqs, GPU KV cache usage: 18.2%, CPU KV cache usage: 0.0%",
  "INFO 03-02 14:05:16 llm_engine.py:624] Avg prompt throughput: 880.5 tokens/s, Avg generation throughput: 0.0 tokens/s, Running: 17 reqs, Swapped: 0 reqs, Pending: 8 reqs, GPU KV cache usage: 21.0%, CPU KV cache usage: 0.0%",
  "INFO 03-02 14:05:21 llm_engine.py:624] Avg prompt throughput: 912.3 tokens/s, Avg generation throughput: 0.0 tokens/s, Running: 19 reqs, Swapped: 0 reqs, Pending: 6 reqs, GPU KV cache usage: 23.5%, CPU KV cache usage: 0.0%",
].join("\n") + "\n";

describe("V0 stats lines, the first one's level cut off by the paste", () => {
  acrossWraps("counts all three, the cut one's queue and throughput too", CUT_LEVEL_STATS, (r) => {
    const rt = r.facts.runtime!;
    expect(rt.statsLines).toBe(3);
    expect(rt.running).toMatchObject({ min: 14, max: 19 });
    expect(rt.waiting).toMatchObject({ min: 6, max: 11 });
    expect(rt.generationThroughput?.max).toBe(98.6);
    expect(rt.gpuKvUsagePct?.max).toBe(23.5);
    // requests waited on every line with the KV cache under a quarter full: the scheduler's warning, no error
    expect(ids(r)).toEqual(["runtime/queue-with-free-kv"]);
    expect(ids(r, "error")).toEqual([]);
  });
});

// PyTorch's exit warning of the run before (ProcessGroupNCCL's destructor, torch >= 2.4) left above a new start
const PREVIOUS_EXIT_THEN_START = [
  "[rank0]:[W311 10:02:15.118204533 ProcessGroupNCCL.cpp:1496] Warning: WARNING: destroy_process_group() was not called before program exit, which can leak resources. For more info, please see https://pytorch.org/docs/stable/distributed.html#shutdown (function operator())",
  "INFO 03-11 10:02:19 [__init__.py:239] Automatically detected platform cuda.",
  "INFO 03-11 10:02:26 [core.py:54] Initializing a V1 LLM engine (v0.8.2) with config: model='/models/qwen2.5-7b/', speculative_config=None, tokenizer='/models/qwen2.5-7b/', skip_tokenizer_init=False, tokenizer_mode=auto, revision=None, trust_remote_code=False, dtype=torch.bfloat16, max_seq_len=16384, download_dir=None, load_format=LoadFormat.AUTO, tensor_parallel_size=1,",
].join("\n") + "\n";

describe("the previous run's destroy_process_group warning above a new start", () => {
  acrossWraps("is no error, and the new start's config is read", PREVIOUS_EXIT_THEN_START, (r) => {
    expectQuiet(r, "0.8.2");
    expect(r.facts.config).toMatchObject({ model: "/models/qwen2.5-7b/", maxModelLen: 16384, tensorParallelSize: 1 });
  });
});

// V1's speculative-decoding metrics (vllm/v1/spec_decode/metrics.py) with nothing accepted: a poor draft model, which
// the catalog has no rule for, and no stats line of the scheduler's
const SPEC_ONLY = [
  "(APIServer pid=812) INFO 09-21 16:40:10 [metrics.py:100] SpecDecoding metrics: Mean acceptance length: 1.00, Accepted throughput: 0.00 tokens/s, Drafted throughput: 2.40 tokens/s, Accepted: 0 tokens, Drafted: 120 tokens, Per-position acceptance rate: 0.000, 0.000, 0.000, Avg Draft acceptance rate: 0.0%",
  "(APIServer pid=812) INFO 09-21 16:40:20 [metrics.py:100] SpecDecoding metrics: Mean acceptance length: 1.00, Accepted throughput: 0.00 tokens/s, Drafted throughput: 1.10 tokens/s, Accepted: 0 tokens, Drafted: 120 tokens, Per-position acceptance rate: 0.000, 0.000, 0.000, Avg Draft acceptance rate: 0.0%",
].join("\n") + "\n";

describe("speculative-decoding metrics alone", () => {
  acrossWraps("are no stats lines and no finding", SPEC_ONLY, (r) => {
    expect(r.findings).toEqual([]);
    expect(r.facts.runtime?.statsLines ?? null).toBeNull();
    expect(r.facts.vllm.engine).toBe("v1");
  });
});

// A Ray Serve replica's engine (one GPU): Ray writes `ip=` on the replica's lines because the replica runs on another
// node than the Ray driver (`serve run`), not because the engine's ranks span nodes. The engine's own config says one
// rank, so the address is no multi-node evidence (round 37p: vllm-project/vllm#12742's paste read as multi-node).
const SERVE_REPLICA_ONE_RANK =
  "(ServeReplica:chat:VLLMDeployment pid=311, ip=10.8.3.21) INFO 2025-03-04 10:12:40,118 chat_VLLMDeployment q7wd2kx1 -- Starting with engine args: AsyncEngineArgs(model='org/tiny-vl-3b', served_model_name=None, tokenizer='org/tiny-vl-3b', task='auto', trust_remote_code=True, download_dir=None, load_format='auto', dtype='auto', kv_cache_dtype='auto', seed=0, max_model_len=24000, distributed_executor_backend=None, pipeline_parallel_size=1, tensor_parallel_size=1, block_size=None, enable_prefix_caching=True, swap_space=4, gpu_memory_utilization=0.92, max_num_seqs=64, disable_log_stats=False, quantization=None, enforce_eager=False)\n";

describe("a Ray Serve replica's one-rank engine on a node other than the driver's", () => {
  it("is no multi-node run", async () => {
    const r = await analyzeText(SERVE_REPLICA_ONE_RANK);
    expect(r.facts.config).toMatchObject({ model: "org/tiny-vl-3b", tensorParallelSize: 1, pipelineParallelSize: 1, maxModelLen: 24000, gpuMemoryUtilization: 0.92 });
    expect(r.facts.nccl.workerIps).toEqual(["10.8.3.21"]);
    expect(r.facts.nccl.multiNode).toBe(false);
    expect(r.findings).toEqual([]);
  });

  it("a second rank the log shows (tensor_parallel_size=2) keeps the address as evidence", async () => {
    const r = await analyzeText(SERVE_REPLICA_ONE_RANK.replace("tensor_parallel_size=1", "tensor_parallel_size=2"));
    expect(r.facts.config.tensorParallelSize).toBe(2);
    expect(r.facts.nccl.multiNode).toBe(true);
  });
});
