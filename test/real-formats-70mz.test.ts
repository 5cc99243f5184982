import { describe, expect, it } from "vitest";
import { analyzeText, ids, eachWrapped } from "./rules/analyze-text.js";
import type { Report } from "../src/facts/schema.js";

/**
 * Formats found in a seventieth round of real logs, pasted into model vendors' repositories (Qwen, DeepSeek, GLM) with
 * their vLLM deployments. A quantized checkpoint whose layers do not split across the tensor parallel size is refused
 * with one of several wordings (GPTQ/AWQ `The input size is not aligned with the quantized weight shape. This can be
 * caused by too large tensor parallel size.`, Marlin's `... is not divisible by min_thread_n = 64`, FP8 blocks' `... is
 * not divisible by weight quantization block_n = 128`): the first and the last were not read at all. A collector that
 * writes the zone apart from the time (`2025-10-24T17:12:08.363544040 +08:00 CST `) left `+08:00 CST` on every line, so
 * the uvicorn access lines behind it were not read. A tool-call parser that cannot read the model's tool call (`[hermes_tool_parser.py:157]
 * Error in extracting tool call from response.`, Qwen3-Coder served with the Hermes parser) had no rule: the client gets
 * the call as plain text. Every log text here is written for the test in the printed layout.
 */

// the bare text, then behind kubectl --timestamps, docker compose and a Ray worker's prefix
const WRAPS = [
  ["plain", (l: string) => l],
  ["kubectl --timestamps", (l: string) => `2026-12-07T03:10:11.518204113Z ${l}`],
  ["docker compose", (l: string) => `qwen-vllm-1  | ${l}`],
  ["Ray", (l: string) => `(RayWorkerWrapper pid=7712, ip=10.8.0.5) ${l}`],
] as const;

const eachWrap = (lines: string[], check: (r: Report, at: string) => void) => eachWrapped(WRAPS, lines, check);

const finding = (r: Report, id: string) => r.findings.find((f) => f.ruleId === id);

