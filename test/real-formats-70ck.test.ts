import { describe, expect, it } from "vitest";
import { analyzeText, ids, eachWrapped } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in round 70ck of real logs: vLLM with KV cache offloading and KV connectors (LMCache's own
 * `LMCache INFO:` records between vLLM's, `--kv-offloading-size`, OffloadingConnector and MultiConnector configs,
 * `--cpu-offload-gb`), and the connectors failing. All fifteen logs were read right at first sight; what the round adds
 * is a finding of its own for a connector name vLLM cannot build (`Unsupported connector type: X`, which only said
 * "the engine did not start"), and tests that LMCache's numbers (its vLLM version, world size, model name, KV shapes,
 * its CPU cache size) make no fact. Every log text here is written for the test in the printed layout.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubectl --timestamps", (l) => `2026-12-07T02:10:11.518204113Z ${l}`],
  ["docker compose", (l) => `vllm-1  | ${l}`],
  ["Ray Serve", (l) => `(ServeReplica:default:LLMServer pid=5120, ip=10.0.4.7) ${l}`],
];

const eachWrap = (lines: string[], check: (r: Report, at: string) => void) => eachWrapped(WRAPS, lines, check);

const finding = (r: Report, id: string) => r.findings.find((f) => f.ruleId === id);

describe("LMCache's own records between vLLM's make no facts", () => {
  const lines = [
    "(Worker_TP1 pid=80412) [2026-05-04 09:12:30,101] LMCache INFO: LMCache initialized for role KVConnectorRole.WORKER with version 0.3.15, vllm version 0.17.1, lmcache cache_engine metadata: LMCacheMetadata(model_name='acme/Coder-14B', world_size=2, local_world_size=2, worker_id=1, kv_dtype=torch.bfloat16, kv_shape=(40, 2, 256, 8, 128), use_mla=False, chunk_size=256) (vllm_v1_adapter.py:480:lmcache.integration.vllm.vllm_v1_adapter)",
    "(Worker_TP1 pid=80412) [2026-05-04 09:12:30,188] LMCache INFO: LMCache Configuration: {'chunk_size': 256, 'local_cpu': True, 'max_local_cpu_size': '120.0 GB', 'error_handling': False, 'enable_nixl': False, 'blocking_timeout_secs': 10} (config.py:611:lmcache.v1.config)",
    "(Worker_TP1 pid=80412) [2026-05-04 09:12:31,002] LMCache INFO: KV layer groups: [KVLayerGroupInfo(layers=40, indices=0-39, shape=torch.Size([2, 20811, 16, 8, 128]), dtype=torch.bfloat16)] (kv_layer_groups.py:211:lmcache.v1.kv_layer_groups)",
    "(Worker_TP1 pid=80412) [2026-05-04 09:12:31,003] LMCache WARNING: No LMCache configuration file is set. Trying to read configurations from the environment variables. (utils.py:53:lmcache.integration.vllm.utils)",
    "(Worker_TP0 pid=80411) INFO 05-04 09:12:31 [utils.py:38] Connectors do not specify a kv cache layout, defaulting to NHD.",
  ];
  it("no vLLM version, model, world size, KV size or error from LMCache's lines; the worker prefix still says V1", async () => {
    await eachWrap(lines, (r, at) => {
      expect(r.facts.vllm.version, at).toBeNull();
      expect(r.facts.vllm.engine, at).toBe("v1");
      expect(r.facts.config.model, at).toBeNull();
      expect(r.facts.distributed.worldSize, at).toBeNull();
      expect(r.facts.kvCache.tokens, at).toBeNull();
      expect(r.facts.kvCache.gpuBlocks, at).toBeNull();
      expect(r.facts.kvCache.availableGiB, at).toBeNull();
      expect(r.facts.firstError, at).toBeNull();
      expect(ids(r, "error"), at).toEqual([]);
    });
  });

  it("an LMCache ERROR record is the first error, its WARNING is not", async () => {
    const failing = [
      ...lines.slice(3),
      "(Worker_TP0 pid=80411) [2026-05-04 09:12:33,500] LMCache ERROR: Failed to connect to remote backend redis://10.1.2.3:6379: Connection refused (remote_backend.py:101:lmcache.v1.storage_backend.remote_backend)",
    ];
    await eachWrap(failing, (r, at) => {
      expect(r.facts.firstError?.line, at).toBe(3);
    });
  });
});

