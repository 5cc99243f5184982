import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import { variants } from "./helpers/variants.js";

/**
 * Shapes met in a twenty-seventh round of real logs, the newest V1 releases (0.10 to 0.2x): a launcher that re-prints
 * each record behind its own stamp and shell tag, with the process tag in brackets (`[EngineCore_DP0][pid=N]`) and a
 * millisecond record time; an HTML paste whose colour survives as `<font>` tags round the process tag; a numbered
 * `ApiServer_N` of a multi-API-server run; an app that forwards the engine's lines behind its own level and job tags;
 * and windows that hold only traceback frames. The tool read all of them right before any change; these tests pin
 * that. Every log text is written for the test, in the format's shape, with variants the threads did not show.
 */

describe("a launcher's stamp and shell tag before a bracketed process tag and a millisecond record time", () => {
  const wrap = (l: string) => `[2026-02-03 04:05:06] [/bin/sh]: ${l}`;
  const lines = [
    "[EngineCore_DP0][pid=311] INFO 02-03 04:05:01.007 [gpu_worker.py:298] Available KV cache memory: 21.4 GiB",
    "[EngineCore_DP0][pid=311] INFO 02-03 04:05:01.010 [kv_cache_utils.py:1314] GPU KV cache size: 350,208 tokens",
    "[EngineCore_DP0][pid=311] ERROR 02-03 04:05:06.482 [core.py:1302] EngineCore failed to start.",
    "[EngineCore_DP0][pid=311] ERROR 02-03 04:05:06.482 [core.py:1302] Traceback (most recent call last):",
  ].flatMap((l) => [wrap(l), wrap("")]);

  it("yields the KV facts, the first error and the init failure, in every wrapper", async () => {
    for (const text of variants(lines, { compose: true })) {
      const r = await analyzeText(text + "\n");
      const what = JSON.stringify(text.slice(0, 60));
      expect(r.facts.vllm.engine, what).toBe("v1");
      expect(r.facts.kvCache.availableGiB, what).toBe(21.4);
      expect(r.facts.kvCache.tokens, what).toBe(350208);
      expect(r.facts.firstError?.line, what).toBe(5);
      expect(r.facts.firstError?.text, what).toContain("[core.py:1302] EngineCore failed to start.");
      expect(ids(r), what).toContain("vllm/engine-init-failed");
    }
  });
});

describe("an HTML paste whose colour is kept as <font> tags round the process tag", () => {
  it("reads the records behind the tags and raises nothing on a healthy start", async () => {
    const tag = (l: string) => l.replace(/^\((\w[^)]*)\) /, '<font color="#2AA1B3"><b>($1)</b></font> ');
    const lines = [
      "(EngineCore_DP0 pid=77) INFO 11-12 13:14:15 [gpu_worker.py:298] Available KV cache memory: 9.75 GiB",
      "(EngineCore_DP0 pid=77) INFO 11-12 13:14:15 [kv_cache_utils.py:1087] GPU KV cache size: 106,496 tokens",
      "(EngineCore_DP0 pid=77) INFO 11-12 13:14:15 [kv_cache_utils.py:1091] Maximum concurrency for 16,384 tokens per request: 6.50x",
      "(APIServer pid=12) INFO 11-12 13:14:20 [api_server.py:1912] Starting vLLM API server 0 on http://0.0.0.0:8000",
      "(APIServer pid=12) INFO 11-12 13:14:20 [launcher.py:42] Route: /health, Methods: GET",
    ].map(tag);
    for (const text of variants(lines)) {
      const r = await analyzeText(text + "\n");
      const what = JSON.stringify(text.slice(0, 60));
      expect(r.facts.vllm.engine, what).toBe("v1");
      expect(r.facts.kvCache.availableGiB, what).toBe(9.75);
      expect(r.facts.kvCache.tokens, what).toBe(106496);
      expect(r.facts.kvCache.tokensPerRequest, what).toBe(16384);
      expect(r.facts.kvCache.maxConcurrency, what).toBe(6.5);
      expect(r.facts.firstError, what).toBeNull();
      expect(ids(r, "error"), what).toEqual([]);
    }
  });
});

