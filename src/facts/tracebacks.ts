import type { Event } from "../events/index.js";
import type { TracebackEvent } from "../events/common.js";
import type { Evidence } from "../model.js";
import type { Facts } from "./schema.js";
import { FREE_MEMORY_CHECK } from "../../grammars/vllm-messages.js";
import { CUDA_FAULTS } from "../../grammars/signatures.js";
import { calleeOfCode } from "../../grammars/python.js";
import { earlier, located, plain, type FactDomain, type Located } from "./domain.js";

/*
 * `facts.tracebacks`: what the folded Python tracebacks say about a failure — where in vLLM's life it happened
 * (start-up or serving, and the phase), which library it failed in (NCCL, the model hub), and the root cause the
 * log names (the first exception that is not only a pointer to another). Rules read these instead of frames.
 */

/** The multi-modal worst case and the dummy inputs profiled with (vllm/multimodal/registry.py, profiling.py, V0 inputs/registry.py). */
const MM_PROFILE_FUNCS = [
  "get_max_multimodal_tokens", "get_max_tokens_by_modality", "get_max_tokens_per_item_by_modality",
  "get_max_tokens_per_item_by_nonzero_modality", "compute_encoder_budget", "compute_mm_encoder_budget", "get_mm_max_tokens_per_item",
  "dummy_data_for_profiling", "get_decoder_dummy_data", "get_encoder_dummy_data", "get_dummy_processor_inputs", "get_dummy_mm_data",
];

/** Functions on the start-up path of vLLM (V0 and V1): a traceback through one of them is an init failure. */
export const INIT_FUNCS = new Set([
  "init_device", "load_model", "get_model", "_init_executor", "_initialize_kv_caches", "initialize_kv_caches",
  "determine_available_memory", "determine_num_available_blocks", "profile_run", "initialize_model_parallel",
  "init_worker_distributed_environment", "ensure_model_parallel_initialized", "init_distributed_environment",
  "init_model_parallel_group", "init_process_group", "launch_core_engines", "wait_for_engine_startup",
  "make_async_mp_client", "make_client", "_init_workers_ray", "_init_engine", "create_engine_config",
  "initialize_from_config", "initialize_cache", "capture_model", "compile_or_warm_up_model", "init_worker",
  "_run_workers", "run_engine_core", "_initialize_model", "load_weights", "initialize_ray_cluster",
  "_verify_args", "verify_with_parallel_config", "from_engine_args", "build_async_engine_client_from_engine_args",
  // the API server's context manager that builds the engine client (`async with build_async_engine_client(args) as
  // engine_client:` — a frame on that line failed entering it), the engines' constructor from a VllmConfig (AsyncLLM,
  // LLMEngine, MQLLMEngine `from_vllm_config`), and the warm-up a TPU/HPU/XPU model runner does before serving
  "build_async_engine_client", "from_vllm_config", "warmup_model",
  // V1's KV cache layout, worked out once while the engine starts (v1/core/kv_cache_utils.py, from EngineCore's
  // `_initialize_kv_caches` or a worker's set-up): the groups of layers (`get_kv_cache_groups`, and for a hybrid model run
  // without the hybrid manager `unify_hybrid_kv_cache_specs`, which raises `Hybrid KV cache manager is disabled but failed
  // to convert the KV cache specs to one unified type.`), the configs and the memory check
  "get_kv_cache_groups", "unify_hybrid_kv_cache_specs", "get_kv_cache_config", "get_kv_cache_configs", "check_enough_kv_cache_memory",
  // vLLM ≤0.3's worker and engine set-up (`Worker.__init__` -> `_init_distributed_environment`, `_init_cache`)
  "_init_distributed_environment", "profile_num_available_blocks", "init_cache_engine", "_init_workers", "_init_cache",
  // a multi-modal model's worst case, worked out only while the engine starts: the registry's largest number of tokens an
  // image / audio / video item can take (V0's model runners size the profiling batch by `get_max_multimodal_tokens` in
  // `profile_run` / `_dummy_run`; V1's scheduler and model runner size the encoder cache by
  // `get_max_tokens_per_item_by_nonzero_modality` -> `compute_encoder_budget`, and `MultiModalBudget` in newer releases),
  // the model's processor answering it (`get_mm_max_tokens_per_item`), and the dummy inputs built to profile with
  ...MM_PROFILE_FUNCS,
]);

/**
 * Start-up functions of vLLM's own files whose names other programs use too: ≤0.3's `Worker.init_model` (set the device,
 * join the distributed group, check the GPU runs the model's dtype; 0.4 split it into `init_device` and `load_model`),
 * run by the engine as `self._run_workers("init_model")`, and 0.4-0.5's `GPUExecutor._init_worker` (build the driver
 * worker, then its `init_device` and `load_model`). A frame of that name counts only in vLLM's package (an RL
 * framework's or a user's `init_model` is no start-up of vLLM's); a name the engine dispatched to its workers is vLLM's.
 */
const VLLM_OWN_INIT_FUNCS = new Set(["init_model", "_init_worker"]);

/** Classes whose construction starts vLLM's engine (a caller's `llm = LLM(...)`) */
const ENGINE_BUILDERS = new Set(["LLM", "LLMEngine", "AsyncLLMEngine", "AsyncLLM", "MQLLMEngine", "EngineCore", "EngineCoreProc"]);

/** Functions of a running engine: a traceback through one of them (and no start-up function) failed while serving. */
// (V1's engine core steps through `step`, or `step_with_batch_queue` when it keeps several batches in flight (pipeline
// parallel, async scheduling), both calling the model through `execute_model_with_error_logging`: vllm/v1/engine/core.py)
export const RUNTIME_FUNCS = new Set(["run_busy_loop", "worker_busy_loop", "step", "step_with_batch_queue", "execute_model_with_error_logging", "execute_model", "_process_engine_step", "engine_step", "run_engine_loop", "generate", "execute_model_ray"]);

