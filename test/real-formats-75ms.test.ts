import { describe, expect, it } from "vitest";
import { analyzeText, ids, eachWrapped } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in a round of real logs from PCIe-only GPU servers (no NVLink: 2080 Ti, T4, RTX 4090, A-series and
 * RTX PRO boxes): NCCL's P2P and SHM decisions, `NCCL_P2P_LEVEL`, `P2P is disabled between connected GPUs`, topology
 * dumps, and vLLM's custom all-reduce turning itself off. The tool read nearly all of them right at first sight; two
 * things it did not:
 *  - NCCL's socket receive that fails with `Connection refused` (`Net : Call to recv from X failed : Connection refused`,
 *    here inside PyTorch's `Last error:` block behind pdsh labels) was read as a peer that went away mid-transfer. TCP
 *    refuses only a connection being opened, so the socket never connected: a bootstrap / socket connect failure.
 *  - SGLang's copy of the custom all-reduce logs its class name glued (`CustomAllreduce is disabled because ...`,
 *    `CustomAllReduceV2 is disabled because ...`): the first was read without its reason, the second not at all.
 * Every log text here is written for the test in the printed layout (other hosts, numbers and addresses than the
 * pastes), behind the collectors people paste from and with CRLF, with near misses that must not match.
 */

const WRAPS = [
  ["plain", (l: string) => l],
  ["kubectl --timestamps", (l: string) => `2026-11-02T09:14:07.118204113Z ${l}`],
  ["docker compose", (l: string) => `trainer-1  | ${l}`],
  ["Ray", (l: string) => `(RayWorkerWrapper pid=6120, ip=10.4.0.12) ${l}`],
] as const;
/** plain text (LF and CRLF) and one collector, a different one per case, to keep the file cheap */
const withWrap = (i: number) => [WRAPS[0], WRAPS[i]] as const;
const finding = (r: Report, id: string) => r.findings.find((f) => f.ruleId === id);

describe("an NCCL socket receive refused: the connection was never made", () => {
  it("reads each NCCL era's receive / send line with `Connection refused` as a connect failure, not a lost peer", async () => {
    const eras = [
      // 2.10-2.15 (misc/socket.cc socketProgressOpt)
      "gpu-b:4410:4467 [3] misc/socket.cc:503 NCCL WARN Net : Call to recv from 10.8.1.22<45131> failed : Connection refused",
      // 2.16-2.23
      "gpu-b:4410:4467 [3] misc/socket.cc:540 NCCL WARN socketProgressOpt: Call to recv from 10.8.1.22<45131> failed : Connection refused",
      // 2.24+ names a send as it names a receive
      "gpu-b:4410:4467 [3] misc/socket.cc:61 NCCL WARN socketProgressOpt: Call to send to 10.8.1.22<45131> failed : Connection refused",
    ];
    for (const [i, line] of eras.entries()) {
      // the first era plain (LF and CRLF) and behind kubectl; the others behind one collector each
      await eachWrapped(i === 0 ? withWrap(1) : [WRAPS[1 + i]], [line, "gpu-b:4410:4467 [3] NCCL INFO misc/socket.cc:752 -> 2"], (r, at) => {
        const f = finding(r, "nccl/bootstrap-failure");
        expect(f, at).toBeDefined();
        expect(f!.message, at).toContain("10.8.1.22 port 45131");
        expect(f!.message, at).toContain("connection refused");
        expect(ids(r), at).not.toContain("nccl/remote-process-exited");
      });
    }
  });

  it("reads it inside PyTorch's `Last error:` block behind pdsh labels, beside the P2P lines of another node", async () => {
    const lines = [
      "worker-7: Last error:",
      "worker-7: Net : Call to recv from WORKER7_ADDR<51870> failed : Connection refused",
      "worker-6: worker-6:30211:30240 [2] NCCL INFO P2P is disabled between connected GPUs 2 and 1. You can repress this message with NCCL_IGNORE_DISABLED_P2P=1.",
      "worker-6: worker-6:30211:30240 [2] NCCL INFO Could not enable P2P between dev 2(=81000) and dev 1(=41000)",
      "worker-6: worker-6:30211:30240 [2] NCCL INFO Channel 00 : 2[81000] -> 1[41000] via SHM/direct/direct",
    ];
    await eachWrapped(withWrap(2), lines, (r, at) => {
      expect(ids(r).sort(), at).toEqual(["nccl/bootstrap-failure", "nccl/p2p-disabled"]);
      expect(finding(r, "nccl/bootstrap-failure")!.message, at).toContain("connection refused");
      expect(r.facts.nccl.transports.SHM, at).toBe(1);
      expect(r.facts.nccl.ranks, at).toBe(2);
    });
  });

  it("a receive that is reset or times out is still a peer lost mid-transfer", async () => {
    for (const why of ["Connection reset by peer", "Connection timed out"]) {
      const r = await analyzeText(`gpu-b:4410:4467 [3] misc/socket.cc:540 NCCL WARN socketProgressOpt: Call to recv from 10.8.1.22<45131> failed : ${why}\n`);
      expect(ids(r), why).toContain("nccl/remote-process-exited");
      expect(ids(r), why).not.toContain("nccl/bootstrap-failure");
    }
  });
});

