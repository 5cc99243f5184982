import { describe, expect, it } from "vitest";
import { analyzeText, eachWrapped } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats met in round 80r40 (failures of the newest vLLM releases: engine-core start-up, CUDA graph capture with the
 * custom all-reduce, FlashInfer and DeepGEMM errors in workers named `Worker_TP3_DCP1` or `(Worker pid=N) (Worker_TP0
 * pid=N)`, NCCL symmetric memory, data parallelism, NIXL KV transfers). The tool read the round's facts and problems at
 * first sight but one: a data-parallel server of the 0.8.5 era, whose front end logs without a process prefix, started
 * its DP coordinator (`Started DP Coordinator process (PID: N)`, then the coordinator's traceback under `Process
 * VLLM_DP_Coordinator:`), and nothing else in the excerpt named the engine. Only V1 has that coordinator. Every log text
 * here is written for the test.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubets", (l) => `2026-02-11T07:40:19.228061554Z ${l}`],
  ["compose", (l) => `vllm-dp-0  | ${l}`],
];

const eachWrap = (lines: string[], check: (r: Report, at: string) => void) => eachWrapped(WRAPS, lines, check);

describe("the front end starting V1's data-parallel coordinator, in unprefixed 0.8 records", () => {
  const serve = [
    "INFO 02-11 07:40:02 [__init__.py:239] Automatically detected platform cuda.",
    "INFO 02-11 07:40:06 [api_server.py:1043] vLLM API server version 0.8.5.post1",
    "INFO 02-11 07:40:06 [cli_args.py:297] non-default args: {'port': 8100, 'model': '/models/qwen2.5-14b-instruct', 'data_parallel_size': 4, 'data_parallel_rpc_port': 29650}",
    "INFO 02-11 07:40:15 [config.py:1416] Using max model len 32768",
    "INFO 02-11 07:40:16 [utils.py:364] Started DP Coordinator process (PID: 8817)",
    "Process VLLM_DP_Coordinator:",
    "Traceback (most recent call last):",
    '  File "/usr/local/lib/python3.12/dist-packages/vllm/entrypoints/openai/api_server.py", line 1130, in <module>',
    "    uvloop.run(run_server(args))",
  ];
  it("names the V1 engine from that line alone, behind wrappers and CRLF", async () => {
    await eachWrap(serve, (r, at) => {
      expect(r.facts.vllm.engine, at).toBe("v1");
      expect(r.facts.vllm.version, at).toBe("0.8.5.post1");
      expect(r.facts.config.dataParallelSize, at).toBe(4);
      expect(r.facts.config.maxModelLen, at).toBe(32768);
      expect(r.facts.config.model, at).toBe("/models/qwen2.5-14b-instruct");
      // a traceback with no exception line yet: nothing names an error
      expect(r.facts.firstError, at).toBeNull();
    });
  });
  it("reads it under vLLM 0.9's file, and not from prose that only mentions the coordinator", async () => {
    const later = await analyzeText(["INFO 02-11 07:40:15 [config.py:1416] Using max model len 32768", "INFO 02-11 07:40:16 [utils.py:633] Started DP Coordinator process (PID: 51220)"].join("\n") + "\n");
    expect(later.facts.vllm.engine).toBe("v1");
    const prose = await analyzeText(["INFO 02-11 07:40:15 [config.py:1416] Using max model len 32768", "We think the DP Coordinator process was started (PID: 51220) before the crash."].join("\n") + "\n");
    expect(prose.facts.vllm.engine).toBeNull();
    // V0's own markers still decide a V0 log
    const v0 = await analyzeText(
      ["INFO 02-11 07:40:15 config.py:1020] Defaulting to use mp for distributed inference", "(VllmWorkerProcess pid=4410) INFO 02-11 07:40:31 multiproc_worker_utils.py:215] Worker ready; awaiting tasks"].join("\n") + "\n",
    );
    expect(v0.facts.vllm.engine).toBe("v0");
  });
});
