/**
 * NCCL's IB transport finding, before it writes to a peer, that the receive the peer posted is smaller than what this rank
 * sends (net_ib's `collective mismatch error`; nccl.internalDetail's `collMismatch`). Up to 2.11 the send returns
 * ncclInternalError (nccl/internal-error explains it), later ncclInvalidUsage (nccl/error). Either way the ranks disagree on
 * a collective; the fabric did nothing wrong, so nccl.ibError leaves the line alone.
 */
import type { RuleContext } from "../types.js";
import { signalHits, type Hit } from "../signals.js";

/** every rank the same calls in the same order, and what to compare when they do not */
export const SAME_CALLS_HINT = "Make every rank issue the same collectives and point-to-point calls in the same order, with the same sizes and dtypes (a rank that skips or adds one, an uneven last batch, a data-dependent branch), and set NCCL_PROTO / NCCL_ALGO alike on every rank or on none; NCCL_DEBUG_SUBSYS=COLL shows each rank's opCount and count to compare.";

/** for frameworks that schedule collectives themselves (TensorFlow's collective ops, Horovod, XLA): the same graph everywhere */
export const SAME_PROGRAM_HINT = "When a framework issues the collectives (TensorFlow's MirroredStrategy / MultiWorkerMirroredStrategy, Horovod, JAX/XLA), run the same code, framework version and model on every worker, with the same batch size and the same set of variables (a worker that builds another graph, or skips a step, sends tensors of other sizes); Horovod's HOROVOD_TIMELINE and TensorFlow's collective_key in its logs show which tensor each rank was reducing.";

export function collMismatchOf(ctx: RuleContext): Hit | null {
  return signalHits(ctx, ["nccl.internalDetail"]).find((h) => h.captures.collMismatch !== undefined) ?? null;
}

/** the sentence for a finding's message */
export function collMismatchSaid(h: Hit): string {
  const c = h.captures;
  const sizes = c.sendBytes !== undefined ? `: it had ${c.sendBytes} bytes to send where the peer${c.mismatchPeer ? ` (${c.mismatchPeer.replace(/<\d+>$/, "")})` : ""} had posted a receive of ${c.postedBytes}` : "";
  return `NCCL's InfiniBand transport stopped a send that does not fit the peer's receive (\`NET/IB : collective mismatch error\`)${sizes}. The ranks disagree on a collective: one called another collective, the same one with a larger count or dtype, or its calls in another order. It is not an InfiniBand fault`;
}
