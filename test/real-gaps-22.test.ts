import { describe, expect, it } from "vitest";
import { analyzeText } from "./rules/analyze-text.js";
import { variants } from "./helpers/variants.js";

// Gaps left by the real-log rounds, each tested on text written for the test in the format's shape.

describe("a flag given twice: the value argparse keeps (the last)", () => {
  it("a `\\`-continued vllm serve command: the later line's value, whatever the wrapper", async () => {
    const lines = [
      "nohup vllm serve /models/Qwen3-32B \\",
      "  --distributed-executor-backend mp \\",
      "  --tensor-parallel-size 2 \\",
      "  --max-model-len 4096 \\",
      "  --tensor-parallel-size 4 \\",
      "  --gpu-memory-utilization 0.85 \\",
      "  --max_model_len 16384 \\",
      "  > /logs/serve.log 2>&1 &",
      "INFO 03-04 05:06:07 [api_server.py:1090] vLLM API server version 0.9.2",
    ];
    for (const text of variants(lines, { compose: true })) {
      const r = await analyzeText(text);
      expect(r.facts.config.tensorParallelSize).toBe(4);
      expect(r.facts.config.maxModelLen).toBe(16384);
      expect(r.facts.config.model).toBe("/models/Qwen3-32B");
      expect(r.facts.config.gpuMemoryUtilization).toBe(0.85);
      expect(r.facts.config.source).toBe("command");
    }
  });

  it("a continued command echoed by `set -x` under srun's task labels", async () => {
    const r = await analyzeText(["0: + vllm serve org/m \\", "0:     --tensor-parallel-size 2 \\", "0:     --tensor-parallel-size 4"].join("\n"));
    expect(r.facts.config.tensorParallelSize).toBe(4);
  });

  it("one line: the last of a flag and of its short form", async () => {
    const r = await analyzeText("$ vllm serve org/m -tp 2 --max-model-len 4096 --tensor-parallel-size 8 --max-model-len=32768 -pp 1 -pp=2\n");
    expect(r.facts.config.tensorParallelSize).toBe(8);
    expect(r.facts.config.maxModelLen).toBe(32768);
    expect(r.facts.config.pipelineParallelSize).toBe(2);
  });

  it("`python -m vllm.entrypoints...` over lines, and the flag lines of a paste that lost its backslashes", async () => {
    const cont = await analyzeText(
      ["python3 -m vllm.entrypoints.openai.api_server --model a/first \\", "    --max-model-len 2048 --model b/second \\", "    --max-model-len 8192"].join("\r\n"),
    );
    expect(cont.facts.config.model).toBe("b/second");
    expect(cont.facts.config.maxModelLen).toBe(8192);
    const flags = await analyzeText(["vllm serve org/m --max-model-len 4096", "--tensor-parallel-size 2", "--max-model-len 12000 --tensor-parallel-size 4"].join("\n"));
    expect(flags.facts.config.maxModelLen).toBe(12000);
    expect(flags.facts.config.tensorParallelSize).toBe(4);
  });

  it("docker run over lines: the image's vLLM arguments, the later one kept", async () => {
    const r = await analyzeText(
      [
        "docker run --gpus all --ipc=host -e NCCL_DEBUG=INFO \\",
        "  vllm/vllm-openai:v0.10.1 \\",
        "  --model meta-llama/Llama-3.1-8B-Instruct --max-model-len 8192 \\",
        "  --max-model-len 4096",
      ].join("\n"),
    );
    expect(r.facts.config.model).toBe("meta-llama/Llama-3.1-8B-Instruct");
    expect(r.facts.config.maxModelLen).toBe(4096);
  });

  it("an argument list (YAML args, a JSON array): the last of a repeated flag", async () => {
    const yaml = await analyzeText(
      ["args:", "  - --model", "  - org/m", "  - --max-model-len", '  - "4096"', "  - --tensor-parallel-size", "  - \"2\"", "  - --max-model-len", '  - "65536"'].join("\n"),
    );
    expect(yaml.facts.config.maxModelLen).toBe(65536);
    expect(yaml.facts.config.tensorParallelSize).toBe(2);
    const json = await analyzeText('command: ["vllm", "serve", "org/m", "--max-model-len", "1024", "--max-model-len", "2048"]\n');
    expect(json.facts.config.maxModelLen).toBe(2048);
  });

  it("lm-evaluation-harness: the last `--model_args` string, and a key's last value in it", async () => {
    const r = await analyzeText(
      "lm_eval --model vllm --model_args pretrained=org/a,tensor_parallel_size=2,max_model_len=2048 --tasks gsm8k --model_args pretrained=org/b,tensor_parallel_size=4,tensor_parallel_size=8\n",
    );
    expect(r.facts.config.model).toBe("org/b");
    expect(r.facts.config.tensorParallelSize).toBe(8);
    expect(r.facts.config.maxModelLen).toBeNull();
  });

  it("statements that outrank a later flag: serve's positional model, FastChat's --num-gpus", async () => {
    const serve = await analyzeText(["vllm serve org/positional \\", "  --model org/flag \\", "  --max-model-len 4096"].join("\n"));
    expect(serve.facts.config.model).toBe("org/positional");
    const fastchat = await analyzeText(["python3 -m fastchat.serve.vllm_worker --model-path lmsys/vicuna-7b-v1.5 \\", "  --num-gpus 2 \\", "  --tensor-parallel-size 4"].join("\n"));
    expect(fastchat.facts.config.model).toBe("lmsys/vicuna-7b-v1.5");
    expect(fastchat.facts.config.tensorParallelSize).toBe(2);
  });

  it("two separate commands: the first still counts; the engine's own statement outranks any command", async () => {
    const two = await analyzeText(["vllm serve org/m --max-model-len 4096", "some output", "vllm serve org/m --max-model-len 8192"].join("\n"));
    expect(two.facts.config.maxModelLen).toBe(4096);
    const withArgs = await analyzeText(
      [
        "vllm serve org/m \\",
        "  --max-model-len 4096 \\",
        "  --max-model-len 8192",
        "(APIServer pid=11) INFO 03-04 05:06:07 [utils.py:326] non-default args: {'model_tag': 'org/m', 'model': 'org/m', 'max_model_len': 10240}",
      ].join("\n"),
    );
    expect(withArgs.facts.config.maxModelLen).toBe(10240);
    expect(withArgs.facts.config.source).toBe("non-default-args");
  });
});

