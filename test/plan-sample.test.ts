import { describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCliHere, runJsonHere } from "./helpers/cli.js";

/** Issue 8's "must show": `plan --from` on a bundled sample agrees with the log's own KV numbers within 2%. */
describe("plan --from samples/v1-single-gpu.log", () => {
  it("recomputes the sample's KV cache tokens and maximum concurrency from its available KV memory and the model config", async () => {
    const { status, report } = await runJsonHere(["plan", "--from", "samples/v1-single-gpu.log", "--model-config", "samples/qwen3-8b-config.json"]);
    expect(status).toBe(0);
    expect(report.run).toMatchObject({ model: "Qwen/Qwen3-8B", kvTokens: 380880, availableGiB: 52.31, tokensPerRequest: 40960, maxConcurrency: 9.3, bytesPerTokenPerGpu: 147456 });
    // 36 layers x 8 KV heads x 128 x 2 (K and V) x 2 bytes = 147,456 bytes per token; 52.31 GiB / that = 380,896 tokens (block rounding gives 380,880)
    expect(report.check.computedTokens).toBe(380896);
    expect(Math.abs(report.check.tokensDeltaPct)).toBeLessThan(2);
    expect(Math.abs(report.check.concurrencyDeltaPct)).toBeLessThan(2);
  });

  it("plans from the run's saved JSON report as from its log (the report was read as a log, then refused)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vd-plan-report-"));
    const saved = join(dir, "run.json");
    expect((await runCliHere(["analyze", "samples/v1-single-gpu.log", "--format", "json", "-o", saved])).status).toBe(0);
    const fromLog = await runJsonHere(["plan", "--from", "samples/v1-single-gpu.log"]);
    const fromReport = await runJsonHere(["plan", "--from", saved]);
    expect(fromReport.status).toBe(0);
    expect({ ...fromReport.report, from: null }).toEqual({ ...fromLog.report, from: null });
  });
});
