import { describe, expect, it } from "vitest";
import { analyzeText, ids, eachWrapped } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in a seventieth round of real logs: logs as authors paste them into blog posts, tutorials and Q&A pages
 * (CSDN, GitCode's blog, personal blogs, error-catalogue sites). Two shapes were misread. A Chinese write-up retypes or
 * translates an exception line with the full-width colon its input method types (`torch.cuda.OutOfMemoryError：CUDA 内存
 * 不足。…`), which the exception reader did not take for `Type: message`, so the first error fell on the English copy
 * below it. A write-up that quotes vLLM's start-up verdict in its prose (`主进程报告“Engine process failed to start”`)
 * raised vllm/engine-init-failed on a page that shows no log at all. Every log text here is written for the test in the
 * printed layout, under wrappers the pages did not all show.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubectl --timestamps", (l) => `2026-12-07T02:31:08.440915226Z ${l}`],
  ["docker compose", (l) => `vllm-1  | ${l}`],
  ["Ray", (l) => `(ServeReplica:default:LLMServer pid=5123, ip=10.4.0.9) ${l}`],
];

const eachWrap = (lines: string[], check: (r: Report, at: string) => void) => eachWrapped(WRAPS, lines, check);

describe("an exception line retyped with a full-width colon", () => {
  it("a translated CUDA OOM line is the first error, and the OOM is found", async () => {
    const lines = [
      "torch.OutOfMemoryError：CUDA 显存不足。尝试分配 1.50 GiB。GPU 1 总容量 23.64 GiB，空闲 812.00 MiB。",
      "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 1.50 GiB. GPU 1 has a total capacity of 23.64 GiB of which 812.00 MiB is free.",
    ];
    await eachWrap(lines, (r, at) => {
      expect(r.facts.firstError?.line, at).toBe(1);
      expect(r.facts.firstError?.text, at).toContain("OutOfMemoryError：CUDA 显存不足");
      expect(ids(r), at).toContain("vllm/cuda-oom");
    });
  });

  it("a translated ValueError alone is the first error", async () => {
    await eachWrap(["ValueError：模型的最大序列长度 (40960) 大于 KV 缓存能存放的 token 数 (18224)。"], (r, at) => {
      expect(r.facts.firstError?.line, at).toBe(1);
    });
  });

  it("near misses: prose with a full-width colon, or a name that is no error, states no error", async () => {
    for (const line of [
      "错误：显存不足，换一张更大的卡",
      "注意：ValueError 只是示例",
      "Note：the server started in 42 s",
      "UserWarning：this option is deprecated",
      "ERROR：see below",
    ]) {
      const r = await analyzeText(`${line}\n`);
      expect(r.facts.firstError, line).toBeNull();
      expect(ids(r), line).toEqual([]);
    }
  });
});

describe("vLLM's start-up verdict quoted in a write-up's prose", () => {
  it("a quoted verdict (Chinese or ASCII quotes) is no engine failure", async () => {
    for (const line of [
      "- 在加载权重之后，进程突然退出，主进程报告“Engine process failed to start”",
      'The server never came up; the log only said "Engine core initialization failed" and nothing else.',
      "日志末尾只有「EngineCore failed to start」一行",
    ]) {
      const r = await analyzeText(`${line}\n`);
      expect(ids(r), line).not.toContain("vllm/engine-init-failed");
      expect(r.facts.firstError, line).toBeNull();
    }
  });

  it("the verdict as vLLM prints it still fires, wrapped or not", async () => {
    const lines = [
      "ERROR 10-14 03:12:40 api_server.py:281] RPCServer process died before responding to readiness probe",
      "Traceback (most recent call last):",
      '  File "/usr/local/lib/python3.10/dist-packages/vllm/entrypoints/openai/api_server.py", line 201, in build_async_engine_client_from_engine_args',
      '    raise RuntimeError("Engine process failed to start. See stack trace for the root cause.")',
      "RuntimeError: Engine process failed to start. See stack trace for the root cause.",
    ];
    await eachWrap(lines, (r, at) => {
      expect(ids(r), at).toContain("vllm/engine-init-failed");
      expect(r.facts.firstError?.line, at).toBe(1);
    });
    const v1 = await analyzeText("(APIServer pid=611) RuntimeError: Engine core initialization failed. See root cause above. Failed core proc(s): {'EngineCore_DP0': 1}\n");
    expect(ids(v1)).toContain("vllm/engine-init-failed");
  });
});

describe("blog prose around a log invents no facts", () => {
  it("settings and versions named in prose are not read; a reflowed command line is", async () => {
    const prose = [
      "从日志中可以看到：",
      "  1. 初始化V1 LLM引擎时配置了tensor_parallel_size=4",
      "  2. 检测到NCCL 2.21.5版本后进程停住",
      "本文使用 vLLM 0.8.4，最大序列长度为32768。",
    ];
    const r = await analyzeText(prose.join("\n") + "\n");
    expect(r.facts.config.tensorParallelSize).toBeNull();
    expect(r.facts.vllm.version).toBeNull();
    expect(r.facts.vllm.engine).toBeNull();
    expect(r.facts.config.maxModelLen).toBeNull();
    expect(ids(r)).toEqual([]);

    const cmd = "docker run --gpus all -d -p 8000:8000 \\--ipc=host \\-v /data/m/Qwen3-14B:/model \\vllm/vllm-openai:latest \\--model /model \\--tensor-parallel-size 4 \\--max-model-len 8192 \\--gpu-memory-utilization 0.85";
    await eachWrap([cmd], (rc, at) => {
      expect(rc.facts.config.model, at).toBe("/model");
      expect(rc.facts.config.tensorParallelSize, at).toBe(4);
      expect(rc.facts.config.maxModelLen, at).toBe(8192);
      expect(rc.facts.config.gpuMemoryUtilization, at).toBe(0.85);
    });
  });
});
