import { describe, expect, it } from "vitest";
import { analyzeText, ids, eachWrapped } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in a seventieth round of real logs: vLLM serving pooling models (embedding, reranking, reward and
 * classification: `--task embed`, `--runner pooling`, `--convert reward`). Start-ups of those models read as any
 * other (no KV cache or concurrency is invented when the window has none), and a frames-only traceback through the
 * engine's construction still says the engine did not start. What the tool missed: the Transformers backend refusing
 * an encoder class (`The Transformers implementation of XLMRobertaModel is not compatible with vLLM.`, common for
 * embedding checkpoints) was reported only as an engine that did not start, without model-support's advice. Every log
 * text here is written for the test in the printed layout, with wrappers the logs did not all show.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubectl --timestamps", (l) => `2026-12-07T03:10:44.104821930Z ${l}`],
  ["docker compose", (l) => `embedder-1  | ${l}`],
  ["Ray", (l) => `(RayWorkerWrapper pid=5120, ip=10.4.0.9) ${l}`],
];

const eachWrap = (lines: string[], check: (r: Report, at: string) => void) => eachWrapped(WRAPS, lines, check);

const finding = (r: Report, id: string) => r.findings.find((f) => f.ruleId === id);

describe("the Transformers backend refusing the model's class", () => {
  it("0.7's unquoted name, logged by the V0 engine process: model-support names the class", async () => {
    const lines = [
      "INFO 03-14 09:21:40 model_runner.py:1110] Starting to load model /srv/models/acme-embed-base...",
      "ERROR 03-14 09:21:41 engine.py:400] The Transformers implementation of XLMRobertaModel is not compatible with vLLM.",
      "ERROR 03-14 09:21:41 engine.py:400] Traceback (most recent call last):",
      'ERROR 03-14 09:21:41 engine.py:400]   File "/opt/venv/lib/python3.10/site-packages/vllm/engine/multiprocessing/engine.py", line 391, in run_mp_engine',
      "ERROR 03-14 09:21:41 engine.py:400]     engine = MQLLMEngine.from_engine_args(engine_args=engine_args,",
    ];
    await eachWrap(lines, (r, at) => {
      const f = finding(r, "vllm/model-support");
      expect(f, at).toBeDefined();
      expect(f!.message, at).toContain("'XLMRobertaModel'");
      expect(f!.message, at).toContain("Transformers backend cannot run");
      expect(f!.evidence[0].line, at).toBe(2);
      expect(f!.remediation.join("\n"), at).toContain("architectures");
      expect(f!.remediation.join("\n"), at).not.toContain("VLLM_USE_V1=0");
      expect(ids(r), at).toContain("vllm/engine-init-failed");
      expect(r.facts.firstError?.line, at).toBe(2);
      expect(r.facts.vllm.engine, at).toBe("v0");
    });
  });

  it("the quoted name of later releases, from a V1 engine core", async () => {
    const lines = [
      "(EngineCore_DP0 pid=311) ERROR 08-02 16:40:12 [core.py:700] EngineCore failed to start.",
      "(EngineCore_DP0 pid=311) ERROR 08-02 16:40:12 [core.py:700] Traceback (most recent call last):",
      '(EngineCore_DP0 pid=311) ERROR 08-02 16:40:12 [core.py:700]   File "/usr/local/lib/python3.12/dist-packages/vllm/model_executor/models/registry.py", line 610, in _try_resolve_transformers',
      "(EngineCore_DP0 pid=311) ERROR 08-02 16:40:12 [core.py:700]     raise ValueError(",
      "(EngineCore_DP0 pid=311) ERROR 08-02 16:40:12 [core.py:700] ValueError: The Transformers implementation of 'AcmeRerankerModel' is not compatible with vLLM.",
    ];
    await eachWrap(lines, (r, at) => {
      const f = finding(r, "vllm/model-support");
      expect(f, at).toBeDefined();
      expect(f!.message, at).toContain("'AcmeRerankerModel'");
      expect(f!.message, at).not.toContain("''");
      expect(ids(r), at).toContain("vllm/engine-init-failed");
      expect(r.facts.firstError?.line, at).toBe(1);
    });
  });

  it("0.8-0.9's `has no vLLM implementation` wording keeps its VLLM_USE_V1=0 hint", async () => {
    const lines = [
      "(VllmWorker rank=1 pid=2207) ERROR 06-21 11:02:33 [multiproc_executor.py:470] WorkerProc failed to start.",
      "(VllmWorker rank=1 pid=2207) ERROR 06-21 11:02:33 [multiproc_executor.py:470] ValueError: AcmeMoeEmbedModel has no vLLM implementation and the Transformers implementation is not compatible with vLLM. Try setting VLLM_USE_V1=0.",
    ];
    await eachWrap(lines, (r, at) => {
      const f = finding(r, "vllm/model-support");
      expect(f, at).toBeDefined();
      expect(f!.message, at).toContain("'AcmeMoeEmbedModel'");
      expect(f!.remediation.join("\n"), at).toContain("VLLM_USE_V1=0");
    });
  });

  it("near misses: other things `not compatible with vLLM`, and the backend merely chosen", async () => {
    const lines = [
      "INFO 06-21 11:02:30 [transformers.py:120] Using Transformers backend.",
      "WARNING 06-21 11:02:30 [trainer.py:88] Disabling this option is not compatible with vLLM generation.",
      "The installed flash-attn build is not compatible with vLLM 0.6.5",
      "(APIServer pid=9) INFO 06-21 11:02:31 [api_server.py:1014] Supported tasks: ['embed']",
    ];
    await eachWrap(lines, (r, at) => {
      expect(finding(r, "vllm/model-support"), at).toBeUndefined();
      expect(ids(r, "error"), at).toEqual([]);
    });
  });
});

