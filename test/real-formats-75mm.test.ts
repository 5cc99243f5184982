import { describe, expect, it } from "vitest";
import { analyzeText, ids, eachWrapped } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in round 75mm of real logs: multi-modal models (Qwen2/2.5/3-VL, LLaVA, InternVL, Gemma 3, Llama 3.2
 * Vision, Qwen3-ASR) starting up and failing. Two lines had no reader: the start-up profiling warning that the
 * multi-modal worst case (--limit-mm-per-prompt × the largest item) is longer than the sequence vLLM profiles memory
 * with (0.6 `processing.py` / 0.7 `profiling.py` "The context length (N) of the model ...", 0.8–0.10 "The sequence length
 * used for profiling (max_num_batched_tokens / max_num_seqs = N) ...", "The encoder sequence length ..." for
 * encoder-decoder models), and a running V1 server's refusal of an item larger than its encoder cache ("... item with
 * length N, which exceeds the pre-allocated encoder cache size M", from 0.16 "... with N embedding tokens, ..."). Every
 * log text here is written for the test in the printed layout, under wrappers the logs did not all show.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubectl --timestamps", (l) => `2026-12-07T04:40:01.250118733Z ${l}`],
  ["docker compose", (l) => `vlm-server-1  | ${l}`],
  ["Ray worker", (l) => `(RayWorkerWrapper pid=5120, ip=10.4.0.21) ${l}`],
];

const eachWrap = (lines: string[], check: (r: Report, at: string) => void) => eachWrapped(WRAPS, lines, check);
// the cases after the first read behind two of the wrappers (one line end each), to keep the file cheap
const eachWrapTwo = (lines: string[], check: (r: Report, at: string) => void) => eachWrapped(WRAPS.slice(1, 3), lines, check);
const finding = (r: Report, id: string) => r.findings.find((f) => f.ruleId === id);

describe("the multi-modal worst case longer than the profiled sequence (vllm/mm-profile-too-short)", () => {
  it("reads the 0.8–0.10 wording after V0's max_num_seqs line, with the KV cache lines that follow", async () => {
    const lines = [
      "INFO 03-14 09:12:40 [model_runner.py:1146] Model loading took 15.6203 GiB and 11.402117 seconds",
      "WARNING 03-14 09:12:41 [model_runner.py:1296] Computed max_num_seqs (min(256, 16384 // 49152)) to be less than 1. Setting it to the minimum value of 1.",
      "WARNING 03-14 09:12:44 [profiling.py:222] The sequence length used for profiling (max_num_batched_tokens / max_num_seqs = 16384) is too short to hold the multi-modal embeddings in the worst case (49152 tokens in total, out of which {'image': 32768, 'video': 16384} are reserved for multi-modal embeddings). This may cause certain multi-modal inputs to fail during inference, even when the input text is short. To avoid this, you should increase `max_model_len`, reduce `max_num_seqs`, and/or reduce `mm_counts`.",
      "INFO 03-14 09:12:58 [executor_base.py:111] # cuda blocks: 4120, # CPU blocks: 4681",
      "INFO 03-14 09:12:58 [executor_base.py:116] Maximum concurrency for 16384 tokens per request: 4.02x",
    ];
    await eachWrap(lines, (r, at) => {
      expect(ids(r), at).toEqual(["vllm/mm-profile-too-short"]);
      const f = finding(r, "vllm/mm-profile-too-short")!;
      expect(f.severity, at).toBe("warning");
      expect(f.message, at).toContain("49,152 tokens: image 32,768, video 16,384");
      expect(f.message, at).toContain("max_num_batched_tokens / max_num_seqs = 16,384 tokens");
      expect(f.evidence[0].line, at).toBe(3);
      expect(r.facts.kvCache.gpuBlocks, at).toBe(4120);
      expect(r.facts.kvCache.maxConcurrency, at).toBe(4.02);
      expect(r.facts.kvCache.tokensPerRequest, at).toBe(16384);
      expect(r.facts.memory.modelWeightsGiB, at).toBe(15.6203);
      expect(r.facts.firstError, at).toBeNull();
    });
  });

  it("reads 0.6's and 0.7's context-length wording and the encoder-decoder one, worker-prefixed or cut", async () => {
    const cases: [string, string][] = [
      ["WARNING 11-20 08:01:12 processing.py:878] The context length (8192) of the model is too short to hold the multi-modal embeddings in the worst case (20480 tokens in total, out of which {'image': 20480} are reserved for multi-modal embeddings). This may cause certain multi-modal inputs to fail during inference, even when the input text is short.", "the model's context length it profiles with (8,192 tokens)"],
      ["(VllmWorkerProcess pid=3301) WARNING 02-02 10:15:07 profiling.py:187] The context length (4096) of the model is too short to hold the multi-modal embeddings in the worst case (32768 tokens in total, out of which {'image': 16384, 'video': 16384} are reserved for multi-modal embeddings).", "(8× the profiled length)"],
      ["WARNING 06-05 14:20:31 [profiling.py:199] The encoder sequence length used for profiling (max_num_batched_tokens / max_num_seqs = 448) is too short to hold the multi-modal embeddings in the worst case (1500 tokens in total, out of which {'audio': 1500} are reserved for multi-modal embeddings).", "the encoder sequence it profiles with"],
      ["WARNING 07-09 12:57:42 [profiling.py:247] The sequence length used for profiling (max_num_batched_tokens / max_num_seqs = 5120) is too short to hold the multi-modal embeddings in the worst c", "the largest multi-modal input the configuration allows and found it"],
    ];
    for (const [i, [line, words]] of cases.entries()) {
      const eol = i % 2 === 0 ? "\n" : "\r\n";
      const r = await analyzeText(line + eol);
      expect(ids(r), line).toEqual(["vllm/mm-profile-too-short"]);
      expect(finding(r, "vllm/mm-profile-too-short")!.message, line).toContain(words);
    }
  });

  it("does not take the companion lines, or a question quoting the warning, for it", async () => {
    const r = await analyzeText([
      "WARNING 01-08 18:59:14 model_runner.py:1279] Computed max_num_seqs (min(256, 32768 // 65536)) to be less than 1. Setting it to the minimum value of 1.",
      "Token indices sequence length is longer than the specified maximum sequence length for this model (65536 > 32768). Running this sequence through the model will result in indexing errors",
      "Why does the log say the context length is too short to hold the multi-modal embeddings when max_model_len is 32768?",
      "",
    ].join("\n"));
    expect(ids(r)).toEqual([]);
  });
});

