import { describe, expect, it } from "vitest";
import { analyzeText } from "../analyze-text.js";

/** CUDA_VISIBLE_DEVICES holding a GPU's or MIG instance's UUID, which vLLM reads as a number (texts written for the test). */
const mine = async (lines: string[]) => (await analyzeText(lines.join("\n") + "\n")).findings.filter((f) => f.ruleId === "vllm/visible-devices-uuid");

describe("vllm/visible-devices-uuid", () => {
  it("fires once on the ValueError, whatever prefix it carries", async () => {
    for (const prefix of ["", "(RayWorkerWrapper pid=812, ip=10.0.0.4) ", "(Worker_TP1 pid=4410) ERROR 05-11 08:02:17 [multiproc_executor.py:611] "]) {
      const f = await mine([
        `${prefix}ValueError: invalid literal for int() with base 10: 'MIG-4f1a2b3c-1d2e-5f60-8a9b-0c1d2e3f4a5b'`,
        `${prefix}ValueError: invalid literal for int() with base 10: 'MIG-4f1a2b3c-1d2e-5f60-8a9b-0c1d2e3f4a5b'`,
      ]);
      expect(f).toHaveLength(1);
      expect(f[0].severity).toBe("error");
      expect(f[0].evidence.map((e) => e.line)).toEqual([1, 2]);
    }
  });

  it("stays quiet on other values int() refused and on lines that only show the UUIDs", async () => {
    expect(
      await mine([
        "ValueError: invalid literal for int() with base 10: '0,1'",
        "CUDA_VISIBLE_DEVICES=GPU-9e8d7c6b-5a49-3827-1605-f4e3d2c1b0a9 vllm serve Qwen/Qwen3-8B",
        "  MIG 3g.40gb     Device  0: (UUID: MIG-4f1a2b3c-1d2e-5f60-8a9b-0c1d2e3f4a5b)",
      ]),
    ).toEqual([]);
  });
});
