import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * Formats found in real pastes of the newest NCCL releases (round 34r) that the corpus does not hold. Every log text
 * here is written for the test, in the format's shape (several versions and wrappers each), and the facts are exact.
 */

const ibFinding = (r: Awaited<ReturnType<typeof analyzeText>>) => r.findings.find((f) => f.ruleId === "nccl/ib-error");

describe("the IB work-completion status in every printed form", () => {
  // 2.28+ (transport/net_ib/p2p.cc): `status=%s(%d) opcode=%s(%d) vendor_err=%u ... hca %s`
  const newForm =
    "gpu7:40:41 [2] transport/net_ib/p2p.cc:648 NCCL WARN NET/IB: Got completion from peer 10.1.0.8<40100> with status=IBV_WC_RETRY_EXC_ERR(12) opcode=IBV_WC_RDMA_WRITE(1) vendor_err=129 localGid ::ffff:10.1.0.7 remoteGids::ffff:10.1.0.8 hca mlx5_3";

  it("reads status 12 from the named form `status=IBV_WC_RETRY_EXC_ERR(12)`", async () => {
    const r = await analyzeText(`${newForm}\n`);
    const f = ibFinding(r);
    expect(f?.severity).toBe("error");
    expect(f?.message).toContain("from peer 10.1.0.8 on HCA mlx5_3 came back with status 12: transport retry counter exceeded");
    expect(f?.remediation?.some((x) => x.startsWith("Status 12:"))).toBe(true);
    expect(r.facts.nccl?.net).toBe("IB");
  });

  it("reads it the same under a `[date time] ` prefix, with GitHub's link around the file, after a CQE line", async () => {
    const text = [
      "[2026-01-05 08:10:11] gpu7:40:41 [2] transport/net_ib/[p2p.cc:783](https://p2p.cc:783/) NCCL WARN NET/IB: ncclIbTest: Got CQE with error (devIndex=1, req=0x7f0000001028, comm=0x7f0000001000 (send), wr_id=0, qp_num=4411)",
      "",
      "[2026-01-05 08:10:11] gpu7:40:41 [2] transport/net_ib/[p2p.cc:648](https://p2p.cc:648/) NCCL WARN NET/IB: Got completion from peer 10.1.0.8<40100> with status=IBV_WC_LOC_PROT_ERR(4) opcode=IBV_WC_RECV_RDMA_WITH_IMM(129) vendor_err=81 localGid ::ffff:10.1.0.7 remoteGids::ffff:10.1.0.8 hca mlx5_3",
      "",
    ].join("\n");
    const r = await analyzeText(text);
    const f = ibFinding(r);
    expect(f?.message).toContain("came back with status 4: local protection error");
    expect(r.facts.nccl?.firstWarn?.line).toBe(1);
    expect(r.facts.nccl?.nodes).toBe(1);
  });

  it("keeps reading the older forms: HPC-X `status=12 opcode=0` and in-tree `with error 5, opcode 0`", async () => {
    const plugin = await analyzeText("h1:9:10 [0] ib_plugin.c:1615 NCCL WARN NET/IB : Got completion from peer 10.2.0.3<51000> with status=12 opcode=0 len=0 vendor err 129 (Recv) localGid ::ffff:10.2.0.2 remoteGids::ffff:10.2.0.3\n");
    expect(ibFinding(plugin)?.message).toContain("status 12");
    const inTree = await analyzeText("h1:9:10 [0] transport/net_ib.cc:1117 NCCL WARN NET/IB : Got completion from peer 10.2.0.3<51000> with error 5, opcode 0, len 0, vendor err 249\n");
    expect(ibFinding(inTree)?.message).toContain("status 5: work request flushed");
  });

  it("reads the named form through kubectl --timestamps, a compose pane, a Ray prefix and CRLF alike", async () => {
    for (const text of [
      `2026-01-05T08:10:11.123456789Z ${newForm}\n`,
      `trainer-1  | ${newForm}\n`,
      `(RayWorkerWrapper pid=311, ip=10.1.0.7) ${newForm}\n`,
      `${newForm}\r\n`,
    ]) {
      const r = await analyzeText(text);
      expect(ibFinding(r)?.message).toContain("status 12: transport retry counter exceeded");
      expect(ids(r, "error")).toEqual(["nccl/ib-error"]);
    }
  });
});
