import { describe, expect, it } from "vitest";
import { analyzeText, ids, eolsFor } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in round 52q of real logs: start-ups of big MoE and long-context deployments (DeepSeek V3/V4 with
 * `--data-parallel-size` and `--enable-expert-parallel`, Qwen3-Next/Qwen3.5 hybrid models, Kimi Linear, gpt-oss).
 * With data parallelism every engine core sizes its own KV cache and prints its own `Available KV cache memory`,
 * `GPU KV cache size` and `Maximum concurrency` lines, in whatever order the processes reach the log. The facts took
 * each number from whichever line came first, so the tokens could be one rank's and the memory another's. They are now
 * the lowest data-parallel rank's. Every log text here is written for the test in the printed layout.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubectl --timestamps", (l) => `2026-12-06T16:55:02.118204113Z ${l}`],
  ["docker compose", (l) => `vllm-dsv3-1  | ${l}`],
  ["Ray", (l) => `(ServeReplica:default:LLMServer pid=7712, ip=10.8.0.5) ${l}`],
];

const join = (lines: string[], wrap: (l: string) => string, eol = "\n"): string => lines.map(wrap).join(eol) + eol;

async function eachWrap(lines: string[], check: (r: Report, at: string) => void): Promise<void> {
  for (const [name, wrap] of WRAPS)
    for (const eol of eolsFor(wrap)) check(await analyzeText(join(lines, wrap, eol)), `${name} ${JSON.stringify(eol)}`);
}

