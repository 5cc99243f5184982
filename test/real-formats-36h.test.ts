import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * Round 36h (hangs and timeouts at start-up and while serving): shapes of real pastes the readers missed. The log
 * texts are written for the test in the printed layouts; the facts checked are exact.
 */

const WRAPS: Array<[string, (s: string) => string]> = [
  ["bare", (s) => s],
  ["CRLF", (s) => s.replace(/\n/g, "\r\n")],
  ["kubectl --timestamps", (s) => s.split("\n").map((l, i) => `2026-05-02T11:07:0${i % 10}.504118220Z ${l}`).join("\n")],
  ["docker compose", (s) => s.split("\n").map((l) => `llm-1  | ${l}`).join("\n")],
  ["Ray prefix", (s) => s.split("\n").map((l) => `(ServeReplica:llm:Server pid=5120, ip=10.2.0.7) ${l}`).join("\n")],
];

// V1's front end gives up on an engine core that never sent its first message (vllm/v1/engine/core_client.py): the
// wording of 0.9-0.15 (two joined literals: `sendinitial`) and the one since early 2026 that names the timeout knob
const READY_TIMEOUT_OLD = [
  "(APIServer pid=3110) INFO 04-02 08:11:40 [core_client.py:612] Waiting for 1 core engine proc(s) to start: {0}",
  "(APIServer pid=3110) Traceback (most recent call last):",
  '(APIServer pid=3110)   File "/opt/venv/lib/python3.12/site-packages/vllm/v1/engine/core_client.py", line 490, in __init__',
  '(APIServer pid=3110)     raise TimeoutError("Timed out waiting for engines to send"',
  "(APIServer pid=3110) TimeoutError: Timed out waiting for engines to sendinitial message on input socket.",
].join("\n");

const READY_TIMEOUT_NEW =
  "(APIServer pid=81) TimeoutError: Timed out waiting for engine core processes to start. This is often caused by slow weight loading for large models. Waited 1200s (configured by VLLM_ENGINE_READY_TIMEOUT_S). To increase the timeout, set the environment variable: VLLM_ENGINE_READY_TIMEOUT_S=<seconds>\n";

describe("the front end's timeout waiting for the engine core to start", () => {
  for (const [name, wrap] of WRAPS)
    it(`is an engine start-up failure and the first error (${name})`, async () => {
      const r = await analyzeText(wrap(READY_TIMEOUT_OLD));
      expect(ids(r, "error")).toContain("vllm/engine-init-failed");
      expect(r.findings.find((f) => f.ruleId === "vllm/engine-init-failed")!.message).toContain("gave up waiting for the engine core to report ready");
      expect(r.facts.firstError?.line).toBe(5);
    });

  it("reads the wording that names VLLM_ENGINE_READY_TIMEOUT_S", async () => {
    const r = await analyzeText(READY_TIMEOUT_NEW);
    expect(ids(r, "error")).toEqual(["vllm/engine-init-failed"]);
    expect(r.findings[0]!.message).toContain("after VLLM_ENGINE_READY_TIMEOUT_S (1200 s)");
    expect(r.findings[0]!.remediation.join(" ")).toContain("waited 1200 s");
    expect(r.facts.firstError?.line).toBe(1);
  });

  it("the front end's polling line alone is no failure", async () => {
    const r = await analyzeText(
      [
        "DEBUG 04-02 08:11:30 [core_client.py:612] Waiting for 1 core engine proc(s) to start: {0}",
        "(APIServer pid=3110) DEBUG 04-02 08:11:40 [v1/engine/utils.py:1239] Waiting for 1 local, 0 remote core engine proc(s) to start.",
      ].join("\n") + "\n",
    );
    expect(ids(r, "error")).toEqual([]);
    expect(r.facts.firstError).toBeNull();
  });
});

// A traceback whose exception line sits at its frames' level (two spaces in, under `  File` lines), as a V0
// worker's traceback logged at ERROR was pasted: the exception line is the first error, the code lines are not
const FRAME_LEVEL_EXC = [
  '(VllmWorkerProcess pid=7301) ERROR 03-14 09:02:11 multiproc_worker_utils.py:240]   File "/usr/lib/python3.12/site-packages/torch/distributed/distributed_c10d.py", line 1790, in _new_process_group_helper',
  "(VllmWorkerProcess pid=7301) ERROR 03-14 09:02:11 multiproc_worker_utils.py:240]     helper_pg = ProcessGroupGloo(store, rank, world_size, timeout=timeout)",
  "(VllmWorkerProcess pid=7301) ERROR 03-14 09:02:11 multiproc_worker_utils.py:240]                 ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
  "(VllmWorkerProcess pid=7301) ERROR 03-14 09:02:11 multiproc_worker_utils.py:240]   torch.distributed.DistStoreError: wait timeout after 300000ms, keys: /default_pg/0//3//cuda//pg_wrapper:2/0/0",
].join("\n");

