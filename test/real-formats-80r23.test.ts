import { describe, expect, it } from "vitest";
import { analyzeText, ids, eachWrapped } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats met in round 80r23 (vLLM servers while serving: periodic stats lines of V0 and V1, a bare V0 preemption
 * warning, uvicorn 404 lines, dead engines and timeouts under load, from vllm-project/vllm issues and PRs and a few
 * projects built on vLLM). The tool read the stats lines, preemptions, 4xx lines and engine deaths at first sight; the
 * one shape it said nothing about was a hung worker's give-up pasted as a bare traceback: the executor's read of a
 * worker's reply (`multiproc_executor.py`'s `get_response`) down through vLLM's shared-memory queue to a bare
 * `TimeoutError`, re-indented and padded by a terminal pane, with no engine-core prefix, no `run_engine_core` frame and
 * no `RPC call to … timed out.` after it, and in the later layout where the deadline helper `timeout_ms` raises. Every
 * log text here is written for the test.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubets", (l) => `2026-03-04T05:06:07.891011121Z ${l}`],
  ["mpi-tag", (l) => `[1,0]<stderr>:${l}`],
];

const eachWrap = (lines: string[], check: (r: Report, at: string) => void) => eachWrapped(WRAPS, lines, check);
const pad = (l: string) => l.padEnd(104);

const SITE = "/opt/venv/lib/python3.12/site-packages/vllm";

/** the executor's read of a worker's reply giving up, as a paste holds it from `get_response` down */
const executorRead = (innermost: "timeout_ms" | "acquire_read") =>
  [
    "  Traceback (most recent call last):",
    `    File "${SITE}/v1/executor/multiproc_executor.py", line 402, in get_response`,
    "      status, result = mq.dequeue(timeout=dequeue_timeout)",
    `    File "${SITE}/distributed/device_communicators/shm_broadcast.py", line 761, in dequeue`,
    "      with self.acquire_read(timeout, indefinite) as buf:",
    ...(innermost === "timeout_ms"
      ? [
          `    File "${SITE}/distributed/device_communicators/shm_broadcast.py", line 680, in acquire_read`,
          "      self._spin_condition.wait(timeout_ms=read_timeout.timeout_ms())",
          `    File "${SITE}/distributed/device_communicators/shm_broadcast.py", line 637, in timeout_ms`,
          "      raise TimeoutError",
        ]
      : [`    File "${SITE}/distributed/device_communicators/shm_broadcast.py", line 512, in acquire_read`, "      raise TimeoutError"]),
    "  TimeoutError",
  ].map(pad);

describe("a hung worker's give-up pasted as the executor's bare traceback", () => {
  it("reads the later layout (the deadline helper `timeout_ms` raises) as a stall, behind wrappers and CRLF", async () => {
    const lines = ["  Stack trace:".padEnd(104), ...executorRead("timeout_ms")];
    await eachWrap(lines, (r, at) => {
      expect(ids(r, "error"), at).toEqual(["runtime/stall"]);
      const f = r.findings.find((x) => x.ruleId === "runtime/stall")!;
      expect(f.message, at).toMatch(/gave up waiting for its workers' reply at line 11/);
      expect(f.evidence.map((e) => e.line), at).toEqual([11]);
      expect(r.facts.firstError?.line, at).toBe(11);
      expect(r.facts.vllm.engine, at).toBe("v1");
    });
  });

  it("reads the earlier layout (`acquire_read` raises) without the engine process's entry frame", async () => {
    await eachWrap(executorRead("acquire_read"), (r, at) => {
      expect(ids(r, "error"), at).toEqual(["runtime/stall"]);
      const f = r.findings.find((x) => x.ruleId === "runtime/stall")!;
      expect(f.evidence.map((e) => e.line), at).toEqual([8]);
    });
  });

  it("does not read a worker's own queue wait, or a timeout raised outside the queue, as the executor giving up", async () => {
    // a worker's busy loop reading its next call: no executor frame above the queue
    const worker = [
      "Traceback (most recent call last):",
      `  File "${SITE}/v1/executor/multiproc_executor.py", line 588, in worker_busy_loop`,
      "    method, args, kwargs, output_rank = self.rpc_broadcast_mq.dequeue(",
      `  File "${SITE}/distributed/device_communicators/shm_broadcast.py", line 761, in dequeue`,
      "    with self.acquire_read(timeout, indefinite) as buf:",
      `  File "${SITE}/distributed/device_communicators/shm_broadcast.py", line 637, in timeout_ms`,
      "    raise TimeoutError",
      "TimeoutError",
    ];
    await eachWrap(worker, (r, at) => expect(ids(r), at).not.toContain("runtime/stall"));
    // the executor's frame, but the TimeoutError raised by asyncio, not by the queue
    const elsewhere = [
      "Traceback (most recent call last):",
      `  File "${SITE}/v1/executor/multiproc_executor.py", line 402, in get_response`,
      "    status, result = await asyncio.wait_for(fut, timeout)",
      '  File "/usr/lib/python3.12/asyncio/tasks.py", line 520, in wait_for',
      "    raise TimeoutError from exc_val",
      "TimeoutError",
    ];
    await eachWrap(elsewhere, (r, at) => expect(ids(r), at).not.toContain("runtime/stall"));
  });
});