describe("data-parallel engines each printing their KV cache", () => {
  const lines = [
    "(APIServer pid=311) INFO 12-06 09:10:00 [utils.py:233] non-default args: {'model': 'deepseek-ai/DeepSeek-R1-0528', 'data_parallel_size': 4, 'enable_expert_parallel': True, 'max_model_len': 65536}",
    "(EngineCore_DP2 pid=503) INFO 12-06 09:14:40 [gpu_worker.py:298] Available KV cache memory: 31.62 GiB",
    "(EngineCore_DP0 pid=501) INFO 12-06 09:14:40 [gpu_worker.py:298] Available KV cache memory: 31.07 GiB",
    "(EngineCore_DP1 pid=502) INFO 12-06 09:14:41 [gpu_worker.py:298] Available KV cache memory: 31.55 GiB",
    "(EngineCore_DP2 pid=503) INFO 12-06 09:14:41 [kv_cache_utils.py:1087] GPU KV cache size: 482,304 tokens",
    "(EngineCore_DP2 pid=503) INFO 12-06 09:14:41 [kv_cache_utils.py:1091] Maximum concurrency for 65,536 tokens per request: 7.36x",
    "(EngineCore_DP1 pid=502) INFO 12-06 09:14:41 [kv_cache_utils.py:1087] GPU KV cache size: 481,216 tokens",
    "(EngineCore_DP1 pid=502) INFO 12-06 09:14:41 [kv_cache_utils.py:1091] Maximum concurrency for 65,536 tokens per request: 7.34x",
    "(EngineCore_DP0 pid=501) INFO 12-06 09:14:42 [kv_cache_utils.py:1087] GPU KV cache size: 473,984 tokens",
    "(EngineCore_DP0 pid=501) INFO 12-06 09:14:42 [kv_cache_utils.py:1091] Maximum concurrency for 65,536 tokens per request: 7.23x",
    "(EngineCore_DP3 pid=504) INFO 12-06 09:14:42 [kv_cache_utils.py:1087] GPU KV cache size: 470,016 tokens",
    "(EngineCore_DP3 pid=504) INFO 12-06 09:14:42 [kv_cache_utils.py:1091] Maximum concurrency for 65,536 tokens per request: 7.17x",
  ];
  it("reports rank 0's tokens, concurrency and memory together, whatever order the ranks logged in", async () => {
    await eachWrap(lines, (r, at) => {
      expect(r.facts.config.dataParallelSize, at).toBe(4);
      expect(r.facts.config.enableExpertParallel, at).toBe(true);
      expect(r.facts.kvCache.tokens, at).toBe(473984);
      expect(r.facts.kvCache.maxConcurrency, at).toBe(7.23);
      expect(r.facts.kvCache.tokensPerRequest, at).toBe(65536);
      expect(r.facts.kvCache.availableGiB, at).toBe(31.07);
      expect(ids(r), at).toEqual([]);
    });
  });

  it("a headless node's log (ranks 2 and 3 only) gives rank 2's", async () => {
    const node1 = lines.filter((l) => /EngineCore_DP[23]/.test(l));
    await eachWrap(node1, (r, at) => {
      expect(r.facts.kvCache.tokens, at).toBe(482304);
      expect(r.facts.kvCache.maxConcurrency, at).toBe(7.36);
      expect(r.facts.kvCache.availableGiB, at).toBe(31.62);
    });
  });

  it("workers named with their data-parallel rank (`Worker_DP1_TP0_EP2`) count by that rank", async () => {
    const text = [
      "(Worker_DP1_TP0_EP2 pid=1181) INFO 12-06 09:20:03 [gpu_model_runner.py:2653] Model loading took 41.3188 GiB and 88.417 seconds",
      "(Worker_DP0_TP0_EP0 pid=1179) INFO 12-06 09:20:04 [gpu_model_runner.py:2653] Model loading took 41.3102 GiB and 89.023 seconds",
      "(Worker_DP1_TP1_EP3 pid=1182) INFO 12-06 09:21:11 [gpu_worker.py:298] Available KV cache memory: 28.40 GiB",
      "(Worker_DP0_TP1_EP1 pid=1180) INFO 12-06 09:21:12 [gpu_worker.py:298] Available KV cache memory: 28.12 GiB",
    ];
    await eachWrap(text, (r, at) => {
      expect(r.facts.memory.modelWeightsGiB, at).toBe(41.3102);
      expect(r.facts.kvCache.availableGiB, at).toBe(28.12);
      expect(r.facts.config.enableExpertParallel, at).toBe(true);
    });
  });

  it("the old engine names of data parallelism (`EngineCore_1`) count as ranks too", async () => {
    const r = await analyzeText(join([
      "(EngineCore_1 pid=77) INFO 06-20 11:02:09 [kv_cache_utils.py:716] GPU KV cache size: 201,344 tokens",
      "(EngineCore_0 pid=76) INFO 06-20 11:02:09 [kv_cache_utils.py:716] GPU KV cache size: 199,808 tokens",
    ], (l) => l));
    expect(r.facts.kvCache.tokens).toBe(199808);
  });

  it("near miss: without data-parallel ranks the first line still wins", async () => {
    const r = await analyzeText(join([
      "(Worker_TP1 pid=26348) INFO 11-06 10:51:48 [gpu_worker.py:349] Available KV cache memory: 2.31 GiB",
      "(Worker_TP0 pid=26347) INFO 11-06 10:51:48 [gpu_worker.py:349] Available KV cache memory: 2.30 GiB",
      "(EngineCore_DP0 pid=26283) INFO 11-06 10:51:48 [kv_cache_utils.py:1229] GPU KV cache size: 75,840 tokens",
      "(EngineCore_DP0 pid=26283) INFO 11-06 10:51:48 [kv_cache_utils.py:1234] Maximum concurrency for 120,000 tokens per request: 2.48x",
      "(EngineCore_DP0 pid=26283) INFO 11-06 10:51:48 [kv_cache_utils.py:1234] Maximum concurrency for 120,000 tokens per request: 2.48x",
    ], (l) => l));
    expect(r.facts.kvCache.availableGiB).toBe(2.31);
    expect(r.facts.kvCache.tokens).toBe(75840);
    expect(r.facts.kvCache.maxConcurrency).toBe(2.48);
    expect(r.facts.config.executorBackend).toBe("mp");
  });

  it("near miss: config a data-parallel rank states is not ranked (each rank states the same)", async () => {
    const r = await analyzeText(join([
      "(EngineCore_DP1 pid=502) INFO 12-06 09:14:01 [gpu_model_runner.py:1953] Starting to load model deepseek-ai/DeepSeek-R1-0528...",
      "(EngineCore_DP0 pid=501) INFO 12-06 09:14:02 [gpu_model_runner.py:1953] Starting to load model deepseek-ai/DeepSeek-R1-0528...",
    ], (l) => l));
    expect(r.facts.config.model).toBe("deepseek-ai/DeepSeek-R1-0528");
  });
});

