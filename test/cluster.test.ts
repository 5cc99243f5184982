import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { clusterLog, ncclTestsSingleNode, type ClusterSpec } from "./helpers/cluster-logs.js";
import { runJsonHere } from "./helpers/cli.js";

const A = { host: "gpu-a", ip: "10.0.0.1" };
const B = { host: "gpu-b", ip: "10.0.0.2" };
const dir = mkdtempSync(join(tmpdir(), "vd-cluster-"));

/** `check` through the CLI with both transport gates, as CI would run it on the log */
async function gate(name: string, text: string) {
  const path = join(dir, `${name}.log`);
  writeFileSync(path, text);
  const { status, report } = await runJsonHere(["check", path, "--require-transport", "NET/IB", "--forbid-transport", "NET/Socket", "--fail-on", "none"]);
  const n = report.facts.nccl;
  const shapes = n.communicators.map((c: any) => `${c.nranks}@${c.nNodes}${c.role ? ` ${c.role}` : ""}`);
  return {
    status,
    nodes: n.nodes,
    ranks: n.ranks,
    hosts: n.hosts,
    shapes: [...new Set(shapes)].map((s) => `${shapes.filter((x: string) => x === s).length}×${s}`),
    interNode: n.interNode,
    requireIb: report.gate.requirements.find((r: any) => r.kind === "require-transport").passed,
    forbidSocket: report.gate.requirements.find((r: any) => r.kind === "forbid-transport").passed,
    rules: report.findings.map((f: any) => f.ruleId).filter((id: string) => /socket-fallback|gdrdma-disabled|p2p-disabled|tp-spans-nodes/.test(id)),
  };
}

const ray = (over: Partial<ClusterSpec>) => clusterLog({ nodes: [A, B], gpusPerNode: 8, tp: 8, pp: 2, net: "IB-GDR", ray: true, vllmHeader: true, ...over });

describe("the cluster model end to end: nodes, ranks, communicators, inter-node transports and the gate", () => {
  it("2 nodes × 8 GPUs, TP 8 × PP 2 over Ray, IB with GPU Direct RDMA", async () => {
    expect(await gate("ib-gdr", ray({}))).toEqual({
      status: 0, nodes: 2, ranks: 16, hosts: ["gpu-a", "gpu-b"], shapes: ["2×8@1 TP group", "8×2@2 PP group"],
      interNode: { "NET/IB/GDRDMA": 64 }, requireIb: true, forbidSocket: true, rules: [],
    });
  });

  it("the same cluster over IB without GDR: the IB gate passes and gdrdma-disabled fires", async () => {
    expect(await gate("ib", ray({ net: "IB" }))).toMatchObject({ nodes: 2, ranks: 16, interNode: { "NET/IB": 64 }, requireIb: true, forbidSocket: true, rules: ["nccl/gdrdma-disabled"] });
  });

  it("the same cluster over TCP sockets: both gates fail, and socket-fallback fires (never a passing gate beside it)", async () => {
    expect(await gate("socket", ray({ net: "Socket" }))).toMatchObject({ status: 1, nodes: 2, ranks: 16, interNode: { "NET/Socket": 64 }, requireIb: false, forbidSocket: false, rules: ["nccl/socket-fallback"] });
  });

  it("TP 4 × PP 2 on two nodes of 4 GPUs", async () => {
    expect(await gate("tp4pp2", ray({ gpusPerNode: 4, tp: 4 }))).toMatchObject({ nodes: 2, ranks: 8, hosts: ["gpu-a", "gpu-b"], shapes: ["2×4@1 TP group", "4×2@2 PP group"], interNode: { "NET/IB/GDRDMA": 32 }, requireIb: true, forbidSocket: true, rules: [] });
  });

  it("a head-node-only log of the 2-node run: two nodes, one host, the inter-node links still judged", async () => {
    expect(await gate("head", ray({ headOnly: true }))).toMatchObject({ nodes: 2, ranks: 16, hosts: ["gpu-a"], shapes: ["1×8@1 TP group", "8×2@2 PP group"], interNode: { "NET/IB/GDRDMA": 32 }, requireIb: true, forbidSocket: true, rules: [] });
  });

  it("a single-node nccl-tests run with NCCL_DEBUG_SUBSYS=ALL: one node, no inter-node traffic, no GDR warning", async () => {
    expect(await gate("nccl-tests", ncclTestsSingleNode(8))).toEqual({
      status: 1, nodes: 1, ranks: 8, hosts: ["dgx-07"], shapes: ["1×8@1"], interNode: {}, requireIb: false, forbidSocket: true, rules: [],
    });
  });

  it("a host name cut by interleaving is the same host", async () => {
    const log = ray({ nodes: [{ host: "deepseek-v2-5-0-0", ip: "10.0.0.1" }, { host: "deepseek-v2-5-0-1", ip: "10.0.0.2" }], cutHostOf: "deepseek-v2-5-0-1" });
    expect(log).toMatch(/\) pseek-v2-5-0-1:/);
    expect(await gate("cut", log)).toMatchObject({ nodes: 2, ranks: 16, hosts: ["deepseek-v2-5-0-0", "deepseek-v2-5-0-1"], shapes: ["2×8@1 TP group", "8×2@2 PP group"], interNode: { "NET/IB/GDRDMA": 64 }, rules: [] });
  });

  it("a Ray ip= that differs from the bootstrap address is still one node each", async () => {
    const log = ray({ nodes: [{ ...A, bootstrapIp: "192.168.7.1" }, { ...B, bootstrapIp: "192.168.7.2" }] });
    expect(await gate("two-addresses", log)).toMatchObject({ nodes: 2, ranks: 16, hosts: ["gpu-a", "gpu-b"], interNode: { "NET/IB/GDRDMA": 64 }, requireIb: true, forbidSocket: true });
  });

  it("the TP group itself across two nodes of 4 GPUs: tp-spans-nodes names the communicator", async () => {
    expect(await gate("tp-across", ray({ gpusPerNode: 4, tp: 8, pp: 1 }))).toMatchObject({ nodes: 2, ranks: 8, shapes: ["1×8@2 TP group"], rules: ["vllm/tp-spans-nodes"] });
  });
});
