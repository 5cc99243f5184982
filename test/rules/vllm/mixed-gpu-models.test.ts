import { describe, expect, it } from "vitest";
import { analyzeText } from "../analyze-text.js";

/** vLLM's start-up warning that the host holds GPUs of more than one model (texts written for the test). */
const mine = async (lines: string[]) => (await analyzeText(lines.join("\n") + "\n")).findings.filter((f) => f.ruleId === "vllm/mixed-gpu-models");

describe("vllm/mixed-gpu-models", () => {
  it("fires once as a warning and names the models of the one-record form", async () => {
    const f = await mine([
      "INFO 11-02 08:15:40 [__init__.py:239] Automatically detected platform cuda.",
      "WARNING 11-02 08:15:40 [cuda.py:409] Detected different devices in the system: NVIDIA A100-SXM4-80GB, NVIDIA A100-SXM4-80GB, Tesla T4. Please make sure to set `CUDA_DEVICE_ORDER=PCI_BUS_ID` to avoid unexpected behavior.",
    ]);
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe("warning");
    expect(f[0].message).toContain("3 GPUs of 2 models (NVIDIA A100-SXM4-80GB, Tesla T4)");
    expect(f[0].remediation[0]).toContain("CUDA_DEVICE_ORDER=PCI_BUS_ID");
    expect(f[0].evidence.map((e) => e.line)).toEqual([2]);
  });

  it("stays quiet when the order is only set or the words are someone's prose", async () => {
    expect(
      await mine([
        "export CUDA_DEVICE_ORDER=PCI_BUS_ID",
        "INFO 11-02 08:15:40 [__init__.py:239] Automatically detected platform cuda.",
        "Detected 4 devices in the system",
      ]),
    ).toEqual([]);
  });
});