const RUNNING = "while running the model";
/** start-up steps that run the model (vLLM's `_dummy_run`, the model's `forward`) as a part of them */
const RUNS_THE_MODEL = new Set(["while profiling memory", "while capturing CUDA graphs"]);
/** The phase of the engine's life a frame's function belongs to (the deepest known frame decides). */
const PHASES: [RegExp, string][] = [
  [/^(load_model|get_model|load_weights|_initialize_model)$/, "while loading the model weights"],
  // (and the multi-modal worst case a profiling run is sized by, deeper than the V0 `_dummy_run` that asks for it)
  [new RegExp(`^(?:profile_run|determine_available_memory|determine_num_available_blocks|${MM_PROFILE_FUNCS.join("|")})$`), "while profiling memory"],
  [/^(_initialize_kv_caches|initialize_kv_caches|initialize_cache|initialize_from_config)$/, "while allocating the KV cache"],
  // (a paste that starts inside the capture keeps only torch's frames: torch/cuda/graphs.py's CUDAGraph.capture_begin /
  // capture_end, which `with torch.cuda.graph(...)` calls on entry and exit, and V1's `_capture_cudagraphs` loop)
  [/^(capture_model|compile_or_warm_up_model|_capture_cudagraphs|capture_begin|capture_end)$/, "while capturing CUDA graphs"],
  [/^(execute_model|forward|_dummy_run|step|run_busy_loop)$/, RUNNING],
  // sleep mode (vllm/device_allocator/cumem.py): `wake_up` maps the memory `sleep` released back in, through every layer
  // (LLM / AsyncLLM / the executor / the worker / CuMemAllocator), V0 and V1 alike; RL frameworks call it before each
  // rollout, after the trainer ran on the same GPUs
  [/^wake_up$/, "while waking up from sleep mode"],
];

