import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "../src/analyze.js";
import { runtimeFastLines } from "../src/events/read-runtime.js";
import { healthy, kvPressure, queueFreeKv, smallBatchTp, stall, throughputDrop, wrongModel, type Era } from "./fixtures/runtime/logs.js";

/**
 * The counting fast path for request and access lines (src/events/read-runtime.ts) must leave the analysis
 * exactly as the ordinary path makes it: the same report, line for line, with lines it must not count.
 */
const tmp = mkdtempSync(join(tmpdir(), "vd-runtime-fast-"));
let n = 0;

async function both(text: string) {
  const f = join(tmp, `log${++n}.log`);
  writeFileSync(f, text);
  const before = runtimeFastLines.count;
  // small chunks: the shapes are learnt in the first, counted in the later ones
  const fast = await analyze([f], { limits: { chunkBytes: 2048 } });
  const counted = runtimeFastLines.count - before;
  const slow = await analyze([f], { limits: { chunkBytes: 2048 }, fastPath: false });
  return { fast: JSON.parse(JSON.stringify(fast.report)), slow: JSON.parse(JSON.stringify(slow.report)), counted };
}

/** request lines whose text the other readers would read: each must go the ordinary way */
const TRAPS = (prefix: string) => [
  `${prefix}INFO 08-19 10:09:01 [logger.py:41] Received request chatcmpl-t1: prompt: 'see INFO 08-19 10:00:00 [core.py:1] a glued record', params: SamplingParams(n=1), lora_request: None.`,
  `${prefix}INFO 08-19 10:09:01 [logger.py:41] Received request chatcmpl-t2: prompt: 'NCCL version 2.21.5+cuda12.4 and [rank3]: hello', params: SamplingParams(n=1), lora_request: None.`,
  `${prefix}INFO 08-19 10:09:02 [logger.py:41] Received request chatcmpl-t3: prompt: 'ProcessGroupNCCL [PG 0 Rank 2] timeout WARNING 08-19 x', params: SamplingParams(n=1), lora_request: None.`,
  `${prefix}INFO 08-19 10:09:02 [logger.py:41] Received request chatcmpl-t4: prompt: 'Avg prompt throughput: 1.0 tokens/s, Avg generation throughput: 2.0 tokens/s, Running: 9 reqs', params: SamplingParams(n=1).`,
  `${prefix}INFO 08-19 10:09:03 [logger.py:41] Received request chatcmpl-t5: prompt: 'tab\there', params: SamplingParams(n=1).`,
  `${prefix}INFO 08-19 10:09:03 [async_llm.py:269] Added request chatcmpl-t5.\r`,
  `${prefix}\x1b[32mINFO\x1b[0m 08-19 10:09:04 [logger.py:41] Received request chatcmpl-t6: prompt: 'colour', params: SamplingParams(n=1).`,
  `${prefix}INFO:     10.0.0.1:5000 - "GET /v1/models" HTTP/1.1" 200 OK`,
  `${prefix}INFO:     10.0.0.1:5001 - "POST /v1/chat/completions HTTP/1.1" 404 Not Found`,
  `${prefix}INFO:     10.0.0.1:5002 - "POST /v1/chat/completions HTTP/1.1" 500 Internal Server Error`,
  `${prefix}INFO:     10.0.0.1:5003 - "POST /v1/chat/completions HTTP/1.1" 2000 OK`,
  `${prefix}INFO 08-19 10:09:05 [logger.py:41] Received request chatcmpl-t7: prompt: 'the rank of the matrix', params: SamplingParams(n=1).`,
  `${prefix}INFO 08-19 10:09:05 [logger.py:41] Received request chatcmpl-t9: prompt: '(rank 3) distributed init done; rank 0 and rank 1 Duplicate GPU', params: SamplingParams(n=1).`,
  `${prefix}INFO 08-19 10:09:06 [async_llm.py:269] Added request chatcmpl-t9 vLLM is using nccl==2.21.5 over NET/IB : mlx5_0.`,
  `(EngineCore_DP0 pid=9) INFO 08-19 10:09:05 [logger.py:41] Received request chatcmpl-t8: prompt: 'another prefix', params: SamplingParams(n=1).`,
];

describe("runtime fast path", () => {
  const eras: Era[] = ["v0.5", "v0.6", "v1-0.8", "v1-0.10", "newest"];
  for (const era of eras) {
    it(`${era}: the same report with and without it, and it counts most request lines`, async () => {
      const text = [healthy(era), wrongModel(era), queueFreeKv(era)].join("");
      const { fast, slow, counted } = await both(text);
      expect(fast).toEqual(slow);
      expect(counted).toBeGreaterThan(40);
    });
  }

  it("lines it must not count go the ordinary way, between counted ones, with the same report", async () => {
    for (const prefix of ["", "(APIServer pid=1) "]) {
      const base = healthy(prefix ? "v1-0.10" : "v0.6");
      const lines = base.trimEnd().split("\n");
      const mid = Math.floor(lines.length / 2);
      const text = [...lines.slice(0, mid), ...TRAPS(prefix), ...lines.slice(mid), ...TRAPS(prefix)].join("\n") + "\n";
      const { fast, slow, counted } = await both(text);
      expect(fast).toEqual(slow);
      expect(counted).toBeGreaterThan(10);
    }
  });

  it("a config dump or a command line still open is never skipped over", async () => {
    const prefix = "(APIServer pid=1) ";
    const lines = stall("v1-0.10").trimEnd().split("\n");
    const open = [
      `${prefix}INFO 08-19 10:08:00 [utils.py:326] non-default args: {'model': 'x', 'max_num_seqs': 4,`,
      `${prefix}INFO 08-19 10:08:01 [logger.py:41] Received request chatcmpl-d1: prompt: 'x', params: SamplingParams(n=1).`,
      "vllm serve meta-llama/Llama-3.1-8B-Instruct \\",
      `${prefix}INFO:     10.0.0.1:5000 - "POST /v1/completions HTTP/1.1" 200 OK`,
    ];
    const text = [...lines.slice(0, 20), ...open, ...lines.slice(20)].join("\n") + "\n";
    const { fast, slow } = await both(text);
    expect(fast).toEqual(slow);
  });

  it("the other scenarios agree too (stats, stalls, preemptions, drops)", async () => {
    for (const text of [kvPressure("v0.6"), stall("newest"), smallBatchTp("v1-0.8"), throughputDrop("v0.5")]) {
      const { fast, slow } = await both(text);
      expect(fast).toEqual(slow);
    }
  });
});