describe("other start-up shapes of this round", () => {
  it("KV lines whose record carries no date (`INFO [kv_cache_utils.py:N] …`) under a pasted command", async () => {
    const lines = [
      "vllm serve Qwen/Qwen3.5-35B-A3B --max-model-len 65536 --max-num-seqs 8",
      "INFO [kv_cache_utils.py:1319] GPU KV cache size: 401,120 tokens",
      "INFO [kv_cache_utils.py:1324] Maximum concurrency for 65,536 tokens per request: 12.71x",
    ];
    await eachWrap(lines, (r, at) => {
      expect(r.facts.config.model, at).toBe("Qwen/Qwen3.5-35B-A3B");
      expect(r.facts.config.maxModelLen, at).toBe(65536);
      expect(r.facts.kvCache.tokens, at).toBe(401120);
      expect(r.facts.kvCache.maxConcurrency, at).toBe(12.71);
      expect(r.facts.vllm.engine, at).toBe("v1");
    });
  });

  it("a negative KV cache budget before `EngineCore failed to start.`", async () => {
    const lines = [
      "(EngineCore_0 pid=4410) INFO 09-02 07:31:10 [gpu_model_runner.py:2007] Model loading took 65.9702 GiB and 14.020118 seconds",
      "(EngineCore_0 pid=4410) INFO 09-02 07:31:22 [gpu_worker.py:276] Available KV cache memory: -1.87 GiB",
      "(EngineCore_0 pid=4410) ERROR 09-02 07:31:22 [core.py:700] EngineCore failed to start.",
      "(EngineCore_0 pid=4410) ERROR 09-02 07:31:22 [core.py:700] Traceback (most recent call last):",
    ];
    await eachWrap(lines, (r, at) => {
      expect(r.facts.kvCache.availableGiB, at).toBe(-1.87);
      expect(r.facts.memory.modelWeightsGiB, at).toBe(65.9702);
      expect(r.facts.firstError?.line, at).toBe(3);
      expect(ids(r), at).toEqual(expect.arrayContaining(["vllm/no-kv-cache-memory", "vllm/engine-init-failed"]));
    });
  });
});

describe("`--max-model-len auto` (vLLM 0.11 on) as the dumps print it", () => {
  const args = (v: string) =>
    `(APIServer pid=1) INFO 12-06 08:00:01 [utils.py:233] non-default args: {'model_tag': 'moonshotai/Kimi-K2-Instruct-0905', 'model': 'moonshotai/Kimi-K2-Instruct-0905', 'trust_remote_code': True, 'max_model_len': ${v}, 'tensor_parallel_size': 8, 'enable_expert_parallel': True}`;
  it("-1 is vLLM being asked to choose: no length until the auto-fit line states one", async () => {
    await eachWrap([args("-1")], (r, at) => {
      expect(r.facts.config.maxModelLen, at).toBeNull();
      expect(r.facts.missing.map((m) => m.fact), at).toContain("config.maxModelLen");
      expect(r.facts.config.tensorParallelSize, at).toBe(8);
    });
    const lines = [
      args("-1"),
      "(EngineCore_DP0 pid=240) INFO 12-06 08:06:40 [kv_cache_utils.py:1310] Auto-fit max_model_len: reduced from 262144 to 118784 to fit in available GPU memory (6.12 GiB available for KV cache)",
      "(EngineCore_DP0 pid=240) INFO 12-06 08:06:40 [kv_cache_utils.py:1366] GPU KV cache size: 118,784 tokens",
      "(EngineCore_DP0 pid=240) INFO 12-06 08:06:40 [kv_cache_utils.py:1371] Maximum concurrency for 118,784 tokens per request: 1.00x",
    ];
    await eachWrap(lines, (r, at) => {
      expect(r.facts.config.maxModelLen, at).toBe(118784);
      expect(r.facts.kvCache.tokens, at).toBe(118784);
    });
  });

  it("a Namespace dump's `max_model_len=-1` states no length either", async () => {
    const r = await analyzeText("INFO 12-06 08:00:01 [api_server.py:1047] args: Namespace(model='zai-org/GLM-4.5-Air', max_model_len=-1, tensor_parallel_size=4)\n");
    expect(r.facts.config.maxModelLen).toBeNull();
    expect(r.facts.config.tensorParallelSize).toBe(4);
  });

  it("near miss: a stated length is kept", async () => {
    const r = await analyzeText(args("131072") + "\n");
    expect(r.facts.config.maxModelLen).toBe(131072);
  });
});
