import { describe, expect, it } from "vitest";
import { analyzeText } from "../analyze-text.js";

/** The NVIDIA driver's user-space libraries and kernel module of different versions (texts written for the test). */
const mine = async (lines: string[]) => (await analyzeText(lines.join("\n") + "\n")).findings.filter((f) => f.ruleId === "vllm/driver-library-mismatch");

describe("vllm/driver-library-mismatch", () => {
  it("fires once on nvidia-smi's failure and quotes the library's version", async () => {
    const f = await mine(["$ nvidia-smi", "Failed to initialize NVML: Driver/library version mismatch", "NVML library version: 570.195"]);
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("(the NVML library is 570.195; `cat /proc/driver/nvidia/version` shows the loaded module's)");
    expect(f[0].evidence.map((e) => e.line)).toEqual([2, 3]);
  });

  it("stays quiet on the version lines alone and on other version mismatches", async () => {
    expect(
      await mine([
        "NVML library version: 570.195",
        "               NVRM: this kernel module has the version 570.124.06.  Please",
        "WARNING: version mismatch between vLLM on node 10.0.0.2 (0.9.1) and node 10.0.0.3 (0.9.2)",
      ]),
    ).toEqual([]);
  });
});