/** The libraries a traceback can fail in that rules care about, by the file of a frame. */
const LIBRARIES: Record<TracebackLibrary, RegExp> = {
  // (vLLM's KV-transfer connectors and pipes, vllm/distributed/kv_transfer/: P2pNcclConnector's p2p_nccl_connector.py and
  // p2p_nccl_engine.py, V0's kv_pipe/pynccl_pipe.py, are vLLM's code that uses NCCL, not NCCL: a traceback that ends in
  // them failed in the connector (a missing kv_connector_extra_config key, a bad address); one that failed in NCCL goes
  // on into device_communicators/pynccl*.py or torch's ProcessGroupNCCL, which still count)
  nccl: /^(?![^\n]*kv_transfer[\\/])[^\n]*(?:pynccl|ProcessGroupNCCL|nccl)/i,
  // `hf_raise_for_status` lives in utils/_http.py since huggingface_hub 0.21 and in utils/_errors.py before it
  hub: /huggingface_hub[\\/](?:file_download|_snapshot_download|utils[\\/]_(?:http|errors)|hf_api)|modelscope[\\/]hub|transformers[\\/]utils[\\/]hub\.py/,
};
export type TracebackLibrary = "nccl" | "hub";
/** a code line that calls torch outside torch.distributed (`data = torch.zeros(1, device=device)`) */
const TORCH_CALL = /^(?:[\w.\[\], ]+=\s*)?torch\.(?!distributed\b)[\w.]+\(/;
const NCCL_CALL = /nccl|all_reduce|all_gather|broadcast|barrier|reduce_scatter/i;

/** Tracebacks that are not a failure of the engine: a warning raised as an exception, the user's Ctrl-C, a clean exit. */
const NOT_A_FAILURE = /^(?:\w+\.)*(?:\w*Warning|KeyboardInterrupt|SystemExit|GeneratorExit|CancelledError)$/;
/**
 * Messages that only point elsewhere for the cause. V1's processes log the traceback that follows under a bare
 * `logger.exception` line: the engine core's `EngineCore failed to start.` / `EngineCore encountered a fatal error.`
 * (`StageEngineCoreProc …` in vLLM-Omni), a multiproc worker's `WorkerProc failed to start.` / `WorkerProc hit an
 * exception.` (worker_main, worker_busy_loop) and `AsyncLLM output_handler failed.`: none of them names a cause.
 */
const WRAPPER = /Engine core initialization failed|EngineDeadError|AsyncEngineDeadError|EngineCore(?:Proc)? (?:hit an exception|failed to start|encountered a fatal error)|WorkerProc (?:hit an exception|failed to start)|output_handler failed|is already dead, terminating server process|Dumping (?:input data|scheduler output|scheduler stats)|fatal signal|root cause|stack trace above|Worker .*died|died unexpectedly|Traceback \(most recent|Error executing method|Exception in worker \S+ while processing method \w+\.\s*$|^\s*(?:RuntimeError|Exception)?:?\s*$|^Process \S+:$/i;
/**
 * V0's vllm/executor/multiproc_worker_utils.py (0.6 to the last V0 releases): `Exception in worker %s while processing method
 * %s: %s, %s` with the exception and its formatted traceback (`Exception in worker VllmWorkerProcess while processing method
 * load_model: <words>, Traceback (most recent call last):`); its first releases logged `... method %s.` by logger.exception,
 * the words only at the traceback's end (a wrapper line, see WRAPPER)
 */
const WORKER_EXCEPTION = /^Exception in worker \S+ while processing method \w+: (.*\S), Traceback \(most recent call last\):?\s*$/;
/**
 * What V1's engine core logs at ERROR about the step that failed, after its fatal error (vllm/logging_utils/dump_input.py:
 * the scheduler's output and stats, as one record each or their repr on the next line): the input, never the cause
 */
const ENGINE_DUMP = /\[(?:[\w/]*\/)?dump_input\.py:\d+\]|^\s*(?:Scheduler(?:Output|Stats)|(?:New|Cached)RequestData)\(/;
/**
 * torch's lines under a CUDA error's message (c10's CUDA check, recent torch releases): the hint that names the error's enum
 * (`Search for \`cudaErrorAssert' in https://docs.nvidia.com/...`), then the notes on asynchronous reports,
 * CUDA_LAUNCH_BLOCKING and TORCH_USE_CUDA_DSA. They are the message's tail, no cause of their own; the hint still tells
 * the error when a paste starts below the message line.
 */
const TORCH_CUDA_HINT = /^Search for `((?:cuda|hip)Error\w+)' in /;
const TORCH_CUDA_NOTE = /^(?:CUDA kernel errors might be asynchronously reported|(?:HIP|CUDA) kernel errors might be asynchronously|For debugging consider passing (?:CUDA_LAUNCH_BLOCKING|AMD_SERIALIZE_KERNEL)|Compile with `TORCH_USE_(?:CUDA|HIP)_DSA`)/;
/**
 * V1's multiprocessing executor raising a worker's failure in the engine core (vllm/v1/executor/multiproc_executor.py):
 * `RuntimeError: Worker failed with error '<the worker's exception>', please check the stack trace above for the root
 * cause`. The quoted words are the worker's exception; the rest points elsewhere.
 */
const WORKER_FAILED = /\bWorker failed with error '(.*)', please check the stack trace above\b/;
/**
 * The same report as a paste or a collector left it: ending in the quoted words with no pointer after them (`... error
 * 'no kernel image ...'`), cut inside them (`... error 'CUDA out of mem`), or cut before them (`RuntimeError: Worker
 * failed with error`). Gives the worker's words as far as shown, "" when none are: the line then only says that a worker
 * failed, and the cause is in that worker's own traceback.
 */
const WORKER_FAILED_CUT = /\bWorker failed with error(?:\s*'(.*?)'?)?\s*$/;
function workerFailedWords(message: string): string | null {
  const full = WORKER_FAILED.exec(message);
  if (full) return full[1].trim();
  const cut = WORKER_FAILED_CUT.exec(message);
  if (!cut) return null;
  // a cut inside the pointer after the closing quote (`... error 'X', please che`) leaves the words before it
  let words = cut[1] ?? "";
  const close = words.lastIndexOf("',");
  if (close >= 0 && WORKER_FAILED_POINTER.startsWith(words.slice(close + 2).trimStart())) words = words.slice(0, close);
  return words.trim();
}
const WORKER_FAILED_POINTER = "please check the stack trace above for the root cause";
/** `file.cc:N -> M` only shows how an NCCL error travelled: the WARN before it says what failed */
const ERROR_RETURN = /\.(?:cc|cpp|c|h|cu):\d+(?: \([\w:~]+\))? -> \d+\s*$/;

/** Tracebacks kept: the first few of the log, and the first few of each kind a rule looks for (so none is hidden by others). */
const FIRST = 16;
const PER_TAG = 8;
const MAX_TEXT = 1000;

type Tag = "init" | "runtime" | "phase" | TracebackLibrary;
const TAGS: readonly Tag[] = ["init", "runtime", "phase", "nccl", "hub"];

interface Kept {
  at: Located;
  end: Located | null;
  errorType: string | null;
  message: string;
  /** start-up (a start-up function on the stack), serving (only a running engine's functions), or neither */
  stage: "init" | "runtime" | null;
  phase: string | null;
  /** library -> the functions of its frames, outermost first (the last two) */
  libraries: Partial<Record<TracebackLibrary, string[]>>;
  /** a failure's traceback the paste cut before its exception line */
  cut: boolean;
  /** logged as ERROR records (vLLM's `logger.exception`) */
  loggedAsError: boolean;
  /** start-up only by the API server's entry running its coroutine (no start-up function shown) */
  serverEntry: boolean;
  /** through the engine process's entry (V1's `run_engine_core`, V0's `run_mp_engine`): that process's own failure */
  engineProcess: boolean;
  /** through V1's multiprocessing executor's read of its workers' replies (see `readsWorkers`) */
  executorRead: boolean;
  /** a failure through V1's engine core's busy loop under its process entry (see `inEngineLoop`) */
  engineLoop: boolean;
  /** the line of a TimeoutError raised by vLLM's shared-memory message queue (see `queueTimeoutOf`), as the exception or a chained cause */
  queueTimeout: Located | null;
  /** the process that printed it (its log prefix's name, or a `Process X:` header's) */
  process: string | null;
  tags: Tag[];
}

interface Candidate {
  text: string;
  at: Located;
  /** 0: the exception of a start-up traceback or a chained cause; 1: another traceback or a typed error line; 2: an error line */
  rank: number;
}

export interface TracebacksState {
  kept: Kept[];
  count: number;
  byTag: Partial<Record<Tag, number>>;
  rootCause: Candidate | null;
  /** exceptions that ended an engine-core process (see `engineCoreExit`) */
  engineCoreExits: number;
}

export interface TracebackFact {
  evidence: Evidence;
  errorType: string | null;
  message: string;
  stage: "init" | "runtime" | null;
  phase: string | null;
  libraries: Partial<Record<TracebackLibrary, string[]>>;
  /** a failure's traceback the paste cut before its exception line (not a notebook cell's unless IPython's header named the exception, not a chain of imports) */
  cut?: boolean;
  /** its lines were the messages of ERROR records (vLLM's `logger.exception`): a failure whatever window of it a paste holds */
  loggedAsError?: boolean;
  /**
   * start-up only because the API server's entry was running the server's coroutine (`vllm serve` -> `cmd` ->
   * `uvloop.run(run_server(args))`), the paste cut there: a start-up failure unless the log shows the server came up
   */
  serverEntry?: boolean;
  /** through the engine process's entry (V1's `run_engine_core`, V0's `run_mp_engine`): that process's own failure */
  engineProcess?: boolean;
  /** through V1's multiprocessing executor's read of its workers' replies (`get_response`, `collective_rpc`, `wait_for_response` in multiproc_executor.py) */
  executorRead?: boolean;
  /**
   * a failure through V1's engine core's busy loop under its process entry (`run_engine_core` ->
   * `engine_core.run_busy_loop()`): only run_engine_core's `except` logs that traceback (`EngineCore encountered a fatal
   * error.`, 0.8's `EngineCore hit an exception`) before it reports the engine dead and re-raises, so the engine core died
   * while serving, whatever window of the traceback the paste kept
   */
  engineLoop?: boolean;
  /**
   * the exception line of a `TimeoutError` that vLLM's shared-memory message queue raised (a wait on the queue with a
   * deadline ran out: the other side never answered), as this traceback's exception or one of its chained causes
   */
  queueTimeout?: Evidence;
  /**
   * the process that printed it, by its log prefix (`Worker_TP1`, `EngineCore_DP0`, `APIServer`) or a `Process X:` header:
   * a rule pairs a process's `WorkerProc hit an exception.` record with the traceback that process logged after it
   */
  process?: string;
}

export interface TracebacksFacts {
  count: number;
  /** tracebacks through a start-up function / only a running engine's functions / a known phase / NCCL / the model hub */
  counts: { init: number; runtime: number; phase: number; nccl: number; hub: number };
  /** the first tracebacks of the log and the first of each kind, in log order */
  list: TracebackFact[];
  /** the first exception or error line that is not only a pointer to another (`See root cause above`) */
  rootCause: { text: string; evidence: Evidence } | null;
}

const clipped = (s: string) => (s.length > MAX_TEXT ? s.slice(0, MAX_TEXT) : s);
const byPlace = (a: { at: Located }, b: { at: Located }) => a.at.input - b.at.input || a.at.line - b.at.line;

/**
 * a frame's file inside vLLM's package (`site-packages/vllm/...`, a source tree's `vllm/vllm/...`, `...\\vllm\\v1\\...`)
 * or a platform plugin's (`vllm_gaudi/v1/worker/...`, `vllm_ascend/...`)
 */
const VLLM_PACKAGE = /(?:^|[\/\\])vllm(?:_[a-z0-9]+)?[\/\\]/;
/** a file of vLLM's (or a platform plugin's) worker package: `vllm/worker/…`, `vllm/v1/worker/…`, `vllm_ascend/worker/…` */
const VLLM_WORKER_FILE = /(?:^|[\/\\])vllm(?:_[a-z0-9]+)?[\/\\](?:v1[\/\\])?worker[\/\\][\w\-]+\.py$/;
/**
 * V1's engine-core module (`vllm/v1/engine/core.py`): its classes (EngineCore, EngineCoreProc, DPEngineCoreProc) are
 * built once, when the engine starts, so a frame of a constructor there is the engine's start-up
 */
/** vLLM's torch.compile backend (VllmBackend, its piecewise split and compiler manager) */
const VLLM_COMPILE_BACKEND_FILE = /(?:^|[\/\\])vllm[\/\\]compilation[\/\\]backends\.py$/;
/** V1's multiproc executor (`vllm/v1/executor/multiproc_executor.py`): its workers' entry `worker_main` and `WorkerProc` */
const V1_MULTIPROC_EXECUTOR_FILE = /(?:^|[\/\\])vllm[\/\\]v1[\/\\]executor[\/\\]multiproc_executor\.py$/;
const V1_ENGINE_CORE_FILE = /(?:^|[\/\\])vllm[\/\\]v1[\/\\]engine[\/\\]core\.py$/;
/**
 * a file of vLLM's model executor that holds the model's classes (`vllm/model_executor/models/llama.py`,
 * `vllm/model_executor/layers/linear.py`): their constructors run while the model is built, inside `load_model`; and
 * its device communicators (`vllm/distributed/device_communicators/custom_all_reduce.py`, `pynccl.py`), which a
 * process group builds while the workers set up their distributed environment
 */
const VLLM_MODEL_FILE = /(?:^|[\/\\])vllm(?:_[a-z0-9]+)?[\/\\](?:model_executor[\/\\](?:models|layers)|distributed[\/\\]device_communicators)[\/\\][\w\-\/\\]+\.py$/;
/**
 * The API server's entry points: `vllm serve` (vllm/entrypoints/cli/serve.py `cmd`; vllm/scripts.py `serve` in 0.5–0.6)
 * and `python -m vllm.entrypoints.openai.api_server` (its `<module>`, `run_server`, `run_server_worker`). Each runs the
 * server's coroutine on an event loop (`uvloop.run(run_server(args))`): its part before serving builds the engine client,
 * and once the server serves, an engine that dies ends it through uvicorn's shutdown (the server's `should_exit`), with
 * no traceback out of that coroutine. vllm-omni's `vllm-omni serve` (vllm_omni/entrypoints/cli/serve.py `cmd`) runs
 * vLLM's server coroutine the same way.
 */
const API_SERVER_ENTRY_FILE = /(?:^|[\/\\])vllm(?:_omni)?[\/\\](?:entrypoints[\/\\](?:cli[\/\\]serve|openai[\/\\]api_server)|scripts)\.py$/;
const API_SERVER_FILE = /(?:^|[\/\\])vllm[\/\\]entrypoints[\/\\]openai[\/\\]api_server\.py$/;
/** the event loop's runner that runs a coroutine to its end: uvloop's `run`, asyncio's `run` / `Runner.run` */
const EVENT_LOOP_RUN_FILE = /(?:^|[\/\\])(?:uvloop[\/\\]__init__|asyncio[\/\\]runners)\.py$/;
const SERVER_RUN_FUNCS = new Set(["run_server", "run_server_worker"]);

/** frames of the API server's entry running the server's coroutine (its event loop's runner, or `run_server` itself, below it) */
function runsApiServer(frames: readonly { file: string; func: string }[]): boolean {
  const entry = frames.findIndex((f) => API_SERVER_ENTRY_FILE.test(f.file));
  return entry >= 0 && frames.slice(entry + 1).some((f) => (f.func === "run" && EVENT_LOOP_RUN_FILE.test(f.file)) || (SERVER_RUN_FUNCS.has(f.func) && API_SERVER_FILE.test(f.file)));
}

/**
 * vLLM's own methods that take a request in (the engine's, V1's engine-core client's and front end's `add_request`,
 * the async client's `add_request_async`): a request goes in only to an engine that was built, so a failure under one
 * (an RL rollout's `llm_engine.add_request` -> `core_client.add_request` -> `_send_input` finding the engine core gone)
 * comes from a started engine. A function of that name outside vLLM's package says nothing of vLLM's engine.
 */
const REQUEST_INTAKE = new Set(["add_request", "add_request_async"]);

/** a code line that re-raises what it caught (`raise e`, `raise`): it says nothing of where the exception came from */
const RERAISE = /^raise(?:\s+\w+)?$/;
/** functions a running engine calls for every step to build its inputs (a constructor under them is no start-up) */
const PER_STEP_FUNCS = new Set(["prepare_model_input", "_prepare_model_input_tensors", "_prepare_inputs", "_update_states", "execute_model", "sample_tokens"]);
/** a frame's file in an installed package, not a script of the user's */
const INSTALLED = /[\/\\](?:site|dist)-packages[\/\\]/;

/** contextlib's methods that enter a `with` / `async with` block of a generator-based context manager (contextlib.py) */
const CONTEXT_ENTER = new Set(["__enter__", "__aenter__"]);
const CONTEXTLIB_FILE = /(?:^|[\/\\])contextlib\.py$/;

/** an import statement (`from vllm.v1.engine.core import EngineCore`, `import torch`) */
const IMPORT_CODE = /^(?:from\s+\.*[\w.]*\s+import\b|import\s+\w)/;

/**
 * A paste that stops inside a chain of imports (the innermost frame a module's top level, or its code line an import)
 * shows no exception and no failure of what imported it: the cause, if any, is in the lines the paste left out.
 */
function cutInImports(t: TracebackEvent): boolean {
  if (t.complete !== false) return false;
  const innermost = t.frames?.[t.frames.length - 1];
  return innermost?.func === "<module>" || (t.lastCode !== undefined && IMPORT_CODE.test(t.lastCode.trim()));
}

/**
 * A failure's traceback: not a warning's or Ctrl-C's; a notebook cell's cut before its exception line may be the user
 * interrupting the cell (Jupyter's interrupt during a long model load is routine), unless IPython's header named what
 * was raised (`RuntimeError   Traceback (most recent call last)`), and a paste cut inside a chain of imports shows no
 * failure of what imported it.
 */
function isFailure(t: TracebackEvent): boolean {
  const type = t.errorType ?? t.headerErrorType;
  return !(type && NOT_A_FAILURE.test(type)) && !(t.notebook && t.complete === false && !t.headerErrorType) && !cutInImports(t);
}

// vLLM's functions that run a method named by its caller on a worker (V0's and Ray's `execute_method`, `run_method`, V1's
// `collective_rpc`)
const RPC_DISPATCH = new Set(["execute_method", "run_method", "collective_rpc"]);

/**
 * A communicator built to sync weights between a trainer and the inference workers (RL): vLLM's weight-transfer engine
 * (vllm/distributed/weight_transfer/: the trainer's `trainer_init`, the workers' `init_transfer_engine`, run on an engine
 * that has started) and the `stateless_init_process_group` helper of vLLM's RLHF examples that RL frameworks copy
 * (StatelessProcessGroup + PyNcclCommunicator). Either builds pynccl outside the engine's start-up, so its traceback
 * says nothing of the engine starting. (vLLM's own data-parallel group, `stateless_init_torch_distributed_process_group`,
 * is start-up and is not named here.)
 */
const WEIGHT_SYNC_FILE = /(?:^|[\/\\])vllm[\/\\]distributed[\/\\]weight_transfer[\/\\]/;
const WEIGHT_SYNC_FUNCS = new Set(["stateless_init_process_group", "_stateless_init_process_group", "trainer_init", "init_transfer_engine", "init_weight_transfer_engine"]);

/**
 * Methods of vLLM's offline `LLM` (vllm/entrypoints/llm.py) that work on the engine it already built: a caller reaching
 * one holds a started engine. An RL trainer's actor setting up its weight-sync group through it (OpenRLHF's
 * `init_process_group` -> `self.llm.collective_rpc("init_process_group", ...)`), or putting the engine to sleep, fails
 * after the start-up, whatever its own frames above the call are named and whichever method it has the workers run.
 */
const OFFLINE_LLM_FILE = /(?:^|[\/\\])vllm[\/\\]entrypoints[\/\\]llm\.py$/;
const BUILT_LLM_METHODS = new Set(["collective_rpc", "apply_model", "sleep", "wake_up", "reset_prefix_cache", "start_profile", "stop_profile", "chat", "encode", "embed", "classify", "score", "reward", "beam_search", "get_metrics"]);

function lastIndex<T>(xs: readonly T[], p: (x: T) => boolean): number {
  for (let i = xs.length - 1; i >= 0; i--) if (p(xs[i])) return i;
  return -1;
}

/** Start-up: a failure (not a warning or Ctrl-C) with a start-up function on the stack and no serving one; runtime: a serving function on the stack. */
function stageOf(t: TracebackEvent): Kept["stage"] | "server-entry" {
  const frames = t.frames ?? [];
  const failure = isFailure(t);
  // the innermost frame's code line names the function it called: the next frame, also when the paste stops before
  // it (V0's `engine = MQLLMEngine.from_engine_args(` line is the start-up; V1's `engine_core.run_busy_loop()` under
  // `run_engine_core` is the engine serving)
  const callee = t.lastCode !== undefined ? calleeOfCode(t.lastCode) : undefined;
  // V1's `run_engine_core` shuts the engine core down in its `finally` only when the core was built (`if engine_core is
  // not None: engine_core.shutdown()`, vllm/v1/engine/core.py): a traceback through that call (the frame under
  // `run_engine_core` is `shutdown`, or the paste stops at the call) comes from an engine that had started (a failure's:
  // a Ctrl-C that stops the shutdown is no engine serving)
  const shutDownAfterStart = failure && frames.some((f, i) => f.func === "run_engine_core" && (i + 1 < frames.length ? frames[i + 1].func === "shutdown" : callee === "shutdown"));
  const serving =
    frames.some((f) => RUNTIME_FUNCS.has(f.func) || (REQUEST_INTAKE.has(f.func) && VLLM_PACKAGE.test(f.file))) ||
    (callee !== undefined && RUNTIME_FUNCS.has(callee)) ||
    shutDownAfterStart;
  // a weight-sync communicator (trainer <-> workers) is no start-up of the engine, whatever constructors it passes
  if (frames.some((f) => WEIGHT_SYNC_FUNCS.has(f.func) || WEIGHT_SYNC_FILE.test(f.file)) || (callee !== undefined && WEIGHT_SYNC_FUNCS.has(callee))) return serving ? "runtime" : null;
  const initFunc = (f: string | undefined) => f !== undefined && INIT_FUNCS.has(f) && f !== "run_engine_core" && f !== "_run_workers";
  // a caller working on an `LLM` it built (above: BUILT_LLM_METHODS), with no start-up of vLLM's own before that call on
  // the stack: no start-up of the engine, whatever its frames and the method it dispatches are called
  const onBuilt = frames.findIndex((f) => BUILT_LLM_METHODS.has(f.func) && OFFLINE_LLM_FILE.test(f.file));
  if (onBuilt >= 0 && !frames.slice(0, onBuilt).some((f) => VLLM_PACKAGE.test(f.file) && (initFunc(f.func) || f.func === "__init__"))) return serving ? "runtime" : null;
  // a script of the user's that fails in torch's own set-up, no frame of it in vLLM (`/vllm-workspace/test.py`, line 3,
  // in <module> -> `init_process_group`), is no start-up of vLLM's engine; a window of library frames alone may be the
  // tail of vLLM's own traceback, and one a vLLM process printed behind its prefix is vLLM's, whatever its frames
  const outsideVllm =
    t.origin.process === undefined &&
    frames.some((f) => f.func === "<module>" && !INSTALLED.test(f.file)) &&
    !frames.some((f) => VLLM_PACKAGE.test(f.file));
  // a method of the caller's own that a vLLM worker ran for it (`collective_rpc` / Ray's `execute_method` -> `run_method`
  // -> an RL framework's worker extension `init_process_group` for its weight-sync group) runs on a started engine: its
  // frames after vLLM's dispatch name no start-up of vLLM's, unless they are vLLM's own
  const dispatch = lastIndex(frames, (f) => RPC_DISPATCH.has(f.func) && VLLM_PACKAGE.test(f.file));
  const userFrom = dispatch >= 0 && dispatch + 1 < frames.length && !VLLM_PACKAGE.test(frames[dispatch + 1].file) ? dispatch + 1 : frames.length;
  const startupFrame = frames.some((f, i) => (initFunc(f.func) && (i < userFrom || VLLM_PACKAGE.test(f.file))) || (VLLM_OWN_INIT_FUNCS.has(f.func) && VLLM_PACKAGE.test(f.file)));
  if (failure && !outsideVllm && (startupFrame || (!serving && userFrom === frames.length && initFunc(callee)))) return "init";
  // a start-up method vLLM's executor had its workers run (`self._run_workers("init_device")`, `collective_rpc("load_model")`):
  // the executor dispatches those only while the engine starts, whatever frames the paste kept below the call
  if (failure && !serving && !outsideVllm && (t.rpcs ?? []).some((m) => initFunc(m) || VLLM_OWN_INIT_FUNCS.has(m))) return "init";
  // the constructor of a worker's or model runner's part (a platform plugin's too: `vllm_ascend/worker/model_runner_v1.py`,
  // `__init__` -> `npu_input_batch.py` `__init__` -> `block_table.py` `__init__`) runs while the engine builds its
  // workers, before any step: a paste cut below `init_device` / `WorkerProc.__init__` still shows a start-up failure.
  // (V0's per-step `ModelInputForGPUBuilder.__init__` is called from `prepare_model_input`, a step's function.)
  if (failure && !serving && frames.some((f) => f.func === "__init__" && VLLM_WORKER_FILE.test(f.file)) && !frames.some((f) => PER_STEP_FUNCS.has(f.func))) return "init";
  // the model's own constructors (a model class, a layer, `make_layers` building the decoder layers) and the device
  // communicators' (custom all-reduce, pynccl): a paste cut below `load_model` / `init_device` shows them being built,
  // which only the start-up does; one built under a `forward` or a step's function would be the model running
  if (
    failure && !serving &&
    frames.some((f) => (f.func === "__init__" || f.func === "make_layers") && VLLM_MODEL_FILE.test(f.file)) &&
    !frames.some((f) => PER_STEP_FUNCS.has(f.func) || f.func === "forward")
  ) return "init";
  // V1's multiproc worker entry (`worker_main`, vllm/v1/executor/multiproc_executor.py) builds its `WorkerProc` once, on
  // the start-up (the process then serves in `worker.worker_busy_loop()`): a traceback through `worker_main` whose code
  // calls `WorkerProc(`, and never reaches the busy loop, is the worker failing to start, however little the paste kept
  // below that call (`otel.py` `sync_wrapper`, or the cut itself)
  if (
    failure && !serving &&
    frames.some((f) => f.func === "worker_main" && V1_MULTIPROC_EXECUTOR_FILE.test(f.file)) &&
    (t.calls ?? []).includes("WorkerProc") && !(t.calls ?? []).includes("worker_busy_loop")
  ) return "init";
  // the same for V1's engine core: a paste of the engine's traceback cut inside `EngineCore.__init__` (building its
  // executor: `self.model_executor = executor_class(vllm_config)`) shows the start-up failing, whatever the prefix
  if (failure && !serving && frames.some((f) => f.func === "__init__" && V1_ENGINE_CORE_FILE.test(f.file))) return "init";
  // vLLM's torch.compile backend compiling the graph Dynamo traced (vllm/compilation/backends.py: the piecewise
  // interpreter's `call_module` compiling each piece, the compiler manager's `compile`): that runs in the start-up's
  // profiling and warm-up runs, which compile every size; a serving engine calls what they compiled. (Not the piecewise
  // backend's per-call `__call__`, which older versions kept in the same file.)
  if (failure && !serving && frames.some((f) => (f.func === "call_module" || f.func === "compile") && VLLM_COMPILE_BACKEND_FILE.test(f.file))) return "init";
  // a caller's code line that builds the engine (`self.inference_engine = LLM(`, `AsyncLLMEngine.from_engine_args(`),
  // with vLLM's frames after it, and the paste stops there, before its exception line: inside the engine's construction.
  // (A whole traceback that shows no start-up function failed before the start-up: `LLM(**kwargs)` -> `EngineArgs(`
  // -> `TypeError: ... unexpected keyword argument`, a caller's mistake, not the engine's.)
  const builds = t.complete === false ? (t.calls ?? []).findIndex((c) => ENGINE_BUILDERS.has(c) || initFunc(c)) : -1;
  if (failure && !serving && builds >= 0 && frames.slice(builds + 1).some((f) => VLLM_PACKAGE.test(f.file))) return "init";
  // a paste cut while entering a context manager that a start-up function returned (`async with
  // build_async_engine_client(args) as engine_client:` -> contextlib's `__aenter__` -> `return await anext(self.gen)`):
  // the generator whose first step raised is that start-up function, its own frame the next one the paste left out
  const innermostFrame = frames[frames.length - 1];
  if (failure && !serving && !outsideVllm && t.complete === false && innermostFrame && CONTEXT_ENTER.has(innermostFrame.func) && CONTEXTLIB_FILE.test(innermostFrame.file)) {
    const entered = [...(t.calls ?? [])].reverse().find((c) => c !== "anext" && c !== "next");
    if (initFunc(entered)) return "init";
  }
  // V0's `run_mp_engine` re-raises only what building the engine threw: `MQLLMEngine.start()` logs and swallows the
  // errors of a running engine (its traceback starts at `start`), so a traceback through it that serves nothing is start-up
  // V1's `run_engine_core` wraps both the engine's construction and its busy loop in one `try` and re-raises (`raise e`)
  // whatever either threw: a paste cut at that re-raise, the innermost frame shown, tells neither (the frames below it,
  // `engine_core = DPEngineCoreProc(...)` or `engine_core.run_busy_loop()`, are where the paste was cut)
  const innermost = frames[frames.length - 1];
  const cutAtReraise = t.complete === false && innermost?.func === "run_engine_core" && t.lastCode !== undefined && RERAISE.test(t.lastCode.trim());
  if (failure && !cutAtReraise && frames.some((f) => f.func === "run_engine_core" || f.func === "run_mp_engine") && !serving) return "init";
  // the API server's own traceback out of its entry, the paste cut before the exception line (`vllm serve` -> `cmd` ->
  // `uvloop.run(run_server(args))` -> asyncio's runner, and no more): the server's coroutine failed, which before it
  // serves is its start-up (building the engine client); `serverEntry` lets a rule drop it when the log shows the server
  // had come up
  if (failure && !serving && t.complete === false && runsApiServer(frames)) return "server-entry";
  return serving ? "runtime" : null;
}

/**
 * V1's engine-core process (`EngineCore`, `EngineCore_0`, `EngineCore_DP0`, by its log prefix or its `Process EngineCore_DP0:` header),
 * or vllm-omni's per-stage engine core built on it (`StageEngineCoreProc_stage1_replica0`, `..._DP0`)
 */
const ENGINE_CORE_PROCESS = /^(?:EngineCore(?:_\w+)?|StageEngineCoreProc_stage\d+_\w+):?$/;

/**
 * An exception that ended an engine-core process: its traceback printed with no log level (the process's own, after
 * `run_engine_core` logged the failure and re-raised it), its exception line shown. The engine core is gone; before the
 * server served, the front end's wait for it (`wait_for_engine_startup`) raises out of the API server's entry.
 */
function engineCoreExit(t: TracebackEvent): boolean {
  const process = t.origin.process ?? t.process;
  return process !== undefined && ENGINE_CORE_PROCESS.test(process) && t.errorType !== null && t.loggedAsError !== true && isFailure(t);
}

/**
 * vLLM's shared-memory message queue (vllm/distributed/device_communicators/shm_broadcast.py, 0.5 on): its MessageQueue's
 * `acquire_read` / `acquire_write` (under `dequeue` / `enqueue`) raise a bare `TimeoutError` when a wait given a deadline
 * runs out. V1's multiprocessing executor reads its workers' replies that way (multiproc_executor.py `collective_rpc` ->
 * `get_response` -> `worker_response_mq.dequeue(timeout=...)`) and re-raises the timeout as `TimeoutError: RPC call to
 * <method> timed out.`, so a paste that holds only the first part of that chain still shows the engine core giving up on
 * its workers.
 */
const SHM_QUEUE_FILE = /(?:^|[\/\\])vllm[\/\\]distributed[\/\\]device_communicators[\/\\]shm_broadcast\.py$/;
// (in later releases the read's deadline is a helper of its own: `acquire_read` waits with
// `self._spin_condition.wait(timeout_ms=read_timeout.timeout_ms())`, and ReadTimeoutWithWarnings.timeout_ms raises the
// TimeoutError once the deadline has passed, so the innermost frame is `timeout_ms` in the same file)
const SHM_QUEUE_WAITS = new Set(["acquire_read", "acquire_write", "dequeue", "enqueue", "timeout_ms"]);
/**
 * V1's multiprocessing executor reading its workers' replies (vllm/v1/executor/multiproc_executor.py: `collective_rpc`,
 * its `get_response`, in later releases the FutureWrapper's `wait_for_response`): only the executor, in the engine core's
 * process (or the offline LLM's), reads that queue with a deadline; a worker waits for its next call with none. A queue
 * timeout under one of these frames is the executor giving up on a worker, even when the paste shows neither the engine
 * process's entry (`run_engine_core`) nor the `RPC call to <method> timed out.` it is re-raised as.
 */
const EXECUTOR_FILE = /(?:^|[\/\\])vllm[\/\\]v1[\/\\]executor[\/\\]multiproc_executor\.py$/;
const EXECUTOR_READS = new Set(["collective_rpc", "get_response", "wait_for_response"]);
const readsWorkers = (frames: readonly { file: string; func: string }[]) => frames.some((f) => EXECUTOR_READS.has(f.func) && EXECUTOR_FILE.test(f.file));
const raisedByQueue = (errorType: string | null, at: { file: string; func: string } | undefined) =>
  errorType !== null && /(?:^|\.)TimeoutError$/.test(errorType) && !!at && SHM_QUEUE_FILE.test(at.file) && SHM_QUEUE_WAITS.has(at.func);

/** The exception line of a TimeoutError the message queue raised in this traceback: its own exception or a chained cause. */
function queueTimeoutOf(t: TracebackEvent): Located | null {
  for (const c of t.causes ?? []) if (c.ev && raisedByQueue(c.errorType, c.raisedIn)) return { ...c.ev, input: t.input };
  const frames = t.frames ?? [];
  if (t.end && raisedByQueue(t.errorType, frames[frames.length - 1])) return { ...t.end, input: t.input };
  return null;
}

/**
 * V1's engine core serving: `run_engine_core` (vllm/v1/engine/core.py) builds the engine core, then calls
 * `engine_core.run_busy_loop()` inside one `try`, whose `except Exception` logs the traceback and re-raises (the process
 * ends; the front end is told the engine is dead). A failure's traceback through `run_engine_core` and on into the busy
 * loop, or one the paste cut at that call, is that death. (A request's error that the engine core survives is logged where
 * it is caught, below the busy loop, so its traceback has no `run_engine_core` frame.)
 */
function inEngineLoop(t: TracebackEvent): boolean {
  const frames = t.frames ?? [];
  const entry = frames.findIndex((f) => f.func === "run_engine_core");
  if (entry < 0 || !isFailure(t)) return false;
  if (frames.slice(entry + 1).some((f) => f.func === "run_busy_loop")) return true;
  return entry === frames.length - 1 && t.lastCode !== undefined && calleeOfCode(t.lastCode) === "run_busy_loop";
}

function summarize(t: TracebackEvent): Kept {
  const frames = t.frames ?? [];
  let phase: string | null = null;
  // (a method the executor ran on the workers, then the frames under it: the deepest known one decides)
  // (a start-up step that runs the model to do its work, the profiling run or the CUDA graph capture, stays the phase
  // under the model's own frames: `capture_model` -> `_dummy_run` -> `forward` -> `capture_end` failed capturing)
  const deeper = (p: string) => (phase = p === RUNNING && phase !== null && RUNS_THE_MODEL.has(phase) ? phase : p);
  for (const m of t.rpcs ?? []) for (const [re, p] of PHASES) if (re.test(m)) deeper(p);
  for (const f of frames) for (const [re, p] of PHASES) if (re.test(f.func)) deeper(p);
  const libraries: Kept["libraries"] = {};
  const innermost = frames[frames.length - 1];
  for (const [lib, re] of Object.entries(LIBRARIES) as [TracebackLibrary, RegExp][]) {
    // the innermost frame is in NCCL's set-up but its line is a plain torch call (pynccl's first
    // `torch.zeros(1, device=device)` is where a CUDA fault of the device surfaces): it did not fail in NCCL
    if (lib === "nccl" && innermost && re.test(innermost.file) && t.lastCode !== undefined && TORCH_CALL.test(t.lastCode) && !NCCL_CALL.test(t.lastCode)) continue;
    const funcs = frames.filter((f) => re.test(f.file)).map((f) => f.func);
    if (funcs.length) libraries[lib] = funcs.slice(-2);
  }
  const found = stageOf(t);
  const stage = found === "server-entry" ? "init" : found;
  const tags = TAGS.filter((tag) => (tag === "init" || tag === "runtime" ? stage === tag : tag === "phase" ? phase !== null : tag in libraries));
  const cut = t.complete === false && t.errorType === null && isFailure(t);
  return { at: located(t), end: t.end ? { ...t.end, input: t.input } : null, errorType: t.errorType, message: clipped(t.message ?? ""), stage, phase, libraries, cut, loggedAsError: t.loggedAsError === true, serverEntry: found === "server-entry", engineProcess: frames.some((f) => f.func === "run_engine_core" || f.func === "run_mp_engine"), executorRead: readsWorkers(frames), engineLoop: inEngineLoop(t), queueTimeout: queueTimeoutOf(t), process: t.origin.process ?? t.process ?? null, tags };
}

function better(a: Candidate | null, b: Candidate | null): Candidate | null {
  if (!a || !b) return a ?? b;
  if (a.rank !== b.rank) return a.rank < b.rank ? a : b;
  return earlier(a.at, b.at) === a.at ? a : b;
}

/** Keeps the first FIRST tracebacks and the first PER_TAG of each tag; the same set whichever order they arrive in. */
function retain(list: Kept[]): Kept[] {
  const sorted = [...list].sort(byPlace);
  const seen: Partial<Record<Tag, number>> = {};
  return sorted.filter((k, i) => {
    let keep = i < FIRST;
    for (const tag of k.tags) {
      seen[tag] = (seen[tag] ?? 0) + 1;
      if (seen[tag]! <= PER_TAG) keep = true;
    }
    return keep;
  });
}

export const tracebacksDomain: FactDomain<TracebacksState, TracebacksFacts> = {
  name: "tracebacks",
  init: () => ({ kept: [], count: 0, byTag: {}, rootCause: null, engineCoreExits: 0 }),
  reduce(s, e: Event) {
    // a traceback Python reported as unraisable and ignored is no failure
    if (e.kind === "traceback" && !e.unraisable) {
      const k = summarize(e);
      s.count++;
      if (engineCoreExit(e)) s.engineCoreExits++;
      for (const tag of k.tags) s.byTag[tag] = (s.byTag[tag] ?? 0) + 1;
      // events arrive in log order within a state: a traceback is kept while the first slots or those of one of its tags have room
      if (s.count <= FIRST || k.tags.some((tag) => s.byTag[tag]! <= PER_TAG)) s.kept.push(k);
      const text = e.errorType ? `${e.errorType}: ${e.message}` : e.message;
      const at = e.end ? { ...e.end, input: e.input } : located(e);
      // the executor's report of a failed worker: the worker's words in it, as the ERROR record's reading below takes
      // them; none when the report was cut before them
      const reported = e.message ? workerFailedWords(e.message) : null;
      if (reported !== null) {
        if (reported && !WRAPPER.test(reported)) s.rootCause = better(s.rootCause, { text: clipped(reported), at, rank: 2 });
      } else if (text && !WRAPPER.test(e.message ?? "") && !WRAPPER.test(text)) s.rootCause = better(s.rootCause, { text: clipped(text), at, rank: k.stage === "init" ? 0 : 1 });
      for (const c of e.causes ?? []) if (!WRAPPER.test(c.message)) s.rootCause = better(s.rootCause, { text: clipped(`${c.errorType}: ${c.message}`), at, rank: 0 });
    } else if (e.kind === "error") {
      // V0's multiprocessing worker logs the exception's words before its traceback, on the record's first line
      const worker = WORKER_EXCEPTION.exec(e.message);
      if (worker) {
        s.rootCause = better(s.rootCause, { text: clipped(worker[1]), at: located(e), rank: 2 });
        return;
      }
      // the worker's own words inside the executor's report of it
      const failed = workerFailedWords(e.message);
      if (failed !== null) {
        if (failed && !WRAPPER.test(failed)) s.rootCause = better(s.rootCause, { text: clipped(failed), at: located(e), rank: 2 });
        return;
      }
      const message = e.message.trimStart();
      if (TORCH_CUDA_NOTE.test(message)) return;
      const hint = TORCH_CUDA_HINT.exec(message);
      if (hint) {
        const words = CUDA_FAULTS[hint[1]];
        s.rootCause = better(s.rootCause, { text: clipped(words ? `CUDA error: ${words} (${hint[1]})` : `CUDA error ${hint[1]}`), at: located(e), rank: 2 });
        return;
      }
      if (ERROR_RETURN.test(e.ev.text) || WRAPPER.test(e.message) || WRAPPER.test(e.ev.text) || ENGINE_DUMP.test(e.ev.text)) return;
      const text = e.errorType && !e.message.startsWith(e.errorType) ? `${e.errorType}: ${e.message}` : e.message;
      s.rootCause = better(s.rootCause, { text: clipped(text), at: located(e), rank: e.errorType ? 1 : 2 });
    }
  },
  merge(a, b) {
    const byTag: Partial<Record<Tag, number>> = { ...a.byTag };
    for (const [k, v] of Object.entries(b.byTag) as [Tag, number][]) byTag[k] = (byTag[k] ?? 0) + v;
    return { kept: retain([...a.kept, ...b.kept]), count: a.count + b.count, byTag, rootCause: better(a.rootCause, b.rootCause), engineCoreExits: a.engineCoreExits + b.engineCoreExits };
  },
  finalize(s) {
    const counts = { init: 0, runtime: 0, phase: 0, nccl: 0, hub: 0, ...s.byTag, ...(s.engineCoreExits ? { engineCoreExit: s.engineCoreExits } : {}) };
    const list = retain(s.kept).map((k) => ({ evidence: plain(k.end ?? k.at)!, errorType: k.errorType, message: k.message, stage: k.stage, phase: k.phase, libraries: k.libraries, ...(k.cut ? { cut: true } : {}), ...(k.loggedAsError ? { loggedAsError: true } : {}), ...(k.serverEntry ? { serverEntry: true } : {}), ...(k.engineProcess ? { engineProcess: true } : {}), ...(k.executorRead ? { executorRead: true } : {}), ...(k.engineLoop ? { engineLoop: true } : {}), ...(k.queueTimeout ? { queueTimeout: plain(k.queueTimeout)! } : {}), ...(k.process ? { process: k.process } : {}) }));
    const rootCause = s.rootCause ? classifyRootCause(s.rootCause.text.trim(), plain(s.rootCause.at)!) : null;
    return { facts: { count: s.count, counts, list, rootCause }, sources: {}, missing: [] };
  },
};

type RootCause = NonNullable<NonNullable<Facts["tracebacks"]>["rootCause"]>;

/** What a root cause's words say it is about, first match wins (the rules give each kind its advice). */
const ROOT_CAUSE_KINDS: readonly [NonNullable<RootCause["kind"]>, RegExp][] = [
  ["cuda-oom", /out of memory|OutOfMemoryError/i],
  // (V1's check opens `To serve at least one request with the model's max seq len (N), (X GiB KV cache is needed, ...`,
  // `models's` before 0.11; a paste's hard wrap can cut its `KV cache` in two, the opening clause still names the check)
  ["kv-cache", /KV cache|cache blocks|To serve at least one request with the models?'s max seq len/i],
  ["tp-not-divisible", /divisible/i],
  ["nccl", /NCCL|nccl|DistBackendError/],
  // torch.compile (Dynamo, Inductor and the Triton kernels it builds) or a Triton kernel's own build failed
  ["compile", /\bInductorError\b|\bBackendCompilerFailed\b|torch\._(?:dynamo|inductor)\.exc\.|triton\.compiler\.errors\.|\bCompilationError\b/],
  ["import", /ImportError|ModuleNotFoundError|undefined symbol/i],
  ["model-fetch", /huggingface|gated|401|403|RepositoryNotFound|LocalEntryNotFound/i],
];

export function classifyRootCause(text: string, evidence: Evidence): RootCause {
  // (the advice needs all four numbers: a line cut before `is less than` is classified by its words below)
  const free = FREE_MEMORY_CHECK.exec(text);
  if (free && free[1] !== undefined) {
    const [freeGiB, totalGiB, utilization, wantGiB] = free.slice(1).map(Number);
    return { text, evidence, kind: "free-memory", freeMemory: { freeGiB, totalGiB, utilization, wantGiB } };
  }
  return { text, evidence, kind: ROOT_CAUSE_KINDS.find(([, re]) => re.test(text))?.[0] ?? null };
}
