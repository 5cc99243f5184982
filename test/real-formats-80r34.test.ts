import { describe, expect, it } from "vitest";
import { analyzeText, ids, eachWrapped } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats met in round 80r34 (vLLM and NCCL output pasted with Chinese prose around it: xinference, gpustack and
 * MetaX threads). The tool read the round's facts and problems at first sight but one: vLLM's own error record in
 * the layout xinference's logging config gives every logger of its model process,
 * `%(asctime)s %(name)-12s %(process)d %(levelname)-8s %(message)s`. The tool knew that layout on xinference's own
 * loggers (`xinference.core.worker 142 ERROR    msg`) but not on the `vllm.*` loggers it also formats, whose names
 * are padded to 12 columns when shorter (`vllm.utils   3592 INFO     ...`). Every log text here is written for the
 * test.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubets", (l) => `2026-03-14T08:02:11.482913001Z ${l}`],
  ["mpi-tag", (l) => `[1,0]<stderr>:${l}`],
];

const eachWrap = (lines: string[], check: (r: Report, at: string) => void) => eachWrapped(WRAPS, lines, check);
const text = (lines: string[]) => lines.join("\n") + "\n";

const site = "/opt/conda/envs/xinf/lib/python3.11/site-packages";

describe("vLLM's own records in xinference's logging layout", () => {
  const failing = [
    "2026-03-14 08:02:10,101 xinference.core.worker 4410 INFO     Launching model qwen2.5-instruct-1-0",
    "2026-03-14 08:02:10,512 vllm.utils   4517 INFO     Found nccl from library libnccl.so.2",
    "2026-03-14 08:02:10,513 vllm.distributed.device_communicators.pynccl 4517 INFO     vLLM is using nccl==2.21.5",
    "2026-03-14 08:02:10,640 vllm.worker.worker_base 4517 ERROR    Error executing method init_device. This might cause deadlock in distributed execution.",
    "Traceback (most recent call last):",
    `  File "${site}/vllm/worker/worker_base.py", line 452, in execute_method`,
    "    return executor(*args, **kwargs)",
    `  File "${site}/vllm/worker/worker.py", line 176, in init_device`,
    "    init_worker_distributed_environment(self.parallel_config, self.rank,",
  ];

  it("takes a vllm logger's ERROR record for the first error, behind wrappers and CRLF", async () => {
    await eachWrap(failing, (r, at) => {
      expect(r.facts.firstError?.line, at).toBe(4);
      expect(r.facts.firstError?.text, at).toMatch(/vllm\.worker\.worker_base 4517 ERROR {4}Error executing method init_device\./);
      expect(r.facts.nccl.version, at).toBe("2.21.5");
      expect(ids(r, "error"), at).toContain("vllm/engine-init-failed");
    });
  });

  it("reads a short vllm logger name padded to 12 columns and CRITICAL, not INFO, WARNING or another logger", async () => {
    const r = await analyzeText(text([
      "2026-03-14 08:05:01,002 vllm.config  4517 INFO     Defaulting to use ray for distributed inference",
      "2026-03-14 08:05:03,918 vllm.engine  4517 CRITICAL Engine loop has died",
    ]));
    expect(r.facts.firstError?.line).toBe(2);
    expect(r.facts.firstError?.text).toMatch(/vllm\.engine {2}4517 CRITICAL Engine loop has died$/);
    // the layout's INFO and WARNING records, and another program's logger in it, are no error
    const quiet = await analyzeText(text([
      "2026-03-14 08:05:01,002 vllm.config  4517 INFO     Defaulting to use ray for distributed inference",
      "2026-03-14 08:05:01,210 vllm.executor.ray_utils 4517 WARNING  The number of required GPUs exceeds the total number of available GPUs in the placement group.",
      "2026-03-14 08:05:02,001 myapp.loader 4517 ERROR    retrying the download in 5 s",
      "2026-03-14 08:05:03,918 vllm.engine  4517 CRITICAL Engine loop has died",
    ]));
    expect(quiet.facts.firstError?.line).toBe(4);
  });
});
