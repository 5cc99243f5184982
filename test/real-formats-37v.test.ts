import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import { WRAPS } from "./helpers/variants.js";

/**
 * Round 37v (the newest vLLM, v0.11 → main): shapes of real pastes the readers missed. The log texts are written for
 * the test in the printed layouts (models, paths, numbers made up); the findings checked are exact.
 */

const finding = (r: Awaited<ReturnType<typeof analyzeText>>, id: string) => r.findings.find((f) => f.ruleId === id);

describe("PyTorch's driver-API check reporting CUDA_ERROR_OUT_OF_MEMORY (`CUDA driver error: out of memory`)", () => {
  // a quantized checkpoint's weights repacked by a custom op after loading; the op's driver call finds no memory
  const OOM = [
    "(EngineCore pid=88) ERROR 07-21 04:12:30 [core.py:1140]   File \"/usr/local/lib/python3.12/dist-packages/vllm/_custom_ops.py\", line 1302, in awq_marlin_repack",
    "(EngineCore pid=88) ERROR 07-21 04:12:30 [core.py:1140]     return torch.ops._C.awq_marlin_repack(",
    "(EngineCore pid=88) ERROR 07-21 04:12:30 [core.py:1140]            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
    "(EngineCore pid=88) ERROR 07-21 04:12:30 [core.py:1140] RuntimeError: CUDA driver error: out of memory",
    "(EngineCore pid=88) Process EngineCore:",
    "(EngineCore pid=88) Traceback (most recent call last):",
  ].join("\n");

  for (const [name, wrap] of WRAPS)
    it(`is CUDA out of memory, and the first error (${name})`, async () => {
      const r = await analyzeText(wrap(OOM) + "\n");
      expect(ids(r)).toEqual(["vllm/cuda-oom"]);
      expect(finding(r, "vllm/cuda-oom")!.severity).toBe("error");
      expect(finding(r, "vllm/cuda-oom")!.evidence.map((e) => e.line)).toEqual([4]);
      expect(r.facts.firstError?.line).toBe(4);
    });

  it("another driver error is no OOM", async () => {
    const r = await analyzeText(OOM.replace("CUDA driver error: out of memory", "CUDA driver error: invalid argument") + "\n");
    expect(ids(r)).not.toContain("vllm/cuda-oom");
    expect(r.facts.firstError?.line).toBe(4);
  });
});