describe("a numbered API server of a multi-API-server run, and an app's level and job tags before the engine's lines", () => {
  it("is V1 and healthy", async () => {
    const lines = [
      "(ApiServer_3 pid=4101) INFO 06-07 08:09:10 [launcher.py:46] Route: /v1/models, Methods: GET",
      "(ApiServer_3 pid=4101) INFO 06-07 08:09:10 [launcher.py:46] Route: /v1/chat/completions, Methods: POST",
    ];
    for (const text of variants(lines, { compose: true })) {
      const r = await analyzeText(text + "\n");
      expect(r.facts.vllm.engine, JSON.stringify(text.slice(0, 60))).toBe("v1");
      expect(r.findings.filter((f) => f.severity !== "info").map((f) => f.ruleId)).toEqual([]);
    }
  });

  it("reads the weights behind `HH:MM:SS [INFO] [job] [TAG] `", async () => {
    const app = (l: string, i: number) => `10:11:${String(12 + i).padStart(2, "0")} [INFO] [serve-job] [ENGINE LOG] ${l}`;
    const lines = [
      "(EngineCore_DP0 pid=88)",
      "(EngineCore_DP0 pid=88) INFO 10-03 10:11:13 [default_loader.py:268] Loading weights took 4.02 seconds",
      "(EngineCore_DP0 pid=88) INFO 10-03 10:11:14 [gpu_model_runner.py:2392] Model loading took 15.2702 GiB and 61.004 seconds",
    ].map(app);
    for (const text of variants(lines)) {
      const r = await analyzeText(text + "\n");
      const what = JSON.stringify(text.slice(0, 60));
      expect(r.facts.memory.modelWeightsGiB, what).toBe(15.2702);
      expect(r.facts.vllm.engine, what).toBe("v1");
      expect(ids(r, "error"), what).toEqual([]);
    }
  });
});

describe("windows that hold only traceback frames", () => {
  it("count the API server's frames in launch_core_engines as a failed engine start", async () => {
    const lines = [
      '(APIServer pid=55)   File "/usr/local/lib/python3.12/dist-packages/vllm/v1/engine/core_client.py", line 479, in __init__',
      "(APIServer pid=55)     with launch_core_engines(vllm_config, executor_class, log_stats) as (",
      '(APIServer pid=55)   File "/usr/lib/python3.12/contextlib.py", line 144, in __exit__',
      "(APIServer pid=55)     next(self.gen)",
      '(APIServer pid=55)   File "/usr/local/lib/python3.12/dist-packages/vllm/v1/engine/utils.py", line 933, in launch_core_engines',
      "(APIServer pid=55)     wait_for_engine_startup(",
    ];
    for (const text of variants(lines, { compose: true })) {
      const r = await analyzeText(text + "\n");
      expect(ids(r), JSON.stringify(text.slice(0, 60))).toContain("vllm/engine-init-failed");
    }
  });

  it("do not count the engine's busy-loop frames as a failed start", async () => {
    const lines = [
      "(EngineCore_DP0 pid=66) Process EngineCore_DP0:",
      "(EngineCore_DP0 pid=66) Traceback (most recent call last):",
      '(EngineCore_DP0 pid=66)   File "/opt/venv/lib/python3.12/site-packages/vllm/v1/engine/core.py", line 929, in run_engine_core',
      "(EngineCore_DP0 pid=66)     engine_core.run_busy_loop()",
      '(EngineCore_DP0 pid=66)   File "/opt/venv/lib/python3.12/site-packages/vllm/v1/engine/core.py", line 956, in run_busy_loop',
      "(EngineCore_DP0 pid=66)     self._process_engine_step()",
    ];
    for (const text of variants(lines, { compose: true })) {
      const r = await analyzeText(text + "\n");
      const what = JSON.stringify(text.slice(0, 60));
      expect(r.facts.vllm.engine, what).toBe("v1");
      expect(ids(r), what).not.toContain("vllm/engine-init-failed");
    }
  });
});
