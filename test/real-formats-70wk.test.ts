import { describe, expect, it } from "vitest";
import { analyzeText, eachWrapped, ids } from "./rules/analyze-text.js";

/**
 * Formats met in round 70wk's real logs: weight loading in vLLM start-ups. tqdm's shard bars (glued by `\r` in one
 * physical line, or one per line with a worker prefix holding an empty message between them), vLLM's loader lines
 * (`Loading weights took N seconds`, V1's `Model loading took X GiB and Y seconds`, V0's `Loading model weights took
 * X GB`), the Run:ai streamer's throughput line, a V0 config line a terminal wrapped mid-word, and a front end whose
 * traceback through `launch_core_engines` is cut while the shards still load. The tool read all of them at first
 * sight; these tests keep it so. Every log text is written for the test in the printed layout.
 */

const WRAPS = [
  ["plain", (l: string) => l],
  ["kubectl --timestamps", (l: string) => `2026-03-02T10:00:01.123456789Z ${l}`],
  ["docker compose", (l: string) => `vllm-1  | ${l}`],
] as const;

const bar = (done: number, of: number, pct: number) =>
  `Loading safetensors checkpoint shards: ${String(pct).padStart(3)}% Completed | ${done}/${of} [00:0${done}<00:0${of - done},  1.10it/s]`;

describe("a V1 start-up whose shard bars are glued by carriage returns and split by empty worker prefixes", () => {
  const lines = [
    "(Worker_DP0_TP0_EP0 pid=2101) INFO 03-02 10:00:01 [gpu_model_runner.py:2000] Starting to load model Qwen/Qwen3-8B...",
    [bar(0, 5, 0), bar(2, 5, 40), bar(4, 5, 80)].join("\r"),
    "(Worker_DP0_TP0_EP0 pid=2101) ",
    bar(5, 5, 100),
    "(Worker_DP0_TP0_EP0 pid=2101) INFO 03-02 10:00:06 [default_loader.py:267] Loading weights took 4.41 seconds",
    "(Worker_DP0_TP0_EP0 pid=2101) INFO 03-02 10:00:07 [gpu_model_runner.py:2100] Model loading took 15.27 GiB and 5.102 seconds",
    "(EngineCore_DP0 pid=2050) INFO 03-02 10:00:20 [gpu_worker.py:298] Available KV cache memory: 50.12 GiB",
    "(EngineCore_DP0 pid=2050) INFO 03-02 10:00:20 [kv_cache_utils.py:864] GPU KV cache size: 365,024 tokens",
  ];
  it("reads the model, the weights, the load time and the KV cache, and finds nothing wrong", async () => {
    await eachWrapped(WRAPS, lines, (r, at) => {
      expect(r.facts, at).toMatchObject({
        config: { model: "Qwen/Qwen3-8B", executorBackend: "mp" },
        vllm: { engine: "v1" },
        memory: { modelWeightsGiB: 15.27, loadSeconds: 5.102 },
        kvCache: { tokens: 365024, availableGiB: 50.12 },
      });
      expect(r.facts.firstError, at).toBeNull();
      expect(ids(r, "error"), at).toEqual([]);
    });
  });
});

describe("the front end's traceback through launch_core_engines while the shards load", () => {
  const bars = ["(Worker_DP0_TP0_EP0 pid=2238) ", bar(3, 9, 33), "(Worker_DP0_TP0_EP0 pid=2238) ", bar(4, 9, 44)];
  const traceback = [
    "Traceback (most recent call last):",
    '  File "/opt/venv/bin/vllm", line 8, in <module>',
    "    sys.exit(main())",
    '  File "/opt/venv/lib/python3.12/site-packages/vllm/entrypoints/cli/serve.py", line 121, in cmd',
    "    run_multi_api_server(args)",
    '  File "/opt/venv/lib/python3.12/site-packages/vllm/entrypoints/cli/serve.py", line 280, in run_multi_api_server',
    "    with launch_core_engines(",
    "         ^^^^^^^^^^^^^^^^^^^",
  ];
  it("is a failed start-up, even with the cause cut off", async () => {
    await eachWrapped(WRAPS, [...bars, ...traceback], (r, at) => {
      expect(ids(r), at).toContain("vllm/engine-init-failed");
      expect(r.facts.firstError, at).toBeNull();
    });
  });
  it("near miss: the same bars with no traceback are a slow load, not a failure", async () => {
    const r = await analyzeText(bars.join("\n") + "\n");
    expect(ids(r)).not.toContain("vllm/engine-init-failed");
  });
});

describe("a V0 config line wrapped mid-word by the terminal", () => {
  const config =
    "INFO 05-10 15:52:16 llm_engine.py:234] Initializing a V0 LLM engine (v0.7.3) with config: model='org/Some-Model-32B', " +
    "speculative_config=None, tokenizer='org/Some-Model-32B', dtype=torch.bfloat16, max_seq_len=16384, download_dir=None, " +
    "load_format=LoadFormat.BITSANDBYTES, tensor_parallel_size=2, pipeline_parallel_size=1, quantization=bitsandbytes, use_asyn";
  const rest = "c_output_proc=True, disable_mm_preprocessor_cache=False, mm_processor_kwargs=None";
  it("reads the version, model and sizes from the first part", async () => {
    await eachWrapped(WRAPS, [config, rest], (r, at) => {
      expect(r.facts, at).toMatchObject({
        vllm: { version: "0.7.3", engine: "v0" },
        config: { model: "org/Some-Model-32B", maxModelLen: 16384, tensorParallelSize: 2, pipelineParallelSize: 1 },
      });
      expect(r.findings, at).toEqual([]);
    });
  });
});

describe("V0's loader lines with the Run:ai streamer, and bars of another loader quoted in markdown", () => {
  it("keeps V0's `GB` weights as GiB and reads nothing from the streamer's throughput", async () => {
    await eachWrapped(
      WRAPS,
      [
        "INFO 01-20 09:00:00 weight_utils.py:251] Using model weights format ['*.safetensors']",
        "[RunAI Streamer] Overall time to stream 15.3 GiB of all files: 7.2s, 2.1 GiB/s",
        "INFO 01-20 09:00:08 loader.py:1080] Loading weights took 7.50 seconds",
        "INFO 01-20 09:00:09 model_runner.py:1115] Loading model weights took 15.2531 GB",
      ],
      (r, at) => {
        expect(r.facts.memory.modelWeightsGiB, at).toBe(15.2531);
        expect(r.facts.memory.loadSeconds, at).toBeNull();
        expect(r.findings, at).toEqual([]);
      },
    );
  });
  it("near miss: `> Loading safetensors using … loader` bars are progress, no fact and no finding", async () => {
    const r = await analyzeText(
      ["> Loading safetensors using InstantTensor loader:  16% Completed | 160/1000 [01:10<04:00,  3.40it/s]",
       "> Loading safetensors using InstantTensor loader:  17% Completed | 170/1000 [01:15<05:20,  2.50it/s]"].join("\n") + "\n",
    );
    expect(r.findings).toEqual([]);
    expect(r.facts.firstError).toBeNull();
    expect(r.facts.memory.modelWeightsGiB).toBeNull();
  });
});
