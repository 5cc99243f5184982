import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * Shapes of a thirtieth round of real logs (data parallel, expert parallel and disaggregated serving: vLLM's engine
 * cores `EngineCore_DPn`, workers `Worker_DPd_TPt_EPe`, verl's / llm-d's wrappers around them). Every text is written
 * for the test in the printed layout.
 */

const kubectl = (l: string, i: number) => `2026-03-04T11:20:${String(10 + (i % 40)).padStart(2, "0")}.${String(200000000 + i * 7349).slice(1)}Z ${l}`;
const compose = (l: string) => `vllm-dp-1  | ${l}`;

/** the shapes a reader should not care about: as written, kubectl --timestamps, docker compose, CRLF */
async function variants(lines: string[]) {
  return Promise.all([
    analyzeText(lines.join("\n") + "\n"),
    analyzeText(lines.map(kubectl).join("\n") + "\n"),
    analyzeText(lines.map(compose).join("\n") + "\n"),
    analyzeText(lines.join("\r\n") + "\r\n"),
  ]);
}

/**
 * vLLM's `run_engine_core` logs the engine's traceback at ERROR (`EngineCore failed to start.` first, when the engine
 * object does not exist yet). A paste that keeps only the frames inside `EngineCore.__init__` (building the executor)
 * still shows the start-up failing, also behind a Ray actor's prefix (verl's `vLLMHttpServer`, on another node).
 */
describe("real formats 30d: an engine-core traceback cut inside EngineCore.__init__", () => {
  const outer = "(vLLMHttpServer pid=40211, ip=10.31.8.22) (EngineCore_DP1 pid=40577) ";
  const head = `${outer}ERROR 03-04 11:20:31 [core.py:851] `;
  const frames = [
    `${head}  File "/opt/py/lib/python3.12/site-packages/vllm/v1/engine/core.py", line 1131, in __init__`,
    `${head}    super().__init__(`,
    `${head}  File "/opt/py/lib/python3.12/site-packages/vllm/v1/engine/core.py", line 615, in __init__`,
    `${head}    super().__init__(`,
    `${head}  File "/opt/py/lib/python3.12/site-packages/vllm/v1/engine/core.py", line 104, in __init__`,
    `${head}    self.model_executor = executor_class(vllm_config)`,
    `${head}                          ^^^^^^^^^^^^^^^^^^^^^^^^^^^`,
  ];

  it("reports the engine's start-up failure, whatever wraps the lines", async () => {
    for (const r of await variants(frames)) expect(ids(r, "error")).toEqual(["vllm/engine-init-failed"]);
  });

  it("a traceback through the running engine.s busy loop is no start-up failure", async () => {
    const busy = [
      `${head}  File "/opt/py/lib/python3.12/site-packages/vllm/v1/engine/core.py", line 1012, in run_busy_loop`,
      `${head}    self._process_engine_step()`,
      `${head}  File "/opt/py/lib/python3.12/site-packages/vllm/v1/engine/core.py", line 1044, in _process_engine_step`,
      `${head}    outputs, model_executed = self.step_fn()`,
    ];
    for (const r of await variants(busy)) expect(ids(r)).not.toContain("vllm/engine-init-failed");
  });
});

/**
 * The multiprocessing traceback of an engine-core process that died (`Process EngineCore_DP1:`): `run_engine_core`
 * wraps the engine's construction and its busy loop in one `try` and re-raises (`raise e`), so a paste cut at that
 * frame says neither; the frame below it (`engine_core = DPEngineCoreProc(...)` or `engine_core.run_busy_loop()`) does.
 */
