import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import { variants } from "./helpers/variants.js";

/**
 * Formats found in a twenty-third round of real vLLM logs from public issues (V1 0.9 → 0.2x: DP/EP workers, P/D
 * connectors, multimodal start-ups): glog ≥0.7's head with the year in it (Mooncake's transfer engine next to vLLM's
 * workers), and a line pasted as markdown inline code. Every log text here is written for the test, in the format's
 * shape, with variants the logs did not show (kubectl timestamps, colour, CRLF, process prefixes).
 */

describe("glog ≥0.7's head with the year (`E20250114 09:10:11.123456 4242 file.cc:88]`)", () => {
  it("is a glog record: an E line is the first error, an I or W line is not", async () => {
    for (const [lines, first] of [
      [["I20250114 09:10:11.100200 4242 transfer_engine.cpp:61] Transfer engine started on 10.0.0.4:17000", "E20250114 09:10:21.123456 4242 rdma_transport.cpp:88] Failed to connect to peer 10.0.0.5:17000, status: -1"], 2],
      // the year head of a C++ library in the same process as a V1 worker, then the worker's own record
      [["W20251203 23:59:59.999999 77 topology.cpp:12] No RDMA device found, falling back to TCP", "(Worker_DP1_EP1 pid=91) ERROR 12-03 23:59:59 [connector.py:463] Failed to transfer KV cache for request cmpl-1."], 2],
      // an F (fatal) line after an I line, both with the year
      [["I20260101 00:00:01.000001 5 main.cc:1] start", "F20260101 00:00:02.000002 5 store.cc:300] Check failed: segment != nullptr"], 2],
    ] as [string[], number][]) {
      for (const text of variants(lines)) {
        const r = await analyzeText(text + "\n");
        expect(r.facts.firstError?.line, JSON.stringify(text.slice(0, 60))).toBe(first);
      }
    }
  });

  it("still reads the month-day head, and takes no 8-digit word without a clock for a glog head", async () => {
    const old = await analyzeText("I0118 10:11:12.000100 12 tpu.cc:5] ok\nE0118 10:11:13.000200 12 tpu.cc:9] RESOURCE_EXHAUSTED: Error allocating device buffer\n");
    expect(old.facts.firstError?.line).toBe(2);
    const noClock = await analyzeText("E20250114 was the build tag of this image\nI20250114 is not a record either\n");
    expect(noClock.facts.firstError).toBeNull();
  });
});

describe("a line pasted as markdown inline code", () => {
  it("reads an error wrapped in one pair of backticks as if they were not there", async () => {
    const line = "`ValueError: Free memory on device (1.20/23.99 GiB) on startup is less than desired GPU memory utilization (0.9, 21.59 GiB). Decrease GPU memory utilization or reduce GPU memory used by other processes.`";
    for (const text of variants(["vllm serve Qwen/Qwen3-8B --port 8000", line])) {
      const r = await analyzeText(text + "\n");
      expect(ids(r, "error"), JSON.stringify(text.slice(0, 40))).toContain("vllm/engine-init-failed");
      expect(r.facts.firstError?.line).toBe(2);
      expect(r.facts.config.gpuMemoryUtilization).toBe(0.9);
    }
  });

  it("drops a span's opening backtick when the span closes on a later line", async () => {
    for (const text of variants([
      "`(EngineCore_DP0 pid=31) ERROR 02-03 04:05:06 [core.py:700] EngineCore failed to start.",
      "(EngineCore_DP0 pid=31) ERROR 02-03 04:05:06 [core.py:700] Traceback (most recent call last):",
      "(EngineCore_DP0 pid=31) ERROR 02-03 04:05:06 [core.py:700] RuntimeError: CUDA error: no kernel image is available for execution on the device`",
    ])) {
      const r = await analyzeText(text + "\n");
      expect(r.facts.firstError?.line, JSON.stringify(text.slice(0, 40))).toBe(1);
      expect(r.facts.firstError?.text).toContain("EngineCore failed to start.");
      expect(r.facts.vllm.engine).toBe("v1");
      expect(ids(r, "error")).toContain("vllm/engine-init-failed");
    }
  });

  it("keeps the text's own quoting: a span that closes inside the line is no wrapper", async () => {
    const r = await analyzeText("`torch_dtype` is deprecated! Use `dtype` instead!\n`max_model_len` must be set\n");
    expect(r.facts.firstError).toBeNull();
    expect(r.findings.filter((f) => f.severity === "error")).toEqual([]);
  });
});
