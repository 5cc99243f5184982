import { describe, expect, it } from "vitest";
import { analyzeText, eachCommonWrap, eachWrapped, logText } from "./rules/analyze-text.js";

/**
 * Formats met in round 80r52 (multi-GPU vLLM start-up and failure logs pasted in vllm-project/vllm, vllm-ascend,
 * xorbitsai/inference, infiniflow/ragflow, OpenRLHF, ai-dynamo and Step-Audio threads). The tool read the round's
 * labelled facts at first sight; the shape it misread was a terminal's "copy as HTML" paste: every process prefix
 * inside `<font color="#2AA1B3"><b>...</b></font>` (GNOME Terminal; aha writes `<span style=...>`), the first line behind
 * `<pre>`, and the quotes of vLLM's argument echo written as entities (`{&apos;model&apos;: ...}`, `model=&#39;...&#39;`).
 * The non-default args gave no model or parallel sizes, a `Namespace(model=&apos;x&apos;)` gave the model with its
 * entities, and the prefix named no process. Every log text here is written for the test.
 */

const fontPrefix = (proc: string) => `<font color="#2AA1B3"><b>(${proc})</b></font> `;

describe("a terminal's HTML copy of a V1 tensor-parallel start-up", () => {
  const lines = [
    `<pre><font color="#26A269"><b>ops@gpu-box</b></font>:<font color="#12488B"><b>~/srv</b></font>$ ./start.sh`,
    "INFO 03-14 09:02:11 [__init__.py:241] Automatically detected platform cuda.",
    `${fontPrefix("APIServer pid=4410")}INFO 03-14 09:02:13 [api_server.py:1805] vLLM API server version 0.10.1.1`,
    `${fontPrefix("APIServer pid=4410")}INFO 03-14 09:02:13 [utils.py:326] non-default args: {&apos;model_tag&apos;: &apos;/srv/models/Mistral-Small-24B&apos;, &apos;model&apos;: &apos;/srv/models/Mistral-Small-24B&apos;, &apos;max_model_len&apos;: 32768, &apos;tensor_parallel_size&apos;: 4, &apos;pipeline_parallel_size&apos;: 2, &apos;gpu_memory_utilization&apos;: 0.85}`,
    `${fontPrefix("VllmWorker TP0 pid=4622")}INFO 03-14 09:03:40 [gpu_worker.py:276] Available KV cache memory: 18.42 GiB`,
    `${fontPrefix("VllmWorker TP1 pid=4623")}INFO 03-14 09:03:40 [gpu_worker.py:276] Available KV cache memory: 18.42 GiB`,
    `${fontPrefix("EngineCore_0 pid=4501")}INFO 03-14 09:03:41 [kv_cache_utils.py:849] GPU KV cache size: 402,112 tokens`,
    `${fontPrefix("EngineCore_0 pid=4501")}INFO 03-14 09:03:41 [kv_cache_utils.py:853] Maximum concurrency for 32,768 tokens per request: 12.27x`,
  ];
  it("reads the argument echo through the entities and the prefixes through the tags, behind wrappers and CRLF", async () => {
    await eachCommonWrap(lines, (r, at) => {
      const c = r.facts.config;
      expect(r.facts.vllm.version, at).toBe("0.10.1.1");
      expect(r.facts.vllm.engine, at).toBe("v1");
      expect(c.model, at).toBe("/srv/models/Mistral-Small-24B");
      expect(c.tensorParallelSize, at).toBe(4);
      expect(c.pipelineParallelSize, at).toBe(2);
      expect(c.maxModelLen, at).toBe(32768);
      expect(c.gpuMemoryUtilization, at).toBe(0.85);
      expect(c.executorBackend, at).toBe("mp");
      expect(r.facts.kvCache.availableGiB, at).toBe(18.42);
      expect(r.facts.kvCache.tokens, at).toBe(402112);
      expect(r.facts.kvCache.maxConcurrency, at).toBe(12.27);
      expect(r.facts.firstError, at).toBeNull();
      expect(r.findings.filter((f) => f.severity === "error"), at).toEqual([]);
    });
  });
});

describe("HTML entities in a V0 argument echo, with and without colour tags", () => {
  const lines = [
    "INFO 06-02 10:11:12 api_server.py:152] args: Namespace(host=None, port=8000, model=&#39;meta-llama/Meta-Llama-3-70B-Instruct&#39;, served_model_name=None, max_model_len=8192, worker_use_ray=False, pipeline_parallel_size=1, tensor_parallel_size=8, gpu_memory_utilization=0.92)",
    `<span style="color:teal;">(VllmWorkerProcess pid=3301)</span> INFO 06-02 10:13:40 model_runner.py:146] Loading model weights took 16.4213 GB`,
    "INFO 06-02 10:13:52 distributed_gpu_executor.py:45] # GPU blocks: 9180, # CPU blocks: 6553",
  ];
  const wraps = [
    ["plain", (l: string) => l],
    ["compose", (l: string) => `vllm-1  | ${l}`],
    ["kubets", (l: string) => `2026-02-03T11:20:05.123456789Z ${l}`],
  ] as const;
  it("gives the model without its entities and the worker's process, behind wrappers and CRLF", async () => {
    await eachWrapped(wraps, lines, (r, at) => {
      const c = r.facts.config;
      expect(c.model, at).toBe("meta-llama/Meta-Llama-3-70B-Instruct");
      expect(c.tensorParallelSize, at).toBe(8);
      expect(c.maxModelLen, at).toBe(8192);
      expect(c.gpuMemoryUtilization, at).toBe(0.92);
      expect(c.executorBackend, at).toBe("mp");
      expect(r.facts.memory.modelWeightsGiB, at).toBe(16.4213);
      expect(r.facts.kvCache.gpuBlocks, at).toBe(9180);
      expect(r.facts.kvCache.cpuBlocks, at).toBe(6553);
    });
    // an ampersand that starts no entity stays as it is
    const r = await analyzeText(logText(["INFO 06-02 10:11:12 api_server.py:152] args: Namespace(model='/m/R&D-model', tensor_parallel_size=2)", lines[1]]));
    expect(r.facts.config.model).toBe("/m/R&D-model");
    expect(r.facts.config.executorBackend).toBe("mp");
  });
});
