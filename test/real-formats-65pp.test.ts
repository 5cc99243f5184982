import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in round 65pp of real logs: pipeline parallelism in vLLM (0.5 → newest). The start-ups (V1's
 * `(Worker_PP1 pid=…)` prefixes, Ray workers' `assigned as DP rank 0, PP rank 1, TP rank 0`, the banner's non-default
 * args with `pipeline_parallel_size`) were read right at first sight; what had no finding of its own was vLLM refusing
 * pipeline parallelism before it builds anything, in the four wordings its releases have used (no PP yet, Ray only,
 * the architectures list or the SupportsPP interface, V0's offline engine). Those were reported as a bare
 * engine-init failure, or (a single pasted exception line) not at all. Every log text here is written for the test in
 * the printed layout.
 */

// plain LF, and two collectors' wrappers (one with CRLF): kept to three readings so the file stays cheap
const WRAPS: [string, (l: string) => string, string][] = [
  ["plain", (l) => l, "\n"],
  ["kubectl --timestamps", (l) => `2026-12-07T00:31:09.204118337Z ${l}`, "\n"],
  ["docker compose, CRLF", (l) => `vllm-pp-1  | ${l}`, "\r\n"],
];

async function eachWrap(lines: string[], check: (r: Report, at: string) => void): Promise<void> {
  for (const [name, wrap, eol] of WRAPS) check(await analyzeText(lines.map(wrap).join(eol) + eol), name);
}

const finding = (r: Report, id: string) => r.findings.find((f) => f.ruleId === id);

describe("vllm/pp-unsupported: the refusals by release and engine", () => {
  const cases: { name: string; lines: string[]; line: number; says: RegExp; advice: RegExp }[] = [
    {
      name: "≤0.5.0: no pipeline parallelism yet (the server's traceback)",
      lines: [
        "Traceback (most recent call last):",
        '  File "/srv/venv/lib/python3.10/site-packages/vllm/engine/arg_utils.py", line 512, in create_engine_config',
        "    parallel_config = ParallelConfig(",
        '  File "/srv/venv/lib/python3.10/site-packages/vllm/config.py", line 540, in _verify_args',
        "    raise NotImplementedError(",
        "NotImplementedError: Pipeline parallelism is not supported yet.",
      ],
      line: 6,
      says: /has no pipeline parallelism at all/,
      advice: /Upgrade vLLM \(0\.5\.1 and later/,
    },
    {
      name: "0.5.1: Ray only (the quoted code line is not read as the refusal)",
      lines: [
        '  File "/home/u/.local/lib/python3.11/site-packages/vllm/config.py", line 690, in _verify_args',
        '    raise NotImplementedError("Pipeline parallelism is not supported "',
        "NotImplementedError: Pipeline parallelism is not supported yet with multiprocessing.",
      ],
      line: 3,
      says: /only with the Ray executor/,
      advice: /--distributed-executor-backend ray/,
    },
    {
      name: "V0's offline engine, under torchrun's rank tag",
      lines: [
        "[rank0]:   File \"/work/env/lib/python3.10/site-packages/vllm/engine/llm_engine.py\", line 1301, in step",
        "[rank0]:     raise NotImplementedError(",
        "[rank0]: NotImplementedError: Pipeline parallelism is only supported through AsyncLLMEngine as performance will be severely degraded otherwise.",
      ],
      line: 3,
      says: /synchronous V0 engine/,
      advice: /vllm serve <model> --pipeline-parallel-size N/,
    },
    {
      name: "0.6: the architectures list, behind an engine process's ERROR record",
      lines: [
        "ERROR 10-03 09:12:44 engine.py:160] NotImplementedError: Pipeline parallelism is only supported for the following  architectures: ['LlamaForCausalLM', 'MixtralForCausalLM', 'Qwen2ForCausalLM'].",
      ],
      line: 1,
      says: /only for the architectures it lists.*Listed: \['LlamaForCausalLM', 'MixtralForCausalLM', 'Qwen2ForCausalLM'\]/,
      advice: /SupportsPP/,
    },
  ];
  for (const c of cases)
    it(c.name, async () => {
      await eachWrap(c.lines, (r, at) => {
        const f = finding(r, "vllm/pp-unsupported");
        expect(f, at).toBeDefined();
        expect(f!.evidence[0].line, at).toBe(c.line);
        expect(f!.message, at).toMatch(c.says);
        expect(f!.remediation.join("\n"), at).toMatch(c.advice);
        expect(r.facts.firstError?.line, at).toBe(c.line);
      });
    });

  it("newer releases: the model lacks SupportsPP; the sizes and the model read from the banner shape the advice", async () => {
    const lines = [
      "(APIServer pid=4410) INFO 03-02 11:20:05 [api_server.py:1880] vLLM API server version 0.11.2",
      "(APIServer pid=4410) INFO 03-02 11:20:05 [utils.py:253] non-default args: {'model_tag': 'acme/Mamba-Hybrid-9B', 'model': 'acme/Mamba-Hybrid-9B', 'tensor_parallel_size': 2, 'pipeline_parallel_size': 2}",
      "(APIServer pid=4410) ERROR 03-02 11:20:07 [api_server.py:2001] NotImplementedError: Pipeline parallelism is not supported for this model. Supported models implement the `SupportsPP` interface.",
    ];
    await eachWrap(lines, (r, at) => {
      expect(r.facts.config.pipelineParallelSize, at).toBe(2);
      expect(r.facts.config.tensorParallelSize, at).toBe(2);
      const f = finding(r, "vllm/pp-unsupported");
      expect(f, at).toBeDefined();
      expect(f!.message, at).toContain("The model's implementation in vLLM 0.11.2 (acme/Mamba-Hybrid-9B) does not support pipeline parallelism");
      expect(f!.message, at).toContain("pipeline parallel size 2");
      expect(f!.remediation.join("\n"), at).toContain("--tensor-parallel-size 4 --pipeline-parallel-size 1");
      // the engine failing to start is this refusal's consequence
      const init = finding(r, "vllm/engine-init-failed");
      if (init) expect(init.causedBy, at).toContain("vllm/pp-unsupported");
    });
  });

  it("near misses: quoted code, warnings that turn features off under PP, a partition note, another framework's words", async () => {
    const lines = [
      '    raise NotImplementedError("Pipeline parallelism is only supported through AsyncLLMEngine "',
      "WARNING 08-14 02:03:04 config.py:391] Async output processor is not supported with pipeline parallelism currently. Disabling it.",
      "(Worker_PP1 pid=901) INFO 02-11 07:08:09 [utils.py:164] Hidden layers were unevenly partitioned: [31,30]. This can be manually overridden using the VLLM_PP_LAYER_PARTITION environment variable",
      "ValueError: Pipeline parallelism is only supported with AsyncVLLMInferenceEngine. Please set `generator.async_engine=true` in your config.",
      "# Pipeline parallelism is not supported for this model in our fork; see docs.",
    ];
    await eachWrap(lines, (r, at) => {
      expect(ids(r), at).not.toContain("vllm/pp-unsupported");
    });
  });
});

describe("pipeline-parallel start-ups read at first sight (kept as they are)", () => {
  it("Ray workers on two nodes: world size and executor from the rank assignment, no PP size inferred", async () => {
    const lines = [
      "(RayWorkerWrapper pid=5120) INFO 06-03 10:00:01 [parallel_state.py:1004] rank 2 in world size 8 is assigned as DP rank 0, PP rank 0, TP rank 2",
      "(RayWorkerWrapper pid=7311, ip=10.20.0.9) INFO 06-03 10:00:02 [parallel_state.py:1004] rank 5 in world size 8 is assigned as DP rank 0, PP rank 1, TP rank 1 [repeated 3x across cluster]",
      "(RayWorkerWrapper pid=7311, ip=10.20.0.9) INFO 06-03 10:00:04 [utils.py:106] Hidden layers were unevenly partitioned: [41,40]. This can be manually overridden using the VLLM_PP_LAYER_PARTITION environment variable",
    ];
    await eachWrap(lines, (r, at) => {
      expect(r.facts.distributed.worldSize, at).toBe(8);
      expect(r.facts.config.executorBackend, at).toBe("ray");
      expect(r.facts.config.pipelineParallelSize, at).toBeNull();
      expect(r.facts.firstError, at).toBeNull();
      expect(ids(r, "error"), at).toEqual([]);
    });
  });

  it("V1 multiprocessing workers named by stage (`Worker_PP1`): a worker that failed to start", async () => {
    const lines = [
      "(Worker_PP0 pid=3301) INFO 02-11 07:08:09 [utils.py:164] Hidden layers were unevenly partitioned: [16,15]. This can be manually overridden using the VLLM_PP_LAYER_PARTITION environment variable",
      "(Worker_PP1 pid=3302) ERROR 02-11 07:08:10 [multiproc_executor.py:774] WorkerProc failed to start.",
      "(Worker_PP1 pid=3302) ERROR 02-11 07:08:10 [multiproc_executor.py:774] Traceback (most recent call last):",
    ];
    await eachWrap(lines, (r, at) => {
      expect(r.facts.vllm.engine, at).toBe("v1");
      expect(r.facts.config.executorBackend, at).toBe("mp");
      expect(r.facts.firstError?.line, at).toBe(2);
      expect(ids(r), at).toContain("vllm/engine-init-failed");
      expect(ids(r), at).not.toContain("vllm/pp-unsupported");
    });
  });
});
