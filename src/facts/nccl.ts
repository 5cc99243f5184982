import type { Event } from "../events/index.js";
import type { Evidence } from "../model.js";
import type { FactDomain } from "./domain.js";
import type { Missing, NcclFacts } from "./schema.js";

export interface NcclState {
  transports: Record<string, number>;
}

export const ncclDomain: FactDomain<NcclState, NcclFacts> = {
  name: "nccl",
  init: () => ({ transports: {} }),
  reduce(state, e: Event) {
    if (e.kind === "nccl.connection") state.transports[e.transport] = (state.transports[e.transport] ?? 0) + 1;
  },
  merge(a, b) {
    const t = { ...a.transports };
    for (const [k, v] of Object.entries(b.transports)) t[k] = (t[k] ?? 0) + v;
    return { transports: t };
  },
  finalize(state) {
    const sources: Record<string, Evidence> = {};
    const missing: Missing[] = [];
    return {
      facts: {
        version: null, net: null, ibHcas: null, gdr: null, ranks: null, nodes: null, initComplete: 0,
        transports: state.transports, firstWarn: null, versions: [], hosts: [], matrix: {}, nodePairs: [],
        rankMap: [], env: {}, bootstrapInterfaces: [], warnCount: 0,
      },
      sources,
      missing,
    };
  },
};