describe("the engine core waiting on its workers (shm_broadcast: `No available shared memory broadcast block found in 60 seconds`)", () => {
  const wait = (pid: string, t: string, n = 60) =>
    `(${pid}) INFO 07-21 ${t} [shm_broadcast.py:705] No available shared memory broadcast block found in ${n} seconds. This typically happens when some processes are hanging or doing some time-consuming work (e.g. compilation, weight/kv cache quantization).`;
  const stats = (t: string, running: number, gen: string) =>
    `(APIServer pid=1) INFO 07-21 ${t} [loggers.py:271] Engine 000: Avg prompt throughput: 0.0 tokens/s, Avg generation throughput: ${gen} tokens/s, Running: ${running} reqs, Waiting: 0 reqs, GPU KV cache usage: 4.2%, Prefix cache hit rate: 0.0%`;

  // a serving engine (its stats lines) whose workers stop taking steps: a stall, whatever the stats lines say after it
  const SERVING = [
    stats("04:12:30", 3, "212.4"),
    stats("04:12:40", 3, "208.9"),
    wait("EngineCore_DP0 pid=240", "04:13:41"),
    wait("EngineCore_DP0 pid=240", "04:14:41"),
    wait("EngineCore_DP0 pid=240", "04:15:41"),
  ].join("\n");

  for (const [name, wrap] of WRAPS)
    it(`while serving, it is a stall with the wait's length (${name})`, async () => {
      const r = await analyzeText(wrap(SERVING) + "\n");
      expect(ids(r)).toEqual(["runtime/stall"]);
      const f = finding(r, "runtime/stall")!;
      expect(f.severity).toBe("error");
      expect(f.message).toContain("The engine core waited 3 min for its workers to take its next message (vLLM's shared-memory queue says so every 60 s from line 3)");
      expect(f.evidence.map((e) => e.line)).toEqual([3, 5, 2]);
    });

  // no sign of a serving engine: a start-up step of the workers (a compilation) does it too
  const STARTUP = [
    "(Worker_TP0 pid=131) INFO 07-21 04:12:30 [backends.py:1148] Dynamo bytecode transform time: 6.02 s",
    wait("EngineCore pid=122", "04:13:31"),
    "(Worker_TP0 pid=131) INFO 07-21 04:13:58 [monitor.py:53] torch.compile took 71.40 s in total",
  ].join("\n");

  for (const [name, wrap] of WRAPS)
    it(`at start-up, one wait is a note, not an error (${name})`, async () => {
      const r = await analyzeText(wrap(STARTUP) + "\n");
      expect(ids(r)).toEqual(["runtime/stall"]);
      const f = finding(r, "runtime/stall")!;
      expect(f.severity).toBe("info");
      expect(f.title).toBe("The engine core waited for its workers");
      expect(f.message).toContain("The engine core waited 60 s for its workers to take its next message (vLLM's shared-memory queue says so every 60 s from line 2), and the log shows no serving engine.");
      expect(ids(r, "error")).toEqual([]);
    });

  it("a start-up wait stays a note when the server serves later; one after `Application startup complete` is a stall", async () => {
    const later = await analyzeText([STARTUP, stats("04:15:02", 2, "96.0"), stats("04:15:12", 2, "97.5")].join("\n") + "\n");
    expect(finding(later, "runtime/stall")?.severity).toBe("info");
    const ready = [
      "(APIServer pid=1) INFO:     Application startup complete.",
      wait("EngineCore pid=122", "04:20:31"),
      wait("EngineCore pid=122", "04:21:31"),
    ].join("\n");
    for (const [name, wrap] of WRAPS) {
      const r = await analyzeText(wrap(ready) + "\n");
      expect(finding(r, "runtime/stall")?.severity, name).toBe("error");
      expect(finding(r, "runtime/stall")?.message, name).toContain("The engine core waited 2 min for its workers");
    }
  });

  it("five minutes of one process's waits with nothing else is a warning; the longest run of one process is counted", async () => {
    const lines = [0, 1, 2, 3, 4].map((i) => wait("EngineCore pid=122", `04:1${i + 3}:31`));
    // another process's single wait is not added to it
    lines.splice(2, 0, wait("EngineCore_DP1 pid=123", "04:14:50"));
    for (const [name, wrap] of WRAPS) {
      const r = await analyzeText(wrap(lines.join("\n")) + "\n");
      const f = finding(r, "runtime/stall")!;
      expect(f.severity, name).toBe("warning");
      expect(f.message, name).toContain("waited 5 min for its workers to take its next message (vLLM's shared-memory queue says so every 60 s, 5 times from line 1)");
      expect(f.evidence.map((e) => e.line), name).toEqual([1, 6]);
    }
  });

  it("the wordings of 0.5 and 0.6–0.10 are read the same; the interval is the one the line states", async () => {
    const old = [
      "(VllmWorkerProcess pid=311) WARNING 07-21 04:12:30 shm_broadcast.py:404] No available block found in 60 second. ",
      "INFO 07-21 04:22:31 shm_broadcast.py:393] No available shared memory broadcast block found in 600 second.",
    ];
    // (0.5's line here comes from a worker, which waits for the engine's next step: worded so, a note; round 70hg)
    const a = await analyzeText(old[0] + "\n");
    expect(finding(a, "runtime/stall")?.message).toContain("workers waited 60 s for the engine's next step");
    expect(finding(a, "runtime/stall")?.severity).toBe("info");
    const b = await analyzeText(old[1] + "\n");
    expect(finding(b, "runtime/stall")?.severity).toBe("warning");
    expect(finding(b, "runtime/stall")?.message).toContain("waited 10 min for its workers");
    // vLLM's KV cache check is no wait on the queue
    const c = await analyzeText("ValueError: No available memory for the cache blocks. Try increasing `gpu_memory_utilization` when initializing the engine.\n");
    expect(ids(c)).not.toContain("runtime/stall");
  });
});
