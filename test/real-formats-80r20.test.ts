import { describe, expect, it } from "vitest";
import { analyzeText, ids, eachWrapped } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats met in round 80r20 (vllm-project/vllm issues numbered 10000-45000 ending in 3 or 7 with a pasted vLLM log):
 * a V0 engine-config record hard-wrapped mid-token and cut by the window, an MQLLMEngine start-up traceback window, a
 * CLI serve traceback of frames only, one V1 `Engine 000:` stats line, a bare engine-core traceback ending in
 * `torch.AcceleratorError: CUDA error: ...`, and 0.8.5's start-up warning that the host holds GPUs of different models.
 * The tool read every scored fact and problem at first sight; the one line it said nothing about was that warning
 * (vllm/platforms/cuda.py log_warnings), in its one-record form and in the 0.6.4-0.7 form with a name per record.
 * Every log text here is written for the test.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubets", (l) => `2026-03-04T05:06:07.891011121Z stderr F ${l}`],
  ["docker-compose", (l) => `vllm-1  | ${l}`],
];

const eachWrap = (lines: string[], check: (r: Report, at: string) => void) => eachWrapped(WRAPS, lines, check);

describe("vLLM's warning that the host has GPUs of different models", () => {
  it("one record (0.8 on): a warning naming the models, next to the version and platform lines", async () => {
    await eachWrap(
      [
        "INFO 11-02 08:15:40 [__init__.py:239] Automatically detected platform cuda.",
        "WARNING 11-02 08:15:40 [cuda.py:409] Detected different devices in the system: NVIDIA L40S, NVIDIA L40S, NVIDIA RTX A6000, NVIDIA L40S. Please make sure to set `CUDA_DEVICE_ORDER=PCI_BUS_ID` to avoid unexpected behavior.",
        "INFO 11-02 08:15:44 [api_server.py:1043] vLLM API server version 0.8.5",
      ],
      (r, at) => {
        expect(ids(r, "warning"), at).toContain("vllm/mixed-gpu-models");
        expect(ids(r, "error"), at).toEqual([]);
        const f = r.findings.find((x) => x.ruleId === "vllm/mixed-gpu-models");
        expect(f?.message, at).toContain("4 GPUs of 2 models (NVIDIA L40S, NVIDIA RTX A6000)");
        expect(f?.evidence.map((e) => e.line), at).toEqual([2]);
        expect(r.facts.vllm.version, at).toBe("0.8.5");
        expect(r.facts.gpu.name, at).toBeNull();
      },
    );
  });
  it("a name per record (0.6.4-0.7): fires on the first record without naming models", async () => {
    await eachWrap(
      [
        "WARNING 12-01 09:30:11 cuda.py:336] Detected different devices in the system: ",
        "WARNING 12-01 09:30:11 cuda.py:336] NVIDIA GeForce RTX 4090",
        "WARNING 12-01 09:30:11 cuda.py:336] NVIDIA GeForce RTX 3060",
        "WARNING 12-01 09:30:11 cuda.py:336] Please make sure to set `CUDA_DEVICE_ORDER=PCI_BUS_ID` to avoid unexpected behavior.",
      ],
      (r, at) => {
        const f = r.findings.filter((x) => x.ruleId === "vllm/mixed-gpu-models");
        expect(f, at).toHaveLength(1);
        expect(f[0].message, at).toContain("GPUs of more than one model");
        expect(f[0].evidence.map((e) => e.line), at).toEqual([1]);
      },
    );
  });
  it("CRLF and a MUSA build's own variable", async () => {
    const r = await analyzeText(
      "INFO 07-01 10:00:00 [__init__.py:235] Automatically detected platform musa.\r\nWARNING 07-01 10:00:00 [musa.py:402] Detected different devices in the system: MTT S4000, MTT S80. Please make sure to set `MUSA_DEVICE_ORDER=PCI_BUS_ID` to avoid unexpected behavior.\r\n",
    );
    const f = r.findings.find((x) => x.ruleId === "vllm/mixed-gpu-models");
    expect(f?.message).toContain("while MUSA_DEVICE_ORDER is not PCI_BUS_ID");
    expect(f?.remediation[0]).toContain("MUSA_DEVICE_ORDER=PCI_BUS_ID");
  });
});