/** One engine start of vLLM 0.9 (V1), as an API server logs it; `kv` false: it stops before the KV cache lines. */
function v1Start(o: { day: string; ver: string; tp: number; len: number; kv?: [tokens: string, conc: string, gib: string]; args?: string }): string[] {
  const h = (t: string) => `INFO ${o.day} ${t}`;
  return [
    h(`10:00:00 [api_server.py:1043] vLLM API server version ${o.ver}`),
    ...(o.args ? [h(`10:00:00 [cli_args.py:325] non-default args: {${o.args}}`)] : []),
    h(
      `10:00:10 [core.py:455] Initializing a V1 LLM engine (v${o.ver}) with config: model='org/m', speculative_config=None, tokenizer='org/m', ` +
        `dtype=torch.bfloat16, max_seq_len=${o.len}, download_dir=None, load_format=auto, tensor_parallel_size=${o.tp}, pipeline_parallel_size=1, ` +
        `quantization=None, enforce_eager=False, kv_cache_dtype=auto, seed=0, served_model_name=org/m, compilation_config={"level":3}`,
    ),
    h("10:00:40 [gpu_model_runner.py:1595] Model loading took 15.0 GiB and 5.1 seconds"),
    ...(o.kv
      ? [
          h(`10:01:00 [gpu_worker.py:227] Available KV cache memory: ${o.kv[2]} GiB`),
          h(`10:01:00 [kv_cache_utils.py:716] GPU KV cache size: ${o.kv[0]} tokens`),
          h(`10:01:00 [kv_cache_utils.py:720] Maximum concurrency for ${o.len.toLocaleString("en-US")} tokens per request: ${o.kv[1]}x`),
          h("10:01:05 [api_server.py:1081] Starting vLLM API server on http://0.0.0.0:8000"),
          h("10:02:00 [loggers.py:118] Engine 000: Avg prompt throughput: 100.0 tokens/s, Avg generation throughput: 50.0 tokens/s, Running: 3 reqs, Waiting: 0 reqs, GPU KV cache usage: 10.0%, Prefix cache hit rate: 0.0%"),
        ]
      : []),
  ];
}

