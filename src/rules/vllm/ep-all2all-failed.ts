import type { RuleContext, FindingDraft } from "../types.js";
import { hitEvidence } from "../helpers.js";
import { firstValue, saidBy, signalHits, type Hit } from "../signals.js";
import { defineRule, type RuleSpec } from "../define.js";

export const meta = {
  id: "vllm/ep-all2all-failed",
  defaultSeverity: "error",
  title: "Expert parallel all-to-all (DeepEP / NVSHMEM) failed between the EP ranks",
  tags: ["vllm", "expert-parallel", "network"],
  sources: [
    "vLLM docs: serving/expert_parallel_deployment.md (--all2all-backend: allgather_reducescatter, deepep_high_throughput, deepep_low_latency; EP kernels set-up)",
    "DeepEP: README (intranode NVLink, internode RDMA through NVSHMEM/IBGDA; its internode and low-latency tests)",
    "vLLM source: vllm/distributed/device_communicators/all2all.py (DeepEP managers)",
    "DeepEP source: csrc/kernels/*.cu (the kernels' `DeepEP ... timeout` prints)",
    "NVSHMEM source: src/include/non_abi/c/nvshmemi_error_macros.h (its error lines); NVSHMEM docs: environment variables (NVSHMEM_REMOTE_TRANSPORT, NVSHMEM_IB_ENABLE_IBGDA, NVSHMEM_HCA_LIST, NVSHMEM_HCA_PE_MAPPING, NVSHMEM_DEBUG)",
  ],
} satisfies RuleSpec;

/** what NVSHMEM's set-up lines say went wrong (grammars/signatures.ts vllm.nvshmemFailure) */
function nvshmemWhat(hits: readonly Hit[]): string {
  const said = saidBy(hits);
  const transport = firstValue(hits, "transport");
  const verb = firstValue(hits, "verb");
  const errno = firstValue(hits, "errno");
  const parts: string[] = [];
  if (said("noTransport") || transport) parts.push(`its remote transport${transport && transport !== "common" ? ` (${transport.toUpperCase()})` : ""} could not start${said("noTransport") ? " and no other could" : ""}`);
  if (said("topo")) parts.push("it could not map the GPUs to the RDMA NICs (`nvshmem detect topo failed`)");
  if (said("bootstrap")) parts.push(`its bootstrap between the processes failed${errno ? ` (${errno})` : ""}`);
  if (verb) parts.push(`\`${verb}\` failed`);
  if (said("beforeInit") && !parts.length) parts.push("its initialization failed, and the library was used anyway");
  return parts.length ? parts.join("; ") : "its initialization failed";
}

export function check(ctx: RuleContext): FindingDraft[] {
  const deepep = signalHits(ctx, ["vllm.deepepFailure"]);
  const nvshmem = signalHits(ctx, ["vllm.nvshmemFailure"]);
  if (!deepep.length && !nvshmem.length) return [];
  const error = firstValue(deepep, "error");
  const rank = firstValue(deepep, "rank");
  const cuda = firstValue(deepep, "cuda");
  const kernel = firstValue(deepep, "kernelTimeout");
  const timeout = rank !== undefined || kernel !== undefined || (error !== undefined && /timeout/i.test(error));
  const what = !deepep.length
    ? `NVSHMEM, the RDMA library under DeepEP's internode and low-latency kernels (and pplx-kernels), failed to set up: ${nvshmemWhat(nvshmem)}`
    : timeout
      ? `DeepEP's dispatch/combine timed out waiting for the other EP ranks${error ? ` (\`${error}\`)` : kernel ? ` (its kernel printed \`DeepEP ${kernel}\`)` : ""}${rank !== undefined ? `, on rank ${rank}` : ""}: a peer rank did not take part — it failed, hung or is still busy — or the ranks cannot reach each other (NVLink in a node, NVSHMEM over RDMA across nodes)`
      : cuda !== undefined
        ? `DeepEP's buffer set-up failed on a CUDA call ('${cuda}'): it could not map the peer GPUs' memory`
        : `DeepEP failed: ${error}`;
  const also = deepep.length && nvshmem.length ? ` NVSHMEM's set-up failed too (${nvshmemWhat(nvshmem)}): the ranks never had a working transport.` : "";
  const remediation = [
    "Read the other DP/EP ranks' logs first: with data and expert parallel every rank steps together, so one rank that died, hung or fell behind (a crash, compilation, a long prefill) makes the others time out; its own error is the cause.",
    "Across nodes, check DeepEP's transport on these nodes: NVSHMEM with IBGDA (or IBRC) over the RDMA NICs, each GPU's NIC, and DeepEP's own internode and low-latency tests; keep the DP ranks of a node together (ranks 0-7 on the first node, 8-15 on the next).",
    "To isolate DeepEP, restart with another all-to-all backend (`--all2all-backend allgather_reducescatter`; VLLM_ALL2ALL_BACKEND on older vLLM): if that serves, the fault is DeepEP's transport or build, not the model.",
  ];
  if (nvshmem.length) {
    remediation.unshift(
      "Rerun with NVSHMEM_DEBUG=INFO to see which transport and NIC NVSHMEM tried, and `nvshmem-info -a` for the build's transports; pick the remote transport with NVSHMEM_REMOTE_TRANSPORT (ibrc by default; ucx, libfabric, ibdevx) and GPU-initiated IBGDA with NVSHMEM_IB_ENABLE_IBGDA=1, and the NICs with NVSHMEM_HCA_LIST or NVSHMEM_HCA_PE_MAPPING (NVSHMEM_ENABLE_NIC_PE_MAPPING=1).",
      "IBGDA needs GPUDirect RDMA (the nvidia-peermem module or DMA-BUF) and the NVIDIA driver's options for GPU-initiated communication, as DeepEP's install notes give them; a bootstrap failure is a plain network problem between the ranks (the interface and port the processes use to exchange NVSHMEM's unique id).",
    );
  }
  return [{ message: `Expert parallel communication failed: ${what}.${also}`, evidence: hitEvidence([...deepep, ...nvshmem].sort((a, b) => a.input - b.input || a.ev.line - b.ev.line)), remediation }];
}

export const rule = defineRule(meta, check);
