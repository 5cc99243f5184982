import type { Evidence } from "../../model.js";
import type { FindingDraft, RuleContext } from "../types.js";
import { factEvidence, fmt, uniqueEvidence } from "../helpers.js";
import { benchRuns, numberOf } from "./runs.js";
import { fabricExpectation, RING_COLLECTIVE, transportsOf, type Expectation, type Transports } from "./fabric.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "bench/low-busbw",
  defaultSeverity: "warning",
  title: "nccl-tests: bus bandwidth far below what the fabric should give",
  tags: ["bench", "nccl", "network", "performance"],
  sources: [
    "NVIDIA/nccl-tests doc/PERFORMANCE.md (busbw), NVIDIA/nccl-tests#212, #290, #267; NVIDIA/nccl#412, #812 (quoted busbw per fabric)",
    "NCCL User Guide: env.html NCCL_IB_DISABLE, NCCL_P2P_DISABLE, NCCL_NET_GDR_LEVEL, NCCL_ALGO",
  ],
  thresholds: ["expectBusbwGBs"],
} satisfies RuleSpec;

/** Below this share of the expectation the run is reported; below ERROR_SHARE it is an error. */
export const WARN_SHARE = 0.7;
export const ERROR_SHARE = 0.25;

interface Shortfall {
  ev: Evidence;
  collective: string | null;
  measured: number;
  largeSizes: boolean;
  expected: Expectation;
  share: number;
}

const str = (v: unknown): string | null => (typeof v === "string" && v ? v : null);

function shortfallOf(ctx: RuleContext, values: Record<string, unknown>, ev: Evidence, t: Transports): Shortfall | null {
  const collective = str(values.collective);
  const configured = ctx.thresholds.expectBusbwGBs > 0;
  if (collective !== null && !RING_COLLECTIVE.test(collective)) return null;
  let measured = numberOf(values.largeSizeBusbwGBs);
  const largeSizes = measured !== null;
  // rows below 256 MiB do not reach the plateau: only a user-given expectation is compared with them
  if (measured === null && configured) measured = numberOf(values.maxBusbwGBs);
  if (measured === null) return null;
  const gpuNames = Array.isArray(values.gpuNames) ? values.gpuNames.filter((g): g is string => typeof g === "string") : [];
  const shape = {
    gpuName: ctx.facts.gpu.name ?? gpuNames[0] ?? null,
    ranks: numberOf(values.ranks) ?? ctx.facts.nccl.ranks,
    nodes: numberOf(values.nodes) ?? ctx.facts.nccl.nodes ?? 1,
  };
  if (shape.ranks !== null && shape.ranks < 2) return null; // one rank: busbw is 0 by definition
  const expected: Expectation | null = configured
    ? { gbs: ctx.thresholds.expectBusbwGBs, basis: "expectBusbwGBs in the configuration", fromConfig: true }
    : collective !== null
      ? fabricExpectation(shape, t)
      : null;
  if (!expected || expected.gbs <= 0) return null;
  const share = measured / expected.gbs;
  return share < WARN_SHARE ? { ev, collective, measured, largeSizes, expected, share } : null;
}