describe("one file holding several runs (a log appended to across restarts)", () => {
  it("each run's own KV cache and concurrency: the first run's where it states them, and the report says which run each fact is from", async () => {
    const one = v1Start({ day: "05-14", ver: "0.9.1", tp: 1, len: 32768, kv: ["100,000", "3.05", "20.50"] });
    const two = v1Start({ day: "05-15", ver: "0.9.2", tp: 2, len: 65536, kv: ["400,000", "6.10", "40.10"] });
    for (const text of variants([...one, ...two])) {
      const r = await analyzeText(text);
      expect(r.facts.kvCache.tokens).toBe(100000);
      expect(r.facts.kvCache.maxConcurrency).toBe(3.05);
      expect(r.facts.kvCache.tokensPerRequest).toBe(32768);
      expect(r.facts.config.tensorParallelSize).toBe(1);
      expect(r.facts.vllm.version).toBe("0.9.1");
      expect(r.facts.runtime?.statsLines).toBe(2);
      const runs = r.inputs[0].runs!;
      expect(runs.map((x) => [x.line, x.config])).toEqual([[2, "org/m on TP 1 × PP 1"], [10, "org/m on TP 2 × PP 1"]]);
      expect(runs[0].facts).toEqual(expect.arrayContaining(["config.model", "config.tensorParallelSize", "kvCache.tokens", "kvCache.maxConcurrency", "server.ready"]));
      expect(runs[1].facts).toEqual([]);
      expect(r.verdict).toMatch(/^Mixed runs: /);
      expect(r.notices?.[0]).toContain("its facts are from run 1 (line 2): vLLM version, model, max_model_len, TP, PP, model weights, KV cache memory, KV cache tokens, max concurrency, server ready (its runtime stats: all runs')");
    }
  });

  it("a first run that stopped before its KV cache: the later run's KV facts, named as that run's", async () => {
    const one = v1Start({ day: "05-14", ver: "0.9.1", tp: 1, len: 131072 });
    const two = v1Start({ day: "05-15", ver: "0.9.1", tp: 2, len: 65536, kv: ["400,000", "6.10", "40.10"] });
    const r = await analyzeText([...one, ...two].join("\n"));
    expect(r.facts.config.maxModelLen).toBe(131072);
    expect(r.facts.kvCache.tokens).toBe(400000);
    expect(r.facts.kvCache.tokensPerRequest).toBe(65536);
    const runs = r.inputs[0].runs!;
    expect(runs[1].line).toBe(5);
    expect(runs[1].facts).toEqual(expect.arrayContaining(["kvCache.tokens", "kvCache.maxConcurrency", "kvCache.availableGiB", "server.ready"]));
    expect(runs[0].facts).not.toContain("kvCache.tokens");
    expect(r.notices?.[0]).toContain("; run 2 (line 5): KV cache memory, KV cache tokens, max concurrency, server ready (its runtime stats: all runs')");
  });

  it("an earlier run's statement outranks a later run's stronger one (V0: the command, then another run's memory profiling line)", async () => {
    const v0 = (day: string, tp: number, util: string) => [
      `INFO ${day} 09:59:00 api_server.py:585] vLLM API server version 0.6.6`,
      `INFO ${day} 10:00:00 llm_engine.py:234] Initializing an LLM engine (v0.6.6) with config: model='org/m', speculative_config=None, tokenizer='org/m', dtype=torch.bfloat16, max_seq_len=8192, download_dir=None, load_format=LoadFormat.AUTO, tensor_parallel_size=${tp}, pipeline_parallel_size=1, disable_custom_all_reduce=False, quantization=None, enforce_eager=False, kv_cache_dtype=auto, seed=0, served_model_name=org/m, use_cached_outputs=False, `,
      `INFO ${day} 10:00:30 worker.py:266] the current vLLM instance can use total_gpu_memory (79.10GiB) x gpu_memory_utilization (${util}) = 60.00GiB`,
    ];
    const text = ["vllm serve org/m --gpu-memory-utilization 0.95", ...v0("05-14", 1, "0.95").slice(0, 2), ...v0("05-15", 2, "0.85")].join("\n");
    const r = await analyzeText(text);
    // run 1 crashed before profiling: its command's 0.95 stands, not run 2's profiling line (a stronger kind of line)
    expect(r.facts.config.gpuMemoryUtilization).toBe(0.95);
    expect(r.facts.sources["config.gpuMemoryUtilization"].line).toBe(1);
    expect(r.facts.config.tensorParallelSize).toBe(1);
    // one run in a file: the profiling line still outranks the command
    const single = await analyzeText(["vllm serve org/m --gpu-memory-utilization 0.95", ...v0("05-15", 2, "0.85")].join("\n"));
    expect(single.facts.config.gpuMemoryUtilization).toBe(0.85);
    expect(single.inputs[0].runs).toBeUndefined();
  });
});

