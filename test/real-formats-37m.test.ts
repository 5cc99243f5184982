import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * Round 37m: models that are not plain text generators (vision, audio, encoder-decoder, embedding, reranker). The misses:
 * a V0 worker's traceback through the multi-modal worst case that only the start-up works out (`_dummy_run` ->
 * `get_max_multimodal_tokens`, the dummy data built to profile with, V1's encoder budget) read as the model running; a
 * log kept by rsyslog, which writes the ESC byte of vLLM's colour codes as `#033` and a CR as `#015`; and a Go launcher's
 * logfmt records (`time="..." level=info msg="..." component=vllm`) whose quoted line was read with its quoting.
 * Every log text here is written for the test in the printed layout.
 */

const W = "(VllmWorkerProcess pid=2211)";
const workerFrames = (head: string, tail = "") => [
  `${head} ERROR 03-02 11:20:41 [multiproc_worker_utils.py:239]   File "/opt/venv/lib/python3.12/site-packages/vllm/worker/model_runner.py", line 1360, in _dummy_run${tail}`,
  `${head} ERROR 03-02 11:20:41 [multiproc_worker_utils.py:239]     max_mm_tokens = self.mm_registry.get_max_multimodal_tokens(${tail}`,
  `${head} ERROR 03-02 11:20:41 [multiproc_worker_utils.py:239]   File "/opt/venv/lib/python3.12/site-packages/vllm/multimodal/registry.py", line 184, in get_max_multimodal_tokens${tail}`,
  `${head} ERROR 03-02 11:20:41 [multiproc_worker_utils.py:239]     return sum(self.get_max_tokens_by_modality(model_config).values())${tail}`,
  `${head} ERROR 03-02 11:20:41 [multiproc_worker_utils.py:239]   File "/opt/venv/lib/python3.12/site-packages/vllm/multimodal/registry.py", line 160, in get_max_tokens_by_modality${tail}`,
  `${head} ERROR 03-02 11:20:41 [multiproc_worker_utils.py:239]     mm_limits = self.get_mm_limits_per_prompt(model_config)${tail}`,
];

