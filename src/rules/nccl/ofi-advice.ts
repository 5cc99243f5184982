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
    "The failing lines are aws-ofi-nccl's (NET/OFI on libfabric): check that the EFA provider is there (`fi_info -p efa`), that the container sees the EFA devices (the EFA device plugin on Kubernetes, --device /dev/infiniband/uverbs* in Docker), and that the plugin release supports this NCCL version.",
  ];
}
