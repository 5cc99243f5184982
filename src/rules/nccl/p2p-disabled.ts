import type { RuleContext, FindingDraft } from "../types.js";
import { uniqueEvidence } from "../helpers.js";
import { signalHits } from "../signals.js";
import { ncclEnv } from "./net-common.js";
import { planAdvice } from "../vllm/context.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "nccl/p2p-disabled",
  defaultSeverity: "warning",
  title: "GPUs in one node talk through host memory instead of P2P",
  tags: ["nccl", "topology", "performance"],
  sources: [
    "NCCL User Guide: troubleshooting.html (PCI Access Control Services), env.html NCCL_P2P_DISABLE / NCCL_P2P_LEVEL",
    "vLLM docs: usage/troubleshooting.md (NCCL_P2P_DISABLE=1 only as a temporary workaround)",
  ],
} satisfies RuleSpec;

export function check(ctx: RuleContext): FindingDraft[] {
  const n = ctx.facts.nccl;
  const env = ncclEnv(ctx, "NCCL_P2P_DISABLE");
  // NCCL_P2P_LEVEL=LOC allows P2P only within one GPU, which is P2P off: NCCL ≥2.5 prints the level by name whatever
  // was set (graph/paths.cc ncclGetLevel: the old number 0 prints as `LOC`), NCCL 2.4 prints the number (`to 0.`)
  const level = ncclEnv(ctx, "NCCL_P2P_LEVEL");
  const levelOff = level !== null && /^(?:LOC|0)\.?$/i.test(level.value.trim()) ? level : null;
  // (graph/paths.cc's WARN `P2P is disabled between NVLINK connected GPUs` stops NCCL instead of sending through host
  // memory: nccl/cuda-error names it)
  // (nor is the P2P transport's failing CUDA IPC call of 2.3-2.7, `failed to open CUDA IPC handle : 64 peer access is not
  // supported …`: NCCL chose P2P and stopped there, and nccl/cuda-error's advice, NCCL_P2P_DISABLE=1 as the workaround,
  // would contradict this rule's; nor NCCL ≥2.8's CUDA call failing with `Cuda failure 217 'peer access is not supported
  // …'`, alone or under PyTorch's `Last error:`: NCCL's P2P check passed and the call after it failed)
  const said = signalHits(ctx, ["nccl.p2pUnavailable"]).filter((h) => h.captures.nvlinkP2pOff === undefined && h.captures.ipcCallFailed === undefined && h.captures.ncclCallFailed === undefined);
  // the cluster model's classification: SHM never leaves a node; NET between ranks of one host means neither P2P nor SHM was used
  const shm = n.intraNode.SHM ?? 0;
  const p2p = Object.entries(n.intraNode).filter(([k]) => k.startsWith("P2P/")).reduce((a, [, v]) => a + v, 0);
  const intraShm = shm > 0 && p2p === 0;
  const envOn = env?.value === "1";
  if (!envOn && !levelOff && !said.length && !intraShm && n.netWithinHost === 0) return [];
  // a check that failed (vLLM's custom all-reduce P2P test, CUDA's peer query) while NCCL's own connections of one
  // node went P2P and none through host memory: NCCL used P2P after all, whatever the check said
  if (!envOn && !levelOff && shm === 0 && n.netWithinHost === 0 && p2p > 0) return [];
  // only the setting, and every communicator the log names holds one rank (`rank 0 nranks 1`, `nRanks 1 nNodes 1
  // localRanks 1`): a rank with no peer sends nothing between GPUs, so P2P on or off changes nothing in this run
  if (!said.length && shm === 0 && n.netWithinHost === 0 && p2p === 0 && alone(ctx)) return [];
  const parts: string[] = [];
  if (envOn) parts.push("NCCL_P2P_DISABLE=1 is set");
  if (levelOff) parts.push(`NCCL_P2P_LEVEL=${levelOff.value.trim().replace(/\.$/, "")} is set (P2P only within one GPU)`);
  if (said.length) parts.push("the log says peer-to-peer access is unavailable");
  if (shm) parts.push(`${shm} intra-node connection line(s) go via SHM (host shared memory)`);
  if (n.netWithinHost) parts.push(`${n.netWithinHost} connection line(s) between GPUs of one host go over the network transport`);
  return [{
    message: `P2P between GPUs is off: ${parts.join("; ")}. ${
      shm || n.netWithinHost || p2p ? "Traffic between GPUs of one node is copied through host memory" : "NCCL then copies traffic between GPUs of one node through host memory (the log shows none of its connection lines to confirm it)"
    }, which is much slower than NVLink or PCIe P2P.`,
    evidence: uniqueEvidence([env?.ev, levelOff?.ev, ...said.map((h) => h.ev), ctx.facts.sources["nccl.intraNode.SHM"], ...Object.entries(ctx.facts.sources).filter(([k]) => k.startsWith("nccl.intraNode.NET/")).map(([, v]) => v)]),
    remediation: [
      envOn ? "Unset NCCL_P2P_DISABLE unless it was set to work around a hang; it is a workaround, not a fix." : levelOff ? "Unset NCCL_P2P_LEVEL (or raise it, e.g. to NVL or PIX) unless it was set to work around a hang; LOC turns P2P off between GPUs." : "Do not set NCCL_P2P_DISABLE=1 except as a temporary workaround.",
      "On bare metal, disable PCIe ACS (BIOS: IO virtualization / VT-d, or setpci on PLX switches; `lspci -vvv | grep ACSCtl` shows SrcValid+ when it is on) and check the IOMMU is off or in passthrough mode.",
      "In VMs, enable ATS on the passthrough devices with the right ACS settings; in containers, share the IPC namespace (--ipc=host) so ranks can open each other's memory.",
      "Check with `nvidia-smi topo -p2p r` and CUDA's p2pBandwidthLatencyTest; on PCIe-only GPUs prefer pipeline over tensor parallelism.",
      // the plan's layout when the GPU model is known to lack NVLink (TP > 2)
      ...planAdvice(ctx.facts).filter((a) => a.includes("no NVLink")),
    ],
  }];
}

/** every communicator the log names has one rank, no other rank shows, and nothing says the job is wider */
function alone(ctx: RuleContext): boolean {
  const n = ctx.facts.nccl;
  const comms = n.communicators;
  if (!comms.length || comms.some((c) => c.nranks !== 1)) return false;
  if ((n.ranks ?? 1) > 1) return false;
  const c = ctx.facts.config;
  const wider = [ctx.facts.distributed.worldSize, c.tensorParallelSize, c.pipelineParallelSize, c.dataParallelSize].some((v) => (v ?? 1) > 1);
  return !wider;
}

export const rule = defineRule(meta, check);