describe("offloading and connector configs name no KV blocks", () => {
  const lines = [
    `vllm bench throughput --model acme/Tiny-1B --tensor-parallel-size 2 --num-prompts 600 --kv-transfer-config '{"kv_connector":"OffloadingConnector","kv_role":"kv_both","kv_connector_extra_config":{"num_cpu_blocks":6000,"cpu_block_size":256}}'`,
    "INFO 10-07 10:00:01 [utils.py:233] non-default args: {'model': 'acme/Tiny-1B', 'tensor_parallel_size': 2, 'kv_transfer_config': KVTransferConfig(kv_connector='OffloadingConnector', kv_role='kv_both', kv_rank=None, kv_parallel_size=1, kv_connector_extra_config={'num_cpu_blocks': 6000, 'cpu_block_size': 256}), 'kv_offloading_size': 8.0, 'gpu_memory_utilization': 0.85}",
    "(EngineCore_DP0 pid=77) INFO 10-07 10:00:12 [factory.py:51] Creating offloading spec with name: CPUOffloadingSpec",
    "(EngineCore_DP0 pid=77) INFO 10-07 10:00:30 [gpu_worker.py:298] Available KV cache memory: 30.12 GiB",
    "(EngineCore_DP0 pid=77) WARNING 10-07 10:05:00 [offloading_connector.py:310] Cannot store blocks for request cmpl-1: not enough free CPU blocks",
  ];
  it("reads model, TP and memory share from the args, not the connector's numbers; a WARNING is no error", async () => {
    await eachWrap(lines, (r, at) => {
      expect(r.facts.config.model, at).toBe("acme/Tiny-1B");
      expect(r.facts.config.tensorParallelSize, at).toBe(2);
      expect(r.facts.config.pipelineParallelSize, at).toBeNull();
      expect(r.facts.config.gpuMemoryUtilization, at).toBe(0.85);
      expect(r.facts.kvCache.availableGiB, at).toBe(30.12);
      expect(r.facts.kvCache.cpuBlocks, at).toBeNull();
      expect(r.facts.kvCache.gpuBlocks, at).toBeNull();
      expect(r.facts.firstError, at).toBeNull();
      expect(ids(r), at).not.toContain("vllm/kv-connector-unknown");
    });
  });
});

describe("a KV connector name vLLM cannot build (vllm/kv-connector-unknown)", () => {
  it("V0's engine process logging the factory's refusal: named, V1-only advice, engine-init-failed linked to it", async () => {
    const lines = [
      "ERROR 06-02 11:20:05 [engine.py:598] Unsupported connector type: LMCacheConnectorV1",
      "ERROR 06-02 11:20:05 [engine.py:598] Traceback (most recent call last):",
      'ERROR 06-02 11:20:05 [engine.py:598]   File "/opt/venv/lib/python3.12/site-packages/vllm/engine/multiprocessing/engine.py", line 586, in run_mp_engine',
      "ERROR 06-02 11:20:05 [engine.py:598]     engine = MQLLMEngine.from_vllm_config(",
    ];
    await eachWrap(lines, (r, at) => {
      const f = finding(r, "vllm/kv-connector-unknown");
      expect(f, at).toBeDefined();
      expect(f!.message, at).toContain("no KV connector named `LMCacheConnectorV1`");
      expect(f!.message, at).toContain("in the V0 engine it ran");
      expect(f!.remediation[0], at).toMatch(/V1 connector API, which the V0 engine cannot build/);
      expect(f!.evidence[0].line, at).toBe(1);
      expect(ids(r), at).toContain("vllm/engine-init-failed");
      expect(r.facts.vllm.engine, at).toBe("v0");
      expect(r.facts.firstError?.line, at).toBe(1);
    });
  });

  it("V1's ValueError for V0's LMCache name points at LMCacheConnectorV1", async () => {
    const lines = [
      "(EngineCore_DP0 pid=712) ERROR 10-09 08:30:02 [core.py:708] EngineCore failed to start.",
      "(EngineCore_DP0 pid=712) ERROR 10-09 08:30:02 [core.py:708] Traceback (most recent call last):",
      '(EngineCore_DP0 pid=712) ERROR 10-09 08:30:02 [core.py:708]     raise ValueError(f"Unsupported connector type: {connector_name}")',
      "(EngineCore_DP0 pid=712) ERROR 10-09 08:30:02 [core.py:708] ValueError: Unsupported connector type: LMCacheConnector",
    ];
    await eachWrap(lines, (r, at) => {
      const f = finding(r, "vllm/kv-connector-unknown");
      expect(f, at).toBeDefined();
      expect(f!.message, at).toContain("`LMCacheConnector`");
      expect(f!.message, at).not.toContain("V0 engine");
      expect(f!.remediation.join("\n"), at).toContain("`LMCacheConnectorV1`");
      // the source line the traceback quotes is no evidence
      expect(f!.evidence.map((e) => e.line), at).toEqual([4]);
      expect(r.facts.firstError?.line, at).toBe(1);
    });
  });

  it("0.6.5-0.7's config check and the V1 factory under V0 say the same", async () => {
    const old = await analyzeText("INFO 01-10 09:00:00 api_server.py:712] vLLM API server version 0.6.6\nValueError: Unsupported kv_connector: LMCacheConnectorV1. Supported connectors are ['PyNcclConnector', 'MooncakeConnector'].\n");
    const f = finding(old, "vllm/kv-connector-unknown")!;
    expect(f.message).toContain("vLLM 0.6.6 has no KV connector named `LMCacheConnectorV1`");
    const v0 = await analyzeText("INFO 06-20 10:00:00 [__init__.py:244] Automatically detected platform cuda.\r\nValueError: Attempting to initialize a V1 Connector, but found envs.VLLM_USE_V1=False\r\n");
    expect(finding(v0, "vllm/kv-connector-unknown")!.message).toContain("while the engine ran as V0");
  });

  it("near misses: the factory creating a connector, a kv_role refusal, other programs' words", async () => {
    const r = await analyzeText([
      "(Worker_TP0 pid=9) INFO 06-16 15:49:51 [factory.py:74] Creating v1 connector with name: LMCacheConnectorV1 and engine_id: 2cb2bf76",
      "ValueError: Unsupported kv_role: kv_sender. Supported roles are ('kv_producer', 'kv_consumer', 'kv_both')",
    ].join("\n") + "\n");
    expect(ids(r)).not.toContain("vllm/kv-connector-unknown");
    const other = await analyzeText("Error: Unsupported connector type: walletconnect\n    at connect (app.js:12:9)\n");
    expect(ids(other)).not.toContain("vllm/kv-connector-unknown");
  });
});

