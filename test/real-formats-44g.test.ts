import { describe, expect, it } from "vitest";
import { analyzeText } from "./rules/analyze-text.js";
import { WRAPS } from "./helpers/variants.js";

/**
 * Round 44g: torch.compile, CUDA graphs and speculative decoding in vLLM logs (14 real pastes: graph capture progress
 * bars and failures in `capture_model`, compile cache and Dynamo timing lines, a draft model's compile config, EAGLE /
 * ngram / draft-model launch commands, engine cores dying at start-up). First sight: 23 of 26 scored facts, every
 * problem found, no false alarm. The three misses were one paste: a `docker run` whose container flags held
 * `-v "${HOME}"/.cache:$HOME/.cache/`, a word the shell joins from a quoted part and the path stuck to it. The command
 * reader split it in two, took the path for the image, and read the image's vLLM arguments (`--model=...`,
 * `--tensor-parallel-size=1`, `--max-model-len=...`) as nothing. A shell word is now a quoted part with whatever is
 * stuck to its closing quote. Every log text here is written for the test in the printed layouts.
 */

const dockerRun = [
  "docker run -d --restart=unless-stopped \\",
  "    --gpus '\"device=0,1\"' \\",
  "    -v \"${HOME}\"/.cache/huggingface:/root/.cache/huggingface -v \"$PWD\"/draft:/draft  \\",
  "    -u `id -u`:`id -g` \\",
  "    --ipc=host \\",
  "    vllm/vllm-openai:v0.6.3 \\",
  "        --model=Qwen/Qwen2.5-14B-Instruct \\",
  "        --tensor-parallel-size=2 \\",
  "        --max-model-len=24576 \\",
  "        --speculative-model=\"[ngram]\" \\",
  "        --num-speculative-tokens=4 \\",
  "        --ngram-prompt-lookup-max=3 &>> serve.log",
];

describe("a docker run whose container flags join a quoted part and a path into one word", () => {
  it.each(WRAPS.filter(([name]) => name === "bare" || name === "CRLF"))("reads the image's vLLM arguments %s", async (_n, wrap) => {
    const r = await analyzeText(wrap(dockerRun.join("\n") + "\n"));
    expect(r.facts.config.model).toBe("Qwen/Qwen2.5-14B-Instruct");
    expect(r.facts.config.tensorParallelSize).toBe(2);
    expect(r.facts.config.maxModelLen).toBe(24576);
    expect(r.findings.filter((f) => f.severity === "error")).toEqual([]);
  });

  it("reads a quoted part with a path after it on the command's one line", async () => {
    const r = await analyzeText('docker run --gpus all -v "$HOME"/models:/models vllm/vllm-openai:latest --model /models/Llama-3.1-8B -tp 4\n');
    expect(r.facts.config.model).toBe("/models/Llama-3.1-8B");
    expect(r.facts.config.tensorParallelSize).toBe(4);
  });

  it("still ends a quoted value at the space after it (a JSON speculative config, then the next flag)", async () => {
    const text = [
      "vllm serve meta-llama/Llama-3.1-70B-Instruct -tp 8 \\",
      "  --speculative-config '{\"method\": \"eagle3\", \"model\": \"org/eagle3-draft\", \"num_speculative_tokens\": 3}' \\",
      "  --max-model-len 16384",
    ].join("\n");
    const r = await analyzeText(text + "\n");
    expect(r.facts.config.model).toBe("meta-llama/Llama-3.1-70B-Instruct");
    expect(r.facts.config.tensorParallelSize).toBe(8);
    expect(r.facts.config.maxModelLen).toBe(16384);
  });
});

const compileStartup = [
  "(EngineCore_DP0 pid=5120) INFO 11-03 09:14:02 [backends.py:548] Using cache directory: /root/.cache/vllm/torch_compile_cache/3be1c07d2f/rank_0_0/backbone for vLLM's torch.compile",
  "(EngineCore_DP0 pid=5120) INFO 11-03 09:14:02 [backends.py:559] Dynamo bytecode transform time: 6.21 s",
  "(EngineCore_DP0 pid=5120) INFO 11-03 09:14:09 [backends.py:215] Compiling a graph for dynamic shape takes 5.87 s",
  "(EngineCore_DP0 pid=5120) INFO 11-03 09:14:11 [monitor.py:34] torch.compile takes 12.08 s in total",
  "(EngineCore_DP0 pid=5120) INFO 11-03 09:14:12 [gpu_worker.py:298] Available KV cache memory: 9.41 GiB",
  "(EngineCore_DP0 pid=5120) INFO 11-03 09:14:12 [kv_cache_utils.py:1087] GPU KV cache size: 154,160 tokens",
  "(EngineCore_DP0 pid=5120) INFO 11-03 09:14:12 [kv_cache_utils.py:1091] Maximum concurrency for 32,768 tokens per request: 4.70x",
  "Capturing CUDA graphs (mixed prefill-decode, PIECEWISE): 100%|██████████| 67/67 [00:03<00:00, 19.02it/s]",
  "Capturing CUDA graphs (decode, FULL): 100%|██████████| 35/35 [00:01<00:00, 22.75it/s]",
  "(EngineCore_DP0 pid=5120) INFO 11-03 09:14:17 [gpu_model_runner.py:3480] Graph capturing finished in 5 secs, took 0.61 GiB",
];

describe("a V1 start-up with torch.compile and CUDA graph capture lines", () => {
  it.each(WRAPS)("reads the KV cache and the graphs' memory %s", async (_n, wrap) => {
    const r = await analyzeText(wrap(compileStartup.join("\n") + "\n"));
    expect(r.facts.vllm.engine).toBe("v1");
    expect(r.facts.kvCache.availableGiB).toBe(9.41);
    expect(r.facts.kvCache.tokens).toBe(154160);
    expect(r.facts.kvCache.maxConcurrency).toBe(4.7);
    expect(r.facts.kvCache.tokensPerRequest).toBe(32768);
    expect(r.facts.memory.cudaGraphGiB).toBe(0.61);
    expect(r.findings.filter((f) => f.severity === "error")).toEqual([]);
  });
});