describe("a config dump a paste elided with `...` or hand-wrapped with a hanging indent", () => {
  it("V1 banner: the pairs after an ellipsis, and on indented lines after the header", async () => {
    const lines = [
      "(EngineCore_DP0 pid=7) INFO 04-07 15:56:59 [core.py:105] Initializing a V1 LLM engine (v0.18.0) with config: model='org/big-moe', ...",
      "    dtype=torch.bfloat16, max_seq_len=131072, tensor_parallel_size=8,",
      "    quantization=fp8, kv_cache_dtype=auto, … enable_prefix_caching=True,",
      "    cudagraph_capture_sizes=[1, 2, 4, ..., 512], ...",
      "",
      "(EngineCore_DP0 pid=7) INFO 04-07 15:57:47 [default_loader.py:384] Loading weights took 34.89 seconds",
    ];
    for (const text of variants(lines, { compose: true })) {
      const r = await analyzeText(text);
      expect(r.facts.vllm.version).toBe("0.18.0");
      expect(r.facts.config.model).toBe("org/big-moe");
      expect(r.facts.config.maxModelLen).toBe(131072);
      expect(r.facts.config.tensorParallelSize).toBe(8);
      expect(r.facts.config.quantization).toBe("fp8");
      expect(r.facts.config.source).toBe("banner");
    }
  });

  it("V0 banner on one line and a `non-default args` dict, each with an ellipsis between pairs", async () => {
    const r = await analyzeText(
      [
        "INFO 11-02 10:00:00 llm_engine.py:237] Initializing an LLM engine (v0.6.3) with config: model='org/m', ..., max_seq_len=4096, ..., tensor_parallel_size=2, pipeline_parallel_size=1, seed=0",
        "INFO 11-02 10:00:01 [utils.py:326] non-default args: {'model': 'org/m', ..., 'gpu_memory_utilization': 0.7, …}",
      ].join("\n"),
    );
    expect(r.facts.config.maxModelLen).toBe(4096);
    expect(r.facts.config.tensorParallelSize).toBe(2);
    expect(r.facts.config.gpuMemoryUtilization).toBe(0.7);
  });

  it("an indented line after a closed dump or a message is no part of a dump", async () => {
    const r = await analyzeText(
      [
        "INFO 11-02 10:00:00 llm_engine.py:237] Initializing an LLM engine (v0.6.3) with config: model='org/m', max_seq_len=4096, tensor_parallel_size=2, use_cached_outputs=False, ",
        "INFO 11-02 10:00:05 [api_server.py:1] Some message",
        "    tensor_parallel_size=4, max_seq_len=9999,",
      ].join("\n"),
    );
    expect(r.facts.config.maxModelLen).toBe(4096);
    expect(r.facts.config.tensorParallelSize).toBe(2);
  });
});
