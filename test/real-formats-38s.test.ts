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

/** Each record, after two of the program's records that are no error, is the first error, wrapped or not, LF or CRLF. */
function firstErrorEach(records: [string, string][], lead: [string, string], dialect: string, title = (name: string, how: string) => `${name} (${how}, CRLF too)`): void {
  for (const [name, line] of records)
    for (const [how, wrap] of wraps)
      it(title(name, how), async () => {
        for (const eol of ["\n", "\r\n"]) {
          const r = await analyzeText([wrap(lead[0]), wrap(lead[1]), wrap(line), ""].join(eol));
          expect(r.facts.firstError?.line).toBe(3);
          expect(r.facts.dialects?.map((d) => d.name)).toContain(dialect);
        }
      });
}

describe("TensorRT-LLM's error records are the first error", () => {
  const records: [string, string][] = [
    ["C++ logger, first releases", "[TensorRT-LLM][ERROR] Assertion failed: Failed, NCCL error /src/cpp/plugins/ncclPlugin/allreducePlugin.cpp:211 'unknown result code'"],
    ["C++ logger with a rank", "[TensorRT-LLM][ERROR][1] Encountered an error in forwardAsync function: CUDA runtime error"],
    ["C++ logger since 2024", "03-02-2026 11:40:05.771302 [TRT-LLM] [E] [2] Assertion failed: kv cache pool could not be allocated"],
    ["Python logger", "[03/02/2026-11:40:05] [TRT-LLM] [E] Executor worker initialization error: Traceback (most recent call last):"],
    ["Python logger under MPI", "[03/02/2026-11:40:05] [TRT-LLM] [MPI_Rank 3] [E] Failed to start the executor: out of memory"],
    ["Python logger, critical", "[TRT-LLM] [F] Internal error in the executor loop"],
  ];
  firstErrorEach(records, ["[TensorRT-LLM] TensorRT-LLM version: 0.19.0", "[03/02/2026-11:40:04] [TRT-LLM] [I] Loading the engine"], "trtllm");

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

describe("LMDeploy's TurboMind records", () => {
  const records: [string, string][] = [
    ["first releases", "[TM][ERROR] CUDA runtime error: out of memory /lmdeploy/src/turbomind/utils/allocator.h:231"],
    ["with a rank", "[TM][ERROR][1] ncclCommInitRank failed: unhandled system error"],
    ["a failed check", "[TM][FATAL] comm\\device_comm.cc(28): Check failed: 0 Unknown communication backend: nccl"],
    ["with time and source", "[TM][FATAL][0302.11:40:05.807188][cast.cu:264] CUDA error: no kernel image is available for execution on the device"],
    ["with the source only", "[TM][FATAL][kv_cache_utils_v2.cu:555] CUDA error: an illegal memory access"],
  ];
  firstErrorEach(records, ["[TM][WARNING] [LlamaTritonModel] `max_context_token_num` is not set, default to 32768.", "[TM][INFO] [0] loading weights"], "lmdeploy", (name, how) => `an ERROR or FATAL one is the first error: ${name} (${how}, CRLF too)`);

  it("is no error at WARN, WARNING or INFO", async () => {
    const text = ["[TM][WARN] Invalid TM_LOG_LEVEL='REQUEST'. Using default level.", "[TM][WARNING] [LlamaTritonModel] `session_len` is not set", "[TM][INFO] [0] NCCL group created", ""].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.firstError).toBeNull();
  });

  it("names LMDeploy from its Python logger's header, and reads no vLLM config from TurboMind's dump", async () => {
    const text = [
      "2024-06-19 13:51:12,566 - lmdeploy - WARNING - model_config:",
      "",
      "[llama]",
      "model_name = qwen",
      "tensor_para_size = 4",
      "session_len = 65544",
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.dialects?.map((d) => d.name)).toContain("lmdeploy");
    expect(r.facts.config.tensorParallelSize).toBeNull();
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
