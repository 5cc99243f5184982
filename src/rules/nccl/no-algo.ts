/**
 * NCCL's tuner finding no algorithm and protocol for a collective (enqueue.cc, signature nccl.noAlgo): which collective and
 * data type, and what NCCL_ALGO / NCCL_PROTO restricted it to when the message says so (itself, or on the next line of the
 * paste: nccl.algoForced). Shared by nccl/error (the call returned ncclInvalidUsage: NCCL_ALGO or NCCL_PROTO was set) and
 * nccl/internal-error (ncclInternalError: neither was, or an NCCL before 2.19, which returned it either way).
 */
import type { RuleContext } from "../types.js";
import { signalHits, type Hit } from "../signals.js";

export interface NoAlgo {
  hit: Hit;
  /** `AllGather with datatype ncclInt8`, or null when the line does not say (NCCL before 2.19) */
  what: string | null;
  /** `NCCL_ALGO=Tree`, `NCCL_ALGO=allreduce:tree and NCCL_PROTO=Simple`, or null */
  forced: string | null;
}

export function noAlgoOf(ctx: RuleContext): NoAlgo | null {
  const hits = signalHits(ctx, ["nccl.noAlgo"]);
  if (!hits.length) return null;
  const hit = hits.find((h) => h.captures.noAlgoFunc !== undefined) ?? hits[0];
  const c = hit.captures;
  const env = [...hits, ...signalHits(ctx, ["nccl.algoForced"])].map((h) => h.captures);
  const algo = env.find((e) => e.algoEnv !== undefined)?.algoEnv;
  const proto = env.find((e) => e.protoEnv !== undefined)?.protoEnv;
  const forced = [algo !== undefined ? `NCCL_ALGO=${algo}` : null, proto !== undefined ? `NCCL_PROTO=${proto}` : null].filter((x) => x !== null).join(" and ");
  return { hit, what: c.noAlgoFunc !== undefined ? `${c.noAlgoFunc} with datatype ${c.noAlgoType}` : null, forced: forced || null };
}

/** the sentence for a finding's message: what NCCL could not run, and why when it says */
export function noAlgoSaid(n: NoAlgo): string {
  return `its tuner found no algorithm and protocol to run ${n.what ?? "a collective"}${n.forced ? `: ${n.forced} left none that implements it` : ""} (\`no algorithm/protocol available\`)`;
}

export function noAlgoAdvice(n: NoAlgo): string[] {
  return [
    n.forced && /NCCL_ALGO=\S*:/.test(n.forced)
      ? `${n.forced} names algorithms for some collectives only, and this NCCL leaves the collectives it does not name (here ${n.what?.split(" ")[0] ?? "the failing one"}) with none: name an algorithm for every collective as well (\`ring,tree;allreduce:tree\`), or unset it (environment, launcher, /etc/nccl.conf or ~/.nccl.conf).`
      : n.forced
      ? `Unset ${n.forced.replace(/=\S+/g, "")} (in the environment, the launcher's -x/-e list, /etc/nccl.conf or ~/.nccl.conf): a global setting applies to every collective, and an algorithm such as Tree, NVLS or CollNet implements only some of them (AllReduce), so the others (Broadcast, AllGather) are left with none. To force one algorithm for a benchmark, run only that collective; newer NCCL versions also take a per-collective form (\`allreduce:tree\`), see NCCL_ALGO in NCCL's environment variables guide.`
      : "Look for NCCL_ALGO or NCCL_PROTO set anywhere (environment, launcher, /etc/nccl.conf, ~/.nccl.conf; NCCL before 2.19 does not name them in this message): a value that restricts NCCL to algorithms some collective lacks leaves that collective with none. With neither set, run once without NCCL_COLLNET_ENABLE and without a tuner plugin (NCCL_TUNER_PLUGIN) to see which of them leaves the collective without an algorithm, and report it to the NCCL developers with NCCL_DEBUG=INFO NCCL_DEBUG_SUBSYS=INIT,TUNING.",
  ];
}