describe("SGLang's custom all-reduce turning itself off", () => {
  it("reads both of its class names with the reason", async () => {
    const lines = [
      "[2026-10-20 16:02:51 TP3] CustomAllReduceV2 is disabled because it's not supported on more than two PCIe-only GPUs. To silence this warning, specify disable_custom_all_reduce=True explicitly.",
      "[2026-10-20 16:02:51 TP0] CustomAllreduce is disabled because it's not supported on more than two PCIe-only GPUs. To silence this warning, specify disable_custom_all_reduce=True explicitly.",
    ];
    await eachWrapped(withWrap(3), lines, (r, at) => {
      const f = finding(r, "vllm/custom-allreduce-disabled");
      expect(f, at).toBeDefined();
      expect(f!.message, at).toContain("because it's not supported on more than two PCIe-only GPUs");
      expect(f!.evidence.map((e) => e.line), at).toEqual([1, 2]);
    });
    const v2 = await analyzeText(`${lines[0]}\n`);
    expect(ids(v2)).toEqual(["vllm/custom-allreduce-disabled"]);
  });

  it("a launcher saying custom all-reduce is ON, and the backends vLLM picked, are no finding", async () => {
    const lines = [
      "[nvlink] P2P ENABLED - NCCL_P2P_LEVEL=PHB, custom all-reduce ON, expandable_segments stripped",
      "(Worker_TP1 pid=311) INFO 10-20 16:02:51 [cuda_communicator.py:245] Using ['CUSTOM', 'PYNCCL'] all-reduce backends (in dispatch order) for group 'tp:0'",
      "(Worker_TP1 pid=311) INFO 10-20 16:02:52 [custom_all_reduce.py:213] Registering 3 cuda graph addresses",
    ];
    await eachWrapped(withWrap(1), lines, (r, at) => expect(r.findings, at).toEqual([]));
  });
});

describe("NCCL's P2P decisions on PCIe-only servers, read at first sight", () => {
  it("NCCL_P2P_LEVEL=LOC (2.8's name for the level) is P2P off", async () => {
    const lines = [
      "#   Rank  0 Pid  40102 on t4-box-3 device  0 [0x3b] Tesla T4",
      "#   Rank  1 Pid  40102 on t4-box-3 device  1 [0xd8] Tesla T4",
      "t4-box-3:40102:40110 [0] NCCL INFO NCCL_P2P_LEVEL set by environment to LOC",
      "t4-box-3:40102:40110 [0] NCCL INFO Channel 00/02 :    0   1",
    ];
    await eachWrapped(withWrap(2), lines, (r, at) => {
      expect(ids(r), at).toEqual(["nccl/p2p-disabled"]);
      expect(finding(r, "nccl/p2p-disabled")!.message, at).toContain("NCCL_P2P_LEVEL=LOC");
      expect(r.facts.nccl.ranks, at).toBe(2);
      expect(r.facts.nccl.nodes, at).toBe(1);
    });
  });

  it("NCCL_P2P_LEVEL=SYS with direct pointers is P2P in use: no finding", async () => {
    const lines = [
      "box-9:5120:5188 [0] NCCL INFO NCCL_P2P_LEVEL set by environment to SYS",
      "box-9:5120:5188 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[1] via P2P/direct pointer",
      "box-9:5120:5189 [1] NCCL INFO Channel 00/0 : 1[1] -> 2[2] via P2P/direct pointer",
      "box-9:5120:5190 [2] NCCL INFO Channel 00/0 : 2[2] -> 0[0] via P2P/direct pointer",
    ];
    await eachWrapped(withWrap(3), lines, (r, at) => {
      expect(r.findings, at).toEqual([]);
      expect(r.facts.nccl.transports["P2P/direct"], at).toBe(3);
    });
  });

  it("prefix-less 2.7-era `via direct shared memory` lines: SHM between the GPUs, a cut record not counted", async () => {
    const lines = [
      "NCCL INFO Using network Socket",
      "NCCL INFO Channel 00 : 1[af000] -> 0[18000] via direct shared memory",
      "NCCL INFO Channel 01 : 1[af000] -> 0[18000] via direct shared memory",
      "NCCL INFO comm 0x7f11c0001000 rank 1 nranks 2 cudaDev 1 busId af000 - Init COMPLETE",
      "NCCL INFO Channel 00 : 0[18000] -> 1[af000] via direct shared m",
    ];
    await eachWrapped(withWrap(1), lines, (r, at) => {
      expect(r.facts.nccl.transports.SHM, at).toBe(2);
      expect(r.facts.nccl.initComplete, at).toBe(1);
      expect(ids(r), at).toContain("nccl/p2p-disabled");
    });
  });
});
