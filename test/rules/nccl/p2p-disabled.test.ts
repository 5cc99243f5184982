import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/nccl/p2p-disabled.js";
import { run } from "../helpers.js";
import { ruleTester } from "../rule-tester.js";

ruleTester("nccl/p2p-disabled", {
  valid: [
    { name: "P2P/IPC inside a node", log: "h:1:1 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[1] via P2P/IPC\nh:2:2 [1] NCCL INFO Channel 00/0 : 1[1] -> 0[0] via P2P/IPC\n" },
    {
      name: "NET between ranks of different hosts",
      log: "a:1:1 [0] NCCL INFO comm 0x1 rank 0 nranks 2 cudaDev 0 busId 1b000 commId 0x9 - Init START\nb:2:2 [0] NCCL INFO comm 0x2 rank 1 nranks 2 cudaDev 0 busId 1b000 commId 0x9 - Init START\na:1:1 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[0] [send] via NET/IB/0/GDRDMA\n",
    },
    {
      // vLLM's own P2P test failing while NCCL connected the node's GPUs P2P: NCCL's traffic does not go through host memory
      name: "vLLM's custom all-reduce P2P check failed, NCCL's connections of the node P2P",
      log: [
        "(VllmWorker rank=1 pid=2211) WARNING 03-05 10:00:05 [custom_all_reduce.py:147] Custom allreduce is disabled because your platform lacks GPU P2P capability or P2P test failed. To silence this warning, specify disable_custom_all_reduce=True explicitly.",
        "h:2210:2210 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[1] via P2P/IPC",
        "h:2211:2211 [1] NCCL INFO Channel 00/0 : 1[1] -> 0[0] via P2P/IPC",
        "",
      ].join("\n"),
    },
  ],
  invalid: [
    {
      name: "vLLM's custom all-reduce P2P check failed, no NCCL connection line: said as what NCCL then does",
      log: "(VllmWorker rank=1 pid=2211) WARNING 03-05 10:00:05 [custom_all_reduce.py:147] Custom allreduce is disabled because your platform lacks GPU P2P capability or P2P test failed. To silence this warning, specify disable_custom_all_reduce=True explicitly.\n",
      findings: [{ lines: [1], messageIncludes: "NCCL then copies traffic between GPUs of one node through host memory (the log shows none of its connection lines to confirm it)" }],
    },
    {
      name: "intra-node channels via SHM on one node",
      log: "h:1:1 [0] NCCL INFO Channel 00 : 0[0] -> 1[1] via SHM/direct/direct\nh:2:2 [1] NCCL INFO Channel 00 : 1[1] -> 0[0] via SHM/direct/direct\n",
      findings: [{ lines: [1], messageIncludes: "2 intra-node connection line(s) go via SHM" }],
    },
    {
      name: "NET between two GPUs of one host (one process drives both: corpus shape 001)",
      log: "h:7:8 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[1] [send] via NET/IB/0/GDRDMA\nh:7:9 [1] NCCL INFO Channel 00/0 : 0[0] -> 1[1] [receive] via NET/IB/0/GDRDMA\n",
      findings: [{ lines: [1], messageIncludes: "2 connection line(s) between GPUs of one host go over the network transport" }],
      check: (r) => expect([r.facts.nccl.interNode, r.facts.nccl.intraNode, r.facts.nccl.netWithinHost]).toEqual([{}, { "NET/IB/GDRDMA": 2 }, 2]),
    },
  ],
});

describe("nccl/p2p-disabled: the plan's layout", () => {
  it("adds pipeline-parallel advice with the run's GPU count on a GPU without NVLink", () => {
    const f = run(rule, { lines: ["h:1:1 [0] NCCL INFO NCCL_P2P_DISABLE set by environment to 1"], facts: { config: { tensorParallelSize: 4 }, gpu: { name: "L40S" } } });
    expect(f[0].remediation.at(-1)).toBe("L40S GPUs have no NVLink, so tensor parallelism over 4 GPUs runs its all-reduce over PCIe: prefer pipeline parallelism, --tensor-parallel-size 1 --pipeline-parallel-size 4.");
  });
});
