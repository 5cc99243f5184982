import { describe, expect, it } from "vitest";
import { ids, eachWrapped } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats seen in a seventieth round of real logs (theme: vLLM across nodes without Ray: --headless data-parallel
 * nodes, torchrun's external_launcher, gpustack's wrapper lines). The round's logs all scored in full at first sight;
 * these tests pin the shapes down end to end. Every log text is written for the test in the printed layout.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubectl --timestamps", (l) => `2026-12-07T04:11:02.118204113Z ${l}`],
  ["docker compose", (l) => `engine-b-1  | ${l}`],
];

const eachWrap = (lines: string[], check: (r: Report, at: string) => void) => eachWrapped(WRAPS, lines, check);

describe("a headless data-parallel node whose engine never hears from the front end", () => {
  const lines = [
    "INFO 03-02 10:11:12 [__init__.py:239] Automatically detected platform cuda.",
    "INFO 03-02 10:11:15 [api_server.py:1900] vLLM API server version 0.10.1",
    "INFO 03-02 10:11:15 [utils.py:326] non-default args: {'model_tag': 'org/moe-test-model', 'headless': True, 'model': 'org/moe-test-model', 'tensor_parallel_size': 4, 'data_parallel_size': 4, 'data_parallel_size_local': 2, 'data_parallel_start_rank': 2, 'data_parallel_address': '10.20.0.7', 'data_parallel_rpc_port': 13345}",
    "(EngineCore_DP2 pid=4411) INFO 03-02 10:11:30 [core.py:71] Initializing a V1 LLM engine (v0.10.1) with config: model='org/moe-test-model', tokenizer='org/moe-test-model', dtype=torch.bfloat16, max_seq_len=32768, tensor_parallel_size=4, pipeline_parallel_size=1, data_parallel_size=4, quantization=None, enforce_eager=False, seed=0",
    "(EngineCore_DP3 pid=4412) INFO 03-02 10:11:30 [core.py:71] Initializing a V1 LLM engine (v0.10.1) with config: model='org/moe-test-model', tokenizer='org/moe-test-model', dtype=torch.bfloat16, max_seq_len=32768, tensor_parallel_size=4, pipeline_parallel_size=1, data_parallel_size=4, quantization=None, enforce_eager=False, seed=0",
    "(EngineCore_DP2 pid=4411) ERROR 03-02 10:21:30 [core.py:700] EngineCore failed to start.",
    "(EngineCore_DP2 pid=4411) ERROR 03-02 10:21:30 [core.py:700] Traceback (most recent call last):",
    "(EngineCore_DP2 pid=4411) ERROR 03-02 10:21:30 [core.py:700] RuntimeError: Did not receive response from front-end process within 10 minutes",
  ];
  it("reads tp/dp, the derived node layout and the first error under each wrapper", async () => {
    await eachWrap(lines, (r, at) => {
      const c = r.facts.config;
      expect([c.model, c.tensorParallelSize, c.dataParallelSize, c.maxModelLen], at).toEqual(["org/moe-test-model", 4, 4, 32768]);
      expect([c.headless, c.nnodes, c.nodeRank, c.masterAddr], at).toEqual([true, 2, 1, "10.20.0.7"]);
      expect([r.facts.vllm.version, r.facts.vllm.engine], at).toEqual(["0.10.1", "v1"]);
      expect(r.facts.firstError?.line, at).toBe(6);
      expect(ids(r), at).toContain("vllm/engine-init-failed");
    });
  });
});

describe("torchrun ranks around an external_launcher start-up", () => {
  const lines = [
    "W0506 09:00:00.118000 7001 site-packages/torch/distributed/run.py:793] *****************************************",
    "W0506 09:00:00.118000 7001 site-packages/torch/distributed/run.py:793] Setting OMP_NUM_THREADS environment variable for each process to be 1 in default.",
    "[rank1]:INFO 05-06 09:00:01 [config.py:1600] Defaulting to use external_launcher for distributed inference",
    "INFO 05-06 09:00:01 [llm_engine.py:230] Initializing a V0 LLM engine (v0.8.5) with config: model='org/dense-7b', tokenizer='org/dense-7b', max_seq_len=4096, tensor_parallel_size=2, pipeline_parallel_size=1, seed=0",
  ];
  it("reads the executor and config, and a torchrun W line is no error", async () => {
    await eachWrap(lines, (r, at) => {
      const c = r.facts.config;
      expect([c.executorBackend, c.model, c.tensorParallelSize, c.maxModelLen], at).toEqual(["external_launcher", "org/dense-7b", 2, 4096]);
      expect(r.facts.firstError, at).toBeNull();
      expect(ids(r, "error"), at).toEqual([]);
    });
  });
});

describe("near misses", () => {
  it("a wrapper's own INFO lines and a data-parallel start-up with no error invent nothing", async () => {
    const lines = [
      "2025-07-15 14:52:30.014221+08:00 - gpustack.worker.backends.vllm - INFO - Starting vllm server",
      "INFO 07-15 14:52:38 [api_server.py:1395] vLLM API server version 0.9.2",
      "INFO 07-15 14:52:38 [cli_args.py:325] non-default args: {'model': '/models/small-8b', 'max_model_len': 8192, 'tensor_parallel_size': 2, 'data_parallel_size': 2}",
      "INFO 07-15 14:52:46 [utils.py:364] Started DP Coordinator process (PID: 7859)",
    ];
    await eachWrap(lines, (r, at) => {
      const c = r.facts.config;
      expect([c.tensorParallelSize, c.dataParallelSize, c.maxModelLen], at).toEqual([2, 2, 8192]);
      expect([c.nnodes, c.headless, c.executorBackend], at).toEqual([null, null, null]);
      expect(r.facts.firstError, at).toBeNull();
      expect(ids(r, "error"), at).toEqual([]);
    });
  });
});