describe("a request's item larger than the encoder cache (vllm/mm-encoder-cache-exceeded)", () => {
  it("reads the refusal at the end of the API server's traceback, as a warning beside the 400", async () => {
    const lines = [
      "(EngineCore_DP0 pid=212) INFO 09-30 16:02:11 [gpu_model_runner.py:2602] Encoder cache will be initialized with a budget of 8192 tokens, and profiled with 1 image items of the maximum feature size.",
      "(EngineCore_DP0 pid=212) INFO 09-30 16:02:40 [kv_cache_utils.py:1087] GPU KV cache size: 301,584 tokens",
      "(EngineCore_DP0 pid=212) INFO 09-30 16:02:40 [kv_cache_utils.py:1091] Maximum concurrency for 32,768 tokens per request: 9.20x",
      "(APIServer pid=1) ERROR 09-30 16:10:03 [serving_chat.py:251] Error in preprocessing prompt inputs",
      "(APIServer pid=1) ERROR 09-30 16:10:03 [serving_chat.py:251] Traceback (most recent call last):",
      '(APIServer pid=1) ERROR 09-30 16:10:03 [serving_chat.py:251]   File "/usr/local/lib/python3.12/dist-packages/vllm/v1/engine/processor.py", line 402, in _validate_model_input',
      "(APIServer pid=1) ERROR 09-30 16:10:03 [serving_chat.py:251]     raise ValueError(",
      "(APIServer pid=1) ERROR 09-30 16:10:03 [serving_chat.py:251] ValueError: The decoder prompt contains a(n) image item with length 9804, which exceeds the pre-allocated encoder cache size 8192. Please reduce the input size or increase the encoder cache size by setting --limit-mm-per-prompt at startup.",
      '(APIServer pid=1) INFO:     10.4.0.9:51872 - "POST /v1/chat/completions HTTP/1.1" 400 Bad Request',
    ];
    await eachWrapTwo(lines, (r, at) => {
      expect(ids(r, "error"), at).toEqual([]);
      const f = finding(r, "vllm/mm-encoder-cache-exceeded");
      expect(f?.severity, at).toBe("warning");
      expect(f!.message, at).toContain("image item needs 9,804 encoder tokens, more than the 8,192-token encoder cache");
      expect(f!.evidence[0].line, at).toBe(8);
      expect(r.facts.kvCache.tokens, at).toBe(301584);
      expect(r.facts.kvCache.maxConcurrency, at).toBe(9.2);
    });
  });

  it("reads 0.16's embedding-token wording and counts repeats", async () => {
    const line = "vllm.exceptions.VLLMValidationError: The decoder prompt contains a(n) video item with 20736 embedding tokens, which exceeds the pre-allocated encoder cache size 16384. Please reduce the input size or increase the encoder cache size by setting --limit-mm-per-prompt at startup.";
    const r = await analyzeText(`${line}\r\n${line}\r\n`);
    const f = finding(r, "vllm/mm-encoder-cache-exceeded")!;
    expect(f.message).toContain("(2 times in the log)");
    expect(f.message).toContain("video item needs 20,736 encoder tokens");
    expect(f.remediation[0]).toContain("fewer frames");
  });

  it("names the refusal as the cause when the engine core died on it", async () => {
    const r = await analyzeText([
      "(APIServer pid=1) ValueError: The decoder prompt contains a(n) image item with length 6310, which exceeds the pre-allocated encoder cache size 6084. Please reduce the input size or increase the encoder cache size by setting --limit-mm-per-prompt at startup.",
      "(EngineCore pid=61) ERROR 03-23 22:41:07 [core.py:1101] EngineCore encountered a fatal error.",
      "",
    ].join("\n"));
    expect(ids(r)).toContain("vllm/engine-dead");
    expect(finding(r, "vllm/engine-dead")?.causedBy).toContain("vllm/mm-encoder-cache-exceeded");
  });

  it("does not take the start-up budget line or the prompt-length refusal for it", async () => {
    const r = await analyzeText([
      "(EngineCore_DP0 pid=88) INFO 02-08 13:44:55 [gpu_model_runner.py:4300] Encoder cache will be initialized with a budget of 16384 tokens, and profiled with 1 video items of the maximum feature size.",
      "ValueError: The decoder prompt (length 40960) is longer than the maximum model length of 32768. Make sure that `max_model_len` is no smaller than the number of text tokens plus multimodal tokens.",
      "",
    ].join("\n"));
    expect(ids(r)).not.toContain("vllm/mm-encoder-cache-exceeded");
  });
});

