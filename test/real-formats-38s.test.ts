import { describe, expect, it } from "vitest";
import { analyzeText } from "./rules/analyze-text.js";

/**
 * NCCL under other inference servers (round 38s). TensorRT-LLM's loggers write their own record forms (the C++
 * `[TensorRT-LLM][LEVEL]` of its first releases, the `[TRT-LLM] [E]` of its C++ and Python loggers since): an error
 * record is the log's first error, and its tags show TensorRT-LLM wrote the log. A vLLM import-time line in another
 * server's log (SGLang imported vllm) shows the package, not a vLLM engine. Every text here is written for the test in
 * the printed layout.
 */

const wraps: [string, (l: string) => string][] = [
  ["as printed", (l) => l],
  ["kubectl --timestamps", (l) => `2026-03-02T11:40:05.123456789Z ${l}`],
  ["docker compose", (l) => `trtllm-worker-1  | ${l}`],
];

describe("TensorRT-LLM's error records are the first error", () => {
  const records: [string, string][] = [
    ["C++ logger, first releases", "[TensorRT-LLM][ERROR] Assertion failed: Failed, NCCL error /src/cpp/plugins/ncclPlugin/allreducePlugin.cpp:211 'unknown result code'"],
    ["C++ logger with a rank", "[TensorRT-LLM][ERROR][1] Encountered an error in forwardAsync function: CUDA runtime error"],
    ["C++ logger since 2024", "03-02-2026 11:40:05.771302 [TRT-LLM] [E] [2] Assertion failed: kv cache pool could not be allocated"],
    ["Python logger", "[03/02/2026-11:40:05] [TRT-LLM] [E] Executor worker initialization error: Traceback (most recent call last):"],
    ["Python logger under MPI", "[03/02/2026-11:40:05] [TRT-LLM] [MPI_Rank 3] [E] Failed to start the executor: out of memory"],
    ["Python logger, critical", "[TRT-LLM] [F] Internal error in the executor loop"],
  ];
  for (const [name, line] of records)
    for (const [how, wrap] of wraps)
      it(`${name} (${how}, CRLF too)`, async () => {
        for (const eol of ["\n", "\r\n"]) {
          const text = [wrap("[TensorRT-LLM] TensorRT-LLM version: 0.19.0"), wrap("[03/02/2026-11:40:04] [TRT-LLM] [I] Loading the engine"), wrap(line), ""].join(eol);
          const r = await analyzeText(text);
          expect(r.facts.firstError?.line).toBe(3);
          expect(r.facts.dialects?.map((d) => d.name)).toContain("trtllm");
        }
      });

  it("is no error at INFO, WARNING or DEBUG, nor as a bare traceback header", async () => {
    const text = [
      "[TensorRT-LLM][INFO] MPI size: 4, rank: 2",
      "[TensorRT-LLM][WARNING] Using an engine plan file across different models of devices is not recommended",
      "03-02-2026 11:40:05.771302 [TRT-LLM] [W] [0] max_num_tokens is larger than the engine's",
      "[03/02/2026-11:40:05] [TRT-LLM] [I] Engine loaded",
      "03-02-2026 11:40:05.771310 [TRT-LLM] [D] [0] allocated 12 blocks",
      "[03/02/2026-11:40:05] [TRT-LLM] [E] Traceback (most recent call last):",
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.firstError).toBeNull();
    expect(r.findings.filter((f) => f.severity === "error")).toEqual([]);
  });

  it("is not read from another program's `[E]` tag", async () => {
    const r = await analyzeText("[03/02/2026-11:40:05] [MyApp] [E] lost the connection\n");
    expect(r.facts.dialects?.map((d) => d.name) ?? []).not.toContain("trtllm");
  });
});

describe("a TensorRT-LLM log gets no vLLM-only finding", () => {
  const HEADS = "ValueError: Total number of attention heads (40) must be divisible by tensor parallel size (3).";
  it("a vLLM rule is off once TensorRT-LLM's tags show who wrote the log", async () => {
    const bare = await analyzeText(`${HEADS}\n`);
    expect(bare.findings.map((f) => f.ruleId)).toContain("vllm/tp-not-divisible");
    const trt = await analyzeText(["[TensorRT-LLM][INFO] MPI size: 3, rank: 0", HEADS, ""].join("\n"));
    expect(trt.findings.map((f) => f.ruleId)).not.toContain("vllm/tp-not-divisible");
    expect(trt.facts.dialects?.find((d) => d.name === "trtllm")?.label).toBe("TensorRT-LLM");
  });

  it("keeps NCCL's facts and findings under TensorRT-LLM", async () => {
    const text = [
      "[TensorRT-LLM] TensorRT-LLM version: 0.12.0",
      "trt-pod-4:310:310 [1] NCCL INFO comm 0x55d0 rank 1 nranks 2 cudaDev 1 nvmlDev 1 busId 3b000 commId 0x9c1 - Init COMPLETE",
      "trt-pod-4:309:309 [0] enqueue.cc:1171 NCCL WARN Error : no algorithm/protocol available",
      "trt-pod-4:309:309 [0] NCCL INFO enqueue.cc:1290 -> 3",
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.nccl?.initComplete).toBe(1);
    expect(r.facts.firstError?.line).toBe(3);
    expect(r.findings.map((f) => f.ruleId)).toContain("nccl/internal-error");
  });

  it("tells TensorRT-LLM from the package paths of a traceback", async () => {
    const text = [
      "Traceback (most recent call last):",
      '  File "/usr/local/lib/python3.12/dist-packages/tensorrt_llm/executor/worker.py", line 610, in worker_main',
      "    worker = worker_cls(engine)",
      "RuntimeError: Executor creation failed",
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.dialects?.map((d) => d.name)).toContain("trtllm");
  });
});

describe("a vLLM import line in another server's log is no vLLM engine", () => {
  const IMPORT = "INFO 03-02 11:40:01 __init__.py:190] Automatically detected platform cuda.";
  const ARGS = "[2026-03-02 11:40:07] server_args=ServerArgs(model_path='acme/chat-13b', tokenizer_path='acme/chat-13b', tp_size=2, dp_size=1)";
  for (const [how, wrap] of wraps)
    it(`names no engine from vllm's platform line (${how})`, async () => {
      const r = await analyzeText([wrap(IMPORT), wrap(ARGS), ""].join("\n"));
      expect(r.facts.vllm.engine).toBeNull();
      expect(r.facts.dialects?.map((d) => d.name)).toContain("sglang");
    });

  it("still reads V0 from the unbracketed prefix of an engine's own record", async () => {
    const r = await analyzeText([IMPORT, "INFO 03-02 11:40:09 llm_engine.py:234] Initializing a V0 LLM engine (v0.7.2) with config: model='acme/chat-13b'", ""].join("\n"));
    expect(r.facts.vllm.engine).toBe("v0");
  });
});
