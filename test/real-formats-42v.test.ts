import { describe, expect, it } from "vitest";
import { analyzeText } from "./rules/analyze-text.js";
import { WRAPS } from "./helpers/variants.js";

/**
 * Round 42v: a random sample of vLLM issues of the 0.6–0.8 era (27 pastes: offline `LLM.generate`, the OpenAI server,
 * AsyncLLMEngine, docker, segfaults, worker tracebacks). First sight: every scored fact right and no problem missed or
 * invented. With four more pastes one fact was missed: the engine of a V0 run in vLLM 0.8 that the user chose on the
 * pasted command line (`VLLM_USE_V1=0 vllm serve ... --max-model-len 32768`), whose lines after it (V0's
 * `model_runner.py` graph capture, `llm_engine.py` init time, the server routes) name no engine the reader knows.
 * vllm/envs.py (0.7–0.10) reads `VLLM_USE_V1` as `bool(int(...))`: 0 asks for V0 and 1 for V1. That setting is now a
 * weak engine marker: any line the engine prints itself (process names, V1's files, a fallback to V0) still decides.
 * A later paste (`VLLM_USE_V1=1 python3 benchmarks/benchmark_latency.py --model ... --max-model-len 2048`) shows the
 * same for V1. Every log text here is written for the test in vLLM's printed layouts.
 */

const v0Tail = [
  "$ CUDA_VISIBLE_DEVICES=1 VLLM_USE_V1=0 vllm serve /data/models/Qwen2.5-14B-Instruct-AWQ -q awq --max-model-len 16384",
  "",
  "INFO 05-02 14:21:07 [model_runner.py:1598] Graph capturing finished in 17 secs, took 1.12 GiB",
  "INFO 05-02 14:21:07 [llm_engine.py:448] init engine (profile, create kv cache, warmup model) took 31.80 seconds",
  "INFO 05-02 14:21:07 [api_server.py:1081] Starting vLLM API server on http://0.0.0.0:8000",
  "INFO 05-02 14:21:07 [launcher.py:26] Available routes are:",
  "INFO 05-02 14:21:07 [launcher.py:34] Route: /health, Methods: GET",
  "INFO 05-02 14:21:07 [launcher.py:34] Route: /v1/models, Methods: GET",
];

describe("a V0 run chosen with VLLM_USE_V1=0 on the pasted command line", () => {
  it.each(WRAPS)("tells the V0 engine %s", async (_name, wrap) => {
    const r = await analyzeText(wrap(v0Tail.join("\n") + "\n"));
    expect(r.facts.vllm.engine).toBe("v0");
    expect(r.facts.config.maxModelLen).toBe(16384);
    expect(r.facts.memory.cudaGraphGiB).toBe(1.12);
    expect(r.findings.filter((f) => f.severity === "error")).toEqual([]);
  });

  const engines: Array<[string, string[], "v0" | "v1" | null]> = [
    ["tells no engine without the setting (the lines alone name none)", v0Tail.slice(2), null],
    [
      "reads `export VLLM_USE_V1=1` before an offline script as V1",
      [
        "export VLLM_USE_V1=1; python bench_offline.py --model /mnt/llm/Mistral-7B-Instruct-v0.3 --max-model-len 8192",
        "Processed prompts: 100%|██████████| 64/64 [00:09<00:00,  6.83it/s, est. speed input: 871.22 toks/s, output: 1021.40 toks/s]",
      ],
      "v1",
    ],
    [
      "reads a docker `-e VLLM_USE_V1=0` as V0",
      [
        "docker run --gpus all -e VLLM_USE_V1=0 -p 8000:8000 vllm/vllm-openai:v0.8.5 --model google/gemma-2-9b-it --max-model-len 4096",
        "INFO 06-11 08:00:41 [api_server.py:1090] Starting vLLM API server on http://0.0.0.0:8000",
      ],
      "v0",
    ],
    [
      "gives way to the engine the log itself shows (V1 process names of 0.11)",
      [
        "VLLM_USE_V1=0 vllm serve Qwen/Qwen3-8B --max-model-len 8192",
        "(APIServer pid=2211) INFO 09-30 10:12:55 [api_server.py:1896] vLLM API server version 0.11.0",
        "(EngineCore_DP0 pid=2290) INFO 09-30 10:13:20 [gpu_model_runner.py:2602] Starting to load model Qwen/Qwen3-8B...",
      ],
      "v1",
    ],
    ["takes no engine from a value vLLM would not read as 0 or 1", ["VLLM_USE_V1=auto vllm serve Qwen/Qwen3-8B --max-model-len 8192", ...v0Tail.slice(2)], null],
  ];
  it.each(engines)("%s", async (_name, lines, engine) => {
    const r = await analyzeText(lines.join("\n") + "\n");
    expect(r.facts.vllm.engine).toBe(engine);
  });
});

/**
 * Found on the way: the environment of a pasted launch was lost when an interpreter stood between it and vLLM
 * (`NCCL_DEBUG=INFO python -m vllm.entrypoints.openai.api_server ...`, the usual 0.5–0.7 launch, or `A=1 python3 run.py
 * --model m`), and `export A=1; vllm serve` kept the shell's `;` in the value (`INFO;`).
 */
describe("the environment in front of a pasted launch", () => {
  const cases: Array<[string, string, Record<string, string>]> = [
    ["through `python -m`", "NCCL_DEBUG=INFO CUDA_VISIBLE_DEVICES=2,3 python3 -m vllm.entrypoints.openai.api_server --model /srv/m/Llama-3-8B --tensor-parallel-size 2", { NCCL_DEBUG: "INFO", CUDA_VISIBLE_DEVICES: "2,3" }],
    ["through a script", "NCCL_P2P_DISABLE=1 /opt/venv/bin/python serve_llm.py --model /srv/m/Llama-3-8B --tensor-parallel-size 2", { NCCL_P2P_DISABLE: "1" }],
    ["exported before `;`", "export NCCL_DEBUG=WARN; vllm serve /srv/m/Llama-3-8B --tensor-parallel-size 2", { NCCL_DEBUG: "WARN" }],
    ["exported before `&&`", "export NCCL_IB_DISABLE=1 NCCL_DEBUG=INFO && sudo -E python -u -m vllm.entrypoints.openai.api_server --model /srv/m/Llama-3-8B -tp 2", { NCCL_IB_DISABLE: "1", NCCL_DEBUG: "INFO" }],
  ];
  it.each(cases)("is read %s", async (_name, line, env) => {
    const r = await analyzeText(line + "\n");
    for (const [k, v] of Object.entries(env)) expect(r.facts.env[k]).toBe(v);
    expect(r.facts.config.tensorParallelSize).toBe(2);
  });

  it("leaves out a shell variable the command does not see (`A=1;` not exported)", async () => {
    const r = await analyzeText("NCCL_DEBUG=INFO; vllm serve /srv/m/Llama-3-8B --tensor-parallel-size 2\n");
    expect(r.facts.env.NCCL_DEBUG).toBeUndefined();
    expect(r.facts.config.tensorParallelSize).toBe(2);
  });

  it("keeps the last assignment of a name, as the shell does", async () => {
    const r = await analyzeText("NCCL_DEBUG=WARN NCCL_DEBUG=INFO vllm serve /srv/m/Llama-3-8B -tp 2\n");
    expect(r.facts.env.NCCL_DEBUG).toBe("INFO");
  });
});
