import type { Event } from "../events/index.js";
import { benchDomain, type BenchState } from "./bench.js";
import { shiftInputs } from "./domain.js";
import { envDomain, type EnvState } from "./env.js";
import { errorsDomain, type ErrorsState } from "./errors.js";
import { ncclDomain, type NcclState } from "./nccl.js";
import type { Facts, InputInfo } from "./schema.js";
import { vllmDomain, type VllmState } from "./vllm.js";
import { reconcileCluster } from "./reconcile.js";
import { signalsDomain, type Signals, type SignalsState } from "./signals.js";

/** Everything an analysis knows before rules run; plain JSON, mergeable. */
export interface FactState {
  inputs: InputInfo[];
  vllm: VllmState;
  nccl: NcclState;
  errors: ErrorsState;
  bench: BenchState;
  /** per signature (grammars/signatures.ts): count, first and last lines — what rules read instead of raw lines */
  signals: SignalsState;
  env: EnvState;
}

export function initState(): FactState {
  return { inputs: [], vllm: vllmDomain.init(), nccl: ncclDomain.init(), errors: errorsDomain.init(), bench: benchDomain.init(), signals: signalsDomain.init(), env: envDomain.init() };
}

export function reduceEvent(state: FactState, e: Event): void {
  const k = e.kind;
  if (k.startsWith("nccl.")) ncclDomain.reduce(state.nccl, e);
  else if (k.startsWith("vllm.")) vllmDomain.reduce(state.vllm, e);
  else if (k.startsWith("bench.")) benchDomain.reduce(state.bench, e);
  if (k === "signal" || k === "nccl.init") signalsDomain.reduce(state.signals, e);
  if (k === "env.var" || k === "nccl.env") envDomain.reduce(state.env, e);
  // every event may also matter to more than one domain: errors read error/warning lines of all dialects
  errorsDomain.reduce(state.errors, e);
  if (k === "error" || k === "warning" || k === "traceback") {
    ncclDomain.reduce(state.nccl, e);
    vllmDomain.reduce(state.vllm, e);
  }
}

/** Combines the states of two analyses; b's inputs are numbered after a's. */
export function mergeStates(a: FactState, b: FactState): FactState {
  const shifted = shiftInputs(b, a.inputs.length);
  return {
    inputs: [...a.inputs, ...shifted.inputs],
    vllm: vllmDomain.merge(a.vllm, shifted.vllm),
    nccl: ncclDomain.merge(a.nccl, shifted.nccl),
    errors: errorsDomain.merge(a.errors, shifted.errors),
    bench: benchDomain.merge(a.bench, shifted.bench),
    signals: signalsDomain.merge(a.signals ?? signalsDomain.init(), shifted.signals ?? signalsDomain.init()),
    // a state from a report written before facts.env has none
    env: envDomain.merge(a.env ?? envDomain.init(), shifted.env ?? envDomain.init()),
  };
}

export function finalizeFacts(state: FactState): Facts {
  const v = vllmDomain.finalize(state.vllm);
  const n = ncclDomain.finalize(state.nccl);
  const e = errorsDomain.finalize(state.errors);
  const b = benchDomain.finalize(state.bench);
  const env = envDomain.finalize(state.env ?? envDomain.init());
  return reconcileCluster({
    ...v.facts,
    nccl: n.facts,
    bench: b.facts,
    firstError: e.facts.firstError,
    firstWarning: e.facts.firstWarning,
    env: env.facts,
    sources: { ...v.sources, ...n.sources, ...e.sources, ...b.sources, ...env.sources },
    missing: [...v.missing, ...n.missing, ...e.missing, ...b.missing],
  });
}

/** The signals of a finished state, for the rules. */
export function finalizeSignals(state: FactState): Signals {
  return signalsDomain.finalize(state.signals ?? signalsDomain.init()).facts;
}
