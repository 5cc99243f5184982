import { describe, expect, it } from "vitest";
import { analyzeText } from "../analyze-text.js";
import { OFI_RECOVERED } from "../../verdict/logs.js";

describe("nccl/net-plugin-fallback", () => {
  it("aws-ofi-nccl that failed while NCCL went on over IB: one warning naming what replaced it, no error finding; the failure is still the first error, listed as recovered", async () => {
    const r = await analyzeText(OFI_RECOVERED);
    const f = r.findings.filter((x) => x.ruleId === "nccl/net-plugin-fallback");
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe("warning");
    expect(f[0].message).toBe("aws-ofi-nccl (NET/OFI) failed to initialise (NET/OFI Couldn't find any optimal provider; NET/OFI aws-ofi-nccl initialization failed); NCCL went on with its internal IB transport, so the run is not stopped by it.");
    // (NCCL's own IB transport starting, line 11, is the first line that shows it went on without the plugin)
    expect(f[0].evidence.map((e) => e.line)).toEqual([8, 9, 11]);
    expect(r.findings.map((x) => x.ruleId)).toEqual(["nccl/net-plugin-fallback"]);
    expect(r.summary.errors).toBe(0);
    expect(r.facts.firstError?.line).toBe(8);
    expect(r.facts.recovered?.map((x) => [x.kind, x.failure.line, x.by.line, x.net])).toEqual([["net-plugin", 8, 11, "IB"], ["net-plugin", 9, 11, "IB"], ["error-return", 10, 13, "IB"]]);
    expect(r.verdict).toMatch(/^Works, with a warning \(nccl\/net-plugin-fallback\): aws-ofi-nccl \(NET\/OFI\) failed to initialise/);
  });
  it("the same plugin failure with nothing after it stays an error (NCCL did not go on)", async () => {
    const cut = OFI_RECOVERED.split("\n").slice(0, 10).join("\n") + "\n";
    const r = await analyzeText(cut);
    expect(r.findings.filter((x) => x.ruleId === "nccl/net-plugin-fallback")).toEqual([]);
    expect(r.findings.map((x) => [x.ruleId, x.severity])).toEqual([["nccl/error", "error"], ["nccl/system-error", "error"]]);
    expect(r.facts.firstError?.line).toBe(8);
  });
});
