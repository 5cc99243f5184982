import type { Event } from "../events/index.js";
import type { Evidence } from "../model.js";
import type { Dialect } from "../rules/relations.js";
import { DIALECTS } from "../rules/relations.js";
import { earlier, located, plain, type FactDomain, type Located } from "./domain.js";
import { MOONCAKE_GLOG_FILE } from "../../grammars/signatures.js";

/** a glog record's file that is one of Mooncake's sources (grammars/signatures.ts MOONCAKE_GLOG_FILE) */
const MOONCAKE_SOURCE = new RegExp(`^${MOONCAKE_GLOG_FILE.source}$`);

/** The programs that wrote the log: the first line that showed each, and what else was told about them. */
export interface DialectsState {
  first: Partial<Record<Dialect, Located>>;
  /** PyTorch's elastic launcher (torchrun) was seen */
  torchrun: boolean;
  /** an NCCL INFO line was read (so "set NCCL_DEBUG=INFO" is no advice) */
  ncclInfo: boolean;
  /** the first line that showed RCCL (ROCm's NCCL) wrote NCCL's lines, if one did */
  rccl?: Located | null;
}

export interface DialectFact {
  name: Dialect;
  /** `torchrun` (PyTorch's elastic launcher), `NCCL_DEBUG=INFO` (NCCL INFO lines were read) */
  detail?: string;
  /** for nccl: the library that wrote NCCL's lines when it is not NVIDIA's NCCL (`RCCL`, ROCm's port) */
  library?: string;
  evidence: Evidence;
}

/**
 * The program a glog record (`E1216 02:12:49.624646 179 file:N] msg`) comes from. PyTorch's C++ is `.cpp`/`.h`/`.hpp`/`.cu`
 * (`ProcessGroupNCCL.cpp`) and its Python logs name their module (`torch/distributed/run.py`); Google-style `.cc` sources
 * are other servers' (Triton's `model_lifecycle.cc`, `pb_stub.cc`; XLA's), and `model.py`, the file a Triton Python-backend
 * model must be, is that model's; Mooncake's transfer engine and store log through glog from their own sources. Triton's vLLM backend (vllm_backend's model.py) tags its own records `[vllm] ` (`"[vllm] Failed to start
 * engine: ..."`): vLLM runs there.
 */
