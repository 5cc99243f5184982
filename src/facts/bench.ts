import type { Event } from "../events/index.js";
import type { Evidence } from "../model.js";
import type { FactDomain } from "./domain.js";
import type { BenchFacts, Missing } from "./schema.js";

export interface BenchState {
  runs: { kind: string; file: string; line: number; input: number; values: Record<string, unknown> }[];
}

export const benchDomain: FactDomain<BenchState, BenchFacts> = {
  name: "bench",
  init: () => ({ runs: [] }),
  reduce(state, e: Event) {
    if (e.kind === "bench.result") state.runs.push({ kind: e.tool, file: e.ev.file, line: e.ev.line, input: e.input, values: e.values });
  },
  merge: (a, b) => ({ runs: [...a.runs, ...b.runs] }),
  finalize(state) {
    const first = (kind: string) => (state.runs.find((r) => r.kind === kind)?.values ?? null) as never;
    const sources: Record<string, Evidence> = {};
    const missing: Missing[] = [];
    return {
      facts: {
        serve: first("serve"),
        throughput: first("throughput"),
        latency: first("latency"),
        ncclTests: first("ncclTests"),
        runs: state.runs.map(({ kind, file, line, values }) => ({ kind, file, line, values })),
      },
      sources,
      missing,
    };
  },
};