describe("KV offloading failures read as before", () => {
  it("an offloading scheduler's bare AssertionError is the first error of a dead engine", async () => {
    const lines = [
      '(EngineCore pid=755) ERROR 08-04 09:48:15 [core.py:1332]   File "/usr/local/lib/python3.12/dist-packages/vllm/distributed/kv_transfer/kv_connector/v1/offloading/scheduler.py", line 975, in _build_store_jobs',
      "(EngineCore pid=755) ERROR 08-04 09:48:15 [core.py:1332]     assert len(keys) == len(block_ids)",
      "(EngineCore pid=755) ERROR 08-04 09:48:15 [core.py:1332] AssertionError",
      "(APIServer pid=1) ERROR 08-04 09:48:15 [async_llm.py:704] AsyncLLM output_handler failed.",
    ];
    await eachWrap(lines, (r, at) => {
      expect(r.facts.firstError?.line, at).toBe(3);
      expect(ids(r), at).toContain("vllm/engine-dead");
      expect(ids(r), at).not.toContain("vllm/kv-connector-unknown");
    });
  });

  it("--cpu-offload-gb leaving too little for one request: version, model, lengths", async () => {
    const lines = [
      "INFO 04-02 12:32:04 [core.py:61] Initializing a V1 LLM engine (v0.8.4) with config: model='/data/Lite-Chat', speculative_config=None, tokenizer='/data/Lite-Chat'",
      "ERROR 04-02 12:33:23 [core.py:380] ValueError: To serve at least one request with the models's max seq len (32768), (0.95 GiB KV cache is needed, which is larger than the available KV cache memory (0.93 GiB). Try increasing `gpu_memory_utilization` or decreasing `max_model_len` when initializing the engine.",
    ];
    await eachWrap(lines, (r, at) => {
      expect(r.facts.vllm.version, at).toBe("0.8.4");
      expect(r.facts.config.model, at).toBe("/data/Lite-Chat");
      expect(r.facts.config.maxModelLen, at).toBe(32768);
      expect(r.facts.kvCache.availableGiB, at).toBe(0.93);
      expect(ids(r, "error"), at).toContain("vllm/kv-cache-too-small");
      expect(r.facts.firstError?.line, at).toBe(2);
    });
  });
});
