import { describe, expect, it } from "vitest";
import { analyzeText, ids, eolsFor } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in a forty-eighth round of real logs: vLLM on Ascend NPUs (vllm-ascend), Gaudi, TPU, XPU and Neuron.
 * torch_npu's ProcessGroupHCCL is a port of ProcessGroupNCCL: its watchdog prints `Watchdog caught collective operation
 * timeout: WorkHCCL(SeqNum=…, OpType=…, Timeout(ms)=…)`, which the timeout's values did not read (they knew `WorkNCCL`
 * only), and the finding then gave NCCL's and TORCH_NCCL_*'s advice to an NPU run. A collective run as an NPU op fails
 * as `OPS function error: HcclAllreduce, error code is N` (OpParamMaker.cpp), which the HCCL signature did not read, so
 * an EI0006 in the middle of a run was reported as a communicator that was never set up. Every log text here is written
 * for the test in the printed layout, with wrappers the logs did not all show.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubectl --timestamps", (l) => `2026-12-06T14:40:11.518204113Z ${l}`],
  ["docker compose", (l) => `vllm-npu-1  | ${l}`],
  ["Ray", (l) => `(RayWorkerWrapper pid=7712, ip=10.8.0.5) ${l}`],
];

const join = (lines: string[], wrap: (l: string) => string, eol = "\n"): string => lines.map(wrap).join(eol) + eol;

async function eachWrap(lines: string[], check: (r: Report, at: string) => void): Promise<void> {
  for (const [name, wrap] of WRAPS)
    for (const eol of eolsFor(wrap)) check(await analyzeText(join(lines, wrap, eol)), `${name} ${JSON.stringify(eol)}`);
}

const finding = (r: Report, id: string) => r.findings.find((f) => f.ruleId === id);

describe("torch_npu's HCCL watchdog timeout", () => {
  const lines = [
    "[rank3]:[E0611 08:14:52.771020334 compiler_depend.ts:574] [Rank 3] Watchdog caught collective operation timeout: WorkHCCL(SeqNum=88, OpType=BROADCAST, Timeout(ms)=1800000) ran for 1800417 milliseconds before timing out.",
    "[rank3]:[E0611 08:14:52.771093518 compiler_depend.ts:628] Some HCCL operations have failed or timed out. Due to the asynchronous nature of ASCEND kernels, subsequent NPU operations might run on corrupted/incomplete data.",
    "[rank3]:[E0611 08:14:52.771101244 compiler_depend.ts:634] To avoid data inconsistency, we are taking the entire process down.",
    "[rank2]:[E0611 08:14:53.102938471 compiler_depend.ts:574] [Rank 2] Watchdog caught collective operation timeout: WorkHCCL(SeqNum=88, OpType=BROADCAST, Timeout(ms)=1800000) ran for 1800902 milliseconds before timing out.",
  ];
  it("reads the ranks, the collective and the timeout, and gives no NCCL advice", async () => {
    await eachWrap(lines, (r, at) => {
      const f = finding(r, "nccl/collective-timeout");
      expect(f, at).toBeDefined();
      expect(f!.message, at).toContain("Ranks 2, 3 waited in BROADCAST (SeqNum 88) longer than the 1,800 s timeout");
      expect(f!.message, at).not.toMatch(/NCCL itself/);
      const advice = f!.remediation.join("\n");
      expect(advice, at).toContain("~/ascend/log/debug/plog");
      expect(advice, at).not.toMatch(/TORCH_NCCL|NCCL_DEBUG/);
      expect(r.facts.firstError?.line, at).toBe(1);
    });
  });

  it("an NCCL watchdog timeout keeps NCCL's advice", async () => {
    const r = await analyzeText(lines.map((l) => l.replace("WorkHCCL", "WorkNCCL").replace("HCCL operations", "NCCL operations")).join("\n") + "\n");
    const f = finding(r, "nccl/collective-timeout")!;
    expect(f.message).toContain("NCCL itself never times out");
    expect(f.remediation.join("\n")).toContain("TORCH_NCCL_DESYNC_DEBUG=1");
  });
});

describe("an HCCL collective failing as an NPU op (`OPS function error: Hccl…`)", () => {
  const lines = [
    '[rank0]:   File "/opt/venv/lib/python3.10/site-packages/torch/distributed/distributed_c10d.py", line 2501, in all_reduce',
    "[rank0]:     work = group.allreduce([tensor], opts)",
    "[rank0]: RuntimeError: InnerRunOpApi:torch_npu/csrc/framework/OpParamMaker.cpp:281 OPS function error: HcclAllreduce, error code is 6",
    "[rank0]: [ERROR] 2026-03-02-09:41:17 (PID:55120, Device:0, RankID:0) ERR01100 OPS call acl api failed.",
    "[rank0]: EI0006: [PID: 55120] 2026-03-02-09:41:17.301.552 Getting socket times out. Reason: Remote Rank did not send the data in time. Please check the reason for the rank being stuck",
  ];
  it("names the collective and its result, and points at the peer rather than at the set-up", async () => {
    await eachWrap(lines, (r, at) => {
      const f = finding(r, "nccl/hccl-error");
      expect(f, at).toBeDefined();
      expect(f!.message, at).toContain("failed in HcclAllreduce with error code 6");
      expect(f!.message, at).toContain("CANN error EI0006");
      expect(f!.message, at).toContain("The collective did not complete: a peer rank did not send or receive its part in time");
      expect(f!.message, at).not.toContain("was not set up");
      expect(f!.remediation[0], at).toMatch(/other ranks' logs/);
      expect(r.facts.firstError?.line, at).toBe(3);
    });
  });

  it("the op line alone is an HCCL failure", async () => {
    const r = await analyzeText(lines[2] + "\n");
    expect(ids(r)).toContain("nccl/hccl-error");
    expect(finding(r, "nccl/hccl-error")!.message).toContain("in HcclAllreduce with error code 6");
  });

  it("a communicator that failed to start still reads as not set up", async () => {
    const r = await analyzeText(
      "RuntimeError: create_config:build/CMakeFiles/torch_npu.dir/compiler_depend.ts:148 HCCL function error: hcclCommInitRootInfoConfig(numRanks, &rootInfo, rank, config, &(comm->hcclComm_)), error code is 7\n",
    );
    expect(finding(r, "nccl/hccl-error")!.message).toContain("was not set up");
  });
});

describe("an Ascend engine core that failed to start", () => {
  const p = "(EngineCore_DP0 pid=5120) ";
  const lines = [
    `${p}INFO 03-02 09:40:01 [kv_cache_utils.py:1087] GPU KV cache size: 96,512 tokens`,
    `${p}ERROR 03-02 09:40:02 [core.py:708] EngineCore failed to start.`,
    `${p}ERROR 03-02 09:40:02 [core.py:708] Traceback (most recent call last):`,
  ];
  it("keeps NCCL_DEBUG advice to NVIDIA and AMD GPUs", async () => {
    await eachWrap(lines, (r, at) => {
      const f = finding(r, "vllm/engine-init-failed");
      expect(f, at).toBeDefined();
      expect(r.facts.kvCache.tokens, at).toBe(96512);
      expect(f!.remediation.join("\n"), at).toContain("on NVIDIA or AMD GPUs, NCCL_DEBUG=INFO");
    });
  });
});
