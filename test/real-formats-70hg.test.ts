import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in round 70hg of real logs (hangs and timeouts):
 *  - V1's engine core gives up on its workers' reply when its read of their reply queue passes its deadline: vLLM's
 *    shared-memory message queue (shm_broadcast.py, `acquire_read` under `dequeue`) raises a bare `TimeoutError`, and
 *    the executor's `collective_rpc` raises it on as `TimeoutError: RPC call to execute_model timed out.`. Pastes that
 *    hold only the first part of that chain (the queue's TimeoutError, then the engine core's `run_busy_loop` frames, cut)
 *    gave no finding at all: runtime/stall read only the RPC line.
 *  - a worker's own queue line (V0 `VllmWorkerProcess`, V1 before 0.11 `Worker_TPn` / `VllmWorker`) is a reader waiting
 *    for the engine's next step, which an idle server never sends: it was worded and judged as the engine core waiting
 *    on its workers, so an idle server's lines after its stats lines read as a stall (an error).
 * Every log text here is written for the test in the printed layout; each case is read plain (LF) and behind two
 * wrappers (kubectl --timestamps with CRLF, docker compose with LF).
 */

const WRAPS: [string, (l: string) => string, string][] = [
  ["plain", (l) => l, "\n"],
  ["kubectl --timestamps CRLF", (l) => `2026-12-07T02:10:44.518230991Z ${l}`, "\r\n"],
  ["docker compose", (l) => `vllm-serve-1  | ${l}`, "\n"],
];

async function eachWrap(lines: string[], check: (r: Report, at: string) => void): Promise<void> {
  for (const [name, wrap, eol] of WRAPS) check(await analyzeText(lines.map(wrap).join(eol) + eol, "hang.log"), name);
}

const finding = (r: Report, id: string) => r.findings.find((f) => f.ruleId === id);
const PKG = "/opt/venv/lib/python3.12/site-packages/vllm";

/** the engine core's traceback as `logger.exception` prints it, every line an ERROR record of core.py */
const core = (prefix: string, body: string[]) => body.map((b) => `${prefix}ERROR 03-14 06:41:09 [core.py:866] ${b}`);
/** Python's chain separator, then the engine core's own part of the traceback, cut after its busy loop */
const INTO_CORE = [
  "",
  "The above exception was the direct cause of the following exception:",
  "",
  "Traceback (most recent call last):",
  `  File "${PKG}/v1/engine/core.py", line 857, in run_engine_core`,
  "    engine_core.run_busy_loop()",
];

