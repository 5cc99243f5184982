import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/nccl/error.js";
import { run, traceback } from "../helpers.js";
import { analyzeText } from "../analyze-text.js";

describe("nccl/error", () => {
  it("reports an NCCL error no specific rule explains", () => {
    const f = run(rule, { lines: ["RuntimeError: NCCL error: invalid usage (run with NCCL_DEBUG=WARN for details)"] });
    expect(f).toHaveLength(1);
    expect(f[0].remediation.join(" ")).toContain("invalid usage");
  });
  it("leaves explained errors to the specific rules", () => {
    expect(run(rule, { lines: ["RuntimeError: NCCL error: unhandled system error"] })).toEqual([]);
  });
  it("reports a traceback cut inside vLLM's pynccl set-up", () => {
    const t = traceback(["init_device", "init_process_group", "__init__"], null, "", 9);
    (t as { frames: { file: string }[] }).frames[2].file = "/x/vllm/model_executor/parallel_utils/pynccl.py";
    const f = run(rule, { events: [t] });
    expect(f).toHaveLength(1);
    expect(f[0].message).toBe("A traceback ends inside NCCL set-up (__init__), and the excerpt stops before the error text.");
  });
  it("names a traceback cut inside a collective through vLLM's pynccl an NCCL call, not its set-up (log text in, report out)", async () => {
    const pkg = "/opt/venv/lib/python3.11/site-packages/vllm";
    const log = [
      "Traceback (most recent call last):",
      `  File "${pkg}/v1/worker/gpu_model_runner.py", line 1702, in execute_model`,
      "    out = self.model(ids)",
      `  File "${pkg}/distributed/device_communicators/pynccl.py", line 127, in all_reduce`,
      "    self.nccl.ncclAllReduce(buffer_type(src.data_ptr()),",
      `  File "${pkg}/distributed/device_communicators/pynccl_wrapper.py", line 301, in NCCL_CHECK`,
    ].join("\n");
    const f = (await analyzeText(`${log}\n`)).findings.filter((x) => x.ruleId === "nccl/error");
    expect(f.map((x) => x.message)).toEqual(["A traceback ends inside an NCCL call (all_reduce → NCCL_CHECK), and the excerpt stops before the error text."]);
  });
  it("ignores benign warnings", () => {
    expect(run(rule, { lines: ["h:1:1 [0] misc/ibvwrap.cc:63 NCCL WARN Failed to open libibverbs.so[.1]"] })).toEqual([]);
  });
  it("says aws-ofi-nccl gave up its start, in its own words, with the EFA advice before the rerun advice (log text in, report out)", async () => {
    const r = await analyzeText(
      ["trn-7:311:311 [0] ofi_init:1288 NCCL WARN NET/OFI Only EFA provider is supported", "trn-7:311:311 [0] ofi_init:1339 NCCL WARN NET/OFI aws-ofi-nccl initialization failed"].join("\n"),
    );
    const f = r.findings.filter((x) => x.ruleId === "nccl/error");
    expect(f.map((x) => x.message)).toEqual([
      "NCCL reported an error: the aws-ofi-nccl plugin gave up its initialisation (Only EFA provider is supported), so NCCL cannot use the OFI (EFA) network; the log stops before showing whether NCCL went on with its own IB or socket transport.",
    ]);
    expect(f[0].remediation[0]).toMatch(/^The failing lines are aws-ofi-nccl's/);
    expect(f[0].remediation[1]).toMatch(/^Rerun with NCCL_DEBUG=INFO/);
    expect(r.facts.nccl.net).toBe("OFI");
  });
});
