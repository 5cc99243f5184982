import { signatureRule } from "./signature-rule.js";
import type { RuleSpec } from "../define.js";
import type { Hit } from "../signals.js";
import { SAME_CALLS_HINT } from "./coll-mismatch.js";

const IDS = ["torch.collMismatch", "nccl.collMismatchWarn"];

export const meta = {
  id: "nccl/collective-mismatch",
  defaultSeverity: "error",
  title: "The ranks called different collectives (a collective mismatch)",
  tags: ["nccl", "torch", "error", "desync"],
  sources: [
    "PyTorch source: torch/csrc/distributed/c10d/ProcessGroupWrapper.cpp (TORCH_DISTRIBUTED_DEBUG=DETAIL: `Detected mismatch between collectives on ranks. Rank A is running collective: CollectiveFingerPrint(...), but Rank B is running collective: ...`, 2.1+ `Collectives differ in the following aspects:`)",
    "NCCL source 2.4-2.6: src/init.cc ncclCommGetAsyncError (NCCL_CHECKS: `Mismatched collective detected, please check your collective calls at and around rank N`, ncclInvalidUsage; `Your program may be hanging, this may be caused by a collective mismatch around rank N`)",
    "PyTorch docs: distributed.html (Debugging torch.distributed applications: TORCH_DISTRIBUTED_DEBUG=DETAIL checks collective fingerprints across ranks)",
  ],
} satisfies RuleSpec;

/** `_ALLGATHER_BASE` as `all_gather_into_tensor (_ALLGATHER_BASE)`, others as written */
const OP_NAMES: Record<string, string> = { _ALLGATHER_BASE: "all_gather_into_tensor", _REDUCE_SCATTER_BASE: "reduce_scatter_tensor", ALLREDUCE: "all_reduce", BROADCAST: "broadcast", BARRIER: "barrier", ALLGATHER: "all_gather", REDUCE_SCATTER: "reduce_scatter", ALLTOALL_BASE: "all_to_all_single", ALLTOALL: "all_to_all", GATHER: "gather", SCATTER: "scatter", REDUCE: "reduce", SEND: "send", RECV: "recv" };
const op = (x: string) => (OP_NAMES[x] ? `${OP_NAMES[x]} (${x})` : x);

function torchSaid(h: Hit): string {
  const c = h.captures;
  if (c.rankA === undefined) return "PyTorch's collective check (TORCH_DISTRIBUTED_DEBUG=DETAIL) found two ranks running different collectives";
  const a = `rank ${c.rankA} was running ${c.opA ? op(c.opA) : "a collective"}`;
  const b = c.rankB !== undefined ? `rank ${c.rankB} ${c.opB && c.opB === c.opA ? "the same operation with other arguments" : c.opB ? op(c.opB) : "another one"}` : "another rank another one";
  const aspects = c.aspects ? ` (${c.aspects.replace(/\s+/g, " ").trim()})` : "";
  return `PyTorch's collective check (TORCH_DISTRIBUTED_DEBUG=DETAIL) compared the next collective of each rank before running it: ${a}, ${b}${aspects}`;
}

function ncclSaid(h: Hit): string {
  const r = h.captures.aroundRank !== undefined ? ` around rank ${h.captures.aroundRank}` : "";
  return h.captures.suspected !== undefined
    ? `NCCL's collective checks (NCCL_CHECKS, NCCL 2.4-2.6) suspect a collective mismatch${r}: the ranks wait in different collectives and the program may hang`
    : `NCCL's collective checks (NCCL_CHECKS, NCCL 2.4-2.6) found the ranks in different collectives${r}, and the communicator failed with invalid usage`;
}

export const rule = signatureRule(meta, IDS, (hits) => {
  const torch = hits.find((h) => h.id === "torch.collMismatch");
  const nccl = hits.find((h) => h.id === "nccl.collMismatchWarn");
  const said = [torch ? torchSaid(torch) : "", nccl ? ncclSaid(nccl) : ""].filter(Boolean).join("; ");
  return {
    message: `${said}. The ranks disagree on which collective comes next, or on its size, dtype or order: with the check off, the same program hangs until the watchdog times out or reduces mismatched data. It is not a network or NCCL fault.`,
    remediation: [
      SAME_CALLS_HINT,
      "Look for what differs between ranks at that step: an uneven last batch (a sampler without drop_last or padding), a branch that only some ranks take (an `if rank == 0` around a collective, an early exit, a NaN or empty-batch skip), metrics or logging that synchronise different keys per rank, or parameters that only some ranks have (unused parameters, a frozen layer on one rank).",
      "Keep TORCH_DISTRIBUTED_DEBUG=DETAIL on while you look: its fingerprints name the operation, the sequence number and the tensor shapes of each rank; with NCCL_DEBUG_SUBSYS=COLL, NCCL logs each rank's opCount and count to compare.",
    ],
  };
});
