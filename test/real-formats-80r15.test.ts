import { describe, expect, it } from "vitest";
import { analyzeText, ids, eachWrapped } from "./rules/analyze-text.js";
import type { Report } from "../src/facts/schema.js";

/**
 * Formats found in round 80r15 of real logs, from the vllm-project organisation's other repositories (vllm-ascend,
 * llm-compressor, tpu-inference, vllm-omni, production-stack). vllm-omni runs vLLM's V1 engine core as its own subclass,
 * one process per stage and replica, whose log prefix is the process title `(StageEngineCoreProc_stage0_replica0 pid=N)`
 * (`_DP<k>` added for a data-parallel replica): it was not known as V1's engine core, so a log with no other marker had
 * no engine, and its bare traceback (the process's own, after it logged its failure) did not count as an engine core
 * that exited; and `vllm-omni serve`'s entry (vllm_omni/entrypoints/cli/serve.py) was not known as the API server's.
 * Every log text here is written for the test in the printed layout.
 */

// the bare text (LF and CRLF), behind kubectl --timestamps and docker compose
const WRAPS = [
  ["plain", (l: string) => l],
  ["kubectl --timestamps", (l: string) => `2026-12-07T08:51:02.118204113Z ${l}`],
  ["docker compose", (l: string) => `omni-server-1  | ${l}`],
] as const;

const eachWrap = (lines: string[], check: (r: Report, at: string) => void) => eachWrapped(WRAPS, lines, check);

describe("vllm-omni's per-stage engine core (StageEngineCoreProc_stage<N>_replica<M>)", () => {
  it("its prefix alone marks the V1 engine; its start-up failure is the first error", async () => {
    const lines = [
      "(StageEngineCoreProc_stage1_replica0_DP0 pid=5120) INFO 03-02 11:20:30 [weight_utils.py:350] Using model weights format ['*.safetensors']",
      "(StageEngineCoreProc_stage1_replica0_DP0 pid=5120) ERROR 03-02 11:20:41 [stage_engine_core_proc.py:190] StageEngineCoreProc failed to start.",
      "(StageEngineCoreProc_stage1_replica0_DP0 pid=5120) ERROR 03-02 11:20:41 [stage_engine_core_proc.py:190] Traceback (most recent call last):",
      '(StageEngineCoreProc_stage1_replica0_DP0 pid=5120) ERROR 03-02 11:20:41 [stage_engine_core_proc.py:190]   File "/opt/venv/lib/python3.12/site-packages/vllm_omni/engine/stage_engine_core_proc.py", line 140, in run_stage_core',
      "(StageEngineCoreProc_stage1_replica0_DP0 pid=5120) ERROR 03-02 11:20:41 [stage_engine_core_proc.py:190]     engine_core = StageEngineCoreProc(",
    ];
    await eachWrap(lines, (r, at) => {
      expect(r.facts.vllm.engine, at).toBe("v1");
      expect(r.facts.firstError?.line, at).toBe(2);
      expect(ids(r), at).toContain("vllm/engine-init-failed");
    });
  });

  it("its bare traceback under a cut `vllm-omni serve` traceback: the engine did not start, for the stage's exception", async () => {
    const lines = [
      "(StageEngineCoreProc_stage0_replica0 pid=4410) Process StageEngineCoreProc_stage0_replica0:",
      "(StageEngineCoreProc_stage0_replica0 pid=4410) Traceback (most recent call last):",
      '(StageEngineCoreProc_stage0_replica0 pid=4410)   File "/usr/lib/python3.12/multiprocessing/process.py", line 314, in _bootstrap',
      "(StageEngineCoreProc_stage0_replica0 pid=4410)     self.run()",
      '(StageEngineCoreProc_stage0_replica0 pid=4410)   File "/opt/venv/lib/python3.12/site-packages/vllm_omni/engine/stage_engine_core_proc.py", line 151, in run_stage_core',
      "(StageEngineCoreProc_stage0_replica0 pid=4410)     raise e",
      "(StageEngineCoreProc_stage0_replica0 pid=4410) KeyError: 'talker.codec_head.weight'",
      "(APIServer pid=4000) Traceback (most recent call last):",
      '(APIServer pid=4000)   File "/opt/venv/bin/vllm-omni", line 8, in <module>',
      "(APIServer pid=4000)     sys.exit(main())",
      '(APIServer pid=4000)   File "/opt/venv/lib/python3.12/site-packages/vllm_omni/entrypoints/cli/serve.py", line 80, in cmd',
      "(APIServer pid=4000)     uvloop.run(run_server(args))",
      '(APIServer pid=4000)   File "/opt/venv/lib/python3.12/site-packages/uvloop/__init__.py", line 96, in run',
      "(APIServer pid=4000)     return __asyncio.run(",
    ];
    await eachWrap(lines, (r, at) => {
      expect(r.facts.vllm.engine, at).toBe("v1");
      expect(r.facts.tracebacks?.counts.engineCoreExit, at).toBe(1);
      const f = r.findings.find((x) => x.ruleId === "vllm/engine-init-failed");
      expect(f, at).toBeDefined();
      expect(f!.message, at).toContain("KeyError: 'talker.codec_head.weight'");
    });
  });

  it("near misses: another stage-like process name, and the stage engine core of a log that served", async () => {
    // a process title that is not vllm-omni's engine core tells no engine
    const other = await analyzeText(
      "(StageWorker_stage1 pid=77) INFO 03-02 11:20:30 [weight_utils.py:350] Using model weights format ['*.safetensors']\n",
    );
    expect(other.facts.vllm.engine).toBeNull();
    // the same bare traceback and cut entry, after the server had come up: no start-up failure
    const served = await analyzeText(
      [
        "(APIServer pid=4000) INFO 03-02 11:25:00 [api_server.py:1900] Starting vLLM API server 0 on http://0.0.0.0:8091",
        "(APIServer pid=4000) INFO:     Application startup complete.",
        "(StageEngineCoreProc_stage0_replica0 pid=4410) Traceback (most recent call last):",
        '(StageEngineCoreProc_stage0_replica0 pid=4410)   File "/opt/venv/lib/python3.12/site-packages/vllm_omni/engine/stage_engine_core_proc.py", line 151, in run_stage_core',
        "(StageEngineCoreProc_stage0_replica0 pid=4410)     raise e",
        "(StageEngineCoreProc_stage0_replica0 pid=4410) KeyError: 'talker.codec_head.weight'",
        "(APIServer pid=4000) Traceback (most recent call last):",
        '(APIServer pid=4000)   File "/opt/venv/lib/python3.12/site-packages/vllm_omni/entrypoints/cli/serve.py", line 80, in cmd',
        "(APIServer pid=4000)     uvloop.run(run_server(args))",
        '(APIServer pid=4000)   File "/opt/venv/lib/python3.12/site-packages/uvloop/__init__.py", line 96, in run',
      ].join("\n") + "\n",
    );
    expect(ids(served)).not.toContain("vllm/engine-init-failed");
  });
});
