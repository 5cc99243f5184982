import type { Event } from "../events/index.js";
import { benchDomain, type BenchState } from "./bench.js";
import { shiftInputs } from "./domain.js";
import { errorsDomain, type ErrorsState } from "./errors.js";
import { ncclDomain, type NcclState } from "./nccl.js";
import type { Facts, InputInfo } from "./schema.js";
import { vllmDomain, type VllmState } from "./vllm.js";
import { dialectsDomain, type DialectsState } from "./dialects.js";

/** Everything an analysis knows before rules run; plain JSON, mergeable. */
export interface FactState {
  inputs: InputInfo[];
  vllm: VllmState;
  nccl: NcclState;
  errors: ErrorsState;
  bench: BenchState;
  /** absent in states written before it existed (merge of older reports) */
  dialects?: DialectsState;
}

export function initState(): FactState {
  return { inputs: [], vllm: vllmDomain.init(), nccl: ncclDomain.init(), errors: errorsDomain.init(), bench: benchDomain.init(), dialects: dialectsDomain.init() };
}

export function reduceEvent(state: FactState, e: Event): void {
  const k = e.kind;
  if (k.startsWith("nccl.")) ncclDomain.reduce(state.nccl, e);
  else if (k.startsWith("vllm.")) vllmDomain.reduce(state.vllm, e);
  else if (k.startsWith("bench.")) benchDomain.reduce(state.bench, e);
  // every event may also matter to more than one domain: errors read error/warning lines of all dialects
  errorsDomain.reduce(state.errors, e);
  dialectsDomain.reduce((state.dialects ??= dialectsDomain.init()), e);
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
    dialects: dialectsDomain.merge(a.dialects ?? dialectsDomain.init(), shifted.dialects ?? dialectsDomain.init()),
  };
}

export function finalizeFacts(state: FactState): Facts {
  const v = vllmDomain.finalize(state.vllm);
  const n = ncclDomain.finalize(state.nccl);
  const e = errorsDomain.finalize(state.errors);
  const b = benchDomain.finalize(state.bench);
  const d = dialectsDomain.finalize(state.dialects ?? dialectsDomain.init());
  return {
    ...v.facts,
    nccl: n.facts,
    bench: b.facts,
    firstError: e.facts.firstError,
    recovered: e.facts.recovered,
    dialects: d.facts.map((x) => ({ ...x, label: dialectLabel(x.name, x.detail, v.facts.vllm, n.facts.version) })),
    firstWarning: e.facts.firstWarning,
    sources: { ...v.sources, ...n.sources, ...e.sources, ...b.sources },
    missing: [...v.missing, ...n.missing, ...e.missing, ...b.missing],
  };
}

const DIALECT_NAMES: Record<string, string> = { vllm: "vLLM", sglang: "SGLang", pytorch: "PyTorch", nccl: "NCCL", "nccl-tests": "nccl-tests", ray: "Ray", "vllm-bench": "vLLM benchmark" };

/** How the report names a program: with the version and engine the log showed. */
function dialectLabel(name: string, detail: string | undefined, vllm: Facts["vllm"], ncclVersion: string | null): string {
  const base = DIALECT_NAMES[name] ?? name;
  if (name === "vllm") return `${base}${vllm.version ? ` ${vllm.version}` : ""}${vllm.engine ? ` (${vllm.engine.toUpperCase()} engine)` : ""}`;
  if (name === "nccl") return `${base}${ncclVersion ? ` ${ncclVersion}` : ""}`;
  if (name === "pytorch" && detail === "torchrun") return "PyTorch (torchrun)";
  return base;
}