describe("pooling start-ups read as any other", () => {
  it("a V1 pooling server (banner, --runner pooling, supported tasks, embeddings access lines): no KV cache invented", async () => {
    const lines = [
      "(APIServer pid=41) INFO 02-11 08:00:01 [utils.py:325]  ▄▄ ▄█ █     █     █ ▀▄▀ █  version 0.16.1",
      "(APIServer pid=41) INFO 02-11 08:00:01 [utils.py:325]   █▄█▀ █     █     █     █  model   acme/encoder-embed-large",
      "(APIServer pid=41) INFO 02-11 08:00:01 [utils.py:261] non-default args: {'model_tag': 'acme/encoder-embed-large', 'model': 'acme/encoder-embed-large', 'runner': 'pooling', 'max_model_len': 8192, 'gpu_memory_utilization': 0.35}",
      "(EngineCore_DP0 pid=77) INFO 02-11 08:00:40 [core.py:273] init engine (profile, create kv cache, warmup model) took 9.02 seconds",
      "(APIServer pid=41) INFO 02-11 08:00:41 [api_server.py:1014] Supported tasks: ['embed', 'token_embed']",
      "(APIServer pid=41) INFO 02-11 08:00:41 [launcher.py:46] Route: /v1/embeddings, Methods: POST",
      'INFO:     10.4.0.21:51122 - "POST /v1/embeddings HTTP/1.1" 200 OK',
      'INFO:     10.4.0.21:51124 - "POST /v1/embeddings HTTP/1.1" 200 OK',
    ];
    await eachWrap(lines, (r, at) => {
      expect(r.facts.vllm.version, at).toBe("0.16.1");
      expect(r.facts.vllm.engine, at).toBe("v1");
      expect(r.facts.config.model, at).toBe("acme/encoder-embed-large");
      expect(r.facts.config.maxModelLen, at).toBe(8192);
      expect(r.facts.config.gpuMemoryUtilization, at).toBe(0.35);
      expect(r.facts.kvCache.tokens, at).toBeNull();
      expect(r.facts.kvCache.maxConcurrency, at).toBeNull();
      expect(r.facts.firstError, at).toBeNull();
      expect(ids(r, "error"), at).toEqual([]);
    });
  });

  it("V0's config echo with the pooler cut mid-record by a hard wrap", async () => {
    const lines = [
      "INFO 11-30 10:12:05 llm_engine.py:249] Initializing an LLM engine (v0.6.5) with config: model='acme/gte-small-zh', speculative_config=None, tokenizer='acme/gte-small-zh', dtype=torch.float16, max_seq_len=512, tensor_parallel_size=1, pipeline_parallel_size=1, enforce_eager=True, served_model_name=acme/gte-small-zh, use_async_out",
      "put_proc=False, mm_processor_kwargs=None, pooler_config=PoolerConfig(pooling_type='CLS', normalize=True, softmax=None, step_",
    ];
    await eachWrap(lines, (r, at) => {
      expect(r.facts.vllm.version, at).toBe("0.6.5");
      expect(r.facts.vllm.engine, at).toBe("v0");
      expect(r.facts.config.model, at).toBe("acme/gte-small-zh");
      expect(r.facts.config.maxModelLen, at).toBe(512);
      expect(r.facts.config.tensorParallelSize, at).toBe(1);
      expect(r.facts.kvCache.gpuBlocks, at).toBeNull();
      expect(ids(r, "error"), at).toEqual([]);
    });
  });

  it("a frames-only API-server traceback through the engine client's construction: the engine did not start, no first error", async () => {
    const lines = [
      '(APIServer pid=903)   File "/opt/venv/lib/python3.12/site-packages/vllm/v1/engine/async_llm.py", line 160, in __init__',
      "(APIServer pid=903)     self.engine_core = EngineCoreClient.make_async_mp_client(",
      '(APIServer pid=903)   File "/opt/venv/lib/python3.12/site-packages/vllm/v1/engine/core_client.py", line 122, in make_async_mp_client',
      "(APIServer pid=903)     return AsyncMPClient(*client_args)",
    ];
    await eachWrap(lines, (r, at) => {
      expect(ids(r), at).toContain("vllm/engine-init-failed");
      expect(r.facts.firstError, at).toBeNull();
    });
  });
});

describe("`--task` refused by argparse (pooling models' flag, removed in 0.13)", () => {
  it("points to --runner pooling / --convert instead of an upgrade", async () => {
    const lines = [
      "usage: vllm [-h] [-v] {chat,complete,serve,bench,collect-env,run-batch} ...",
      "vllm: error: unrecognized arguments: --task embed --trust-remote-code",
    ];
    await eachWrap(lines, (r, at) => {
      const f = finding(r, "vllm/bad-cli-args");
      expect(f, at).toBeDefined();
      expect(f!.remediation[1], at).toContain("--runner pooling");
      expect(f!.remediation[1], at).toContain("removed in 0.13");
      expect(r.facts.firstError, at).toBeNull();
    });
  });

  it("the `--task=embedding` spelling too; other unknown flags (`--tasks`, `--task-queue`) keep the general advice only", async () => {
    const r = await analyzeText("api_server.py: error: unrecognized arguments: --task=embedding\n");
    expect(finding(r, "vllm/bad-cli-args")!.remediation.join("\n")).toContain("--convert");
    for (const flag of ["--tasks embed", "--task-queue 4"]) {
      const other = await analyzeText(`vllm serve: error: unrecognized arguments: ${flag}\n`);
      const f = finding(other, "vllm/bad-cli-args");
      expect(f, flag).toBeDefined();
      expect(f!.remediation.join("\n"), flag).not.toContain("--runner pooling");
    }
  });
});
