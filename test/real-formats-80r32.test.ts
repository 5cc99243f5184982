import { describe, expect, it } from "vitest";
import { analyzeText, ids, eachWrapped } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats met in round 80r32 (NVIDIA/nccl, NVIDIA/nccl-tests and pytorch/pytorch issues numbered ...2/4/6/8 with
 * NCCL_DEBUG output, NCCL 2.4 to 2.27): NCCL 2.4 Ring records in both layouts (`4[4] -> 5[5] via P2P/IPC` and the
 * bracketless `4 -> 19 [send] via NET/Socket/0`) with a trailing space on every line, `via direct shared memory`, a
 * WARN with no host prefix, `socketPollConnect ... retrying (n/34)`, a user's template of channel lines, PyTorch's
 * `what():` under a CI timestamp. The tool read the round's facts and problems at first sight; what it got wrong was its
 * advice for a socket fallback between AWS EC2 instances (hosts `ip-A-B-C-D`): it told the user to pass InfiniBand
 * devices and set NCCL_IB_HCA, where EC2's RDMA network is EFA through the aws-ofi-nccl plugin. Every log text here is
 * written for the test.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubets", (l) => `2026-03-09T08:14:22.501234567Z ${l}`],
  ["mpi-tag", (l) => `[1,3]<stdout>:${l}`],
];

const eachWrap = (lines: string[], check: (r: Report, at: string) => void) => eachWrapped(WRAPS, lines, check);

/** one process of a 2.4-era 16-rank run on two hosts named `host`, whose ring crosses to the other host over Socket */
const ring24 = (host: string, peer: string) => [
  "NCCL version 2.4.8+cuda10.1 ",
  `${host}:41207:41388 [2] NCCL INFO Setting affinity for GPU 2 to 0fff,ff000fff `,
  `${host}:41207:41388 [2] NCCL INFO comm 0x7f21c8001b30 rank 2 nranks 16 cudaDev 2 nvmlDev 2 - Init START `,
  `${host}:41207:41388 [2] NCCL INFO Ring 00 : 2[2] -> 3[3] via P2P/IPC `,
  `${host}:41207:41388 [2] NCCL INFO Ring 00 : 2[2] -> 1[1] via direct shared memory `,
  `${host}:41207:41388 [2] NCCL INFO Ring 01 : 2 -> 10 [send] via NET/Socket/0 `,
  `${host}:41207:41388 [2] NCCL INFO Ring 01 : 10 -> 2 [receive] via NET/Socket/0 `,
  `${peer}:9310:9455 [2] NCCL INFO Ring 01 : 10 -> 2 [send] via NET/Socket/0 `,
];

describe("a socket fallback between AWS EC2 instances", () => {
  it("names EFA and the aws-ofi-nccl plugin, not InfiniBand devices, behind wrappers and CRLF", async () => {
    await eachWrap(ring24("ip-10-4-17-233", "ip-10-4-18-9"), (r, at) => {
      expect(r.facts.nccl.transports, at).toMatchObject({ "P2P/IPC": 1, SHM: 1, "NET/Socket": 3, "NET/IB": 0 });
      expect(r.facts.nccl.ranks, at).toBe(4);
      expect(r.facts.nccl.nodes, at).toBe(2);
      expect(ids(r), at).toContain("nccl/socket-fallback");
      const f = r.findings.find((x) => x.ruleId === "nccl/socket-fallback");
      expect(f?.message, at).toMatch(/AWS EC2 instances \(ip-10-4-17-233, …\): their RDMA network is EFA/);
      expect(f?.remediation[0], at).toMatch(/aws-ofi-nccl plugin/);
      expect(f?.remediation.join(" "), at).toMatch(/Using network Libfabric/);
      expect(f?.remediation.join(" "), at).not.toMatch(/NCCL_IB_HCA|ibstat/);
    });
  });

  it("reads EC2's full internal names too", async () => {
    const r = await analyzeText(ring24("ip-10-4-17-233.ec2.internal", "ip-10-4-18-9.us-west-2.compute.internal").join("\n") + "\n");
    const f = r.findings.find((x) => x.ruleId === "nccl/socket-fallback");
    expect(f?.remediation[0]).toMatch(/EFA-capable instance type/);
  });

  it("keeps the InfiniBand advice when any host is not an EC2 instance, or the host lists an HCA", async () => {
    const mixed = await analyzeText(ring24("ip-10-4-17-233", "gpu-node07").join("\n") + "\n");
    const f = mixed.findings.find((x) => x.ruleId === "nccl/socket-fallback");
    expect(f?.message).not.toMatch(/EC2/);
    expect(f?.remediation[0]).toMatch(/--device \/dev\/infiniband/);
    const lone = await analyzeText(ring24("ip-10-4-17-233", "ip-10-4-18-9").join("\n") + "\n");
    expect(lone.findings.find((x) => x.ruleId === "nccl/socket-fallback")?.message).toMatch(/EFA/);
    const withHca = await analyzeText([
      "ip-10-4-17-233:41207:41207 [2] NCCL INFO NET/IB : Using [0]mlx5_0:1/RoCE ; OOB eth0:10.4.17.233<0>",
      ...ring24("ip-10-4-17-233", "ip-10-4-18-9"),
    ].join("\n") + "\n");
    expect(withHca.findings.find((x) => x.ruleId === "nccl/socket-fallback")?.message ?? "").not.toMatch(/EFA/);
  });
});