describe("real formats 30d: an engine-core process traceback cut at run_engine_core's re-raise", () => {
  const p = "(EngineCore_DP1 pid=61802) ";
  const top = [
    `${p}Process EngineCore_DP1:`,
    `${p}Traceback (most recent call last):`,
    `${p}  File "/usr/lib/python3.12/multiprocessing/process.py", line 314, in _bootstrap`,
    `${p}    self.run()`,
    `${p}  File "/usr/lib/python3.12/multiprocessing/process.py", line 108, in run`,
    `${p}    self._target(*self._args, **self._kwargs)`,
    `${p}  File "/srv/vllm/vllm/v1/engine/core.py", line 946, in run_engine_core`,
    `${p}    raise e`,
  ];

  it("reports no start-up failure when the paste stops at `raise e`", async () => {
    for (const r of await variants(top)) expect(ids(r, "error")).toEqual([]);
  });

  it("reports it when the next frame builds the engine, and not when it runs the busy loop", async () => {
    const built = [...top, `${p}  File "/srv/vllm/vllm/v1/engine/core.py", line 933, in run_engine_core`, `${p}    engine_core = DPEngineCoreProc(*args, **kwargs)`];
    for (const r of await variants(built)) expect(ids(r, "error")).toEqual(["vllm/engine-init-failed"]);
    const serving = [...top, `${p}  File "/srv/vllm/vllm/v1/engine/core.py", line 935, in run_engine_core`, `${p}    engine_core.run_busy_loop()`];
    for (const r of await variants(serving)) expect(ids(r)).not.toContain("vllm/engine-init-failed");
  });

  it("still reports it when the engine says it failed to start, whatever the traceback shows", async () => {
    const said = [`${p}ERROR 03-04 11:20:40 [core.py:940] EngineCore failed to start.`, ...top];
    for (const r of await variants(said)) expect(ids(r, "error")).toContain("vllm/engine-init-failed");
  });
});

/**
 * Expert parallel without the launch command: the fused-MoE layer's `[EP Rank r/n] Expert parallelism is enabled.`
 * (printed only when it shards experts) and V1's worker name, which ends in `_EP<rank>` only with expert parallel on.
 */
describe("real formats 30d: expert parallel read from the MoE layer's line and the worker's name", () => {
  const moe = (w: string, r: number) =>
    `(${w} pid=${7100 + r}) INFO 03-04 11:21:02 [layer.py:512] [EP Rank ${r}/8] Expert parallelism is enabled. Expert placement strategy: linear. Local/global number of experts: 20/160. Experts local to global index map: 0->${20 * r}, 1->${20 * r + 1}.`;

  it("reads enableExpertParallel from the layer's line behind each wrapper", async () => {
    // DP with TP 1: each engine core runs its model in its own process, so the line carries the engine's prefix
    const lines = [moe("EngineCore_DP2", 2), moe("EngineCore_DP3", 3)];
    for (const r of await variants(lines)) {
      expect(r.facts.config.enableExpertParallel).toBe(true);
      expect(r.facts.sources["config.enableExpertParallel"]?.line).toBe(1);
    }
  });

  it("reads it from an `_EP<n>` worker prefix alone, and not from a worker without one", async () => {
    const ep = ["(Worker_TP1_EP1 pid=7210) INFO 03-04 11:21:05 [gpu_model_runner.py:2811] Model loading took 28.1406 GiB memory and 41.502337 seconds"];
    for (const r of await variants(ep)) expect(r.facts.config.enableExpertParallel).toBe(true);
    const tp = ["(Worker_DP1_TP1 pid=7211) INFO 03-04 11:21:05 [gpu_model_runner.py:2811] Model loading took 28.1406 GiB memory and 41.502337 seconds"];
    for (const r of await variants(tp)) expect(r.facts.config.enableExpertParallel).toBeNull();
  });

  it("does not take a rank line's `EP rank` (printed for every MoE model) for expert parallel", async () => {
    const rank = ["(Worker_TP1 pid=7301) INFO 03-04 11:20:58 [parallel_state.py:1311] rank 1 in world size 2 is assigned as DP rank 0, PP rank 0, PCP rank 0, TP rank 1, EP rank 1"];
    for (const r of await variants(rank)) expect(r.facts.config.enableExpertParallel).toBeNull();
  });
});

/**
 * Disaggregated prefill/decode over NIXL (vllm/kv-transfer-failed): a decode worker's `NIXL transfer failure: <type> |
 * Context: {...}` with the traceback logged under it, the older `Handshake with <engine id> failed` of the
 * nixl_connector, and the constructor's `NIXL is not available`.
 */
