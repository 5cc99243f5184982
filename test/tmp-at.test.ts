import { it } from "vitest";
import { writeFileSync } from "node:fs";
import { analyzeText } from "./rules/analyze-text.js";
it("time", async () => {
  const text = ["INFO 08-19 10:00:00 [api_server.py:1] vLLM API server version 0.10.1", "gpu-b07:9114:9230 [2] include/alloc.h:125 NCCL WARN Cuda failure 700 'an illegal memory access was encountered'", "gpu-b07:9114:9230 [2] NCCL INFO include/alloc.h:246 -> 1"].join("\n") + "\n";
  for (let i = 0; i < 50; i++) await analyzeText(text);
  const t = performance.now();
  for (let i = 0; i < 300; i++) await analyzeText(text);
  writeFileSync("/tmp/at.out", `${((performance.now() - t) / 300).toFixed(2)} ms per call\n`);
});
