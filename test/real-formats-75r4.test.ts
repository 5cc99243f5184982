import { describe, expect, it } from "vitest";
import { analyzeText, eachWrapped, ids } from "./rules/analyze-text.js";

/**
 * Shapes met in a seventy-fifth round's fourth unbiased draw of real logs (vllm-project/vllm issues #9000–#30000): the
 * V0 engine's config line hard-wrapped inside a value by the paste, V1 0.8–0.9 workers' custom all-reduce warning, an
 * EngineCore's exception handler logging only traceback frames of a model's construction, a torch watchdog's CUDA fault
 * and a request line that must stay quiet. The tool read every one at first sight; these cases keep those readings. Every
 * log text here is written for the test in the printed layout, behind wrappers the logs did not all show.
 */

const WRAPS = [
  ["plain", (l: string) => l],
  ["kubectl --timestamps", (l: string) => `2026-12-07T06:30:12.481920337Z ${l}`],
  ["docker compose", (l: string) => `llm-1  | ${l}`],
] as const;

describe("a V0 engine config line hard-wrapped inside a value", () => {
  const lines = [
    "INFO 03-14 09:12:40 llm_engine.py:234] Initializing a V0 LLM engine (v0.7.3) with config: model='/srv/models/Mixtral-8x7B-Instruct', speculative_config=None, tokenizer='/srv/models/Mixtral-8x7B-Instruct', skip_tokenizer_init=False, tokenizer_mode=auto, revision=None, trust_remote_code=False, dtype=torch.bfloat16, max_seq_len=16384, download_dir=None, load_format=LoadFormat.AUTO, tensor_parallel_size=8, pipeline_parallel_size=1, disable_custom_all_reduce=False, quantization=None, enforce_eager=False, kv_cache_dtype=auto,  device_config=cuda, seed=0, served_model_name=mixtral, num_scheduler_steps=1, enable_prefix_caching=Fal",
    "se, chunked_prefill_enabled=False, use_async_output_proc=True, mm_processor_kwargs=None, pooler_config=None, compilation_config={\"splitting_ops\":[],\"compile_sizes\":[],\"max_capture_size\":256}, use_cached_outputs=False, ",
  ];
  it("reads the model, the lengths and the parallel sizes, and finds nothing wrong", async () => {
    await eachWrapped(WRAPS, lines, (r, at) => {
      expect(r.facts.config.model, at).toBe("/srv/models/Mixtral-8x7B-Instruct");
      expect(r.facts.config.maxModelLen, at).toBe(16384);
      expect(r.facts.config.tensorParallelSize, at).toBe(8);
      expect(r.facts.vllm.version, at).toBe("0.7.3");
      expect(r.facts.vllm.engine, at).toBe("v0");
      expect(ids(r), at).toEqual([]);
    });
  });
});

describe("V1 workers (`(VllmWorker rank=N pid=M)`) disabling the custom all-reduce", () => {
  const lines = [
    "(VllmWorker rank=0 pid=5120) INFO 06-02 14:03:11 [pynccl.py:70] vLLM is using nccl==2.26.2",
    "(VllmWorker rank=1 pid=5121) INFO 06-02 14:03:11 [pynccl.py:70] vLLM is using nccl==2.26.2",
    "(VllmWorker rank=0 pid=5120) INFO 06-02 14:03:11 [custom_all_reduce_utils.py:246] reading GPU P2P access cache from /root/.cache/vllm/gpu_p2p_access_cache_for_0,3.json",
    "(VllmWorker rank=1 pid=5121) WARNING 06-02 14:03:11 [custom_all_reduce.py:147] Custom allreduce is disabled because your platform lacks GPU P2P capability or P2P test failed. To silence this warning, specify disable_custom_all_reduce=True explicitly.",
  ];
  it("reads NCCL's version, the multiprocessing executor and the warning", async () => {
    await eachWrapped(WRAPS, lines, (r, at) => {
      expect(r.facts.nccl.version, at).toBe("2.26.2");
      expect(r.facts.config.executorBackend, at).toBe("mp");
      expect(r.facts.vllm.engine, at).toBe("v1");
      expect(ids(r), at).toContain("vllm/custom-allreduce-disabled");
      expect(ids(r), at).not.toContain("vllm/custom-allreduce-failed");
    });
  });
});