describe("multi-modal start-ups and failures the readers already knew, in this round's shapes", () => {
  it("an encoder-decoder vision model's profile run out of memory in a V0 worker: OOM, then the engine", async () => {
    const lines = [
      "(VllmWorkerProcess pid=91) INFO 12-01 07:30:15 model_runner.py:1072] Loading model weights took 9.8810 GB",
      "(VllmWorkerProcess pid=91) INFO 12-01 07:30:15 enc_dec_model_runner.py:301] Starting profile run for multi-modal models.",
      "(VllmWorkerProcess pid=91) ERROR 12-01 07:30:26 multiproc_worker_utils.py:229] Exception in worker VllmWorkerProcess while processing method determine_num_available_blocks: CUDA out of memory. Tried to allocate 2.10 GiB. GPU 1 has a total capacity of 23.53 GiB of which 611.19 MiB is free. Including non-PyTorch memory, this process has 22.92 GiB memory in use., Traceback (most recent call last):",
    ];
    await eachWrapTwo(lines, (r, at) => {
      expect(ids(r, "error"), at).toEqual(["vllm/cuda-oom", "vllm/engine-init-failed"]);
      expect(r.facts.vllm.engine, at).toBe("v0");
      expect(r.facts.memory.modelWeightsGiB, at).toBe(9.881);
      expect(r.facts.firstError?.line, at).toBe(3);
    });
  });

  it("a journald V0 engine loop stopped by a placeholder mismatch: first error on the ValueError(...) record", async () => {
    const r = await analyzeText([
      "Jun 02 09:14:51 gpu-box-3 vllm[7712]: ERROR 06-02 09:14:51 [engine.py:160] ValueError('Attempted to assign 2048 = 2048 multimodal tokens to 0 placeholders')",
      "Jun 02 09:14:51 gpu-box-3 vllm[7712]: ERROR 06-02 09:14:51 [engine.py:160] Traceback (most recent call last):",
      'Jun 02 09:14:51 gpu-box-3 vllm[7712]: ERROR 06-02 09:14:51 [engine.py:160]   File "/opt/venv/lib/python3.12/site-packages/vllm/engine/multiprocessing/engine.py", line 158, in start',
      "",
    ].join("\n"));
    expect(r.facts.firstError?.line).toBe(1);
    expect(r.facts.vllm.engine).toBe("v0");
    expect(ids(r)).not.toContain("vllm/mm-encoder-cache-exceeded");
  });

  it("a CRI-wrapped API server traceback of frames only names no first error and no finding", async () => {
    const r = await analyzeText([
      '2026-04-10T08:53:23.100214551+08:00 stderr F (APIServer pid=1)   File "/usr/local/lib/python3.12/dist-packages/starlette/middleware/errors.py", line 164, in __call__',
      "2026-04-10T08:53:23.100220117+08:00 stderr F (APIServer pid=1)     await self.app(scope, receive, _send)",
      "2026-04-10T08:53:23.100227402+08:00 stderr F (APIServer pid=1)            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
      "",
    ].join("\n"));
    expect(r.facts.firstError).toBeNull();
    expect(ids(r)).toEqual([]);
  });
});