describe("the message queue's TimeoutError in the engine core's traceback, the RPC line cut off", () => {
  // 0.10-0.11 shape: dequeue calls acquire_read directly
  const older = core("(EngineCore_DP0 pid=5310) ", [
    `  File "${PKG}/v1/executor/multiproc_executor.py", line 240, in get_response`,
    "    status, result = w.worker_response_mq.dequeue(",
    "                     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
    `  File "${PKG}/distributed/device_communicators/shm_broadcast.py", line 507, in dequeue`,
    "    with self.acquire_read(timeout, cancel) as buf:",
    `  File "/usr/lib/python3.12/contextlib.py", line 137, in __enter__`,
    "    return next(self.gen)",
    "           ^^^^^^^^^^^^^^",
    `  File "${PKG}/distributed/device_communicators/shm_broadcast.py", line 471, in acquire_read`,
    "    raise TimeoutError",
    "TimeoutError",
    ...INTO_CORE,
    `  File "${PKG}/v1/engine/core.py", line 884, in run_busy_loop`,
    "    self._process_engine_step()",
  ]);

  it("reads it as the engine core giving up on its workers (runtime/stall), with the TimeoutError's line as evidence", async () => {
    await eachWrap(older, (r, at) => {
      const f = finding(r, "runtime/stall");
      expect(f?.severity, at).toBe("error");
      expect(f?.message, at).toMatch(/gave up waiting for its workers' reply at line 11 /);
      expect(f?.evidence.map((e) => e.line), at).toContain(11);
      const t = r.facts.tracebacks?.list.find((x) => x.queueTimeout);
      expect(t?.queueTimeout?.line, at).toBe(11);
      expect(t?.engineProcess, at).toBe(true);
      expect(r.facts.firstError?.line, at).toBe(11);
    });
  });

  it("the newest shape (a nested API server prefix, acquire_read under contextlib, a deadline argument) reads the same", async () => {
    const lines = core("(APIServer pid=611) (EngineCore pid=902) ", [
      `  File "${PKG}/distributed/device_communicators/shm_broadcast.py", line 779, in dequeue`,
      "    with self.acquire_read(timeout, indefinite) as buf:",
      `  File "/usr/lib/python3.12/contextlib.py", line 137, in __enter__`,
      "    return next(self.gen)",
      `  File "${PKG}/distributed/device_communicators/shm_broadcast.py", line 702, in acquire_read`,
      "    raise TimeoutError",
      "TimeoutError",
      ...INTO_CORE,
    ]);
    await eachWrap(lines, (r, at) => {
      expect(finding(r, "runtime/stall")?.severity, at).toBe("error");
      expect(r.facts.tracebacks?.list.find((x) => x.queueTimeout)?.queueTimeout?.line, at).toBe(7);
    });
  });

  it("with the RPC line in the paste too, one finding names the RPC call (no second reading of the same give-up)", async () => {
    const lines = [
      ...older,
      ...core("(EngineCore_DP0 pid=5310) ", [
        `  File "${PKG}/v1/executor/multiproc_executor.py", line 262, in collective_rpc`,
        '    raise TimeoutError(f"RPC call to {method} timed out.") from e',
        "TimeoutError: RPC call to sample_tokens timed out.",
      ]),
    ];
    await eachWrap(lines, (r, at) => {
      const f = finding(r, "runtime/stall");
      expect(f?.message, at).toMatch(/RPC call to sample_tokens timed out/);
      expect(f?.message, at).not.toMatch(/shared-memory message queue/);
      expect(ids(r).filter((id) => id === "runtime/stall").length, at).toBe(1);
    });
  });
});

describe("near misses: TimeoutErrors that are no wait on vLLM's message queue", () => {
  it("a TimeoutError from asyncio in the engine core, a RuntimeError out of acquire_read, and a worker's own queue timeout give no stall", async () => {
    const cases: string[][] = [
      core("(EngineCore_DP0 pid=5310) ", [
        `  File "/usr/lib/python3.12/asyncio/tasks.py", line 520, in wait_for`,
        "    return await fut",
        "TimeoutError",
        ...INTO_CORE,
      ]),
      core("(EngineCore_DP0 pid=5310) ", [
        `  File "${PKG}/distributed/device_communicators/shm_broadcast.py", line 471, in acquire_read`,
        '    raise RuntimeError("cancelled")',
        "RuntimeError: cancelled",
        ...INTO_CORE,
      ]),
      // a worker's traceback (no engine-core entry on its stack): its own wait is not the engine core's give-up
      [
        "(VllmWorker TP1 pid=5402) ERROR 03-14 06:41:09 [multiproc_executor.py:671] WorkerProc hit an exception.",
        "(VllmWorker TP1 pid=5402) ERROR 03-14 06:41:09 [multiproc_executor.py:671] Traceback (most recent call last):",
        `(VllmWorker TP1 pid=5402) ERROR 03-14 06:41:09 [multiproc_executor.py:671]   File "${PKG}/v1/executor/multiproc_executor.py", line 640, in worker_busy_loop`,
        "(VllmWorker TP1 pid=5402) ERROR 03-14 06:41:09 [multiproc_executor.py:671]     output = func(*args, **kwargs)",
        `(VllmWorker TP1 pid=5402) ERROR 03-14 06:41:09 [multiproc_executor.py:671]   File "${PKG}/distributed/device_communicators/shm_broadcast.py", line 471, in acquire_read`,
        "(VllmWorker TP1 pid=5402) ERROR 03-14 06:41:09 [multiproc_executor.py:671]     raise TimeoutError",
        "(VllmWorker TP1 pid=5402) ERROR 03-14 06:41:09 [multiproc_executor.py:671] TimeoutError",
      ],
    ];
    for (const lines of cases) {
      await eachWrap(lines, (r, at) => {
        expect(ids(r), `${at}: ${lines[2]}`).not.toContain("runtime/stall");
        expect(r.facts.tracebacks?.list.some((x) => x.queueTimeout && x.engineProcess) ?? false, at).toBe(false);
      });
    }
  });
});

describe("PyTorch's heartbeat monitor and watchdog lines seen this round", () => {
  it("a wall-clock prefix before torchrun's, the PG GUID form, and a sub-group's local rank read as timeouts of the right ranks", async () => {
    const lines = [
      "06:52:10.114 [rank2]:[E314 06:52:10.113907224 ProcessGroupNCCL.cpp:1870] [PG ID 7 PG GUID 41(TENSOR_MODEL_PARALLEL_GROUP) Rank 2] ProcessGroupNCCL's watchdog got stuck for 480 seconds without making progress in monitoring enqueued collectives.",
      "[rank6]:[E ProcessGroupNCCL.cpp:1316] [PG 3 Rank 0] Heartbeat monitor timed out! Process will be terminated after dumping debug info. workMetaList_.size()=5",
      "[rank6]:[E ProcessGroupNCCL.cpp:1153] [PG 3 Rank 0] ProcessGroupNCCL preparing to dump debug info.",
    ];
    await eachWrap(lines, (r, at) => {
      expect(ids(r), at).toContain("nccl/collective-timeout");
      // (torchrun's [rank6] is the global rank; `[PG 3 Rank 0]` is the same process's rank inside a sub-group)
      expect(r.facts.nccl.ranks, at).toBe(2);
      expect(r.facts.firstError?.line, at).toBe(1);
    });
  });
});

describe("a worker's own wait on the queue is for the engine's next step", () => {
  const workerWait = (proc: string, t: string) =>
    `(${proc}) INFO 09-20 ${t} [shm_broadcast.py:458] No available shared memory broadcast block found in 60 seconds. This typically happens when some processes are hanging, doing some time-consuming work (e.g. compilation), or sitting idle.`;
  const v0Stats = (t: string, running: number) =>
    `INFO 05-02 ${t} metrics.py:341] Avg prompt throughput: 0.0 tokens/s, Avg generation throughput: 0.0 tokens/s, Running: ${running} reqs, Swapped: 0 reqs, Pending: 0 reqs, GPU KV cache usage: 1.1%, CPU KV cache usage: 0.0%.`;

  it("an idle server's workers (stats with nothing running, then their waits) give a note, no error", async () => {
    const lines = [
      "(APIServer pid=88) INFO 09-20 10:00:01 [loggers.py:123] Engine 000: Avg prompt throughput: 0.0 tokens/s, Avg generation throughput: 0.0 tokens/s, Running: 0 reqs, Waiting: 0 reqs, GPU KV cache usage: 0.0%, Prefix cache hit rate: 0.0%",
      workerWait("Worker_TP1 pid=130", "10:01:02"),
      workerWait("Worker_TP1 pid=130", "10:02:02"),
      workerWait("Worker_TP0 pid=129", "10:02:02"),
    ];
    await eachWrap(lines, (r, at) => {
      expect(finding(r, "runtime/stall")?.severity, at).toBe("info");
      expect(finding(r, "runtime/stall")?.message, at).toMatch(/^vLLM's workers waited 2 min for the engine's next step .* from line 2\)/);
      expect(ids(r, "error"), at).toEqual([]);
    });
  });

  it("V0 workers waiting while every stats line shows a request running: the driver is stuck in its step (an error)", async () => {
    const lines = [
      v0Stats("07:14:03", 2),
      v0Stats("07:14:08", 2),
      "(VllmWorkerProcess pid=411) WARNING 05-02 07:15:01 shm_broadcast.py:386] No available block found in 60 second.",
      "(VllmWorkerProcess pid=412) WARNING 05-02 07:15:01 shm_broadcast.py:386] No available block found in 60 second.",
    ];
    await eachWrap(lines, (r, at) => {
      const f = finding(r, "runtime/stall");
      expect(f?.severity, at).toBe("error");
      expect(f?.message, at).toMatch(/^While requests were running, the workers waited 60 s for the engine's next step .*so it is stuck in its step/);
    });
  });

  it("the engine core's own wait is still read first when workers wait too", async () => {
    const lines = [
      "(APIServer pid=88) INFO:     Application startup complete.",
      workerWait("Worker_TP0 pid=129", "10:01:02"),
      workerWait("Worker_TP0 pid=129", "10:02:02"),
      workerWait("Worker_TP0 pid=129", "10:03:02"),
      "(EngineCore_DP0 pid=97) INFO 09-20 10:03:05 [shm_broadcast.py:458] No available shared memory broadcast block found in 60 seconds.",
    ];
    await eachWrap(lines, (r, at) => {
      expect(finding(r, "runtime/stall")?.severity, at).toBe("error");
      expect(finding(r, "runtime/stall")?.message, at).toContain("The engine core waited 60 s for its workers to take its next message");
    });
  });
});
