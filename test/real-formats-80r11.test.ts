import { describe, expect, it } from "vitest";
import { analyzeText, ids, eachWrapped } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats met in round 80r11 (vllm-project/vllm issues numbered ...1 and ...9, #621 to #29639): V0 and V1 worker
 * tracebacks cut before their exception line, V0's stats lines between Prometheus scrapes, a Ray 2.x driver line with a
 * TAB after its timestamp, and V1's engine core reporting a failed worker with the report itself cut. The tool read the
 * round's facts and problems at first sight; the one shape it took wrongly was that cut report: `RuntimeError: Worker
 * failed with error` with the worker's quoted words gone was named the start-up's root cause. Every log text here is
 * written for the test.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubets", (l) => `2026-02-03T11:20:05.123456789Z ${l}`],
];

const eachWrap = (lines: string[], check: (r: Report, at: string) => void) => eachWrapped(WRAPS, lines, check);

const text = (lines: string[]) => lines.join("\n") + "\n";
const cause = (r: Report) => r.facts.tracebacks?.rootCause?.text ?? null;

const EC = "(EngineCore_DP0 pid=4410) ";
const API = "(APIServer pid=4302) ";
const SITE = "/srv/venv/lib/python3.12/site-packages/vllm";
/** the engine core's traceback through the executor's call to its workers, ending in `report` */
const engineCore = (report: string) => [
  `${EC}Traceback (most recent call last):`,
  `${EC}  File "${SITE}/v1/engine/core.py", line 98, in __init__`,
  `${EC}    num_gpu_blocks, num_cpu_blocks, kv_cache_config = self._initialize_kv_caches(`,
  `${EC}  File "${SITE}/v1/executor/multiproc_executor.py", line 240, in collective_rpc`,
  `${EC}    return aggregate(get_response())`,
  `${EC}  File "${SITE}/v1/executor/multiproc_executor.py", line 226, in get_response`,
  `${EC}    raise RuntimeError(`,
  `${EC}${report}`,
];
const apiGaveUp = [
  `${API}  File "${SITE}/v1/engine/utils.py", line 930, in wait_for_engine_startup`,
  `${API}    raise RuntimeError(`,
  `${API}RuntimeError: Engine core initialization failed. See root cause above. Failed core proc(s): {}`,
];

describe("V1's report of a failed worker, cut before the worker's words", () => {
  it("is a failed start with no root cause in the excerpt, and the first error", async () => {
    await eachWrap([...engineCore("RuntimeError: Worker failed with error"), ...apiGaveUp], (r, at) => {
      expect(ids(r, "error"), at).toContain("vllm/engine-init-failed");
      expect(cause(r), at).toBeNull();
      expect(r.facts.firstError?.line, at).toBe(8);
      expect(r.findings.find((f) => f.ruleId === "vllm/engine-init-failed")?.message, at).toMatch(/does not show the root cause/);
    });
  });
  it("does not hide the worker's own exception logged before it", async () => {
    const worker = [
      "(Worker_TP1 pid=4522) ERROR 02-03 11:20:04 [multiproc_executor.py:655] WorkerProc hit an exception.",
      "(Worker_TP1 pid=4522) ERROR 02-03 11:20:04 [multiproc_executor.py:655] torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 1.50 GiB. GPU 1 has a total capacity of 23.55 GiB of which 310.06 MiB is free.",
    ];
    const r = await analyzeText(text([...worker, ...engineCore("RuntimeError: Worker failed with error"), ...apiGaveUp]));
    expect(cause(r)).toMatch(/^torch\.OutOfMemoryError: CUDA out of memory/);
    expect(ids(r, "error")).toEqual(expect.arrayContaining(["vllm/cuda-oom", "vllm/engine-init-failed"]));
  });
});

describe("V1's report of a failed worker with the worker's words, whole or cut", () => {
  const logged = (report: string) => `${EC}ERROR 02-03 11:20:05 [core.py:866] ${report}`;
  const cases: [string, string, string][] = [
    ["whole", "RuntimeError: Worker failed with error 'no kernel image is available for execution on the device', please check the stack trace above for the root cause", "no kernel image is available for execution on the device"],
    ["cut in the pointer", "RuntimeError: Worker failed with error 'no kernel image is available for execution on the device', please che", "no kernel image is available for execution on the device"],
    ["no pointer", "RuntimeError: Worker failed with error 'Page size mismatch after block_size adjust: 1136 != 3408'", "Page size mismatch after block_size adjust: 1136 != 3408"],
    ["cut in the words", "RuntimeError: Worker failed with error 'CUDA error: an illegal memory acc", "CUDA error: an illegal memory acc"],
  ];
  for (const [name, report, words] of cases)
    it(`names the worker's words as the root cause (${name})`, async () => {
      const r = await analyzeText(text([logged("EngineCore failed to start."), logged("Traceback (most recent call last):"), logged(report), ...apiGaveUp]));
      expect(cause(r)).toBe(words);
      expect(ids(r, "error")).toContain("vllm/engine-init-failed");
    });
  it("an ERROR record that is only the cut report names no cause either", async () => {
    const r = await analyzeText(text([logged("EngineCore failed to start."), logged("Traceback (most recent call last):"), logged("RuntimeError: Worker failed with error"), ...apiGaveUp]));
    expect(cause(r)).toBeNull();
  });
});

describe("V0's stats lines between Prometheus scrapes (metrics.py, Swapped/Pending)", () => {
  it("reads the stats and the scrapes, and nothing is wrong", async () => {
    const stat = (t: string, gen: string) =>
      `INFO 02-03 ${t} metrics.py:351] Avg prompt throughput: 0.0 tokens/s, Avg generation throughput: ${gen} tokens/s, Running: 2 reqs, Swapped: 0 reqs, Pending: 0 reqs, GPU KV cache usage: 31.5%, CPU KV cache usage: 0.0%.`;
    const scrape = 'INFO:     10.1.4.7:40112 - "GET /metrics HTTP/1.1" 200 OK';
    await eachWrap([stat("11:20:05", "22.4"), scrape, stat("11:20:10", "22.9"), scrape], (r, at) => {
      expect(r.facts.vllm.engine, at).toBe("v0");
      expect([r.facts.runtime?.statsLines, r.facts.runtime?.running.max, r.facts.runtime?.gpuKvUsagePct.max, r.facts.runtime?.generationThroughput.max], at).toEqual([2, 2, 31.5, 22.9]);
      expect(ids(r, "error"), at).toEqual([]);
    });
  });
});