function transportSentences(t: Transports, multiNode: boolean): { why: string[]; fix: string[] } {
  const why: string[] = [];
  const fix: string[] = [];
  if (t.ibForcedOff) {
    why.push(`InfiniBand was turned off (${t.ibForcedOff}), so NCCL used TCP sockets between nodes.`);
    fix.push(`Remove ${t.ibForcedOff} from the environment unless the nodes really have no InfiniBand/RoCE.`);
  } else if (t.socket && multiNode) {
    why.push("NCCL carried the inter-node traffic over TCP sockets (NET/Socket): a socket fallback gives a few GB/s whatever the fabric.");
    fix.push("Give the containers the RDMA devices (--device /dev/infiniband, IPC_LOCK, memlock unlimited) and the rdma-core libraries, select the HCAs with NCCL_IB_HCA, and check that the log then says `Using network IB` (see nccl/socket-fallback).");
  }
  if (t.ibNoGdr) {
    why.push("InfiniBand ran without GPU Direct RDMA: every transfer is staged through host memory.");
    fix.push("Load nvidia-peermem on every host (or use DMA-BUF), and check with `nvidia-smi topo -m` that each GPU has a NIC on its PCIe switch; the channels should read `via NET/IB/<n>/GDRDMA` (see nccl/gdrdma-disabled).");
  }
  if (t.p2pOff) {
    why.push(`Peer-to-peer between the GPUs of a node is off (${t.p2pOff}): intra-node traffic goes through host memory.`);
    fix.push("Unset NCCL_P2P_DISABLE, and on bare metal disable PCI ACS / set iommu=pt so that P2P works (see nccl/p2p-disabled).");
  }
  return { why, fix };
}

export function check(ctx: RuleContext): FindingDraft[] {
  const runs = benchRuns(ctx, "ncclTests");
  if (runs.length === 0) return []; // no log scan at all without an nccl-tests result
  const t = transportsOf(ctx);
  const shortfalls = runs.map((r) => shortfallOf(ctx, r.values, r.ev, t)).filter((s): s is Shortfall => s !== null);
  if (shortfalls.length === 0) return [];
  const worst = shortfalls.reduce((a, b) => (b.share < a.share ? b : a));
  const multiNode = runs.some((r) => (numberOf(r.values.nodes) ?? 0) > 1) || (ctx.facts.nccl.nodes ?? 0) > 1;
  const { why, fix } = transportSentences(t, multiNode);
  const pct = Math.round(worst.share * 100);
  const sizes = worst.largeSizes ? "at large sizes (≥ 256 MiB)" : "at its largest size (the run stopped below 256 MiB, where busbw has not reached its plateau)";
  const noNcclInfo = !ctx.facts.nccl.version && !ctx.facts.nccl.net && Object.values(ctx.facts.nccl.transports).every((v) => !v);
  const message = [
    `${worst.collective ?? "nccl-tests"} reached ${fmt(worst.measured)} GB/s busbw ${sizes}: ${pct}% of the ~${fmt(worst.expected.gbs)} GB/s expected (${worst.expected.basis}).`,
    ...why,
    ...(why.length === 0 && noNcclInfo ? ["The log has no NCCL INFO lines, so the transport of each connection is unknown."] : []),
    ...(shortfalls.length > 1 ? [`${shortfalls.length} runs fall short.`] : []),
  ].join(" ");
  return [{
    message,
    severity: worst.share < ERROR_SHARE ? "error" : undefined,
    evidence: uniqueEvidence([...shortfalls.map((s) => s.ev), ...t.evidence, ...factEvidence(ctx.facts, "gpu.name", "nccl.net")]),
    remediation: [
      ...fix,
      ...(noNcclInfo ? ["Rerun with NCCL_DEBUG=INFO NCCL_DEBUG_SUBSYS=INIT,NET,GRAPH and analyze that output with the results: it shows the network, the HCAs, GPU Direct RDMA and the transport of every channel."] : []),
      "Check the topology with `nvidia-smi topo -m` (NVLink `NV#` between GPUs, each NIC on its GPU's PCIe switch) and the NIC ports with `ibstat` (ACTIVE, expected rate).",
      "Measure with sizes up to 8G (`-b 8 -e 8G -f 2`); on 2 nodes add NCCL_ALGO=RING so that the tree algorithm does not hide the network's bandwidth.",
      worst.expected.fromConfig
        ? "If the expectation is wrong for this fabric, change expectBusbwGBs in .vllm-doctor.json."
        : "If this fabric is slower than assumed, set thresholds.expectBusbwGBs in .vllm-doctor.json to what it should reach.",
    ],
  }];
}

export const rule = defineRule(meta, check);