describe("a quantized checkpoint that does not split across the tensor parallel size", () => {
  it("GPTQ / AWQ's sentence, with no numbers (vLLM 0.3 to today)", async () => {
    const lines = [
      "INFO 03-14 09:21:40 llm_engine.py:87] Initializing an LLM engine with config: model='/models/Qwen1.5-32B-Chat-AWQ', tokenizer='/models/Qwen1.5-32B-Chat-AWQ', tokenizer_mode=auto, trust_remote_code=True, dtype=torch.float16, max_seq_len=8192, tensor_parallel_size=4, quantization=awq, enforce_eager=False, seed=0)",
      "Traceback (most recent call last):",
      '  File "/usr/local/lib/python3.10/dist-packages/vllm/model_executor/layers/quantization/awq.py", line 86, in create_weights',
      "    raise ValueError(",
      "ValueError: The input size is not aligned with the quantized weight shape. This can be caused by too large tensor parallel size.",
    ];
    await eachWrap(lines, (r, at) => {
      const f = finding(r, "vllm/tp-not-divisible");
      expect(f, at).toBeDefined();
      expect(f!.message, at).toContain("does not split across the tensor parallel size (4)");
      expect(f!.message, at).toContain("input dimension is not a whole number of quantization groups");
      expect(f!.remediation.join("\n"), at).toContain("--tensor-parallel-size 1 --pipeline-parallel-size 4");
      expect(f!.evidence[0].line, at).toBe(5);
      expect(r.facts.firstError?.line, at).toBe(5);
      expect(r.facts.config.tensorParallelSize, at).toBe(4);
    });
  });

  it("FP8 block quantization of an MoE's gate/up weight, logged by a V1 worker", async () => {
    const lines = [
      "(APIServer pid=88) INFO 07-22 20:15:02 [utils.py:326] non-default args: {'model': '/models/Qwen3-Coder-30B-A3B-Instruct-FP8', 'tensor_parallel_size': 8, 'max_model_len': 65536}",
      "(Worker_TP5 pid=4410) ERROR 07-22 20:16:11 [multiproc_executor.py:511]     raise ValueError(",
      "(Worker_TP5 pid=4410) ERROR 07-22 20:16:11 [multiproc_executor.py:511] ValueError: The output_size of gate's and up's weight = 96 is not divisible by weight quantization block_n = 128.",
    ];
    await eachWrap(lines, (r, at) => {
      const f = finding(r, "vllm/tp-not-divisible");
      expect(f, at).toBeDefined();
      expect(f!.message, at).toContain("(output_size of gate's and up's weight = 96) is not a multiple of the FP8 block size (block_n = 128)");
      const advice = f!.remediation.join("\n");
      // 96 x 8 = 768 wide: 768/2 = 384 is three blocks, 768/4 = 192 is not
      expect(advice, at).toContain("leaves whole blocks on every GPU: 2 (the layer is 768 wide)");
      expect(advice, at).toContain("--tensor-parallel-size 2 --pipeline-parallel-size 4");
      expect(advice, at).toContain("--enable-expert-parallel");
    });
  });

  it("Marlin's minimum tile, old and new names, and the block_k form", async () => {
    for (const line of [
      "[rank1]: ValueError: Weight output_size_per_partition = 32 is not divisible by  min_thread_n = 64. Consider reducing tensor_parallel_size or running with --quantization gptq.",
      "ValueError: Weight input_size_per_partition = 1760 is not divisible by min_k_threads = 128.",
      "ValueError: Weight input_size_per_partition = 2368 is not divisible by weight quantization block_k = 128.",
    ]) {
      const r = await analyzeText(`INFO 05-02 10:00:00 [config.py:1] tensor_parallel_size=2\n${line}\n`);
      const f = finding(r, "vllm/tp-not-divisible");
      expect(f, line).toBeDefined();
      expect(f!.message, line).toMatch(/is not a multiple of the (?:Marlin kernel's minimum tile|FP8 block size)/);
      if (/thread/.test(line)) expect(f!.remediation.join("\n"), line).toContain("--quantization gptq or awq");
    }
  });

  it("near misses: the Marlin kernel's own run-time check, the sentence without its tensor-parallel clause, a WARNING", async () => {
    for (const text of [
      "RuntimeError: size_n = 4096, is not divisible by min_thread_n = 64\n",
      "ValueError: The input size is not aligned with the quantized weight shape.\n",
      "WARNING 05-02 10:00:00 [fp8.py:90] Weight output_partition_size = 576 is not divisible by weight quantization block_n = 128; padding the weight.\n",
    ]) {
      const r = await analyzeText(text);
      expect(ids(r), text).not.toContain("vllm/tp-not-divisible");
    }
  });

  it("the attention-heads wording keeps its own message", async () => {
    const r = await analyzeText("ValueError: Total number of attention heads (40) must be divisible by tensor parallel size (3).\n");
    expect(finding(r, "vllm/tp-not-divisible")!.message).toContain("their number (40) must be divisible by the tensor parallel size (3)");
  });
});

describe("a collector's stamp with the zone apart from the time (`<RFC 3339> +08:00 CST `)", () => {
  const body = [
    "(APIServer pid=1) ERROR 10-24 17:12:08 [async_llm.py:480] vllm.v1.engine.exceptions.EngineDeadError: EngineCore encountered an issue. See stack trace (above) for the root cause.",
    '(APIServer pid=1) INFO:     10.0.0.7:39180 - "POST /v1/chat/completions HTTP/1.1" 500 Internal Server Error',
    '(APIServer pid=1) INFO:     10.0.0.7:39118 - "POST /v1/chat/completions HTTP/1.1" 500 Internal Server Error',
  ];
  const stamps: [string, (i: number) => string][] = [
    ["RFC 3339 + offset + zone", (i) => `2026-11-03T09:41:0${i}.120044${i}01 +08:00 CST `],
    ["Go Time.String()", (i) => `2026-11-03 09:41:0${i}.120044${i}01 +0800 CST `],
    ["offset without a zone", (i) => `2026-11-03T09:41:0${i}.12 -05:00 `],
  ];
  for (const [name, stamp] of stamps)
    it(`peels ${name} and reads the access lines behind it`, async () => {
      for (const eol of ["\n", "\r\n"]) {
        const r = await analyzeText(body.map((l, i) => stamp(i) + l).join(eol) + eol);
        expect(r.facts.runtime?.http, name).toEqual({ "2xx": 0, "4xx": 0, "5xx": 2 });
        expect(ids(r), name).toEqual(expect.arrayContaining(["vllm/engine-dead", "runtime/client-errors"]));
        expect(r.facts.firstError?.line, name).toBe(1);
      }
    });

  it("a level word after the offset stays the record's level", async () => {
    const r = await analyzeText('2026-11-03T09:41:01.12 +08:00 ERROR 10-24 17:12:08 [core.py:700] EngineCore failed to start.\n2026-11-03T09:41:02.12 +08:00 INFO:     10.0.0.7:39180 - "GET /health HTTP/1.1" 200 OK\n');
    expect(r.facts.firstError?.line).toBe(1);
    expect(r.facts.runtime?.http).toEqual({ "2xx": 1, "4xx": 0, "5xx": 0 });
  });
});

describe("a tool-call parser that could not read the model's tool call", () => {
  const lines = [
    "(APIServer pid=4242) INFO 10-09 09:30:01 [utils.py:326] non-default args: {'model_tag': 'Qwen/Qwen3-Coder-30B-A3B-Instruct', 'enable_auto_tool_choice': True, 'tool_call_parser': 'hermes', 'model': 'Qwen/Qwen3-Coder-30B-A3B-Instruct', 'max_model_len': 65536}",
    '(APIServer pid=4242) INFO:     10.1.2.3:50001 - "POST /v1/chat/completions HTTP/1.1" 200 OK',
    "(APIServer pid=4242) ERROR 10-09 09:39:54 [hermes_tool_parser.py:157] Error in extracting tool call from response.",
    "(APIServer pid=4242) ERROR 10-09 09:39:54 [hermes_tool_parser.py:157] Traceback (most recent call last):",
    '(APIServer pid=4242) ERROR 10-09 09:39:54 [hermes_tool_parser.py:157]   File "/opt/venv/lib/python3.12/site-packages/vllm/entrypoints/openai/tool_parsers/hermes_tool_parser.py", line 134, in extract_tool_calls',
    "(APIServer pid=4242) ERROR 10-09 09:39:54 [hermes_tool_parser.py:157] json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)",
    "(APIServer pid=4242) ERROR 10-09 09:40:12 [hermes_tool_parser.py:157] Error in extracting tool call from response.",
  ];
  it("names the parser, counts the responses, and names the family's own parser", async () => {
    await eachWrap(lines, (r, at) => {
      const f = finding(r, "vllm/tool-call-parse-failed");
      expect(f, at).toBeDefined();
      expect(f!.severity, at).toBe("warning");
      expect(f!.message, at).toContain("The `hermes` tool-call parser could not read the tool call in the model's output (2 times, in responses)");
      expect(f!.remediation[0], at).toContain("--tool-call-parser qwen3_coder");
      expect(f!.evidence.map((e) => e.line), at).toEqual([3, 7]);
      expect(ids(r, "error"), at).not.toContain("vllm/engine-dead");
      expect(r.facts.firstError?.line, at).toBe(3);
    });
  });

  it("an older record head (no brackets) and a streamed chunk; no family hint without the model", async () => {
    const r = await analyzeText("ERROR 11-02 08:00:01 llama_tool_parser.py:120] Error trying to handle streaming tool call.\r\n");
    const f = finding(r, "vllm/tool-call-parse-failed")!;
    expect(f.message).toContain("The `llama` tool-call parser could not read the tool call in the model's output (once, in a streamed chunk)");
    expect(f.remediation[0]).toContain("(here `llama`)");
  });

  it("a DeepSeek-R1 distill is not given DeepSeek-V3's parser", async () => {
    const r = await analyzeText("INFO 02-01 10:00:00 [api_server.py:1] args: Namespace(model='deepseek-ai/DeepSeek-R1-Distill-Qwen-32B', tool_call_parser='hermes')\nERROR 02-01 10:01:00 [hermes_tool_parser.py:157] Error in extracting tool call from response.\n");
    expect(finding(r, "vllm/tool-call-parse-failed")!.remediation[0]).not.toContain("deepseek_v3");
  });
});