describe("a V0 worker's traceback through the multi-modal worst case, cut before its exception", () => {
  it("is the engine failing to start (the worst case is only worked out while profiling), not the model running", async () => {
    const r = await analyzeText([...workerFrames(W), ""].join("\n"));
    expect(ids(r, "error")).toEqual(["vllm/engine-init-failed"]);
    expect(r.facts.config.executorBackend).toBe("mp");
    expect(r.facts.vllm.engine).toBe("v0");
    expect(r.facts.firstError).toBeNull();
    expect(r.facts.tracebacks?.list[0]?.phase).toBe("while profiling memory");
  });

  it("reads it as rsyslog kept it (`#033[1;36m` colour codes, `#015` for the CR), behind kubectl --timestamps and with CRLF ends", async () => {
    const esc = workerFrames("#033[1;36m(VllmWorkerProcess pid=2211)#033[0;0m", "#015");
    const plain = workerFrames(W);
    for (const text of [esc.join("\n") + "\n", plain.map((l, i) => `2026-03-02T11:20:4${i}.000000001Z ${l}`).join("\n") + "\n", plain.join("\r\n") + "\r\n"]) {
      const r = await analyzeText(text);
      expect(ids(r, "error")).toEqual(["vllm/engine-init-failed"]);
      expect(r.facts.config.executorBackend).toBe("mp");
    }
  });

  it("reads the dummy data built to profile with, and V1's encoder budget, as the start-up too", async () => {
    const dummy = [
      'Traceback (most recent call last):',
      '  File "/opt/venv/lib/python3.12/site-packages/vllm/inputs/registry.py", line 339, in dummy_data_for_profiling',
      "    dummy_data = processor.get_decoder_dummy_data(seq_len, mm_counts)",
      '  File "/opt/venv/lib/python3.12/site-packages/vllm/multimodal/profiling.py", line 212, in get_decoder_dummy_data',
      "    mm_inputs = self._get_dummy_mm_inputs(seq_len, mm_counts)",
      "",
    ].join("\n");
    expect(ids(await analyzeText(dummy), "error")).toEqual(["vllm/engine-init-failed"]);
    const budget = [
      "(EngineCore_DP0 pid=731) Traceback (most recent call last):",
      '(EngineCore_DP0 pid=731)   File "/opt/venv/lib/python3.12/site-packages/vllm/v1/core/encoder_cache_manager.py", line 201, in compute_encoder_budget',
      "(EngineCore_DP0 pid=731)     max_tokens_by_modality = mm_registry.get_max_tokens_per_item_by_nonzero_modality(model_config)",
      '(EngineCore_DP0 pid=731)   File "/opt/venv/lib/python3.12/site-packages/vllm/multimodal/registry.py", line 171, in get_max_tokens_per_item_by_nonzero_modality',
      "(EngineCore_DP0 pid=731)     return processor.info.get_mm_max_tokens_per_item(seq_len, mm_limits)",
      "(EngineCore_DP0 pid=731) AttributeError: 'WidgetProcessor' object has no attribute 'num_patches'",
      "",
    ].join("\n");
    const r = await analyzeText(budget);
    expect(ids(r, "error")).toEqual(["vllm/engine-init-failed"]);
    expect(r.findings[0].message).toContain("AttributeError: 'WidgetProcessor' object has no attribute 'num_patches'");
    expect(r.facts.firstError?.line).toBe(6);
  });

  it("leaves a multi-modal start-up that only warns about its profiling length healthy", async () => {
    const text = [
      "(VllmWorkerProcess pid=812) WARNING 03-02 11:20:30 [profiling.py:247] The sequence length used for profiling (max_num_batched_tokens / max_num_seqs = 4096) is too short to hold the multi-modal embeddings in the worst case (9216 tokens in total, out of which {'image': 9216} are reserved for multi-modal embeddings). This may cause certain multi-modal inputs to fail during inference, even when the input text is short. To avoid this, you should increase `max_model_len`, reduce `max_num_seqs`, and/or reduce `mm_counts`.",
      "(VllmWorkerProcess pid=812) INFO 03-02 11:20:39 [worker.py:267] the current vLLM instance can use total_gpu_memory (44.42GiB) x gpu_memory_utilization (0.85) = 37.76GiB",
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(ids(r, "error")).toEqual([]);
    expect(r.facts.config.gpuMemoryUtilization).toBe(0.85);
  });
});

describe("rsyslog's escapes on a record's end", () => {
  it("takes `#015` off each line, so the frames and the exception read as vLLM wrote them", async () => {
    const P = "#033[1;36m(EngineCore_DP0 pid=90)#033[0;0m ERROR 03-02 11:21:07 [core.py:708]";
    const text = [
      `${P} EngineCore failed to start.`,
      `${P} Traceback (most recent call last):`,
      `${P}   File "/opt/venv/lib/python3.12/site-packages/vllm/v1/engine/core.py", line 83, in __init__`,
      `${P}     self._initialize_kv_caches(vllm_config)`,
      `${P} ValueError: the encoder cache (2048 tokens) cannot hold one audio item of 3000 tokens`,
    ].map((l) => l + "#015").join("\n") + "\n";
    const r = await analyzeText(text);
    expect(ids(r, "error")).toEqual(["vllm/engine-init-failed"]);
    const m = r.findings[0].message;
    expect(m).toContain("ValueError: the encoder cache (2048 tokens) cannot hold one audio item of 3000 tokens");
    expect(m).not.toContain("#015");
    expect(r.facts.firstError?.line).toBe(1);
  });
});

describe("vLLM's colour codes as rsyslog kept them", () => {
  it("reads a coloured record (`#033[32mINFO#033[0m #033[90m...`) and its coloured process prefix as the record", async () => {
    const c = (code: string, t: string) => `#033[${code}m${t}#033[0m`;
    const text = [
      `${c("36", "(EngineCore_DP0 pid=90)")} ${c("32", "INFO")} ${c("90", "03-02 11:20:39")} ${c("90", "[kv_cache_utils.py:1087]")} GPU KV cache size: 91,232 tokens`,
      `${c("36", "(EngineCore_DP0 pid=90)")} ${c("32", "INFO")} ${c("90", "03-02 11:20:39")} ${c("90", "[kv_cache_utils.py:1091]")} Maximum concurrency for 8,192 tokens per request: 11.14x`,
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.kvCache.tokens).toBe(91232);
    expect(r.facts.kvCache.maxConcurrency).toBe(11.14);
    expect(r.facts.vllm.engine).toBe("v1");
    expect(ids(r, "error")).toEqual([]);
  });
});

describe("a Go launcher's logfmt records of vLLM's output", () => {
  const logrus = (msg: string, i: number) =>
    `time="2026-02-11T09:14:${String(10 + i).padStart(2, "0")}Z" level=info msg="${msg.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}" component=vllm`;
  const slog = (msg: string, i: number) =>
    `time=2026-02-11T09:14:${String(10 + i).padStart(2, "0")}.120Z level=INFO source=runner.go:88 msg="${msg.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
  const lines = [
    "(APIServer pid=41) INFO 02-11 09:14:10 [api_server.py:1896] vLLM API server version 0.11.2",
    "(APIServer pid=41) INFO 02-11 09:14:10 [utils.py:253] non-default args: {'model': 'acme/tiny-embed', 'runner': 'pooling', 'max_model_len': 512}",
    "Traceback (most recent call last):",
    '  File "/opt/vllm-env/bin/vllm", line 10, in <module>',
    "    sys.exit(main())",
    '  File "/opt/vllm-env/lib/python3.12/site-packages/vllm/entrypoints/cli/main.py", line 73, in main',
    "    args.dispatch_function(args)",
    'ValueError: the checkpoint "acme/tiny-embed" has no pooling head',
  ];

  it("reads the quoted line as the line (its quotes and indentation unescaped), logrus's and slog's alike", async () => {
    for (const wrap of [logrus, slog]) {
      const r = await analyzeText(lines.map(wrap).join("\n") + "\n");
      expect(r.facts.vllm.version).toBe("0.11.2");
      expect(r.facts.config.model).toBe("acme/tiny-embed");
      expect(r.facts.config.maxModelLen).toBe(512);
      expect(r.facts.firstError?.line).toBe(8);
      expect(r.facts.firstError?.text).toBe('ValueError: the checkpoint "acme/tiny-embed" has no pooling head');
    }
  });

  it("leaves a line that only starts like one as it is", async () => {
    const r = await analyzeText('time=12s level=info note: nothing quoted here\nINFO 02-11 09:14:10 [api_server.py:1896] vLLM API server version 0.11.2\n');
    expect(r.facts.vllm.version).toBe("0.11.2");
    expect(r.facts.firstError).toBeNull();
  });
});