describe("real formats 30d: a failed NIXL handshake or transfer between prefill and decode", () => {
  const w = "(Worker_TP1_EP1 pid=5120) ";
  const head = `${w}ERROR 03-04 11:30:07 [worker.py:774] `;
  const failure = [
    `${head}NIXL transfer failure: handshake_failed | Context: {'failure_type': 'handshake_failed', 'request_id': 'cmpl-4a1', 'engine_id': 'b1e0c7d2-3f4a-4b5c-8d6e-7f8091a2b3c4', 'remote_engine_id': '0f9e8d7c-6b5a-4c3d-9e2f-1a0b9c8d7e6f'}`,
    `${head}Traceback (most recent call last):`,
    `${head}  File "/opt/py/lib/python3.12/site-packages/vllm/distributed/kv_transfer/kv_connector/v1/nixl/worker.py", line 902, in _nixl_handshake`,
    `${head}    remote_agent_name = self.add_remote_agent(metadata, p_remote_rank, remote_tp_size)`,
    `${head}nixl._bindings.nixlBackendError: NIXL_ERR_BACKEND`,
  ];

  it("reports the handshake, its remote engine and NIXL's code, with the side channel first, behind each wrapper", async () => {
    for (const r of await variants(failure)) {
      expect(ids(r, "error")).toEqual(["vllm/kv-transfer-failed"]);
      const f = r.findings[0];
      expect(f.message).toContain("remote engine 0f9e8d7c-6b5a-4c3d-9e2f-1a0b9c8d7e6f");
      expect(f.message).toContain("NIXL_ERR_BACKEND");
      expect(f.remediation[0]).toContain("VLLM_NIXL_SIDE_CHANNEL_HOST");
      expect(r.verdict).toMatch(/^Failed \(vllm\/kv-transfer-failed\)/);
    }
  });

  it("reads the older connector's handshake line and NIXL missing at start-up", async () => {
    const old = ["ERROR 03-04 11:31:40 [nixl_connector.py:546] Handshake with 7d6c5b4a-3e2f-4a1b-9c8d-0e1f2a3b4c5d failed", "ERROR 03-04 11:31:40 [nixl_connector.py:546] Traceback (most recent call last):"];
    for (const r of await variants(old)) expect(r.findings.find((f) => f.ruleId === "vllm/kv-transfer-failed")?.message).toContain("7d6c5b4a-3e2f-4a1b-9c8d-0e1f2a3b4c5d failed");
    const missing = [
      "(EngineCore_DP0 pid=311) ERROR 03-04 11:32:02 [nixl_connector.py:433] NIXL is not available",
      "(EngineCore_DP0 pid=311) ERROR 03-04 11:32:02 [core.py:866] EngineCore failed to start.",
    ];
    for (const r of await variants(missing)) {
      expect(ids(r, "error")).toEqual(expect.arrayContaining(["vllm/kv-transfer-failed", "vllm/engine-init-failed"]));
      expect(r.findings.find((f) => f.ruleId === "vllm/kv-transfer-failed")?.remediation[0]).toContain("import nixl");
    }
  });

  it("stays quiet on a healthy connector start-up", async () => {
    const ok = [
      "(EngineCore_DP0 pid=402) INFO 03-04 11:29:01 [nixl_connector.py:801] Initializing NIXL worker 2e1d0c9b-8a7f-4e6d-8c5b-4a3f2e1d0c9b",
      "(EngineCore_DP0 pid=402) 2026-03-04 11:29:02 NIXL INFO    _api.py:361 Backend UCX was instantiated",
      "(EngineCore_DP0 pid=402) INFO 03-04 11:29:04 [factory.py:64] Creating v1 connector with name: NixlConnector and engine_id: 2e1d0c9b-8a7f-4e6d-8c5b-4a3f2e1d0c9b",
    ];
    for (const r of await variants(ok)) expect(r.findings.filter((f) => f.severity === "error")).toEqual([]);
  });
});

