import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./analyze-text.js";

describe("lines outside vLLM's records that rules read (whole pipeline)", () => {
  it("a launcher's P2P / custom all-reduce status lines", async () => {
    const r = await analyzeText([
      "[topo] GPUs linked through the host bridge (PHB): P2P not supported, falling back to staged copies",
      "[topo] status: P2P disabled, custom all-reduce off",
      "(EngineCore pid=92) INFO 07-08 15:38:03 [kv_cache_utils.py:1] GPU KV cache size: 100,000 tokens",
    ].join("\n"));
    const car = r.findings.find((f) => f.ruleId === "vllm/custom-allreduce-disabled")!;
    expect(car.severity).toBe("warning");
    expect(car.evidence.map((e) => e.line)).toEqual([2]);
    const p2p = r.findings.find((f) => f.ruleId === "nccl/p2p-disabled")!;
    expect(p2p.evidence.map((e) => e.line)).toEqual([1, 2]);
    expect(ids(r, "error")).toEqual([]);
  });
  it("another engine's copy of vLLM's custom all-reduce warning", async () => {
    const r = await analyzeText("[2025-01-01 10:00:00 TP1] Custom allreduce is disabled because your platform lacks GPU P2P capability or P2P test failed.\n");
    expect(ids(r)).toContain("vllm/custom-allreduce-disabled");
  });
  it("the text after `Last error:` under a bare ncclXxxError line is an error of its own line", async () => {
    const r = await analyzeText([
      "[trainer1|0]:hostB:7:7 [1] NCCL INFO NCCL_SOCKET_IFNAME set by environment to eth9",
      "[trainer1|0]:ncclInternalError: Internal check failed.",
      "[trainer1|0]:Last error:",
      "[trainer1|0]:ncclSocketInit: connecting to address  with family 1234 is neither AF_INET(2) nor AF_INET6(10)",
    ].join("\n"));
    const wi = r.findings.find((f) => f.ruleId === "nccl/wrong-interface")!;
    expect(wi.evidence.map((e) => e.line)).toEqual([1, 4]);
    const ie = r.findings.find((f) => f.ruleId === "nccl/internal-error")!;
    expect(ie.message).toContain("ncclInternalError: ncclSocketInit: connecting to address  with family 1234");
    expect(ie.evidence.map((e) => e.line)).toEqual([2, 4]);
    expect(r.facts.firstError?.line).toBe(2);
  });
  it("the image's NCCL in a `declare -x` dump against the NCCL the job loaded", async () => {
    const r = await analyzeText([
      'declare -x HOME="/root"',
      'declare -x NCCL_VERSION="2.17.1-1"',
      'declare -x NV_LIBNCCL_PACKAGE_VERSION="2.17.1-1"',
      "node7:11:11 [0] NCCL INFO NCCL version 2.21.5+cuda12.4",
    ].join("\n"));
    const vm = r.findings.find((f) => f.ruleId === "cluster/version-mismatch")!;
    expect(vm.message).toBe("The image declares NCCL 2.17.1 (NCCL_VERSION, line 2) but the process loaded NCCL 2.21.5 (line 4): the NCCL in use is not the image's own.");
    expect(vm.evidence.map((e) => e.line)).toEqual([2, 4]);
  });
  it("an `env` echo of NCCL_P2P_DISABLE=1 counts as the setting", async () => {
    const r = await analyzeText(["NCCL_P2P_DISABLE=1", "NCCL_DEBUG=INFO"].join("\n"));
    const p2p = r.findings.find((f) => f.ruleId === "nccl/p2p-disabled")!;
    expect(p2p.message).toContain("NCCL_P2P_DISABLE=1 is set");
    expect(p2p.evidence).toEqual([{ file: expect.stringContaining("run.log"), line: 1, text: "NCCL_P2P_DISABLE=1" }]);
  });
});

describe("pip's NCCL wheel against the loaded NCCL (whole pipeline)", () => {
  it("quotes the `pip list` line and the version banner", async () => {
    const r = await analyzeText(["torch                    2.3.0", "nvidia-nccl-cu12         2.20.5", "NCCL version 2.18.1+cuda12.1"].join("\n"));
    const vm = r.findings.find((f) => f.ruleId === "cluster/version-mismatch")!;
    expect(vm.message).toBe("The installed wheel nvidia-nccl-cu12 is NCCL 2.20.5 (line 2) but the process loaded NCCL 2.18.1 (line 3): another libnccl comes first on the library path.");
    expect(vm.evidence.map((e) => e.line)).toEqual([2, 3]);
  });
});

describe("the custom all-reduce / P2P family in other spellings (whole pipeline)", () => {
  it("`GPU P2P: not supported`, `custom-all-reduce: off` and a vLLM INFO record about P2P", async () => {
    const r = await analyzeText([
      "[launcher] GPU P2P: not supported (PCIe switch)",
      "[launcher] custom-all-reduce: off",
      "INFO 07-08 15:38:03 [parallel_state.py:100] P2P is not supported between GPU 0 and GPU 1, using NCCL only",
    ].join("\n"));
    expect(r.findings.find((f) => f.ruleId === "vllm/custom-allreduce-disabled")?.evidence.map((e) => e.line)).toEqual([2]);
    expect(r.findings.find((f) => f.ruleId === "nccl/p2p-disabled")?.evidence.map((e) => e.line)).toEqual([1, 3]);
  });
  it("NCCL's own `NCCL_P2P_DISABLE` and `P2P/IPC` wording is not the family", async () => {
    const r = await analyzeText([
      "h:1:1 [0] NCCL INFO NCCL_P2P_LEVEL set by environment to NVL",
      "h:1:2 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[1] via P2P/IPC",
      "h:1:2 [0] NCCL INFO Check P2P Type isAllDirectP2p 1 directMode 0",
    ].join("\n"));
    expect(r.findings.map((f) => f.ruleId)).toEqual([]);
  });
});
