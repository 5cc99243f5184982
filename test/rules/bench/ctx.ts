import { makeContext } from "../helpers.js";
import type { RuleContext } from "../../../src/rules/types.js";

export interface RunSpec {
  kind: "serve" | "throughput" | "latency" | "ncclTests";
  values: Record<string, unknown>;
  line?: number;
}

/** A rule context whose bench state holds these runs (file b.log, line = spec line or its index + 1). */
export function benchContext(runs: RunSpec[], opts: Parameters<typeof makeContext>[0] = {}): RuleContext {
  const ctx = makeContext(opts);
  ctx.state.bench.runs = runs.map((r, i) => ({ kind: r.kind, file: "b.log", line: r.line ?? i + 1, text: `run ${i + 1}`, input: 0, values: r.values }));
  return ctx;
}