/**
 * Expert parallel with DeepEP (vllm/ep-all2all-failed): a worker's `RuntimeError: DeepEP error: timeout (dispatch CPU)`
 * and DeepEP's per-thread `DeepEP timeout check failed: rank = R, ...`, here behind `kubectl logs --prefix` (llm-d).
 */
describe("real formats 30d: DeepEP's all-to-all timing out between EP ranks", () => {
  const pod = "[pod/wide-ep-decode-1/vllm] ";
  const lines = [
    `${pod}(Worker_DP12_EP12 pid=3307) RuntimeError: DeepEP error: timeout (dispatch CPU)`,
    ...[0, 1, 2].map((t) => `${pod}DeepEP timeout check failed: rank = 12, thread = ${t}, value = ${t === 0 ? 64 : 0})`),
  ];

  it("reports it with the rank, behind kubectl --prefix and the other wrappers, and reads expert parallel from the worker", async () => {
    for (const r of await variants(lines)) {
      expect(ids(r, "error")).toEqual(["vllm/ep-all2all-failed"]);
      expect(r.findings[0].message).toContain("on rank 12");
      expect(r.facts.config.enableExpertParallel).toBe(true);
      expect(r.verdict).toMatch(/^Failed \(vllm\/ep-all2all-failed\)/);
    }
  });

  it("with an older DeepEP's `CPU recv timeout` inside an engine core's traceback", async () => {
    const p = "(EngineCore_DP2 pid=7001) ";
    const tb = [`${p}Traceback (most recent call last):`, `${p}  File "/opt/DeepEP/deep_ep/buffer.py", line 391, in dispatch`, `${p}    self.runtime.intranode_dispatch(x, x_scales, topk_idx, topk_weights,`, `${p}RuntimeError: DeepEP error: CPU recv timeout`];
    for (const r of await variants(tb)) expect(r.findings.find((f) => f.ruleId === "vllm/ep-all2all-failed")?.message).toContain("`CPU recv timeout`");
  });
});

/**
 * Multi-node data parallel whose nodes were launched differently (vllm/dp-config-mismatch): the front end's start-up
 * handshake refuses an engine whose parallel-config hash differs, in one line or with its sentences on lines of
 * their own, and the engine failure that follows is explained by it.
 */
describe("real formats 30d: data parallel engines started with different configurations", () => {
  const api = "(APIServer pid=51220) ";
  const split = [
    `${api}RuntimeError: Configuration mismatch detected for engine 2.`,
    "",
    "All DP workers must have identical configurations for parameters that affect collective communication",
    "(e.g., `enable_eplb`, `eplb_config.log_balancedness`).",
    "",
    "Worker hash:",
    "  5d0c9a7e31f4b2a6c8e9d1f0a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5",
    "",
  ];

  it("reports the refused engine, behind each wrapper", async () => {
    for (const r of await variants(split)) {
      expect(ids(r, "error")).toEqual(["vllm/dp-config-mismatch"]);
      expect(r.findings[0].message).toContain("engine 2");
      expect(r.verdict).toMatch(/^Failed \(vllm\/dp-config-mismatch\)/);
    }
  });

  it("explains the engine start-up failure that follows it", async () => {
    const lines = [
      `${api}ERROR 03-04 11:40:02 [utils.py:1201] RuntimeError: Configuration mismatch detected for engine 1. All DP workers must have identical configurations for parameters that affect collective communication (e.g., enable_eplb, eplb_config.log_balancedness). Worker hash: 77aa, Expected hash: 88bb. Please ensure all workers are started with the same command-line arguments.`,
      `${api}RuntimeError: Engine core initialization failed. See root cause above. Failed core proc(s): {}`,
    ];
    for (const r of await variants(lines)) {
      expect(ids(r, "error")).toEqual(["vllm/dp-config-mismatch", "vllm/engine-init-failed"]);
      expect(r.findings.find((f) => f.ruleId === "vllm/engine-init-failed")?.causedBy).toContain("vllm/dp-config-mismatch");
    }
  });
});
