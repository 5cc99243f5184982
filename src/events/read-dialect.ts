import type { LogRecord } from "../model.js";
import { evidenceOf } from "../model.js";
import type { Emit } from "./types.js";
import type { Dialect } from "../rules/relations.js";

/** A line that shows which program wrote (part of) the log; one per program and input, the first. */
export interface DialectEvent {
  kind: "dialect";
  ev: import("../model.js").Evidence;
  origin: import("../model.js").Origin;
  input: number;
  name: Dialect;
  /** what on the line showed it, e.g. `torchrun` for PyTorch's elastic launcher */
  detail?: string;
}

/** vLLM's logger prefix: `INFO 05-14 10:02:11 [core.py:58] ` (0.6+) or `INFO 05-14 10:02:11 core.py:58] ` (older). */
const VLLM_PREFIX = /^(?:DEBUG|INFO|WARNING|ERROR|CRITICAL) \d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? \[?[\w.-]+\.py:\d+\] /;
/** SGLang's logger prefix: `[2025-03-04 10:11:12 TP0] ` (a rank tag is optional), or its module names. */
const SGLANG_PREFIX = /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:[.,]\d+)?(?: (?:TP|DP|PP|EP)\d+)*\] /;
/** the same stamp at the end of what the peel took off a record (it takes the whole stamp: src/records/peel.ts ISO_TS) */
const SGLANG_STAMP_LEAD = /\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:[.,]\d+)?(?: (?:TP|DP|PP|EP)\d+)+\] $/;
const SGLANG_WORD = /\bsglang\b|\bSGLang\b|\bserver_args=ServerArgs\(/;
/**
 * Hugging Face's Text Generation Inference: its launcher's and router's Rust `tracing` records name their crate as the
 * target (`2023-08-22T18:35:50.966384Z  INFO text_generation_launcher: Args { ... }`, `ERROR shard-manager:
 * text_generation_launcher: Error when initializing model`), its Python shards their package (`text_generation_server`).
 */
const TGI_WORD = /\btext_generation_(?:launcher|router|server)\b/;
/**
 * NVIDIA's TensorRT-LLM: its loggers' tags (the C++ `[TensorRT-LLM][INFO] ...` of its first releases, the `[TRT-LLM] [I]
 * ...` of its C++ and Python loggers since, src/events/read-vllm.ts TRTLLM_RECORD) and the version line its package prints
 * on import (`[TensorRT-LLM] TensorRT-LLM version: 0.11.0`).
 */
/**
 * LMDeploy: its TurboMind engine's tag (`[TM][INFO] ...`, `[TM][FATAL][cast.cu:264] ...`, src/events/read-vllm.ts
 * TURBOMIND_RECORD) and its Python logger's name in the record header (`2024-06-19 13:51:09,086 - lmdeploy - INFO - ...`,
 * a header the peel takes off the text: read on the raw line).
 */
const LMDEPLOY_TAG = /^\[TM\]\[(?:TRACE|DEBUG|INFO|WARN(?:ING)?|ERROR|FATAL)\]/;
const LMDEPLOY_LOGGER = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:[,.]\d+)? - lmdeploy - [A-Z]+ - /;
/** the same header right before the record's text, behind a collector's own prefix (`kubectl logs --timestamps`) */
const LMDEPLOY_LOGGER_LEAD = /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:[,.]\d+)? - lmdeploy - [A-Z]+ - $/;
const TRTLLM_TAG = /^\[TensorRT-LLM\](?:\[[A-Z]+\]| TensorRT-LLM version: )|\[TRT-LLM\] (?:\[(?:MPI_Rank|RANK) \d+\] )?\[[FEWIVD]\] /;
const TORCH = /\btorchrun\b|torch\.distributed\.elastic|ProcessGroupNCCL|\[c10d\]|torch\/distributed\/|c10\/util|\[rank\d+\]:/;
/**
 * RCCL, ROCm's port of NCCL, which prints NCCL's records (`NCCL INFO`, `NCCL WARN`) under its own name in places: its
 * banner (`RCCL version 2.18.3+hip6.0`, `RCCL version : 2.21.5-HEAD:…`), its plugins (`librccl-net.so`,
 * `librccl-tuner.so`), its advice WARNs (`… low RCCL performance`, `RCCL_USE_AMD_SMI_LIB`, `rocprofiler-sdk-rccl`) and the
 * hipified build paths of its WARN records (`…/rccl/build/hipify/src/init.cc:126 NCCL WARN …`), and the INFO line its init
 * prints on every GPU, AMD's GFX9 family named or not (`NCCL INFO GFX9 cheap fence is OFF`: RCCL_GFX9_CHEAP_FENCE_OFF, a
 * line NVIDIA's NCCL has no source for), and the INFO lines of its ROCm wrappers: the HSA runtime's version
 * (`NCCL INFO ROCr version 1.14`, src/misc/rocmwrap.cc) and the SMI library it reads the topology with
 * (`NCCL INFO initialized internal alternative rsmi functionality`, `NCCL INFO rocm_smi_lib: version 7.4.0.0`).
 */
const RCCL = /\bRCCL[\s_]|librccl|[\/-]rccl[\/\]]|\/hipify\/src\/|\bGFX9 cheap fence is\b|NCCL INFO (?:ROCr version \d|initialized internal alternative rsmi\b|rocm_smi_lib: version \d)/;
/**
 * Ray: its own processes and log lines, and the prefix its log monitor puts before each line a vLLM Ray worker actor
 * printed, `(RayWorkerWrapper pid=N[, ip=A.B.C.D])` by the actor's class: V0's and V1's `RayWorkerWrapper`, the V1 Ray
 * executor's `RayWorkerProc` (vllm/v1/executor/ray_executor_v2.py), 0.2-0.4's `RayWorkerVllm` and `RayWorker`, and a
 * hardware plugin's subclass of the wrapper named with its platform in front (`NPURayWorkerWrapper`, `MsRayWorkerWrapper`).
 */
