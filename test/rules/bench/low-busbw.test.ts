import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { rule } from "../../../src/rules/bench/low-busbw.js";
import { fabricExpectation, transportsOf } from "../../../src/rules/bench/fabric.js";
import { makeContext } from "../helpers.js";
import { runJsonHere } from "../../helpers/cli.js";
import { benchContext } from "./ctx.js";

const H100 = "NVIDIA H100 80GB HBM3";
const allReduce = (v: Record<string, unknown>) => ({ kind: "ncclTests" as const, values: { collective: "all_reduce_perf", ...v }, line: 7 });

describe("bench/low-busbw", () => {
  it("fires on one node of H100s far below NVLink, as an error, pointing at P2P disabled", async () => {
    const ctx = benchContext([allReduce({ ranks: 8, nodes: 1, gpuNames: [H100], largeSizeBusbwGBs: 19.96, maxBusbwGBs: 19.96, avgBusbwGBs: 18.99 })], {
      facts: { nccl: { env: { NCCL_P2P_DISABLE: "1" } } },
    });
    const f = rule.check(ctx);
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe("error");
    expect(f[0].message).toBe(
      "all_reduce_perf reached 19.96 GB/s busbw at large sizes (≥ 256 MiB): 5% of the ~370 GB/s expected (8 GPUs in one node, H100/H200 SXM (NVLink4/NVSwitch): ~370 GB/s intra-node with the ring algorithm). " +
        "Peer-to-peer between the GPUs of a node is off (NCCL_P2P_DISABLE=1): intra-node traffic goes through host memory.",
    );
    expect(f[0].remediation[0]).toMatch(/^Unset NCCL_P2P_DISABLE/);
    expect(f[0].evidence[0]).toEqual({ file: "b.log", line: 7, text: "run 1" });
  });

  it("warns between 25% and 70% of the expectation, and stays quiet above 70%", async () => {
    const at = (gbs: number) => rule.check(benchContext([allReduce({ ranks: 8, nodes: 1, gpuNames: ["NVIDIA A100-SXM4-80GB"], largeSizeBusbwGBs: gbs })]));
    const warn = at(120);
    expect(warn).toHaveLength(1);
    expect(warn[0].severity).toBeUndefined();
    expect(warn[0].message).toMatch(/^all_reduce_perf reached 120 GB\/s busbw at large sizes \(≥ 256 MiB\): 60% of the ~200 GB\/s expected \(8 GPUs in one node, A100 SXM/);
    expect(warn[0].message).toContain("The log has no NCCL INFO lines");
    expect(at(141)).toEqual([]);
  });

  it("uses expectBusbwGBs from the configuration and names a Socket fallback between nodes", async () => {
    const ctx = benchContext([allReduce({ ranks: 16, nodes: 2, gpuNames: [H100], largeSizeBusbwGBs: 11.4 })], {
      facts: { nccl: { net: "Socket", nodes: 2, transports: { "NET/Socket": 6 } } },
      thresholds: { expectBusbwGBs: 360 },
    });
    const f = rule.check(ctx);
    expect(f).toHaveLength(1);
    expect(f[0].message).toBe(
      "all_reduce_perf reached 11.4 GB/s busbw at large sizes (≥ 256 MiB): 3% of the ~360 GB/s expected (expectBusbwGBs in the configuration). " +
        "NCCL carried the inter-node traffic over TCP sockets (NET/Socket): a socket fallback gives a few GB/s whatever the fabric.",
    );
    expect(f[0].remediation[0]).toMatch(/RDMA devices/);
    expect(f[0].remediation.at(-1)).toBe("If the expectation is wrong for this fabric, change expectBusbwGBs in .vllm-doctor.json.");
  });

  it("is silent on Socket between nodes without a configured expectation (the fabric's speed is unknown)", async () => {
    expect(rule.check(benchContext([allReduce({ ranks: 16, nodes: 2, gpuNames: [H100], largeSizeBusbwGBs: 11.4 })], { facts: { nccl: { net: "Socket", nodes: 2 } } }))).toEqual([]);
  });

  it("is silent when the expectation is unknown: PCIe or consumer GPUs, no GPU name, no rank lines, one rank", async () => {
    for (const values of [
      { ranks: 2, nodes: 1, gpuNames: ["NVIDIA GeForce RTX 2080 Ti"], largeSizeBusbwGBs: 4 },
      { ranks: 8, nodes: 1, gpuNames: ["NVIDIA H100 PCIe"], largeSizeBusbwGBs: 30 },
      { ranks: 4, nodes: 1, gpuNames: ["NVIDIA H100 NVL"], largeSizeBusbwGBs: 30 },
      { ranks: 8, nodes: 1, gpuNames: [], largeSizeBusbwGBs: 4 },
      { ranks: null, nodes: null, gpuNames: [H100], largeSizeBusbwGBs: 4 },
      { ranks: 1, nodes: 1, gpuNames: [H100], largeSizeBusbwGBs: 0 },
    ]) expect(rule.check(benchContext([allReduce(values)])), JSON.stringify(values)).toEqual([]);
  });

  it("never uses the average, and compares small-size-only runs with a configured expectation only", async () => {
    const small = allReduce({ ranks: 8, nodes: 1, gpuNames: [H100], largeSizeBusbwGBs: null, maxBusbwGBs: 40, avgBusbwGBs: 2 });
    expect(rule.check(benchContext([small]))).toEqual([]);
    const f = rule.check(benchContext([small], { thresholds: { expectBusbwGBs: 300 } }));
    expect(f).toHaveLength(1);
    expect(f[0].message).toMatch(/^all_reduce_perf reached 40 GB\/s busbw at its largest size \(the run stopped below 256 MiB/);
  });

  it("does not compare alltoall (bounded by one NIC) with the fabric or the configured figure", async () => {
    const a2a = { kind: "ncclTests" as const, values: { collective: "alltoall_perf", ranks: 8, nodes: 1, gpuNames: [H100], largeSizeBusbwGBs: 20 } };
    expect(rule.check(benchContext([a2a], { thresholds: { expectBusbwGBs: 300 } }))).toEqual([]);
  });

  it("derives inter-node expectations from the HCAs in use, capped by NVLink, and needs InfiniBand", async () => {
    const ib = makeContext({ facts: { nccl: { net: "IB", gdr: true, ibHcas: ["mlx5_0:1", "mlx5_1:1", "mlx5_2:1", "mlx5_3:1"], transports: { "NET/IB/GDRDMA": 8 } } } });
    const t = transportsOf(ib);
    expect(fabricExpectation({ gpuName: H100, ranks: 16, nodes: 2 }, t)?.gbs).toBe(40);
    expect(fabricExpectation({ gpuName: "NVIDIA GH200 480GB", ranks: 2, nodes: 2 }, t)?.gbs).toBe(10);
    expect(fabricExpectation({ gpuName: "NVIDIA L40S", ranks: 16, nodes: 2 }, t)).toBeNull();
    const noGdr = makeContext({ facts: { nccl: { net: "IB", gdr: false, transports: { "NET/IB": 8 } } } });
    const f = rule.check(Object.assign(noGdr, { state: benchContext([allReduce({ ranks: 2, nodes: 2, gpuNames: [H100], largeSizeBusbwGBs: 3.1 })]).state }));
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("31% of the ~10 GB/s expected (2 nodes over InfiniBand/RoCE with 1 NIC per node in use, at least ~10 GB/s each (a 100 Gb/s NIC))");
    expect(f[0].message).toContain("InfiniBand ran without GPU Direct RDMA");
  });

  it("end to end: an 8× H100 node with NCCL_P2P_DISABLE=1 fails analyze; the healthy 2-node IB samples do not fire", async () => {
    const bad = await runJsonHere(["analyze", join("samples", "bench-nccl-p2p-off.txt")]);
    const f = bad.report.findings.find((x: { ruleId: string }) => x.ruleId === "bench/low-busbw");
    expect(f.severity).toBe("error");
    expect(f.evidence.map((e: { line: number }) => e.line)).toEqual([1, 16, 18, 6]); // line 6: the device line naming the GPU (gpu.name)
    expect(bad.status).toBe(1);
    for (const ok of ["bench-nccl-today.txt", "bench-nccl-baseline.txt", "bench-nccl-socket.txt"]) {
      const r = await runJsonHere(["analyze", join("samples", ok)]);
      expect(r.report.findings.filter((x: { ruleId: string }) => x.ruleId === "bench/low-busbw"), ok).toEqual([]);
    }
  });
});
