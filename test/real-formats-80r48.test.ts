import { describe, expect, it } from "vitest";
import { analyzeText, ids, eachCommonWrap, logText } from "./rules/analyze-text.js";

/**
 * Formats met in round 80r48 (NCCL_DEBUG output pasted in NVIDIA/nccl, nccl-tests, aws-ofi-nccl, pytorch, OpenRLHF and
 * training-tool issues): the tool read all fifteen logs' facts and problems at first sight. What it said too little
 * about were the newer NET/IB failure lines that name the HCA: net_ib's completion WARN ends in `hca <device>` (2.2x and
 * later, also as `NET/IB/GIN:`), and 2.27+ ibvwrap.c's ibv_modify_qp failure reads `failed with <errno> <strerror>, on
 * dev <hca>:<port>, curr state INIT, next state RTR, local GID index N, local GID ..., remote GID ...`, which the older
 * `failed with error X errno N` reading missed altogether (no verb, so no GID advice). Every log text here is written
 * for the test, in the printed layout of those lines.
 */

const finding = (r: Awaited<ReturnType<typeof analyzeText>>, id: string) => r.findings.find((f) => f.ruleId === id);

describe("2.27+ ibv_modify_qp failure naming the HCA, the QP transition and the GIDs", () => {
  const lines = [
    "gpu-r07:4411:4411 [5] NCCL INFO NET/IB : Using [0]mlx5_0:1/RoCE [1]mlx5_3:1/RoCE [2]mlx5_4:1/RoCE [RO]; OOB bond0:10.1.2.3<0>",
    "gpu-r07:4411:4411 [5] NCCL INFO Using network IB",
    "",
    "[2026-03-13 22:26:02] gpu-r07:4411:4470 [5] ibvwrap.c:262 NCCL WARN Call to ibv_modify_qp failed with 110 Connection timed out, on dev mlx5_4:1, curr state INIT, next state RTR, local GID index 3, local GID ::ffff:10.1.2.3, remote GID ::ffff:10.1.9.3",
    "gpu-r07:4411:4470 [5] NCCL INFO transport/net_ib/connect.cc:1102 -> 2",
    "gpu-r07:4411:4470 [5] NCCL INFO transport/net.cc:880 -> 2",
  ];
  it("names the verb, its error, the HCA and port and the transition, with the RTR advice, behind wrappers and CRLF", async () => {
    await eachCommonWrap(lines, (r, at) => {
      expect(ids(r, "error"), at).toContain("nccl/ib-error");
      const f = finding(r, "nccl/ib-error");
      expect(f?.message, at).toBe("InfiniBand/RDMA failed: the verbs call ibv_modify_qp failed (Connection timed out) on mlx5_4 port 1, moving a queue pair from INIT to RTR with local GID index 3.");
      expect(f?.evidence.map((e) => e.line), at).toEqual([4]);
      expect(f?.remediation.some((x) => x.startsWith("The queue pair on mlx5_4 port 1 failed to reach RTR") && x.includes("index 3 must hold the RoCE v2 entry") && x.includes("NCCL_CROSS_NIC=0")), at).toBe(true);
      expect(r.facts.nccl.net, at).toBe("IB");
      expect(r.facts.nccl.ibHcas, at).toEqual(["mlx5_0:1", "mlx5_3:1", "mlx5_4:1"]);
      expect(r.facts.nccl.firstWarn?.line, at).toBe(4);
      expect(r.facts.firstError?.line, at).toBe(4);
      expect(r.facts.nccl.nodes, at).toBe(1);
    });
  });
  it("gives no RTR advice for another transition, names no GID index it did not print, and keeps the older wording", async () => {
    const r = await analyzeText(logText([
      "node-b:90:91 [0] ibvwrap.c:262 NCCL WARN Call to ibv_modify_qp failed with 22 Invalid argument, on dev mlx5_1:1, curr state RTR, next state RTS",
    ]));
    const f = finding(r, "nccl/ib-error");
    expect(f?.message).toBe("InfiniBand/RDMA failed: the verbs call ibv_modify_qp failed (Invalid argument) on mlx5_1 port 1, moving a queue pair from RTR to RTS.");
    expect(f?.remediation.some((x) => x.includes("failed to reach RTR"))).toBe(false);
    // the older wording (`failed with error X errno N`) names no device and keeps its reading
    const older = await analyzeText(logText(["node-b:90:91 [0] misc/ibvwrap.cc:206 NCCL WARN Call to ibv_modify_qp failed with error No such device errno 19"]));
    expect(finding(older, "nccl/ib-error")?.message).toBe("InfiniBand/RDMA failed: the verbs call ibv_modify_qp failed (No such device).");
  });
});

describe("net_ib's completion WARN ending in the HCA it came through", () => {
  const completion = (head: string) =>
    `${head} transport/net_ib.cc:2360 NCCL WARN NET/IB: Got completion from peer 172.16.34.18<53393> with status=12 opcode=1 len=5222 vendor err 129 (Send) localGid ::ffff:100.12.20.87 remoteGids::ffff:100.12.20.74 hca mlx5_26`;
  it("names the HCA in the message and advises on that HCA, behind a quoted timestamp and the common wrappers", async () => {
    await eachCommonWrap([`> [2026-01-04 21:33:04] ${completion("train-0104-master-0:617:2799 [3]")}`, "train-0104-master-0:617:2799 [3] NCCL INFO transport/net.cc:1298 -> 6"], (r, at) => {
      const f = finding(r, "nccl/ib-error");
      expect(f?.message, at).toBe("InfiniBand/RDMA failed: a work completion from peer 172.16.34.18 on HCA mlx5_26 came back with status 12: transport retry counter exceeded (RETRY_EXC_ERR): the peer or the link stopped answering, or NCCL_IB_TIMEOUT is too short.");
      expect(f?.remediation.find((x) => x.startsWith("The failing completion came through mlx5_26: ")), at).toMatch(/`ibstat mlx5_26`.*NCCL_IB_HCA=\^mlx5_26/);
      expect(f?.remediation.some((x) => x.startsWith("Status 12: on RoCE (local GID ::ffff:100.12.20.87)")), at).toBe(true);
      expect(r.facts.nccl.net, at).toBe("IB");
      expect(r.facts.nccl.nodes, at).toBe(1);
      expect(r.facts.nccl.firstWarn?.line, at).toBe(1);
    });
  });
  it("reads the HCA of the GIN proxy's completion line, and none where the line names none", async () => {
    const gin = await analyzeText(logText([
      "hgx-3:71:90 [1] gin/ib/proxy.cc:512 NCCL WARN NET/IB/GIN: Got completion from peer 10.8.0.4<40100> with status=5 opcode=0 len=0 vendor err 249 (Send) hca mlx5_7",
    ]));
    expect(finding(gin, "nccl/ib-error")?.message).toBe("InfiniBand/RDMA failed: a work completion from peer 10.8.0.4 on HCA mlx5_7 came back with status 5: work request flushed (WR_FLUSH_ERR): a secondary error, the queue pair had already failed; look for the first completion error.");
    const old = await analyzeText(logText([
      "gpu-n1:20:30 [0] transport/net_ib.cc:1295 NCCL WARN NET/IB : Got completion from peer 10.0.0.2<55921> with error 12, opcode 1, len 0, vendor err 129 (Send)",
    ]));
    const f = finding(old, "nccl/ib-error");
    expect(f?.message).not.toMatch(/on HCA/);
    expect(f?.remediation.some((x) => x.startsWith("The failing completion came through"))).toBe(false);
  });
});