function glogDialect(file: string, message: string): Dialect | null {
  if (/^"?\[vllm\] /.test(message)) return "vllm";
  if (/\.cc$/.test(file) || /^model\.py$/.test(file) || MOONCAKE_SOURCE.test(file)) return null;
  return "pytorch";
}

/**
 * A frame in a program's own package: a folder of that name, but not an environment or project folder named after it
 * (conda's `envs/vllm/lib/python3.12/site-packages/torch/...`, `~/vllm/.venv/lib/...`), which holds other packages' files.
 */
const envFolder = "(?!(?:lib|lib64|bin|include|share|\\.?venv)[/\\\\])";
const FRAME_PACKAGE = {
  vllm: new RegExp(`[/\\\\]vllm[/\\\\]${envFolder}`, "i"),
  sglang: new RegExp(`[/\\\\]sglang[/\\\\]${envFolder}`, "i"),
  lmdeploy: new RegExp(`[/\\\\]lmdeploy[/\\\\]${envFolder}`, "i"),
};

/** Which dialect an event of another reader shows, if any. */
function dialectOf(e: Event): Dialect | null {
  switch (e.kind) {
    case "dialect":
      return e.name;
    // the phrase table also reads lines any PyTorch program prints (CUDA out of memory): only a vLLM-prefixed one counts
    case "vllm.message":
      return e.level !== null ? "vllm" : null;
    case "vllm.config":
      return e.source === "banner" || e.source === "non-default-args" || e.source === "command" ? "vllm" : null;
    case "vllm.metrics":
      return "vllm";
    case "vllm.marker":
      return e.strength >= 2 ? "vllm" : null;
    case "bench.result":
      return e.tool === "ncclTests" ? "nccl-tests" : "vllm-bench";
    case "bench.ncclTestsDevice":
      return "nccl-tests";
    case "traceback":
      return e.frames.some((f) => FRAME_PACKAGE.vllm.test(f.file)) ? "vllm" : e.frames.some((f) => FRAME_PACKAGE.sglang.test(f.file)) ? "sglang" : e.frames.some((f) => /[/\\]text_generation_server[/\\]/.test(f.file)) ? "tgi" : e.frames.some((f) => /[/\\]tensorrt_llm[/\\]/.test(f.file)) ? "trtllm" : e.frames.some((f) => FRAME_PACKAGE.lmdeploy.test(f.file)) ? "lmdeploy" : e.frames.some((f) => /[/\\]torch[/\\]distributed[/\\]/.test(f.file)) ? "pytorch" : null;
    case "torch.log":
      return glogDialect(e.file, e.message);
    default:
      // torch's NCCL error wrapper is what every NCCL user (vLLM too) prints: only its own logs tell of PyTorch
      if (e.kind.startsWith("torch.") && e.kind !== "torch.nccl-error") return "pytorch";
      // (the NCCL reader also reads the process lines around NCCL's: only a line that names NCCL shows it)
      if (e.kind.startsWith("nccl.") && /nccl/i.test(e.ev?.text ?? "")) return "nccl";
      return null;
  }
}

export const dialectsDomain: FactDomain<DialectsState, DialectFact[]> = {
  name: "dialects",
  init: () => ({ first: {}, torchrun: false, ncclInfo: false }),
  reduce(state, e) {
    // a line of RCCL's own (its banner, plugins, build paths) says which library the nccl dialect is, not that NCCL wrote it
    if (e.kind === "dialect" && e.name === "nccl" && e.detail === "RCCL") {
      state.rccl = earlier(state.rccl ?? null, located(e));
      return;
    }
    // (an NCCL event after the first NCCL line changes nothing here: not read again, for a set-up log's many events)
    const known = e.kind.startsWith("nccl.") ? state.first.nccl : undefined;
    const d = known && e.ev && (known.input < e.input || (known.input === e.input && known.line <= e.ev.line)) ? null : dialectOf(e);
    if (d && e.ev) {
      const at = state.first[d];
      if (!at || at.input > e.input || (at.input === e.input && at.line > e.ev.line)) state.first[d] = located(e as { ev: Evidence; input: number });
    }
    if (e.kind === "dialect" && e.detail === "torchrun") state.torchrun = true;
    // torchrun's own failure summary comes at the end of a log: `torch.distributed.elastic...ChildFailedError`
    if (!state.torchrun && (e.kind === "error" || e.kind === "traceback") && /torch[./]distributed[./](?:elastic|run\b)|\btorchrun\b/.test(e.ev?.text ?? "")) {
      state.torchrun = true;
      state.first.pytorch = earlier(state.first.pytorch, located(e as { ev: Evidence; input: number }));
    }
    if (!state.ncclInfo && e.kind.startsWith("nccl.") && e.ev?.text.includes("NCCL INFO")) state.ncclInfo = true;
  },
  merge(a, b) {
    const first: Partial<Record<Dialect, Located>> = { ...a.first };
    for (const [k, v] of Object.entries(b.first) as [Dialect, Located][]) first[k] = earlier(first[k], v);
    const rccl = earlier(a.rccl ?? null, b.rccl ?? null);
    return { first, torchrun: a.torchrun || b.torchrun, ncclInfo: a.ncclInfo || b.ncclInfo, ...(rccl ? { rccl } : {}) };
  },
  finalize(state) {
    const detail = (d: Dialect) => (d === "pytorch" && state.torchrun ? "torchrun" : d === "nccl" && state.ncclInfo ? "NCCL_DEBUG=INFO" : undefined);
    const facts = DIALECTS.filter((d) => state.first[d]).map((name) => ({ name, ...(detail(name) ? { detail: detail(name) } : {}), ...(name === "nccl" && state.rccl ? { library: "RCCL" } : {}), evidence: plain(state.first[name])! }));
    return { facts, sources: {}, missing: [] };
  },
};

/** The log has NCCL's INFO lines (so "set NCCL_DEBUG=INFO" is no advice). */
export function hasNcclInfo(facts: { dialects?: { name: string; detail?: string }[] }): boolean {
  return (facts.dialects ?? []).some((d) => d.name === "nccl" && d.detail === "NCCL_DEBUG=INFO");
}