describe("an exception line at the frames' level of a traceback", () => {
  for (const [name, wrap] of WRAPS)
    it(`is the first error in a vLLM worker's ERROR records (${name})`, async () => {
      const r = await analyzeText(wrap(FRAME_LEVEL_EXC));
      expect(r.facts.firstError?.line).toBe(4);
    });

  // [log lines, the first error's line]
  const cases: Array<[string, string[], number]> = [
    [
      "is the first error in a bare traceback with its header",
      [
        "Traceback (most recent call last):",
        '  File "/srv/app/run.py", line 41, in main',
        "    engine = build()",
        '  File "/srv/app/build.py", line 12, in build',
        "    return connect(store)",
        "  torch.distributed.DistStoreError: wait timeout after 60000ms, keys: /rendezvous/1",
      ],
      6,
    ],
    [
      "a code line shaped like `name: value` deeper than the frames is still code",
      [
        "(VllmWorkerProcess pid=7301) ERROR 03-14 09:02:11 multiproc_worker_utils.py:240] Traceback (most recent call last):",
        '(VllmWorkerProcess pid=7301) ERROR 03-14 09:02:11 multiproc_worker_utils.py:240]   File "/srv/app/cfg.py", line 8, in load',
        "(VllmWorkerProcess pid=7301) ERROR 03-14 09:02:11 multiproc_worker_utils.py:240]     LookupError: type = lookup(name)",
        "(VllmWorkerProcess pid=7301) ERROR 03-14 09:02:11 multiproc_worker_utils.py:240] KeyError: 'tp_size'",
      ],
      4,
    ],
  ];
  for (const [title, lines, line] of cases)
    it(title, async () => {
      const r = await analyzeText(lines.join("\n") + "\n");
      expect(r.facts.firstError?.line).toBe(line);
    });
});

// V1's executor giving up on the workers' answer (vllm/v1/executor/multiproc_executor.py collective_rpc): the serving
// hang's line, as V0's `Engine iteration timed out` is
const RPC_TIMEOUT = [
  "(APIServer pid=51) INFO 09-30 22:10:04 [loggers.py:123] Engine 000: Avg prompt throughput: 0.0 tokens/s, Avg generation throughput: 0.0 tokens/s, Running: 3 reqs, Waiting: 0 reqs, GPU KV cache usage: 4.1%, Prefix cache hit rate: 0.0%",
  "(EngineCore_DP0 pid=188) ERROR 09-30 22:14:51 [core.py:710] EngineCore encountered a fatal error.",
  "(EngineCore_DP0 pid=188) ERROR 09-30 22:14:51 [core.py:710] Traceback (most recent call last):",
  '(EngineCore_DP0 pid=188) ERROR 09-30 22:14:51 [core.py:710]   File "/usr/local/lib/python3.12/dist-packages/vllm/v1/executor/multiproc_executor.py", line 264, in collective_rpc',
  '(EngineCore_DP0 pid=188) ERROR 09-30 22:14:51 [core.py:710]     raise TimeoutError(f"RPC call to {method} timed out.") from e',
  "(EngineCore_DP0 pid=188) ERROR 09-30 22:14:51 [core.py:710] TimeoutError: RPC call to sample_tokens timed out.",
].join("\n");

describe("V1's executor timing out on the workers' answer", () => {
  for (const [name, wrap] of WRAPS)
    it(`is a serving stall that names the call (${name})`, async () => {
      const r = await analyzeText(wrap(RPC_TIMEOUT));
      const stall = r.findings.find((f) => f.ruleId === "runtime/stall");
      expect(stall?.severity).toBe("error");
      expect(stall?.message).toContain("`sample_tokens` at line 6");
      expect(r.facts.firstError?.line).toBe(2);
    });

  it("the code line that raises it is no timeout", async () => {
    const r = await analyzeText(RPC_TIMEOUT.split("\n").slice(1, 5).join("\n") + "\n");
    expect(r.findings.find((f) => f.ruleId === "runtime/stall")).toBeUndefined();
  });
});