const RAY = /\(raylet[,)]|\((?:[A-Z][A-Za-z]*)?RayWorker(?:Wrapper|Proc|Vllm)? |\bray\.exceptions\.|Started a local Ray instance|Connected to Ray cluster|Connecting to existing Ray cluster|\bray\.init\(|placement group/;

/** whether the header `lead` matches sits right before the record's text in the raw line (a collector's prefix before it) */
function loggerLead(raw: string, t: string, lead: RegExp): boolean {
  const at = t.length > 0 && raw.length > t.length ? raw.lastIndexOf(t) : -1;
  return at > 0 && lead.test(raw.slice(Math.max(0, at - 48), at));
}

/** whether the peel took SGLang's rank-tagged stamp (`[2025-02-26 12:01:56 TP2] `) off the record just before its text */
function sglangStampLead(raw: string, t: string): boolean {
  const at = t.length > 0 && raw.length > t.length ? raw.lastIndexOf(t) : -1;
  return at > 22 && raw.charCodeAt(at - 2) === 93 /* ] */ && SGLANG_STAMP_LEAD.test(raw.slice(Math.max(0, at - 64), at));
}

/** Records of each input the observer looks at. */
export const SNIFF_RECORDS = 5000;

/**
 * Notes which programs wrote the records of one input: cheap tests, each dropped once its program was seen, over the
 * first records of each input. NCCL, nccl-tests and the vLLM benchmarks are told by their own readers' events
 * (src/facts/dialects.ts).
 */
export function createDialectObserver(): ((rec: LogRecord, emit: Emit) => void) & { skip(n: number): void } {
  const seen = new Set<Dialect>();
  let torchrun = false;
  let rccl = false;
  const note = (rec: LogRecord, name: Dialect, emit: Emit, detail?: string) => {
    seen.add(name);
    emit({ kind: "dialect", ev: evidenceOf(rec), origin: rec.origin, input: rec.input, name, ...(detail ? { detail } : {}) });
  };
  let records = 0;
  // each test opens with `includes` (a fast scan); the text is tested where a wrapper (a compose service, a pod
  // name) could name a program, the raw line only for prefixes the peel takes off (`[rank0]:`, `(RayWorkerWrapper`) and runs its regex only on the few lines that pass it; and only the
  // first records are looked at (a program shows itself at start-up; later, its errors and tracebacks do, see
  // src/facts/dialects.ts), so a long log pays a few milliseconds at most
  const observe = (rec: LogRecord, emit: Emit) => {
    if (++records > SNIFF_RECORDS || (seen.size >= 5 && torchrun)) return;
    const t = rec.text;
    const raw = rec.raw;
    if (!seen.has("vllm") && (VLLM_PREFIX.test(t) || t.includes("vLLM API server version") || t.includes("vllm serve "))) note(rec, "vllm", emit);
    if (!seen.has("sglang")) {
      const c1 = t.charCodeAt(1);
      if ((t.charCodeAt(0) === 91 && c1 >= 48 && c1 <= 57 && SGLANG_PREFIX.test(t)) || ((t.includes("glang") || t.includes("ServerArgs(")) && SGLANG_WORD.test(t)) || sglangStampLead(raw, t)) note(rec, "sglang", emit);
    }
    if (!seen.has("tgi") && t.includes("text_generation_") && TGI_WORD.test(t)) note(rec, "tgi", emit);
    if (!seen.has("lmdeploy") && ((t.startsWith("[TM][") && LMDEPLOY_TAG.test(t)) || (raw.includes(" - lmdeploy - ") && (LMDEPLOY_LOGGER.test(raw) || loggerLead(raw, t, LMDEPLOY_LOGGER_LEAD))))) note(rec, "lmdeploy", emit);
    if (!seen.has("trtllm") && (t.includes("[TensorRT-LLM]") || t.includes("[TRT-LLM] ")) && TRTLLM_TAG.test(t)) note(rec, "trtllm", emit);
    if (!torchrun && (seen.has("pytorch") ? raw.includes("torchrun") || raw.includes("elastic") || raw.includes("distributed/run.py") : raw.includes("torch") || raw.includes("rank") || raw.includes("c10") || raw.includes("ProcessGroup"))) {
      const m = TORCH.exec(raw);
      if (m) {
        // `[rank0]:` is PyTorch's prefix in any process with a process group (vLLM's too): only the launcher says torchrun
        torchrun = m[0] === "torchrun" || m[0].includes("elastic") || /torch\/distributed\/run\.py/.test(raw);
        if (!seen.has("pytorch") || torchrun) note(rec, "pytorch", emit, torchrun ? "torchrun" : undefined);
      }
    }
    if (!seen.has("ray") && (raw.includes("ray") || raw.includes("Ray") || raw.includes("placement group")) && RAY.test(raw)) note(rec, "ray", emit);
    // (the library behind NCCL's lines: a fact of the nccl dialect, src/facts/dialects.ts)
    if (!rccl && (t.includes("RCCL") || t.includes("rccl") || t.includes("hipify") || t.includes("cheap fence") || t.includes("ROCr version") || t.includes("rsmi") || t.includes("rocm_smi")) && RCCL.test(t)) {
      rccl = true;
      emit({ kind: "dialect", ev: evidenceOf(rec), origin: rec.origin, input: rec.input, name: "nccl", detail: "RCCL" });
    }
  };
  // records a fast path only counted are records all the same: the first SNIFF_RECORDS are those of the file
  return Object.assign(observe, { skip: (n: number) => void (records += n) });
}