describe("an EngineCore's exception handler logging only frames of the model's construction", () => {
  const frames = [
    "ERROR 05-21 17:40:02 [core.py:390]   File \"/opt/venv/lib/python3.12/site-packages/vllm/model_executor/models/qwen2.py\", line 318, in __init__",
    "ERROR 05-21 17:40:02 [core.py:390]     self.start_layer, self.end_layer, self.layers = make_layers(",
    "ERROR 05-21 17:40:02 [core.py:390]                                                     ^^^^^^^^^^^^",
    "ERROR 05-21 17:40:02 [core.py:390]   File \"/opt/venv/lib/python3.12/site-packages/vllm/model_executor/models/utils.py\", line 609, in make_layers",
    "ERROR 05-21 17:40:02 [core.py:390]     maybe_offload_to_cpu(layer_fn(prefix=f\"{prefix}.{idx}\"))",
  ];
  it("is a start-up failure with no root cause in view and no first error", async () => {
    await eachWrapped(WRAPS, frames, (r, at) => {
      expect(ids(r), at).toEqual(["vllm/engine-init-failed"]);
      expect(r.facts.firstError ?? null, at).toBeNull();
    });
  });

  it("a served request's log line is no failure", async () => {
    const r = await analyzeText(
      "INFO 05-21 17:52:13 [logger.py:43] Received request cmpl-4f1e2d: prompt: 'Write a haiku about GPUs', params: SamplingParams(n=1, temperature=0.7, top_p=1.0, max_tokens=64), prompt_token_ids: [7985, 264, 6520], prompt_embeds shape: None\n",
    );
    expect(ids(r)).toEqual([]);
    expect(r.facts.firstError ?? null).toBeNull();
  });
});

describe("a torch watchdog stopping on a CUDA fault (`[rankN]:[E…] … CUDA error: an illegal memory access`)", () => {
  const lines = [
    "[rank0]:[E1207 06:31:44.120457781 ProcessGroupNCCL.cpp:2068] [PG ID 2 PG GUID 3 Rank 0] Process group watchdog thread terminated with exception: CUDA error: an illegal memory access was encountered",
    "CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.",
    "For debugging consider passing CUDA_LAUNCH_BLOCKING=1",
  ];
  it("is a CUDA fault, and the torch [E] line is not vLLM's first error", async () => {
    await eachWrapped(WRAPS, lines, (r, at) => {
      expect(ids(r), at).toContain("vllm/cuda-error");
      expect(ids(r), at).not.toContain("vllm/cuda-oom");
    });
  });
});

describe("a 0.9-era API server falling back to the V0 engine for a model V1 lacks", () => {
  const lines = [
    "INFO 09-02 11:20:05 [api_server.py:1395] vLLM API server version 0.9.1",
    "INFO 09-02 11:20:05 [cli_args.py:325] non-default args: {'model': 'org/speech-small', 'tensor_parallel_size': 2}",
    "INFO 09-02 11:20:12 [config.py:1472] Using max model len 1500",
    "WARNING 09-02 11:20:12 [arg_utils.py:1735] ['SpeechSeq2SeqModel'] is not supported by the V1 Engine. Falling back to V0.",
  ];
  it("reads the V0 engine, the version and the arguments", async () => {
    await eachWrapped(WRAPS, lines, (r, at) => {
      expect(r.facts.vllm.engine, at).toBe("v0");
      expect(r.facts.vllm.version, at).toBe("0.9.1");
      expect(r.facts.config.model, at).toBe("org/speech-small");
      expect(r.facts.config.tensorParallelSize, at).toBe(2);
      expect(r.facts.config.maxModelLen, at).toBe(1500);
      expect(ids(r), at).toEqual([]);
    });
  });
});
