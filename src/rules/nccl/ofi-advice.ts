/**
 * What to check when the failing lines are aws-ofi-nccl's (the NET/OFI plugin on libfabric, AWS EFA). Shared by
 * nccl/error (the plugin's WARNs with nothing later showing NCCL went on) and nccl/net-plugin-fallback (it did). It
 * reads the captures the signature table gives nccl.generic's lines (grammars/signatures.ts): `ofi`, `ofiGdrType`,
 * `ofiRegisterEinval`.
 */
import type { RuleContext } from "../types.js";

type Captures = Readonly<Record<string, string>>;

/** the captures of every kept nccl.generic line, recovered ones too (a plugin NCCL replaced still said why) */
export function ncclFailureCaptures(ctx: RuleContext): Captures[] {
  return (ctx.signals["nccl.generic"]?.lines ?? []).map((l) => l.captures);
}

/**
 * platform-aws (aws-ofi-nccl 1.7.3+, 2023-10): on an instance type where GPUDirect RDMA is required (p4d, p5 ..) the
 * plugin fails its endpoint set-up when libfabric cannot do GDR, `platform_config_endpoint:626 NCCL WARN NET/OFI GDR
 * disabled on GDR-supported instance type p4d.24xlarge`, then `Creating new endpoint .. failed: Invalid argument`.
 * The advice for it when a line says it; null otherwise.
 */
export function ofiGdrAdvice(lines: readonly Captures[]): string | null {
  const gdr = lines.find((c) => c.ofiGdrType !== undefined);
  if (!gdr) return null;
  const type = gdr.ofiGdrType ? ` (${gdr.ofiGdrType})` : "";
  return `aws-ofi-nccl stops because GPUDirect RDMA is not available on an instance type that needs it${type}: load the nvidia-peermem module on the host (or use a driver and kernel with dma-buf), do not set FI_EFA_USE_DEVICE_RDMA=0, and give the container the EFA devices. OFI_NCCL_DISABLE_GDR_REQUIRED_CHECK=1 lets the plugin start without GDR, at a fraction of the bandwidth.`;
}

/** the plugin's own set-up, what to check of it */
const OFI_CHECK_LIST = "that the EFA provider is there (`fi_info -p efa`), that the container sees the EFA devices (the EFA device plugin on Kubernetes, --device /dev/infiniband/uverbs* in Docker), and that the plugin release supports this NCCL version.";

/** the same checks when no failing line is the plugin's but the log shows the run's network is (`Using network AWS Libfabric`) */
export const OFI_CHECKS = `The network is aws-ofi-nccl's (NET/OFI on libfabric): check ${OFI_CHECK_LIST}`;

/**
 * The remediation lines for these failure lines; none when no line is aws-ofi-nccl's. GPU-memory registration refused
 * with EINVAL (`register_rail_mr_buffer:617 NCCL WARN NET/OFI Unable to register memory (type = 2) for device 4. RC:
 * -22, Error: Invalid argument`) is the libfabric of EFA installers before 1.29.1 under NCCL 2.19+ (AWS's EFA
 * cheatsheet, awsome-distributed-training 1.architectures/efa-cheatsheet.md); other return codes (-12 ENOMEM:
 * pinned-memory limits) have other causes.
 */
export function ofiAdvice(lines: readonly Captures[]): string[] {
  if (!lines.some((c) => c.ofi !== undefined)) return [];
  const gdr = ofiGdrAdvice(lines);
  const register = lines.some((c) => c.ofiRegisterEinval !== undefined);
  return [
    ...(gdr ? [gdr] : []),
    ...(register ? ["Registering GPU memory with EFA failed with EINVAL: with NCCL 2.19 or later, the libfabric of EFA installers before 1.29.1 does this. Upgrade the EFA installer (host and container), or set FI_EFA_SET_CUDA_SYNC_MEMOPS=0."] : []),
    `The failing lines are aws-ofi-nccl's (NET/OFI on libfabric): check ${OFI_CHECK_LIST}`,
  ];
}

/**
 * aws-ofi-nccl's RDMA protocol refusing a connection because the peer has another number of rails for the device
 * (grammars/signatures.ts nccl.ofiRails: `NET/OFI Unexpected number of remote rails for dev N. Expected X but got Y`).
 * The plugin groups a node's EFA devices around its GPUs (one leader NIC per group, a rail per EFA device of the group),
 * and both ends of a connection must have the same count. Read by nccl/ofi-rail-mismatch (the finding) and
 * nccl/system-error (a `-> 2` chain on the network path with these lines before it).
 */
export const OFI_RAILS_CAUSES = "the ends do not have the same number of EFA devices per GPU: a pod given only some of its node's EFA devices (a partial vpc.amazonaws.com/efa request on Kubernetes) gets uneven groups, so connections between different device numbers meet different counts; nodes of different instance types group differently (4 EFA devices per GPU on p5.48xlarge, 2 on p5en.48xlarge); and aws-ofi-nccl releases that differ across nodes may group the same devices differently";

/**
 * NCCL's GPU-initiated networking (2.28+, grammars/signatures.ts nccl.gin) sets up connections of its own through the
 * network plugin: how to tell whether they are what fails, and what aws-ofi-nccl documents for it.
 */
export const GIN_HINT = "GIN (NCCL's GPU-initiated networking, 2.28+) is in use and its connections go through the network plugin too: NCCL_GIN_ENABLE=0 tells whether they are the ones failing; aws-ofi-nccl documents GIN support from release 1.21 with NCCL 2.31.2 or later (its doc/gin-getting-started.md).";

/**
 * What to do about a rail mismatch, most likely first; `gin`: the log shows NCCL's GPU-initiated networking (2.28+) in use,
 * whose connections go through the same plugin.
 */
export function ofiRailsAdvice(gin: boolean): string[] {
  return [
    "Give every worker the same EFA devices: on Kubernetes request all of the node's EFA devices in every pod (vpc.amazonaws.com/efa: 32 on p5.48xlarge, 16 on p5en.48xlarge), not a part of them; `ls /dev/infiniband/uverbs*` in each pod must list the same number, and the plugin's `NET/OFI Created device with N rails` INFO lines (aws-ofi-nccl 1.14+) must agree across ranks.",
    "Run the job on one instance type, and the same aws-ofi-nccl release (and EFA installer) on every node: compare the nodes' `NET/OFI Initializing aws-ofi-nccl X` lines (before 1.7.1: `NET/OFI Using aws-ofi-nccl X`); a mixed image, or an EFA installer that brings its own plugin, is enough.",
    "Where the nodes differ on purpose (p5 with p5en), set OFI_NCCL_FORCE_NUM_RAILS to the same value on every rank (aws-ofi-nccl 1.14 and later; its release notes give it for jobs whose systems have different numbers of NICs per GPU): below the NICs a GPU has it uses that many, above it must be a multiple of them (`Number of forced rails (N) not a multiple of numer of rails (M)` otherwise).",
    ...(gin ? [GIN_HINT] : []),
  ];
}
