/**
 * Signatures: the failure and warning lines rules care about, as data. Each entry names one shape with a pattern
 * (named captures where a rule reads a value), the cheap literals a line must hold before the pattern is tried, and
 * sample lines that test it (test/signatures.test.ts runs every sample through the real reader and checks it is
 * read as this signature). The readers apply the table once per record (src/events/signals.ts); the `signals`
 * fact domain keeps, per id, the count, the first lines and the last (src/facts/signals.ts). Syntax only: no rule
 * knowledge here beyond which lines are failures.
 *
 * Formats: ../shared/reference/nccl-log-formats.md §11–12 (NCCL WARNs, the INFO error chain, PyTorch's
 * ProcessGroupNCCL texts), vllm-log-formats.md (CUDA OOM texts of torch and vLLM).
 */

import { memoByText } from "../src/util/memo.js";
import { BENIGN_ASYNC_EVENT, CUDA_LIB_ADVISORY_WARN, FASTSOCKET_ADVISORY_WARN, TUNING_ADVISORY_WARN, OFI_ADVISORY_WARN, OFI_GAVE_UP_WORDS, RCCL_ADVISORY_WARN } from "./nccl-messages.js";

export type Dialect = "nccl" | "torch" | "vllm" | "any";

/**
 * `X…Y` as a regex source that stays linear on a line: searched from every position, a pattern `X.*Y` on a line
 * holding X many times and no Y backtracks to the line's end once per X. This reads "the first X of the line is
 * followed, later, by Y", tried once from the line's start.
 */
export function firstThen(x: string, rest: string): string {
  return `^(?:(?!${x}).)*${x}${rest}`;
}

const anyOfSources = (parts: string[], flags = "") => new RegExp(parts.join("|"), flags);
/**
 * The engine's start-up calls a worker runs for it (vLLM's executors: V0's multiprocessing and Ray workers, V1's busy
 * loop): a worker failing in one of them failed the engine's start (vllm/engine-init-failed), in any other while serving
 * (vllm/engine-dead).
 */
export const ENGINE_START_UP_METHODS = ["init_device", "load_model", "initialize_cache", "determine_num_available_blocks", "init_worker", "initialize_from_config", "compile_or_warm_up_model", "determine_available_memory", "_init_workers_ray"];
const START_UP_METHODS = `(?:${ENGINE_START_UP_METHODS.join("|")})`;

/**
 * ROCm's runtime (ROCR, core/runtime/runtime.cpp) reporting a GPU fault before it aborts: its VM fault handler's, HW
 * exception handler's and memory-free check's first words (see the vllm.rocrFault signature).
 */
export const ROCR_FAULT = /(?:^|\s)(?:Memory access fault by GPU node-\d+ (?:\(Agent handle: 0x[0-9a-fA-F]+\) )?on address (?:0x[0-9a-fA-F]+|\(nil\))|HW Exception by GPU node-\d+ (?:\(Agent handle: 0x[0-9a-fA-F]+\) )?reason :|Memory critical error by agent node-\d+ \(Agent handle: 0x[0-9a-fA-F]+\) on address )/;

/**
 * rocBLAS's fatal Tensile load failures (see the vllm.rocblasFatal signature): the line starts the message, or follows a
 * prefix a collector or a Ray/vLLM process label added; the quoted sentence inside someone's prose does not match.
 */
export const ROCBLAS_FATAL = /(?:^|[\s)|>\]])rocBLAS error: (?:Cannot read (?:[A-Za-z]:)?[/\\]|Could not (?:initialize Tensile (?:host|library)\b|load (?:[A-Za-z]:)?[/\\]))/;

/**
 * vLLM's cumem allocator (sleep mode, csrc/cumem_allocator.cpp) writing a failed CUDA driver call to stderr itself, no
 * logger header: `CUDA Error: <driver's string> at <source file>:<line>`, early builds with `[vllm_allocator_adaptor_c] `
 * in front. The Python side raises the same words later as `RuntimeError: CUDA Error: …`, an exception line read elsewhere.
 */
export const CUMEM_ERROR = /^(?:\[vllm_allocator_adaptor_c\] )?CUDA Error: (?<what>\S[^\n]*?) at (?<file>\S+\.(?:cpp|cu|cc|cuh|h)):(?<line>\d+)\s*$/;

/**
 * ggml's GPU back end (llama.cpp, whisper.cpp: ggml-cuda.cu `ggml_cuda_error`, 2024 on) reporting a failed CUDA, cuBLAS
 * or NCCL call before it aborts the process, no logger header: `<back end> error: <the library's error string>` (the
 * back end is CUDA, ROCm on HIP builds, MUSA on Moore Threads), then `  current device: N, in function F at FILE:LINE`
 * and the failing statement, then GGML_ABORT's `FILE:LINE: CUDA error`. Earlier builds (2023) printed one line, `CUDA
 * error <code> at <file>:<line>: <string>`. NCCL's own failures reach it as ncclGetErrorString's words (`unhandled cuda
 * error (run with NCCL_DEBUG=INFO for details)`). Only at the start of the text: torch's `RuntimeError: CUDA error: ...`
 * is an exception line read elsewhere, and CUMEM_ERROR's `CUDA Error: ... at file:line` is vLLM's allocator.
 */
export const GGML_GPU_ERROR = /^(?:CUDA|ROCm|MUSA) error(?:: (?<what>\S[^\r\n]*)| (?<code>\d+) at (?<file>\S+):\d+: (?<what2>\S[^\r\n]*))$/;

/**
 * Ray's handler for a task's or actor method's error nobody `ray.get`s (ray/_private/worker.py, logged at ERROR): `Unhandled
 * error (suppress with 'RAY_IGNORE_UNHANDLED_ERRORS=1'): ray::Actor.method() (pid=N, ip=A, …)`, before Ray 1.5 the
 * variable unquoted. Inside an actor (an RL trainer's TaskRunner or LLMRayActor) Ray streams the record without its logger
 * header; the driver's own copy keeps `ERROR worker.py:N -- ` and is read as that logger's record. The task's name may
 * come in Ray's cyan (`\x1b[36mray::…`, or `[36mray::…` where a paste lost the escape byte).
 */
export const RAY_UNHANDLED_ERROR = /^Unhandled error \(suppress with '?RAY_IGNORE_UNHANDLED_ERRORS=1'?\): (?:\x1b?\[[0-9;]*m)?ray::(?<call>[\w.:-]+)\(\)/;

/**
 * A glog ERROR/FATAL record's head (`E1213 02:57:10.528410  5811 `; glog ≥0.7 prints the year: `E20260106 06:43:02.966156
 * 5793 `), before its `file:line] message`.
 */
export const MOONCAKE_GLOG_HEAD = /(?:^|\s)[EF](?:\d{8}|\d{4}) \d\d:\d\d:\d\d\.\d+\s+\d+ /;

/**
 * The sources of Mooncake's transfer engine and store that move or place KV blocks (kvcache-ai/Mooncake
 * mooncake-transfer-engine/src, mooncake-store/src): its transports (`rdma_transport.cpp`, `tcp_transport.cpp`,
 * `nvlink_transport.cpp`, `ascend_direct_transport.cpp`, ...), the RDMA worker pool and endpoints, the engine, its
 * metadata and tasks, and the store's client (`master_client.cpp`, `real_client.cpp`, `client_service.cpp`, `store_py.cpp`).
 * Their glog records are Mooncake's, not PyTorch's.
 */
export const MOONCAKE_GLOG_FILE = /(?:\w+_transport|worker_pool|rdma_(?:endpoint|context)|transfer_(?:engine|metadata|task)\w*|master_client|store_py|real_client|client_service)\.cpp/;

/** DeepGEMM's exception kinds (csrc/utils/exception.hpp), and its source files as `__FILE__` names them */
const DG_KINDS = "Assertion|NVRTC|CUDA driver|CUDA runtime|cuBLASLt";
const DG_FILE = "[\\w./-]*?\\.(?:hpp|cuh|h|cpp|cu|cc)";
const DG_FILE_AHEAD = "[\\w./-]*?(?:jit|deep_gemm|csrc/(?:\\.\\./)*apis/|python_api\\.cpp)";

export interface Signature {
  id: string;
  dialect: Dialect;
  /** error: a failure; warning: a problem short of one; info: a notable line rules read (never a failure) */
  level: "error" | "warning" | "info";
  /** a line must hold one of these (compared lower-cased) before `pattern` is tried */
  anyOf: readonly string[];
  pattern: RegExp;
  /**
   * every line `pattern` matches holds one of these too (lower-cased): a line with an `anyOf` word but none of these
   * is not tried (a pattern slow on lines that only name its subject: `bootstrap` in every `Init timings` line)
   */
  alsoOneOf?: readonly string[];
  /** the line must also say it is about NCCL (a word such as `Connection refused` alone is not) */
  needsContext?: boolean;
  /**
   * the values a rule reads from the line, as named groups (`(?<peer>…)`); each regex is tried on the line once and
   * its defined groups become the signal's captures (a keyword group is a flag: present when the line says it)
   */
  values?: readonly RegExp[];
  /** where the line came from matters (a version per node): the reader adds the NCCL header's host as capture `ncclHost` */
  node?: boolean;
  /** which process wrote the line matters (one process's run of lines): the reader adds its prefix's process as capture `proc` */
  process?: boolean;
  /**
   * which global rank wrote the line matters: the reader adds the launcher's rank (torchrun's `[rankN]:` prefix, peeled
   * or in the line) as capture `launcherRank`
   */
  launcherRank?: boolean;
  /** lines that must be read as this signature */
  samples: readonly string[];
  /** lines that look alike and must not be */
  nearMisses?: readonly string[];
}

/**
 * A line said by or about NCCL (its WARN/INFO records, PyTorch's c10d NCCL errors, vLLM's pynccl), including NCCL
 * ≤2.3's WARN record, which has no `NCCL` token: `host:pid:tid [0] include/socket.h:196 WARN Connection closed ...`.
 */
export const NCCL_CONTEXT = /NCCL|nccl|ProcessGroupNCCL|DistBackendError|socketProgress|Net : |NET\/|\[\d+\] [\w./\-]+\.(?:cc|cu|h|c):\d+ WARN /;

/** NCCL WARNs that do not report a failure (CONTRACT.md: they never count as errors). */
export const BENIGN_WARN = new RegExp(`${BENIGN_ASYNC_EVENT.source}|${RCCL_ADVISORY_WARN.source}|${OFI_ADVISORY_WARN.source}|${FASTSOCKET_ADVISORY_WARN.source}|${CUDA_LIB_ADVISORY_WARN.source}|${TUNING_ADVISORY_WARN.source}|${/Failed to open libibverbs|CollNet is not supported|Could not find real path of (?!\/sys\/class\/pci_bus\/)|Could not find a path for pattern \d+, falling back to simple order|nvmlDeviceGetP2PStatus|repress this message with NCCL_IGNORE_DISABLED_P2P|Mismatched NCCL version detected : rank \d+ version (\d+) rank \d+ version \1\b|NET\/Plugin\s?: (?:No plugin found|Plugin load|dlerror|Could not find|Failed to find ncclNetPlugin|Using internal)|\bis deprecated\b|set by environment to/.source}`, "i");

/** NCCL's INFO lines that announce a retry (2.24+ prints one per attempt): a failure only if the log never gets past it. */
export const RETRY = /\bretrying\b|\bRetry(?:ing)? \d+\s*\/\s*\d+|retry \d+\/\d+|, retrying|after sleep/i;

/** Advice and help texts that name an OOM without reporting one. */
const OOM_ADVICE = /(?:to avoid|prevent|avoid(?:ing)?|in case of|if you (?:see|encounter|hit)|may cause) (?:a |an )?(?:(?:CUDA|HIP|XPU|NPU) (?:error: )?)?(?:out of memory|OOM|OutOfMemoryError)/i;

/** the file:line of NCCL's error chain (`misc/socket.cc:564 -> 2`): not ` -> `, which every connection line holds */
const CHAIN = [".cc:", ".c:", ".h:", ".cpp:", ".cu:"];
/** CHAIN, or the words of the proxy service WARNs that print a result code (see chainReturn) */
const CHAIN_OR_PROXY = [...CHAIN, ", res=", ", retcode "];
/**
 * One error-return line of that chain, `file:line -> N`, in every era's file names: `init.cu` / `transport/net_ib.cu`
 * (≤2.4), `*.cc` (2.5+), `include/*.h`, the IB plugin's `ib_plugin.c`; 2.30.7 adds the function, `file:line (func) -> N`.
 * Or the proxy service thread's WARN that prints the ncclResult_t it got (proxy.cc, 2.12 → 2.30): `[Service thread] Error encountered progressing operation=Connect, res=3, closing connection`,
 * `[Service thread] Could not receive type from localRank 0, res=3, closed=0` and `[Proxy Service 0] Failed to execute
 * operation Connect from rank 0, retcode 3`.
 */
const chainReturn = (codes: string) =>
  new RegExp(String.raw`\.(?:cc|cpp|cu|c|h|hpp):\d+(?: \([\w:~]+\))? -> ${codes}\b|(?:Error encountered progressing operation=\w+, res=|Could not receive type from localRank \d+, res=|Failed to execute operation \w+ from rank \d+, retcode )${codes}\b`);

/** What the NCCL rules read from their lines (the same sets on a failure and on its error-return lines). */
// `nvls`: the failing call was NCCL's NVLink SHARP multicast set-up (transport/nvls.cc: its CUCHECKs WARN `Cuda failure N '...'`,
// 2.27+ WARNs `Failed to bind NVLink SHARP (NVLS) Multicast memory of size N : CUDA error N '...'`); `systemNotReady`: CUDA's
// cudaErrorSystemNotReady (802, `system not yet initialized`), which an NVSwitch machine returns until its Fabric Manager is up
const CUDA_VALUES = [/(?:Cuda failure (?:\d+ )?|CUDA error \d+ |Test CUDA failure \S+:\d+ |(?:HIP|HSA) failure )'(?<cudaFailure>[^']+)'/, /(?<nvls>transport\/nvls\.cc|NVLink SHARP)/, /(?<systemNotReady>system not yet initiali[sz]ed|(?:Cuda failure|CUDA error) 802\b)/i, /(?<hipIpc>hipIpc(?:Get|Open)MemHandle) failed(?: ?: (?<hipIpcReason>\S(?:[^\r\n]*\S)?))?/, /(?<cudaIpc>failed to (?:get|open) CUDA IPC handle)(?: to device \S+)? : \d+ (?<cudaFailure>\S(?:[^\r\n]*\S)?)/, /(?<unhandledCuda>unhandled cuda error)/i, /(?<oom>\b(?:out of memory|calloc|malloc)\b)/i, /(?<unknownError>unknown error|(?:Cuda failure|CUDA error) 999\b)/i, /(?<peerAccess>peer access is not supported)/i, /(?<initError>initialization error)/i, /(?<invalidArgument>invalid argument)/i,
  // CUDA's cudaErrorTooManyPeers (711): a GPU maps at most eight peers; cudaErrorMapBufferObjectFailed / CUDA_ERROR_MAP_FAILED
  // (205): a cuMem mapping NCCL asked for (allocator.cc ncclMemAlloc, its P2P buffers) was refused
  /(?<tooManyPeers>peer mapping resources exhausted|(?:Cuda failure|CUDA error) 711\b)/i, /(?<mapFailed>mapping of buffer object failed|(?:Cuda failure|CUDA error) 205\b)/i,
  // CUDA_ERROR_NOT_PERMITTED (800): the driver refused the call; NCCL's fabric-memory allocation for multi-node NVLink
  // (cuMem with fabric handles) gets it in a process without an IMEX channel
  /(?<notPermitted>operation not permitted|(?:Cuda failure|CUDA error) 800\b)/i,
  // CUDA's cudaErrorECCUncorrectable and cudaErrorNvlinkUncorrectable strings: the GPU's memory or its NVLink failed
  /(?<hardware>uncorrectable ECC error|uncorrectable NVLink error)/i,
  // a kernel fault CUDA keeps on the context (cudaErrorIllegalAddress 700, Assert 710, IllegalInstruction 715,
  // MisalignedAddress 716, LaunchFailure 719): NCCL's call only reports a fault an earlier kernel made, often not NCCL's
  /(?<kernelFault>an illegal memory access was encountered|misaligned address|unspecified launch failure|an illegal instruction was encountered|device-side assert triggered)/i,
  // cudaErrorInvalidDevice (101): the process named a device number it cannot see (CUDA_VISIBLE_DEVICES renumbers from 0)
  /(?<invalidDevice>invalid device ordinal)/i,
  // a library without code for this GPU's architecture: HIP's hipErrorInvalidKernelFile (218, `invalid kernel file`: no code
  // object for the gfx target in the fat binary), hipErrorNoBinaryForGpu and CUDA's cudaErrorNoKernelImageForDevice (209, `no
  // kernel image is available for execution on the device`), and cudaErrorInvalidDeviceFunction / hipErrorInvalidDeviceFunction
  // (98, `invalid device function`) that a launch of a kernel built for other architectures returns
  /(?<noKernelForArch>invalid kernel file|no kernel image is available for execution on the device|invalid device function)/i,
  // nccl-tests' own CUDACHECK (src/common.h): `host: Test CUDA failure common.cu:941 '...'` is the test program's call, not NCCL's
  /(?<testHarness>\bTest CUDA failure [\w./\-]+:\d+)/,
  // graph/paths.cc's ncclTopoCheckP2p: NVML reports the peer status of two NVLink-connected GPUs not OK, and NCCL returns
  // ncclUnhandledCudaError without any CUDA call failing (the WARN is the only cause the log gives)
  /P2P is disabled between NVLINK connected GPUs (?<nvlinkP2pA>\d+) and (?<nvlinkP2pB>\d+)/i,
  // NCCL's ncclCudaLibraryInit (misc/cudawrap.cc, 2.13 on) loading the CUDA driver's entry points, which it then returns
  // ncclSystemError for: `CUDA some PFN functions not found in the library` (cuGetProcAddress found no entry point of a
  // version this NCCL was built against), `Failed to load CUDA missing symbol cuGetProcAddress`, `CUDA Driver version found
  // is 11020. Minimum requirement is 11030`: the driver is older than NCCL's CUDA, or the libcuda.so loaded is not the driver's
  /(?<driverLoad>some PFN functions not found in the library|Failed to load CUDA missing symbol (?<driverSymbol>\w+)|CUDA Driver version found is (?<driverFound>\d+)\. Minimum requirement is (?<driverNeeded>\d+))/];
/**
 * The memory knob vLLM's KV-cache errors tell the user to raise: `gpu_memory_utilization` on GPUs, a host-memory size
 * on the backends that keep the cache in RAM (V0 vllm/worker/cpu_worker.py and openvino_worker.py
 * raise_if_cache_size_invalid: ``Try increasing `VLLM_CPU_KVCACHE_SPACE` ...``)
 */
const KV_SPACE_KNOB = /Try increasing `(?<knob>VLLM_\w+_KVCACHE_SPACE)`/;
// vllm-metal's budget breakdown (decimal GB, 1e9 bytes) and the knob its mitigations name: VLLM_METAL_MEMORY_FRACTION,
// or --gpu-memory-utilization (its fraction since vllm-metal read that flag: `increase --gpu-memory-utilization (currently 0.05)`)
const METAL_KV_VALUES = [
  /\b(?<metal>Metal) memory for KV cache/,
  /\bkv_budget=-(?<negativeGB>[\d.]+)GB/,
  /\bmodel_memory=(?<modelGB>[\d.]+)GB/,
  /\busable_metal=(?<usableGB>[\d.]+)GB/,
  /\bfraction=(?<fraction>[\d.]+)/,
  /\bincrease (?<metalKnob>VLLM_METAL_MEMORY_FRACTION|--gpu-memory-utilization)\b/,
];
// a `-> 6` return inside bootstrap.cc (bootstrapInit's connections, bootstrapAllGather, ring exchange): the peer was lost
// while the ranks were still setting up the communicator
const REMOTE_VALUES = [/(?:remote peer|recv from|send to|from) (?<peer>\S+?)<\d+>/, /\b(?<inBootstrap>bootstrap)\.(?:cc|cu):\d+ -> 6\b/];
// an IPv6 link-local target keeps its zone (`fe80::1%veth12ab<54785>`, getnameinfo's numeric form in ncclSocketToString):
// the interface the peer's address was taken from, a virtual one when the peer advertised its docker/veth address
const BOOTSTRAP_VALUES = [/[Cc]onnect to (?<target>\S+?)(?:<(?<port>\d+)>)? failed/, /Call to (?:recv from|send to) (?<target>\S+?)<(?<port>\d+)> failed : Connection refused/, /[Cc]onnect to [0-9A-Fa-f:.]+%(?<zone>[\w.-]+?)(?:<\d+>)?[\s,]/, /(?<refused>refused)/i, /(?<timedOut>timed? ?out)/i, /(?<noRoute>No route to host)/i, /(?<unreachable>Network is unreachable)/i, /(?<noIface>no socket interface found|no interface found)/i];

// graph/xml.h xmlGetAttr* (2.6.4 → 2.30): `Attribute arch of node cpu not found`, a topology XML node without an attribute
// NCCL reads (then `graph/topo.cc:N -> 3`); also inside PyTorch's `Last error:` and XLA's `Last NCCL warning(error) log entry`
const TOPO_ATTR = "Attribute \\w+ of node \\w+ not found";
/** graph/paths.cc: a link NCCL's topology search found with no way back (`Failed to find reverse path from remNode 0/41000 nlinks 2 to node 0/61000`), then `-> 3` */
const TOPO_PATH = "Failed to find reverse path from remNode";
/**
 * allocator.cc ncclSpaceAlloc (2.28 → 2.30): the symmetric-memory address space of a rank (NCCL_WIN_STRIDE, by default the
 * largest GPU memory of the communicator rounded up to 4 GiB) has no free range for a window being registered
 * (`Allocation failed. No suitable space found to accommodate size=0x… within limit=0x…`), then `dev_runtime.cc:N -> 3`
 */
const SPACE_FULL = "No suitable space found to accommodate";
const INTERNAL_VALUES = [
  new RegExp(`(?<detail>Last error: \\S|neither AF_INET|wrong (?:type|magic)|Message truncated|collective mismatch error|mismatch in (?:rank count|info)|${TOPO_ATTR}|${TOPO_PATH}|${SPACE_FULL})`, "i"),
  /(?<badFamily>neither AF_INET)/,
  /Attribute (?<topoAttr>\w+) of node (?<topoNode>\w+) not found/,
  /Failed to find (?<reversePath>reverse path) from remNode (?<pathFrom>\d+\/[0-9a-f]+) nlinks \d+ to node (?<pathTo>\d+\/[0-9a-f]+)/i,
  /No suitable space found to accommodate size=(?<spaceSize>0x[0-9a-fA-F]+|\d+)(?: within limit=(?<spaceLimit>0x[0-9a-fA-F]+|\d+))?/,
  // a receive that got more bytes than it posted: NET/Socket's and NET/IB's `message truncated : receiving N bytes instead
  // of M` (the ranks disagree on a collective's size, order or protocol), bootstrap's `Message truncated : received …`
  // (`setupStep`: the past tense is the framing check of bootstrap.cc's socket receive, every 2.x, and of the ≤2.3 socket
  // transport, whose file `socketFile` names: a set-up message from a peer at another step of the exchange)
  /(?<truncated>message truncated)(?:\b.*?receiv(?:ing|(?<setupStep>ed)) (?<gotBytes>\d+) bytes instead of (?<wantBytes>\d+))?/i,
  // net_ib's check before it writes to the peer's buffer: this rank has more to send than the receive the peer posted
  // (`NET/IB : collective mismatch error local size N remote M addr .. rkey .. seq ..`, ≤2.11, returning ncclInternalError;
  // `NET/IB : req r/n tag t peer <addr> collective mismatch error, local size N remote size M`, later, ncclInvalidUsage):
  // the ranks called different collectives, or the same one with other sizes or in another order
  /NET\/IB\s?: (?:req \d+\/\d+ tag \w+ peer (?<mismatchPeer>\S+) )?(?<collMismatch>collective mismatch error),? local size (?<sendBytes>\d+) remote(?: size)? (?<postedBytes>\d+)/i,
  /(?<socketFile>net_socket\.cu?):\d+ (?:NCCL )?WARN Message truncated/,
];
/** PyTorch's watchdog line and its progress line (`last enqueued NCCL work: …`) */
const TIMEOUT_VALUES = [
  /Rank (?<wRank>\d+)\]\s*Watchdog caught collective operation timeout: Work(?<lib>[NH])CCL\(SeqNum=(?<seq>\d+), OpType=(?<op>\w+)(?:.*?Timeout\(ms\)=(?<timeoutMs>\d+))?\)(?: ran for (?<ranMs>\d+) milliseconds)?/,
  // (PyTorch 2.1-2.4: `… detected by watchdog at work: 5, last enqueued NCCL work: 5, last completed NCCL work: 4.`; 2.5 on:
  // `… failure detected by watchdog at work sequence id: 5 PG status: last enqueued work: 5, last completed work: 4`)
  /Rank (?<pRank>\d+)\].*?(?:at NCCL work|watchdog at work(?: sequence id)?): \d+,? (?:PG status: )?last enqueued (?:NCCL )?work: (?<pEnqueued>-?\d+), last completed (?:NCCL )?work: (?<pCompleted>-?\d+)/,
  // the heartbeat monitor: `Heartbeat monitor timed out!` (PyTorch 2.2-2.3, with the stuck text as its exit message),
  // `ProcessGroupNCCL's watchdog got stuck for N seconds ...` (2.4 on, its own record)
  /(?<heartbeat>Heartbeat monitor timed out|watchdog got stuck for (?<stuckSec>\d+) seconds)/,
  // ProcessGroupNCCL's `Some NCCL operations have failed or timed out.`: printed for a failed collective as for a timeout
  // (torch_npu's ProcessGroupHCCL, a port of it, prints `WorkHCCL(...)` and `Some HCCL operations ...`: `lib`/`foLib` H)
  /(?<failedOrTimedOut>(?<foLib>[NH])CCL operations have failed or timed out)/,
  // the process group ProcessGroupNCCL's record names (2.3 `[PG 5 Rank 3]`, 2.4 on `[PG ID 2 PG GUID 11(name) Rank 1]`):
  // its `Rank N` is the rank within that group, and its work counters count that group's collectives
  /\[PG (?:ID )?(?<pgId>\d+)(?: PG GUID (?<pgGuid>\d+)(?:\([^)\]]*\))?)? Rank \d+\]/,
];

/** the CUDA runtime's words (cudaGetErrorString) for the failures of stream capture, the CUDA graph recording */
const CAPTURE_MESSAGES = [
  "operation not permitted when stream is capturing",
  "operation failed due to a previous error during capture",
  "operation would result in a merge of separate capture sequences",
  "capture was not ended in the same stream as it began",
  "capturing stream has unjoined work",
  "dependency created on uncaptured work in another stream",
  "operation would make the legacy stream depend on a capturing blocking stream",
  "operation not permitted on an event last recorded in a capturing stream",
  "attempt to terminate a thread-local capture sequence from another thread",
].join("|");

/**
 * The CUDA errors vllm/cuda-error explains, by the runtime's enum name (cudaGetErrorName, as torch's hint line prints it)
 * and its words (cudaGetErrorString, as `CUDA error: <words>` prints them): a running kernel's faults, a build without
 * kernels for the GPU, the GPU's hardware errors, the calls the platform refuses and a kernel a display watchdog ended.
 * (CUDA Runtime API, cudaError_t.)
 */
export const CUDA_FAULTS: Readonly<Record<string, string>> = {
  cudaErrorIllegalAddress: "an illegal memory access was encountered",
  cudaErrorMisalignedAddress: "misaligned address",
  cudaErrorLaunchFailure: "unspecified launch failure",
  cudaErrorIllegalInstruction: "an illegal instruction was encountered",
  cudaErrorAssert: "device-side assert triggered",
  cudaErrorNoKernelImageForDevice: "no kernel image is available for execution on the device",
  cudaErrorInvalidDeviceFunction: "invalid device function",
  cudaErrorInvalidConfiguration: "invalid configuration argument",
  cudaErrorLaunchOutOfResources: "too many resources requested for launch",
  cudaErrorECCUncorrectable: "uncorrectable ECC error encountered",
  cudaErrorNvlinkUncorrectable: "uncorrectable NVLink error detected during the execution",
  cudaErrorUnknown: "unknown error",
  cudaErrorOperatingSystem: "OS call failed or operation not supported on this OS",
  cudaErrorNotSupported: "operation not supported",
  cudaErrorLaunchTimeout: "the launch timed out and was terminated",
};
/** the words as torch prints them after `CUDA error: ` (older CUDA said `uncorrectable ECC error was encountered`; a longer phrase before its prefix) */
const CUDA_FAULT_WORDS = [
  "an illegal memory access was encountered", "misaligned address", "unspecified launch failure", "an illegal instruction was encountered",
  "device-side assert triggered", "no kernel image is available for execution on the device", "invalid device function",
  "invalid configuration argument", "too many resources requested for launch", "(?:an )?uncorrectable ECC error (?:was )?encountered",
  "uncorrectable NVLink error detected during the execution", "unknown error", "OS call failed or operation not supported on this OS",
  "operation not supported", "the launch timed out and was terminated",
].join("|");
const CUDA_FAULT_NAMES = Object.keys(CUDA_FAULTS).join("|");

export const SIGNATURES: readonly Signature[] = [
  {
    id: "nccl.systemError", dialect: "nccl", level: "error", anyOf: ["system error", "ncclsystemerror"],
    pattern: /unhandled system error|ncclSystemError/i,
    samples: [
      "RuntimeError: NCCL error: unhandled system error (run with NCCL_DEBUG=INFO for details)",
      "torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/NCCLUtils.hpp:275, unhandled system error (run with NCCL_DEBUG=INFO for details), NCCL version 2.20.5",
    ],
  },
  {
    // init.cc's (later mnnvl.cc's) multi-node NVLink self-test (2.23 → 2.30): the GPUs form an NVLink clique
    // across nodes (GB200/GB300 NVL72), but fabric memory could not be allocated (`Check the IMEX channel configuration
    // (/dev/nvidia-caps-imex-channels)`: the process has no IMEX channel) or exported and imported (`Check the IMEX
    // configuration (nvidia-imex-ctl -N)`: the IMEX daemons); NCCL then returns ncclSystemError
    id: "nccl.mnnvl", dialect: "nccl", level: "error", anyOf: ["is available but not working"],
    values: [/MNNVL \(cliqueSize (?<cliqueSize>\d+)\)/, /(?<imexChannel>IMEX channel configuration)/i, /(?<imexDaemon>nvidia-imex-ctl)/],
    pattern: /MNNVL \(cliqueSize \d+\) is available but not working/,
    samples: [
      "nvl-3:812:812 [2] mnnvl.cc:67 NCCL WARN MNNVL (cliqueSize 16) is available but not working on this system. Check the IMEX channel configuration (/dev/nvidia-caps-imex-channels). Set NCCL_MNNVL_ENABLE=0 to ignore this issue.",
      "nvl-3:812:812 [2] init.cc:1340 NCCL WARN MNNVL (cliqueSize 72) is available but not working on this system. Check the IMEX configuration (nvidia-imex-ctl -N). Set NCCL_MNNVL_ENABLE=0 to ignore this issue.",
    ],
    nearMisses: ["nvl-3:812:830 [2] NCCL INFO MNNVL busId 0x1901000 fabric UUID 3143b15bc2cd192b.28cc9b5473fb5b93 cliqueId 0x7ffe state 3 healthMask 0xaa", "nvl-3:812:830 [2] NCCL INFO MNNVL 1 cliqueId 7ffe cliqueSize 8 cliqueRank 2"],
  },
  {
    id: "nccl.systemErrorReturn", dialect: "nccl", level: "error", anyOf: CHAIN_OR_PROXY,
    // (`chainFile`: the source file of the return, which names the transport whose call failed when the chain starts there)
    // (`chainThread`: the record's `host:pid:tid`, one NCCL thread's chain; `chainErrno`: the errno text 2.18's socket
    // code prints after the code, `misc/socket.cc:505 -> 2 (Operation now in progress)`)
    values: [/(?<chainFile>[\w./-]+?\.(?:cc|cpp|cu|c|h|hpp)):\d+(?: \([\w:~]+\))? -> 2\b(?: \((?<chainErrno>[A-Za-z][^)]*)\))?/, /(?<chainThread>[\w.-]+:\d+:\d+) \[\d+\] /],
    pattern: chainReturn("2"),
    samples: [
      "ubuntu:39964:40075 [0] NCCL INFO misc/socket.cc:564 -> 2", "node:1:2 [0] NCCL INFO transport/net.cc:592 -> 2 [Proxy Thread]",
      "[1,4]<stdout>:gpu7:4105:4372 [0] NCCL INFO transport/net_ib.cu:407 -> 2", "node:1:2 [0] NCCL INFO misc/socket.cc:564 (ncclSocketConnect) -> 2",
    ],
    nearMisses: ["node:1:2 [0] NCCL INFO init.cc:100 -> 20"],
  },
  {
    // topology detection could not turn a GPU's bus id into its sysfs device: `Could not find real path of
    // /sys/class/pci_bus/0000:02/../../0000:02:00.0` (include/topo.h getCudaPath in 2.4, graph/xml.cc / graph/topo.cc
    // getPciPath from 2.5), then `-> 2` up to init. The process does not see the host's PCI tree there (WSL2 before
    // NCCL's WSL support, a sandboxed runtime, a VM whose bus ids CUDA and /sys disagree on). A NIC's path
    // (`/sys/class/net/eth0/device`, `rxe0`) is not this: NCCL goes on without it (BENIGN_WARN).
    id: "nccl.pciPathMissing", dialect: "nccl", level: "error", anyOf: ["/sys/class/pci_bus/"],
    values: [/\/sys\/class\/pci_bus\/[0-9a-f]{4}:[0-9a-f]{2}\/\.\.\/\.\.\/(?<pciBusId>[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7])\b/i],
    pattern: /Could not find real path of \/sys\/class\/pci_bus\//,
    samples: [
      "box:430:2237 [0] include/topo.h:27 NCCL WARN Could not find real path of /sys/class/pci_bus/0000:02/../../0000:02:00.0",
      "[1,0]<stdout>:c0ffee:687:748 [0] graph/xml.cc:332 NCCL WARN Could not find real path of /sys/class/pci_bus/0000:03/../../0000:03:00.0",
      "box:430:2237 [0] graph/xml.cc:332 NCCL WARN Could not find real path of /sys/class/pci_bus/0000:0",
    ],
    nearMisses: [
      "box:430:2237 [0] include/net.h:24 NCCL WARN Could not find real path of /sys/class/net/eth0/device",
      "box:430:2237 [0] graph/xml.cc:350 NCCL WARN Could not find real path of rxe0 (/sys/devices/virtual/infiniband/rxe0)",
      "ls: cannot access '/sys/class/pci_bus/0000:02/../../0000:02:00.0': No such file or directory",
    ],
  },
  {
    id: "nccl.internalError", dialect: "nccl", level: "error", anyOf: ["internal error", "ncclinternalerror", "internal check failed", "does not loop back", "does not contain rank"],
    values: INTERNAL_VALUES,
    // graph/rings.cc's ring checks WARN and return ncclInternalError (2.4 → 2.30): `Error : ring 0 does not loop back to start (13 != 15)`
    pattern: /\binternal error\b|ncclInternalError|Internal check failed|\bring \d+ does not (?:loop back to start|contain rank)\b/i, needsContext: true,
    samples: ["RuntimeError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1275, internal error - please report this issue to the NCCL developers, NCCL version 2.18.1"],
    nearMisses: ["INFO 01-01 00:00:00 server.py:1] Internal Server Error for request 7"],
  },
  {
    id: "nccl.internalErrorReturn", dialect: "nccl", level: "error", anyOf: CHAIN_OR_PROXY,
    values: INTERNAL_VALUES,
    pattern: chainReturn("3"),
    samples: [
      "gpu1:210:230 [0] NCCL INFO bootstrap.cc:150 -> 3",
      "node-a:11:12 [0] proxy.cc:1485 NCCL WARN [Service thread] Error encountered progressing operation=Connect, res=3, closing connection",
      "node-a:11:12 [0] proxy.cc:1519 NCCL WARN [Proxy Service 0] Failed to execute operation Connect from rank 0, retcode 3",
    ],
    nearMisses: ["node-a:11:12 [0] proxy.cc:1519 NCCL WARN [Proxy Service 0] Failed to execute operation Connect from rank 0, retcode 30"],
  },
  {
    id: "nccl.remoteExited", dialect: "nccl", level: "error", anyOf: ["remote process", "ncclremoteerror"],
    values: REMOTE_VALUES,
    pattern: /remote process exited or there was a network error|ncclRemoteError|remote process exiting prematurely/i,
    samples: [
      "[rank1]:[E ProcessGroupNCCL.cpp:1414] [PG 0 Rank 1] Process group watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error, NCCL version 2.20.5",
      "ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely.",
    ],
  },
  {
    // (2.24+ names a failed send as it names a receive: `socketProgressOpt: Call to send to 10.0.0.3<41000> failed : ...`)
    id: "nccl.remoteExitedNet", dialect: "nccl", level: "error", anyOf: ["closed by remote peer", "reset by peer", "call to recv from", "call to send to", "broken pipe"],
    values: REMOTE_VALUES,
    // (a receive or send that says `Connection refused` met a connection that was never opened: nccl.bootstrapWeak reads it)
    pattern: /Connection closed by remote peer|Connection reset by peer|Call to (?:recv from|send to) \S+ failed(?! : Connection refused)|Broken pipe/i, needsContext: true,
    samples: ["gpu-node2:2985003:2985024 [0] misc/socket.cc:49 NCCL WARN socketProgress: Connection closed by remote peer gpu-node1<45074>", "node-1:7:9 [2] misc/socket.cc:60 NCCL WARN socketProgressOpt: Call to send to 10.0.4.9<41468> failed : Connection timed out"],
    nearMisses: ["ERROR 01-01 00:00:00 client.py:1] Connection reset by peer while streaming a response", "gpu-b:4410:4467 [3] misc/socket.cc:503 NCCL WARN Net : Call to recv from 10.8.1.22<45131> failed : Connection refused"],
  },
  {
    id: "nccl.remoteErrorReturn", dialect: "nccl", level: "error", anyOf: CHAIN_OR_PROXY,
    values: REMOTE_VALUES,
    pattern: chainReturn("6"),
    samples: ["gpu-node2:2985003:2985024 [0] NCCL INFO transport/net.cc:1298 -> 6"],
  },
  {
    // (RCCL's P2P transport WARNs its HIP IPC calls by name: `transport/p2p.cc:239 NCCL WARN hipIpcGetMemHandle failed : invalid argument`;
    // its rocmwrap.h checks of HIP driver and HSA calls say `HIP failure 'out of memory' at file:line` and `HSA failure '...' at file:line`)
    id: "nccl.cudaError", dialect: "nccl", level: "error", anyOf: ["cuda failure", "unhandled cuda error", "ncclunhandledcudaerror", "failed to cuda", "hipipc", "hip failure '", "hsa failure '", "failed to bind nvlink sharp", "nvlink connected gpus", "cuda ipc handle", "pfn functions not found", "failed to load cuda missing symbol", "cuda driver version found is"],
    values: CUDA_VALUES,
    // (NCCL 2.4-2.7 transport/p2p.cc WARNs its cudaIpcGetMemHandle / cudaIpcOpenMemHandle failures by name and returns
    // ncclUnhandledCudaError: `rank 1 failed to get CUDA IPC handle to device 0(=3b000) : 11 invalid argument`,
    // `failed to open CUDA IPC handle : 217 peer access is not supported between these two devices`; 2.8+ CUDACHECKs them)
    pattern: /Cuda failure|unhandled cuda error|ncclUnhandledCudaError|Failed to CUDA (?:calloc|malloc|host ?alloc)|hipIpc(?:Get|Open)MemHandle failed|failed to (?:get|open) CUDA IPC handle|\b(?:HIP|HSA) failure '|Failed to bind NVLink SHARP \(NVLS\) Multicast memory|P2P is disabled between NVLINK connected GPUs \d+ and \d+|CUDA some PFN functions not found in the library|Failed to load CUDA missing symbol \w+|CUDA Driver version found is \d+\. Minimum requirement is \d+/i,
    samples: [
      "vllm-head-0:30486:30486 [0] misc/cudawrap.cc:196 NCCL WARN CUDA some PFN functions not found in the library",
      "n:3:4 [0] misc/cudawrap.cc:172 NCCL WARN Failed to load CUDA missing symbol cuGetProcAddress",
      "n:3:4 [0] misc/cudawrap.cc:161 NCCL WARN CUDA Driver version found is 11020. Minimum requirement is 11030",
      "n:3:4 [3] include/alloc.h:178 NCCL WARN Cuda failure 'out of memory'", "n:3:4 [3] include/alloc.h:185 NCCL WARN Failed to CUDA calloc 6291456 bytes", "Cuda failure 1 'invalid argument'",
      "hgx-7:4100:4180 [3] transport/nvls.cc:254 NCCL WARN Cuda failure 1 'invalid argument'",
      "gb-2:610:688 [1] include/alloc.h:142 NCCL WARN Cuda failure 800 'operation not permitted'",
      "hgx-7:4100:4180 [3] transport/nvls.cc:287 NCCL WARN Failed to bind NVLink SHARP (NVLS) Multicast memory of size 4194304 : CUDA error 401 'the operation cannot be performed in the present state'.",
      "[rank5]: Cuda failure 802 'system not yet initialized'",
      "rig:20:21 [0] graph/paths.cc:327 NCCL WARN P2P is disabled between NVLINK connected GPUs 1 and 0. This should not be the case given their connectivity, and is probably due to a hardware issue. If you still want to proceed, you can set NCCL_IGNORE_DISABLED_P2P=1.",
      "mi-a:461:502 [1] /opt/rocm/share/rccl/build/hipify/src/transport/p2p.cc:239 NCCL WARN hipIpcGetMemHandle failed : invalid argument",
      "w7:3120:3190 [1] transport/p2p.cc:237 NCCL WARN failed to open CUDA IPC handle : 217 peer access is not supported between these two devices",
      "w7:3121:3188 [0] transport/p2p.cu:404 NCCL WARN rank 1 failed to get CUDA IPC handle to device 0(=3b000) : 11 invalid argument",
      "mi-a:461:502 [1] /opt/rccl/src/include/alloc.h:212 NCCL WARN HIP failure 'out of memory' at /opt/rccl/src/include/alloc.h:212",
      "mi-a:461:502 [1] /opt/rccl/src/transport/net_ib.cc:901 NCCL WARN HSA failure 'HSA_STATUS_ERROR_INVALID_ARGUMENT: One of the actual arguments does not meet a precondition stated in the documentation of the corresponding formal argument.' at /opt/rccl/src/transport/net_ib.cc:901",
    ],
    nearMisses: ["[FATAL ERROR]: HIP failure: 'invalid device pointer'"],
  },
  {
    id: "nccl.cudaErrorReturn", dialect: "nccl", level: "error", anyOf: CHAIN_OR_PROXY,
    values: CUDA_VALUES,
    pattern: chainReturn("1"),
    samples: ["n:3:4 [3] NCCL INFO init.cc:1478 -> 1"],
  },
  {
    id: "nccl.ibError", dialect: "nccl", level: "error", anyOf: ["ibv_", "got completion from peer", "got completion with error", "net/ib :", "net/ib:", "ib_plugin.c"],
    // the completion status: `with error 12,` (in-tree net_ib before 2.19), `status=12` (HPC-X ib_plugin.c and 2.19-2.2x),
    // `status=IBV_WC_RETRY_EXC_ERR(12)` (2.28+ prints ibvWcStatusStr(status) and then the number in brackets)
    // `ncclSays`: the line itself is NCCL's (a bare `ibv_modify_qp failed` may be another RDMA library's, as NVSHMEM's)
    // the HCA's async events (net_ib.cc's async thread, every version): `NET/IB : Got async event : port error` (2.4+),
    // `NET/IB : mlx5_0:1 Got async event : ...` (the device and port added later), and the newest split by weight,
    // `NET/IB : mlx5_0:1 async fatal event[ on QP (0x..)| on CQ (0x..)]: <event>` and `Got non-fatal async event: <event>(N)`;
    // the event is libibverbs' ibv_event_type_str (`port error`, `local catastrophic error`, `... work queue error`, `CQ error`)
    values: [/(?:Got (?:non-fatal )?async event ?: ?|async fatal event(?: on (?:QP|CQ|SRQ)\b[^:]*)?: )(?<event>[A-Za-z_][\w /]*?)(?:\(\d+\))?\s*$/, /NET\/IB\s?: (?<eventDev>[\w.-]+):(?<eventPort>\d+) (?:Got |async )/,
      /(?:status=(?:[A-Za-z_]\w*\()?|with error )(?<status>\d+)/, /(?<verb>ibv_\w+) failed(?: with error (?<verbError>.*?))?(?:\s+errno \d+)?$/, /from peer (?<peer>\S+?)<\d+>/, /(?<ncclSays>NCCL|ibvwrap|net_ib|NET\/IB|ib_plugin)/,
      // the GIDs a completion error names (net_ib 2.19+, HPC-X ib_plugin.c): `localGid ::ffff:10.0.0.1` is a RoCE v2 GID
      // over IPv4 (an IPv4-mapped address), `fe80::...` a link-local one (InfiniBand's default, or RoCE's index 0 / v1)
      /localGid (?<localGid>[0-9a-fA-F:.]+)/,
      // 2.27+ ibvwrap.c's ibv_modify_qp failure names the errno, the HCA and port, the QP transition and the GIDs:
      // `Call to ibv_modify_qp failed with 110 Connection timed out, on dev mlx5_4:1, curr state INIT, next state RTR,
      // local GID index 3, local GID ::ffff:10.1.2.3, remote GID ::ffff:10.1.2.9` (older ones: `... failed with error X errno N`)
      /(?<verb>ibv_\w+) failed with (?<verbErrno>\d+) (?<verbError>[^,]+), on dev (?<qpDev>[\w.-]+):(?<qpPort>\d+), curr state (?<qpFrom>\w+), next state (?<qpTo>\w+)(?:, local GID index (?<gidIndex>-?\d+))?(?:, local GID (?<localGid>[0-9a-fA-F:.]+))?/,
      // the HCA a completion error came through, last on net_ib's completion WARN (2.2x+, also `NET/IB/GIN:`):
      // `... remoteGids::ffff:10.1.0.8 hca mlx5_3`
      /\bhca (?<hca>[\w.-]+)\s*$/,
      // the verbs provider's own report of an error completion it polled, before NCCL (or any user of the queue) sees its
      // status: rdma-core's mlx5 (providers/mlx5/cq.c, every release) writes `mlx5: <hostname>: got completion with error:`
      // to stderr and then the 64-byte CQE as four lines of hex words; the hostname is `host_unknown` where gethostname()
      // failed; it stays silent for flushed work requests and for retry-exceeded ones (those NCCL reports itself). Other
      // providers print the same words without the `mlx5: ` tag (`<hostname>: got completion with error:`).
      /(?<cqeDump>(?:^|[\s)\]])(?:(?<cqeProvider>mlx5): )?[\w.-]+: got completion with error:)/],
    pattern: anyOfSources(["Call to ibv_\\w+ failed", "ibv_\\w+ failed", "Got completion from peer", "(?:^|[\\s)\\]])(?:mlx5: )?[\\w.-]+: got completion with error:", firstThen("NET\\/IB\\s?: ", "(?![^]*?collective mismatch error).*(?:async (?:error )?event|error|failed)"), "ib_plugin\\.c:\\d+ NCCL WARN"], "i"),
    samples: [
      "node:1:2 [0] transport/net_ib.cc:1295 NCCL WARN NET/IB : Got completion from peer 10.0.0.2<55921> with status=12 opcode=1 len=0 vendor err 129 (Send) localGid ::ffff:10.0.0.1 remoteGids::ffff:10.0.0.2",
      "node:1:2 [0] misc/ibvwrap.cc:262 NCCL WARN Call to ibv_modify_qp failed with error Connection timed out errno 110",
      "gpu7:40:41 [2] transport/net_ib/p2p.cc:648 NCCL WARN NET/IB: Got completion from peer 10.1.0.8<40100> with status=IBV_WC_RETRY_EXC_ERR(12) opcode=IBV_WC_RDMA_WRITE(1) vendor_err=129 localGid ::ffff:10.1.0.7 remoteGids::ffff:10.1.0.8 hca mlx5_3",
      "host-01:4411:4470 [5] ibvwrap.c:262 NCCL WARN Call to ibv_modify_qp failed with 110 Connection timed out, on dev mlx5_4:1, curr state INIT, next state RTR, local GID index 3, local GID ::ffff:10.1.2.3, remote GID ::ffff:10.1.2.9",
      "gpu3:71:90 [0] transport/net_ib.cc:93 NCCL WARN NET/IB : Got async event : port error",
      "gpu3:71:90 [0] transport/net_ib.cc:101 NCCL WARN NET/IB : mlx5_4:1 Got async event : local catastrophic error",
      "gpu3:71:90 [0] transport/net_ib/common.cc:160 NCCL WARN NET/IB : mlx5_4:1 async fatal event on QP (0x5581c0e0): local access violation work queue error",
      "mlx5: gpu-node-07: got completion with error:",
      "mlx5: host_unknown: got completion with error: [repeated 3x across cluster]",
    ],
    nearMisses: [
      "node:1:2 [0] NCCL INFO Call to ibv_set_ece failed with error Operation not supported errno 95", "node:1:2 [0] NCCL INFO Call to ibv_query_ece not supported",
      "the test got completion with errors ignored",
      "gpu-a:140:161 [0] transport/net_ib.cc:651 NCCL WARN NET/IB : collective mismatch error local size 524288 remote 65536 addr 7f00aa010000 rkey 1c2d seq 12/12",
    ],
  },
  {
    id: "nccl.duplicateGpu", dialect: "nccl", level: "error", anyOf: ["duplicate gpu", "multiple ranks", "nccl_multi_rank_gpu_enable", "both on cuda device"],
    values: [/rank (?<rankA>\d+) and rank (?<rankB>\d+) both on CUDA device (?<device>\w+)/],
    // (init.cc's message body alone, quoted without `Duplicate GPU detected :`, still names two ranks on one device)
    // (the variable named in advice, not NCCL's echo of it being set: `NCCL_MULTI_RANK_GPU_ENABLE set by environment to 1.`
    // allows ranks to share a GPU)
    pattern: anyOfSources(["Duplicate GPU detected", firstThen("Multiple ranks ", ".* same (?:GPU|CUDA device)"), "NCCL_MULTI_RANK_GPU_ENABLE(?! set by environment)", "\\brank \\d+ and rank \\d+ both on CUDA device \\w"], "i"),
    samples: ["node:1:2 [0] init.cc:521 NCCL WARN Duplicate GPU detected : rank 1 and rank 0 both on CUDA device 1b000", "ERROR: two processes share a GPU: rank 5 and rank 1 both on CUDA device 3b000"],
    nearMisses: ["box:311:311 [0] NCCL INFO NCCL_MULTI_RANK_GPU_ENABLE set by environment to 1."],
  },
  {
    // NCCL 2.4-2.6's device-side checks (NCCL_CHECKS, init.cc ncclCommGetAsyncError): a kernel found the ranks on different
    // collectives (`Mismatched collective detected, please check your collective calls at and around rank N. ...`, the
    // communicator failing with ncclInvalidUsage) or suspected it while waiting (`Your program may be hanging, this may be
    // caused by a collective mismatch around rank N. ...`). N is the rank that printed it.
    id: "nccl.collMismatchWarn", dialect: "nccl", level: "error", anyOf: ["mismatched collective detected", "caused by a collective mismatch"],
    values: [/(?:at and )?around rank (?<aroundRank>\d+)/, /(?<suspected>may be hanging)/],
    pattern: /\bMismatched collective detected\b|\bmay be caused by a collective mismatch around rank \d/,
    samples: [
      "init.cc:1247 NCCL WARN Mismatched collective detected, please check your collective calls at and around rank 39. You can use NCCL_DEBUG=INFO and NCCL_DEBUG_SUBSYS=COLL to see the collective logs",
      "node-3:4410:4490 [2] init.cc:1195 NCCL WARN Your program may be hanging, this may be caused by a collective mismatch around rank 2. Please check your collective calls at and around this rank. You can use NCCL_DEBUG=INFO and NCCL_DEBUG_SUBSYS=COLL to see the collective logs",
    ],
    nearMisses: ["gpu-a:140:161 [0] transport/net_ib.cc:651 NCCL WARN NET/IB : collective mismatch error local size 524288 remote 65536 addr 7f00aa010000 rkey 1c2d seq 12/12"],
  },
  {
    // PyTorch's ProcessGroupWrapper (TORCH_DISTRIBUTED_DEBUG=DETAIL; ProcessGroupWrapper.cpp runCollectiveChecks) compares
    // each collective's fingerprint across ranks over a Gloo helper group before running it, and raises on a difference:
    // `Detected mismatch between collectives on ranks. Rank A is running collective: CollectiveFingerPrint(SequenceNumber=N,
    // OpType=X, TensorShape=[...], ...), but Rank B is running collective: CollectiveFingerPrint(...).` (1.10-1.12: `Rank A
    // is running inconsistent collective: CollectiveFingerPrint(OpType=X, ...)`, the other rank's op alone; 2.1+ adds
    // `Collectives differ in the following aspects: <what>`). The collective never reaches NCCL.
    id: "torch.collMismatch", dialect: "torch", level: "error", anyOf: ["detected mismatch between collectives"],
    values: [
      /Rank (?<rankA>\d+) is running (?:inconsistent )?collective: CollectiveFingerPrint\((?:SequenceNumber=\d+,? ?)?OpType=(?<opA>\w+)/,
      /but Rank (?<rankB>\d+) is running collective:\s*(?:CollectiveFingerPrint\((?:SequenceNumber=\d+,? ?)?OpType=)?(?<opB>\w+)/,
      /differ in the following aspects:\s+(?<aspects>\S.{0,300}?)\s*$/,
    ],
    pattern: /\bDetected mismatch between collectives on ranks\b/,
    samples: [
      "RuntimeError: Detected mismatch between collectives on ranks. Rank 1 is running collective: CollectiveFingerPrint(SequenceNumber=0, OpType=_ALLGATHER_BASE, TensorShape=[8, 16], TensorDtypes=BFloat16), but Rank 2 is running collective: CollectiveFingerPrint(SequenceNumber=0, OpType=_ALLGATHER_BASE, TensorShape=[8, 17], TensorDtypes=BFloat16).Collectives differ in the following aspects:   Tensor Tensor shapes: 8, 16vs 8, 17",
      "[rank3]: RuntimeError: Detected mismatch between collectives on ranks. Rank 3 is running inconsistent collective: CollectiveFingerPrint(OpType=BROADCAST, TensorShape=[34112], TensorDtypes=Float)",
    ],
    nearMisses: ["TORCH_DISTRIBUTED_DEBUG=DETAIL checks that collectives match across ranks"],
  },
  {
    id: "nccl.shm", dialect: "nccl", level: "error", anyOf: ["shared memory", "/dev/shm", "ncclshmopen", "posix_fallocate", "shm_open", "shmutils.cc"],
    values: [
      /\(size (?<size>\d+)\)/, /to (?<sizeTo>\d+) bytes/, /(?<attach>attach)/i,
      // (nccl/shm-too-small: NCCL 2.4-2.11's include/shm.h and its nccl-shm-send-/recv- segments; a segment that could not
      // be made for want of room, posix_fallocate / ftruncate on a full /dev/shm; a creation step; a segment not there)
      /(?<oldShm>include\/shm\.h|nccl-shm-(?:send|recv)-)/, /(?<noRoom>No space left|failed to extend|posix_fallocate)/i,
      /(?<creating>\bcreat|extend|fallocate|No space left)/i, /(?<notThere>No such file or directory)/i,
      // (the system refused the file itself, whatever its size: EACCES, EPERM, EROFS as strerror words them)
      /(?<denied>Permission denied|Operation not permitted|Read-only file system)/i,
    ],
    // the call that failed, with its errno text, comes before `Error while creating shared memory segment`, which names
    // no cause up to 2.26: 2.4-2.11 `include/shm.h:NN NCCL WARN Call to shm_open failed : <strerror>`; 2.12-2.17
    // `misc/shmutils.cc:NN NCCL WARN Call to open failed : <strerror>`; 2.18-2.26 only the return `misc/shmutils.cc:NN
    // -> 2 (<strerror>)`; 2.27+ `Call to open failed: <strerror>` and the strerror again at the end of the WARN
    pattern: anyOfSources(["shared memory segment", "failed to extend \\/dev\\/shm", firstThen("\\/dev\\/shm\\/nccl-", "\\S.*(?:fail|error)"), "failed to create shared memory file", "ncclShmOpen", firstThen("No space left on device", ".*shm"), firstThen("shm", ".*No space left on device"), "Call to posix_fallocate failed", "Call to shm_open failed", firstThen("shmutils\\.cc:\\d+ ", "(?:NCCL WARN Call to \\w+ failed|-> [1-9]\\d* \\(\\w)")], "i"),
    // NCCL 2.4-2.11 sized the segment with posix_fallocate in include/shm.h: `Call to posix_fallocate failed : %s`
    samples: [
      "h:1:1 [0] misc/shmutils.cc:114 NCCL WARN Error while creating shared memory segment /dev/shm/nccl-x (size 9637888)", "h:1:1 [1] include/shm.h:28 NCCL WARN Call to posix_fallocate failed : No space left on device",
      "h:1:1 [0] include/shm.h:27 NCCL WARN Call to shm_open failed : Permission denied", "h:1:1 [2] misc/shmutils.cc:35 NCCL WARN Call to open failed : Read-only file system",
      "h:1:1 [3] NCCL INFO misc/shmutils.cc:68 -> 2 (Permission denied)", "h:1:1 [1] misc/shmutils.cc:78 NCCL WARN Call to open failed: Operation not permitted",
    ],
    nearMisses: ["h:1:1 [0] NCCL INFO Call to shm_open returned Interrupted system call, retrying", "h:1:1 [0] NCCL INFO misc/shmutils.cc:68 -> 0", "h:1:1 [0] NCCL INFO transport/shm.cc:120 -> 2"],
  },
  {
    // Ray's object store at start-up (python/ray/_private/services.py, Ray 1.x-2.x): `WARNING: The object store is using
    // /tmp instead of /dev/shm because /dev/shm has only N bytes available. ... --shm-size ...` (later `/tmp/ray`). The
    // number is the free size of the /dev/shm that NCCL's SHM transport and vLLM's shared-memory queues use as well
    // (a container's default is 64 MB); the rule nccl/shm-too-small judges it
    id: "vllm.rayDevShmSize", dialect: "vllm", level: "info", anyOf: ["/dev/shm has only"],
    pattern: /\/dev\/shm has only (?<devShmBytes>\d+) bytes available/,
    samples: ["2025-02-03 10:11:12,345\tWARNING services.py:2001 -- WARNING: The object store is using /tmp/ray instead of /dev/shm because /dev/shm has only 67108864 bytes available. This will harm performance!"],
    nearMisses: ["df: /dev/shm has 64M available"],
  },
  {
    // coreutils df's row for the /dev/shm mount, pasted with a container's start-up (`df -h`, `df -h /dev/shm`, plain
    // `df` in 1K blocks): `shm  64M  20M  45M  31% /dev/shm`. Its Size column is the mount's size (a container's default
    // is 64 MB); the rule nccl/shm-too-small judges it as it does Ray's free size
    id: "vllm.dfDevShm", dialect: "any", level: "info", anyOf: ["% /dev/shm"],
    pattern: /^\S+\s+(?<dfShmSize>\d+(?:[.,]\d+)?)(?<dfShmUnit>[KMGT]?)\s+\d+(?:[.,]\d+)?[KMGT]?\s+\d+(?:[.,]\d+)?[KMGT]?\s+\d+%\s+\/dev\/shm\s*$/,
    samples: ["shm              64M   20M   45M  31% /dev/shm", "tmpfs            65536       0     65536   0% /dev/shm"],
    nearMisses: ["tmpfs            32G     0   32G   0% /dev/shm/extra", "shm 64M 0 64M 0% /dev/shm is what docker gives"],
  },
  {
    // the run is under WSL2: vLLM's `Using 'pin_memory=False' as WSL is detected. This may slow down the performance.`
    // (vllm/utils.py is_pin_memory_available, every release), or the WSL2 kernel's name in an environment report
    // (`Python platform: Linux-5.15.133.1-microsoft-standard-WSL2-x86_64-with-glibc2.35`, uname -r). NCCL's rules add
    // WSL2's limits to their advice
    id: "vllm.wslPlatform", dialect: "any", level: "info", anyOf: ["wsl is detected", "microsoft-standard-wsl2"],
    pattern: /as WSL is detected|microsoft-standard-WSL2/i,
    samples: ["WARNING 06-01 01:06:23 utils.py:465] Using 'pin_memory=False' as WSL is detected. This may slow down the performance.", "Python platform: Linux-5.15.146.1-microsoft-standard-WSL2-x86_64-with-glibc2.35"],
  },
  {
    // vLLM's platform start-up check (vllm/platforms/cuda.py log_warnings, 0.6.4 on; the MetaX and MUSA platforms copy
    // it, MUSA with MUSA_DEVICE_ORDER): NVML lists GPUs of more than one model on the host and CUDA_DEVICE_ORDER is not
    // PCI_BUS_ID. Up to 0.7 the names follow on records of their own (`...in the system: ` then one name per record and
    // `Please make sure ...`); later releases print one record, the names joined by `, `. The names are every GPU NVML
    // sees on the host, not only the visible ones
    id: "vllm.mixedGpuModels", dialect: "vllm", level: "warning", anyOf: ["detected different devices in the system"],
    values: [/in the system: (?<devices>\S[^\n]*?)\. Please\s+make sure to set `(?<orderVar>[A-Z]+)_DEVICE_ORDER/, /set `(?<orderVar>[A-Z]+)_DEVICE_ORDER=/],
    pattern: /Detected different devices in the system:/,
    samples: [
      "WARNING 05-09 20:03:19 [cuda.py:409] Detected different devices in the system: NVIDIA GeForce RTX 3090, NVIDIA GeForce RTX 3090 Ti. Please make sure to set `CUDA_DEVICE_ORDER=PCI_BUS_ID` to avoid unexpected behavior.",
      "WARNING 02-13 10:47:30 cuda.py:336] Detected different devices in the system: ",
    ],
    nearMisses: ["export CUDA_DEVICE_ORDER=PCI_BUS_ID", "Detected 4 devices in the system"],
  },
  {
    // XLA (JAX, TensorFlow) adds NCCL's last WARN to a failed call's Status line: `... failed: unhandled system error (run
    // with NCCL_DEBUG=INFO for details). Last NCCL warning(error) log entry (may be unrelated) 'socketTryAccept: Accept
    // failed: Bad file descriptor'.` (xla/service/gpu/nccl_utils.cc, later xla/backends/gpu/collectives): what NCCL said, in
    // a log that often has no NCCL line of its own
    id: "nccl.xlaLastWarn", dialect: "any", level: "info", anyOf: ["last nccl warning"],
    // (the quote ends at `'.`, `';` or the line's end: NCCL's own text may hold quotes, `Cuda failure 'out of memory'`)
    values: [/Last NCCL warning\(error\) log entry \(may be unrelated\) '(?<lastWarn>[^\n]{1,300}?)'(?:[.;]|\s*$)/i],
    pattern: /Last NCCL warning\(error\) log entry \(may be unrelated\) '[^']/i,
    samples: [
      "INTERNAL: external/xla/xla/service/gpu/nccl_utils.cc:305: NCCL operation ncclCommInitRank(&comm, nranks, id, rank) failed: unhandled system error (run with NCCL_DEBUG=INFO for details). Last NCCL warning(error) log entry (may be unrelated) 'socketStartConnect: Connect to 10.3.0.8<44021> failed : Connection refused'.",
    ],
    nearMisses: ["INTERNAL: external/xla/xla/service/gpu/nccl_utils.cc:305: NCCL operation ncclCommInitRank(&comm, nranks, id, rank) failed: unhandled cuda error"],
  },
  {
    id: "nccl.socketWarn", dialect: "nccl", level: "error", anyOf: ["nccl warn"],
    // (and socket(2) itself refused: `Net : Socket creation failed : <strerror>`, include/socket.h 2.2-2.11 when NCCL
    // opens a listening or connecting socket on the interface it chose; `ncclSocketInit: Socket creation failed : ...`
    // in misc/socket.cc since 2.12. The text is errno's: `Address family not supported by protocol` for an IPv6
    // address on a kernel or container without IPv6, `Too many open files` for the descriptor limit.)
    values: [
      /(?<call>connect to|recv from|send to|closed by remote peer) (?<callPeer>\S+?)(?:<(?<callPort>\d+)>)?(?: failed)?(?: : (?<callError>.+))?$/i,
      /Socket creation failed : (?<createError>\S.*?)\s*$/,
      // the proxy service's `Failed to execute operation Connect from rank 8, retcode 2`: a transport's connect (IB, socket,
      // shared memory) that the proxy ran for that rank, no socket call of its own
      /(?<proxyOp>Failed to execute operation \w+ from rank \d+)/,
    ],
    pattern: new RegExp(firstThen("NCCL WARN ", ".*(?:socket|connect|recv|send)"), "i"),
    samples: [
      "ubuntu:39964:40075 [0] misc/socket.cc:483 NCCL WARN socketStartConnect: Connect to 10.0.0.2<45763> failed : Software caused connection abort",
      "hostb:71:90 [1] include/socket.h:318 NCCL WARN Net : Socket creation failed : Address family not supported by protocol",
      "hostb:71:90 [1] misc/socket.cc:601 NCCL WARN ncclSocketInit: Socket creation failed : Too many open files",
    ],
    nearMisses: ["ubuntu:1:2 [0] NCCL INFO Bootstrap : Using eth0:10.0.0.1<0>"],
  },
  {
    id: "nccl.internalDetail", dialect: "nccl", level: "error", anyOf: ["last error:", "af_inet", "wrong type", "wrong magic", "message truncated", "mismatch in", "collective mismatch error", "of node", "reverse path", "suitable space"],
    values: INTERNAL_VALUES,
    pattern: new RegExp(`Last error: \\S|neither AF_INET|wrong (?:type|magic)|Message truncated|collective mismatch error|mismatch in (?:rank count|info)|${TOPO_ATTR}|${TOPO_PATH}|${SPACE_FULL}`, "i"),
    samples: ["gpu-a:140:161 [0] transport/net_ib.cc:651 NCCL WARN NET/IB : collective mismatch error local size 524288 remote 65536 addr 7f00aa010000 rkey 1c2d seq 12/12", "gpu-b:77:90 [3] transport/net_ib.cc:1203 NCCL WARN NET/IB : req 0/1 tag 7 peer 10.9.0.4<51234> collective mismatch error, local size 2097152 remote size 1048576", "gb-7:31:40 [2] allocator.cc:229 NCCL WARN Allocation failed. No suitable space found to accommodate size=0x600000000 within limit=0x2400000000", "vm-3:700:710 [1] graph/paths.cc:82 NCCL WARN Failed to find reverse path from remNode 0/310000 nlinks 2 to node 0/500000", "node:1:2 [0] bootstrap.cc:77 NCCL WARN Bootstrap Root : mismatch in rank count from procs 4 : 2", "node:1:2 [0] misc/socket.cc:100 NCCL WARN socketFinalizeAccept: wrong type 3 != 4", "node:1:2 [2] graph/xml.h:101 NCCL WARN Attribute arch of node cpu not found", "node:1:2 [3] transport/net_socket.cc:480 NCCL WARN NET/Socket : peer 10.1.2.3<40001> message truncated : receiving 8 bytes instead of 4.", "node:1:2 [4] bootstrap.cc:77 NCCL WARN Message truncated : received 256 bytes instead of 4"],
    nearMisses: ["gb-7:31:31 [2] NCCL INFO Symmetric VA size=192GB", "gb-7:31:40 [2] allocator.cc:240 NCCL WARN No allocation found at offset=0x200000"],
  },
  {
    id: "nccl.bootstrap", dialect: "nccl", level: "error", anyOf: ["socket interface", "connect to", "call to connect", "connect returned", "bootstrap"],
    // (each alternative says `found`, `failed`, `refused`, `error` or `time[d] out`/`timeout`)
    // (not `time` alone: a big job's `Init timings - … bootstrap 0.88, …` line, one a rank, would try the pattern)
    alsoOneOf: ["found", "fail", "refused", "error", "timeout", "timedout", "time out", "timed out"],
    values: BOOTSTRAP_VALUES,
    pattern: anyOfSources(["no socket interface found", firstThen("socketStartConnect: Connect to ", ".* failed"), "Call to connect failed", "Connect to \\S+ failed", "connect returned Connection (?:timed out|refused)", firstThen("Bootstrap", ".*(?:failed|timed? ?out)"), firstThen("bootstrap(?:Net)?(?:Accept|Connect|Recv|Send)", ".*(?:failed|error)")], "i"),
    samples: [
      "ubuntu:39964:40075 [0] misc/socket.cc:483 NCCL WARN socketStartConnect: Connect to 10.0.0.2<45763> failed : Software caused connection abort",
      "node:1:2 [0] misc/socket.cc:50 NCCL WARN Net : Connect to 10.1.0.1<43511> failed : Connection refused",
      "node:1:2 [0] bootstrap.cc:66 NCCL WARN Bootstrap : no socket interface found",
      "socketStartConnect: Connect to fe80::5:6ff:fe7:8%veth01ab2c3<40100> failed : Software caused connection abort",
    ],
    nearMisses: ["node:1:2 [0] NCCL INFO Bootstrap : Using eth0:10.0.0.1<0>"],
  },
  {
    // PyTorch's ProcessGroupNCCL (broadcastUniqueNCCLID) fetches the NCCL unique id that rank 0 (or a root) put in the
    // c10d store before any NCCL call: `[4] is setting up NCCL communicator and retrieving ncclUniqueId from [0] via c10d
    // key-value store by key '0', but store->get('0') got error: Socket Timeout` (or `wait timeout after 600000ms`,
    // `Connection reset by peer`, `Failed to recv, got 0 bytes`); older PyTorch spelled it `retreiving`
    id: "torch.uniqueIdStore", dialect: "torch", level: "error", anyOf: ["uniqueid from"],
    values: [/\[(?<rank>\d+)\] is setting up/, /UniqueId from \[(?<root>\d+)\]/i, /got error: (?<storeError>.+?)\s*$/, /(?<timedOut>time ?out|timed out)/i, /(?<closed>reset by peer|closed|got 0 bytes|broken pipe|refused)/i],
    pattern: /setting up NCCL communicator and retr(?:ie|ei)ving ncclUniqueId from \[\d+\]/i,
    samples: [
      "torch.distributed.DistBackendError: [4] is setting up NCCL communicator and retrieving ncclUniqueId from [0] via c10d key-value store by key '0', but store->get('0') got error: Socket Timeout",
      "[rank3]: RuntimeError: [3] is setting up NCCL communicator and retreiving ncclUniqueId from [0] via c10d key-value store by key '0:1', but store->get('0:1') got error: wait timeout after 600000ms",
    ],
    nearMisses: ["[rank0]:[W ProcessGroupNCCL.cpp:1] NCCL communicator set up in 2.1 seconds"],
  },
  {
    // PyTorch's c10d store, the rendezvous every rank reaches before any NCCL call (init_process_group's env:// and
    // tcp:// methods, torchrun's static and c10d rendezvous), could not be reached or joined. In the client's words
    // (torch/csrc/distributed/c10d/socket.cpp, logged `[E socket.cpp:N] [c10d] ...` then raised as TimeoutError (≤2.0)
    // or DistNetworkError): `The client socket has timed out after 900s while trying to connect to (10.0.0.1, 29500).`
    // (the duration as fmt prints it: `60s`, `600000ms`, `20min`) and `The client socket has failed to connect to any
    // network address of (host, 29500).`; in the store server's (TCPStore.cpp waitForWorkers, DistStoreError): `Timed
    // out after 901 seconds waiting for clients. 1/2 clients joined.`; in torchrun's c10d rendezvous
    // (c10d_rendezvous_backend.py): `RendezvousConnectionError: The connection to the C10d store has failed.` The
    // client's retry line (TCPStore.cpp `TCP client failed to connect/validate to host h:p - retrying (try=0, ...): The
    // client socket has timed out ...`) is a warning that a later try may answer, not the failure. Before the socket
    // rewrite (torch ≤1.10, c10d tcputil::connect) the client raised a bare `RuntimeError: connect() timed out.`, from
    // 1.9 with ` Original timeout was 60000 ms.` after it, naming neither host nor port.
    id: "torch.storeConnect", dialect: "torch", level: "error", anyOf: ["the client socket has", "clients joined", "c10d store has failed", "connect() timed out."],
    values: [
      // the address, also when the line was cut or hard-wrapped right after it (`... connect to (172.17.0.2` / `, 44737).`)
      /connect to (?:any network address of )?\((?<target>[^,()\s]+)(?:, (?<port>\d{1,5})\)|\s*$)/,
      /has timed out after (?<after>\d+(?:ms|s|min|h))\b/,
      /Timed out after (?<waitSec>\d+) seconds waiting for clients\. (?<joined>\d+)\/(?<expected>\d+) clients joined/,
      /(?<anyAddress>failed to connect to any network address)/,
      /(?<rendezvous>The connection to the C10d store has failed)/,
      /(?<connectTimedOut>RuntimeError: connect\(\) timed out\.)(?: Original timeout was (?<oldTimeoutMs>\d+) ms\.)?/,
    ],
    pattern: /^(?![^\n]*- retrying \(try=)[^\n]*?(?:The client socket has (?:timed out after \d+(?:ms|s|min|h) while trying to connect to \(|failed to connect to any network address of \()|Timed out after \d+ seconds waiting for clients\. \d+\/\d+ clients joined|The connection to the C10d store has failed|RuntimeError: connect\(\) timed out\.(?: Original timeout was \d+ ms\.|\s*$|\\n|"))/,
    samples: [
      "[E socket.cpp:793] [c10d] The client socket has timed out after 60s while trying to connect to (10.0.0.1, 2222).",
      "[E108 20:04:34.467642512 socket.cpp:957] [c10d] The client socket has timed out after 900s while trying to connect to (10.2.3.4, 29500).",
      "torch.distributed.DistNetworkError: The client socket has timed out after 600000ms while trying to connect to (172.17.0.9, 46229).",
      "TimeoutError: The client socket has timed out after 1800s while trying to connect to (127.0.0.1, 48391).",
      "[E socket.cpp:753] [c10d] The client socket has failed to connect to any network address of (node-a, 47389).",
      "(RayWorkerVllm pid=51, ip=10.0.3.8) [E socket.cpp:922] [c10d] The client socket has timed out after 1800s while trying to connect to (172.17.0.4",
      "torch.distributed.DistStoreError: Timed out after 1801 seconds waiting for clients. 1/3 clients joined.",
      '    "message": "RendezvousConnectionError: The connection to the C10d store has failed. See inner exception for details.",',
      "RuntimeError: connect() timed out. Original timeout was 60000 ms.",
      "RuntimeError: connect() timed out.",
      '      "py_callstack": "Traceback (most recent call last):\\n    store = TCPStore(\\nRuntimeError: connect() timed out. Original timeout was 30000 ms.\\n\\nThe above exception",',
    ],
    nearMisses: [
      "[W728 15:01:59.562622567 TCPStore.cpp:340] [c10d] TCP client failed to connect/validate to host 127.0.0.1:48315 - retrying (try=0, timeout=600000ms, delay=33924ms): The client socket has timed out after 600000ms while trying to connect to (127.0.0.1, 48315).",
      "[W socket.cpp:697] [c10d] The client socket has failed to connect to [::ffff:10.0.0.7]:47389 (errno: 110 - Connection timed out).",
      "RuntimeError: connect() timed out. Retrying with a longer backoff",
      "WARNING: redis connect() timed out. Original timeout was 5 s.",
    ],
  },
  {
    // A rank that reached torch's c10d store and waited there for keys the other ranks of a process group write while
    // they create it (TCPStore.cpp doWait, torch 2.x: `DistStoreError: wait timeout after <ms>ms, keys: <key>[, <key>]`,
    // the keys naming the group: `/default_pg/0//<n>//cpu//...` for the global group's Gloo side, `//cuda//pg_wrapper:...`
    // for the Gloo helper group TORCH_DISTRIBUTED_DEBUG=DETAIL adds). NCCL's unique-id fetch through the store that timed
    // out says so itself (torch.uniqueIdStore).
    id: "torch.storeWait", dialect: "torch", level: "error", anyOf: ["wait timeout after"],
    values: [/wait timeout after (?<afterMs>\d+)ms/, /, keys: (?<keys>[^\s,]+)/, /(?<pgWrapper>pg_wrapper)/],
    pattern: /\bwait timeout after \d+ms, keys: \S/,
    samples: [
      "torch.distributed.DistStoreError: wait timeout after 1800000ms, keys: /default_pg/0//3//cpu//0/3",
      "(VllmWorkerProcess pid=5120) ERROR 03-11 09:14:02 multiproc_worker_utils.py:240]   torch.distributed.DistStoreError: wait timeout after 600000ms, keys: /default_pg/0//2//cuda//pg_wrapper:2/0/0",
      "job_node1.out:(Worker pid=7711) ERROR 07-14 02:10:55 [multiproc_executor.py:944] torch.distributed.DistStoreError: wait timeout after 900000ms, keys: /default_pg/0//1//cpu//0/1",
    ],
    nearMisses: ["[rank3]: RuntimeError: [3] is setting up NCCL communicator and retrieving ncclUniqueId from [0] via c10d key-value store by key '0:1', but store->get('0:1') got error: wait timeout after 600000ms"],
  },
  {
    // torchrun's agents never all joined the rendezvous before its deadline (torch elastic, PyTorch ≥1.9): the dynamic
    // rendezvous (dynamic_rendezvous.py _RendezvousOpExecutor.run) and the etcd one (etcd_rendezvous.py) raise it bare,
    // so the exception line is the class alone (`torch.distributed.elastic.rendezvous.api.RendezvousTimeoutError`); a
    // message after it (`RendezvousTimeoutError: Rendezvous operation timed out`) is kept. The traceback's code line
    // (`raise RendezvousTimeoutError`), an import or an `except` clause name the class without reporting it.
    id: "torch.rendezvousTimeout", dialect: "torch", level: "error", anyOf: ["rendezvoustimeouterror"],
    values: [/RendezvousTimeoutError: (?<detail>\S[^\n]*?)\s*$/],
    pattern: /^(?![^\n]*\b(?:raise|import|except|class|isinstance)\b)[^\n]*?(?:^|[\s:>\]])(?:torch\.distributed\.elastic\.rendezvous\.api\.)?RendezvousTimeoutError(?:\(\))?(?:: \S[^\n]*)?\s*$/,
    samples: [
      "torch.distributed.elastic.rendezvous.api.RendezvousTimeoutError",
      "[rank0]: torch.distributed.elastic.rendezvous.api.RendezvousTimeoutError: Rendezvous operation timed out",
      "RendezvousTimeoutError",
      "2025-08-08 10:56:08 | ERROR | torch.distributed.elastic.rendezvous.api.RendezvousTimeoutError",
    ],
    nearMisses: [
      "    raise RendezvousTimeoutError",
      "from torch.distributed.elastic.rendezvous.api import RendezvousTimeoutError",
      "        except RendezvousTimeoutError:",
      "INFO:torch.distributed.elastic.rendezvous.etcd_rendezvous:Rendezvous timeout occurred in EtcdRendezvousHandler",
    ],
  },
  {
    // torch elastic's (torchrun's) failure summary (torch/distributed/elastic/multiprocessing/errors/error_handler.py and
    // errors/__init__.py, PyTorch ≥1.10): a `Failures:` section, then `Root Cause (first observed failure):` last, each
    // failure a block of rows padded to ten columns: `  time      : ...`, `  host      : gpu-a3`, `  rank      : 3
    // (local_rank: 3)`, `  exitcode  : 1 (pid: 2304)`, `  error_file: ...`, `  traceback : ...`. The summary's last rows
    // are its root cause: the first worker the agent saw exit, whose own output holds the cause.
    id: "torch.elasticRootCause", dialect: "torch", level: "info", anyOf: ["root cause (first observed failure)"],
    pattern: /^\s*Root Cause \(first observed failure\):\s*$/,
    samples: ["Root Cause (first observed failure):"],
  },
  {
    // torch elastic's agent (torchrun; torch/distributed/elastic/agent/server/api.py `run`, PyTorch ≥1.9) got SIGTERM,
    // SIGINT, SIGHUP or SIGQUIT itself: the handler it installs (torch/distributed/elastic/multiprocessing/api.py
    // `_terminate_process_handler`) raises SignalException, the agent logs `Received <n> death signal, shutting down
    // workers`, sends its workers the same signal and re-raises (`SignalException: Process <pid> got signal: <n>`). The
    // signal came from outside the agent: a scheduler, a container runtime, a user, or a launcher (srun) ending the other
    // tasks after one failed. A worker's own failure makes the agent stop the others (`Sending process N closing signal
    // SIGTERM`, `Closing process N via signal SIGTERM`) without this line.
    id: "torch.deathSignal", dialect: "torch", level: "warning", anyOf: ["death signal, shutting down workers", "got signal: "],
    pattern: /\bReceived \d+ death signal, shutting down workers|\bSignalException: Process \d+ got signal: \d+/,
    values: [/\bReceived (?<signal>\d+) death signal/, /\bgot signal: (?<signal>\d+)/],
    samples: [
      "WARNING:torch.distributed.elastic.agent.server.api:Received 15 death signal, shutting down workers",
      "W0301 08:12:40.118000 5521 torch/distributed/elastic/agent/server/api.py:704] Received 1 death signal, shutting down workers",
      "torch.distributed.elastic.multiprocessing.api.SignalException: Process 5521 got signal: 2",
    ],
    nearMisses: [
      "WARNING:torch.distributed.elastic.multiprocessing.api:Sending process 5620 closing signal SIGTERM",
      "W0301 08:12:40.118000 5521 torch/distributed/elastic/multiprocessing/api.py:766] Closing process 5530 via signal SIGTERM",
      "INFO: received signal 15, shutting down the server",
    ],
  },
  {
    // torchrun's agent (torch elastic's dynamic rendezvous, dynamic_rendezvous.py) lost its c10d rendezvous store after
    // the rendezvous had formed: its periodic keep-alive write (`The node 'n' has failed to send a keep-alive heartbeat
    // to the rendezvous 'id' due to an error of type RendezvousConnectionError.`) or its leaving the rendezvous on exit
    // (`... has failed to shutdown the rendezvous 'id' due to ...`) could not reach the store, which the agent on the
    // --rdzv_endpoint node hosts. Logged as a WARNING by every PyTorch that has the c10d rendezvous (1.9 →), under the
    // logger's own head: `WARNING:torch.distributed...:`, `[date] torch.distributed...: [WARNING] `, glog `W0618 ...`.
    id: "torch.rendezvousLost", dialect: "torch", level: "warning", anyOf: ["due to an error of type rendezvousconnectionerror"],
    pattern: /\bThe node '[^']*' has failed to (?:send a keep-alive heartbeat to|shutdown) the rendezvous '[^']*' due to an error of type RendezvousConnectionError\b/,
    values: [/\bThe node '(?<node>[^']*)'/, /the rendezvous '(?<rdzvId>[^']*)'/, /(?<keepAlive>keep-alive heartbeat)/, /failed to (?<shutdown>shutdown) the rendezvous/],
    samples: [
      "WARNING:torch.distributed.elastic.rendezvous.dynamic_rendezvous:The node 'gpu-n03_5120_0' has failed to send a keep-alive heartbeat to the rendezvous 'job42' due to an error of type RendezvousConnectionError.",
      "[2025-02-01 10:11:12,345] torch.distributed.elastic.rendezvous.dynamic_rendezvous: [WARNING] The node 'gpu-n03_5120_0' has failed to shutdown the rendezvous 'job42' due to an error of type RendezvousConnectionError.",
      "W0201 10:11:12.345000 5120 torch/distributed/elastic/rendezvous/dynamic_rendezvous.py:1290] The node 'gpu-n03_5120_0' has failed to send a keep-alive heartbeat to the rendezvous 'job42' due to an error of type RendezvousConnectionError.",
    ],
    nearMisses: [
      "WARNING:torch.distributed.elastic.rendezvous.dynamic_rendezvous:The node 'gpu-n03_5120_0' has failed to shutdown the rendezvous 'job42' due to an error of type RendezvousStateError.",
      "INFO:torch.distributed.elastic.rendezvous.dynamic_rendezvous:The node 'gpu-n03_5120_0' has joined round 0 of the rendezvous 'job42' as rank 1 in a world of size 2.",
    ],
  },
  {
    // Slurm's step daemon announcing it cancelled a job or step (slurmstepd's `*** JOB <id> ON <node> CANCELLED AT <time>
    // [DUE TO TIME LIMIT|PREEMPTION|NODE FAILURE] ***`, also without the node): it sends the tasks SIGTERM, then SIGKILL
    // after KillWait. With no reason the step was ended by `scancel` or by srun after a task failed (`srun: error: …:
    // task N: Exited with exit code 1`, `srun: Terminating StepId=…`).
    id: "slurm.cancelled", dialect: "any", level: "info", anyOf: ["cancelled at"],
    pattern: /\*\*\* (?:JOB|STEP) [\d._]+(?: ON \S+)? CANCELLED AT \S+/,
    values: [/CANCELLED AT \S+(?: DUE TO (?<reason>TIME LIMIT|PREEMPTION|NODE FAILURE|JOB REQUEUE))?/],
    samples: [
      "slurmstepd: error: *** JOB 4410 ON gpu-n07 CANCELLED AT 2026-03-01T08:12:40 DUE TO TIME LIMIT ***",
      "slurmstepd: error: *** STEP 4410.0 ON gpu-n07 CANCELLED AT 2026-03-01T08:12:40 ***",
      "slurmstepd: error: *** JOB 4410 CANCELLED AT 2026-03-01T08:12:40 DUE TO PREEMPTION ***",
    ],
    nearMisses: ["srun: Job step aborted: Waiting up to 32 seconds for job step to finish.", "the request was cancelled at the client's end"],
  },
  {
    // Hydra's (MPICH, Intel MPI) frame around its report of a rank that died: this head, then `=   RANK 3 PID 1234 RUNNING
    // AT n1` (older: no RANK) and `=   KILLED BY SIGNAL: 9 (Killed)` or `=   EXIT CODE: 139`: the lines under it are the
    // same report, not a second failure
    id: "mpi.hydraBadTermination", dialect: "any", level: "info", anyOf: ["bad termination of one of your application processes"],
    pattern: /^=\s+BAD TERMINATION OF ONE OF YOUR APPLICATION PROCESSES\s*$/,
    samples: ["=   BAD TERMINATION OF ONE OF YOUR APPLICATION PROCESSES"],
    nearMisses: ["we saw BAD TERMINATION OF ONE OF YOUR APPLICATION PROCESSES twice yesterday"],
  },
  {
    id: "torch.elasticRank", dialect: "torch", level: "info", anyOf: ["(local_rank: "],
    pattern: /^\s*rank\s*: (?<rank>\d+) \(local_rank: (?<localRank>\d+)\)\s*$/,
    samples: ["  rank      : 3 (local_rank: 3)"],
    nearMisses: ["ERROR:torch.distributed.elastic.multiprocessing.api:failed (exitcode: 1) local_rank: 0 (pid: 16) of binary: /usr/bin/python3"],
  },
  {
    id: "torch.elasticExit", dialect: "torch", level: "info", anyOf: ["exitcode"],
    pattern: /^\s*exitcode\s*: (?<exit>-?\d+) \(pid: (?<pid>\d+)\)\s*$/,
    samples: ["  exitcode  : 1 (pid: 2304)", "  exitcode  : -9 (pid: 4411)"],
  },
  {
    id: "torch.elasticHost", dialect: "torch", level: "info", anyOf: ["host      : "],
    pattern: /^\s*host {6}: (?<host>\S+)\s*$/,
    samples: ["  host      : gpu-a3"],
  },
  {
    id: "nccl.bootstrapWeak", dialect: "nccl", level: "error", anyOf: ["connection refused", "no route to host", "exceeded retries", "connection timed out"],
    values: BOOTSTRAP_VALUES,
    // an ibverbs call's errno text (`Call to ibv_modify_qp failed with 110 Connection timed out`, NCCL's ibvwrap) is a
    // queue pair that cannot reach its peer over the fabric, not a socket: nccl.ibError reads it. Python's own socket
    // error text (`ConnectError: [Errno 111] Connection refused`, an HTTP client's health check of a server) is no
    // NCCL or c10d socket: those print the C library's text alone or `(errno: 111 - Connection refused)`
    // A receive or send on a connection already made (`Call to recv failed : %s` ≤2.9, `Net : Call to recv from %s failed :
    // %s` 2.10.3-2.15, `socketProgressOpt: Call to recv from %s failed : %s` 2.16-2.23, `Call to recv from` / `send to`
    // 2.24+) that times out is a peer gone silent mid-transfer, no connect failure: nccl.remoteExitedNet reads it. One
    // that says `Connection refused` is: TCP refuses only a connection being opened (a SYN answered by a reset: nothing
    // listens at that port), never one already made, so the socket's non-blocking connect (2.12+ opens its sockets so)
    // failed and the first receive or send on it reports that
    pattern: /^(?![^]*?\bibv_\w+ failed)(?![^]*?\[Errno \d+\] (?:Connection refused|No route to host|Connection timed out))(?![^]*?\bCall to (?:recv|send)\b(?: (?:from|to) \S+)? failed(?! : Connection refused))[^]*?(?:Connection refused|No route to host|exceeded retries|Connection timed out)/i, needsContext: true,
    samples: [
      "node:1:2 [0] misc/socket.cc:484 NCCL WARN socketStartConnect: exceeded retries (20000)",
      "gpu-b:4410:4467 [3] misc/socket.cc:503 NCCL WARN Net : Call to recv from 10.8.1.22<45131> failed : Connection refused",
      "Net : Call to recv from NODE_B<40233> failed : Connection refused",
    ],
    nearMisses: [
      "worker-3:83:2526 [0] misc/socket.cc:503 NCCL WARN Net : Call to recv from 10.0.4.9<41468> failed : Connection timed out",
      "node-1:7:9 [2] misc/socket.cc:60 NCCL WARN socketProgressOpt: Call to send to 10.0.4.9<41468> failed : Connection timed out",
      "ERROR 01-01 00:00:00 client.py:1] Connection refused by the model server",
      "Last health check: ConnectError: [Errno 111] Connection refused",
      "node:1:2 [5] ibvwrap.c:262 NCCL WARN Call to ibv_modify_qp failed with 110 Connection timed out, on dev mlx5_0:1, curr state INIT, next state RTR",
      "node-b:7:9 [2] misc/socket.cc:540 NCCL WARN socketProgressOpt: Call to recv from 10.2.0.5<51234> failed : Connection timed out",
      "node-b:7:9 [2] misc/socket.cc:544 NCCL WARN socketProgressOpt: Call to send to 10.2.0.5<51234> failed : Connection timed out",
    ],
  },
  {
    id: "nccl.timeout", dialect: "torch", level: "error", anyOf: ["timeout", "timed out", "time out", "watchdog caught collective", "watchdog got stuck"],
    values: TIMEOUT_VALUES, launcherRank: true,
    // (PyTorch's watchdog says nothing else after `Watchdog caught collective`: a line cut there is still the timeout;
    // the C++ stack of that error, pasted without its message, still names where it was raised: `frame #1:
    // c10d::ProcessGroupNCCL::WorkNCCL::checkTimeout(...)`, `Exception raised from checkTimeout at ...`)
    pattern: anyOfSources(["Watchdog caught collective(?: operation timeout| ?[a-z ]{0,17}$)", "Timeout at NCCL work", "collective operation timeout", "ncclTimeout", "Heartbeat monitor timed out", "ProcessGroup\\w*'s watchdog got stuck for \\d+ seconds", firstThen("NCCL (?:communicator|operation)(?! and retr)", ".*timed? ?out"), "WorkNCCL::checkTimeout\\(", "Exception raised from checkTimeout at ",
      // the flight recorder's dump request after a timeout, on the rank that timed out and on the ranks it told:
      // PyTorch 2.2-2.3 `Received a timeout signal from this local rank` / `Received a global timeout from another
      // rank`, 2.4+ `Received a dump signal due to a collective timeout from this local rank` / `from  rank N`
      "Received a (?:dump signal due to a collective timeout|timeout signal) from", "Received a global timeout from another rank"], "i"),
    samples: [
      "[rank1]:[E1218 20:27:21.426415540 ProcessGroupNCCL.cpp:629] [Rank 1] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=1, OpType=BROADCAST, NumelIn=131072000, NumelOut=131072000, Timeout(ms)=600000) ran for 600088 milliseconds before timing out.",
      "(WorkerDict pid=9, ip=10.0.0.2) [rank7]:[E101 10:00:00.000000001 ProcessGroupNCCL.cpp:629] [Rank 7] Watchdog caught collective oper",
      "[rank2]:[E0304 11:22:33.000000004 ProcessGroupNCCL.cpp:1591] [PG ID 0 PG GUID 0(default_pg) Rank 2] ProcessGroupNCCL's watchdog got stuck for 600 seconds without making progress in monitoring enqueued collectives.",
      "[rank3]:[E0707 07:07:07.000000003 ProcessGroupNCCL.cpp:1890] [PG ID 0 PG GUID 0(default_pg) Rank 3] Received a dump signal due to a collective timeout from  rank 5 and we will try our best to dump the debug info. Last enqueued NCCL work: 42, last completed NCCL work: 41.",
      "[rank0]:[E0707 07:07:07.000000004 ProcessGroupNCCL.cpp:1340] [PG 0 Rank 0] Received a global timeout from another rank and will start to dump the debug info. Last enqueued NCCL work: 9, last completed NCCL work: 8.",
      "[rank2]:[E0101 00:00:00.000000001 compiler_depend.ts:574] [Rank 2] Watchdog caught collective operation timeout: WorkHCCL(SeqNum=12, OpType=BROADCAST, Timeout(ms)=1800000) ran for 1800042 milliseconds before timing out.",
    ],
  },
  {
    // PyTorch's ProcessGroupNCCL watchdog thread ending on an exception, which it logs and rethrows, so the process
    // aborts: 1.x-2.2 `[Rank N] NCCL watchdog thread terminated with exception: <what>` (or `... with unknown
    // exception`), 2.3+ `<PG prefix> Process group watchdog thread terminated with exception: <what>` (`: unknown`); and,
    // pasted without that message, the C++ location of the error it rethrows: `Exception raised from ncclCommWatchdog at
    // .../ProcessGroupNCCL.cpp:N` (2.2-2.7), `Exception raised from run at .../ProcessGroupNCCL.cpp:N` (the Watchdog class
    // of later releases). What it carries is read by the rules of that error (CUDA, NCCL, timeout); nccl/error reports the
    // rest (an INTERNAL ASSERT, `unknown`, a message cut off)
    id: "torch.ncclWatchdogExit", dialect: "torch", level: "error", launcherRank: true,
    anyOf: ["watchdog thread terminated with", "exception raised from ncclcommwatchdog at", "exception raised from run at"],
    values: [/terminated with exception: (?<dogWhat>\S.*?)\s*$/, /(?<dogRaised>Exception raised from (?:ncclCommWatchdog|run) at)/, /(?<dogAssert>INTERNAL ASSERT FAILED)/,
      // (1.x logged it at INFO, glog's `[I ProcessGroupNCCL.cpp:N]`, and let the thread end without rethrowing)
      /(?<dogInfo>\[I(?:\d{4} [\d:.]+)? ProcessGroupNCCL\.cpp:\d+\])/],
    pattern: /(?:NCCL|Process group) watchdog thread terminated with (?:unknown )?exception|Exception raised from ncclCommWatchdog at |Exception raised from run at \S*ProcessGroupNCCL\.cpp:\d+/i,
    samples: [
      "[E ProcessGroupNCCL.cpp:916] [Rank 3] NCCL watchdog thread terminated with exception: traceMap[thisSeq][myRank].second == kEventStart INTERNAL ASSERT FAILED at \"/opt/pytorch/torch/csrc/distributed/c10d/TraceUtils.h\":237, please report a bug to PyTorch.",
      "[rank5]:[E1010 10:10:10.000000001 ProcessGroupNCCL.cpp:1515] [PG ID 0 PG GUID 0(default_pg) Rank 5] Process group watchdog thread terminated with exception: unknown",
      "Exception raised from ncclCommWatchdog at /opt/pytorch/torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1339 (most recent call first):",
      "Exception raised from run at /pytorch/torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:2046 (most recent call first):",
    ],
    nearMisses: [
      "[I ProcessGroupNCCL.cpp:751] [Rank 0] NCCL watchdog thread started!", "[Rank 0] NCCL watchdog thread terminated normally",
      "Exception raised from run at /src/trainer/loop.cpp:12 (most recent call first):", "Exception raised from checkTimeout at /pytorch/torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:632 (most recent call first):",
    ],
  },
  {
    id: "nccl.timeoutProgress", dialect: "torch", level: "error", anyOf: ["last completed nccl work", "last completed work:"],
    values: TIMEOUT_VALUES, launcherRank: true,
    pattern: /Rank (?<rank>\d+)\](?:(?!Rank \d+\]).)*?(?:at NCCL work|watchdog at work(?: sequence id)?): (?<work>\d+),? (?:PG status: )?last enqueued (?:NCCL )?work: (?<enqueued>-?\d+), last completed (?:NCCL )?work: (?<completed>-?\d+)/,
    samples: [
      "[rank0]:[E ProcessGroupNCCL.cpp:563] [Rank 0] Exception (either an error or timeout) detected by watchdog at work: 5, last enqueued NCCL work: 5, last completed NCCL work: 4.",
      "[rank2]:[E0102 03:04:05.000000006 ProcessGroupNCCL.cpp:2271] [PG ID 0 PG GUID 0(default_pg) Rank 2]  failure detected by watchdog at work sequence id: 31 PG status: last enqueued work: 33, last completed work: 30",
    ],
  },
  {
    id: "nccl.versionMismatch", dialect: "nccl", level: "error", anyOf: ["mismatched nccl version"],
    pattern: /Mismatched NCCL version detected(?: : rank (?<rankA>\d+) version (?<versionA>\d+) rank (?<rankB>\d+) version (?<versionB>\d+))?/,
    samples: ["node:1:2 [0] init.cc:1 NCCL WARN Mismatched NCCL version detected : rank 0 version 22105 rank 8 version 21903"],
  },
  {
    // Ray's exception for an actor whose process ended while a call to it was pending (python/ray/exceptions.py
    // ActorDiedError, earlier RayActorError): `The actor died unexpectedly before finishing this task.` then the actor's
    // class_name / pid / ip lines, and `The actor is dead because its worker process has died. Worker exit type:
    // SYSTEM_ERROR Worker exit detail: ...` (the raylet's own report of the death is vllm.rayWorkerDied)
    id: "vllm.rayActorDied", dialect: "any", level: "error", anyOf: ["actor died unexpectedly before finishing", "actor is dead because its worker process has died"],
    values: [/Worker exit type: (?<exitType>[A-Z_]+)/, /Worker exit detail: (?<exitDetail>[^.]+)\./],
    pattern: /The actor died unexpectedly before finishing this task|The actor is dead because its worker process has died/,
    samples: [
      "ray.exceptions.ActorDiedError: The actor died unexpectedly before finishing this task.",
      "ray.exceptions.RayActorError: The actor died unexpectedly before finishing this task.",
      "ERROR 07-09 13:21:18 [core.py:396] The actor is dead because its worker process has died. Worker exit type: SYSTEM_ERROR Worker exit detail: Worker unexpectedly exits with a connection error code 2. End of file.",
    ],
    nearMisses: ["The actor died because of an error raised in its creation task, ray::LLMRayActor.__init__() (pid=9, ip=10.0.0.2)"],
  },
  {
    // vLLM's Ray executor builds its compiled forward graph over its worker actors on the engine's first model step
    // (`if self.forward_dag is None: self.forward_dag = self._compiled_ray_dag(...)` in execute_model, V0's SPMD workers and
    // every V1 release), never while the engine starts; Ray tears the graph down at shutdown and logs each actor it stops
    // (ray/dag/compiled_dag_node.py): a graph over vLLM's actors means the engine had run steps
    id: "vllm.rayForwardDag", dialect: "any", level: "info", anyOf: ["cancelling compiled worker on actor"],
    pattern: /Cancelling compiled worker on actor: Actor\(RayWorker(?:Wrapper)?, [0-9a-f]+\)/,
    samples: ["2026-01-14 08:02:11,512\tINFO compiled_dag_node.py:2183 -- Cancelling compiled worker on actor: Actor(RayWorkerWrapper, 3f0a9c1d2e4b5a6978c0d1e2f3a4b5c6)"],
    nearMisses: ["2026-01-14 08:02:11,512\tINFO compiled_dag_node.py:2183 -- Cancelling compiled worker on actor: Actor(Trainer, 3f0a9c1d2e4b5a6978c0d1e2f3a4b5c6)"],
  },
  {
    // A Ray compiled graph (ray/dag/compiled_dag_node.py, its channels in ray/experimental/channel/) that failed under a
    // running step; vLLM's Ray executor runs every model step as one (its forward DAG over the worker actors). The
    // driver's read timed out (`ray.exceptions.RayChannelTimeoutError: System error: Timed out waiting for object available
    // to read. ObjectID: ...`, after RAY_CGRAPH_get_timeout seconds), or a channel was closed under it: the exception
    // `RayChannelError` (also as the cause in `RayTaskError(RayChannelError): ray::...`), the raylet's `Status not OK:
    // ChannelError: Channel closed.` and a worker's `raylet_client.cc:N: Error pushing mutable object: RpcError: ...`.
    // Newer Ray raises the timeout again from compiled_dag_node.py with the value in use (`... increase
    // RAY_CGRAPH_get_timeout which is currently N seconds. ...`).
    // A handler's or a raise's own source line (`except RayChannelTimeoutError:`) names the class without raising it.
    // An exception raised on one of the graph's GPU tensor channels (ray/experimental/channel/torch_tensor_nccl_channel.py
    // `_TorchTensorNcclChannel`, later torch_tensor_accelerator_channel.py `_TorchTensorAcceleratorChannel`, the channels
    // pipeline-parallel stages send activations over) names its class as Python prints the object: `AttributeError:
    // '_TorchTensorAcceleratorChannel' object has no attribute '_accelerator_group'` (a channel torn down or never set up).
    id: "vllm.rayCompiledGraph", dialect: "any", level: "error", anyOf: ["raychanneltimeouterror", "raychannelerror", "channelerror: channel closed", "error pushing mutable object", "tensorncclchannel' object", "tensoracceleratorchannel' object"],
    values: [/(?<timedOut>RayChannelTimeoutError|Timed out waiting for object available to read)/, /RAY_CGRAPH_get_timeout which is currently (?<seconds>\d+) seconds/, /(?<closed>RayChannelError|ChannelError: Channel closed|Error pushing mutable object)/, /(?<raylet>\(raylet(?:, ip=[\d.]+)?\)|raylet_client\.cc)/, /\b(?<channelError>[A-Z]\w*Error): '(?<channelClass>_?TorchTensor(?:Nccl|Accelerator)Channel)' object/],
    pattern: /^(?![^\n]*\b(?:except|raise|import)\s)[^\n]*?(?:\bRayChannel(?:Timeout)?Error(?::\s|\))|\bChannelError: Channel closed\b|\bError pushing mutable object\b|\b[A-Z]\w*Error: '_?TorchTensor(?:Nccl|Accelerator)Channel' object\b)/,
    samples: [
      "ERROR 03-02 08:14:51 [core.py:512] ray.exceptions.RayChannelTimeoutError: System error: Timed out waiting for object available to read. ObjectID: 7d1e0a9c3b5f4e2d8a6c0b1f9e3d5a7c2b4f6e8d0100000002e1f505",
      "(EngineCore_DP0 pid=4410) ERROR 11-20 16:02:33 [core.py:866] ray.exceptions.RayChannelTimeoutError: System error: Timed out waiting for object available to read. ObjectID: 00aa11bb22cc33dd44ee55ff66778899aabbccdd0100000001e1f505",
      "ray.exceptions.RayTaskError(RayChannelError): ray::train_loop() (pid=81234, ip=10.4.0.12)",
      "ray.exceptions.RayChannelError: System error: Channel closed.",
      "ray.exceptions.RayChannelTimeoutError: If the execution is expected to take a long time, increase RAY_CGRAPH_get_timeout which is currently 120 seconds. Otherwise, this may indicate that the execution is hanging.",
      "(RayWorkerWrapper pid=9120) [2026-02-03 10:11:12,345 E 9120 9301] raylet_client.cc:199: Error pushing mutable object: RpcError: RPC Error message: Socket closed; RPC Error details:  rpc_code: 14",
      "(raylet, ip=10.4.0.13) [2026-02-03 10:11:12,340 C 5511 5511] (raylet) experimental_mutable_object_provider.cc:153:  An unexpected system state has occurred. Check failed: object_manager_->WriteAcquire(id) Status not OK: ChannelError: Channel closed. ",
      "AttributeError: '_TorchTensorAcceleratorChannel' object has no attribute '_accelerator_group'. Did you mean: '_accelerator_group_id'?",
      "(RayWorkerWrapper pid=2217, ip=10.0.3.7) AttributeError: '_TorchTensorNcclChannel' object",
    ],
    nearMisses: [
      "ERROR 03-02 08:14:51 [core.py:512]     except ray.exceptions.RayChannelTimeoutError:",
      "    raise RayChannelTimeoutError(",
      "from ray.exceptions import RayChannelError, RayChannelTimeoutError",
      "INFO 03-02 08:10:02 [ray_distributed_executor.py:579] RAY_CGRAPH_get_timeout is set to 300",
      "    from ray.experimental.channel.torch_tensor_accelerator_channel import _TorchTensorAcceleratorChannel",
    ],
  },
  {
    // Ray's check of a process joining a cluster (`check_version_info`: ray/worker.py ≤0.8, ray/_private/node.py, later
    // ray/_private/utils.py): `Version mismatch: The cluster was started with:` then `    Ray: X` / `    Python: Y` for the
    // cluster and `This process on node <ip> was started with:` (`on Ray Client`) for itself. A Ray or Python minor version
    // apart raises it (RuntimeError, ≤0.8 Exception); Python's patch version alone is only logged as a warning (the same
    // header on Ray's `WARNING node.py:N --` record, newer `Python patch version mismatch: ...`): `patch` marks that form
    id: "vllm.rayVersionMismatch", dialect: "any", level: "error", anyOf: ["version mismatch: the cluster was started with"],
    values: [/(?<patch>Python patch version mismatch|\bWARNING [\w.]+:\d+ -- Version mismatch)/],
    pattern: /[Vv]ersion mismatch: The cluster was started with\b/,
    samples: [
      "RuntimeError: Version mismatch: The cluster was started with:",
      "Exception: Version mismatch: The cluster was started with:",
      "2025-05-26 18:00:25,881 WARNING utils.py:1591 -- Python patch version mismatch: The cluster was started with:",
      "2023-03-02 09:12:44,101\tWARNING node.py:310 -- Version mismatch: The cluster was started with:",
    ],
    nearMisses: ["Check for a version mismatch between the cluster and this process."],
  },
  {
    // (also PyTorch's reading of the two results whose names end in no `Error`, `ncclInvalidUsage: This usually reflects
    // invalid usage of NCCL library.` and `ncclInvalidArgument: Invalid value for an argument.`, on a line of their own; and
    // nccl-tests' `host: Test NCCL failure common.cu:303 'invalid usage (run with NCCL_DEBUG=WARN for details) / '`, which
    // quotes ncclGetErrorString: the results with a rule of their own, internal/system/cuda/remote, are that rule's)
    id: "nccl.generic", dialect: "nccl", level: "error", anyOf: ["error", "nccl warn", "ncclinvalid", ...CHAIN],
    values: [
      /(?<info>NCCL INFO)/, /(?<errorReturn>-> [1-9])/, /nccl(?<codeName>\w+Error)|NCCL error[^,]*, (?<codeText>[^,(]+)/, /(?<invalidUsage>invalid usage|InvalidUsage|-> 5\b)/,
      /\bnccl(?<codeName>Invalid(?:Usage|Argument))\b/, /\bTest NCCL failure [\w./\-]+:\d+ '(?<codeText>[^'(/]*[^'(/\s])/,
      // aws-ofi-nccl's own lines (src/rules/nccl/ofi-advice.ts): the plugin, platform-aws's GDR-required check (the
      // instance type as `[\w.-]` spells it: a colour code or a cut after it is no part of it), and GPU memory (type 2,
      // NCCL_PTR_CUDA) registration refused with EINVAL
      /(?<ofi>NET\/OFI\b|aws-ofi-nccl)/, /GDR disabled on GDR-supported instance type\s*(?<ofiGdrType>[\w.-]*)/, /(?<ofiRegisterEinval>Unable to register memory \(type = 2\).*RC: -22\b)/,
      // the bootstrap root heard from one rank twice (bootstrap.cc, every version): two processes started as that rank
      /Bootstrap Root : rank (?<twiceRank>\d+) of (?<twiceOf>\d+) ranks has already checked in/,
      // the plugin giving up its own start (the words of OFI_GAVE_UP after `NET/OFI `), and RCCL's SMI fallback
      // (misc/alt_rsmi.cc) unable to read a KFD topology node
      new RegExp(String.raw`\bNET\/OFI (?<ofiGaveUp>${OFI_GAVE_UP_WORDS})`), /alt_rsmi\.cc:\d+ NCCL WARN Could not read node # ?(?<kfdNode>\d+)/,
      // CuPy's exception (what ray.util.collective's NCCL groups raise) carries NCCL's code name and its text
      /\bNcclError: NCCL_ERROR_\w+: (?<codeText>[^,(]+)/,
    ],
    // NCCL ≤2.3's WARN has no `NCCL` token (debug.h: `host:pid:tid [dev] file:line WARN msg`), and a quote may keep only
    // its `file:line WARN msg` part: its files are NCCL's own (`include/socket.h`, `misc/ibvwrap.cu`, `transport/p2p.cu`,
    // `init.cu`); the benign ones (`Failed to open libibverbs.so`) stay out through BENIGN_WARN
    pattern: /NCCL error|DistBackendError|\bnccl(?:Unhandled\w*|Invalid\w*|System|Internal|Remote)Error\b|\bncclInvalid(?:Usage|Argument)\b|NCCL WARN|\.(?:cc|cpp|cu|c|h|hpp):\d+(?: \([\w:~]+\))? -> [1-9]\d*\b|RuntimeError: NCCL|\bTest NCCL failure [\w./\-]+\.(?:cu|cc|h):\d+ '|(?:^|\[\d{1,3}\] )(?:(?:include|misc|transport|collectives)\/\w+\.(?:h|cu)|\w+\.cu):\d+ WARN \S|(?<!\bexcept)(?:^|[\s.(])NcclError\)?: \S/,
    // (the last: CuPy's `NcclError` as an exception line, `cupy.cuda.nccl.NcclError: NCCL_ERROR_…: …`, and Ray's task error
    // naming it as its cause, `ray.exceptions.RayTaskError(NcclError): ray::Worker.compute() (pid=…)`, whose text is the
    // failed task, not the NCCL code: ray.util.collective's NCCL groups run on CuPy's NCCL bindings)
    samples: [
      "include/socket.h:344 WARN Socket creation failed : Address family not supported by protocol", "node7:310:390 [1] transport/p2p.cu:404 WARN rank 1 failed to get CUDA IPC handle to device 0 : 11 invalid argument",
      "RuntimeError: NCCL error: invalid usage (run with NCCL_DEBUG=WARN for details)", "node:1:2 [0] enqueue.cc:1 NCCL WARN Error : ring 0 does not loop back to start (3 != 0)", "node:1:2 [0] bootstrap.cc:131 NCCL WARN Bootstrap Root : rank 3 of 16 ranks has already checked in",
      "ncclInvalidUsage: This usually reflects invalid usage of NCCL library.", "gpu-n7: Test NCCL failure common.cu:303 'invalid usage (run with NCCL_DEBUG=WARN for details) / '",
      "ray.exceptions.RayTaskError(NcclError): ray::Learner.sync() (pid=812, ip=10.0.0.7, actor_id=ab12)", "cupy.cuda.nccl.NcclError: NCCL_ERROR_INVALID_USAGE: invalid usage",
    ],
    nearMisses: [
      "gpu-n7: Test CUDA failure common.cu:892 'invalid device ordinal'", "# Out of bounds values : 0 OK", "node7:310:390 [0] misc/ibvwrap.cu:61 WARN Failed to open libibverbs.so[.1]", "src/app/server.c:88 WARN slow client",
      "class NcclError(RuntimeError):", "    except NcclError: pass", "    raise NcclError(status)", "from cupy.cuda.nccl import NcclError",
    ],
  },
  {
    // aws-ofi-nccl's RDMA protocol (src/nccl_ofi_rdma.c, .cpp from 1.15) checks, at both ends of every connection, that the
    // peer built as many rails (the EFA devices it groups under one GPU's leader NIC) for the device as it did itself:
    // `Unexpected number of remote rails for dev %d. Expected %i but got %i` in accept_wait_for_connection (the listening
    // end) and finish_connect (the connecting end) since 1.7.0, and from 1.14 the same check of its control rails
    // (`Unexpected number of remote control rails for dev …`). The function before `:line` is the C name in the C releases
    // and __PRETTY_FUNCTION__ in the C++ ones (`accept_wait_for_connection(nccl_net_ofi_rdma_domain_t*, …):4909`). The
    // plugin returns -EINVAL, which reaches NCCL as ncclInternalError. A paste may keep the plugin's words alone (no
    // header, no `NCCL WARN`), or a title may cut them after `Expected `.
    id: "nccl.ofiRails", dialect: "nccl", level: "error", anyOf: ["number of remote rails", "number of remote control rails"], node: true,
    values: [/ for dev (?<railsDev>\d+)(?:\. Expected (?<railsExpected>\d+)(?: but got (?<railsGot>\d+))?)?/, /remote (?<railsControl>control) rails/],
    pattern: /\bUnexpected number of remote (?:control )?rails for dev \d+/,
    samples: [
      "ip-10-0-7-21:2231:2390 [3] accept_wait_for_connection:4906 NCCL WARN NET/OFI Unexpected number of remote rails for dev 3. Expected 4 but got 2",
      "p5-node-b:918:1044 [1] accept_wait_for_connection(nccl_net_ofi_rdma_domain_t*, nccl_net_ofi_rdma_listen_comm_t*, nccl_net_ofi_rdma_recv_comm_t**):5076 NCCL WARN NET/OFI Unexpected number of remote rails for dev 1. Expected 2 but got 4",
      "p5-node-a:77:203 [0] finish_connect(nccl_net_ofi_rdma_send_comm*):2074 NCCL WARN NET/OFI Unexpected number of remote control rails for dev 0. Expected 2 but got 1",
      "NET/OFI Unexpected number of remote rails for dev 6. Expected 1 but got 3",
      "node:1:2 [5] accept_wait_for_connection:4909 NCCL WARN NET/OFI Unexpected number of remote rails for dev 5. Expected",
    ],
    nearMisses: [
      "node:1:2 [0] NCCL INFO NET/OFI Created device with 4 rails",
      "node:1:2 [0] NCCL INFO NET/OFI Created device with 4 rails (originally found 2 rails)",
      "node:1:2 [0] nccl_net_ofi_rdma_device_t:7025 NCCL WARN NET/OFI Number of forced rails (3) not a multiple of numer of rails (2)",
    ],
  },
  {
    // NCCL's GPU-initiated networking (2.28+, src/gin/): the plugin NCCL gives a communicator for it (`Assigned GIN plugin
    // <name> to comm`, src/plugin/net.cc), its switches read from the environment (`NCCL_GIN_TYPE set by environment to 2`:
    // 2 is the CPU proxy backend; NCCL_GIN_ENABLE, on by default), its proxy (`GIN Proxy will not be using GDRCopy`) and its
    // progress thread's error returns (`gin/gin_host.cc:35 -> 2 [GIN Progress Thread]`). A notable line: GIN is in use, so
    // a failure on the network path may be GIN's set-up. NCCL_GIN_ENABLE set to 0 turns it off, which is no sign of it.
    id: "nccl.gin", dialect: "nccl", level: "info", anyOf: ["assigned gin plugin", "nccl_gin_", "gin progress thread", "gin proxy"],
    values: [/NCCL_GIN_TYPE set by environment to (?<ginType>\d+)/, /Assigned GIN plugin (?<ginPlugin>[\w.-]+)/],
    pattern: /\bAssigned GIN plugin \S|\bNCCL_GIN_(?:ENABLE set by environment to [1-9]|TYPE set by environment to \d)|\[GIN Progress Thread\]|\bGIN Proxy\b/,
    samples: [
      "gin-w-0:301:301 [0] NCCL INFO Assigned GIN plugin Libfabric to comm",
      "gin-w-0:301:301 [0] NCCL INFO NCCL_GIN_TYPE set by environment to 2.",
      "gin-w-0:301:301 [0] NCCL INFO NCCL_GIN_ENABLE set by environment to 1.",
      "gin-w-1:88:140 [2] NCCL INFO GIN Proxy will not be using GDRCopy",
      "gin-w-1:88:140 [2] NCCL INFO gin/gin_host.cc:35 -> 2 [GIN Progress Thread]",
    ],
    nearMisses: ["gin-w-0:301:301 [0] NCCL INFO NCCL_GIN_ENABLE set by environment to 0.", "INFO 01-02 03:04:05 [core.py:70] Initializing a V1 LLM engine (v0.11.0) with config: model='m'"],
  },
  {
    // enqueue.cc's tuner finding no algorithm and protocol for a collective (2.4 on): `Error : no algorithm/protocol
    // available`; from 2.19 `… available for function AllGather with datatype ncclInt8.`, then ` NCCL_ALGO was set to X.` and
    // ` NCCL_PROTO was set to Y.` when those are set (the call then returns ncclInvalidUsage, else ncclInternalError); 2.31
    // words it `No algorithm/protocol nor symKernelId available for function …`. As a WARN, or as PyTorch's `Last error:` text
    id: "nccl.noAlgo", dialect: "any", level: "error", anyOf: ["algorithm/protocol"],
    values: [/available for function (?<noAlgoFunc>\w+) with datatype (?<noAlgoType>\w+)/, /NCCL_ALGO was set to (?<algoEnv>.+?)\.(?:\s|$)/, /NCCL_PROTO was set to (?<protoEnv>.+?)\.(?:\s|$)/],
    pattern: /\bno algorithm\/protocol (?:nor symKernelId )?available\b/i,
    samples: [
      "node:1:2 [3] enqueue.cc:1182 NCCL WARN Error : no algorithm/protocol available",
      "[rank4]: Error : no algorithm/protocol available for function AllGather with datatype ncclInt8. NCCL_ALGO was set to Tree.",
      "No algorithm/protocol nor symKernelId available for function Broadcast with datatype ncclInt8.",
    ],
    nearMisses: ["node:1:2 [0] NCCL INFO 1048576 Bytes -> Algo 1 proto 2 time 34.693867"],
  },
  {
    // the same message's env part when the paste broke it onto a line of its own (`NCCL_ALGO was set to allreduce:tree.
    // NCCL_PROTO was set to Simple.`): NCCL says what the user restricted it to
    id: "nccl.algoForced", dialect: "any", level: "info", anyOf: ["was set to"],
    values: [/NCCL_ALGO was set to (?<algoEnv>.+?)\.(?:\s|$)/, /NCCL_PROTO was set to (?<protoEnv>.+?)\.(?:\s|$)/],
    pattern: /\bNCCL_(?:ALGO|PROTO) was set to \S/,
    samples: ["NCCL_ALGO was set to allreduce:tree. NCCL_PROTO was set to Simple."],
    nearMisses: ["node:1:2 [0] NCCL INFO NCCL_ALGO set by environment to Tree"],
  },
  {
    // init.cc's config check (`Invalid config blocking attribute value %d`), as a WARN or as PyTorch's `Last error:` text:
    // -2147483648 is NCCL_CONFIG_UNDEF_INT, which newer nccl.h headers put in every field a caller leaves unset and NCCL
    // before 2.17 rejects (it accepted only 0 and 1): the loaded libnccl is older than the one PyTorch was built with
    id: "nccl.configBlocking", dialect: "any", level: "error", anyOf: ["invalid config blocking"],
    values: [/Invalid config blocking attribute value (?<blockingValue>-?\d+)/],
    pattern: /Invalid config blocking attribute value -?\d+/,
    samples: ["Invalid config blocking attribute value -2147483648", "node:1:2 [0] init.cc:1416 NCCL WARN Invalid config blocking attribute value 7"],
    nearMisses: ["node:1:2 [0] NCCL INFO NCCL_COMM_BLOCKING set by environment to 0."],
  },
  {
    id: "vllm.cudaOom", dialect: "any", level: "error", anyOf: ["out of memory", "outofmemoryerror", "cublas_status_alloc_failed", "resource_exhausted", "pt_devmem", "out_of_device_memory", "tried to allocate"],
    values: [
      // vLLM V1's sampler and pooler warm-up (gpu_model_runner `_dummy_sampler_run` / `_dummy_pooler_run`) turns the OOM into
      // `CUDA out of memory occurred when warming up sampler with N dummy requests.`: N is max_num_seqs
      /warming up (?<warmup>sampler|pooler)\b.{0,80}? with (?<warmupReqs>\d+) dummy requests/,
      // (PyTorch 2.1 wrote `total capacty`)
      /Tried to allocate (?<tried>[\d.]+ [KMGT]i?B)\.?\s*GPU (?<gpu>\d+) has a total capaci?ty of (?<capacity>[\d.]+ [KMGT]i?B) of which (?<free>[\d.]+ [KMGT]i?B) is free/,
      // PyTorch <2.1 and torch_npu / IPEX still print `(GPU 0; 23.69 GiB total capacity; 21.47 GiB already allocated; 3.06 MiB free; ...)`
      /Tried to allocate (?<tried>[\d.]+ [KMGT]i?B) \((?:GPU|NPU|XPU) (?<gpu>\d+); (?<capacity>[\d.]+ [KMGT]i?B) total capacity;[^)]*?(?<free>[\d.]+ [KMGT]i?B) free/,
      /\b(?<device>HIP|XPU|NPU) out of memory/,
      // XLA (torch_xla, JAX) on TPUs: PJRT's runtime allocation `RESOURCE_EXHAUSTED: Error allocating device buffer: Attempting to
      // allocate 2.00G. That was not possible. There are 1.53G free.; (0x0x0_HBM0)` and the compiler's `RESOURCE_EXHAUSTED:
      // XLA:TPU compile permanent error. Ran out of memory in memory space hbm. Used 21.95G of 15.48G hbm.` (also vmem, smem:
      // a core's on-chip scratch memories, which a kernel's shapes outgrow)
      /\b(?<xla>RESOURCE_EXHAUSTED)\b/,
      /Ran out of memory in memory space (?<memSpace>\w+)\. Used (?<used>[\d.]+[KMGT]?) of (?<limit>[\d.]+[KMGT]?) \w+/,
      /Attempting to (?:allocate|reserve) (?<xlaTried>[\d.]+[KMGT]?)\b.{0,80}?There are (?<xlaFree>[\d.]+[KMGT]?) free/,
      // Intel Gaudi's PyTorch bridge, its device-memory allocator failing (`RuntimeError: [Rank:0] FATAL ERROR ::
      // MODULE:PT_DEVMEM Allocation failed for size::939524096 (896)MB`), and oneAPI's Level Zero / Unified Runtime result
      // for an Intel GPU's allocation (`level_zero backend failed with error: 39 (UR_RESULT_ERROR_OUT_OF_DEVICE_MEMORY)`,
      // `ZE_RESULT_ERROR_OUT_OF_DEVICE_MEMORY`): their words for the device's memory running out
      /MODULE:(?<hpuDevmem>PT_DEVMEM) Allocation failed for size::\d+(?: \((?<devmemMb>\d+)\)MB)?/,
      /\b(?<levelZero>(?:UR|ZE)_RESULT_ERROR_OUT_OF_DEVICE_MEMORY)\b/,
    ],
    // the allocator's message names the device: CUDA, ROCm's HIP, Intel's XPU, Ascend's NPU (torch_npu); vLLM's own
    // cumem allocator (sleep mode, csrc/cumem_allocator.cpp) prints the driver's string as `CUDA Error: out of memory at file:line`;
    // PyTorch's driver-API check (C10_CUDA_DRIVER_CHECK / AT_CUDA_DRIVER_CHECK: `CUDA driver error: ` + cuGetErrorString) as
    // `CUDA driver error: out of memory` (CUDA_ERROR_OUT_OF_MEMORY from a cuMem*/cuModule* call, e.g. a custom op's workspace)
    // (a paste wrapped at the sentences of the message puts `Tried to allocate X. GPU N has a total capacity of ...` on a line of
    // its own: only PyTorch's allocator writes it)
    pattern: /^\s*Tried to allocate [\d.]+ ?[KMGT]i?B\.? ?GPU \d+ has a total capaci?ty of |(?:CUDA|HIP|XPU|NPU) out of memory|(?<!ray\.exceptions\.)OutOfMemoryError(?!: Task was killed due to the node running low on memory)|CUDA (?:driver )?[Ee]rror: out of memory|CUBLAS_STATUS_ALLOC_FAILED|RESOURCE_EXHAUSTED: (?:Error allocating device buffer|Attempting to (?:allocate|reserve) |XLA:\w+ compile permanent error\. Ran out of memory in memory space )|MODULE:PT_DEVMEM Allocation failed for size::\d|\b(?:UR|ZE)_RESULT_ERROR_OUT_OF_DEVICE_MEMORY\b/,
    samples: [
      "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 896.00 MiB. GPU 0 has a total capacity of 79.19 GiB of which 612.06 MiB is free.",
      "RuntimeError: CUDA error: out of memory",
      "RuntimeError: CUDA Error: out of memory at /src/vllm/csrc/cumem_allocator.cpp:62",
      "RuntimeError: CUDA driver error: out of memory",
      "RuntimeError: CUDA out of memory occurred when warming up sampler with 64 dummy requests. Please try lowering `max_num_seqs` or `gpu_memory_utilization` when initializing the engine.",
      "Tried to allocate 120.00 MiB. GPU 1 has a total capacity of 11.50 GiB of which 90.25 MiB is free.",
      "RuntimeError: NPU out of memory. Tried to allocate 30.00 MiB (NPU 3; 60.96 GiB total capacity; 60.34 GiB already allocated; 60.34 GiB current active; 14.24 MiB free; 60.60 GiB reserved in total by PyTorch)",
      "RuntimeError: Bad StatusOr access: RESOURCE_EXHAUSTED: Error allocating device buffer: Attempting to allocate 2.00G. That was not possible. There are 1.53G free.; (0x0x0_HBM0)",
      "jaxlib.xla_extension.XlaRuntimeError: RESOURCE_EXHAUSTED: XLA:TPU compile permanent error. Ran out of memory in memory space vmem. Used 32.42M of 16.00M vmem. Exceeded vmem capacity by 16.42M.",
      "RuntimeError: [Rank:3] FATAL ERROR :: MODULE:PT_DEVMEM Allocation failed for size::2147483648 (2048)MB",
      "RuntimeError: level_zero backend failed with error: 39 (UR_RESULT_ERROR_OUT_OF_DEVICE_MEMORY)",
      "RuntimeError: ZE_RESULT_ERROR_OUT_OF_DEVICE_MEMORY",
    ],
    nearMisses: ["INFO 01-01 00:00:00 model_runner.py:1] To avoid CUDA out of memory errors, lower gpu_memory_utilization", "grpc status RESOURCE_EXHAUSTED: received message larger than max (5242880 vs. 4194304)", "RuntimeError: level_zero backend failed with error: 40 (UR_RESULT_ERROR_OUT_OF_RESOURCES)"],
  },
  {
    // the start-up memory profiling's own check (V0 worker.py, V1 gpu_worker.py `determine_available_memory`, vllm-ascend's
    // NPU worker): the free memory did not drop over the profiling run, so the run's own use cannot be told apart from another
    // process's. V1 prints GiB (`Initial free memory 82.94 GiB, current free memory 90.17 GiB`), V0 and NPU bytes
    id: "vllm.memoryProfilingError", dialect: "any", level: "error", anyOf: ["error in memory profiling"],
    values: [/Initial free memory (?<initFree>\d+(?:\.\d+)?)(?<initGiB> ?GiB)?, current free memory (?<curFree>\d+(?:\.\d+)?)(?<curGiB> ?GiB)?/],
    pattern: /Error in memory profiling\b/,
    samples: [
      "AssertionError: Error in memory profiling. Initial free memory 41.20 GiB, current free memory 43.05 GiB. This happens when other processes sharing the same container release GPU memory while vLLM is profiling during initialization.",
      "AssertionError: Error in memory profiling. Initial free memory 30064771072, current free memory 31138512896. This happens when the GPU memory was not properly cleaned up before initializing the vLLM instance.",
    ],
    nearMisses: ["INFO 01-01 00:00:00 [gpu_worker.py:1] Memory profiling takes 4.10 seconds"],
  },
  {
    // besides the hubs' own errors, vLLM's words for a model it could not locate: the loader finding no weight files for
    // the name it was given (0.2 → current: `Cannot find any model weights with `X``, quoted as the paste kept it), the
    // config lookup refusing a name that is neither a hub id nor a folder with a config (≥0.8: `Invalid repository ID or
    // local directory specified: 'X'.`), and huggingface_hub's CacheNotFound when the cache folder the run points at
    // (HF_HUB_CACHE, HF_HOME, --download-dir) does not exist (`Cache directory not found: /x. Please use `cache_dir`
    // argument or set `HF_HUB_CACHE` environment variable.`). Before 0.8.3 the config lookup said `No supported config format
    // found in X` (0.6.x → 0.8.2; then `Could not detect config format for no config file found`), and a folder that does
    // not exist reaches huggingface_hub as a repo id it refuses: `HFValidationError: Repo id must be in the form 'repo_name'
    // or 'namespace/repo_name': '/data/m'. Use `repo_type` argument if needed.` (also logged bare by V0's engine process)
    id: "vllm.modelDownload", dialect: "vllm", level: "error",
    values: [/(?:huggingface\.co|hf\.co)\/(?:api\/models\/)?(?<repo>[\w.-]+\/[\w.-]+?)(?:\/|\.git\b|['"\s)]|$)/, /(?:Cannot find any model weights with|Invalid repository ID or local directory specified:|No supported config format found in|'namespace\/repo_name':) [`'"]?(?<repo>[^`'"\s]+?)[`'"]?\.?(?:\s|$)/, /(?<cache>Cache directory not found|CacheNotFound)/, /(?<unlocated>Cannot find any model weights|Invalid repository ID or local directory|No supported config format found|Could not detect config format for no config file found|Repo id must be in the form)/, /(?<retry>Retrying in \d|\[Retry \d+\/\d+\]|Retry\(total=|\bretrying\b|thrown while requesting)/i, /(?<auth>401|403|gated|GatedRepo|token)/i, /(?<notFound>404|RepositoryNotFound|EntryNotFound|RevisionNotFound|not a valid model identifier|does not appear to have|Incorrect path)/i, /(?<offline>OfflineModeIsEnabled|LocalEntryNotFound|couldn't connect|HTTPSConnectionPool|Timeout)/i],
    anyOf: ["notfounderror", "gatedrepo", "hfhubhttperror", "offlinemode", "gated repo", "client error", "couldn't connect", "httpsconnectionpool", "does not appear to have", "can't load", "incorrect path", "not a valid model identifier", "acquiring lock", "acquiring the lock", "lock acquisition", "modelscope", "cannot find any model weights", "invalid repository id or local directory", "cache directory not found", "cachenotfound", "no supported config format found", "could not detect config format", "repo id must be in the form"],
    pattern: /RepositoryNotFoundError|GatedRepoError|LocalEntryNotFoundError|EntryNotFoundError|RevisionNotFoundError|HfHubHTTPError|OfflineModeIsEnabled|Cannot access gated repo|(?:401|403|404) Client Error(?:(?!Client Error).)*?(?:huggingface|hf\.co|modelscope)|couldn't connect to '?https?:\/\/(?:huggingface\.co|hf\.co|hf-mirror)|HTTPSConnectionPool\(host='(?:huggingface\.co|hf\.co|cdn-lfs[^']{0,200})'|does not appear to have a file named|Can't load (?:the )?(?:tokenizer|config|configuration)|Incorrect path_or_model_id|is not a local folder and is not a valid model identifier|Timeout acquiring (?:the )?lock|Lock acquisition failed|modelscope(?:(?!modelscope).)*?(?:HTTPError|NotExistError|failed to download)|Cannot find any model weights with\b|No supported config format found in\b|Could not detect config format for no config file found|Repo id must be in the form 'repo_name' or 'namespace\/repo_name'|Invalid repository ID or local directory specified\b|Cache directory not found: \S+ Please use `?cache_dir`? argument or set `?HF_HUB_CACHE|huggingface_hub\.(?:utils\.|errors\.)?(?:_errors\.)?CacheNotFound:/i,
    samples: [
      "huggingface_hub.errors.GatedRepoError: 401 Client Error. (Request ID: Root=1-66a) Cannot access gated repo for url https://huggingface.co/meta-llama/Llama-3.1-8B/resolve/main/config.json.",
      "OSError: acme/m does not appear to have a file named preprocessor_config.json.",
      "WARNING:huggingface_hub.utils._http:'(ReadTimeoutError(\"HTTPSConnectionPool(host='huggingface.co', port=443): Read timed out.\"))' thrown while requesting HEAD https://huggingface.co/acme/m/resolve/main/config.json",
      "RuntimeError: Cannot find any model weights with `/models/acme-13b`",
      "(RayWorkerWrapper pid=88, ip=10.1.2.3) ERROR 05-02 11:00:00 worker_base.py:464] RuntimeError: Cannot find any model weights with 'acme/chat-7b'",
      "(APIServer pid=12) ValueError: Invalid repository ID or local directory specified: '/data/models/acme-8b'.",
      "ERROR 06-24 15:31:46 engine.py:389] Cache directory not found: /srv/hf. Please use `cache_dir` argument or set `HF_HUB_CACHE` environment variable.",
      "huggingface_hub.errors.CacheNotFound: Cache directory not found: /srv/hf. Please use `cache_dir` argument or set `HF_HUB_CACHE` environment variable.",
      "ValueError: No supported config format found in acme/chat-7b",
      "ERROR 02-17 19:14:36 engine.py:389] No supported config format found in /models/acme-7b",
      "ValueError: Could not detect config format for no config file found. Please ensure your model has either config.json (HF format) or params.json (Mistral format), or specify format explicitly.",
      "huggingface_hub.errors.HFValidationError: Repo id must be in the form 'repo_name' or 'namespace/repo_name': '/data/models/acme-70b'. Use `repo_type` argument if needed.",
    ],
    nearMisses: [
      "INFO 09-24 02:53:51 [weight_utils.py:349] No model.safetensors.index.json found in remote.",
      "ERROR 07-18 10:29:03 [config.py:130] Error retrieving safetensors: 'acme/m' is not a safetensors repo. Couldn't find 'model.safetensors.index.json' or 'model.safetensors' files., retrying 1 of 2",
      "ERROR 08-21 08:11:47 [config.py:133] Error retrieving safetensors: Repo id must be in the form 'repo_name' or 'namespace/repo_name': '/data/acme-8b.Q4_K_M.gguf'. Use `repo_type` argument if needed., retrying 1 of 2",
      "INFO 03-01 10:00:00 [backends.py:500] Cache directory not found for compiled graph, compiling from scratch",
      "Please verify the following requirements:",
      "WARNING 03-03 02:50:08 registry.py:385] No model architectures are specified",
    ],
  },
  {
    // a model nothing installed can build, or one whose code lives in its repository. vLLM's registry
    // (registry.py `_raise_for_unsupported`: `Model architectures ['X'] are not supported for now. Supported architectures:
    // ...`; ≥0.10 inside pydantic's `Value error, ...`), its Transformers fallback (`Cannot find model module. 'X' is not a
    // registered model in the Transformers library ...`, vLLM and SGLang alike), Transformers' config lookup (`The
    // checkpoint you are trying to load has model type `x` but Transformers does not recognize this architecture`), the
    // remote-code refusals (Transformers' `Loading X requires you to execute the configuration file in that repo ...` and
    // `The repository for X contains custom code which must be executed to correctly load the model`; vLLM's own
    // `Failed to load the tokenizer. If the tokenizer is a custom tokenizer ...` / `Failed to load the model config. If
    // the model is a custom model ...`), Transformers' `Tokenizer class X does not exist or is not currently imported`,
    // and the registry's class check, which runs in a subprocess, failing there (registry.py `_try_inspect_model_cls` /
    // `_try_load_model_cls`, ≥0.6.3: `Error in inspecting model architecture 'X'` / `Error in loading model architecture
    // 'X'` logged with the subprocess's traceback; later releases then raise `Model architectures ['X'] failed to be
    // inspected. Please check the logs for more details.`), and Transformers unable to build the tokenizer for want of its
    // backend library or file (`Converting from SentencePiece and Tiktoken failed, if a converter for SentencePiece is
    // available, provide a model path with a SentencePiece tokenizer.model file.`, `Couldn't instantiate the backend
    // tokenizer from one of: ...` / `You need to have sentencepiece installed to convert a slow tokenizer to a fast one.`,
    // `X requires the SentencePiece library but it was not found in your environment.` (either casing, on the line after
    // `ImportError:`), `` `tiktoken` is required to read a `tiktoken` file``), and the Transformers backend finding the
    // model's Transformers class unable to run on vLLM's attention (model_loader/utils.py then registry.py: 0.7
    // `The Transformers implementation of X is not compatible with vLLM.`, later with the name quoted; 0.8-0.9 V1's
    // `X has no vLLM implementation and the Transformers implementation is not compatible with vLLM. Try setting
    // VLLM_USE_V1=0.`), typical of embedding checkpoints that name a bare encoder class or bring their own code. (The
    // class name before `has no vLLM implementation` is tried only where a name starts: tried at every character of a
    // long run of letters, it cost ~1 µs a character.)
    id: "vllm.modelSupport", dialect: "any", level: "error",
    anyOf: ["converting from sentencepiece and tiktoken failed", "couldn't instantiate the backend tokenizer", "you need to have sentencepiece installed", "requires the sentencepiece library but it was not found", "is required to read a `tiktoken` file", "are not supported for now", "error in inspecting model architecture", "error in loading model architecture", "failed to be inspected", "cannot find model module", "does not recognize this architecture", "requires you to execute the", "contains custom code which must be executed", "if the tokenizer is a custom", "if the model is a custom", "is not currently imported", "the transformers implementation of", "the transformers implementation is not compatible"],
    pattern: /The Transformers implementation of '?(?<tfArch>[\w.]{1,200})'? is not compatible with vLLM|'?(?<tfNoImpl>(?<![\w.])[\w.]{1,200})'? has no vLLM implementation and the Transformers implementation is not compatible with vLLM|Model architectures \[(?<archs>[^\]]{1,400})\] are not supported for now|Cannot find model module\. '(?<module>[\w.]+)' is not a registered model|has model type [`']?(?<modelType>[\w.\-]+)[`']? but Transformers does not recognize this architecture|(?<remote>requires you to execute the (?:configuration|tokenizer|modeling) file in that repo|contains custom code which must be executed to correctly load|Failed to load the (?:tokenizer|model config)\. If the (?:tokenizer|model) is a custom)|Tokenizer class (?<tokenizerClass>\w+) does not exist or is not currently imported|Error in (?:inspecting|loading) model architecture '(?<inspect>[\w.]{1,200})'|Model architectures \[(?<inspectArchs>[^\]]{1,400})\] failed to be inspected|(?<tokenizerBackend>Converting from SentencePiece and Tiktoken failed|Couldn't instantiate the backend tokenizer|You need to have sentencepiece installed to convert a slow tokenizer|requires the [Ss]entence[Pp]iece library but it was not found|`?tiktoken`? is required to read a `?tiktoken`? file)/,
    samples: [
      "ValueError: Model architectures ['Glm4MoeForCausalLM'] are not supported for now. Supported architectures: dict_keys(['AquilaModel', 'LlamaForCausalLM'])",
      "(APIServer pid=61) Value error, Model architectures ['FooVLForCausalLM'] are not supported for now. Supported architectures: dict_keys(['ApertusForCausalLM'])",
      "ValueError: Cannot find model module. 'MiniMaxM1ForCausalLM' is not a registered model in the Transformers library (only relevant if the model is meant to be in Transformers) and 'AutoModel' is not present in the model config's 'auto_map' (relevant if the model is custom).",
      "ValueError: The checkpoint you are trying to load has model type `qwen3_moe` but Transformers does not recognize this architecture. This could be because of an issue with the checkpoint, or because your version of Transformers is out of date.",
      "ValueError: Loading /models/chatglm3-6b requires you to execute the configuration file in that repo on your local machine. Make sure you have read the code there to avoid malicious use, then set the option `trust_remote_code=True` to remove this error.",
      "RuntimeError: Failed to load the tokenizer. If the tokenizer is a custom tokenizer not yet available in the HuggingFace transformers library, consider setting `trust_remote_code=True` in LLM or using the `--trust-remote-code` flag in the CLI.",
      "ValueError: Tokenizer class BaichuanTokenizer does not exist or is not currently imported.",
      "ERROR 03-02 09:14:51 registry.py:301] Error in inspecting model architecture 'AcmeForCausalLM'",
      "(APIServer pid=7) ERROR 03-02 09:14:51 [registry.py:512] Error in loading model architecture 'AcmeForCausalLM'",
      "ValueError: Model architectures ['AcmeForCausalLM'] failed to be inspected. Please check the logs for more details.",
      "ValueError: Converting from SentencePiece and Tiktoken failed, if a converter for SentencePiece is available, provide a model path with a SentencePiece tokenizer.model file.Currently available slow->fast converters: ['AlbertTokenizer', 'BartTokenizer']",
      "ValueError: Couldn't instantiate the backend tokenizer from one of:",
      "You need to have sentencepiece installed to convert a slow tokenizer to a fast one.",
      "LlamaTokenizer requires the SentencePiece library but it was not found in your environment. Checkout the instructions on the",
      "ValueError: `tiktoken` is required to read a `tiktoken` file. Install it with `pip install tiktoken`.",
      "ERROR 05-06 07:08:09 engine.py:400] The Transformers implementation of BertModel is not compatible with vLLM.",
      "ValueError: The Transformers implementation of 'AcmeEncoderModel' is not compatible with vLLM.",
      "(VllmWorker rank=0 pid=88) ERROR 05-06 07:08:09 [multiproc_executor.py:470] ValueError: AcmeMoEForCausalLM has no vLLM implementation and the Transformers implementation is not compatible with vLLM. Try setting VLLM_USE_V1=0.",
    ],
    nearMisses: [
      "    fast_tokenizer = convert_slow_tokenizer(self, from_tiktoken=True)",
      "INFO 05-02 10:11:12 [tokenizer.py:90] Using a slow tokenizer. This might cause a significant slowdown. Consider using a fast tokenizer instead.",
      "(APIServer pid=1) The argument `trust_remote_code` is to be used with Auto classes. It has no effect here and is ignored.",
      "WARNING 05-02 10:11:12 [registry.py:380] Model architecture FooForCausalLM is already registered, and will be overwritten by the new model class",
      "Disabling this option is not compatible with vLLM generation.",
      "INFO 05-06 07:08:09 [transformers.py:120] Using Transformers backend.",
      "The installed flash-attn build is not compatible with vLLM 0.6.5",
    ],
  },
  {
    id: "vllm.rayPlacement", dialect: "vllm", level: "error",
    // `waiting`: vLLM repeats it every 10 s while Ray gathers the GPUs (on a cluster still starting, success follows);
    // `gaveUp`: the fatal form after VLLM_RAY_PG_TIMEOUT (1800 s by default); newer releases state the GPU count (`requiring`)
    // Ray's autoscaler says the same while the group waits: `(autoscaler +1m2s) Warning: The following resource request
    // cannot be scheduled right now: {'GPU': 1.0, ...}`, `The autoscaler could not find a node type to satisfy the
    // request: [{'GPU': 1.0}, ...]` (a request without GPUs is not vLLM's workers)
    // Ray Serve's controller says it of a replica of a vLLM deployment (ray/serve/_private/deployment_state.py, every 30 s
    // while the replica waits for its resources): `Deployment 'VLLMDeployment:m' in application 'a' [has] 1 replicas that have
    // taken more than 30s to be scheduled. This may be due to waiting for the cluster to auto-scale or for a runtime
    // environment to be installed. Resources required for each replica: [{"CPU": 1.0}, {"CPU": 1.0, "GPU": 0.1}], total
    // resources available: {}. Use \`ray status\` for more details.` (2.0–2.2: `Deployment "m" has 1 replicas ... to be
    // scheduled. This may be caused by waiting for the cluster to auto-scale, or waiting for a runtime environment to install.
    // Resources required for each replica: {"CPU": 1.0}, resources available: {}.`); its `... more than 30s to initialize.`
    // is a slow constructor, not resources, and a replica that asks for no GPU is not vLLM's
    values: [/(?<waiting>Waiting for creating a placement group|cannot be scheduled right now|could not find a node type to satisfy the request|replicas that have taken more than \d+s to be scheduled)/i, /(?<exceedsAvailable>exceeds the total number of available GPUs)/, /specs=\[(?<specs>.*?)\]/, /placement group requiring (?<requiring>\d+) GPUs?/i, /(?<gaveUp>Cannot provide a placement group)/i, /Resources required for each replica: (?<replicaNeeds>.*?), (?:total )?resources available: (?<clusterHas>\{[^}]*\})/],
    anyOf: ["required gpus", "placement group", "node types", "no gpu available", "cannot find", "cannot get", "does not allocate", "cannot be scheduled right now", "could not find a node type", "to be scheduled"],
    pattern: /number of required GPUs exceeds the total number of available GPUs|Waiting for creating a placement group|resource request cannot be scheduled right now: \{[^}]{0,300}'GPU'|could not find a node type to satisfy the request: \[\{[^\]]{0,300}'GPU'|No available node types can fulfill resource request|placement group(?:(?!placement group).)*?(?:infeasible|cannot be (?:created|scheduled)|timed? ?out)|Current node has no GPU available|Cannot (?:find|get) (?:enough )?(?:GPU|resources)|Ray does not allocate any GPUs on the driver node|Cannot provide a placement group|replicas that have taken more than \d+s to be scheduled\b.{0,400}?Resources required for each replica: .{0,400}?["']GPU["'].{0,400}?resources available/i,
    samples: [
      "INFO 03-18 11:21:42 ray_utils.py:214] Waiting for creating a placement group of specs for 10 seconds. specs=[{'GPU': 1.0}, {'GPU': 1.0}]. Check `ray status`",
      "Error: No available node types can fulfill resource request {'GPU': 8.0}. Add suitable node types to this cluster to resolve this issue.",
      "(ServeController pid=812) WARNING 2025-01-09 07:12:40,118 controller 812 -- Deployment 'LLMServer:qwen-7b' in application 'llms' has 1 replicas that have taken more than 30s to be scheduled. This may be due to waiting for the cluster to auto-scale or for a runtime environment to be installed. Resources required for each replica: [{\"CPU\": 1.0, \"GPU\": 1.0}], total resources available: {}. Use `ray status` for more details.",
      "Deployment \"llm\" has 1 replicas that have taken more than 30s to be scheduled. This may be caused by waiting for the cluster to auto-scale, or waiting for a runtime environment to install. Resources required for each replica: {\"CPU\": 1.0, \"GPU\": 1.0}, resources available: {\"CPU\": 6.0}.",
    ],
    nearMisses: [
      "(ServeController pid=812) WARNING 2025-01-09 07:12:40,118 controller 812 -- Deployment 'LLMServer:qwen-7b' in application 'llms' has 1 replicas that have taken more than 30s to initialize. This may be caused by a slow __init__ or reconfigure method.",
      "Deployment 'Ingress' in application 'llms' has 1 replicas that have taken more than 30s to be scheduled. This may be due to waiting for the cluster to auto-scale or for a runtime environment to be installed. Resources required for each replica: {\"CPU\": 1.0}, total resources available: {\"GPU\": 4.0}. Use `ray status` for more details.",
    ],
  },
  {
    // the parallel layout asks one node for more GPUs than it sees: the world size check of the config (V1: `World size
    // (N) ... in this node`, naming --distributed-executor-backend ray and --nnodes as ways out), its ≈0.11.1+ wording that
    // calls the world size the tensor parallel size, and the multiproc executor's assert of 0.4–0.6
    id: "vllm.gpusShort", dialect: "vllm", level: "error",
    anyOf: ["than the number of available gpus", "to less than max local gpu count"],
    values: [/(?:World size|Tensor parallel size) \((?<worldSize>\d+)\)/, /tensor_parallel_size \((?<worldSize>\d+)\)/, /available GPUs \((?<gpus>\d+)\)/, /max local gpu count \((?<gpus>\d+)\)/],
    pattern: /(?:World size \(\d+\) is larger|Tensor parallel size \(\d+\) cannot be larger) than the number of available GPUs \(\d+\)|please set tensor_parallel_size \(\d+\) to less than max local gpu count \(\d+\)/,
    samples: [
      "(APIServer pid=1) ValueError: World size (16) is larger than the number of available GPUs (8) in this node. If this is intentional and you are using:",
      "  Value error, World size (2) is larger than the number of available GPUs (1) in this",
      "  Value error, Tensor parallel size (4) cannot be larger than the number of available GPUs (2). [type=value_error, input_value=ArgsKwargs((), {}), input_type=ArgsKwargs]",
      "AssertionError: please set tensor_parallel_size (4) to less than max local gpu count (2)",
    ],
    nearMisses: [
      "RuntimeError: The local rank is larger than the number of available GPUs.",
      "ValueError: The number of required GPUs exceeds the total number of available GPUs (4) in the placement group.",
    ],
  },
  {
    // A process ended by a fatal signal of its own doing (not a SIGKILL or SIGTERM sent to it: those are
    // vllm.hostMemoryKilled's and the launchers' own stops; nor SIGABRT, which is how a C++ error already reported ends a
    // process, as PyTorch's NCCL watchdog does after a collective timeout), in the words of what saw it die:
    // - torch elastic (torchrun): `failed (exitcode: -7) local_rank: 1 (pid: 5621) of binary: ...`, and its summary's
    //   `exitcode  : -7 (pid: 100)` / `traceback : Signal 7 (SIGBUS) received by PID 100` (errors/__init__.py);
    // - torch.multiprocessing.spawn: `process 3 terminated with signal SIGSEGV`;
    // - Python's subprocess: `Command '[...]' died with <Signals.SIGBUS: 7>.` (CalledProcessError);
    // - vLLM V0's worker monitor: `Worker VllmWorkerProcess pid 214281 died, exit code: -11` (multiproc_worker_utils.py);
    // - the process itself: CPython's `Fatal Python error: Bus error` / `Segmentation fault` (faulthandler), the failure
    //   signal handler that Ray (and abseil) install: `*** SIGBUS received at time=1692931519 on cpu 133 ***`, glog's
    //   `*** SIGSEGV (@0x0) received by PID 4410 (TID 0x7f3a5c0f9700) from PID 0; stack trace: ***`,
    //   PyTorch's `!!!!!!! Segfault encountered !!!!!!!`, and its DataLoader's `DataLoader worker (pid 77) is killed by
    //   signal: Bus error.` / `Unexpected bus error encountered in worker. This might be caused by insufficient shared
    //   memory (shm).`;
    // - UCX's error handler (HPC-X, NVSHMEM's and NIXL's transport): `[host:pid:tid:0] Caught signal 11 (Segmentation fault:
    //   address not mapped to object at address (nil))`, then its `==== backtrace (tid: N) ====`;
    // - MPI launchers: Open MPI's `mpirun noticed that process rank 3 with PID 2207 on node n2 exited on signal 11
    //   (Segmentation fault).` (ORTE and PRRTE, any launcher name), Hydra's (MPICH, Intel MPI) `=   KILLED BY SIGNAL: 11
    //   (Segmentation fault)` and `YOUR APPLICATION TERMINATED WITH THE EXIT STRING: Segmentation fault (signal 11)`; srun's
    //   report of its tasks (the signal's strsignal words): `srun: error: n12: tasks 29,31: Bus error`;
    // - Open MPI's own handler in each MPI process (opal's stack trace, on by default for SIGBUS, SIGFPE, SIGSEGV and
    //   SIGABRT, 1.x to 5.x): `[host:pid] *** Process received signal ***`, then `[host:pid] Signal: Segmentation fault
    //   (11)` (strsignal's words and the number; macOS's words carry the number too, `Segmentation fault: 11 (11)`),
    //   `Signal code: Address not mapped (1)`, `Failing at address: 0x8`, the `[ N]` frames and `*** End of error
    //   message ***`; only the `Signal:` line names the signal (SIGABRT's `Signal: Aborted (6)` ends a process whose
    //   error is already reported);
    // - the shell: `Bus error (core dumped)`, `Segmentation fault (core dumped)`, a bare `Bus error`, and a script's job
    //   `./serve.sh: line 9: 48213 Bus error               (core dumped) python ...`; under a zh_CN locale the signal's
    //   words are glibc's translated strsignal (段错误 SIGSEGV, 总线错误 SIGBUS, 浮点数例外 SIGFPE, 非法指令 SIGILL) and bash's
    //   `(core dumped)` and `line N:` are its own translations (`(核心已转储)`, `第 N 行：`).
    // Linux numbers: 4 SIGILL, 7 SIGBUS, 8 SIGFPE, 11 SIGSEGV (`code`); `signal` a name, `what` the words.
    id: "vllm.fatalSignal", dialect: "any", level: "error",
    anyOf: ["exitcode", "received by pid", "terminated with signal", "died with <signals.", "exit code: -", "exits with return code = -", "fatal python error:", "received at time=", "segfault encountered", "killed by signal:", "unexpected bus error", "(core dumped)", "bus error", "segmentation fault", "caught signal", "exited on signal", "exit string:", "floating point exception", "illegal instruction", "\u6bb5\u9519\u8bef", "\u603b\u7ebf\u9519\u8bef", "\u6d6e\u70b9\u6570\u4f8b\u5916", "\u975e\u6cd5\u6307\u4ee4"],
    values: [
      /Signal (?<code>\d+) \((?<signal>SIG[A-Z]+)\) received by PID/,
      /Caught signal (?<code>\d+) \(/,
      /exitcode\s*: -(?<code>\d+)\b/,
      /died, exit code: -(?<code>\d+)\b/,
      /exits with return code = -(?<code>\d+)\b/,
      /exited on signal (?<code>\d+)\b/,
      /KILLED BY SIGNAL: (?<code>\d+)\b/,
      /EXIT STRING: [A-Za-z ]{1,40} \(signal (?<code>\d+)\)/,
      /(?:terminated with signal |died with <Signals\.|\*\*\* )(?<signal>SIG[A-Z]+)\b/,
      /(?:Fatal Python error: |killed by signal: |^|\s)(?<what>Bus error|Segmentation fault|Floating point exception|Illegal instruction)\b/,
      /(?<what>Segfault) encountered|Unexpected (?<what2>bus error) encountered in worker/,
      /(?<shm>insufficient shared memory \(shm\))/,
      /(?:^|[\s\uff1a:])(?<whatZh>\u6bb5\u9519\u8bef|\u603b\u7ebf\u9519\u8bef|\u6d6e\u70b9\u6570\u4f8b\u5916|\u975e\u6cd5\u6307\u4ee4)(?=\s|$)/,
    ],
    pattern: /(?:^|[\s\uff1a:])(?:\u6bb5\u9519\u8bef|\u603b\u7ebf\u9519\u8bef|\u6d6e\u70b9\u6570\u4f8b\u5916|\u975e\u6cd5\u6307\u4ee4)\s*[(\uff08]\u6838\u5fc3\u5df2\u8f6c\u50a8[)\uff09]|^\s*(?:\u6bb5\u9519\u8bef|\u603b\u7ebf\u9519\u8bef)\s*$|\u7b2c ?\d+ ?\u884c[\uff1a:] *\d+ +(?:\u6bb5\u9519\u8bef|\u603b\u7ebf\u9519\u8bef|\u6d6e\u70b9\u6570\u4f8b\u5916|\u975e\u6cd5\u6307\u4ee4)\s+\S|Signal (?:4|7|8|11) \(SIG[A-Z]+\) received by PID \d+|\(exitcode: -(?:4|7|8|11)\) local_rank: \d+|^\s*exitcode\s*: -(?:4|7|8|11) \(pid: \d+\)|process \d+ terminated with signal SIG(?:ILL|BUS|FPE|SEGV)\b|died with <Signals\.SIG(?:ILL|BUS|FPE|SEGV): \d+>|\bdied, exit code: -(?:4|7|8|11)\b|Fatal Python error: (?:Bus error|Segmentation fault|Floating point exception|Illegal instruction)\b|\*\*\* SIG(?:ILL|BUS|FPE|SEGV) (?:received at time=\d+|\(@0x[0-9a-fA-F]+\) received by PID \d+)|!!!!!!! Segfault encountered !!!!!!!|is killed by signal: (?:Bus error|Segmentation fault|Floating point exception|Illegal instruction)\b|Unexpected bus error encountered in worker|Caught signal (?:4|7|8|11) \((?:Illegal instruction|Bus error|Floating point exception|Segmentation fault)\b|\b(?:Bus error|Segmentation fault|Floating point exception|Illegal instruction)\s+\(core dumped\)|^\s*(?:Bus error|Segmentation fault)\s*$|: line \d+: +\d+ (?:Bus error|Segmentation fault|Floating point exception|Illegal instruction) +\S|\bexits with return code = -(?:4|7|8|11)\b|(?<![\w.\-])(?:mpirun|mpiexec|orterun|prterun|prun|oshrun)(?:\.[\w\-]+)? noticed that (?:process|job) rank \d+ with PID \d+ on node \S+ exited on signal (?:4|7|8|11)\b|^=\s+KILLED BY SIGNAL: (?:4|7|8|11)\b|TERMINATED WITH THE EXIT STRING: [A-Za-z ]{1,40} \(signal (?:4|7|8|11)\)|^srun: error: \S+: tasks? [\d,\-]+: (?:Bus error|Segmentation fault|Floating point exception|Illegal instruction)\b|(?:^|\[[^\]\s]+:\d+\] )Signal: (?:Bus error|Segmentation fault|Floating point exception|Illegal instruction)(?:: \d+)? \(\d+\)\s*$/,
    samples: [
      "mpirun noticed that process rank 3 with PID 2207 on node gpu-b2 exited on signal 11 (Segmentation fault).",
      "\u6bb5\u9519\u8bef (\u6838\u5fc3\u5df2\u8f6c\u50a8)",
      "./start.sh: \u7b2c 9 \u884c\uff1a 48213 \u603b\u7ebf\u9519\u8bef               (\u6838\u5fc3\u5df2\u8f6c\u50a8) python3 -m vllm.entrypoints.openai.api_server --model /m",
      "prterun noticed that process rank 12 with PID 9921 on node n07 exited on signal 7 (Bus error).",
      "=   KILLED BY SIGNAL: 11 (Segmentation fault)",
      "YOUR APPLICATION TERMINATED WITH THE EXIT STRING: Segmentation fault (signal 11)",
      "srun: error: gpu-n12: tasks 29,31: Bus error",
      "srun: error: gpu-n12: task 3: Segmentation fault (core dumped)",
      "ERROR:torch.distributed.elastic.multiprocessing.api:failed (exitcode: -7) local_rank: 0 (pid: 812) of binary: /usr/bin/python3",
      "E0301 10:00:00.000000 4410 torch/distributed/elastic/multiprocessing/api.py:869] failed (exitcode: -11) local_rank: 2 (pid: 4413) of binary: /opt/venv/bin/python",
      "  exitcode  : -7 (pid: 2231)",
      "  traceback : Signal 7 (SIGBUS) received by PID 2231",
      "*** SIGSEGV (@0x0) received by PID 4410 (TID 0x7f3a5c0f9700) from PID 0; stack trace: ***",
      "torch.multiprocessing.spawn.ProcessExitedException: process 1 terminated with signal SIGSEGV",
      "subprocess.CalledProcessError: Command '['/usr/bin/gcc', 'main.c']' died with <Signals.SIGBUS: 7>.",
      "ERROR 05-02 09:11:40 multiproc_worker_utils.py:120] Worker VllmWorkerProcess pid 3311 died, exit code: -7",
      "[2026-03-02 04:26:35,999] [ERROR] [launch.py:324:sigkill_handler] ['/opt/venv/bin/python3', '-u', 'train.py', '--local_rank=1'] exits with return code = -11",
      "(RayWorkerWrapper pid=881) *** SIGBUS received at time=1714000000 on cpu 12 ***",
      "Fatal Python error: Bus error",
      "!!!!!!! Segfault encountered !!!!!!!",
      "RuntimeError: DataLoader worker (pid 4410) is killed by signal: Bus error. It is possible that dataloader's workers are out of shared memory. Please try to raise your shared memory limit.",
      "ERROR: Unexpected bus error encountered in worker. This might be caused by insufficient shared memory (shm).",
      "./serve.sh: line 9: 48213 Bus error               (core dumped) python -m vllm.entrypoints.openai.api_server --model org/m",
      "Segmentation fault (core dumped)",
      "Bus error",
      "[gpu-b7:4410:0:4410] Caught signal 11 (Segmentation fault: address not mapped to object at address 0x18)",
      "[gpu-b7:4410:0:4410] Caught signal 7 (Bus error: nonexistent physical address)",
      "[gpu-n03:07712] Signal: Segmentation fault (11)",
      "[trainer-0:31245] Signal: Bus error (7)",
      "[mac-mini:04410] Signal: Segmentation fault: 11 (11)",
    ],
    nearMisses: [
      "torch.distributed.elastic.multiprocessing.api: [ERROR] failed (exitcode: -9) local_rank: 0 (pid: 4411) of binary: /usr/bin/python3",
      "  exitcode  : 1 (pid: 2231)",
      "ERROR 07-01 13:54:43 multiproc_worker_utils.py:120] Worker VllmWorkerProcess pid 1159 died, exit code: -6",
      "WARNING:torch.distributed.elastic.multiprocessing.api:Sending process 5620 closing signal SIGTERM",
      "ERROR 05-02 09:11:40 multiproc_worker_utils.py:120] Worker VllmWorkerProcess pid 3311 died, exit code: -15",
      "(RayWorkerWrapper pid=881) *** SIGTERM received at time=1714000000 on cpu 12 ***",
      "torch.multiprocessing.spawn.ProcessExitedException: process 0 terminated with signal SIGKILL",
      "INFO 03-18 11:21:42 [launcher.py:80] Handling SIGBUS and SIGSEGV with a stack dump",
      "[gpu-b7:4410:0:4410] Caught signal 15 (Terminated)",
      "\u8bf7\u95ee\u8fd0\u884c\u65f6\u51fa\u73b0\u6bb5\u9519\u8bef\u600e\u4e48\u89e3\u51b3\uff1f",
      "./start.sh: \u7b2c 9 \u884c\uff1a 48213 \u5df2\u7ec8\u6b62               python3 -m vllm.entrypoints.openai.api_server --model /m",
      "mpirun noticed that process rank 1 with PID 771 on node n2 exited on signal 15 (Terminated).",
      "mpirun noticed that process rank 0 with PID 21183 on node host01 exited on signal 9 (Killed).",
      "=   KILLED BY SIGNAL: 9 (Killed)",
      "=   KILLED BY SIGNAL: 110",
      "srun: error: gpu-n12: task 1: Exited with exit code 139",
      "[gpu-n03:07712] Signal: Aborted (6)",
      "[gpu-n03:07712] *** Process received signal ***",
      "[gpu-n03:07712] Signal code: Address not mapped (1)",
      "[gpu-n03:07712] Signal: Terminated (15)",
      "Signal: Segmentation fault in frame 3, see the notes below",
    ],
  },
  {
    // The C++ runtime ending a process on an exception nothing caught (libstdc++'s verbose terminate handler,
    // __gnu_cxx::__verbose_terminate_handler, writes to stderr before it calls abort()): `terminate called after throwing
    // an instance of '<type>'` (the demangled type: std::bad_alloc, c10::Error, c10::DistBackendError, ...), then
    // `  what():  <the exception's what()>` on the next line (torch.terminateWhat); `terminate called recursively` when a
    // second thread terminates while the first is still at it; `terminate called without an active exception` when
    // std::terminate runs with none (a std::thread destroyed while still joinable). Ray installs its own handler in its
    // workers (ray::TerminateHandler, src/ray/util/logging.cc): `logging.cc:97: Unhandled exception: <mangled type>.
    // what(): <what()>` (2.0: `Unhandled exception St12length_error. what(): ...`). C++ writes these to the process's
    // stderr directly, so a vLLM worker's lines come without the `(VllmWorker TP0 pid=N)` prefix its Python output has;
    // Ray's log monitor prefixes both. A paste may join the two lines into one.
    id: "torch.terminate", dialect: "any", level: "error", process: true,
    anyOf: ["terminate called", "unhandled exception"],
    values: [
      /after throwing an instance of '(?<excType>[A-Za-z_][\w:]*(?:<[^'\n]{0,300}>)?)'/,
      /terminate called (?<recursive>recursively)/,
      /terminate called (?<noActive>without an active exception)/,
      /Unhandled exception:? (?<mangled>[A-Za-z_]\w*)\. what\(\):/,
      /\bwhat\(\):\s+(?<what>\S.*?)\s*$/,
      // the exception types whose cause the rule can name: host memory, a failure of the collective backend (its
      // what() holds NCCL's or the watchdog's message), a CUDA error, and the standard library's own checks of sizes,
      // indices and arguments (a bug or an input the code did not expect)
      /'(?<memType>std::bad_alloc)'|Unhandled exception:? (?<memMangled>St9bad_alloc)\./,
      /'(?<distType>c10::DistBackendError|c10d?::(?:DistNetworkError|DistStoreError|DistError))'/,
      /'(?<cudaType>c10::(?:CUDAError|OutOfMemoryError|AcceleratorError))'/,
      /'(?<bugType>std::(?:bad_array_new_length|length_error|out_of_range|invalid_argument|logic_error|domain_error|bad_function_call|bad_cast|bad_any_cast|bad_optional_access|bad_variant_access|bad_weak_ptr))'|Unhandled exception:? (?<bugMangled>St(?:20bad_array_new_length|12length_error|12out_of_range|16invalid_argument|11logic_error|17bad_function_call|8bad_cast))\./,
    ],
    pattern: /(?:^|[\s)\]>|:])terminate called (?:after throwing an instance of '|recursively\b|without an active exception\b)|\blogging\.cc:\d+: Unhandled exception:? [A-Za-z_]\w*\. what\(\):/,
    samples: [
      "terminate called after throwing an instance of 'std::bad_array_new_length'",
      "terminate called after throwing an instance of 'c10::DistBackendError'",
      "terminate called after throwing an instance of 'std::bad_alloc'",
      "terminate called recursively",
      "terminate called without an active exception",
      "terminate called after throwing an instance of 'std::runtime_error' what(): NCCL error: remote process exited or there was a network error, NCCL version 2.14.3",
      "[2022-07-11 20:23:25,876 E 2578148 2578148] (raylet) logging.cc:97: Unhandled exception St12length_error. what(): basic_string::_M_create",
      "(pid=5623) [2023-08-25 00:42:40,265 E 5623 7733] logging.cc:97: Unhandled exception: N5boost10wrapexceptINS_6system12system_errorEEE. what(): thread: Resource temporarily unavailable [system:11]",
    ],
    nearMisses: [
      "INFO 03-04 10:00:05 [launcher.py:40] a worker that hits terminate will print a message",
      "grep -n 'terminated called' worker.log",
      "[Rank 0] NCCL watchdog thread terminated normally",
      "Unhandled exception in thread started by <function f at 0x7f>",
    ],
  },
  {
    // The message of an exception that std::terminate ended a process on: libstdc++'s `  what():  <e.what()>` line after
    // `terminate called after throwing an instance of '<type>'` (torch.terminate). A c10::Error's what() goes on over
    // more lines (`Exception raised from <function> at <file>:<line> (most recent call first):` and its `frame #N:` list);
    // its first line is the message. A notable line: the terminate line before it is the failure.
    id: "torch.terminateWhat", dialect: "any", level: "info", process: true,
    anyOf: ["what():"],
    values: [
      /^\s*what\(\):\s+(?<what>\S.*?)\s*$/,
      /(?<memSaid>std::bad_alloc|DefaultCPUAllocator: (?:can't|not enough memory)|\bCannot allocate memory\b)/,
      /(?<ncclSaid>\bNCCL\b|\bnccl[A-Z]\w*Error\b|Watchdog caught collective operation timeout|watchdog thread terminated with exception|ProcessGroupNCCL)/,
      /(?<cudaSaid>\bCUDA (?:error|out of memory)\b|\bcudaError\w*|\bHIP error\b)/,
    ],
    pattern: /^\s*what\(\):\s+\S/,
    samples: [
      "  what():  std::bad_array_new_length",
      "  what():  [PG ID 0 PG GUID 0(default_pg) Rank 3] Process group watchdog thread terminated with exception: [Rank 3] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=4, OpType=BROADCAST, NumelIn=112, NumelOut=112, Timeout(ms)=1800000) ran for 1800011 milliseconds before timing out.",
      "  what():  CUDA error: an illegal memory access was encountered",
      "what(): [enforce fail at alloc_cpu.cpp:117] err == 0. DefaultCPUAllocator: can't allocate memory: you tried to allocate 34359738368 bytes. Error code 12 (Cannot allocate memory)",
    ],
    nearMisses: ["  what():", "std::cout << e.what() << std::endl;", "terminate called after throwing an instance of 'std::runtime_error' what(): boom"],
  },
  {
    // A process that ended by SIGABRT, in the words of what saw it die (the signal std::terminate and a failed assert()
    // end a process with; vllm.fatalSignal leaves it out, as the error is reported before it): the shell's `Aborted (core
    // dumped)` (a script's job: `./serve.sh: line 9: 48213 Aborted (core dumped) python ...`; glibc's zh_CN words
    // `已放弃 (核心已转储)`), CPython's faulthandler `Fatal Python error: Aborted`, abseil's handler in Ray's workers `***
    // SIGABRT received at time=N on cpu M ***`, glog's `*** SIGABRT (@0x...) received by PID N`, torch elastic's
    // `exitcode  : -6 (pid: N)` / `failed (exitcode: -6) local_rank: ...` / `Signal 6 (SIGABRT) received by PID N`,
    // torch.multiprocessing's `process N terminated with signal SIGABRT`, vLLM V0's `Worker VllmWorkerProcess pid N died,
    // exit code: -6`, subprocess's `died with <Signals.SIGABRT: 6>`, Open MPI's `exited on signal 6 (Aborted)` and its
    // handler's `Signal: Aborted (6)`, Hydra's `KILLED BY SIGNAL: 6 (Aborted)`, UCX's `Caught signal 6 (Aborted)`.
    // A notable line: the rule that reads the failure before it quotes it as how the process ended.
    id: "torch.processAborted", dialect: "any", level: "info", process: true,
    anyOf: ["aborted", "sigabrt", "exitcode", "exit code", "signal: 6", "signal 6", "\u5df2\u653e\u5f03"],
    pattern: /^\s*Aborted(?: \(core dumped\))?\s*$|: line \d+: +\d+ Aborted +(?:\(core dumped\) +)?\S|^\s*\u5df2\u653e\u5f03\s*(?:[(\uff08]\u6838\u5fc3\u5df2\u8f6c\u50a8[)\uff09])?\s*$|Fatal Python error: Aborted\b|\*\*\* SIGABRT (?:received at time=\d+|\(@0x[0-9a-fA-F]+\) received by PID \d+)|Signal 6 \(SIGABRT\) received by PID \d+|\(exitcode: -6\) local_rank: \d+|^\s*exitcode\s*: -6 \(pid: \d+\)|process \d+ terminated with signal SIGABRT\b|died with <Signals\.SIGABRT: 6>|\bdied, exit code: -6\b|\bexits with return code = -6\b|\bexited on signal 6\b|KILLED BY SIGNAL: 6\b|(?:^|\[[^\]\s]+:\d+\] )Signal: Aborted \(6\)|Caught signal 6 \(Aborted\)/,
    samples: [
      "Aborted (core dumped)",
      "Aborted",
      "infer.sh: line 1: 21934 Aborted                 (core dumped) ./serve --model m",
      "Fatal Python error: Aborted",
      "*** SIGABRT received at time=1719222540 on cpu 223 ***",
      "  traceback : Signal 6 (SIGABRT) received by PID 3437",
      "  exitcode  : -6 (pid: 3437)",
      "ERROR:torch.distributed.elastic.multiprocessing.api:failed (exitcode: -6) local_rank: 0 (pid: 812) of binary: /usr/bin/python3",
      "torch.multiprocessing.spawn.ProcessExitedException: process 0 terminated with signal SIGABRT",
      "ERROR 07-01 13:54:43 multiproc_worker_utils.py:120] Worker VllmWorkerProcess pid 1159 died, exit code: -6",
      "mpirun noticed that process rank 3 with PID 2207 on node gpu-b2 exited on signal 6 (Aborted).",
      "[gpu-n03:07712] Signal: Aborted (6)",
      "\u5df2\u653e\u5f03 (\u6838\u5fc3\u5df2\u8f6c\u50a8)",
    ],
    nearMisses: [
      "INFO 03-04 10:00:05 [engine.py:300] Aborted request cmpl-1234.",
      "INFO:     Aborted 3 requests",
      "  exitcode  : -9 (pid: 3437)",
      "ERROR 07-01 13:54:43 multiproc_worker_utils.py:120] Worker VllmWorkerProcess pid 1159 died, exit code: -15",
      "Fatal Python error: Segmentation fault",
    ],
  },
  {
    // vLLM's platform resolution (vllm/platforms/__init__.py resolve_current_platform_cls_qualname, 0.7.3 on) when no
    // built-in or plugin platform activates: logged at INFO, it means the process sees no GPU it can use (no NVIDIA
    // driver library, no device in the container); vLLM then fails at the first device it needs. Before 0.7.3 and after,
    // the failure itself: vllm/config.py DeviceConfig's `Failed to infer device type` (0.6 to 0.10, later with advice to
    // set VLLM_LOGGING_LEVEL=DEBUG), and torch's `Device string must not be empty` for the unspecified platform's empty
    // device type (newer releases)
    id: "vllm.noPlatform", dialect: "any", level: "error", anyOf: ["unspecifiedplatform", "failed to infer device type", "device string must not be empty"],
    values: [/(?<verdict>No platform detected)/],
    pattern: /No platform detected, vLLM is running on UnspecifiedPlatform|RuntimeError: Failed to infer device type|RuntimeError: Device string must not be empty/,
    samples: [
      "INFO 05-20 20:12:25 [__init__.py:252] No platform detected, vLLM is running on UnspecifiedPlatform",
      "RuntimeError: Failed to infer device type",
      "RuntimeError: Failed to infer device type, please set the environment variable `VLLM_LOGGING_LEVEL=DEBUG` to turn on verbose logging to help debug the issue.",
      "RuntimeError: Device string must not be empty",
    ],
    nearMisses: ["INFO 05-20 20:12:25 [__init__.py:239] Automatically detected platform cuda."],
  },
  {
    // the managed host a log came from, as Hugging Face writes it into the log itself: a Space's container log opens each
    // start of the app with `===== Application Startup at 2025-03-01 10:00:00 =====` (the platform's line, UTC date and
    // time, before the app's own output), and an Inference Endpoint that did not come up shows `[Server message]Endpoint
    // failed to start` above `Exit code: N. Reason: <the container's last output>`. Where the host's hardware is chosen
    // (a Space's or an Endpoint's settings, not a pod spec) is what the advice on a missing GPU turns on. A start-up
    // script's own `echo "===== Application Startup at $(date) ====="` line is no header (no date in it).
    id: "hf.managedHost", dialect: "any", level: "info", anyOf: ["===== application startup at", "endpoint failed to start"],
    values: [/(?<space>===== Application Startup at) \d{4}-\d\d-\d\d \d\d:\d\d:\d\d =====|(?<endpoint>\[Server message\]) ?Endpoint failed to start/],
    pattern: /(?:^|\s)===== Application Startup at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d =====|\[Server message\] ?Endpoint failed to start\b/,
    samples: [
      "===== Application Startup at 2025-03-01 10:00:00 =====",
      "[Server message]Endpoint failed to start",
    ],
    nearMisses: [
      'echo "===== Application Startup at $(date) ====="',
      "Endpoint failed to start because the model is gated",
      "INFO 03-01 10:00:05 [api_server.py:1024] Application startup complete.",
    ],
  },
  {
    // an out-of-tree platform plugin taking over (vllm/platforms/__init__.py: `Platform plugin ascend is activated`, 0.7 on).
    // 0.7.0–0.7.2 resolved the built-in platforms when vllm.platforms was imported and the plugins only later, when
    // current_platform was first read: with a plugin installed, each process printed `No platform detected, vLLM is running
    // on UnspecifiedPlatform` first and this line after it (0.7.3 on, one resolution prints one of the two): a notable line
    id: "vllm.platformPlugin", dialect: "any", level: "info", anyOf: ["is activated"],
    values: [/\bPlatform plugin (?<plugin>[A-Za-z][\w-]*) is activated\b/],
    pattern: /\bPlatform plugin [A-Za-z][\w-]* is activated\b/,
    samples: [
      "INFO 03-06 01:16:37 __init__.py:174] Platform plugin ascend is activated",
      "INFO 10-29 07:08:44 [__init__.py:207] Platform plugin ascend is activated",
      "INFO 07-06 09:09:33 [__init__.py:217] Platform plugin fl is activated",
    ],
    nearMisses: ["INFO 03-06 01:16:36 __init__.py:42] plugin ascend loaded.", "INFO 03-09 06:40:56 [__init__.py:256] Automatically detected platform tpu."],
    },
    {
    // PyTorch's CUDA initialisation in a process that sees no device (torch/cuda/__init__.py _lazy_init, raised when the
    // runtime counts none: CUDA_VISIBLE_DEVICES empty or naming no GPU that exists, a container without its GPUs, a Ray
    // actor or task given no GPU, whose CUDA_VISIBLE_DEVICES Ray sets empty), and the same initialisation without the
    // driver's user-space library (`Found no NVIDIA driver on your system. Please check that you have an NVIDIA GPU and
    // installed a driver from ...`)
    id: "torch.noCudaDevice", dialect: "any", level: "error", anyOf: ["no cuda gpus are available", "found no nvidia driver on your system"],
    values: [/(?<kind>No CUDA GPUs are available|Found no NVIDIA driver)/],
    pattern: /\bNo CUDA GPUs are available\b|\bFound no NVIDIA driver on your system\b/,
    samples: [
      "RuntimeError: No CUDA GPUs are available",
      "(RayWorkerWrapper pid=5871, ip=10.12.0.7) RuntimeError: No CUDA GPUs are available",
      "ERROR 03-06 16:02:11 [core.py:340] RuntimeError: No CUDA GPUs are available",
      "RuntimeError: Found no NVIDIA driver on your system. Please check that you have an NVIDIA GPU and installed a driver from http://www.nvidia.com/Download/index.aspx",
    ],
    nearMisses: [
      "INFO 03-06 16:02:01 [__init__.py:207] Automatically detected platform cuda.",
      "Is CUDA available: False",
      "GPU models and configuration: No CUDA",
    ],
  },
  {
    // why a GPU platform did not activate, as the same resolution says it at DEBUG (`CUDA platform is not available
    // because: NVML Shared Library Not Found`, `Exception happens when checking CUDA platform: ...`), and the import of
    // vLLM's kernels without the driver's library (`Failed to import from vllm._C with ImportError('libcuda.so.1: cannot
    // open shared object file ...')`): notable lines, a cause when no platform was found
    id: "vllm.gpuPlatformUnavailable", dialect: "any", level: "info", anyOf: ["platform is not available because", "exception happens when checking", "importerror('libcuda"],
    values: [
      /\b(?<platform>CUDA|ROCm) platform is not available because:? (?<why>.{1,200}?)\s*$/,
      /Exception happens when checking (?<platform>CUDA|ROCm) platform: (?<why>.{1,200}?)\s*$/,
      /(?<why>libcuda\.so\.1: cannot open shared object file)/,
    ],
    pattern: /\b(?:CUDA|ROCm) platform is not available because|Exception happens when checking (?:CUDA|ROCm) platform: |ImportError\('libcuda\.so\.1: cannot open shared object file/,
    samples: [
      "DEBUG 04-25 06:11:24 [__init__.py:93] CUDA platform is not available because: NVML Shared Library Not Found",
      "DEBUG 04-25 06:11:24 [__init__.py:76] Exception happens when checking CUDA platform: NVML Shared Library Not Found",
      "WARNING 09-02 06:44:03 [_custom_ops.py:20] Failed to import from vllm._C with ImportError('libcuda.so.1: cannot open shared object file: No such file or directory')",
    ],
    nearMisses: ["DEBUG 04-25 06:11:24 [__init__.py:44] TPU platform is not available because: No module named 'libtpu'"],
  },
  {
    // vLLM's OpenAI server turns a SIGTERM that arrives before uvicorn installs its own signal handlers (the newest
    // releases a SIGINT too), i.e. while the engine is still starting (download, weight loading, compile, CUDA graphs),
    // into an exception: `raise KeyboardInterrupt("terminated")` in vllm/entrypoints/openai/api_server.py (run_server's
    // `signal_handler` from 0.5 on, "Interrupt server on sigterm while initializing"; setup_server; `_interrupt_init` /
    // setup_interrupt_handler later). Its exception line is the trace. Ctrl-C at Python's own handler is a bare
    // `KeyboardInterrupt`, with no message (src/facts/tracebacks.ts counts neither as a failure of the engine).
    id: "vllm.startupInterrupted", dialect: "any", level: "error", anyOf: ["keyboardinterrupt: terminated"],
    pattern: /(?:^|[\s)\]|>])KeyboardInterrupt: terminated\s*$/,
    samples: ["KeyboardInterrupt: terminated", "(APIServer pid=1) KeyboardInterrupt: terminated", "ERROR 05-08 00:44:02 [api_server.py:1102] KeyboardInterrupt: terminated"],
    nearMisses: ["KeyboardInterrupt", "KeyboardInterrupt: ", '    raise KeyboardInterrupt("terminated")', "KeyboardInterrupt: terminated by the user at step 3"],
  },
  {
    // the kubelet killing a container whose startup or liveness probe failed failureThreshold times in a row: its event
    // (pkg/kubelet/kuberuntime/kuberuntime_manager.go computePodActions, `Container %s failed %s probe` and the kill's
    // `, will be restarted`) as `kubectl describe pod` (Events: Normal Killing) and `kubectl get events` print it
    id: "vllm.probeRestart", dialect: "any", level: "error", anyOf: ["probe, will be restarted"],
    values: [/Container (?<container>[a-z0-9][-a-z0-9.]*) failed (?<probe>startup|liveness) probe/],
    pattern: /\bContainer [a-z0-9][-a-z0-9.]* failed (?:startup|liveness) probe, will be restarted/,
    samples: [
      "  Normal   Killing    3m2s (x4 over 14m)   kubelet            Container vllm failed startup probe, will be restarted",
      "5m          Normal    Killing     pod/llm-7d9c-x2kqp   Container vllm-openai failed liveness probe, will be restarted",
    ],
    nearMisses: ["  Normal   Killing    12s   kubelet   Stopping container vllm", "Container vllm failed readiness probe"],
  },
  {
    // the kubelet's prober on a failed check (pkg/kubelet/prober/prober.go: `%s probe failed: %s`, the probe type
    // capitalised, then what the check said): a notable line, no failure alone (a probe fails while a server starts)
    id: "vllm.probeFailed", dialect: "any", level: "info", anyOf: ["probe failed: "],
    values: [/(?<probe>Startup|Liveness|Readiness) probe failed: (?<said>.{1,200}?)(?:\s+\(x\d+ over [\w.]+\))?\s*$/],
    pattern: /\b(?:Startup|Liveness|Readiness) probe failed: \S/,
    samples: [
      '  Warning  Unhealthy  2m5s (x31 over 7m)  kubelet  Startup probe failed: Get "http://10.42.1.7:8000/health": dial tcp 10.42.1.7:8000: connect: connection refused',
      "  Warning  Unhealthy  40s (x3 over 60s)   kubelet  Liveness probe failed: HTTP probe failed with statuscode: 500",
    ],
    nearMisses: ["the readiness probe failed twice before the model loaded"],
  },
  {
    // the NVIDIA kernel driver's report of a GPU fault, in the kernel log (dmesg, journalctl -k, /var/log/messages) pasted
    // next to a job's log: `NVRM: Xid (PCI:0000:02:00): 79, pid=N, name=python3, GPU has fallen off the bus.` (the
    // `PCI:` and the pid/name fields are missing in older drivers: `NVRM: Xid (0000:03:00): 13, ...`), and the probe's
    // `NVRM: The NVIDIA GPU 0000:b3:00.0 (PCI ID: 10de:26b5) installed in this system has fallen off the bus and is not
    // responding to commands.` (newer drivers print it over three `NVRM:` lines). The number is the Xid of NVIDIA's catalog;
    // Xid 45 (a channel cleaned up) names the Xid it followed: `... caused by previous Xid 149`
    // nvidia-smi's own words for a GPU the driver lost (run on the node to look): `Unable to determine the device handle for
    // GPU0000:03:00.0: Unknown Error` and `... : GPU is lost.  Reboot the system to recover this GPU`
    // Newer drivers also print the device's own notice `NVRM: GPU 0000:06:00.0: GPU has fallen off the bus.` (NV_DEV_PRINTF),
    // and every later call to the lost GPU fails with `NVRM: nvCheckOkFailedNoLog: Check failed: GPU lost from the bus
    // [NV_ERR_GPU_IS_LOST] (0x0000000F) returned from ...` (status 0xf; its NV_ASSERT_OK twin says `nvAssertOkFailedNoLog:
    // Assertion failed: ...`), which a window of the kernel log may hold alone
    id: "vllm.gpuXid", dialect: "any", level: "error", anyOf: ["nvrm: xid", "fallen off the bus", "unable to determine the device handle for gpu", "nv_err_gpu_is_lost"],
    values: [
      /NVRM: Xid \((?:PCI:)?(?<pci>[0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2})[^)\n]{0,16}\): (?<xid>\d+),[ \t]*(?:pid=(?<pid>'?[\w<>-]{1,20}'?), name=(?<proc>[^,\n]{1,60}),)?/,
      /caused by previous Xid (?<prevXid>\d+)/,
      // (the one-line notice, or the last of its three lines: `NVRM: fallen off the bus and is not responding to commands.`)
      /Unable to determine the device handle for (?:GPU|gpu) ?(?<smiPci>[0-9a-fA-F]{4,8}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2})[.\d]*: (?<smiError>Unknown Error|GPU is lost)/,
      /NVRM: (?:The NVIDIA GPU (?<lostPci>[0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2})[.\d]* \(PCI ID: [0-9a-fA-F:]{1,12}\) installed in this system has )?(?<fellOff>fallen off the bus)/,
      /NVRM: GPU (?<lostPci>[0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2})\.\d: GPU has (?<fellOff>fallen off the bus)/,
      /nv(?:Check|Assert)OkFailed(?:NoLog)?: (?:(?:Check|Assertion) failed: )?(?<gpuLost>GPU lost from the bus) \[NV_ERR_GPU_IS_LOST\]/,
    ],
    pattern: /NVRM: Xid \((?:PCI:)?[0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}[^)\n]{0,16}\): \d+,|NVRM: (?:The NVIDIA GPU [0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}[.\d]* \(PCI ID: [0-9a-fA-F:]{1,12}\) installed in this system has )?fallen off the bus|Unable to determine the device handle for (?:GPU|gpu) ?[0-9a-fA-F]{4,8}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}[.\d]*: (?:Unknown Error|GPU is lost)|NVRM: GPU [0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.\d: GPU has fallen off the bus|nv(?:Check|Assert)OkFailed(?:NoLog)?: (?:(?:Check|Assertion) failed: )?GPU lost from the bus \[NV_ERR_GPU_IS_LOST\]/,
    samples: [
      "[ 9121.330512] NVRM: GPU 0000:06:00.0: GPU has fallen off the bus.",
      "May 02 03:11:40 node-4 kernel: NVRM: nvCheckOkFailedNoLog: Check failed: GPU lost from the bus [NV_ERR_GPU_IS_LOST] (0x0000000F) returned from pRmApi->Control(pRmApi, 0xc1d00040, 0x20800a4c, &params, sizeof(params)) @ nv_gpu_ops.c:4100",
      "[ 4410.120033] NVRM: nvAssertOkFailedNoLog: Assertion failed: GPU lost from the bus [NV_ERR_GPU_IS_LOST] (0x0000000F) returned from kgspWaitForRmInitDone(pGpu, pKernelGsp) @ kernel_gsp.c:4711",
      "Unable to determine the device handle for GPU0000:03:00.0: Unknown Error",
      "Unable to determine the device handle for gpu 0000:1A:00.0: GPU is lost.  Reboot the system to recover this GPU",
      "[74889.644138] NVRM: Xid (PCI:0000:02:00): 79, GPU has fallen off the bus.",
      "Mar 02 11:40:07 gpu-12 kernel: NVRM: Xid (PCI:0000:ba:00): 45, pid=20311, name=python3, Ch 00000002 caused by previous Xid 145",
      "NVRM: Xid (PCI:0000:9b:00): 94, pid=1234, name=python3, Contained ECC error",
      "[  812.114400] NVRM: Xid (0000:03:00): 48, An uncorrectable double bit error (DBE) has been detected on GPU in the framebuffer at partition 1, subpartition 0.",
      "[ 1843.308145] NVRM: The NVIDIA GPU 0000:b3:00.0 (PCI ID: 10de:26b5) installed in this system has fallen off the bus and is not responding to commands.",
    ],
    nearMisses: ["NVRM: GPU 0000:06:00.0: GPU serial number is 0.", "return NV_ERR_GPU_IS_LOST when the bus is gone", "NVRM: loading NVIDIA UNIX Open Kernel Module for x86_64  570.158.01  Release Build", "NVRM: GPU at PCI:0000:02:00: GPU-660d987e-5b28-3bf6-2a2d-1d5ecae7f6df", "my laptop's GPU has fallen off the bus again, any ideas?"],
  },
  {
    // the host's memory, not a GPU's: the kernel's OOM killer (dmesg's record, a container runtime's OOMKilled or exit
    // code 137, bash's `Killed` for the job, torchrun's exit code -9 for SIGKILL) and Ray's memory monitor, which kills a
    // task or actor past its threshold (RAY_memory_usage_threshold). `oom`: the words say memory (else SIGKILL only)
    id: "vllm.hostMemoryKilled", dialect: "any", level: "error",
    // (SIGKILL in the other launchers' words: torch elastic's summary `exitcode  : -9 (pid: N)` and `Signal 9 (SIGKILL)
    // received by PID N`, torch.multiprocessing's `terminated with signal SIGKILL`, subprocess's `died with
    // <Signals.SIGKILL: 9>`, vLLM V0's `Worker VllmWorkerProcess pid N died, exit code: -9`, Open MPI's `mpirun noticed that
    // process rank 0 with PID N on node n1 exited on signal 9 (Killed).`, Hydra's `=   KILLED BY SIGNAL: 9 (Killed)`, srun's
    // `srun: error: n1: tasks 4-7: Killed` (also what srun's --kill-on-bad-exit does to the other tasks of a failed step))
    // (a CI runner's verdict on its job's script, grammars/ci.ts: GitLab's `ERROR: Job failed: command terminated with exit
    // code 137`, Jenkins' `ERROR: script returned exit code 137`, GitHub's `Process completed with exit code 137.`, Azure
    // Pipelines' `Bash exited with code '137'.`, Buildkite's `Error: The command exited with status 137`)
    anyOf: ["killed", "\u5df2\u6740\u6b7b", "exited with code 137", "exitcode: -9", "running low on memory", "memory pressure", "exitcode  : -9", "sigkill", "exit code: -9", "memory usage threshold", "return code = -9", "exit code 137", "code '137'", "exit code: 137", "status 137"],
    values: [
      /(?<oom>Out of memory|OOMKilled|Memory cgroup out of memory|running low on memory|memory pressure|exceeds the memory usage threshold)/,
      /Killed process (?<pid>\d+) \((?<proc>[^)]{1,60})\)/,
      /(?<ray>Task was killed due to the node running low on memory|killed due to memory pressure|exceeds the memory usage threshold of [\d.]+\. Ray killed this worker)/,
      // a launcher's report of a task or rank it saw die of SIGKILL (it may have sent the signal itself, ending the rest of a
      // job after one task failed)
      /^(?<launcher>srun: error: |=\s+KILLED BY SIGNAL: )|(?<launcher2>[\w.]+ noticed that (?:process|job) rank )/,
    ],
    // (bash's job report under a zh_CN locale: glibc's strsignal for SIGKILL is `已杀死`, bash's `line N:` is `第 N 行：`)
    pattern: /^Killed\s*$|: line \d+: +\d+ Killed +\S|^\u5df2\u6740\u6b7b\s*$|\u7b2c ?\d+ ?\u884c[\uff1a:] *\d+ +\u5df2\u6740\u6b7b\s+\S|(?:Out of memory|Memory cgroup out of memory): Killed process \d+|\bOOMKilled\b|\bexited with code 137\b|failed \(exitcode: -9\)|^\s*exitcode\s*: -9 \(pid: \d+\)|Signal 9 \(SIGKILL\) received by PID \d+|process \d+ terminated with signal SIGKILL\b|died with <Signals\.SIGKILL: 9>|\bdied, exit code: -9\b|Task was killed due to the node running low on memory|killed due to memory pressure \(OOM\)|exceeds the memory usage threshold of [\d.]+\. Ray killed this worker|\bexits with return code = -9\b|(?<![\w.\-])(?:mpirun|mpiexec|orterun|prterun|prun|oshrun)(?:\.[\w\-]+)? noticed that (?:process|job) rank \d+ with PID \d+ on node \S+ exited on signal 9\b|^=\s+KILLED BY SIGNAL: 9\b|^srun: error: \S+: tasks? [\d,\-]+: Killed\s*$|^(?:ERROR: Job failed: (?:command terminated with )?exit code|ERROR: script returned exit code|(?:Error: )?Process completed with exit code|(?:Bash|PowerShell|Cmd\.exe) exited with code '|Script failed with exit code:|(?:(?:\uD83D\uDEA8|:rotating_light:)\s*)?Error: The command exited with status)(?: |(?<='))137'?\.?\s*$/,
    samples: [
      "Killed",
      "mpirun noticed that process rank 0 with PID 21183 on node host01 exited on signal 9 (Killed).",
      "=   KILLED BY SIGNAL: 9 (Killed)",
      "srun: error: nid001321: tasks 4-7: Killed",
      "./serve.sh: line 14: 48213 Killed                  python -m vllm.entrypoints.openai.api_server --model org/m",
      "./serve.sh: \u7b2c 14 \u884c\uff1a 48213 \u5df2\u6740\u6b7b                  python -m vllm.entrypoints.openai.api_server --model org/m",
      "\u5df2\u6740\u6b7b",
      "[81234.551234] Out of memory: Killed process 48213 (python3) total-vm:412345678kB, anon-rss:250123456kB, file-rss:0kB",
      "      Reason:       OOMKilled",
      "vllm-head-1 exited with code 137",
      "torch.distributed.elastic.multiprocessing.api: [ERROR] failed (exitcode: -9) local_rank: 0 (pid: 4411) of binary: /usr/bin/python3",
      "  exitcode  : -9 (pid: 4411)",
      "  traceback : Signal 9 (SIGKILL) received by PID 4411",
      "torch.multiprocessing.spawn.ProcessExitedException: process 3 terminated with signal SIGKILL",
      "subprocess.CalledProcessError: Command '['python', 'convert.py']' died with <Signals.SIGKILL: 9>.",
      "ERROR 05-02 09:11:40 multiproc_worker_utils.py:120] Worker VllmWorkerProcess pid 3311 died, exit code: -9",
      "[2026-03-02 13:11:27,885] [ERROR] [launch.py:434:sigkill_handler] ['/usr/bin/python3', '-u', 'main.py', '--local_rank=0'] exits with return code = -9",
      "ray.exceptions.OutOfMemoryError: Task was killed due to the node running low on memory.",
      "ERROR: Job failed: command terminated with exit code 137",
      "ERROR: script returned exit code 137",
      "Process completed with exit code 137.",
      "Bash exited with code '137'.",
      "\uD83D\uDEA8 Error: The command exited with status 137",
      "(raylet) [2025-03-01 10:00:00,000 E 512 512] (raylet) node_manager.cc:3084: 1 Workers (tasks / actors) killed due to memory pressure (OOM), 0 Workers crashed due to other reasons at node (ID: ab12, IP: 10.0.0.5) over the last time period.",
      // a terminal or a syslog forwarder wrapped the raylet's line inside its subject
      " actors) killed due to memory pressure (OOM), 0 Workers crashed due to other reasons at node (ID: 9c0d, IP: 10.0.0.7) over the last",
      // Ray 2.2+'s report of the kill itself, without the exception's first sentence
      "Memory on the node (IP: 10.0.0.9, ID: 5e6f) where the task (actor ID: 0a1b, name=RayWorkerWrapper.__init__, pid=77, memory used=9.10GB) was running was 30.20GB / 31.50GB (0.958), which exceeds the memory usage threshold of 0.95. Ray killed this worker (ID: 2c3d) because it was the most recently scheduled task;",
    ],
    nearMisses: [
      "INFO 03-18 11:21:42 [launcher.py:80] Killed the old engine process before restarting",
      "Killed 3 stale processes",
      "vllm-head-1 exited with code 0",
      "ERROR: Job failed: exit code 1",
      "ERROR: script returned exit code 1373",
      "Process completed with exit code 1.",
      "INFO 03-18 11:21:42 [launcher.py:80] the health check's last probe returned exit code 137 for an unrelated sidecar",
      "  exitcode  : -7 (pid: 4411)",
      "INFO 03-18 11:21:42 [launcher.py:80] Sending SIGKILL to the stale engine process",
      "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB.",
      "mpirun noticed that process rank 2 with PID 4410 on node n3 exited on signal 11 (Segmentation fault).",
      "3 total processes killed (some possibly by mpirun during cleanup)",
      "=   KILLED BY SIGNAL: 91",
      "srun: error: nid001320: tasks 0-3: Terminated",
      "srun: error: gpu-n2: task 0: Killed by the user, said the note",
    ],
  },
  {
    // vLLM's Ray data parallel backend (--data-parallel-backend ray: v1/engine/utils.py CoreEngineActorManager) places DP
    // rank 0 on the Ray node that has the resource `node:<DP master address>` (--data-parallel-address, else
    // VLLM_DP_MASTER_IP, 127.0.0.1 unless set) and asserts it is there. Releases up to 0.10 printed the assertion's
    // message tuple (`AssertionError: ('The DP master node (ip: %s) is missing or dead', '10.0.0.1')`), later ones the
    // sentence with the address in it
    id: "vllm.rayDpMasterMissing", dialect: "vllm", level: "error",
    values: [/The DP master node \(ip: (?<ip>[^)\s%]+)\)/, /is missing or dead['"]?, *['"](?<ip>[^'"\s]+)['"]/],
    anyOf: ["dp master node"],
    pattern: /The DP master node \(ip: (?:%s|[^)\s]+)\) is missing or dead/,
    samples: [
      "AssertionError: The DP master node (ip: 127.0.0.1) is missing or dead",
      "(APIServer pid=61) AssertionError: ('The DP master node (ip: %s) is missing or dead', '10.20.0.4')",
      "(APIServer pid=61) ERROR 08-02 10:00:01 [utils.py:880] The DP master node (ip: 10.20.0.4) is missing or dead",
    ],
    nearMisses: ["INFO 08-02 10:00:00 [arg_utils.py:1200] Using host IP 10.20.0.4 as ray-based data parallel address", "WARNING 08-02 10:00:01 The DP master node is the head node"],
  },
  {
    id: "vllm.rayUniqueIp", dialect: "vllm", level: "error",
    // vLLM's Ray executor (ray_distributed_executor.py `_init_workers_ray`; V1's ray_executor.py) counts the nodes its workers
    // landed on and the IPs they report (VLLM_HOST_IP, else the node's address): fewer IPs than nodes stops the start-up.
    // The ids and addresses are optional: a window or a pane may cut the line after its first sentence
    values: [/Got (?<nodes>\d+) nodes with node ids/, /and (?<ips>\d+) unique IP addresses \{(?<addresses>[^}]{0,400})\}/],
    anyOf: ["unique ip address"],
    pattern: /Every node should have a unique IP address/,
    samples: [
      "RuntimeError: Every node should have a unique IP address. Got 2 nodes with node ids ['8f1c', '2b7e'] and 1 unique IP addresses {'10.0.0.5'}. Please check your network configuration. If you set `VLLM_HOST_IP` environment variable, make sure it is unique for each node.",
    ],
  },
  {
    id: "vllm.rayGpusAvailable", dialect: "vllm", level: "warning", anyOf: ["available gpus (", "reserved number of gpus ("],
    // `Tensor parallel size (16) exceeds available GPUs (8)` (vllm/executor/ray_utils.py) and `.. bigger than a reserved number
    // of GPUs (8 GPUs) in a node ..` count one node's GPUs (`perNode`); the placement-group ValueError counts the cluster's
    pattern: /(?<perNode>exceeds )?available GPUs \((?<available>\d+)\)|reserved number of GPUs \((?<reserved>\d+) GPUs?\)/i,
    samples: ["ValueError: The number of required GPUs exceeds the total number of available GPUs (4) in the placement group."],
  },
  {
    id: "nccl.noVerbs", dialect: "nccl", level: "info", anyOf: ["libibverbs"],
    pattern: /Failed to open libibverbs/,
    samples: ["node:1:2 [0] misc/ibvwrap.cc:63 NCCL WARN Failed to open libibverbs.so[.1]"],
  },
  {
    id: "nccl.ibNoDevice", dialect: "nccl", level: "info", anyOf: ["no device found", "failed to initialize net plugin ib"],
    pattern: /NET\/IB\s?: No device found|Failed to initialize NET plugin IB/,
    samples: ["node:1:2 [0] NCCL INFO NET/IB : No device found."],
  },
  {
    // NCCL 2.2–2.3's IB set-up (transport/net_ib.cu initDevices): printed once libibverbs loaded and an interface was
    // found for the side channel, before the active ports are listed (`NET/IB: [0] mlx5_0:1/IB`); not printed when
    // NCCL_IB_DISABLE=1. No `No device found` (2.4) follows when no port is active: the process goes on to say
    // `Using internal Network Socket`
    id: "nccl.ibSideband", dialect: "nccl", level: "info", anyOf: ["for sideband communication"],
    pattern: /NET\/IB ?: Using interface (?<iface>\S+) for sideband communication/,
    samples: ["node:1:2 [0] NCCL INFO NET/IB : Using interface ib0 for sideband communication"],
  },
  {
    // NVIDIA SHARP (in-network reduction in the InfiniBand switches: NCCL's CollNet through HPC-X's nccl-rdma-sharp-plugins)
    // failing to set up a communicator. The plugin's WARNs (src/sharp_plugin.c: `NET/IB : SHARP coll init error: <why>(<n>)`,
    // `SHARP group create: <why>(<n>)`, `sharp_coll_caps_query failed : <why>(<n>)`) return an internal error for that
    // communicator's CollNet, and NCCL goes on without it; libsharp's own ERROR records say why (its session with the
    // sharpd daemon, the Aggregation Manager's tree). Not NCCL's NVLink SHARP (NVLS), which is nccl/cuda-error's.
    id: "nccl.sharpFailed", dialect: "nccl", level: "warning", anyOf: ["sharp coll init error", "sharp group create", "sharp_coll_caps_query failed", "sharp session with sharpd", "lock sat tree"],
    values: [
      /(?:SHARP coll init error|SHARP group create|sharp_coll_caps_query failed)\s?: ?(?<reason>[^()\r\n]*[^\s()])\s?\((?<code>-?\d+)\)/,
      /(?<sharpd>open sharp session with SHARPD daemon)/i, /(?<treeLock>Failed to lock SAT tree|Streaming Tree lock failed)/i,
    ],
    pattern: /\bSHARP coll init error\b|\bSHARP group create ?: |\bsharp_coll_caps_query failed\b|\bopen sharp session with SHARPD daemon\b|\bFailed to lock SAT tree\b/i,
    samples: [
      "node-2:4410:4501 [3] sharp_plugin.c:302 NCCL WARN SHARP group create: Streaming Tree lock failed (-18)",
      "node-2:4410:4501 [0] sharp_plugin.c:276 NCCL WARN NET/IB : SHARP coll init error: Cannot connect to SHARPD(-53)",
      "[node-2:0:4410 - comm.c:374] ERROR Failed to lock SAT tree(ID:0x40 ret:0x4)",
      "[node-2:1:4410 - context.c:276] ERROR failed to open sharp session with SHARPD daemon. please check daemon status",
    ],
  },
  {
    // The `ncclras` client's report (NCCL_RAS, ras/client_support.cc, 2.24+): the heads of what it found wrong. Its Errors
    // section: `INCOMPLETE` / `  Missing communicator data from N job processes` (processes that did not answer),
    // `DEAD` / `  N job processes are considered dead (unreachable via the RAS network)`, and per communicator
    // `#g-c (commHash) INCOMPLETE` or `ERROR`; its Warnings section: `TIMEOUT` / `  Encountered N communication timeouts
    // while gathering communicator data` and `#g-c (commHash) MISMATCH`. The summary table's Errors column (`RUNNING
    // MISMATCH`) repeats these and is not read, nor is a healthy report (`OK`, empty sections).
    id: "nccl.rasIssue", dialect: "nccl", level: "warning", anyOf: ["incomplete", "mismatch", ") error", "missing communicator data", "considered dead", "communication timeout"],
    values: [
      /^\s*#\d+-\d+ \((?<commHash>[0-9a-f]{1,16})\) (?<commIssue>INCOMPLETE|ERROR|MISMATCH)\s*$/,
      /Missing communicator data from (?<missingProcs>\d+) job process/,
      /(?<deadProcs>\d+) job process(?:es are| is) considered dead/,
      /Encountered (?<gatherTimeouts>\d+) communication timeout/,
    ],
    pattern: /^\s*#\d+-\d+ \([0-9a-f]{1,16}\) (?:INCOMPLETE|ERROR|MISMATCH)\s*$|^\s*Missing communicator data from \d+ job process(?:es)?\s*$|^\s*\d+ job process(?:es are| is) considered dead \(unreachable via the RAS network\)|^\s*Encountered \d+ communication timeouts? while gathering communicator data/,
    samples: [
      "#0-0 (fa93daea854b060b) MISMATCH",
      "#2-0 (93d7000200000001) INCOMPLETE",
      "#0-1 (5e1f00c2a7d34410) ERROR",
      "  Missing communicator data from 1 job process",
      "  2 job processes are considered dead (unreachable via the RAS network)",
      "  Encountered 3 communication timeouts while gathering communicator data",
    ],
    nearMisses: [
      "    0         1         4         8        32        32   RUNNING  MISMATCH",
      "    2         4         0         0         0         0    NOCOMM  INCOMPLETE,MISMATCH",
      "#0-0 (fa93daea854b060b) MISMATCH of a different kind",
      "node:1:2 [0] NCCL INFO Missing communicator data from 1 job process",
    ],
  },
  {
    // What the `ncclras` report says under those heads: how many ranks a communicator misses, the errors its ranks
    // report, and how its ranks differ (2.24 `Communicator ranks have different collective operation counts`, 2.26+ per
    // collective `... different AllGather operation counts`, then `  30 ranks have launched up to operation 640`), with
    // 2.24's list of missing ranks (`  The missing ranks: 3,7`). The `Rank N -- GPU g managed by process p on node h`
    // lines under them are read as ranks (src/events/read-nccl.ts RAS_RANK).
    id: "nccl.rasDetail", dialect: "nccl", level: "warning", anyOf: ["missing communicator data", "the missing rank", " errors on ", " error on ", "ranks have different", "launched up to operation", "not launched any operations", " has status ", " have status "],
    values: [
      /Missing communicator data from (?<missingRanks>\d+) ranks?\b/,
      /The missing ranks?: (?<missingList>[\d,]+)/,
      /(?<errPhase>Initialization|Asynchronous) errors? on (?<errRanks>\d+) ranks?/,
      /Communicator ranks have different (?<differ>status|[A-Za-z ]*operation counts)/,
      /(?<launchedRanks>\d+) ranks have launched up to operation (?<launchedOp>\d+)/,
      /^\s*Rank (?<oneRank>\d+) has launched up to operation (?<oneOp>\d+) --/,
      /(?<idleRanks>\d+) ranks have not launched any operations/,
      /^\s*Rank (?<idleRank>\d+) has not launched any operations --/,
      /(?<statusRanks>\d+) ranks have status (?<ranksStatus>[A-Z]+)/,
      /^\s*Rank (?<statusRank>\d+) has status (?<rankStatus>[A-Z]+) --/,
    ],
    pattern: /^\s*Missing communicator data from \d+ ranks?\s*$|^\s*The missing ranks?: [\d,]+\s*$|^\s*(?:Initialization|Asynchronous) errors? on \d+ ranks?\s*$|^\s*Communicator ranks have different (?:status|[A-Za-z ]*operation counts)\s*$|^\s*\d+ ranks have (?:launched up to operation \d+|not launched any operations|status [A-Z]+)\s*$|^\s*Rank \d+ has (?:launched up to operation \d+|not launched any operations|status [A-Z]+) -- /,
    samples: [
      "  Missing communicator data from 255 ranks",
      "  Missing communicator data from 1 rank",
      "  The missing ranks: 3,7",
      "  Asynchronous errors on 2 ranks",
      "  Initialization error on 1 rank",
      "  Communicator ranks have different AllGather operation counts",
      "  Communicator ranks have different collective operation counts",
      "  Communicator ranks have different status",
      "  30 ranks have launched up to operation 640",
      "  2 ranks have not launched any operations",
      "  Rank 13 has launched up to operation 641 -- GPU 5 managed by process 323033 on node 10.137.190.124",
      "  Rank 0 has not launched any operations -- [process information not found]",
      "  7 ranks have status RUNNING",
      "  Rank 3 has status INIT -- GPU 3 managed by process 9120 on node gpu-b4",
    ],
    nearMisses: [
      "  Missing communicator data from 1 job process",
      "  Rank 12 -- GPU 4 managed by process 323032 on node 10.137.190.124",
      "node:1:2 [0] NCCL INFO AllGather: opCount 640 sendbuff 0x7f recvbuff 0x7f count 1024",
      "ERROR 03-01 10:00:00 [core.py:100] Asynchronous errors on 2 ranks were reported by the scheduler loop",
    ],
  },
  {
    id: "nccl.gdrSaidOn", dialect: "nccl", level: "info", anyOf: ["gpu direct rdma"],
    pattern: /GPU Direct RDMA (?:\(DMABUF\) )?enabled/i,
    samples: ["node:1:2 [0] NCCL INFO NET/IB : GPU Direct RDMA (DMABUF) enabled for HCA 0 'mlx5_0'", "node:1:2 [0] NCCL INFO GPU Direct RDMA Enabled for HCA 0 'mlx5_0'"],
  },
  {
    id: "nccl.gdrSaidOff", dialect: "nccl", level: "info", anyOf: ["gpu direct rdma disabled", "dma-buf is not available", "gdr 0"],
    // (the HCA form of net_ib, not graph/paths.cc's `Disabled for GPU x / HCA y (distance …)`, a path decision)
    // (a forum post outside a code block turns the quotes curly: `for HCA 0 ‘rocep1s0f0’`)
    values: [/GPU Direct RDMA Disabled for HCA \d+ ['\u2018\u2019](?<hca>[^'\u2018\u2019]+)['\u2018\u2019]/],
    pattern: /GPU Direct RDMA Disabled for (?:HCA|GPU)|DMA-BUF is not available|\bGDR 0\b/,
    samples: ["node:1:2 [0] NCCL INFO NET/IB : GPU Direct RDMA Disabled for HCA 0 'mlx5_0'", "node:1:2 [0] NCCL INFO Connected all rings, use ring PXN 0 GDR 0"],
  },
  {
    id: "nccl.p2pUnavailable", dialect: "any", level: "info", anyOf: ["p2p is", "p2p was", "p2p not", "p2p unavailable", "p2p unsupported", "p2p disabled", "p2p access", "p2p:", "no p2p", "no gpu p2p", "p2p test", "p2p check", "enable p2p", "peer query", "failed to peer", "lacks gpu p2p", "peer access"],
    // (graph/paths.cc: NVML says two NVLink-connected GPUs cannot reach each other, which nccl/cuda-error reads)
    // (and NCCL 2.3-2.7's P2P transport failing its own CUDA IPC call, `failed to open CUDA IPC handle : 64 peer access is
    // not supported between these two devices`: NCCL chose P2P and stopped, nothing goes through host memory;
    // nccl/cuda-error names it with its P2P advice)
    // (nor a CUDA call of NCCL ≥2.8 failing the same way, `Cuda failure 217 'peer access is not supported between these
    // two devices'` (CUDACHECK/CUCHECK in include/checks.h, with or without the number; PyTorch repeats it under `Last
    // error:`): NCCL's own P2P check passed, it chose P2P and the call failed, which nccl/cuda-error names. vLLM's custom
    // all-reduce failing so (`Failed: Cuda error <file>:<line> 'peer access ...'`) does say P2P is missing, and stays)
    values: [/(?<nvlinkP2pOff>P2P is disabled between NVLINK connected GPUs)/i, /(?<ipcCallFailed>failed to (?:open|get) CUDA IPC handle)/, /(?<ncclCallFailed>Cuda failure (?:\d+ )?'peer access is not supported)/],
    pattern: /P2P is disabled between|Could not enable P2P between|peer query failed between|failed to peer with device|lacks GPU P2P|P2P(?: access)?:?\s+(?:is |was )?(?:not (?:supported|available|enabled|possible)|unavailable|unsupported|disabled)\b|\bno (?:GPU )?P2P\b|P2P (?:access )?(?:test|check) failed|peer access is not supported/i,
    samples: ["node:1:2 [0] NCCL INFO P2P is disabled between connected GPUs 0 and 1. You can repress this message with NCCL_IGNORE_DISABLED_P2P=1.", "WARNING 03-18 11:21:32 custom_all_reduce.py:134] Custom allreduce is disabled because your platform lacks GPU P2P capability or P2P test failed."],
  },
  {
    id: "nccl.usingSocket", dialect: "nccl", level: "info", anyOf: ["using network socket", "via net/socket"],
    pattern: /Using network Socket\b|via NET\/Socket/,
    samples: ["node:1:2 [0] NCCL INFO Using network Socket", "node:1:2 [0] NCCL INFO Channel 00/0 : 1[1e0] -> 0[1e0] [receive] via NET/Socket/0"],
  },
  // the network set-up lines nccl/wrong-interface and security/public-address read (notable, never failures by themselves)
  {
    id: "nccl.noInterface", dialect: "nccl", level: "info", anyOf: ["socket interface found", "no interface found", "no usable listening interface", "no device found matching", "no ip interface found"],
    pattern: /no socket interface found|NET\/Socket : no interface found|No usable listening interface found|no device found matching \S*|NET\/IB : No IP interface found/i,
    samples: ["node:1:2 [0] bootstrap.cc:66 NCCL WARN Bootstrap : no socket interface found", "node:1:2 [0] misc/socket.cc:1 NCCL WARN NET/Socket : no interface found"],
  },
  {
    id: "nccl.badAddress", dialect: "nccl", level: "info", anyOf: ["af_inet6"],
    pattern: /connecting to address (?<address>\S*)\s*with family (?<family>\d+) is neither AF_INET\(2\) nor AF_INET6|neither AF_INET\(2\) nor AF_INET6/,
    samples: ["node:1:2 [0] misc/socket.cc:1 NCCL WARN Net : connecting to address  with family 0 is neither AF_INET(2) nor AF_INET6(10)"],
  },
  {
    id: "nccl.badCommId", dialect: "nccl", level: "info", anyOf: ["invalid nccl_comm_id"],
    pattern: /Invalid NCCL_COMM_ID/,
    samples: ["node:1:2 [0] bootstrap.cc:1 NCCL WARN Invalid NCCL_COMM_ID [10.0.0.1], please use format: <ipv4>:<port> or [<ipv6>]:<port> or <hostname>:<port>"],
  },
  {
    // Torch's Gloo process group (the CPU-side group PyTorch and vLLM create beside NCCL's: vLLM's GroupCoordinator makes
    // one for every group with backend "gloo") connects every pair of ranks over TCP while it is created. torch 2.x wraps
    // Gloo's failure in ProcessGroupGloo.cpp, logged `[E ProcessGroupGloo.cpp:N] Gloo connectFullMesh failed with
    // [<gloo source>/pair.cc:N] <reason>` and raised as RuntimeError with the same text (the reason is often `no error`:
    // the errno was gone when the message was written); older torch raised Gloo's own enforce text from the TCP pair,
    // `[<gloo source>/transport/tcp/pair.cc:N] connect [addr]:port: Connection refused`. A peer that closed a connection
    // mid-run (`Connection closed by peer`) is no start-up failure and is left out.
    id: "torch.glooConnect", dialect: "torch", level: "error", anyOf: ["gloo connectfullmesh failed", "transport/tcp/pair.cc"],
    values: [
      /(?<fullMesh>Gloo connectFullMesh failed)/,
      /pair\.cc:\d+\] (?:connect (?<peer>\[[^\]\s]+\]:\d+): )?(?<reason>Connection refused|Connection timed out|No route to host|Network is unreachable|no error)/,
    ],
    pattern: /Gloo connectFullMesh failed|gloo\/transport\/tcp\/pair\.cc:\d+\] connect \[[^\]\s]+\]:\d+: (?:Connection refused|Connection timed out|No route to host|Network is unreachable)/,
    samples: [
      "[rank3]:[E ProcessGroupGloo.cpp:144] Gloo connectFullMesh failed with [../third_party/gloo/gloo/transport/tcp/pair.cc:144] no error",
      "(RayWorkerWrapper pid=71, ip=10.0.0.8) [rank1]:[E1203 10:00:01.123456789 ProcessGroupGloo.cpp:145] Gloo connectFullMesh failed with [/pytorch/third_party/gloo/gloo/transport/tcp/pair.cc:144] no error",
      "RuntimeError: Gloo connectFullMesh failed with [../third_party/gloo/gloo/transport/tcp/pair.cc:144] no error",
      "RuntimeError: [/opt/conda/conda-bld/pytorch/third_party/gloo/gloo/transport/tcp/pair.cc:799] connect [127.0.1.1]:41211: Connection refused",
    ],
    nearMisses: [
      "RuntimeError: [../third_party/gloo/gloo/transport/tcp/pair.cc:534] Connection closed by peer [10.0.0.2]:6812",
      "[rank0]:[W ProcessGroupGloo.cpp:721] Warning: Unable to resolve hostname to a (local) address. Using the loopback address as fallback. Manually set the network interface to bind to with GLOO_SOCKET_IFNAME. (function operator())",
    ],
  },
  {
    // torch's c10d store server (rank 0, or torchrun's agent) could not listen on its port (socket.cpp, torch 2.x:
    // `The server socket has failed to listen on any local network address. port: N, useIpv6: B, code: -E, name: NAME,
    // message: text`, the port left out by some builds). A port taken (EADDRINUSE) is vllm.portInUse's; every other
    // reason (an address not on this machine, IPv6 off) and a line cut before its reason are this one's.
    id: "torch.storeListen", dialect: "torch", level: "error", anyOf: ["server socket has failed to listen"],
    values: [/\bport: (?<port>\d{1,5})\b/, /useIpv6: (?<ipv6>true|1)\b/, /code: -(?<code>\d+),/, /name: (?<errName>E[A-Z]+), message: (?<errText>[^\n]+?)\s*$/],
    pattern: /^(?![^\n]*(?:EADDRINUSE|[Aa]ddress already in use))[^\n]*The server socket has failed to listen on any local network address/,
    samples: [
      "RuntimeError: The server socket has failed to listen on any local network address. port: 46571, useIpv6: 0, code: -9",
      "torch.distributed.DistNetworkError: The server socket has failed to listen on any local network address. port: 29500, useIpv6: false, code: -99, name: EADDRNOTAVAIL, message: cannot assign requested address",
    ],
    nearMisses: [
      "torch.distributed.DistNetworkError: The server socket has failed to listen on any local network address. port: 29500, useIpv6: false, code: -98, name: EADDRINUSE, message: address already in use",
      "RuntimeError: The server socket has failed to listen on any local network address. The server socket has failed to bind to [::]:29500 (errno: 98 - Address already in use).",
    ],
  },
  {
    // torch's Gloo found no local address for the host name and bound to loopback (ProcessGroupGloo.cpp, a warning): on
    // one node harmless, across nodes the others can never connect to this rank
    id: "torch.glooLoopback", dialect: "torch", level: "info", anyOf: ["using the loopback address as fallback"],
    pattern: /Unable to resolve hostname to a \(local\) address\. Using the loopback address as fallback/,
    samples: ["[rank9]:[W ProcessGroupGloo.cpp:721] **Warning: Unable to resolve hostname to a (local) address. Using the loopback address as fallback. Manually set the network interface to bind to with** GLOO_SOCKET_IFNAME. (function operator())"],
  },
  {
    id: "torch.glooNoInterface", dialect: "torch", level: "info", anyOf: ["unable to find address for", "unable to find interface for"],
    pattern: /Unable to find address for:? (\S+)|Unable to find interface for:? (\S+)/,
    samples: ["RuntimeError: [enforce fail at ../third_party/gloo/gloo/transport/tcp/device.cc:83] ifa != nullptr. Unable to find address for: eth9"],
  },
  {
    // Gloo's TCP transport failing once its pairs were connected (pytorch/gloo gloo/transport/tcp/unbound_buffer.cc
    // waitRecv/waitSend, pair.cc read/write; GLOO_ERROR_MSG puts the source file:line first, torch raises the text as
    // RuntimeError): a recv or send on a CPU-side group (vLLM's DP coordination, a GroupCoordinator's cpu_group, a
    // stateless group) that waited out its timeout, or a connection to a peer that its peer closed or reset. The
    // connect failures of a group being created are torch.glooConnect's; a bind to a port taken is vllm.portInUse's.
    id: "torch.glooIo", dialect: "torch", level: "error", anyOf: ["operation to complete", "connection closed by peer", "read error [", "write error ["],
    process: true, launcherRank: true,
    values: [
      /(?<file>[\w.]+\.cc):\d+\] /,
      /Timed out waiting (?<timeoutMs>\d+)ms for (?<op>recv|send) operation/,
      /(?<closed>Connection closed by peer) (?<peer>\[[^\]\s]+\]:\d+)/,
      /(?<rw>Read|Write) error (?<peer>\[[^\]\s]+\]:\d+): (?<reason>[A-Za-z][A-Za-z ]*[a-z])/,
    ],
    pattern: /gloo\/transport\/\w+\/[\w.]+\.cc:\d+\] (?:Timed out waiting \d+ms for (?:recv|send) operation to complete|Connection closed by peer \[|(?:Read|Write) error \[)/,
    samples: [
      "RuntimeError: [../third_party/gloo/gloo/transport/tcp/pair.cc:534] Timed out waiting 1800000ms for recv operation to complete",
      "(VllmWorkerProcess pid=3773) ERROR 07-10 04:26:16 multiproc_worker_utils.py:226] Exception in worker VllmWorkerProcess while processing method init_device: [../third_party/gloo/gloo/transport/tcp/unbound_buffer.cc:81] Timed out waiting 1800000ms for recv operation to complete, Traceback (most recent call last):",
      "RuntimeError: [/pytorch/third_party/gloo/gloo/transport/tcp/unbound_buffer.cc:133] Timed out waiting 600000ms for send operation to complete",
      "RuntimeError: [../third_party/gloo/gloo/transport/tcp/pair.cc:534] Connection closed by peer [10.0.0.2]:6812",
      "[rank1]: RuntimeError: [../third_party/gloo/gloo/transport/tcp/pair.cc:589] Read error [10.0.0.2]:57418: Connection reset by peer",
      "RuntimeError: [/pytorch/third_party/gloo/gloo/transport/tcp/pair.cc:612] Write error [10.0.0.7]:40122: Broken pipe",
    ],
    nearMisses: [
      "RuntimeError: Gloo connectFullMesh failed with [../third_party/gloo/gloo/transport/tcp/pair.cc:144] no error",
      "INFO: 10.0.0.5:51234 - Read error [client]: Connection reset by peer",
      "node:1:2 [0] misc/socket.cc:538 NCCL WARN Net : Connection closed by remote peer node-7<47861>",
    ],
  },
  {
    id: "torch.rendezvousAddress", dialect: "any", level: "info", anyOf: ["distributed_init_method=tcp://", "master_addr=", "vllm_host_ip="],
    pattern: /distributed_init_method=tcp:\/\/([\d.]+):\d+|MASTER_ADDR=([\d.]+)|VLLM_HOST_IP=([\d.]+)/,
    samples: ["DEBUG 01-01 00:00:00 parallel_state.py:1] world_size=2 rank=0 local_rank=0 distributed_init_method=tcp://10.0.0.1:29500 backend=nccl", "export MASTER_ADDR=10.0.0.1"],
  },
  // the versions each process reports (cluster/version-mismatch compares them per node): `node` adds the NCCL header's host
  {
    id: "nccl.versionLine", dialect: "any", level: "info", anyOf: ["nccl version "], node: true,
    pattern: /(?:^|[\s\]>])NCCL version (\d+\.\d+\.\d+)/,
    samples: ["NCCL version 2.18.1+cuda12.1", "node-a:100:100 [0] NCCL INFO NCCL version 2.21.5+cuda12.4"],
    nearMisses: ["INFO 01-01 00:00:00 utils.py:1] libnccl version 2.18.1"],
  },
  {
    id: "vllm.ncclVersion", dialect: "vllm", level: "info", anyOf: ["vllm is using nccl=="], node: true,
    pattern: /vLLM is using nccl==(\d+\.\d+\.\d+)/,
    samples: ["INFO 01-01 00:00:00 pynccl.py:63] vLLM is using nccl==2.18.1"],
  },
  {
    // vLLM's pynccl could not dlopen the NCCL library it looked for (VLLM_NCCL_SO_PATH, else libnccl.so.2 / librccl.so.1):
    // 0.4.0 pynccl.py `Failed to load NCCL library from libnccl.so.2 .It is expected if you are not running on NVIDIA/AMD
    // GPUs.Otherwise please set (the) environment variable VLLM_NCCL_SO_PATH ...`; 0.4.1-0.4.x add `the nccl library might
    // not exist, be corrupted or it does not support the current platform <platform>.One solution is to download libnccl2
    // version 2.18 ...`; 0.5+ pynccl_wrapper.py `... from %s. It is expected ...` (and `%s .It`), newest `Failed to load NCCL
    // library from %s (<platform>). Set VLLM_NCCL_SO_PATH to the correct path.`; SGLang's copy names SGLANG_NCCL_SO_PATH.
    // The path is the value; what follows it (` .It`, `. It`, ` (Linux-...)`) is not.
    // 0.4.0's pynccl_utils.py repeats the message at INFO inside its own (`Failed to import NCCL library: Failed to load
    // NCCL library from libnccl.so.2 .`): the same failure once more, not another process's.
    id: "vllm.ncclLibraryLoadFailed", dialect: "any", level: "error", anyOf: ["failed to load nccl library from"], process: true,
    pattern: /(?<!import NCCL library: )Failed to load NCCL library from (?<lib>[^\s()]+?)(?:\.?(?=\s|$)| ?\.(?=It\b)| \()/,
    values: [/(?<env>[A-Z][A-Z_]*_NCCL_SO_PATH)\b/],
    samples: [
      "ERROR 04-23 19:30:01 pynccl.py:53] Failed to load NCCL library from libnccl.so.2 .It is expected if you are not running on NVIDIA/AMD GPUs.Otherwise please set the environment variable VLLM_NCCL_SO_PATH to point to the correct nccl library path.",
      "ERROR 10-18 14:42:48 pynccl_wrapper.py:196] Failed to load NCCL library from libnccl.so.2. It is expected if you are not running on NVIDIA/AMD GPUs.",
      "(VllmWorker rank=1 pid=77) ERROR 01-01 00:00:00 [pynccl_wrapper.py:300] Failed to load NCCL library from /opt/nccl/lib/libnccl.so.2 (Linux-5.15.0-x86_64-with-glibc2.35). Set VLLM_NCCL_SO_PATH to the correct path.",
    ],
    nearMisses: [
      "INFO 04-22 15:53:32 utils.py:580] Found nccl from library libnccl.so.2",
      "INFO 04-23 19:30:01 pynccl_utils.py:17] Failed to import NCCL library: libnccl.so.2: cannot open shared object file: No such file or directory",
      "INFO 04-22 15:53:32 pynccl_utils.py:17] Failed to import NCCL library: Failed to load NCCL library from libnccl.so.2 .",
    ],
  },
  {
    id: "vllm.versionLine", dialect: "vllm", level: "info", anyOf: ["vllm api server version", "llm engine (v", "vllm version"], node: true,
    pattern: /vLLM API server version (\S+)|Initializing an? (?:V[01] )?LLM engine \(v([^)]+)\)|vLLM version (\S+)/,
    samples: ["INFO 01-01 00:00:00 [api_server.py:1] vLLM API server version 0.8.5", "INFO 01-01 00:00:00 llm_engine.py:1] Initializing an LLM engine (v0.6.3) with config: model='m'"],
  },
  {
    id: "torch.version", dialect: "any", level: "info", anyOf: ["torch==", "torch version "], node: true,
    pattern: /torch(?:==| version )(\d+\.\d+\.\d+\S*)/,
    samples: ["torch==2.5.1", "PyTorch version: torch version 2.4.0+cu121"],
  },
  {
    id: "torch.cudaVersion", dialect: "any", level: "info", anyOf: ["cuda version "], node: true,
    pattern: /\bCUDA (?:Version|version) (\d+\.\d+)/,
    samples: ["CUDA Version 12.3.2", "INFO 01-01 00:00:00 x.py:1] CUDA version 12.1"],
    nearMisses: ["| NVIDIA-SMI 535.104.05   Driver Version: 535.104.05   CUDA Version: 12.2     |"],
  },
  {
    id: "vllm.customAllreduceDisabled", dialect: "vllm", level: "warning", anyOf: ["custom allreduce", "custom all-reduce", "custom_all_reduce", "customallreduce", "custom all reduce", "custom-all-reduce"],
    values: [/(?<pcie>PCIe-only|lacks GPU P2P|P2P test failed|P2P(?: access)?:?\s+(?:is )?(?:not|DISABLED|unavailable|unsupported)|\bno (?:GPU )?P2P\b|NVLink)/i, /(?<worldSize>unsupported world size)/i, /(?<multiNode>spans? across nodes|multi-node|multiple nodes)/i, /(?<platform>missing custom allreduce library|AMD GPUs|current platform|with pipeline parallelism|\bROCm\b|\bXPU\b)/, /unsupported world size: (?<size>\d+)\. Supported world sizes: \[(?<supported>[\d, ]+)\]/],
    // (SGLang's copy of the class logs its name glued, and its second implementation's too: `[2026-06-28 13:34:12 TP1]
    // CustomAllreduce is disabled because ...`, `CustomAllReduceV2 is disabled because ...`)
    pattern: /Custom ?allreduce(?:V\d+)? is disabled(?: (?:because|due to) (.{1,300}?)(?:\. To silence|\.?\s*$))?|Disabled the custom all-reduce(?: kernel)? (?:because |since )?(.{1,300}?)\.?\s*$|\bcustom[ _-]?all[ _-]?reduce(?: kernel)?\s*(?:is |was |has been |[=:]\s*)?(?:disabled|off)\b/i,
    samples: [
      "(VllmWorker rank=0 pid=88) WARNING 11-05 09:13:02 [custom_all_reduce.py:85] Custom allreduce is disabled because it's not supported on more than two PCIe-only GPUs. To silence this warning, specify disable_custom_all_reduce=True explicitly.",
      "[2026-01-04 09:12:40 TP2] CustomAllReduceV2 is disabled because it's not supported on more than two PCIe-only GPUs. To silence this warning, specify disable_custom_all_reduce=True explicitly.",
    ],
  },
  {
    id: "vllm.engineInitFailed", dialect: "vllm", level: "error", anyOf: ["initialization failed", "failed to start", "error executing method", "while processing method", "failed to initialize the engine", "creation task", "died during", "less than desired gpu memory utilization", "engine cannot start without", "timed out waiting for engine", "died before responding to readiness probe"],
    // the front end's start-up wait running out (the comment below), and how long it waited when the line says
    values: [/(?<readyTimeout>Timed out waiting for (?:new )?engines? to send ?initial message|Timed out waiting for engine core processes to start)/i, /Waited (?<waitedS>\d+)s \(configured by VLLM_ENGINE_READY_TIMEOUT_S\)/],
    // Ray's word for a worker actor whose constructor raised: vLLM ≤0.2's `Worker` (set up its process group in
    // `__init__`), and the `RayWorkerVllm` / `RayWorkerWrapper` actors of later versions (a hardware plugin subclasses the
    // wrapper under its platform's name: vllm-ascend's `NPURayWorkerWrapper`). RL frameworks build the whole
    // engine (`vllm.LLM(...)`, `AsyncLLMEngine`) in an actor's constructor: Ray names the actor's class and its repr's
    // module (`ray::LLMRayActor.__init__() (..., repr=<openrlhf.trainer.ray.vllm_engine.LLMRayActor object at 0x..>)`,
    // `ray::AsyncVLLMInferenceEngine.__init__()`, verl's `AsyncvLLMServer`, NeMo-RL's `VllmGenerationWorker`): when either
    // names vLLM, that actor dying in its creation task is the engine failing to start (a trainer's actor is not)
    // vLLM's own engine-core actors of the Ray data parallel backend (--data-parallel-backend ray: `DPEngineCoreActor`,
    // `EngineCoreActor` in v1/engine/core.py) build the engine in their constructor too. A paste rendered as markdown
    // loses `__init__`'s underscores (`ray::DPEngineCoreActor.init()`, or `**init**` copied from the rendered view)
    // vLLM writes its own start-up verdicts unquoted (`RuntimeError: Engine process failed to start. See stack trace ...`);
    // a write-up that quotes one in its prose (`主进程报告“Engine process failed to start”`, `the log said "Engine core
    // initialization failed"`) reports no failure of the paste, and neither does the `raise RuntimeError("...")` code line
    // of a frame (the exception line under it does). Triton's quoted `"[vllm] Failed to start engine: ..."` is its own
    // record's message and stays read below.
    pattern: new RegExp(String.raw`(?<![\u201c\u201d\u2018\u300c\u300e"])(?:Engine core initialization failed|EngineCore failed to start|WorkerProc (?:failed to start|initialization failed)|Engine process failed to start|Failed to initialize the engine)|(?:Error executing method|Exception in worker \S+ while processing method) '?${START_UP_METHODS}\b|error raised in its creation task, ray::(?:Worker\.(?:__|\*\*)?init(?:__|\*\*)?\(\)(?=.*\bvllm\b)|[A-Za-z]*RayWorker(?:Vllm|Wrapper)?\.(?:__|\*\*)?init(?:__|\*\*)?\(\)|\w*(?:vllm|LLMRayActor|EngineCore\w*Actor)\w*\.(?:__|\*\*)?init(?:__|\*\*)?\(\)|\w+\.(?:__|\*\*)?init(?:__|\*\*)?\(\)(?=[^>]*\brepr=<[\w.]*vllm))|StageEngineCoreProc (?:failed to start|died during (?:HELLO|READY)\b)|Orchestrator initialization failed|\[(?:Async)?Orchestrator\] Stage initialization failed|\[vllm\] Failed to start engine\b|is less than desired GPU memory utilization \(|vLLM engine cannot start without (?:GPU|\w+)\b|Timed out waiting for (?:new )?engines? to send ?initial message on input socket|Timed out waiting for engine core processes to start\b|RPCServer process died before responding to readiness probe`, "i"),
    // vLLM 0.5.5–0.6.2's OpenAI server ran the engine in a separate RPC server process and polled it until it answered
    // (entrypoints/openai/api_server.py build_async_engine_client): when that process ended first it logged
    // `ERROR 02-11 07:41:09 api_server.py:188] RPCServer process died before responding to readiness probe` and gave up,
    // the front end's word for an engine that did not start (the cause is in the RPC server's traceback above it)
    // vLLM-Omni's multi-stage server (vllm_omni/engine): a stage's engine process is EngineCoreProc's kin and says
    // `StageEngineCoreProc failed to start.` (logger.exception before its engine exists), its handshake's
    // `RuntimeError: StageEngineCoreProc died during READY (exit code 1)` (the parent waiting for HELLO / READY), the
    // API server's `RuntimeError: Orchestrator initialization failed: ...`, and the older orchestrators'
    // `[Orchestrator] Stage initialization failed, shutting down.`
    // V1's start-up memory check (gpu_worker.py init_device, later v1/worker/utils.py request_memory) raises `ValueError:
    // Free memory on device cuda:0 (x/y GiB) on startup is less than desired GPU memory utilization (u, w GiB)` only
    // while a worker sets up its device: the engine did not start. The tail of the sentence names it, so a paste wrapped
    // inside the figures (`(13.33/15.47 GiB` / `) on startup is less than ...`) still shows it; the INFO line after
    // profiling (`Desired GPU memory utilization is (u, w GiB)`) is no failure.
    // Triton's vLLM backend (vllm_backend src/model.py) logs the exception its engine start raised through Triton's logger:
    // `E0302 08:14:19.771032 88 model.py:251] "[vllm] Failed to start engine: <exception>"`
    // vLLM's Ray executor checks the node it starts on while the engine is being built (executor/ray_utils.py
    // initialize_ray_cluster, V0 and V1): `ValueError: Current node has no GPU available. current_node_resource={...}. vLLM
    // engine cannot start without GPU. Make sure ...` (the device word is the platform's: GPU, TPU, ...)
    // V0's multiprocessing worker (multiproc_worker_utils.py): `Exception in worker VllmWorkerProcess while processing method
    // initialize_cache: <error>, Traceback ...` (≤0.6; later `... processing method init_device.`)
    // V1's front end waits VLLM_ENGINE_READY_TIMEOUT_S (600 s) for each engine core's first message, then gives up
    // (vllm/v1/engine/core_client.py MPClient): `TimeoutError: Timed out waiting for engines to send initial message on
    // input socket.` (two joined string literals, so most builds print `sendinitial`), since early 2026 `TimeoutError:
    // Timed out waiting for engine core processes to start. This is often caused by slow weight loading for large models.
    // Waited 600s (configured by VLLM_ENGINE_READY_TIMEOUT_S). ...`: the engine never came up
    samples: ["ERROR 02-11 07:41:09 api_server.py:188] RPCServer process died before responding to readiness probe", ") on startup is less than desired GPU memory utilization (0.85, 20.40 GiB). Decrease GPU memory utilization or reduce GPU memory used by other processes.", "RuntimeError: Engine core initialization failed. See root cause above. Failed core proc(s): {}", "ERROR 05-14 10:02:41 [core.py:396] EngineCore failed to start.", "(StageEngineCoreProc pid=91) ERROR 06-10 18:26:51 [stage_engine_core_proc.py:172] StageEngineCoreProc failed to start.", "(APIServer pid=7) ERROR 05-02 08:59:23 [async_omni_engine.py:971] RuntimeError: StageEngineCoreProc died during READY (exit code 1)", "RuntimeError: Orchestrator initialization failed: StageEngineCoreProc died during HELLO (exit code -9)", "ERROR 01-05 10:00:00 [omni.py:262] [Orchestrator] Stage initialization failed, shutting down. Suggestions:", "(VllmWorkerProcess pid=7) ERROR 01-12 08:36:38 multiproc_worker_utils.py:233] Exception in worker VllmWorkerProcess while processing method initialize_cache: The model's max seq len (131072) is larger than the maximum number of tokens that can be stored in KV cache (86432)., Traceback (most recent call last):", "(Worker pid=81) Exception raised in creation task: The actor died because of an error raised in its creation task, ray::Worker.__init__() (pid=81, ip=10.0.0.5, repr=<vllm.worker.worker.Worker object at 0x7f00>)", "ray.exceptions.ActorDiedError: The actor died because of an error raised in its creation task, ray::LLMRayActor.__init__() (pid=4401, ip=10.0.0.7, actor_id=9a9a, repr=<rl.trainer.vllm_engine.LLMRayActor object at 0x7f10>)", "(DPEngineCoreActor pid=4120) Exception raised in creation task: The actor died because of an error raised in its creation task, ray::DPEngineCoreActor.init() (pid=4120, ip=10.1.0.7, actor_id=5d6e, repr=<vllm.v1.engine.core.DPEngineCoreActor object at 0x7f30>)", "ray.exceptions.ActorDiedError: The actor died because of an error raised in its creation task, ray::EngineCoreActor.__init__() (pid=512, ip=10.1.0.8)", "(RolloutEngine pid=77) Exception raised in creation task: The actor died because of an error raised in its creation task, ray::RolloutEngine.__init__() (pid=77, ip=10.0.0.3, actor_id=1b2c, repr=<myrl.engines.vllm.rollout.RolloutEngine object at 0x7e00>)", 'E0302 08:14:19.771032 88 model.py:251] "[vllm] Failed to start engine: ValueError: no GPU left"', "(APIServer pid=4102) TimeoutError: Timed out waiting for engines to sendinitial message on input socket.", "(APIServer pid=77) TimeoutError: Timed out waiting for engine core processes to start. This is often caused by slow weight loading for large models. Waited 900s (configured by VLLM_ENGINE_READY_TIMEOUT_S). To increase the timeout, set the environment variable: VLLM_ENGINE_READY_TIMEOUT_S=<seconds>"],
    nearMisses: ["(Worker_TP0 pid=31) INFO 03-02 10:11:12 [gpu_worker.py:300] Free memory on device (46.80/47.50 GiB) on startup. Desired GPU memory utilization is (0.5, 23.75 GiB). Actual usage is 20.1 GiB for weights.", "The actor died because of an error raised in its creation task, ray::TrainWorker.__init__() (pid=5, ip=10.0.0.1)", "The actor died because of an error raised in its creation task, ray::TrainWorker.init() (pid=5, ip=10.0.0.1)", "The actor died because of an error raised in its creation task, ray::PolicyActor.__init__() (pid=6, ip=10.0.0.1, actor_id=3c, repr=<rl.trainer.policy.PolicyActor object at 0x7f00>) while vllm waits", "Exception in worker VllmWorkerProcess while processing method execute_model: CUDA error: an illegal memory access was encountered", "(StageEngineCoreProc pid=70357) ERROR 06-08 17:39:53 [stage_engine_core_proc.py:174] StageEngineCoreProc encountered a fatal error."],
  },
  {
    // A whole Ray node lost under the job (every vLLM worker actor on it with it). The GCS, published to every driver
    // (src/ray/gcs/gcs_server/gcs_node_manager.cc; the driver prints it as `WARNING worker.py:N -- ...` or a `(raylet)`
    // line): Ray ≥1.x `The node with node id: <hex> and address: <ip> and node name: <name> has been marked dead because
    // the detector has missed too many heartbeats from it. This can happen when a \t(1) raylet crashes unexpectedly (OOM,
    // preempted node, etc.) \n\t(2) raylet has lagging heartbeats ...`, older builds `The node with node id <hex> has been
    // marked dead because the detector has missed too many heartbeats from it.`; and the raylet's own end
    // (`(raylet) Raylet is terminated. Termination is unexpected. Possible reasons include: (1) SIGKILL by the user or
    // system OOM killer, ...`)
    id: "vllm.rayNodeDied", dialect: "vllm", level: "warning", anyOf: ["has been marked dead because the detector", "raylet is terminated. termination is unexpected"],
    values: [/node id:? (?<nodeId>[0-9a-f]{8,64})/, /and address: (?<address>[\w.:-]{1,80}) and node name/],
    pattern: /The node with node id:? [0-9a-f]{8,64}\b.{0,300}? has been marked dead because the detector has missed too many heartbeats|(?<raylet>Raylet is terminated\. Termination is unexpected)/,
    samples: [
      "(raylet) The node with node id: 4b1c9e0a7d2f44e6a8b3c5d7e9f10213a4b5c6d7e8f90a1b2c3d4e5f and address: 10.2.0.17 and node name: 10.2.0.17 has been marked dead because the detector has missed too many heartbeats from it. This can happen when a \t(1) raylet crashes unexpectedly (OOM, preempted node, etc.) ",
      "2023-06-01 09:10:11,222 WARNING worker.py:1866 -- The node with node id 7f0e1d2c3b4a59687766554433221100ffeeddccbbaa99887766554433 has been marked dead because the detector has missed too many heartbeats from it.",
      "(raylet) Raylet is terminated. Termination is unexpected. Possible reasons include: (1) SIGKILL by the user or system OOM killer, (2) Invalid memory access from Raylet causing SIGSEGV or SIGBUS, (3) Other termination signals.",
    ],
    nearMisses: ["(raylet) Raylet is terminated. Termination is expected.", "The node with node id: 4b1c9e0a has been drained and marked dead by the autoscaler."],
  },
  {
    // Ray's raylet, forwarded to the driver, when a worker process (vLLM's Ray worker actor among them) ends without Python
    // raising: `(raylet) A worker died or was killed while executing a task by an unexpected system error. ... Worker exit
    // type: SYSTEM_ERROR Worker exit detail: Worker unexpectedly exits with a connection error code 2. End of file. ...`
    // (the host's OOM killer, `ray stop --force`, or a crash such as SIGSEGV; Ray lists the three)
    id: "vllm.rayWorkerDied", dialect: "vllm", level: "warning", anyOf: ["a worker died or was killed"],
    values: [/Worker exit type: (?<exitType>[A-Z_]+)/, /Worker exit detail: (?<exitDetail>[^.]+)\./],
    pattern: /A worker died or was killed while executing a task by an unexpected system error/,
    samples: [
      "(raylet) A worker died or was killed while executing a task by an unexpected system error. To troubleshoot the problem, check the logs for the dead worker. RayTask ID: ffff0001 Worker ID: 77aa Node ID: 88bb Worker IP address: 10.1.2.3 Worker port: 10005 Worker PID: 4242 Worker exit type: SYSTEM_ERROR Worker exit detail: Worker unexpectedly exits with a connection error code 2. End of file. There are some potential root causes.",
    ],
    nearMisses: ["The actor died because of an error raised in its creation task, ray::TrainWorker.__init__() (pid=5, ip=10.0.0.1)"],
  },
  {
    // The model's quantization refused while vLLM builds its config or its layers: an unknown method (config.py
    // `_verify_quantization`, every release: `Unknown quantization method: X. Must be one of [...]`), --quantization
    // contradicting the checkpoint's quant_method (`Quantization method specified in the model config (X) does not match
    // the quantization method specified in the \`quantization\` argument (Y).`), a GPU older than the method needs
    // (`The quantization method X is not supported for the current GPU. Minimum capability: 90. Current capability: 86.`),
    // a dtype the method has no kernel for (≥0.10 inside pydantic's `Value error, torch.bfloat16 is not supported for
    // quantization method awq. Supported dtypes: [torch.float16]`), the platform lacking it (`gptq quantization is
    // currently not supported in ROCm.`), and a compressed-tensors MoE scheme with no kernel (`Unsupported FusedMoe scheme`).
    // A compressed-tensors scheme's own capability check (compressed_tensors.py `_check_scheme_supported`, ≈0.5.1 on)
    // raised its message as three arguments, so Python prints a tuple: `RuntimeError: ('Quantization scheme is not
    // supported for ', 'the current GPU. Min capability: 80. ', 'Current capability: 75.')`; later releases join it
    // into one sentence. A quantized GEMM the installed build has no kernel for on this GPU (csrc/quantization, the
    // build's architectures): `NotImplementedError: No compiled cutlass_scaled_mm for a compute capability less than
    // CUDA device capability: 75` (≈0.6 on; `_azp` for asymmetric int8; `... for CUDA device capability: 80. Required
    // capability: 90 or 100` for cutlass_moe_mm), `No compiled nvfp4 quantization kernel for SM 89. Recompile with ...`
    // and `No compiled nvfp4 mm kernel, vLLM should be compiled using CUDA 12.8 ...`. A quote cut after the kernel's
    // name still names it.
    id: "vllm.quantizationUnsupported", dialect: "any", level: "error",
    anyOf: ["unknown quantization method", "does not match the quantization method", "is not supported for the current gpu", "is not supported for quantization method", "quantization is currently not supported in", "unsupported fusedmoe scheme", "quantization scheme is not supported for", "no compiled cutlass_", "no compiled nvfp4"],
    pattern: /Quantization scheme is not supported for\s?(?:',\s?')?the current GPU\. Min capability: (?<schemeMin>\d+)\.\s?(?:',\s?')?Current capability: (?<schemeCur>\d+)|No compiled (?<kernelOp>cutlass_scaled_mm(?:_azp)?|cutlass_moe_mm|nvfp4 (?:quantization|mm)(?: kernel)?)(?![\w])(?: for (?:a compute capability less than )?(?:CUDA device capability: |SM )(?<kernelCap>\d+))?|Unknown quantization method: [`']?(?<unknown>[\w.-]{1,60})[`']?\. Must be one of (?<known>\[[^\]]{0,600}\]|dict_keys\(\[[^\]]{0,600}\]\))?|Quantization method specified in the model config \((?<inConfig>[\w.-]{1,60})\) does not match the quantization method specified in the [`']?quantization[`']? argument \((?<inArg>[\w.-]{1,60})\)|The quantization method (?<method>[\w.-]{1,60}) is not supported for the current GPU\. Minimum capability: (?<minCap>\d+)\. Current capability: (?<curCap>\d+)|(?<dtype>torch\.\w{1,30}) is not supported for quantization method (?<dtypeMethod>[\w.-]{1,60})\. Supported dtypes: (?<dtypes>\[[^\]]{0,200}\])|(?<![\w.-])(?<platformMethod>[\w.-]{1,60}) quantization is currently not supported in (?<platform>\w{1,40})|(?<moeScheme>Unsupported FusedMoe scheme)/,
    samples: [
      "ValueError: Unknown quantization method: gptq. Must be one of ['awq', 'squeezellm'].",
      "ValueError: Quantization method specified in the model config (gptq) does not match the quantization method specified in the `quantization` argument (awq).",
      "ValueError: The quantization method fp8 is not supported for the current GPU. Minimum capability: 89. Current capability: 80.",
      "(APIServer pid=12) Value error, torch.bfloat16 is not supported for quantization method awq. Supported dtypes: [torch.float16] [type=value_error, input_value=ArgsKwargs((), {}), input_type=ArgsKwargs]",
      "ValueError: gptq_marlin quantization is currently not supported in ROCm.",
      "(EngineCore_DP0 pid=7) ERROR 09-25 12:08:30 [core.py:718] RuntimeError: Unsupported FusedMoe scheme: num_bits=4 type='int' symmetric=True",
      "RuntimeError: ('Quantization scheme is not supported for ', 'the current GPU. Min capability: 80. ', 'Current capability: 75.')",
      "(Worker_TP0 pid=9) ERROR 03-02 10:00:01 [multiproc_executor.py:671] RuntimeError: Quantization scheme is not supported for the current GPU. Min capability: 89. Current capability: 86.",
      "NotImplementedError: No compiled cutlass_scaled_mm for a compute capability less than CUDA device capability: 75",
      "RuntimeError: No compiled cutlass_scaled_mm for CUDA device capability: 80. Required capability: 90 or 100",
      "NotImplementedError: No compiled nvfp4 quantization kernel for SM 89. Recompile with the appropriate CUDA arch.",
      "NotImplementedError: No compiled cutlass_scaled_mm for a compute capability less tha",
    ],
    nearMisses: [
      "INFO 06-01 10:00:00 [config.py:1] Detected quantization method awq; it is supported for the current GPU.",
      "INFO 06-01 10:00:00 [compressed_tensors_w8a8_int8.py:52] Using CutlassScaledMMLinearKernel for CompressedTensorsW8A8Int8",
      "WARNING 06-01 10:00:00 [marlin_utils_fp8.py:80] Your GPU does not have native support for FP8 computation but FP8 quantization is being used. Weight-only FP8 compression will be used leveraging the Marlin kernel.",
    ],
  },
  {
    // A compiled extension that cannot be loaded: one linked against a CUDA runtime library this environment lacks
    // (`libcudart.so.12: cannot open shared object file`: a wheel built for CUDA 12 beside a torch built for 11.8, the
    // 0.2-0.5 classic; `libcudart.so.11.0` the other way), or built against another torch (`_C.abi3.so: undefined symbol:
    // _ZN3c10...`). vLLM's own: the `vllm._C` / `vllm._moe_C` modules (0.5's `_custom_ops.py` logs `Failed to import from
    // vllm._C with ImportError('...')` at WARNING and carries on until a kernel is called; ≤0.3's `from vllm import
    // cuda_utils` raises at import; glibc's dlerror under a zh_CN locale says `无法打开共享对象文件: 没有那个文件或目录`). The driver's libcuda.so.1 is not this (vllm.gpuPlatformUnavailable), nor NCCL's library.
    id: "vllm.extensionLoadFailed", dialect: "any", level: "error", anyOf: ["cannot open shared object file", "\u65e0\u6cd5\u6253\u5f00\u5171\u4eab\u5bf9\u8c61\u6587\u4ef6", "undefined symbol"],
    values: [/Failed to import from (?<module>vllm\._\w+)/, /(?<vllmExt>vllm[\/\\]_[\w-]+(?:\.[\w-]+)*\.so)\b/],
    pattern: /(?<![\w.])(?<lib>lib(?:cudart|cublas(?:Lt)?|cusparse|cufft|curand|cusolver|nvrtc|nvJitLink)\.so(?:\.\d+)*): (?:cannot open shared object file|\u65e0\u6cd5\u6253\u5f00\u5171\u4eab\u5bf9\u8c61\u6587\u4ef6)|(?:^|[\s'"(])(?<ext>[^\s'"(:]+\.so): undefined symbol: (?<symbol>[\w@.$]+)/,
    samples: [
      "ImportError: libcudart.so.12: cannot open shared object file: No such file or directory",
      "ImportError: libcudart.so.12: \u65e0\u6cd5\u6253\u5f00\u5171\u4eab\u5bf9\u8c61\u6587\u4ef6: \u6ca1\u6709\u90a3\u4e2a\u6587\u4ef6\u6216\u76ee\u5f55",
      "WARNING 08-27 13:59:59 _custom_ops.py:15] Failed to import from vllm._C with ImportError('libcudart.so.12: cannot open shared object file: No such file or directory')",
      "ImportError: /opt/conda/lib/python3.10/site-packages/vllm/_C.abi3.so: undefined symbol: _ZN3c104cuda9SetDeviceEi",
      "ImportError: /usr/local/lib/python3.10/dist-packages/flash_attn_2_cuda.cpython-310-x86_64-linux-gnu.so: undefined symbol: _ZN3c105ErrorC2ENS_14SourceLocationESs",
    ],
    nearMisses: [
      "WARNING 09-02 06:44:03 [_custom_ops.py:20] Failed to import from vllm._C with ImportError('libcuda.so.1: cannot open shared object file: No such file or directory')",
      "OSError: libnccl.so.2: cannot open shared object file: No such file or directory",
      "OSError: libnccl.so.2: \u65e0\u6cd5\u6253\u5f00\u5171\u4eab\u5bf9\u8c61\u6587\u4ef6: \u6ca1\u6709\u90a3\u4e2a\u6587\u4ef6\u6216\u76ee\u5f55",
      "\tlibcudart.so.12 => not found",
    ],
  },
  {
    // vLLM's check that the GPU runs the model's dtype, made while a worker sets up its device (V0 worker.py
    // `_check_if_gpu_supports_dtype`, later the platform's `check_if_supports_dtype`): bfloat16 needs compute capability
    // 8.0. Three wordings: ≤0.4 ends at the capability (`... Your Tesla T4 GPU has compute capability 7.5.`); later
    // releases add `You can use float16 instead by explicitly setting the`dtype` flag in CLI, for example: --dtype=half.`;
    // the platform form says `Your <name> GPU does not have a compute capability.` when the device reports none. The
    // device name is torch's (`b'Tesla T4'` where a library handed it back as bytes).
    id: "vllm.bf16Unsupported", dialect: "any", level: "error",
    anyOf: ["bfloat16 is only supported on gpus"],
    pattern: /Bfloat16 is only supported on GPUs with compute capability of at least (?<need>\d+(?:\.\d+)?)\.(?:\s+Your (?<gpu>.{1,120}?) GPU (?:has compute capability (?<cap>\d+(?:\.\d+)?)|(?<noCap>does not have a compute capability)))?/,
    samples: [
      "ValueError: Bfloat16 is only supported on GPUs with compute capability of at least 8.0. Your Tesla V100-SXM2-32GB GPU has compute capability 7.0.",
      "2024-02-20 21:46:23 | ERROR | stderr | ValueError: Bfloat16 is only supported on GPUs with compute capability of at least 8.0. Your Tesla T4 GPU has compute capability 7.5. You can use float16 instead by explicitly setting the`dtype` flag in CLI, for example: --dtype=half.",
      "(EngineCore_DP0 pid=311) ERROR 05-02 10:00:00 [core.py:708] ValueError: Bfloat16 is only supported on GPUs with compute capability of at least 8.0. Your b'Quadro RTX 6000' GPU does not have a compute capability. You can use float16 instead by explicitly setting the`dtype` flag in CLI, for example: --dtype=half.",
    ],
    nearMisses: [
      "WARNING 01-10 09:00:00 config.py:1] Casting torch.bfloat16 to torch.float16.",
      "| `bfloat16 requires compute capability >= 8.0` | T4 is 7.5: use --dtype half |",
    ],
  },
  {
    // Triton refusing an FP8 type the GPU's backend does not offer, when it compiles a kernel (a vLLM fp8 KV cache's
    // attention or cache kernels, an FP8 checkpoint's Triton GEMM or fused MoE, Inductor's casts): `type fp8e4nv not
    // supported in this architecture. The supported fp8 dtypes are ('fp8e4b15', 'fp8e5')`. Triton's NVIDIA backend offers
    // fp8e4nv (torch.float8_e4m3fn) only from compute capability 8.9 (Ada, Hopper); AMD's lists its own (`('fp8e5',)`).
    id: "vllm.tritonFp8Unsupported", dialect: "any", level: "error", anyOf: ["not supported in this architecture"],
    values: [/type (?<tritonType>fp8\w+) not supported in this architecture/, /supported fp8 dtypes are (?<tritonSupported>\([^)]*\))/],
    pattern: /\btype fp8\w+ not supported in this architecture\b/,
    samples: [
      "ValueError(\"type fp8e4nv not supported in this architecture. The supported fp8 dtypes are ('fp8e4b15', 'fp8e5')\")",
      " (Worker_TP1 pid=8812) ERROR 02-11 10:20:33 [multiproc_executor.py:852] ValueError(\"type fp8e4nv not supported in this architecture. The supported fp8 dtypes are ('fp8e4b15', 'fp8e5')\")",
      "(EngineCore_DP0 pid=91) ValueError(\"type fp8e4nv not supported in this architecture. The supported fp8 dtypes are ('fp8e5',)\")",
    ],
    nearMisses: ["INFO 02-11 10:20:01 [cache.py:120] Using fp8 data type to store kv cache. It reduces the GPU memory footprint and boosts the performance."],
  },
  {
    // A LoRA adapter whose rank exceeds the server's --max-lora-rank (vllm/lora/peft_helper.py validate_legal; before
    // that vllm/lora/models.py): `ValueError: LoRA rank 32 is greater than max_lora_rank 16.`, raised when the adapter is
    // loaded, which a running engine does (a request naming it, `--lora-modules` after the engine started, the
    // load_lora_adapter endpoint); V1 reports it through the executor as `Worker failed with error 'LoRA rank ...'`.
    id: "vllm.loraRankTooLarge", dialect: "any", level: "error", anyOf: ["max_lora_rank"],
    values: [/LoRA rank (?<rank>\d+) is greater than max_lora_rank (?<max>\d+)/],
    pattern: /LoRA rank \d+ is greater than max_lora_rank \d+/,
    samples: [
      "ValueError: LoRA rank 64 is greater than max_lora_rank 16.",
      "(EngineCore_DP0 pid=210) ERROR 11-19 12:54:26 [core.py:710] RuntimeError: Worker failed with error 'LoRA rank 128 is greater than max_lora_rank 32.', please check the stack trace above for the root cause",
    ],
    nearMisses: ["INFO 11-19 12:54:26 [lora.py:80] max_lora_rank is 64, the largest LoRA rank this server serves"],
  },
  {
    // --max-lora-rank set to a value the release does not take: LoRAConfig's check when the engine's config is built
    // (vllm/config.py `__post_init__` in 0.4-0.9), `ValueError: max_lora_rank (N) must be one of (8, 16, 32, 64).`, the
    // tuple growing by release (8-64, then up to 256, then 320 and 512). Later releases refuse it in argparse
    // (`--max-lora-rank: invalid choice`, vllm/bad-cli-args). The value is an upper bound: a rank between two listed
    // values wants the next one.
    id: "vllm.loraMaxRankInvalid", dialect: "any", level: "error", anyOf: ["max_lora_rank ("],
    values: [/max_lora_rank \((?<value>-?\d+)\) must be one of \((?<allowed>\d+(?:, ?\d+){0,15}),?\)/],
    pattern: /max_lora_rank \(-?\d+\) must be one of \(\d/,
    samples: [
      "ValueError: max_lora_rank (128) must be one of (8, 16, 32, 64).",
      "[rank0]: ValueError: max_lora_rank (48) must be one of (8, 16, 32, 64, 128, 256).",
      "ERROR 09-20 10:00:00 engine.py:366] ValueError: max_lora_rank (100) must be one of (8, 16, 32, 64, 128, 256).",
    ],
    nearMisses: [
      "ValueError: LoRA rank 64 is greater than max_lora_rank 16.",
      "INFO 07-26 14:02:10 api_server.py:220] args: Namespace(enable_lora=True, max_loras=2, max_lora_rank=128, max_cpu_loras=None)",
      "    raise ValueError(f\"max_lora_rank ({self.max_lora_rank}) must be one of {possible_max_ranks}.\")",
    ],
  },
  {
    // V1's structured output: the grammar matcher refused a token the model sampled for a request with a JSON schema, regex,
    // grammar or tool-call format (vllm/v1/structured_output/backend_xgrammar.py accept_tokens: `Failed to advance FSM for
    // request R for tokens T. Please file an issue.`; the scheduler then ends the request: `Unexpected: grammar rejected
    // tokens [T]. Terminating request.`). The engine goes on; that request fails or stops short of its format.
    id: "vllm.grammarRejected", dialect: "vllm", level: "error", anyOf: ["failed to advance fsm", "grammar rejected tokens"],
    values: [/Failed to advance FSM for request (?<request>\S+) for tokens/],
    pattern: /\bFailed to advance FSM for request \S+ for tokens\b|\bgrammar rejected tokens \[/,
    samples: [
      "(EngineCore_DP0 pid=812) ERROR 10-11 12:13:14 [backend_xgrammar.py:165] Failed to advance FSM for request chatcmpl-ab12 for tokens 9981. Please file an issue.",
      "ERROR 10-11 12:13:14 [scheduler.py:1010] Unexpected: grammar rejected tokens [9981]. Terminating request.",
    ],
    nearMisses: ["INFO 10-11 12:13:00 [backend_xgrammar.py:60] Compiling grammar for request chatcmpl-ab12"],
  },
  {
    // An OpenAI server's tool-call parser (--enable-auto-tool-choice --tool-call-parser X; vllm/entrypoints/openai/
    // tool_parsers/<x>_tool_parser.py, vllm/tool_parsers/ in newer releases) that could not read the tool call in the
    // model's text logs it with its traceback and goes on: `Error in extracting tool call from response.` (a whole
    // response; some parsers add `: <the exception>`), `Error trying to handle streaming tool call.` (a streamed chunk,
    // then skipped). The response then carries the model's text as content and no tool_calls. The record's file names the
    // parser (`[hermes_tool_parser.py:157]`, `llama_tool_parser.py:120]` before 0.8).
    id: "vllm.toolCallParseFailed", dialect: "vllm", level: "error", anyOf: ["error in extracting tool call", "error trying to handle streaming tool call"],
    values: [/\[?(?<parser>\w+?)_tool_parser\.py:\d+\]/, /(?<streaming>Error trying to handle streaming tool call)/],
    pattern: /\bError in extracting tool call from response\b|\bError trying to handle streaming tool call\./,
    samples: [
      "(APIServer pid=85343) ERROR 10-09 09:39:54 [hermes_tool_parser.py:157] Error in extracting tool call from response.",
      "ERROR 11-02 08:00:01 llama_tool_parser.py:120] Error trying to handle streaming tool call.",
      "ERROR 05-06 10:11:12 [mistral_tool_parser.py:140] Error in extracting tool call from response: Expecting value: line 1 column 1 (char 0)",
    ],
    nearMisses: [
      "DEBUG 11-02 08:00:01 [hermes_tool_parser.py:300] Skipping chunk as a result of tool streaming extraction error",
      "(APIServer pid=7) INFO 10-09 09:30:00 [serving_chat.py:110] \"auto\" tool choice has been enabled please note that while the parallel_tool_calls client option is preset for compatibility reasons, it will be ignored.",
    ],
  },
  {
    // the OpenAI server refusing one request before it reaches the engine, answered 400 (vllm/entrypoints/openai
    // serving_chat.py / serving_completion.py log `Error in preprocessing prompt inputs` with the traceback, at ERROR, and
    // go on serving): the prompt and max_tokens over max_model_len (serving_engine.py `_validate_input`: `This model's
    // maximum context length is N tokens. However, you requested M tokens (...)`, newer `... However, your request has M
    // input tokens`), or V1's processor refusing a prompt longer than the model (`The decoder prompt (length M) is longer
    // than the maximum model length of N`)
    id: "vllm.requestRejected", dialect: "vllm", level: "warning", anyOf: ["error in preprocessing prompt inputs", "maximum context length is", "longer than the maximum model length"],
    values: [/(?<recordHead>\bError in preprocessing prompt inputs\b)/, /maximum context length is (?<max>\d+) tokens\. However, (?:you requested|your request has) (?<requested>\d+)/, /The decoder prompt \(length (?<requested>\d+)\) is longer than the maximum model length of (?<max>\d+)/],
    pattern: /\bError in preprocessing prompt inputs\b|This model's maximum context length is \d+ tokens\. However, (?:you requested|your request has) \d+|The decoder prompt \(length \d+\) is longer than the maximum model length of \d+/,
    samples: [
      "ERROR 03-04 05:06:07 [serving_chat.py:200] Error in preprocessing prompt inputs",
      "(APIServer pid=12) ERROR 03-04 05:06:07 [serving.py:120] Error in preprocessing prompt inputs",
      "ERROR 03-04 05:06:07 serving_completion.py:110] ValueError: This model's maximum context length is 4096 tokens. However, you requested 5000 tokens (4000 in the messages, 1000 in the completion). Please reduce the length of the messages or completion.",
      "ValueError: This model's maximum context length is 8192 tokens. However, your request has 9001 input tokens. Please reduce the length of the input messages.",
      "ValueError: The decoder prompt (length 40000) is longer than the maximum model length of 32768. Make sure that `max_model_len` is no smaller than the number of text tokens.",
    ],
    nearMisses: ["WARNING 03-04 05:06:07 [arg_utils.py:1100] The model has a long context length (131072). This may cause OOM errors"],
  },
  {
    // vLLM could not load a LoRA adapter (vllm/lora/worker_manager.py `_load_adapter`, which a running engine calls: a request
    // naming the adapter, `--lora-modules` once the server is up, the load_lora_adapter endpoint): ≤0.6 `RuntimeError: Loading
    // lora <path> failed`; later a missing adapter `ValueError: Loading lora <name> failed: No adapter found for <path>` (V1's
    // engine core adds `Call to add_lora method failed: `); and the adapter's weights refused by vllm/lora/models.py
    // (`<module> is unsupported LoRA weight`, newer `While loading <dir>, expected target modules in [...] but received [...]`).
    // The loader's own exception under `Loading lora ... failed` when the folder has no adapter config: vllm/lora/models.py
    // `from_local_checkpoint` (≤0.6) and vllm/lora/peft_helper.py `from_local_dir` (later) `open()` <dir>/adapter_config.json,
    // `FileNotFoundError: [Errno 2] No such file or directory: '<dir>/adapter_config.json'` (a paste may stop there)
    id: "vllm.loraLoadFailed", dialect: "any", level: "error", anyOf: ["loading lora", "unsupported lora weight", "expected target modules in", "adapter_config.json"],
    // (bounded: a line of many `Loading lora x` without `failed`, or one long word, stays linear)
    values: [
      /Loading lora \[?["']?(?<adapter>[^\s"'\[\]]+)/, /No adapter found for (?<path>[^\s"'\]]+)/, /(?<![\w.])(?<module>[\w.]{1,300}) is unsupported LoRA weight/,
      /No such file or directory: ['"](?<path>[^'"\s]{1,500}?)[\/\\]adapter_config\.json['"]/,
    ],
    pattern: /\bLoading lora \S.{0,500}? failed\b|(?<![\w.])[\w.]{1,300} is unsupported LoRA weight\b|While loading \S+, expected target modules in |No such file or directory: ['"][^'"\s]{0,500}adapter_config\.json['"]/,
    samples: [
      "RuntimeError: Loading lora /srv/adapters/sql-v2 failed",
      "ERROR 06-02 11:20:31 engine.py:160] RuntimeError: Loading lora /data/lora/ckpt-300 failed",
      "(EngineCore_DP0 pid=5120) ERROR 03-11 09:14:02 [core.py:918] ValueError: Loading lora sql-lora failed: No adapter found for /models/sql-lora",
      "ValueError: Call to add_lora method failed: Loading lora chat-v3 failed: No adapter found for org/chat-v3",
      "ValueError: base_model.model.lm_head.weight is unsupported LoRA weight",
      "ERROR 08-19 14:02:51 async_llm_engine.py:57] FileNotFoundError: [Errno 2] No such file or directory: '/srv/adapters/support-bot/adapter_config.json'",
    ],
    nearMisses: [
      "INFO 06-02 11:20:30 serving_models.py:174] Loaded new LoRA adapter: name 'sql-lora', path '/models/sql-lora'", "DEBUG 06-02 11:20:30 worker_manager.py:120] Loading lora sql-lora from /models/sql-lora",
      "FileNotFoundError: [Errno 2] No such file or directory: '/srv/models/base-7b/config.json'",
    ],
  },
  {
    // V0's multiprocessing engine (vllm/engine/multiprocessing/engine.py, MQLLMEngine.start, 0.6–0.10) logs whatever ended its
    // loop as the exception's repr at ERROR (`logger.exception(repr(e))`, its traceback after it), then tells the API server,
    // whose requests then fail with MQEngineDeadError / `Engine loop has died`. start() runs only once the engine was built.
    id: "vllm.v0EngineLoopError", dialect: "vllm", level: "error", anyOf: ["engine.py:"],
    values: [/engine\.py:\d+\]\s+(?<error>[A-Z]\w*)\(/],
    pattern: /(?<![\w\/.])engine\.py:\d+\]\s+[A-Z]\w*(?:Error|Exception)\((?:'|"|\))/,
    samples: [
      "ERROR 12-25 15:08:47 engine.py:135] IndexError('Error in model execution: tuple index out of range')",
      "ERROR 02-14 08:01:12 [engine.py:160] RuntimeError(\"CUDA error: an illegal memory access was encountered\")",
    ],
    nearMisses: ["ERROR 12-25 15:08:47 engine.py:135] Traceback (most recent call last):", "ERROR 12-25 15:08:47 async_llm_engine.py:65] RuntimeError('x')", "INFO 12-25 15:08:40 engine.py:275] Added request chatcmpl-1."],
  },
  {
    // V1's multiprocessing executor raises `RuntimeError: Worker failed with error '<the worker's exception>', please check
    // the stack trace above for the root cause` (vllm/v1/executor/multiproc_executor.py, collective_rpc's get_response) when
    // a worker's call failed: the engine died, at start-up unless the log shows it had started (the rule reads that)
    // The executors' worker monitors log a worker process that ended: the multiprocessing executor's `Worker proc
    // VllmWorker-1 died unexpectedly, shutting down executor.` and the Ray V2 executor's (vllm/v1/executor/ray_executor_v2.py,
    // a multiprocessing executor over Ray actors) `RayWorkerProc rank=[3] died unexpectedly, shutting down executor.`, the
    // dead ranks printed as a Python list
    id: "vllm.engineDied", dialect: "vllm", level: "error", anyOf: ["enginecore hit an exception", "fatal signal from worker", "died unexpectedly", "worker failed with error"],
    pattern: /EngineCore hit an exception|fatal signal from worker processes|Worker proc \S+ died unexpectedly|\bRayWorkerProc rank=\[[\d, ]*\] died unexpectedly|\bWorker failed with error '/i,
    samples: [
      "ERROR 05-14 10:02:41 [multiproc_executor.py:140] Worker proc VllmWorker-1 died unexpectedly, shutting down executor.",
      "(EngineCore_DP0 pid=311) ERROR 03-09 21:40:12 [ray_executor_v2.py:464] RayWorkerProc rank=[2] died unexpectedly, shutting down executor.",
      "ERROR 03-09 21:40:12 [ray_executor_v2.py:464] RayWorkerProc rank=[0, 5] died unexpectedly, shutting down executor.",
      "(EngineCore_DP0 pid=52) RuntimeError: Worker failed with error 'no kernel image is available for execution on the device', please check the stack trace above for the root cause",
      "RuntimeError: Worker failed with error '', please check the stack trace above for the root cause",
    ],
    nearMisses: ["INFO 05-14 10:02:41 [client.py:90] Worker failed with errors in 0 of 12 health checks", "INFO 03-09 21:40:12 [ray_executor_v2.py:301] RayWorkerProc rank=[2] is ready."],
  },
  {
    // V1's multiprocessing worker catching what a method the executor sent it raised (vllm/v1/executor/multiproc_executor.py
    // WorkerProc.worker_busy_loop, which runs only once the worker reported READY): `logger.exception("WorkerProc hit an
    // exception.")` then the traceback as the same process's ERROR records (0.9 on; 0.8's `logger.exception("WorkerProc hit
    // an exception: %s", exc_info=e)` prints its `%s` as written, having no argument). The worker loops on; its reply (the
    // output rank's) is raised in the engine core as `Worker failed with error '…'`. The busy loop also runs the engine's
    // start-up calls (determine_available_memory, initialize_from_config, compile_or_warm_up_model), so whether this is the
    // engine serving or starting is its traceback's to say (src/facts/tracebacks.ts; src/rules/vllm/engine-dead.ts).
    // (`WorkerProc failed to start.` / `WorkerProc initialization failed …` are worker_main's start-up failures, not this.)
    // V0's multiprocessing worker does the same in its own loop (vllm/executor/multiproc_worker_utils.py
    // _run_worker_process, 0.5 to the last V0 releases): 0.5.x `logger.error("Exception in worker %s while processing method
    // %s: %s, %s", process_name, method, e, traceback.format_exc())` (the exception, then the traceback's first line on the
    // record's line), 0.6 on `logger.exception("Exception in worker %s while processing method %s.", ...)`; the method says
    // start-up (init_device, load_model, determine_num_available_blocks, initialize_cache: vllm.engineInitFailed reads those
    // too) or serving (start_worker_execution_loop, the tensor-parallel workers' step loop; execute_model): capture `method`
    // The Ray executor's workers (and its driver worker) run the same methods through vllm/worker/worker_base.py
    // WorkerWrapperBase.execute_method (0.4 to the last V0 releases; V1's Ray executor for its start-up calls), which logs
    // `logger.exception("Error executing method %s. This might cause deadlock in distributed execution.")` before raising:
    // `Error executing method execute_model. ...` up to 0.6, `Error executing method 'execute_model'. ...` ({method!r})
    // from 0.7, under the actor's prefix `(RayWorkerWrapper pid=N, ip=A)`: capture it as `rayMethod`
    id: "vllm.workerProcException", dialect: "vllm", level: "error", anyOf: ["workerproc hit an exception", "while processing method", "error executing method"], process: true,
    pattern: /\bWorkerProc hit an exception(?:\.|: %s)|\bException in worker \S+ while processing method \w+(?:\.|: )|\bError executing method '?\w+'?\. This might cause deadlock in distributed execution/,
    values: [/\bException in worker \S+ while processing method (?<method>\w+)(?:: (?<v0exc>.*\S), Traceback \(most recent call last\))?/, /\bError executing method '?(?<rayMethod>\w+)'?\. This might cause deadlock/],
    samples: [
      "(Worker_TP3 pid=2207) ERROR 01-11 09:43:23 [v1/executor/multiproc_executor.py:671] WorkerProc hit an exception.",
      "(VllmWorker TP5 pid=411) ERROR 08-29 02:12:59 [multiproc_executor.py:596] WorkerProc hit an exception.",
      "(Worker_DP1_EP1 pid=90) ERROR 04-25 03:28:44 [multiproc_executor.py:971] WorkerProc hit an exception.",
      "ERROR 03-21 07:01:55 [multiproc_executor.py:375] WorkerProc hit an exception: %s",
      "(Worker_TP4 pid=602) ERROR 03-17 22:03:06 multiproc_executor.py:932] WorkerProc hit an exception.",
      "(VllmWorkerProcess pid=4412) ERROR 03-02 11:20:31 multiproc_worker_utils.py:226] Exception in worker VllmWorkerProcess while processing method start_worker_execution_loop.",
      "(VllmWorkerProcess pid=7) ERROR 07-16 09:31:45 multiproc_worker_utils.py:226] Exception in worker VllmWorkerProcess while processing method execute_model: CUDA error: an illegal memory access was encountered, Traceback (most recent call last):",
      "(VllmWorkerProcess pid=570) ERROR 04-12 05:35:29 [multiproc_worker_utils.py:238] Exception in worker VllmWorkerProcess while processing method determine_num_available_blocks.",
      "(RayWorkerWrapper pid=3312, ip=10.20.1.4) ERROR 11-02 14:07:51 [worker_base.py:620] Error executing method 'execute_model'. This might cause deadlock in distributed execution.",
      "(RayWorkerWrapper pid=918) ERROR 08-01 03:22:10 worker_base.py:382] Error executing method start_worker_execution_loop. This might cause deadlock in distributed execution.",
    ],
    nearMisses: [
      "(Worker_TP0 pid=81) ERROR 06-01 10:00:00 [multiproc_executor.py:559] WorkerProc failed to start.",
      "Exception: WorkerProc initialization failed due to an exception in a background process. See stack trace for root cause.",
      "(EngineCore_DP0 pid=9) ERROR 06-01 10:00:00 [core.py:390] EngineCore hit an exception: Traceback (most recent call last):",
      "Exception in worker process",
      "Error executing method 'execute_model'.",
    ],
  },
  {
    // vLLM importing OpenAI's triton_kernels package (the Triton MoE kernels its MXFP4 path uses for gpt-oss and other
    // MXFP4 MoE models: vllm/model_executor/layers/fused_moe/gpt_oss_triton_kernels_moe.py, later also the MXFP4 config
    // module) logs at ERROR when that import fails and carries on: `Failed to import Triton kernels. Please make sure your
    // triton version is compatible. Error: No module named 'triton_kernels.routing'` (0.10 → 0.19 at least). The
    // installed triton_kernels was not built from the same Triton release as triton, or is missing.
    id: "vllm.tritonKernelsImport", dialect: "vllm", level: "warning", anyOf: ["failed to import triton kernels"],
    values: [/Failed to import Triton kernels\. Please make sure your triton version is compatible\.(?: Error: (?<reason>.+?))?\s*$/],
    pattern: /\bFailed to import Triton kernels\. Please make sure your triton version is compatible\b/,
    samples: [
      "ERROR 01-28 06:35:44 [gpt_oss_triton_kernels_moe.py:34] Failed to import Triton kernels. Please make sure your triton version is compatible. Error: No module named 'triton_kernels.routing'",
      "(APIServer pid=7) ERROR 04-01 11:21:57 [config.py:29] Failed to import Triton kernels. Please make sure your triton version is compatible. Error: No module named 'triton_kernels.matmul_ogs'",
    ],
    nearMisses: [
      "INFO 05-04 00:53:59 [importing.py:68] Triton not installed or not compatible; certain GPU-related functions will not be available.",
      "ERROR 01-28 06:35:44 [utils.py:12] Failed to import vllm._C: libcudart.so.12: cannot open shared object file",
    ],
  },
  {
    // V1's API server watching its engine core processes (vllm/v1/engine/core_client.py, the MPClient's process monitor,
    // started once the engines reported ready): `Engine core proc EngineCore_DP0 died unexpectedly, shutting down client.`
    // The process went away without reporting an error of its own (a SIGKILL from the host's OOM killer or a crash in
    // native code). An offline script's LLM can print the same at interpreter exit after its work is done, so the rule
    // counts it only when the log shows a server that served (src/rules/vllm/engine-dead.ts)
    id: "vllm.engineCoreProcDied", dialect: "vllm", level: "error", anyOf: ["died unexpectedly, shutting down client"],
    values: [/Engine core proc (?<proc>\S+) died unexpectedly/],
    pattern: /\bEngine core proc \S+ died unexpectedly, shutting down client\b/,
    samples: [
      "(APIServer pid=47) ERROR 10-14 13:42:23 [core_client.py:564] Engine core proc EngineCore_DP0 died unexpectedly, shutting down client.",
      "ERROR 12-01 23:08:02 [core_client.py:564] Engine core proc EngineCore_0 died unexpectedly, shutting down client.",
    ],
    nearMisses: [
      "ERROR 05-14 10:02:41 [multiproc_executor.py:140] Worker proc VllmWorker-1 died unexpectedly, shutting down executor.",
      "INFO 10-14 13:42:23 [core_client.py:564] Engine core proc EngineCore_DP0 exited, shutting down client.",
    ],
  },
  {
    // V1's engine died after it had started: the API server's `EngineDeadError` (vllm/v1/engine/exceptions.py: raised
    // when the engine core reports ENGINE_CORE_DEAD or its process monitor sees it die, both set up only once start-up
    // finished; a start-up failure reads `Engine core initialization failed` instead) and the engine core's own
    // `EngineCore encountered a fatal error.` (run_engine_core, logged when the engine object exists). V0's
    // AsyncEngineDeadError / MQEngineDeadError are other classes (the `\b` keeps them out).
    // The engine's dump of the step it failed (vllm/logging_utils/dump_input.py dump_engine_exception, called with the
    // scheduler output of a step being executed): `Dumping input data for V1 LLM engine (v0.25.1) with config: ...`
    // (≈0.9: `Dumping input data` alone; V0 ≈0.8: `Engine crashed, dumping input data`) is a crash while serving too.
    // (EngineDeadError's message, vLLM's own words, quoted by the program that caught it: `[ERROR] ... fastapi_server.py:280
    // ... catch a Exception, msg: EngineCore encountered an issue. See stack trace (above) for the root cause.`)
    id: "vllm.engineDeadAtRuntime", dialect: "vllm", level: "error", anyOf: ["enginedeaderror", "encountered a fatal error", "dumping input data", "dumping scheduler", "output_handler failed", "encountered an issue"],
    // (vLLM-Omni's stage engine process logs the same after its start: `StageEngineCoreProc encountered a fatal error.`)
    // (the dump goes on with `Dumping scheduler output for model execution: SchedulerOutput(...)` and `Dumping scheduler
    // stats: ...`, records of their own that a window of the paste may show alone)
    // (and the API server's `AsyncLLM output_handler failed.`: its output task starts once AsyncLLM has its engine client,
    // after the engine core reported ready, and fails when that engine dies)
    pattern: /\bEngineDeadError\b(?!\()|EngineCore(?:Proc)? encountered a fatal error|\] (?:Engine crashed, d|D)umping input data(?: for V[01] LLM engine\b|$)|\] Dumping scheduler (?:output for model execution|stats): |\bAsyncLLM output_handler failed\b|\bEngineCore encountered an issue\. See stack trace \(above\)/,
    samples: [
      "[2026-02-03 04:05:06,789] [ERROR] [trace_id=0] gateway.py:88 worker-3 - [ERROR] request failed, msg: EngineCore encountered an issue. See stack trace (above) for the root cause.",
      "(APIServer pid=79) ERROR 05-10 10:51:18 [serving.py:1143] vllm.v1.engine.exceptions.EngineDeadError: EngineCore encountered an issue. See stack trace (above) for the root cause.",
      "vllm.v1.engine.exceptions.EngineDeadError: EngineCore encountered an issue.",
      "(EngineCore_DP0 pid=812) ERROR 11-02 04:10:09 [core.py:790] EngineCore encountered a fatal error.",
      "(StageEngineCoreProc pid=70357) ERROR 06-08 17:39:53 [stage_engine_core_proc.py:174] StageEngineCoreProc encountered a fatal error.",
      "(EngineCore pid=5662) ERROR 09-07 13:13:13 [dump_input.py:72] Dumping input data for V1 LLM engine (v0.25.1) with config: model='m', speculative_config=None",
      "ERROR 06-10 08:00:00 [dump_input.py:68] Dumping input data",
      "ERROR 04-02 08:00:00 [dump_input.py:60] Engine crashed, dumping input data",
      "(APIServer pid=1) ERROR 06-02 01:41:21 [v1/engine/async_llm.py:704] AsyncLLM output_handler failed.",
      "(EngineCore_0 pid=81) ERROR 08-07 01:47:24 [dump_input.py:76] Dumping scheduler output for model execution: SchedulerOutput(scheduled_new_reqs=[], scheduled_cached_reqs=CachedRequestData(req_ids=[]), num_scheduled_tokens={}, total_num_scheduled_tokens=0)",
    ],
    nearMisses: ["vllm.engine.async_llm_engine.AsyncEngineDeadError: Task finished unexpectedly.", "INFO 06-10 08:00:00 [logger.py:1] Dumping input data to /tmp/x.json", "vllm.engine.multiprocessing.MQEngineDeadError: Engine loop is not running."],
  },
  {
    // V0's front ends after their engine loop died (vllm/engine/async_llm_engine.py AsyncEngineDeadError: `Background loop
    // has errored already.`, `Background loop is not running. ...`, `Task finished unexpectedly. ...`; the multiprocessing
    // engine's MQEngineDeadError, vllm/engine/multiprocessing), and the API server's launcher shutting down on it
    // (`AsyncLLMEngine is already dead, terminating server process`, logged at CRITICAL); and AsyncLLMEngine's own record
    // of its background loop ending in an exception (`_log_task_completion`, 0.4–0.8: `Engine background task failed`
    // with the traceback, then AsyncEngineDeadError): the loop runs only once the engine was built and a request came in
    // (the multiprocessing engine's heartbeat, MQLLMEngine._heartbeat in vllm/engine/multiprocessing/engine.py 0.6–0.10, sends
    // `RuntimeError("Engine loop has died")` when its loop has not come round within the threshold: a loop that hung or
    // ended with no exception of its own; the client logs it as `client.py:250] RuntimeError('Engine loop has died')` with
    // its own traceback, whose last line repeats it: a report of the death, never its cause)
    // (the AsyncEngineDeadError's own words, 0.2–0.10, also stand alone where a host printed only the exception's message,
    // e.g. a serverless handler's JSON `"error"` field: `Task finished unexpectedly. This should never happen! Please open an
    // issue on Github/GitHub.`; the request's words are required, as other engines' copies of the first sentence lack them)
    id: "vllm.v0EngineDead", dialect: "vllm", level: "error", anyOf: ["enginedeaderror", "is already dead", "engine background task failed", "engine loop has died", "task finished unexpectedly"],
    pattern: /\b(?:AsyncEngineDeadError|MQEngineDeadError)\b(?!\()|\b(?:AsyncLLMEngine|MQLLMEngine|LLMEngine|AsyncLLM|EngineCore|Engine) is already dead, terminating server process|\bEngine background task failed\b|\bEngine loop has died\b|\bTask finished unexpectedly\. This should never happen! Please open an issue on Git[Hh]ub\b/,
    samples: [
      "vllm.engine.async_llm_engine.AsyncEngineDeadError: Background loop has errored already.",
      "ERROR 07-01 09:30:00 async_llm_engine.py:57] Engine background task failed",
      "ERROR 03-02 10:11:12 [async_llm_engine.py:68] Engine background task failed",
      "vllm.engine.multiprocessing.MQEngineDeadError: Engine loop is not running. Inspect the stacktrace to find the original error: RuntimeError('CUDA error').",
      "CRITICAL 01-24 07:01:39 launcher.py:88] AsyncLLMEngine is already dead, terminating server process",
      "ERROR 08-14 10:31:02 client.py:262] RuntimeError('Engine loop has died')",
      "ERROR 08-14 10:31:02 client.py:262] RuntimeError: Engine loop has died",
      '  "error": "handler: Task finished unexpectedly. This should never happen! Please open an issue on Github. See stack trace above for the actual cause.',
      "RuntimeError: Task finished unexpectedly. This should never happen! Please open an issue on GitHub. See stack trace above for the actual cause.",
    ],
    nearMisses: [
      "vllm.v1.engine.exceptions.EngineDeadError: EngineCore encountered an issue.", "except AsyncEngineDeadError() as e:",
      "RuntimeError: Task finished unexpectedly. This should never happen!  See stack trace above for the actual cause.",
      "DEBUG 08-14 10:30:41 engine.py:199] Exiting MQLLMEngine heartbeat thread",
    ],
  },
  {
    // V0's AsyncLLMEngine (vllm/engine/async_llm_engine.py, run_engine_loop; the 0.4-0.8 records above) gives up on a step that has
    // not returned within VLLM_ENGINE_ITERATION_TIMEOUT_S (60 s by default; "abort if iteration takes too long due to
    // unrecoverable errors (eg. NCCL timeouts)"), marks the engine errored and raises: every later request then fails with
    // AsyncEngineDeadError. The step hung (a worker stuck in a collective or a kernel) or is that slow (a CPU build).
    id: "vllm.engineIterationTimeout", dialect: "vllm", level: "error", anyOf: ["engine iteration timed out"],
    pattern: /\bEngine iteration timed out\. This should never happen!/,
    samples: [
      "ERROR 03-21 14:05:09 async_llm_engine.py:541] Engine iteration timed out. This should never happen!",
      "ERROR 02-09 07:41:30 [async_llm_engine.py:862] Engine iteration timed out. This should never happen!",
    ],
    nearMisses: ["ERROR 03-21 14:05:09 async_llm_engine.py:61] Engine background task failed"],
  },
  {
    // V1's multiprocessing executor (vllm/v1/executor/multiproc_executor.py, collective_rpc) waits for the workers' answer
    // to a call only so long: execute_model and sample_tokens VLLM_EXECUTE_MODEL_TIMEOUT_SECONDS (300 s), check_health
    // 10 s; then `TimeoutError: RPC call to execute_model timed out.` and the engine core dies. V1's counterpart of V0's
    // `Engine iteration timed out`: a worker is stuck in the step (a collective, a kernel, a lock) or that slow.
    id: "vllm.rpcTimeout", dialect: "vllm", level: "error", anyOf: ["rpc call to"],
    values: [/RPC call to (?<method>\w+) timed out/],
    pattern: /\bRPC call to \w+ timed out\./,
    samples: [
      "(EngineCore_DP0 pid=412) ERROR 08-12 03:14:07 [core.py:712] TimeoutError: RPC call to execute_model timed out.",
      "ERROR 11-02 19:40:55 [core.py:1138] TimeoutError: RPC call to sample_tokens timed out.",
    ],
    nearMisses: ["(EngineCore_DP0 pid=412) DEBUG 08-12 03:09:07 [multiproc_executor.py:240] RPC call to execute_model took 0.21 s"],
  },
  {
    // vLLM's shared-memory message queue between the engine core (the writer) and its workers (the readers):
    // vllm/distributed/device_communicators/shm_broadcast.py MessageQueue.acquire_write / acquire_read log, every
    // VLLM_RINGBUFFER_WARNING_INTERVAL (60 s unless set) that a side keeps waiting, `No available shared memory broadcast
    // block found in 60 seconds.` (0.6–0.10 `... found in 60 second.`, 0.5 `No available block found in 60 second.`; the
    // newest add `This typically happens when some processes are hanging or doing some time-consuming work (e.g.
    // compilation, weight/kv cache quantization).`). The engine core waiting: its workers have not taken the last step's
    // message. A notable line, no failure alone (a long compilation at start-up does it); runtime/stall judges it.
    id: "vllm.shmBroadcastWait", dialect: "vllm", level: "info", anyOf: ["no available shared memory broadcast block", "no available block found in"], process: true,
    values: [/found ?in (?<waitS>\d+(?:\.\d+)?) seconds?\b/],
    pattern: /\bNo available (?:shared memory broadcast )?block found ?in \d+(?:\.\d+)? seconds?\b/,
    samples: [
      "(EngineCore_DP0 pid=4021) INFO 11-03 10:15:09 [shm_broadcast.py:466] No available shared memory broadcast block found in 60 seconds. This typically happens when some processes are hanging or doing some time-consuming work (e.g. compilation).",
      "INFO 02-11 08:30:12 shm_broadcast.py:393] No available shared memory broadcast block found in 60 second.",
      "(VllmWorkerProcess pid=311) WARNING 08-02 14:20:33 shm_broadcast.py:404] No available block found in 60 second. ",
    ],
    nearMisses: ["ValueError: No available memory for the cache blocks. Try increasing `gpu_memory_utilization` when initializing the engine."],
  },
  {
    // Disaggregated prefill/decode through NIXL (vllm/distributed/kv_transfer/kv_connector/v1/nixl_connector.py, later
    // kv_connector/v1/nixl/*.py, and Dynamo's copy of the connector): the worker's `NIXL transfer failure: <type> |
    // Context: {...}` (2026: handshake_failed, handshake_setup_failed, transfer_failed, ... with `. <message>` after the
    // type at times), the older `Handshake with <remote engine id> failed` (logger.exception in the handshake's
    // callback), `NIXL is not available` (the `nixl` package could not be imported; logged, then raised as a
    // RuntimeError by the connector's constructor) and the NIXL bindings' own error codes (`nixl._bindings.
    // nixlBackendError: NIXL_ERR_BACKEND`, `nixlRemoteDisconnectError: NIXL_ERR_REMOTE_DISCONNECT`). A handshake line is
    // NIXL's when its logger file says so or the remote engine id is vLLM's default (a UUID): other programs handshake too.
    // Mooncake's transfer engine and store (C++, kvcache-ai/Mooncake) log through glog: an ERROR/FATAL record from one of
    // their transfer sources (MOONCAKE_GLOG_FILE: `E1213 02:57:10.528410  5811 worker_pool.cpp:274] Worker: Process failed
    // for slice (...): transport retry counter exceeded`, `E0417 ... store_py.cpp:191] Failed to mount segment: ...`; glog
    // ≥0.7 puts the year in the head, `E20260106 ...`) is the engine failing to move or place KV blocks. V0's MooncakePipe
    // (vllm/distributed/kv_transfer/kv_pipe/mooncake_pipe.py) logs and raises `Transfer Return Error` when the engine's
    // transferSync returns < 0 (`Allocation Return Error` for its buffer); later copies add `: <ret>`, and a retrying copy
    // logs `Transfer Return Error attempt=N/M ...` at WARNING while it still has attempts left.
    id: "vllm.nixlFailure", dialect: "any", level: "error", anyOf: ["nixl", "handshake with", "mooncake transfer failed", "ucx", ".cpp:", "return error"],
    values: [
      /NIXL transfer failure: (?<failure>[a-z_]+)/,
      /Handshake with (?<engine>\S+) failed/,
      /'remote_engine_id': '(?<remote>[^']+)'/,
      /(?<unavailable>NIXL is not available)/,
      /\b(?<code>NIXL_ERR_[A-Z_]+)/,
      // the handshake reached an engine other than the one the request named (nixl_connector.py `_nixl_handshake`):
      // `RuntimeError: Remote NIXL agent engine ID mismatch. Expected <id>,received <id>.` (a wrap may cut the ids)
      /(?<mismatch>Remote NIXL agent engine ID mismatch)/,
      /\] (?<handshakeRequest>Handshake failed for request) /,
      // the Mooncake connectors (vLLM's mooncake_connector.py, vllm-ascend's): `Mooncake transfer failed for request <id>`
      // (later `... for request. remote_request_id=<id>, ret=-1.`), then `RuntimeError: Mooncake transfer failed, ret: -1`
      /(?<mooncake>Mooncake transfer failed)(?:[^\n]*?\bret(?:: |=)(?<ret>-?\d+))?/,
      // UCX's own ERROR/FATAL record (see read-vllm.ts UCX_RECORD): the transport NIXL moves the blocks over
      /\.(?:c|cc|cpp|h|inl):\d+\s+UCX\s+(?:ERROR|FATAL)\s+(?<ucx>\S.*)$/,
      // Mooncake's glog ERROR/FATAL record: its source file and message
      new RegExp(`${MOONCAKE_GLOG_HEAD.source}(?<mooncakeFile>${MOONCAKE_GLOG_FILE.source}):\\d+\\] (?<mooncakeLog>\\S.*)$`),
      /\b(?<returnError>Transfer|Allocation) Return Error(?:: (?<ret>-?\d+))?/,
    ],
    // (the logger file's `nixl` only where a path part starts: tried from every `nixl` of a long word it is quadratic)
    pattern: new RegExp(String.raw`NIXL transfer failure: [a-z_]+|(?<![\w/])nixl[\w/]*\.py:\d+\]\s+Handshake (?:with \S+ failed|failed for request )|Handshake with [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\S* failed|NIXL is not available|\bNIXL_ERR_(?!SUCCESS\b)[A-Z_]+|Remote NIXL agent engine ID mismatch|Mooncake transfer failed\b|\.(?:c|cc|cpp|h|inl):\d+\s+UCX\s+(?:ERROR|FATAL)\s+\S|\b(?:Transfer|Allocation) Return Error\b(?! attempt=)|${MOONCAKE_GLOG_HEAD.source}(?:${MOONCAKE_GLOG_FILE.source}):\d+\] \S`),
    samples: [
      "(Worker_TP1_EP1 pid=3120) ERROR 04-11 09:12:40 [worker.py:771] NIXL transfer failure: handshake_failed | Context: {'failure_type': 'handshake_failed', 'request_id': 'cmpl-1', 'engine_id': 'e1'}",
      "ERROR 02-03 10:00:01 [nixl_connector.py:551] Handshake with 0d3b9a10-4c1e-4b7a-9f3e-2a6d8c1b5e07 failed",
      "(EngineCore_DP0 pid=77) ERROR 02-03 10:00:01 [core.py:700] RuntimeError: NIXL is not available",
      "nixl._bindings.nixlBackendError: NIXL_ERR_BACKEND",
      "(Worker_DP1_EP1 pid=802) ERROR 03-04 12:00:01 [nixl_connector.py:815] RuntimeError: Remote NIXL agent engine ID mismatch. Expected 5b1d_dp1,received 0c2e_dp1.",
      "(Worker_DP1_EP1 pid=802) ERROR 03-04 12:00:01 [nixl_connector.py:827] Handshake failed for request cmpl-77a1",
      "(Worker_DP0_TP2 pid=4410) ERROR 03-04 12:00:01 [mooncake_connector.py:410] Mooncake transfer failed for request cmpl-3c9e-0",
      "(EngineCore_DP0 pid=81) ERROR 03-04 12:00:01 [mooncake_connector.py:330] Failed to transfer KV cache for request cmpl-3c9e-0: Mooncake transfer failed, ret: -1",
      "[1756797242.118230] [decode-0:311  :0]    ib_mlx5dv_md.c:1100 UCX  ERROR mlx5_3: ibv_reg_dm(size 8192) failed: Operation not supported",
      "E0302 11:20:41.100200  7712 worker_pool.cpp:281] Worker: Process failed for slice (opcode: 1, source_addr: 0x7f00aa000000, length: 2048, dest_addr: 139640000000000, local_nic: mlx5_2, peer_nic: 10.1.0.4:9100@mlx5_3, dest_rkey: 4410, retry_cnt: 2): transport retry counter exceeded",
      "E20260302 11:20:41.100200  7712 ascend_direct_transport.cpp:812] Failed to connect to target: 10.1.0.4:20110, status: 103901",
      "(EngineCore_DP0 pid=44) E0302 11:20:41.100300   903 store_py.cpp:188] Failed to mount segment: RPC_FAIL",
      "F0302 11:20:41.100400  7712 rdma_endpoint.cpp:240] Failed to modify QP to RTR, check mtu, gid, peer lid, peer qp num",
      "ERROR 03-02 11:20:41 engine.py:141] Exception: Transfer Return Error",
      "(VllmWorkerProcess pid=12) ERROR 03-02 11:20:41 mooncake_pipe.py:170] Transfer Return Error: -1",
    ],
    nearMisses: [
      "(EngineCore_DP0 pid=594) INFO 11-25 02:39:44 [nixl_connector.py:800] Initializing NIXL worker 966415c7-c559-48e7-a664-c287e16856be",
      "ERROR 02-03 10:00:01 [client.py:88] Handshake with server failed",
      "(EngineCore_DP0 pid=5) 2026-02-03 10:00:01 NIXL INFO    _api.py:361 Backend UCX was instantiated",
      "[1746690000.100200] [gpu-3:4411 :0]     ucp_context.c:1268 UCX  WARN  transports 'cuda_ipc' are not available",
      "ERROR 03-04 12:00:01 [decode.py:547] Decode handshake failed for request rank=0 rid=7",
      "INFO 03-04 12:00:01 [mooncake_connector.py:900] Mooncake transfer engine initialized on 10.0.0.5",
      "W0302 11:20:41.100200  7712 transfer_metadata.cpp:150] Failed to retrieve segment descriptor, name 10.1.0.4:9100",
      "I0302 11:20:41.100200  7712 transfer_engine.cpp:44] Transfer Engine starting. Server: 10.1.0.5:12981",
      "[rank0]:[E302 11:20:41.100200  7712 ProcessGroupNCCL.cpp:616] [Rank 0] Watchdog caught collective operation timeout",
      "WARNING 03-02 11:20:41 [mooncake_pipe.py:180] Transfer Return Error attempt=1/3 session=10.1.0.4:9100 len=4096",
      "i2c_transfer return error: -5",
    ],
  },
  {
    // DeepEP, the all-to-all kernels of expert parallel (--all2all-backend deepep_high_throughput / deepep_low_latency,
    // VLLM_ALL2ALL_BACKEND before): its runtime raises `RuntimeError: DeepEP error: timeout (dispatch CPU)` (also
    // `(combine CPU)`, and `CPU recv timeout` in older builds) when the other ranks' data never arrives, after printing
    // `DeepEP timeout check failed: rank = R, thread = T, value = V)` per thread; a failed CUDA call of its buffer set-up
    // reads `Failed: CUDA error <path>/deep_ep.cpp:N '<cuda message>'`.
    // The kernels print their own timeouts from the GPU before that (csrc/kernels/*.cu, every version: `DeepEP
    // <kernel> timeout, channel: C, ...` such as `DeepEP dispatch NVL receiver timeout`, `DeepEP combine forwarder (RDMA
    // check) timeout`, `DeepEP RDMA receiver timeout (polling), src_rank: R`, and `DeepEP timeout for dispatch senders,
    // rank R, responsible_channel = C`): `kernelTimeout` names the kernel's words.
    id: "vllm.deepepFailure", dialect: "any", level: "error", anyOf: ["deepep", "deep_ep.cpp"],
    values: [
      /DeepEP error: (?<error>\S(?:[^\n]*\S)?)/,
      /DeepEP timeout (?:check failed: rank = |for \w+ \w+, rank )(?<rank>\d+)/,
      /deep_ep\.cpp:\d+ '(?<cuda>[^']+)'/,
      /\bDeepEP (?<kernelTimeout>(?:[\w()/-]+ ){0,7}?timeout(?: for \w+ \w+| check failed| \([\w ]+\))?)(?:,|:)/,
    ],
    pattern: /DeepEP error: \S|DeepEP timeout check failed: rank = \d+|deep_ep\.cpp:\d+ '[^']+'|\bDeepEP (?:[\w()/-]+ ){0,7}?timeout(?: for \w+ \w+| \([\w ]+\))?, (?:channel|rank|src_rank|responsible_channel)\b/,
    samples: [
      "(Worker_DP3_EP3 pid=6120) RuntimeError: DeepEP error: timeout (dispatch CPU)",
      "DeepEP timeout check failed: rank = 3, thread = 0, value = 512)",
      "(EngineCore_DP1 pid=902) RuntimeError: DeepEP error: CPU recv timeout",
      "RuntimeError: Failed: CUDA error /workspace/DeepEP/csrc/deep_ep.cpp:226 'invalid resource handle'",
      "DeepEP dispatch NVL receiver timeout, channel: 5, RDMA: 0, nvl: 3, src NVL: 1, head: 17, tail: 17",
      "(Worker_DP2_EP2 pid=77) DeepEP combine forwarder (RDMA check) timeout, channel: 2, RDMA: 1, nvl: 0, dst RDMA: 0, head: 8, tail: 9, chunked: 0",
      "DeepEP timeout for combine receivers, rank 6, responsible_channel = 11, expect = 40",
      "DeepEP RDMA receiver timeout (polling), src_rank: 12, expected: 3, got: 0",
    ],
    nearMisses: [
      "(Worker_DP0_EP0 pid=71) INFO 03-04 11:20:31 [all2all.py:120] Using DeepEP High-Throughput all2all manager.",
      "[2026-02-19 21:47:12 TP0 EP0] Only use 20 SMs for DeepEP communication. This may result in highly suboptimal performance.",
      "DeepEP initialized with NCCL version: 2.27.3 (loaded library)",
    ],
  },
  {
    // DeepGEMM, the FP8 GEMM kernels vLLM uses on Hopper/Blackwell (VLLM_USE_DEEP_GEMM; DeepSeek V3.2's sparse attention
    // indexer needs it): vLLM's placeholder when the package is absent or too old (vllm/utils/deep_gemm.py `_missing`:
    // `RuntimeError: DeepGEMM backend is not available. Please install the `deep_gemm` package ...`, later `... is not
    // available or outdated. ...`), and DeepGEMM's own C++ errors (csrc/utils/exception.hpp DGException: `<Assertion|NVRTC|
    // CUDA driver|CUDA runtime> error (<its source file>:<line>): <what>`), which its JIT (csrc/jit/: compile with NVCC or
    // NVRTC, load the cubin) raises when a kernel cannot be built or loaded: `Assertion error (csrc/apis/../jit/
    // kernel_runtime.hpp:45): exit_code == 0`, `CUDA driver error (.../jit/handle.hpp:141): 200 (CUDA_ERROR_INVALID_IMAGE,
    // ...)`. Its first C++ release (2025-07-18, the one vLLM 0.10.0-0.10.1 built against, until 2025-08-15) worded the
    // same exception `Failed: <kind> error <file>:<line> '<what>'` (what empty for the driver check). The file must be
    // DeepGEMM's: its JIT (`jit`, `jit_kernels`), its Python API checks (`csrc/apis/`, the first release's
    // `python_api.cpp`) or a path naming `deep_gemm`: other libraries throw alike.
    id: "vllm.deepgemmFailure", dialect: "any", level: "error",
    anyOf: ["deepgemm backend is not available", " error (", "failed: assertion error ", "failed: nvrtc error ", "failed: cuda driver error ", "failed: cuda runtime error "],
    values: [
      /(?<missing>DeepGEMM backend is not available)(?<outdated> or outdated)?/,
      new RegExp(`\\b(?<dgKind>${DG_KINDS}) error \\((?=${DG_FILE_AHEAD})(?<dgFile>${DG_FILE}):\\d+\\): (?<dgWhat>\\S(?:[^\\n]*\\S)?)`),
      // what: up to the closing quote, or to the end of a line cut before it
      new RegExp(`\\bFailed: (?<dgKind>${DG_KINDS}) error (?=${DG_FILE_AHEAD})(?<dgFile>${DG_FILE}):\\d+ '(?<dgWhat>[^\\n]*(?=')|[^\\n]*)`),
    ],
    pattern: new RegExp(`DeepGEMM backend is not available\\b|\\b(?:${DG_KINDS}) error \\((?=${DG_FILE_AHEAD})${DG_FILE}:\\d+\\): \\S|\\bFailed: (?:${DG_KINDS}) error (?=${DG_FILE_AHEAD})${DG_FILE}:\\d+ '`),
    samples: [
      "(EngineCore_DP0 pid=402) RuntimeError: Worker failed with error 'DeepGEMM backend is not available or outdated. Please install or update the `deep_gemm` to a newer version to enable FP8 kernels.', please check the stack trace above for the root cause",
      "RuntimeError: DeepGEMM backend is not available. Please install the `deep_gemm` package to enable FP8 kernels.",
      "(Worker_TP2 pid=8812) ERROR 05-06 10:11:12 [multiproc_executor.py:880] RuntimeError: Assertion error (csrc/apis/../jit_kernels/impls/../../jit/kernel_runtime.hpp:58): exit_code == 0",
      "RuntimeError: CUDA driver error (/tmp/build/DeepGEMM/csrc/jit/handle.hpp:141): 200 (CUDA_ERROR_INVALID_IMAGE, device kernel image is invalid)",
      "RuntimeError: NVRTC error (csrc/jit/compiler.hpp:299): NVRTC_ERROR_COMPILATION",
      "RuntimeError: Assertion error (csrc/apis/gemm.hpp:140): b.size(1) % 128 == 0",
      "(EngineCore_3 pid=811) ERROR 08-04 09:15:40 [core.py:683] RuntimeError: Failed: Assertion error csrc/jit_kernels/impls/sm90_fp8_gemm_1d2d.hpp:52 'n % 64 == 0'",
      "RuntimeError: Failed: CUDA driver error csrc/jit/kernel_runtime.hpp:70 ''",
      "RuntimeError: Failed: Assertion error csrc/python_api.cpp:91 'sfb.scalar_type() == torch::kFloat'",
    ],
    nearMisses: [
      "RuntimeError: Failed: Assertion error src/layers/norm.hpp:20 'hidden % 8 == 0'",
      "Failed: NVRTC error while building the kernel",
      "(Worker_TP0 pid=31) INFO 03-02 10:11:12 [fp8_utils.py:120] Using DeepGEMM kernels for Fp8LinearMethod",
      "RuntimeError: CUDA error (/workspace/csrc/custom_all_reduce.cuh:368): invalid argument",
      "AssertionError: Assertion error (model.py:10): shape mismatch",
    ],
  },
  {
    // NVSHMEM, the GPU-initiated RDMA library under DeepEP's internode and low-latency kernels (and pplx-kernels): its
    // host code reports a failed step on stderr with the source file of the step, in the forms of its error macros
    // (src/include/non_abi/c/nvshmemi_error_macros.h, every version): `<file>:<line>: non-zero status: N <message>`,
    // `<file>:<line>: non-zero status: N: <strerror>, exiting... <message>`, `<file>:<line>: error status: N (<name>)
    // <message>`, `<file>:<line>: NULL value <message>`, `<file>:<function>:<line>: <message>`, and CUDA checks as
    // `[<file>:<line>] cuda failed with <message>`; the file is NVSHMEM's source path (src/host/..., src/modules/
    // transport/<transport>/...), under the build's own directory. Its start-up also says in words: `init failed for
    // transport: IBGDA`, `Unable to initialize any transports`, `nvshmem initialization failed`, `nvshmem detect topo
    // failed`, `aborting due to error in nvshmemi_init_thread`, and an API used after a failed init prints `NVSHMEM API
    // called before NVSHMEM initialization has completed`. Its bootstrap's copy of NCCL's socket code reports a peer
    // gone as `<nvshmem path>/ncclsocket_socket.cpp:socketProgress:59: socketProgress: Connection closed by remote peer
    // <host><port>`. Its INFO record (`host:pid:tid [dev] NVSHMEM INFO ...`) `nvshmemi_common_init failed, continuing`
    // is no failure of its own: NVSHMEM tries the set-up early and does it again at first use (nvshmemi_try_common_init,
    // nvshmemi_check_state_and_init), which fails with the words above if it still cannot.
    // `transport`: the remote transport named (IBGDA, IBRC, UCX, libfabric, ...), from the words or the file's folder.
    id: "vllm.nvshmemFailure", dialect: "any", level: "error", anyOf: ["nvshmem", "transports", "init failed for transport"],
    values: [
      /init failed for transport: (?<transport>\w+)/,
      /\/modules\/transport\/(?<transport>ibgda|ibrc|ibdevx|ucx|libfabric|gpunetio|common)\//,
      /(?<noTransport>Unable to initialize any transports)/,
      /(?<topo>nvshmem detect topo failed)/,
      /(?<beforeInit>NVSHMEM API called before NVSHMEM initialization has completed)/,
      /\/(?<bootstrap>bootstrap)[\w/]*\.\w+:/,
      /\b(?<bootstrap>bootstrap_init\w*|nvshmemi_init_thread)\b/,
      /non-zero status: -?\d+: (?<errno>[A-Z][\w ]+), exiting/,
      /\b(?<verb>ibv_\w+|mlx5dv_\w+|cuMem\w+|cuda\w+) failed\b/,
      /\] cuda failed with (?<cuda>.+?)\s*$/,
      /NULL value (?<nullValue>.+?)\.?\s*$/,
    ],
    pattern: /(?<![\w./-])(?=[\w./-]*?nvshmem)[\w./-]*?\.(?:cpp|cu|cc|c|h|hpp)(?::\w+)?:\d+:? (?:non-zero status: -?\d+|error status: -?\d+|NULL value \S)|\[(?=[\w./-]*?nvshmem)[\w./-]*?\.(?:cpp|cu|cc|c|h|hpp):\d+\] cuda failed with \S|init failed for transport: \w+|Unable to initialize any transports|nvshmem (?:initialization|detect topo) failed|aborting due to error in nvshmemi_init_thread|NVSHMEM API called before NVSHMEM initialization has completed|(?<![\w./-])(?=[\w./-]*?nvshmem)[\w./-]*?\.(?:cpp|cu|cc|c|h|hpp):socketProgress:\d+: socketProgress: Connection closed by remote peer\b/,
    samples: [
      "/opt/build/nvshmem_src/src/modules/transport/ibrc/ibrc.cpp:421: non-zero status: 110 ibv_modify_qp failed",
      "/opt/build/nvshmem_src/src/host/transport/transport.cpp:nvshmemi_transport_init:276: init failed for transport: IBGDA",
      "/opt/build/nvshmem_src/src/host/transport/transport.cpp:nvshmemi_transport_init:290: Unable to initialize any transports. returning error.",
      "/opt/build/nvshmem_src/src/host/init/init.cu:nvshmemi_check_state_and_init:1101: nvshmem initialization failed, exiting",
      "/usr/local/nvshmem/include/host/nvshmemx_api.h:63: non-zero status: 7: No route to host, exiting... aborting due to error in nvshmemi_init_thread",
      "/build/libnvshmem/src/modules/transport/ibgda/ibgda.cpp:2301: NULL value Unable to create ah.",
      "/build/libnvshmem/src/host/mem/mem_heap.cpp:1498: error status: 2 (NVSHMEMX_ERROR_OUT_OF_MEMORY) cuMemCreate failed",
      "[/build/libnvshmem/src/host/coll/barrier/barrier.cpp:21] cuda failed with an illegal memory access was encountered",
      "NVSHMEM API called before NVSHMEM initialization has completed",
      "/build/x/main_nvshmem/src/modules/bootstrap/uid/ncclSocket/ncclsocket_socket.cpp:socketProgress:59: socketProgress: Connection closed by remote peer node-b.example<41670>",
    ],
    nearMisses: [
      "gpu-node-3:4411:4411 [2] NVSHMEM INFO nvshmemi_common_init failed, continuing",
      "gpu-node-3:4411:4411 [2] NVSHMEM INFO NVSHMEM_REMOTE_TRANSPORT set by environment to ibgda",
      "(Worker_DP0_EP0 pid=71) INFO 03-04 11:20:31 [all2all.py:120] Using DeepEP High-Throughput all2all manager.",
      "[pip3] nvidia-nvshmem-cu12==3.3.20",
      "WARN: Failed to initialize all selected devices. Perf may be limited.",
    ],
  },
  {
    // The data parallel start-up handshake (vllm/v1/engine/utils.py wait_for_engine_startup): an engine's READY carries
    // the hash of its ParallelConfig, and the front end refuses one that differs from its own (`RuntimeError:
    // Configuration mismatch detected for engine 3. All DP workers must have identical configurations ... Worker hash:
    // ..., Expected hash: ...`; some builds print the sentences on lines of their own); an engine whose DP rank the front
    // end does not expect reads `Message from engine with unexpected data parallel rank: 5`.
    id: "vllm.dpConfigMismatch", dialect: "any", level: "error", anyOf: ["configuration mismatch detected", "unexpected data parallel rank"],
    values: [/Configuration mismatch detected for engine (?<engine>\d+)/, /unexpected data parallel rank: (?<rank>\d+)/],
    pattern: /Configuration mismatch detected for engine \d+|Message from engine with unexpected data parallel rank: \d+/,
    samples: [
      "(APIServer pid=3301) RuntimeError: Configuration mismatch detected for engine 3. All DP workers must have identical configurations for parameters that affect collective communication (e.g., enable_eplb, eplb_config.log_balancedness). Worker hash: 1a2b, Expected hash: 3c4d. Please ensure all workers are started with the same command-line arguments.",
      "RuntimeError: Message from engine with unexpected data parallel rank: 5",
    ],
    nearMisses: ["(APIServer pid=3301) INFO 03-04 11:20:31 [utils.py:890] Waiting for 2 local, 2 remote core engine proc(s) to start."],
  },
  {
    id: "vllm.kvTooSmallV0", dialect: "vllm", level: "error", anyOf: ["max seq len"],
    pattern: /max seq len \((?<len>\d[\d,]*)\) is larger than the maximum number of tokens that can be stored in KV cache(?: \((?<cap>\d[\d,]*)\)|(?=\.))/,
    values: [KV_SPACE_KNOB],
    samples: [
      "ValueError: The model's max seq len (32768) is larger than the maximum number of tokens that can be stored in KV cache (23648). Try increasing `gpu_memory_utilization` or decreasing `max_model_len` when initializing the engine.",
      "ValueError: The model's max seq len (65536) is larger than the maximum number of tokens that can be stored in KV cache (30720). Try increasing `VLLM_CPU_KVCACHE_SPACE` or decreasing `max_model_len` when initializing the engine.",
    ],
  },
  {
    // v0.7.0–v0.8.2 printed `GB` for the same GiB figures
    id: "vllm.kvTooSmallV1", dialect: "vllm", level: "error", anyOf: ["max seq len"],
    pattern: /max seq len \((?<len>\d[\d,]*)\),? \(?(?<need>[\d.]+) Gi?B KV cache is needed, which is larger than the available KV cache memory \((?<have>[\d.]+) Gi?B\)/,
    samples: ["ValueError: To serve at least one request with the models's max seq len (131072), (16.00 GiB KV cache is needed, which is larger than the available KV cache memory (9.66 GiB). Based on the available memory, the estimated maximum model length is 79136. Try increasing `gpu_memory_utilization` or decreasing `max_model_len` when initializing the engine."],
  },
  {
    // the opening clause alone: the sizes that follow were cut off or wrapped onto the next line (`... max seq len (1048576),` /
    // `  23.32 GiB KV cache is needed, ...`); vLLM raises no other message that starts this way
    id: "vllm.kvTooSmallV1Head", dialect: "vllm", level: "error", anyOf: ["max seq len"],
    pattern: /To serve at least one request with the models?(?:'s)? max seq len \((?<len>\d[\d,]*)\)/,
    samples: ["  ValueError: To serve at least one request with the model's max seq len (1048576),"],
    nearMisses: ["The model's max seq len (32768) is larger than the maximum number of tokens that can be stored in KV cache (23648)."],
  },
  {
    // the message's middle clause without its opening (a paste or an error-help page that kept only `KV cache is needed,
    // which is larger than the available KV cache memory`, with or without the sizes); vLLM raises it from one place
    // (kv_cache_utils.py check_enough_kv_cache_memory), and the full message is read as vllm.kvTooSmallV1 first
    id: "vllm.kvTooSmallV1Tail", dialect: "vllm", level: "error", anyOf: ["kv cache is needed, which is larger than the available kv cache memory"],
    values: [/(?<need>\d+(?:\.\d+)?) Gi?B KV cache is needed/, /available KV cache memory \((?<have>\d+(?:\.\d+)?) Gi?B\)/],
    pattern: /KV cache is needed, which is larger than the available KV cache memory\b/,
    samples: [
      "KV cache is needed, which is larger than the available KV cache memory.",
      "ValueError: (20.00 GiB KV cache is needed, which is larger than the available KV cache memory (7.52 GiB).",
    ],
    nearMisses: ["Available KV cache memory: 7.52 GiB", "The KV cache memory is larger than needed"],
  },
  {
    // --kv-cache-memory-bytes (V1, v0.11+; vllm/v1/worker/gpu_worker.py): the cache gets that size unprofiled, and
    // --gpu-memory-utilization no longer sizes it (`This does not respect the gpu_memory_utilization config.`)
    id: "vllm.kvCacheMemoryBytes", dialect: "vllm", level: "info", anyOf: ["kv_cache_memory_bytes"],
    pattern: /reserved (?<gib>\d+(?:\.\d+)?) ?GiB memory for KV Cache as specified by kv_cache_memory_bytes/,
    samples: ["Initial free memory 78.52 GiB, reserved 12.00 GiB memory for KV Cache as specified by kv_cache_memory_bytes config and skipped memory profiling. This does not respect the gpu_memory_utilization config."],
    nearMisses: ["Only use kv_cache_memory_bytes config when you want manual control of KV cache memory size."],
  },
  {
    id: "vllm.maxLenEstimate", dialect: "vllm", level: "info", anyOf: ["estimated maximum model length"],
    pattern: /estimated maximum model length is (?<len>\d[\d,]*)/,
    samples: ["Based on the available memory, the estimated maximum model length is 79136."],
  },
  {
    id: "vllm.maxConcurrency", dialect: "vllm", level: "info", anyOf: ["maximum concurrency for"],
    pattern: /Maximum concurrency for (?<tokens>[\d,]+) tokens per request: (?<x>[\d.]+)x/,
    samples: ["INFO 08-19 10:03:10 [kv_cache_utils.py:637] Maximum concurrency for 32,768 tokens per request: 39.98x"],
  },
  {
    id: "vllm.noKvMemory", dialect: "vllm", level: "error", anyOf: ["no available memory for the cache blocks", "blocks: 0", "blocks: -", "available kv cache memory: -", "not enough metal memory for kv cache"],
    values: [/Available KV cache memory: -(?<negativeGiB>[\d.]+) ?GiB/, KV_SPACE_KNOB, ...METAL_KV_VALUES],
    // ≤0.1.x did not clamp the profiled count: `# GPU blocks: -1`. vllm-metal's worker (Apple silicon) sizes the cache
    // itself and raises when its budget is zero or less: `Paged attention: not enough Metal memory for KV cache.
    // metal_limit=..GB, fraction=.., usable_metal=..GB, model_memory=..GB, overhead=..GB, kv_budget=-0.38GB. Mitigations: ...`
    pattern: /No available memory for the cache blocks|# (?!CPU )\w+ blocks: (?:0|-\d+)\b|Available KV cache memory: -[\d.]+ ?GiB|Paged attention: not enough Metal memory for KV cache/,
    samples: [
      "ValueError: No available memory for the cache blocks. Try increasing `gpu_memory_utilization` when initializing the engine.", "INFO 05-01 10:00:00 executor_base.py:1] # GPU blocks: 0, # CPU blocks: 2048", "INFO 06-21 10:00:18 llm_engine.py:128] # GPU blocks: -1, # CPU blocks: 512", "ValueError: No available memory for the cache blocks. Try increasing `VLLM_CPU_KVCACHE_SPACE` when initializing the engine.",
      "ValueError: Paged attention: not enough Metal memory for KV cache. metal_limit=12.00GB, fraction=0.5, usable_metal=6.00GB, model_memory=5.10GB, overhead=1.20GB, kv_budget=-0.30GB. Mitigations: increase VLLM_METAL_MEMORY_FRACTION, use a smaller or more quantized model.",
    ],
    nearMisses: ["INFO 05-01 10:00:00 executor_base.py:1] # GPU blocks: 1478, # CPU blocks: 0", "Paged attention: computed num_blocks too low (12 < minimum 16). metal_limit=12.00GB, fraction=0.5"],
  },
  {
    // ModelConfig's check of --max-model-len against the model's config.json: a ValueError (≤0.9), pydantic's
    // `Value error, …` (0.10 on), or a WARNING when VLLM_ALLOW_LONG_MAX_MODEL_LEN=1 lets it through
    id: "vllm.maxModelLenDerived", dialect: "vllm", level: "error", anyOf: ["derived max_model_len"],
    pattern: /User-specified max_model_len \((?<want>\d+)\) is greater than the derived max_model_len \((?<key>[\w.]+)=(?<derived>\d+)/,
    samples: [
      "ValueError: User-specified max_model_len (131072) is greater than the derived max_model_len (max_position_embeddings=32768 or model_max_length=None in model's config.json). This may lead to incorrect model outputs or CUDA errors.",
      "ValueError: User-specified max_model_len (4096) is greater than the derived max_model_len (None=2048 in model's config.json). This may lead to incorrect model outputs or CUDA errors. Make sure the value is correct and within the model context size.",
    ],
    nearMisses: ["INFO 05-01 10:00:00 [config.py:1] Using max model len 32768, the derived max_model_len of the model"],
  },
  {
    // A multi-modal model's start-up profiling run could not hold the largest multi-modal input the configuration allows:
    // vLLM sizes the worst case from --limit-mm-per-prompt (per modality: items × the most tokens one item can take) and
    // warns once when it is longer than the dummy sequence it profiles with. The wording by release: 0.6.x
    // (multimodal/processing.py) and 0.7.x (multimodal/profiling.py) `The context length (N) of the model is too short
    // to hold the multi-modal embeddings in the worst case (M tokens in total, out of which {...} are reserved for
    // multi-modal embeddings). ...`; 0.8–0.10 (profiling.py) `The sequence length used for profiling (max_num_batched_tokens
    // / max_num_seqs = N) is too short ...`, and `The encoder sequence length used for profiling ...` for encoder-decoder
    // models. V0's model runner says `Computed max_num_seqs (min(a, b // c)) to be less than 1` first: another line.
    id: "vllm.mmProfileTooShort", dialect: "vllm", level: "warning", anyOf: ["too short to hold the multi-modal embeddings"],
    pattern: /\bThe (?:(?:encoder )?sequence length used for profiling \(max_num_batched_tokens \/ max_num_seqs = (?<seq>\d+)\)|context length \((?<ctx>\d+)\) of the model) is too short to hold the multi-modal embeddings/,
    values: [/\bin the worst case \((?<total>\d+) tokens in total(?:, out of which (?<split>\{[^{}]*\}) are reserved)?/, /\b(?<encoder>encoder) sequence length used for profiling/],
    samples: [
      "WARNING 01-08 18:59:32 processing.py:878] The context length (32768) of the model is too short to hold the multi-modal embeddings in the worst case (163840 tokens in total, out of which {'image': 163840} are reserved for multi-modal embeddings). This may cause certain multi-modal inputs to fail during inference, even when the input text is short. To avoid this, you should increase `max_model_len`, reduce `max_num_seqs`, and/or reduce `mm_counts`.",
      "WARNING 02-23 21:38:55 profiling.py:196] The context length (5120) of the model is too short to hold the multi-modal embeddings in the worst case (32768 tokens in total, out of which {'image': 16384, 'video': 16384} are reserved for multi-modal embeddings). This may cause certain multi-modal inputs to fail during inference, even when the input text is short.",
      "(VllmWorkerProcess pid=3825) WARNING 04-22 11:25:48 [profiling.py:245] The sequence length used for profiling (max_num_batched_tokens / max_num_seqs = 32768) is too short to hold the multi-modal embeddings in the worst case (180224 tokens in total, out of which {'image': 163840, 'video': 16384} are reserved for multi-modal embeddings).",
      "WARNING 05-02 09:00:00 [profiling.py:210] The encoder sequence length used for profiling (max_num_batched_tokens / max_num_seqs = 448) is too short to hold the multi-modal embeddings in the worst case (1500 tokens in total, out of which {'audio': 1500} are reserved for multi-modal embeddings).",
      // the collector cut the record after the numbers
      "WARNING 03-31 16:53:11 [profiling.py:222] The sequence length used for profiling (max_num_batched_tokens / max_num_seqs = 16384) is too short to hold the multi-modal embeddings in the worst ca",
    ],
    nearMisses: [
      "WARNING 03-31 16:53:06 [model_runner.py:1296] Computed max_num_seqs (min(64, 16384 // 32768)) to be less than 1. Setting it to the minimum value of 1.",
      "Token indices sequence length is longer than the specified maximum sequence length for this model (180224 > 131072). Running this sequence through the model will result in indexing errors",
      "Where does this warning come from: the context length is too short to hold the multi-modal embeddings?",
    ],
  },
  {
    // A request's image, video or audio item that needs more encoder output than the encoder cache vLLM set aside at
    // start-up (V1, 0.7 on; the input processor refuses the request, the server answers 400): `The decoder prompt contains
    // a(n) image item with length N, which exceeds the pre-allocated encoder cache size M. Please reduce the input size or
    // increase the encoder cache size by setting --limit-mm-per-prompt at startup.`; from 0.16 `... item with N embedding
    // tokens, which exceeds ...`. The cache's size comes from the start-up line `Encoder cache will be initialized with a
    // budget of M tokens`.
    id: "vllm.mmEncoderCacheExceeded", dialect: "vllm", level: "error", anyOf: ["exceeds the pre-allocated encoder cache size"],
    pattern: /\bThe decoder prompt contains a\(n\) (?<modality>[A-Za-z_]+) item with (?:length (?<len>\d+)|(?<tokens>\d+) embedding tokens), which exceeds the pre-allocated encoder cache size (?<cache>\d+)/i,
    samples: [
      "(APIServer pid=1) ValueError: The decoder prompt contains a(n) image item with length 6105, which exceeds the pre-allocated encoder cache size 6084. Please reduce the input size or increase the encoder cache size by setting --limit-mm-per-prompt at startup.",
      "ERROR 06-10 12:00:00 [serving_chat.py:222] ValueError: The decoder prompt contains a(n) video item with length 16758, which exceeds the pre-allocated encoder cache size 16384. Please reduce the input size or increase the encoder cache size by setting --limit-mm-per-prompt at startup.",
      "vllm.exceptions.VLLMValidationError: The decoder prompt contains a(n) video item with 21504 embedding tokens, which exceeds the pre-allocated encoder cache size 16384. Please reduce the input size or increase the encoder cache size by setting --limit-mm-per-prompt at startup.",
    ],
    nearMisses: [
      "INFO 02-08 13:44:55 [gpu_model_runner.py:4300] Encoder cache will be initialized with a budget of 16384 tokens, and profiled with 1 image items of the maximum feature size.",
      "ValueError: The decoder prompt (length 40960) is longer than the maximum model length of 32768. Make sure that `max_model_len` is no smaller than the number of text tokens plus multimodal tokens.",
    ],
  },
  {
    // SchedulerConfig's check (vLLM 0.2 on; a ValueError, pydantic's `Value error, …` from 0.10): with chunked prefill off a
    // whole prompt must fit in one step's token budget, so a budget below max_model_len is refused. A caller's own check
    // worded without the numbers (verl's `Enable chunked prefill, max_num_batched_tokens is smaller than max_model_len, …`,
    // the reverse case) is no vLLM refusal, and the later warning about `max_num_seqs * max_model_len` is another matter
    id: "vllm.batchedTokensBelowMaxLen", dialect: "vllm", level: "error", anyOf: ["is smaller than max_model_len ("],
    pattern: /max_num_batched_tokens \((?<batched>\d+)\) is smaller than max_model_len \((?<len>\d+)\)/,
    samples: [
      "ValueError: max_num_batched_tokens (4096) is smaller than max_model_len (8192). This effectively limits the maximum sequence length to max_num_batched_tokens and makes vLLM reject longer sequences. Please increase max_num_batched_tokens or decrease max_model_len.",
      "  Value error, max_num_batched_tokens (2048) is smaller than max_model_len (32768). This effectively limits the maximum sequence length to max_num_batched_tokens and makes vLLM reject longer sequences. Please increase max_num_batched_tokens or decrease max_model_len. [type=value_error, input_value=ArgsKwargs((), {}), input_type=ArgsKwargs]",
    ],
    nearMisses: [
      "ValueError: Enable chunked prefill, max_num_batched_tokens is smaller than max_model_len, please increase max_num_batched_tokens or disable chunked prefill",
      "WARNING 03-02 10:00:00 [scheduler.py:250] max_num_batched_tokens (65536) exceeds max_num_seqs * max_model_len (16384). This may lead to unexpected behavior.",
      "WARNING 04-01 10:00:01 [arg_utils.py:1200] max_num_batched_tokens (2048) is smaller than max_model_len (32768). This effectively limits the maximum sequence length to max_num_batched_tokens and makes vLLM reject longer sequences. Please increase max_num_batched_tokens or decrease max_model_len.",
    ],
  },
  {
    id: "vllm.tpNotDivisibleHeads", dialect: "any", level: "error", anyOf: ["divisible by"],
    pattern: /(?:number of )?(?<what>attention heads|key.value heads|heads|hidden size|vocab size|experts)[^(]{0,80}\((?<n>\d+)\)\s*(?:must|should|is not|isn't) (?:be )?(?:evenly )?divisible by (?:the )?tensor.parallel.size \((?<tp>\d+)\)/i,
    samples: ["ValueError: Total number of attention heads (32) must be divisible by tensor parallel size (3)."],
  },
  {
    // A quantized layer's slice on one GPU (its size divided by the tensor parallel size) must hold whole quantization
    // groups or blocks, and vLLM refuses the layer while creating its weights when it does not. The wording by method:
    // GPTQ / AWQ (0.2 to today) `The input|output size is not aligned with the quantized weight shape. This can be
    // caused by too large tensor parallel size.`, no numbers; Marlin kernels (marlin, gptq_marlin, awq_marlin) `Weight
    // output_size_per_partition = 32 is not divisible by min_thread_n = 64.` (`min_n_threads` / `min_k_threads` in 0.3-0.4,
    // `group_size`, `pack_factor`), some versions with `Consider reducing tensor_parallel_size ...` after; FP8 block
    // quantization `Weight output_partition_size = 576 is not divisible by weight quantization block_n = 128.`, `Weight
    // input_size_per_partition = ... block_k = 128.`, and for a merged MoE gate/up weight `The output_size of gate's and
    // up's weight = 320 is not divisible by weight quantization block_n = 128.`. The Marlin kernel's own run-time check
    // (`size_n = 4096, is not divisible by min_thread_n = 64`, a tensor handed to the kernel) names no layer split.
    id: "vllm.tpQuantShape", dialect: "any", level: "error", anyOf: ["aligned with the quantized weight shape", "is not divisible by"],
    pattern: /\bThe (?<side>input|output) size is not aligned with the quantized weight shape\. This can be caused by too large tensor parallel size|(?:\bWeight |\bThe )(?<dim>input_size_per_partition|output_size_per_partition|output_partition_size|output_size of gate's and up's weight)\s*=\s*(?<n>\d+),? is not divisible by\s+(?:weight quantization )?(?<unit>block_[nk]|min_thread_[nk]|min_[nk]_threads|group_size|pack_factor)\s*=\s*(?<block>\d+)/,
    samples: [
      "ValueError: The input size is not aligned with the quantized weight shape. This can be caused by too large tensor parallel size.",
      "(VllmWorkerProcess pid=812) ERROR 09-20 11:02:13 multiproc_worker_utils.py:226] ValueError: The output size is not aligned with the quantized weight shape. This can be caused by too large tensor parallel size.",
      "[rank1]: ValueError: Weight output_size_per_partition = 32 is not divisible by  min_thread_n = 64. Consider reducing tensor_parallel_size or running with --quantization gptq.",
      "ValueError: Weight input_size_per_partition = 1760 is not divisible by min_k_threads = 128.",
      "(Worker_TP3 pid=4410) ERROR 07-22 20:16:11 [multiproc_executor.py:511] ValueError: The output_size of gate's and up's weight = 320 is not divisible by weight quantization block_n = 128.",
      "ValueError: Weight output_partition_size = 576 is not divisible by weight quantization block_n = 128.",
      "ValueError: Weight input_size_per_partition = 2368 is not divisible by weight quantization block_k = 128.",
    ],
    nearMisses: [
      "RuntimeError: size_n = 4096, is not divisible by min_thread_n = 64",
      "ValueError: The input size is not aligned with the quantized weight shape.",
      "Weight output_partition_size must be a multiple of the block size when using FP8 block quantization",
    ],
  },
  {
    // HCCL, Ascend's collective library, failing under torch_npu (vLLM-Ascend's device communicator, its ProcessGroupHCCL):
    // HCCLUtils.hpp's HCCL_CHECK_ERROR raises `<func>:<file>:<line> HCCL function error: <the call as written>, error
    // code is <HcclResult>` (hccl_types.h: 1 parameter, 7 unavailable, 9 timeout, 11/12 TCP/RoCE connect, ...) and tags it
    // `ERR02200 DIST call hccl api failed.`; CANN prints HCCL's own failures as `EI0006: ...` / `EI0009: ... Transport init
    // error. Reason: ...` codes, with a `Solution:` line after them (advice, not a failure); a collective run as an NPU op
    // (OpParamMaker.cpp's OPS_CHECK_ERROR) reads `OPS function error: HcclAllreduce, error code is <HcclResult>`
    id: "vllm.hcclError", dialect: "any", level: "error", anyOf: ["hccl function error", "call hccl api failed", "ei00", "ops function error: hccl"],
    values: [
      /(?:HCCL function error: |OPS function error: (?=Hccl))(?<call>[A-Za-z_]\w*)/,
      /, error code is (?<code>\d+)/,
      /\b(?<ei>EI\d{4}): (?:\[PID: \d+\] [\d\-:.]+ )?(?<reason>[^.\n]{1,160})/,
    ],
    pattern: /HCCL function error: [A-Za-z_]\w*\(.{0,400}?, error code is \d+|OPS function error: Hccl\w+, error code is \d+|ERR02200 DIST call hccl api failed|(?:^|[\s:\]])EI\d{4}: (?:\[PID: \d+\] [\d\-:.]+ )?[^\n]{0,120}?(?:[Ee]rror|[Ff]ail|times? ?out|timed out)/,
    samples: [
      "RuntimeError: create_config:build/CMakeFiles/torch_npu.dir/compiler_depend.ts:148 HCCL function error: hcclCommInitRootInfoConfig(numRanks, &rootInfo, rank, config, &(comm->hcclComm_)), error code is 1",
      "(Worker_TP1 pid=820) ERROR 10-02 11:20:31 [multiproc_executor.py:600] [ERROR] 2025-10-02-11:20:31 (PID:820, Device:1, RankID:-1) ERR02200 DIST call hccl api failed.",
      "[rank1]: EI0009: [PID: 4410] 2025-09-24-20:59:48.119.066 Transport init error. Reason: [Create][DestLink]Create Dest error!",
      "EI0006: Getting socket times out. Reason: 1. The remote does not initiate a connect request.",
      "[rank3]: RuntimeError: InnerRunOpApi:torch_npu/csrc/framework/OpParamMaker.cpp:281 OPS function error: HcclBroadcast, error code is 9",
    ],
    nearMisses: [
      "[rank1]:         Solution: Check other NPUs that are not reporting errors, or check if there are any abnormalities on the other end's NPU.",
      "INFO 10-02 11:20:00 [platform.py:200] HCCL_CONNECT_TIMEOUT is set to 1200",
      "Device 0x1ei0009: ready",
    ],
  },
  {
    // oneCCL, Intel's collective library, failing under torch's XPU backend (`xccl`, or torch-ccl's `ccl` on IPEX): its
    // CCL_THROW raises `oneCCL: <file>:<line> <function>: EXCEPTION: <reason>` (inside torch's `RuntimeError: ...`), and
    // its logger prints `<yyyy:mm:dd-hh:mm:ss>:(<pid>) |CCL_ERROR| <file>:<line> <function>: <reason>` (newer builds
    // `...: <pid>:[<rank>] |CCL_ERROR| ...`) before it throws. Its `|CCL_WARN|` lines (a fallback to the `sockets` IPC
    // exchange, PCIe topology, no NUMA membind) are advice, not failures.
    id: "vllm.oneCclError", dialect: "any", level: "error", anyOf: ["oneccl: ", "|ccl_error|"],
    values: [
      /(?:oneCCL: |\|CCL_ERROR\| )(?<where>[\w./-]+\.(?:cpp|hpp|cc|c|h):\d+) (?<func>[A-Za-z_][\w:~]*): (?:EXCEPTION: )?(?<reason>[^\n]{1,200})/,
    ],
    pattern: /oneCCL: [\w./-]+\.(?:cpp|hpp|cc|c|h):\d+ [A-Za-z_][\w:~]*: EXCEPTION: |\|CCL_ERROR\| [\w./-]+\.(?:cpp|hpp|cc|c|h):\d+ [A-Za-z_][\w:~]*: /,
    samples: [
      "RuntimeError: oneCCL: ze_fd_manager.cpp:214 fill_device_fds: EXCEPTION: open failed: fd: -1, errno: No such file or directory",
      "2025:03:13-10:36:27:(  636) |CCL_ERROR| ze_fd_manager.cpp:214 fill_device_fds: condition fds[dev_idx] > 0 failed",
      "2023:11:28-16:35:45:(35980) |CCL_ERROR| base_thread.cpp:36 start: error while creating worker thread #0 pthread_create returns 22",
      "(RayWorkerWrapper pid=3548) RuntimeError: oneCCL: exec.cpp:134 start_workers: EXCEPTION: failed to start worker # 0",
    ],
    nearMisses: [
      "2024:08:14-11:08:27:(28904) |CCL_WARN| fallback to 'sockets' mode of ze exchange mechanism, to use CCL_ZE_IPC_EXHANGE=drmfd, set CCL_LOCAL_RANK/SIZE explicitly  or use process launcher",
      "2026:09:02-09:09:07: 6133:[0] |CCL_INFO| CCL_KERNEL_PATH: /opt/intel/oneapi/ccl/2022.1/lib/ccl/kernels/",
      "oneCCL: failed to start worker #0",
    ],
  },
  {
    // the Neuron compiler (neuronx-cc) failing on a graph of the model (AWS Inferentia / Trainium: vLLM's Neuron
    // platform, vllm-neuron's NxD Inference, transformers-neuronx): torch-neuronx's / libneuronxla's compile wrapper logs
    // `<time>:  <pid>  ERROR ||NEURON_CC_WRAPPER||: Failed compilation with [<neuronx-cc command>]: <reason>` or
    // `... Compilation failed for <workdir>/model.MODULE_<hash>.hlo[_module].pb after N retries.` (≤2022 `||NCC_WRAPPER||`,
    // which also reports a graph whose failure the compile cache kept: `There was a compilation error for this graph in
    // the previous run.`); transformers-neuronx raises `RuntimeError: Failed compilation with ['neuronx-cc', ...]: <reason>`;
    // the compiler's own abort is `[F134] neuronx-cc terminated abnormally`
    id: "vllm.neuronCompileFailed", dialect: "any", level: "error",
    anyOf: ["cc_wrapper||", "failed compilation with [", "neuronx-cc terminated abnormally"],
    values: [
      /Failed compilation with \[[^\]]*\]: (?:\d{4}-\d\d-\d\dT[\d:.]+Z )?(?<reason>[^\n]{1,200})/,
      /model\.(?<module>MODULE_[\w+]+)\.hlo/,
      /(?<cached>There was a compilation error for this graph in the previous run)/,
      /(?<abnormal>neuronx-cc terminated abnormally)/,
    ],
    pattern: /\bERROR \|\|N(?:EURON_)?CC_WRAPPER\|\|: (?:Failed compilation with|Compilation failed for|There was a compilation error for this graph)|Failed compilation with \[['"]neuronx?-cc['"]|\[F\d+\] neuronx-cc terminated abnormally/,
    samples: [
      "2024-06-21 09:33:40.000866:  38168  ERROR ||NEURON_CC_WRAPPER||: Failed compilation with ['neuronx-cc', 'compile', '--target=trn1', '--framework=XLA', '/tmp/ubuntu/neuroncc_compile_workdir/2a/model.MODULE_39ea+2c2d707e.hlo_module.pb', '--output', '/tmp/ubuntu/neuroncc_compile_workdir/2a/model.MODULE_39ea+2c2d707e.neff', '--verbose=35']: ",
      "2023-09-25 10:07:13.000980:  7133  ERROR ||NEURON_CC_WRAPPER||: Compilation failed for /tmp/neuroncc_compile_workdir/fc40/model.MODULE_5a71+eefbc487.hlo.pb after 0 retries.",
      "2022-11-22 19:07:46.000353: ERROR ||NCC_WRAPPER||: There was a compilation error for this graph in the previous run. Returning with the errored graph at /var/tmp/neuron-compile-cache/M/x.neff .",
      "RuntimeError: Failed compilation with ['neuronx-cc', '--target=trn1', 'compile', '--framework', 'XLA', '/tmp/w/model.hlo.pb', '--output', '/tmp/w/model.neff', '--model-type=transformer']: 2023-09-19T09:36:54Z Too many instructions after unroll for function sg0000 !",
      "[F134] neuronx-cc terminated abnormally - Please open a support ticket at https://github.com/aws-neuron/aws-neuron-sdk/issues/new",
    ],
    nearMisses: [
      "2024-04-12 07:13:06.000297:  271334  INFO ||NEURON_CC_WRAPPER||: Call compiler with cmd: neuronx-cc compile --target=trn1 --framework=XLA /tmp/w/model.hlo_module.pb --output /tmp/w/model.neff --verbose=35",
      "2024-12-24 10:46:40.000063:  802786  INFO ||NEURON_CACHE||: Current remaining items are 0, locked are 3, failed are 0, done are 4, total is 7",
      "(EngineCore_DP0 pid=566) INFO:Neuron:Neuron compiler flags: --auto-cast=none --model-type=transformer --lnc=1 -O1 --verbose=35",
    ],
  },
  {
    // a CUDA (or ROCm HIP) kernel fault outside NCCL, as torch raises it (`RuntimeError: CUDA error: an illegal memory access
    // was encountered`, torch ≥2.8's `torch.AcceleratorError: CUDA error: ...`, V0's `Error in model execution: CUDA error:
    // ...`, the watchdog's `Process group watchdog thread terminated with exception: CUDA error: ...`, V1's `Worker failed
    // with error 'CUDA error: ...'`): the faults of a running kernel and a build without kernels for the GPU, and the CUDA
    // calls the platform refuses (cudaErrorOperatingSystem, cudaErrorNotSupported: WSL2, vGPU, containers) or a display
    // watchdog ends (cudaErrorLaunchTimeout). Also torch's hint line under the message, which names the error's enum
    // (`Search for \`cudaErrorAssert' in https://docs.nvidia.com/...`, c10's CUDA check in recent torch releases): it tells the
    // error when a paste starts below the message line. CUDA's own `out of memory` (cudaErrorMemoryAllocation) is
    // vllm/cuda-oom's, a broken graph capture (cudaErrorStreamCapture*) vllm/cuda-graph-capture-failed's, NCCL's
    // `unhandled cuda error` nccl/cuda-error's.
    id: "vllm.cudaFault", dialect: "any", level: "error", anyOf: ["cuda error: ", "hip error: ", "search for `cudaerror", "cudnn error: "],
    values: [
      // a GPU math library's call that failed, as torch words it: cuBLAS / cuBLASLt through its CUDA error check (`CUDA
      // error: CUBLAS_STATUS_EXECUTION_FAILED when calling \`cublasGemmEx( handle, ...)\``, `... when calling cublasLtMatmul
      // with transpose_mat1 ...`) and cuDNN through its own (`cuDNN error: CUDNN_STATUS_EXECUTION_FAILED`); an allocation
      // that failed (`CUBLAS_STATUS_ALLOC_FAILED`) is out of memory (vllm.cudaOom)
      /(?:CUDA|HIP) error: (?<blas>CUBLAS_STATUS_(?!ALLOC_FAILED\b)[A-Z_]+)(?: when calling `?(?<blasCall>\w+))?/,
      /cuDNN error: (?<dnn>CUDNN_STATUS_(?!ALLOC_FAILED\b)[A-Z_]+)/,
      new RegExp(`(?:CUDA|HIP) error: (?<fault>${CUDA_FAULT_WORDS})`),
      new RegExp(`Search for \`(?<code>${CUDA_FAULT_NAMES})' in `),
      /(?<assert>device-side assert|cudaErrorAssert\b)/,
      /(?<arch>no kernel image is available|invalid device function|cudaErrorNoKernelImageForDevice|cudaErrorInvalidDeviceFunction)/,
      /(?<hardware>uncorrectable ECC error|uncorrectable NVLink error|cudaErrorECCUncorrectable|cudaErrorNvlinkUncorrectable)/,
      // a call the OS or the virtualisation under it refused: not a kernel's fault
      /(?<platform>OS call failed or operation not supported on this OS|(?:CUDA|HIP) error: operation not supported\b|cudaErrorOperatingSystem|cudaErrorNotSupported)/,
      // a kernel the display driver's watchdog ended (Linux with X on the GPU, Windows' TDR under WSL2)
      /(?<launchTimeout>the launch timed out and was terminated|cudaErrorLaunchTimeout)/,
      // the runtime that raised it: ROCm's torch words its errors `HIP error: ...` (hipErrorIllegalAddress, ...)
      /\b(?<api>CUDA|HIP) error: /,
    ],
    pattern: new RegExp(`\\b(?:CUDA|HIP) error: (?!out of memory)(?:${CUDA_FAULT_WORDS}|CUBLAS_STATUS_(?!ALLOC_FAILED\\b)[A-Z_]+)|\\bcuDNN error: CUDNN_STATUS_(?!ALLOC_FAILED\\b)[A-Z_]+|Search for \`(?:${CUDA_FAULT_NAMES})' in `),
    samples: [
      "RuntimeError: CUDA error: an illegal memory access was encountered",
      "(VllmWorker TP1 pid=409) ERROR 09-14 03:15:31 [multiproc_executor.py:596] RuntimeError: CUDA error: an illegal memory access was encountered",
      "[rank0]:[E219 12:14:43.351647859 ProcessGroupNCCL.cpp:1595] [PG ID 2 PG GUID 3 Rank 0] Process group watchdog thread terminated with exception: CUDA error: an illegal memory access was encountered",
      "torch.AcceleratorError: CUDA error: device-side assert triggered",
      // cudaErrorUnknown (999), which the watchdog or a later call raises once the GPU or its driver has failed
      "(RayWorkerVllm pid=812) [E ProcessGroupNCCL.cpp:916] [Rank 3] NCCL watchdog thread terminated with exception: CUDA error: unknown error",
      "RuntimeError: HIP error: no kernel image is available for execution on the device",
      "(EngineCore_DP0 pid=5309) ERROR 03-05 22:09:18 [core.py:1100] torch.AcceleratorError: HIP error: an illegal memory access was encountered",
      "torch.AcceleratorError: CUDA error: OS call failed or operation not supported on this OS",
      "RuntimeError: CUDA error: operation not supported",
      "RuntimeError: CUDA error: the launch timed out and was terminated",
      "(EngineCore pid=41) ERROR 02-11 09:12:30 [core.py:902] Search for `cudaErrorIllegalAddress' in https://docs.nvidia.com/cuda/cuda-runtime-api/group__CUDART__TYPES.html for more information.",
      "(Worker_TP0 pid=77) Search for `cudaErrorAssert' in https://docs.nvidia.com/cuda/cuda-runtime-api/group__CUDART__TYPES.html for more information.",
      "(EngineCore pid=3) ERROR 09-07 22:45:01 [core.py:1357] RuntimeError: CUDA error: CUBLAS_STATUS_INTERNAL_ERROR when calling `cublasGemmEx( handle, opa, opb, m, n, k, &falpha, a, CUDA_R_16BF, lda, b, CUDA_R_16BF, ldb, &fbeta, c, CUDA_R_16BF, ldc, compute_type, CUBLAS_GEMM_DEFAULT_TENSOR_OP)`",
      "RuntimeError: CUDA error: CUBLAS_STATUS_EXECUTION_FAILED when calling cublasLtMatmul with transpose_mat1 t transpose_mat2 n m 4096 n 16 k 4096",
      "(Worker_TP1 pid=8) RuntimeError: CUDA error: CUBLAS_STATUS_NOT_INITIALIZED when calling `cublasCreate(handle)`",
      "RuntimeError: cuDNN error: CUDNN_STATUS_NOT_SUPPORTED. This error may appear if you passed in a non-contiguous input.",
    ],
    nearMisses: [
      "RuntimeError: CUDA error: out of memory",
      "RuntimeError: CUDA error: CUBLAS_STATUS_ALLOC_FAILED when calling `cublasCreate(handle)`",
      "INFO 09-07 22:45:01 [utils.py:12] cuBLAS workspace set: CUBLAS_WORKSPACE_CONFIG=:4096:8",
      "torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/NCCLUtils.hpp:275, unhandled cuda error",
      "Search for `cudaErrorMemoryAllocation' in https://docs.nvidia.com/cuda/cuda-runtime-api/group__CUDART__TYPES.html for more information.",
      "Search for `cudaErrorStreamCaptureUnsupported' in https://docs.nvidia.com/cuda/cuda-runtime-api/group__CUDART__TYPES.html for more information.",
      "torch.AcceleratorError: CUDA error: operation not permitted when stream is capturing",
    ],
  },
  {
    // a CUDA kernel's own assert, printed by the device runtime for each thread that failed it, before torch raises
    // `CUDA error: device-side assert triggered`: `<file>:<line>: <function>: block: [x,y,z], thread: [x,y,z] Assertion
    // \`<expression>\` failed.` (PyTorch's CUDA_KERNEL_ASSERT, HIP's the same). The expression says which check failed:
    // an index bound (`srcIndex < srcSelectDimSize` in Indexing.cu's index_select, an embedding lookup; `index out of
    // bounds` in IndexKernel / ScatterGatherKernel) or the sampler's `probability tensor contains either \`inf\`, \`nan\`
    // or element < 0` (TensorCompare.cu's _assert_async). A paste can wrap the line before `block:`.
    id: "torch.cudaKernelAssert", dialect: "any", level: "error", anyOf: ["assertion `"],
    values: [
      /(?:^|\s)(?<kernelFile>[\w.\/\-]+\.cuh?):\d+: (?<kernelFunc>[\w:<>~]+(?:\(\))?): block: \[/,
      /Assertion `(?<expr>.*)` failed/,
      /(?<indexBound>srcIndex < srcSelectDimSize|index out of bounds|idx_dim >= 0 && idx_dim < index_size)/,
      /(?<badProbs>probability tensor contains either `inf`, `nan` or element < 0)/,
      /(?<assert>Assertion `)/,
    ],
    pattern: /block: \[\d+,\s?\d+,\s?\d+\], thread: \[\d+,\s?\d+,\s?\d+\] Assertion `.*` failed/,
    samples: [
      "/pytorch/aten/src/ATen/native/cuda/Indexing.cu:1422: indexSelectLargeIndex: block: [311,0,0], thread: [96,0,0] Assertion `srcIndex < srcSelectDimSize` failed.",
      "  block: [4,0,0], thread: [32,0,0] Assertion `srcIndex < srcSelectDimSize` failed.",
      "(Worker_TP0 pid=812) ../aten/src/ATen/native/cuda/TensorCompare.cu:110: _assert_async_cuda_kernel: block: [0,0,0], thread: [0,0,0] Assertion `probability tensor contains either `inf`, `nan` or element < 0` failed.",
    ],
    nearMisses: [
      "AssertionError: assert num_tokens <= self.max_num_tokens",
      "python: /src/allocator.cpp:41: void Pool::free(void*): Assertion `ptr != nullptr' failed.",
    ],
  },
  {
    // torch saying its build has no kernels for this GPU (torch/cuda/__init__.py, printed as a UserWarning at the GPU's
    // first use): ≤2.7 `<GPU> with CUDA capability sm_120 is not compatible with the current PyTorch installation.` and
    // the next line `The current PyTorch install supports CUDA capabilities sm_50 ... sm_90.`; 2.8+ `Your installed
    // torch==X does not include kernels for this GPU`; and a GPU below the build's minimum, `PyTorch no longer supports
    // this GPU because it is too old`. (2.8+'s `Found GPU0 ... which is of compute capability (CC) 8.7.` alone is no
    // verdict: a GPU the build's PTX still runs, as Jetson Orin, prints it too.) vllm/cuda-error reads it beside
    // `no kernel image is available for execution on the device`.
    id: "torch.archUnsupported", dialect: "any", level: "info", anyOf: ["with the current pytorch installation", "current pytorch install supports", "does not include kernels for this gpu", "no longer supports this gpu"],
    values: [/with CUDA capability (?<sm>sm_\d+) is not compatible/, /supports CUDA capabilities (?<supported>sm_\w+(?: sm_\w+)*)/, /(?<tooOld>no longer supports this GPU because it is too old)/],
    pattern: /with CUDA capability sm_\d+ is not compatible with the current PyTorch installation|The current PyTorch install supports CUDA capabilities sm_\w+|torch==[\w.+-]+ does not include kernels for this GPU|PyTorch no longer supports this GPU because it is too old/,
    samples: [
      "NVIDIA GeForce RTX 5080 with CUDA capability sm_120 is not compatible with the current PyTorch installation.",
      "The current PyTorch install supports CUDA capabilities sm_50 sm_60 sm_70 sm_75 sm_80 sm_86 sm_90.",
      "Your installed torch==2.13.0+cu126 does not include kernels for this GPU. Reinstall the same version against a CUDA build that does, e.g.:",
    ],
    nearMisses: ["UserWarning: Found GPU0 Orin which is of compute capability (CC) 8.7."],
  },
  {
    // Triton refusing to launch a compiled kernel that asks for more of the GPU than the device has (triton/compiler/
    // compiler.py `_init_handles`, the OutOfResources exception of triton/runtime/errors.py, older releases'
    // triton/runtime/autotuner.py): `out of resource: shared memory, Required: 81920, Hardware limit: 65536. Reducing
    // block sizes or `num_stages` may help.` (the resource can also be `threads`; the oldest releases print no
    // numbers). vLLM's Triton kernels (attention, fused MoE, FP8 block matmul) are tiled for the shared memory of
    // data-centre GPUs; Turing's 64 KiB (T4, RTX 20xx) and consumer cards' 99 KiB run out first.
    id: "vllm.tritonOutOfResources", dialect: "any", level: "error", anyOf: ["out of resource:"],
    values: [/out of resource: (?<resource>shared memory|threads|registers|[a-z ]{1,30}?)(?:[,.]\s*Required: (?<required>\d+), Hardware limit: (?<limit>\d+))?(?=[,.\s]|$)/],
    pattern: /(?:OutOfResources: |^\s*)out of resource: [a-z ]{1,30}?(?:[,.]|\s*$)/,
    samples: [
      "triton.runtime.errors.OutOfResources: out of resource: shared memory, Required: 81920, Hardware limit: 65536. Reducing block sizes or `num_stages` may help.",
      "(EngineCore_DP0 pid=402) ERROR 03-11 15:50:12 [core.py:866] triton.runtime.errors.OutOfResources: out of resource: shared memory, Required: 98304, Hardware limit: 65536. Reducing block sizes or `num_stages` may help.",
      "triton.runtime.errors.OutOfResources: out of resource: shared memory,",
      "triton.runtime.autotuner.OutOfResources: out of resource: shared memory. Reducing block sizes or `num_stages` may help.",
      "ERROR 01-28 03:21:01 engine.py:387] triton.runtime.errors.OutOfResources: out of resource: threads, Required: 2048, Hardware limit: 1024. Reducing block sizes or `num_stages` may help.",
    ],
    nearMisses: [
      "RuntimeError: CUDA error: too many resources requested for launch",
      "# if you see `out of resource: shared memory`, lower num_stages in the kernel config",
      "ray.exceptions.OutOfMemoryError: Task was killed due to the node running low on memory.",
    ],
  },
  {
    // Triton's file cache losing a file to another process (triton/runtime/cache.py FileCacheManager.put): each file is
    // written under a temporary name and renamed into place. Up to Triton 3.0 the temporary name is the file's own with
    // `.tmp.pid_<pid>_<random int or uuid>` appended, in the cache directory every process shares (~/.triton/cache,
    // TRITON_CACHE_DIR, or Inductor's /tmp/torchinductor_<user>/triton); later releases write into a private directory
    // `tmp.pid_<pid>_<uuid>/` under the kernel's key. When several processes compile one kernel at once (tensor
    // parallel workers, Ray actors, Inductor's compile threads), a listing or a rename meets a temporary file another
    // process already moved: Python's `FileNotFoundError: [Errno 2] No such file or directory: '<path>'`, for a
    // rename `'<tmp>' -> '<final>'`. The `tmp.pid_` in the missing path is what tells it from a cache simply deleted.
    id: "vllm.tritonCacheRace", dialect: "any", level: "error", anyOf: ["tmp.pid_"],
    values: [
      /'(?<dir>[^'\n]*)\/(?<file>[^/'\n]+?)\.tmp\.pid_(?<pid>\d+)/,
      /'(?<newDir>[^'\n]*)\/tmp\.pid_(?<newPid>\d+)_[\w-]+\/(?<newFile>[^/'\n]+)/,
      /(?<inductor>torchinductor)/,
      /tmp\.pid_\d+_[\w-]+'(?<rename> -> )/,
    ],
    pattern: /No such file or directory: '[^'\n]*?\btmp\.pid_\d+/,
    samples: [
      "[rank0]: FileNotFoundError: [Errno 2] No such file or directory: '/root/.triton/cache/5d0f3c1aa9e24b6e8c1f2d3e4a5b6c7d/_fused_moe_kernel.json.tmp.pid_81234_5a1c2e3f-1b2c-4d5e-8f90-123456789abc'",
      "(VllmWorkerProcess pid=612) ERROR 07-02 10:11:12 multiproc_worker_utils.py:226] FileNotFoundError: [Errno 2] No such file or directory: '/home/u/.triton/cache/9f8e7d6c/_fwd_kernel.cubin.tmp.pid_612_48213'",
      "FileNotFoundError: [Errno 2] No such file or directory: '/tmp/torchinductor_root/triton/0/ab12cd34/triton_poi_fused_0.cubin.tmp.pid_4410_73120' -> '/tmp/torchinductor_root/triton/0/ab12cd34/triton_poi_fused_0.cubin'",
      "FileNotFoundError: [Errno 2] No such file or directory: '/data/cache/triton/Q2HK4NXA/tmp.pid_900_0c6e1a52-7d1f-4c8e-9b1d-2a3f4e5d6c7b/_attn_fwd.json'",
      "ERROR 03-04 05:06:07 [core.py:700] FileNotFoundError: [Errno 2] No such file or directory: '/root/.triton/cache/0a1b2c3d/kernel.json.tmp.pid_77_1234",
    ],
    nearMisses: [
      "FileNotFoundError: [Errno 2] No such file or directory: '/root/.triton/cache/0a1b2c3d/_fwd_kernel.json'",
      "INFO 03-04 05:06:07 removed stale file /root/.triton/cache/0a1b2c3d/kernel.json.tmp.pid_77_1234",
      "        temp_path = f\"{filepath}.tmp.pid_{pid}_{rnd_id}\"",
      "FileNotFoundError: [Errno 2] No such file or directory: '/var/run/app/tmp.pidfile'",
    ],
  },
  {
    // the numbers of vllm.tritonOutOfResources on a line of their own, where a paste wrapped the message after the
    // resource's name (`...OutOfResources: out of resource: shared memory,` / `Required: 98304, Hardware limit: 65536.`)
    id: "vllm.tritonResourceLimit", dialect: "any", level: "info", anyOf: ["hardware limit:"],
    values: [/^\s*Required: (?<required>\d+), Hardware limit: (?<limit>\d+)/],
    pattern: /^\s*Required: \d+, Hardware limit: \d+\.?/,
    samples: ["Required: 98304, Hardware limit: 65536.", "  Required: 81920, Hardware limit: 65536. Reducing block sizes or `num_stages` may help."],
    nearMisses: ["triton.runtime.errors.OutOfResources: out of resource: shared memory, Required: 81920, Hardware limit: 65536.", "Hardware limit: 65536 bytes of shared memory per block on sm_75"],
  },
  {
    // torch 2.8+'s capability check (torch/cuda/__init__.py `_check_capability`, a UserWarning at the GPU's first use):
    // it warns only when no architecture the build was compiled for can run the GPU, in a block of lines: first `Found
    // GPU<i> <name> which is of compute capability (CC) X.Y.`, then the build's architectures (next signature), then
    // which CUDA releases' wheels would run it. The check's table of which GPU each architecture runs on can be out of
    // date (a Jetson Orin, 8.7, was warned about while running), so this line alone is no verdict: vllm/cuda-error
    // holds it beside the architectures listed under it, and counts it only for a GPU older than all of them.
    id: "torch.ccUnsupportedGpu", dialect: "any", level: "info", anyOf: ["which is of compute capability (cc)"], process: true,
    values: [/Found GPU(?<gpuIndex>\d+) .{1,120}? which is of compute capability \(CC\) (?<deviceCc>\d+\.\d+)/],
    pattern: /Found GPU\d+ .{1,120}? which is of compute capability \(CC\) \d+\.\d+/,
    samples: [
      "/usr/local/lib/python3.12/dist-packages/torch/cuda/__init__.py:371: UserWarning: Found GPU0 Tesla P100-PCIE-16GB which is of compute capability (CC) 6.0.",
      "(Worker_TP1 pid=88) UserWarning: Found GPU1 Tesla V100-SXM2-16GB which is of compute capability (CC) 7.0.",
    ],
    nearMisses: [
      "Found GPU0 Tesla K80 which is of cuda capability 3.7.",
      "GPU 0 is of compute capability 7.5: FlashAttention-2 needs 8.0",
    ],
  },
  {
    // the build's architectures under torch.ccUnsupportedGpu's line, one a line: `- A.B which supports hardware CC
    // >=A.B,<C.0` (or with ` except {8.7}`, or a set `{10.1, 11.0}` for an architecture that runs on named GPUs only)
    id: "torch.ccBuildArch", dialect: "any", level: "info", anyOf: ["which supports hardware cc"], process: true,
    values: [/(?:^|\s)-\s(?<codeCc>\d+\.\d+) which supports hardware CC /],
    pattern: /(?:^|\s)-\s\d+\.\d+ which supports hardware CC [>={]/,
    samples: [
      "- 7.5 which supports hardware CC >=7.5,<8.0",
      "(Worker pid=51) - 8.0 which supports hardware CC >=8.0,<9.0 except {8.7}",
      "- 10.1 which supports hardware CC {10.1, 11.0}",
    ],
    nearMisses: ["- 7.5: Turing (T4, RTX 20xx)", "a build for 8.0 which supports hardware CC 8.x only"],
  },
  {
    // ROCm's runtime (ROCR, core/runtime/runtime.cpp) aborting the process on a GPU fault, printed to stderr with no
    // logger header and before any Python traceback: its VM fault handler's `Memory access fault by GPU node-N (Agent
    // handle: 0x…) on address 0x…[(may not be exact address)]. Reason: R.` (ROCm ≤5 without the agent handle; the address
    // `(nil)` for a null pointer) and its HW exception handler's `HW Exception by GPU node-N (Agent handle: 0x…) reason :R`
    // (`GPU Hang` or `ECC`), and its memory-free check's `Memory critical error by agent node-N (Agent handle: 0x…) on
    // address 0x…. Reason: Memory in use.` (memory freed while a GPU still uses it). N is the KFD topology node (the CPUs
    // come first), not the HIP device index.
    id: "vllm.rocrFault", dialect: "any", level: "error", anyOf: ["by gpu node-", "by agent node-"],
    values: [
      /(?<rocr>Memory access fault|HW Exception|Memory critical error) by (?:GPU|agent) node-(?<node>\d+)/,
      /Reason: (?<reason>.+?)\.?\s*$/,
      /reason :\s*(?<reason>\S.*?)\s*$/,
      /(?<hardware>\b(?:DRAM |SRAM )?ECC failure|reason :\s*ECC\b)/,
      /reason :\s*(?<hang>GPU Hang)/,
    ],
    pattern: ROCR_FAULT,
    samples: [
      "Memory access fault by GPU node-5 (Agent handle: 0x460e3a50) on address 0x7ec4dfe0e000. Reason: Write access to a read-only page.",
      "Memory access fault by GPU node-2 on address 0x7f1c2a600000. Reason: Page not present or supervisor privilege.",
      "Memory access fault by GPU node-3 (Agent handle: 0x5581e2c0) on address (nil). Reason: Unknown.",
      "Memory access fault by GPU node-9 (Agent handle: 0x7a10) on address 0x7f0000001000(may not be exact address). Reason: DRAM ECC failure.",
      "HW Exception by GPU node-1 (Agent handle: 0x5b522e50) reason :GPU Hang",
      "Memory critical error by agent node-1 (Agent handle: 0x2f00a1c0) on address 0x7f4c02000000. Reason: Memory in use. ",
      "(EngineCore_DP0 pid=77) Memory access fault by GPU node-4 (Agent handle: 0x1d2e) on address 0x7e00dead0000. Reason: Page not present or supervisor privilege.",
    ],
    nearMisses: [
      "INFO 03-02 10:11:12 [rocm.py:200] GPU node-2 is gfx942",
      "a memory access fault by GPU node-1 usually means an out-of-bounds kernel",
    ],
  },
  {
    // rocBLAS (ROCm's BLAS, under torch's matmuls on AMD GPUs) giving up while it loads its Tensile GEMM kernels: it prints
    // a `rocBLAS error: ...` line to stderr, with no logger header, and aborts the process. The library file for the GPU's
    // gfx target is missing (`Cannot read <dir>/TensileLibrary.dat: <errno text>`, builds with one file per architecture
    // adding ` for GPU arch : gfxNNNN` and listing the files it has on the lines below: this rocBLAS has no kernels for
    // that GPU), no device is visible (`Could not initialize Tensile host: No devices found`, or the host's exception text
    // on the next line), or the library file would not load (`Could not load <file>`, then `Could not initialize Tensile
    // library`). Its `rocBLAS warning: ...` lines and the non-fatal `No Tensile solution found for ...` are not this.
    id: "vllm.rocblasFatal", dialect: "any", level: "error", anyOf: ["rocblas error: c"],
    values: [
      /rocBLAS error: (?<rocblas>Cannot read|Could not initialize Tensile (?:host|library)|Could not load)\b/,
      /rocBLAS error: Cannot read (?<tensileFile>\S+?):? /,
      /for GPU arch : (?<arch>gfx[0-9a-z]+)/,
      /Tensile host: (?<noDevice>No devices found)/,
    ],
    pattern: ROCBLAS_FATAL,
    samples: [
      "rocBLAS error: Cannot read /opt/rocm/lib/rocblas/library/TensileLibrary.dat: Illegal seek for GPU arch : gfx1150",
      "rocBLAS error: Cannot read /opt/rocm-5.4.3/lib/rocblas/library/TensileLibrary.dat: No such file or directory",
      "rocBLAS error: Could not initialize Tensile host: No devices found",
      "rocBLAS error: Could not initialize Tensile host:",
      "rocBLAS error: Could not load /usr/lib/rocblas/library/TensileLibrary_lazy_gfx90a.dat",
      "rocBLAS error: Could not initialize Tensile library",
      "(EngineCore_DP0 pid=166) rocBLAS error: Cannot read /opt/rocm/lib/rocblas/library/TensileLibrary.dat: No such file or directory for GPU arch : gfx1036",
    ],
    nearMisses: [
      "rocBLAS warning: No paths matched /opt/rocm/lib/rocblas/library/*gfx1150*co. Make sure that ROCBLAS_TENSILE_LIBPATH is set correctly.",
      "rocBLAS error: No Tensile solution found for gemm_ex",
      "the rocBLAS error: Cannot read message means the gfx target has no library",
      "export ROCBLAS_TENSILE_LIBPATH=/opt/rocm/lib/rocblas/library",
    ],
  },
  {
    // the host's NVIDIA driver is older than the CUDA runtime the image or wheels were built for: torch's `The NVIDIA
    // driver on your system is too old (found version 12080)` (a RuntimeError, or a `CUDA initialization:` UserWarning
    // after which no GPU is seen), c10's `Unexpected error from cudaGetDeviceCount() ... Error 804: forward compatibility
    // was attempted on non supported HW` / `Error 803: system has unsupported display driver / cuda driver combination`,
    // the runtime's `CUDA driver version is insufficient for CUDA runtime version` (cudaErrorInsufficientDriver), and the
    // NVIDIA container toolkit refusing the container (`nvidia-container-cli: requirement error: unsatisfied condition:
    // cuda>=12.8, please update your driver ...`). NGC's `CUDA Forward Compatibility mode ENABLED` banner is a healthy start.
    id: "vllm.cudaDriver", dialect: "any", level: "error",
    anyOf: ["driver on your system is too old", "forward compatibility was attempted", "unsupported display driver", "driver version is insufficient", "unsatisfied condition: cuda"],
    values: [
      /found version (?<found>\d{4,6})\b/,
      /unsatisfied condition: cuda>=(?<required>\d+(?:\.\d+)?)/,
      /Error (?<code>80[34]):/,
      /(?<container>nvidia-container-cli|unsatisfied condition: cuda>=)/,
    ],
    pattern: /The NVIDIA driver on your system is too old|forward compatibility was attempted on non supported HW|system has unsupported display driver \/ cuda driver combination|CUDA driver version is insufficient for CUDA runtime version|unsatisfied condition: cuda>=\d/i,
    samples: [
      "RuntimeError: The NVIDIA driver on your system is too old (found version 12080). Please update your GPU driver by downloading and installing a new version from the URL: http://www.nvidia.com/Download/index.aspx Alternatively, go to: https://pytorch.org to install a PyTorch version that has been compiled with your version of the CUDA driver.",
      "/usr/local/lib/python3.12/dist-packages/torch/cuda/__init__.py:182: UserWarning: CUDA initialization: The NVIDIA driver on your system is too old (found version 12020). Please update your GPU driver by downloading and installing a new version from the URL: http://www.nvidia.com/Download/index.aspx",
      "(EngineCore_DP0 pid=210) ERROR 09-02 10:11:12 [core.py:700] RuntimeError: Unexpected error from cudaGetDeviceCount(). Did you run some cuda functions before calling NumCudaDevices() that might have already set an error? Error 804: forward compatibility was attempted on non supported HW",
      "RuntimeError: Unexpected error from cudaGetDeviceCount(). Did you run some cuda functions before calling NumCudaDevices() that might have already set an error? Error 803: system has unsupported display driver / cuda driver combination",
      "RuntimeError: CUDA error: CUDA driver version is insufficient for CUDA runtime version",
      "docker: Error response from daemon: failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: error running hook #0: error running hook: exit status 1, stdout: , stderr: Auto-detected mode as 'legacy' nvidia-container-cli: requirement error: unsatisfied condition: cuda>=12.9, please update your driver to a newer version, or use an earlier cuda container: unknown.",
    ],
    nearMisses: [
      "NOTE: CUDA Forward Compatibility mode ENABLED.",
      "  Using CUDA 12.8 driver version 570.124.06 with kernel driver version 535.230.02.",
      "WARNING: The NVIDIA Driver was not detected.  GPU functionality will not be available.",
    ],
  },
  {
    // the NVIDIA driver's user-space libraries (NVML, libcuda) of another version than the kernel module that is loaded,
    // after a driver upgrade without a reboot: nvidia-smi's `Failed to initialize NVML: Driver/library version mismatch`
    // (exit code 18), the NVIDIA container toolkit's `nvidia-container-cli: initialization error: nvml error:
    // driver/library version mismatch: unknown`, pynvml's `NVMLError_LibRmVersionMismatch: RM has detected an NVML/RM
    // version mismatch.`, NVML's `NVML_ERROR_LIB_RM_VERSION_MISMATCH`, and the kernel's own record `NVRM: API mismatch:
    // the client has the version 515.48.07, but` (its next line names the module's version)
    id: "vllm.driverLibraryMismatch", dialect: "any", level: "error",
    anyOf: ["driver/library version mismatch", "nvml/rm version mismatch", "librmversionmismatch", "lib_rm_version_mismatch", "api mismatch: the client has the version"],
    values: [/the client has the version (?<client>\d+(?:\.\d+){1,2})/, /(?<containerCli>nvidia-container-cli)/],
    pattern: /Driver\/library version mismatch|NVML\/RM version mismatch|NVMLError_LibRmVersionMismatch|NVML_ERROR_LIB_RM_VERSION_MISMATCH|NVRM: API mismatch: the client has the version \d/i,
    samples: [
      "Failed to initialize NVML: Driver/library version mismatch",
      "[task 2026-03-01T05:06:30.005+00:00] [train] [nvidia-smi(stdout)] Failed to initialize NVML: Driver/library version mismatch",
      "docker: Error response from daemon: failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: error running hook #0: error running hook: exit status 1, stdout: , stderr: Auto-detected mode as 'legacy' nvidia-container-cli: initialization error: nvml error: driver/library version mismatch: unknown.",
      "pynvml.nvml.NVMLError_LibRmVersionMismatch: RM has detected an NVML/RM version mismatch.",
      "(EngineCore_DP0 pid=88) ERROR 11-29 10:01:02 [core.py:866] pynvml.NVMLError_LibRmVersionMismatch: RM has detected an NVML/RM version mismatch.",
      "[ 7386.259769] NVRM: API mismatch: the client has the version 515.48.07, but",
    ],
    nearMisses: [
      "NVML library version: 550.144",
      "               NVRM: this kernel module has the version 510.73.05.  Please",
      "cluster/version-mismatch: the nodes run different driver versions",
    ],
  },
  {
    // the container engine could not give the container its GPUs, so nothing in it ever ran: the NVIDIA container
    // toolkit's CLI (the prestart hook of docker's and podman's nvidia runtime, enroot's 98-nvidia.sh hook under pyxis)
    // finding no working driver on the host (`nvidia-container-cli: initialization error: nvml error: driver not loaded`,
    // `... load library failed: libnvidia-ml.so.1: cannot open shared object file ...`); enroot's hook finding no CLI at
    // all (`[ERROR] Command not found: nvidia-container-cli, see ...`, `[ERROR] /etc/enroot/hooks.d/98-nvidia.sh exited
    // with return code 1`); docker asked for `--gpus` with no NVIDIA runtime configured (`could not select device driver
    // "" with capabilities: [[gpu]]`); and a CDI device name no CDI spec defines (podman's and docker's `unresolvable CDI
    // devices nvidia.com/gpu=all`, containerd's `failed to inject CDI devices`). The driver/library mismatch and a driver
    // older than the image's CUDA, which the same hook reports, are vllm.driverLibraryMismatch's and vllm.cudaDriver's
    id: "vllm.containerGpuSetup", dialect: "any", level: "error",
    anyOf: ["nvidia-container-cli", "-nvidia.sh exited", "could not select device driver", "cdi device"],
    values: [
      /(?<noDriver>nvml error: driver not loaded|load library failed: libnvidia-ml\.so)/,
      /(?<noCli>Command not found: nvidia-container-cli|hooks\.d\/\d+-nvidia\.sh exited with return code \d+)/,
      /(?<noRuntime>could not select device driver "[^"]*" with capabilities: \[\[gpu\]\])/,
      /unresolvable CDI devices? (?<cdi>[\w.\-]+\/[\w.\-]+=[\w.\-:]+)|(?<cdiInject>failed to inject CDI devices)/,
    ],
    pattern: /nvidia-container-cli: initialization error: (?:nvml error: driver not loaded|load library failed: libnvidia-ml\.so)|\[ERROR\] Command not found: nvidia-container-cli\b|hooks\.d\/\d+-nvidia\.sh exited with return code [1-9]|could not select device driver "[^"]*" with capabilities: \[\[gpu\]\]|unresolvable CDI devices? [\w.\-]+\/[\w.\-]+=|failed to inject CDI devices/,
    samples: [
      "docker: Error response from daemon: failed to create shim: OCI runtime create failed: container_linux.go:380: starting container process caused: process_linux.go:545: container init caused: Running hook #0:: error running hook: exit status 1, stdout: , stderr: nvidia-container-cli: initialization error: nvml error: driver not loaded: unknown.",
      "nvidia-container-cli: initialization error: load library failed: libnvidia-ml.so.1: cannot open shared object file: no such file or directory: unknown.",
      "slurmstepd: error: pyxis:     [ERROR] Command not found: nvidia-container-cli, see https://github.com/NVIDIA/libnvidia-container",
      "slurmstepd: error: pyxis:     [ERROR] /etc/enroot/hooks.d/98-nvidia.sh exited with return code 1",
      "docker: Error response from daemon: could not select device driver \"\" with capabilities: [[gpu]].",
      "Error: setting up CDI devices: unresolvable CDI devices nvidia.com/gpu=all",
      "Error: crun: setting up CDI devices: unresolvable CDI devices nvidia.com/gpu=0",
    ],
    nearMisses: [
      "docker: Error response from daemon: failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: error running hook #0: error running hook: exit status 1, stdout: , stderr: Auto-detected mode as 'legacy' nvidia-container-cli: requirement error: unsatisfied condition: cuda>=12.9, please update your driver to a newer version",
      "nvidia-container-cli: initialization error: nvml error: driver/library version mismatch: unknown",
      "I0418 18:12:58.648174 217303 nvc.c:376] initializing library context (version=1.9.0, build=5e135c17d6dbae861ec343e9a8d3a0d2af758a4f)",
      "podman run --rm --device nvidia.com/gpu=all ubuntu nvidia-smi",
      "sudo nvidia-ctk cdi generate --output=/etc/cdi/nvidia.yaml",
    ],
  },
  {
    // the versions the driver's two halves print beside that mismatch: the loaded kernel module's (the continuation of
    // the kernel's API mismatch record: `NVRM: this kernel module has the version 510.73.05.  Please`) and the user-space
    // NVML library's (nvidia-smi's second line after its failure: `NVML library version: 550.144`)
    id: "vllm.driverVersionHalves", dialect: "any", level: "info",
    anyOf: ["this kernel module has the version", "nvml library version:"],
    values: [/this kernel module has the version (?<module>\d+(?:\.\d+){1,2})/, /NVML library version: (?<nvml>\d+(?:\.\d+){1,2})/],
    pattern: /NVRM: this kernel module has the version \d|\bNVML library version: \d/,
    samples: ["               NVRM: this kernel module has the version 510.73.05.  Please", "NVML library version: 550.144"],
    nearMisses: ["the kernel module has the version we expected", "NVML library version is fine"],
  },
  {
    // cudaErrorSystemNotReady (802) outside NCCL: the CUDA driver refuses every process on an NVSwitch machine (HGX/DGX
    // A100, H100, H200, B200) until its Fabric Manager has set the fabric up. Its wordings: c10's device count
    // (`Unexpected error from cudaGetDeviceCount() ... Error 802: system not yet initialized`, a RuntimeError or torch's
    // `CUDA initialization:` UserWarning), torch's CUDA check (`CUDA error: system not yet initialized`), the old THC
    // (`cuda runtime error (802) : system not yet initialized`), the runtime's and driver's names (`cudaErrorSystemNotReady`,
    // `CUDA_ERROR_SYSTEM_NOT_READY`) and the CUDA samples' `returned 802`. NCCL's `Cuda failure 802 '...'` is nccl.cudaError's.
    id: "vllm.cudaSystemNotReady", dialect: "any", level: "error",
    anyOf: ["system not yet initiali", "systemnotready", "system_not_ready", "returned 802"],
    pattern: /Error 802: system not yet initiali[sz]ed|cuda runtime error \(802\)|CUDA error: system not yet initiali[sz]ed|cudaErrorSystemNotReady|CUDA_ERROR_SYSTEM_NOT_READY|\breturned 802\b/i,
    values: [/(?<warning>UserWarning: CUDA initiali[sz]ation)/],
    samples: [
      "RuntimeError: Unexpected error from cudaGetDeviceCount(). Did you run some cuda functions before calling NumCudaDevices() that might have already set an error? Error 802: system not yet initialized",
      "(Worker_TP2 pid=4410) ERROR 05-11 08:02:17 [multiproc_executor.py:611] RuntimeError: Unexpected error from cudaGetDeviceCount(). Did you run some cuda functions before calling NumCudaDevices() that might have already set an error? Error 802: system not yet initialized",
      "/opt/venv/lib/python3.11/site-packages/torch/cuda/__init__.py:129: UserWarning: CUDA initialization: Unexpected error from cudaGetDeviceCount(). Did you run some cuda functions before calling NumCudaDevices() that might have already set an error? Error 802: system not yet initialized (Triggered internally at ../c10/cuda/CUDAFunctions.cpp:108.)",
      "RuntimeError: CUDA error: system not yet initialized",
      "RuntimeError: cuda runtime error (802) : system not yet initialized at /opt/conda/conda-bld/pytorch_1/work/aten/src/THC/THCGeneral.cpp:50",
      "CUDA error at bandwidthTest.cu:256 code=802(cudaErrorSystemNotReady) \"cudaSetDevice(currentDevice)\"",
      "jaxlib.xla_extension.XlaRuntimeError: INTERNAL: cuInit(0) failed: CUDA_ERROR_SYSTEM_NOT_READY: system not yet initialized",
    ],
    nearMisses: [
      "gpu-a:812:812 [3] include/alloc.h:125 NCCL WARN Cuda failure 802 'system not yet initialized'",
      "INFO 05-11 08:02:10 [__init__.py:241] Automatically detected platform cuda.",
      "the system is not yet ready for requests",
    ],
  },
  {
    // CUDA_VISIBLE_DEVICES naming GPUs by UUID (`GPU-<uuid>`) or MIG instances (`MIG-<uuid>`, the pre-R470 form
    // `MIG-GPU-<uuid>/<gi>/<ci>`): CUDA accepts them, but vLLM maps each visible device to its physical number with
    // `int()` on every entry of the variable (vllm/platforms' device_id_to_physical_device_id, the Ray executor of
    // 0.4-0.5), and Python's ValueError names the entry it could not read
    id: "vllm.visibleDevicesUuid", dialect: "any", level: "error",
    anyOf: ["invalid literal for int()"],
    values: [/base 10: '(?<uuid>(?<kind>MIG|GPU)-[^']*)'/],
    pattern: /invalid literal for int\(\) with base 10: '(?:MIG-GPU|MIG|GPU)-[0-9a-fA-F]/,
    samples: [
      "ValueError: invalid literal for int() with base 10: 'MIG-4f1a2b3c-1d2e-5f60-8a9b-0c1d2e3f4a5b'",
      "(RayWorkerWrapper pid=812, ip=10.0.0.4) ValueError: invalid literal for int() with base 10: 'GPU-9e8d7c6b-5a49-3827-1605-f4e3d2c1b0a9'",
      "(EngineCore_DP0 pid=91) ERROR 05-06 10:11:12 [core.py:866] ValueError: invalid literal for int() with base 10: 'MIG-GPU-0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9/1/0'",
    ],
    nearMisses: [
      "ValueError: invalid literal for int() with base 10: 'auto'",
      "export CUDA_VISIBLE_DEVICES=MIG-4f1a2b3c-1d2e-5f60-8a9b-0c1d2e3f4a5b",
      "  MIG 2g.20gb      Device  0: (UUID: MIG-4f1a2b3c-1d2e-5f60-8a9b-0c1d2e3f4a5b)",
    ],
  },
  {
    // vLLM refusing a pipeline parallel size above 1 before it builds anything, as the exception line prints it (the
    // exception's name right before the words, so the `"Pipeline parallelism ... "` code line a traceback quotes is
    // not read). By release: ≤0.5.0's ParallelConfig refuses PP outright (`... is not supported yet.`), 0.5.1 runs it on
    // Ray only (`... not supported yet with multiprocessing.`); 0.5.1 → 0.6.3's ModelConfig lists the architectures that
    // have it (`is only supported for the following  architectures: [...]`, two spaces in the words), later releases
    // ask the model class for the SupportsPP interface (`... is not supported for this model. Supported models
    // implement the `SupportsPP` interface.`); V0's synchronous LLMEngine (the offline LLM class) refuses PP in its step
    // (`... only supported through AsyncLLMEngine as performance will be severely degraded otherwise.`)
    id: "vllm.ppUnsupported", dialect: "any", level: "error",
    anyOf: ["pipeline parallelism is"],
    values: [
      /(?<notYet>Pipeline parallelism is not supported yet)(?<mp> with multiprocessing)?/,
      /(?<asyncOnly>Pipeline parallelism is only supported through AsyncLLMEngine)/,
      /Pipeline parallelism is only supported for the following\s+architectures:\s*(?<archs>\[[^\]]{0,2000}\]?)/,
      /(?<model>Pipeline parallelism is not supported for this model)/,
    ],
    pattern: /\b(?:[A-Z]\w*(?:Error|Exception)(?:\([\w.]+\))?): Pipeline parallelism is (?:not supported (?:yet\b|for this model\b)|only supported (?:through AsyncLLMEngine\b|for the following\s+architectures\b))/,
    samples: [
      "NotImplementedError: Pipeline parallelism is not supported yet.",
      "NotImplementedError: Pipeline parallelism is not supported yet with multiprocessing.",
      "[rank0]: NotImplementedError: Pipeline parallelism is only supported through AsyncLLMEngine as performance will be severely degraded otherwise.",
      "NotImplementedError: Pipeline parallelism is only supported for the following  architectures: ['LlamaForCausalLM', 'MixtralForCausalLM'].",
      "(EngineCore_DP0 pid=88) ERROR 05-02 10:11:12 [core.py:700] NotImplementedError: Pipeline parallelism is not supported for this model. Supported models implement the `SupportsPP` interface.",
    ],
    nearMisses: [
      '    raise NotImplementedError("Pipeline parallelism is not supported "',
      '                "Pipeline parallelism is only supported through AsyncLLMEngine "',
      "WARNING 05-02 10:11:12 config.py:700] Async output processor is not supported with pipeline parallelism currently. Disabling it.",
      "(Worker_PP1 pid=25) INFO 07-17 21:06:22 [utils.py:164] Hidden layers were unevenly partitioned: [22,21]. This can be manually overridden using the VLLM_PP_LAYER_PARTITION environment variable",
    ],
  },
  {
    // A standalone draft model (`--speculative-config '{"model": "<small model>", ...}'`, method draft_model) refused by
    // the V1 engine's configuration check, in the releases between V0's removal and the V1 draft-model proposer: 0.9's
    // EngineArgs (`Speculative decoding with draft model is not supported yet. ... ngram, medusa, eagle, or
    // deepseek_mtp.`), 0.10's (`Draft model speculative decoding is not supported yet. ...`) and 0.11 → 0.13's
    // SpeculativeConfig.__post_init__ (vllm/config/speculative.py, the first wording ending in `mtp.`), raised as
    // NotImplementedError (pydantic may re-raise it as a ValueError or ValidationError). The refusal lists the methods
    // the release runs.
    id: "vllm.specDraftUnsupported", dialect: "any", level: "error",
    anyOf: ["with draft model is not supported", "draft model speculative decoding is not"],
    values: [
      /(?:with draft model|Draft model speculative decoding) is not supported yet\.?(?:\s*Please consider using other speculative decoding methods such as (?<methods>[\w ,\-]{1,120}?)\.?\s*$)?/,
    ],
    pattern: /(?:^|[\s:])(?:Speculative decoding with draft model|Draft model speculative decoding) is not supported yet\b/,
    samples: [
      "NotImplementedError: Speculative decoding with draft model is not supported yet. Please consider using other speculative decoding methods such as ngram, medusa, eagle, or deepseek_mtp.",
      "(APIServer pid=9) NotImplementedError: Speculative decoding with draft model is not supported yet. Please consider using other speculative decoding methods such as ngram, medusa, eagle, or mtp.",
      "ValueError: Draft model speculative decoding is not supported yet. Please consider using other speculative decoding methods such as ngram, medusa, eagle, or mtp.",
      "  Value error, Speculative decoding with draft model is not supported yet. Please consider using other speculative decoding methods such as ngram, medusa, eagle, or mtp. [type=value_error, input_value=ArgsKwargs((), {...}), input_type=ArgsKwargs]",
    ],
    nearMisses: [
      '                "Speculative decoding with draft model is not supported yet. "',
      '                    "Draft model speculative decoding is not supported yet. "',
      "INFO 03-02 10:11:12 [speculative.py:291] Speculative decoding with draft model: Qwen/Qwen3-0.6B, num_speculative_tokens=5",
      "# draft model is not supported yet in this guide",
    ],
  },
  {
    // --kv-transfer-config naming a connector this vLLM cannot build. The connector factory's registry lookup
    // (vllm/distributed/kv_transfer/kv_connector/factory.py: V0's from 0.7, V1's from 0.8.5, which from 0.9 first tries
    // kv_connector_module_path) raises `ValueError: Unsupported connector type: <name>`; V0's MQLLMEngine logs the bare
    // message at ERROR before its traceback. 0.6.5-0.7's KVTransferConfig check says `Unsupported kv_connector: <name>.
    // Supported connectors are [...]`, tpu-inference's platform check `Unsupported kv_connector '<name>' for the TPU
    // platform`, and 0.9's V1 factory refuses any connector under the V0 engine (`Attempting to initialize a V1
    // Connector, but found envs.VLLM_USE_V1=False`). The f-string of the source line is no refusal
    id: "vllm.kvConnectorUnknown", dialect: "vllm", level: "error",
    anyOf: ["unsupported connector type: ", "unsupported kv_connector", "initialize a v1 connector"],
    values: [
      /Unsupported (?:connector type: |kv_connector: |kv_connector ')(?<connector>[A-Za-z_][\w.\-]{0,100})/,
      /(?<tpu>for the TPU platform)/,
      /(?<v0Engine>Attempting to initialize a V1 Connector)/,
    ],
    pattern: /Unsupported (?:connector type|kv_connector): [A-Za-z_][\w.\-]*(?:\.?\s|\.?$|\.)|Unsupported kv_connector '[A-Za-z_][\w.\-]*' for the TPU platform|Attempting to initialize a V1 Connector, but found envs\.VLLM_USE_V1=False/,
    samples: [
      "ERROR 05-13 08:41:45 [engine.py:598] Unsupported connector type: LMCacheConnectorV1",
      "(EngineCore_DP0 pid=712) ValueError: Unsupported connector type: LMCacheConnector",
      "pydantic_core._pydantic_core.ValidationError: Unsupported kv_connector: LMCacheConnectorV1. Supported connectors are ['PyNcclConnector', 'MooncakeConnector'].",
      "ValueError: Unsupported kv_connector 'NixlConnector' for the TPU platform. Expected one of ('TPUConnector', 'TPUConnectorHMA').",
      "ValueError: Attempting to initialize a V1 Connector, but found envs.VLLM_USE_V1=False",
    ],
    nearMisses: [
      '    raise ValueError(f"Unsupported connector type: {connector_name}")',
      '                f"Unsupported connector type: "',
      "INFO 06-16 15:49:51 [factory.py:74] Creating v1 connector with name: LMCacheConnectorV1 and engine_id: 2cb2bf76",
      "ValueError: Unsupported kv_role: kv_sender. Supported roles are ('kv_producer', 'kv_consumer', 'kv_both')",
    ],
  },
  {
    // torch.compile failing while vLLM compiles the model at start-up (V1 by default, V0 with -O3): an exception line of
    // Dynamo (torch/_dynamo/exc.py) or Inductor (torch/_inductor/exc.py) as Python prints it, with the module path.
    // Dynamo wraps what its backend raised: `torch._dynamo.exc.BackendCompilerFailed: backend='inductor' raised:` (torch
    // 2.0 →, the inner `TypeError: ...` on the next line; vLLM's own backend shows as `backend='<vllm.compilation.backends.
    // VllmBackend object at 0x...>'`), in torch 1.13/2.0 previews on one line (`... BackendCompilerFailed: inductor raised
    // TypeError: ...`); torch ≥2.7 raises Inductor's failures as `torch._inductor.exc.InductorError: <Type>: <message>`.
    // Dynamo's own refusals under vLLM's full-graph capture: `Unsupported`, `TorchRuntimeError`, `InternalTorchDynamoError`,
    // `UserError`. Also vLLM's words for a compile that left a broken artifact in its cache (vllm/compilation/backends.py)
    // and Triton's JIT finding no C compiler (triton/runtime/build.py), which Inductor's kernels need.
    id: "vllm.torchCompileFailed", dialect: "any", level: "error",
    // (one run of dots in a word at most: the stats lines' fast path checks words against their numbers)
    anyOf: ["_dynamo.exc", "torchdynamo.exc", "_inductor.exc", "failed to compile the model", "failed to find c compiler"],
    values: [
      /(?<exc>BackendCompilerFailed|Unsupported|TorchRuntimeError|InternalTorchDynamoError|UserError|InductorError|LoweringException|CppCompileError): (?<said>.*?)\s*$/,
      /backend=(?<backend>'[^']*'|"[^"]*")/,
      /(?<corruptCache>vLLM failed to compile the model)/,
      /(?<noCompiler>Failed to find C compiler|No such file or directory: '(?:[\w./-]*\/)?(?:gcc|cc|g\+\+|c\+\+|clang)'|InvalidCxxCompiler|Python\.h: No such file)/,
      /(?<diskFull>\[Errno 28\]|No space left on device)/,
    ],
    pattern: /(?:^|[\s)\]|>])(?:(?:torch\._dynamo|torchdynamo)\.exc\.(?:BackendCompilerFailed|Unsupported|TorchRuntimeError|InternalTorchDynamoError|UserError)|torch\._inductor\.exc\.(?:InductorError|LoweringException|CppCompileError)): |\bvLLM failed to compile the model\b|\bFailed to find C compiler\. Please specify via CC\b/,
    samples: [
      "torch._dynamo.exc.BackendCompilerFailed: backend='inductor' raised:",
      "(VllmWorkerProcess pid=802) ERROR 04-23 00:04:19 multiproc_worker_utils.py:240] torch._dynamo.exc.BackendCompilerFailed: backend='<vllm.compilation.backends.VllmBackend object at 0x7f2a1c3d5e80>' raised:",
      "(EngineCore_DP0 pid=7) ERROR 09-02 03:04:05 [core.py:700] torch._inductor.exc.InductorError: RuntimeError: Failed to find C compiler. Please specify via CC environment variable or set triton.knobs.build.impl.",
      "(Worker_TP1 pid=1405) ERROR 07-01 14:35:41 [multiproc_executor.py:962] torch._inductor.exc.InductorError: OSError: [Errno 28] No space left on device",
      "torch._dynamo.exc.BackendCompilerFailed: inductor raised TypeError: 'int' object is not iterable",
      "torch._dynamo.exc.Unsupported: Data-dependent branching",
      "torchdynamo.exc.BackendCompilerFailed: inductor raised AssertionError: ",
      "RuntimeError: vLLM failed to compile the model. The most likely reason for this is that a previous compilation failed, leading to a corrupted compilation artifact. We recommend trying to remove ~/.cache/vllm/torch_compile_cache and try again to see the real issue.",
    ],
    nearMisses: [
      "    except torch._dynamo.exc.BackendCompilerFailed as e:",
      "    raise BackendCompilerFailed(self.compiler_fn, e) from e",
      '  File "/usr/lib/python3.12/site-packages/torch/_dynamo/exc.py", line 180, in __init__',
      "    torch._dynamo.config.suppress_errors = True",
      "(Worker_TP0 pid=116) INFO 05-18 06:17:38 [backends.py:393] Compiling a graph for compile range (1, 8192) takes 34.03 s",
      "INFO 04-24 16:33:12 [monitor.py:33] torch.compile takes 6.41 s in total",
    ],
  },
  {
    // CUDA graph capture broken by a call capture does not allow (a sync, an allocation, a host copy, work on another
    // stream) or invalidated by an earlier one: the CUDA runtime's cudaErrorStreamCapture* / cudaErrorCapturedEvent
    // messages as cudaGetErrorString words them, however they are reported (torch's `RuntimeError: CUDA error: operation
    // failed due to a previous error during capture` and its hint `Search for \`cudaErrorStreamCaptureUnsupported' in
    // ...`, NCCL's `NCCL WARN Cuda failure 'dependency created on uncaptured work in another stream'`, HIP's hipError...)
    id: "vllm.cudaGraphCapture", dialect: "any", level: "error",
    anyOf: ["capturing", "during capture", "capture sequence", "uncaptured work", "streamcapture", "capturedevent", "same stream as it began"],
    values: [
      // (NCCL's own WARN of the capture error: the collective was captured)
      /(?<ncclWarn>NCCL WARN)/,
      new RegExp(`(?<failure>${CAPTURE_MESSAGES})`),
      /(?<code>\b(?:cuda|hip)Error(?:StreamCapture(?:Unsupported|Invalidated|Merge|Unmatched|Unjoined|Isolation|Implicit|WrongThread)|CapturedEvent)\b)/,
      /(?<previous>operation failed due to a previous error during capture|StreamCaptureInvalidated)/,
    ],
    pattern: new RegExp(`(?:error:? '?|failure ')(?:${CAPTURE_MESSAGES})|\\b(?:cuda|hip)Error(?:StreamCapture(?:Unsupported|Invalidated|Merge|Unmatched|Unjoined|Isolation|Implicit|WrongThread)|CapturedEvent)\\b`),
    samples: [
      "(VllmWorkerProcess pid=4121) ERROR 03-25 12:23:00 [multiproc_worker_utils.py:238] RuntimeError: CUDA error: operation failed due to a previous error during capture",
      "(Worker_TP1 pid=77) ERROR 05-08 19:06:38 [multiproc_executor.py:962] Search for `cudaErrorStreamCaptureUnsupported' in https://docs.nvidia.com/cuda/cuda-runtime-api/group__CUDART__TYPES.html for more information.",
      "(RayWorkerVllm pid=51) node-3:51:51 [1] enqueue.cc:267 NCCL WARN Cuda failure 'dependency created on uncaptured work in another stream'",
      "torch.AcceleratorError: CUDA error: operation not permitted when stream is capturing",
      "RuntimeError: HIP error: operation would make the legacy stream depend on a capturing blocking stream",
    ],
    nearMisses: [
      "(Worker_TP0 pid=9) INFO 05-08 19:06:30 [gpu_model_runner.py:3480] Capturing CUDA graphs (mixed prefill-decode, PIECEWISE): 100%",
      "INFO 04-12 08:22:05 [model_runner.py:1456] Capturing cudagraphs for decoding. This may lead to unexpected consequences if the model is not static. If out-of-memory error occurs during cudagraph capture, consider decreasing `gpu_memory_utilization` or switching to eager mode.",
      "RuntimeError: CUDA error: out of memory",
    ],
  },
  {
    // vLLM's custom all-reduce kernels (csrc/custom_all_reduce.cuh) check each CUDA call with a CUDACHECK macro that
    // prints `Failed: Cuda error <file>:<line> '<cudaGetErrorString>'` and exits the process: opening a peer's IPC
    // handle, registering buffers (the CUDA graphs' too), launching the kernel
    id: "vllm.customAllreduceFailure", dialect: "any", level: "error", anyOf: ["custom_all_reduce", "custom_ar"],
    values: [/(?<site>[\w.\-]*custom_a(?:ll_reduce|r)[\w.\-]*\.(?:cuh|cu|cpp|h):\d+) '(?<cuda>[^']+)'/],
    // (builds of 2024-2025 printed it without the `Cuda error ` words: `Failed: <file>:<line> '<cudaGetErrorString>'`)
    pattern: /Failed: (?:Cuda error )?\S*?custom_a(?:ll_reduce|r)[\w.\-]*\.(?:cuh|cu|cpp|h):\d+ '[^']+'/i,
    samples: [
      "Failed: Cuda error /workspace/csrc/custom_all_reduce.cuh:455 'invalid argument'",
      "2026-01-02T03:04:05.678Z  INFO some_launcher::worker: VLLM: Failed: /build/vllm/csrc/custom_all_reduce.cuh:301 'invalid argument'",
      "(VllmWorker rank=1 pid=312) Failed: Cuda error /tmp/vllm/csrc/custom_all_reduce.cuh:368 'peer access is not supported between these two devices'",
    ],
    nearMisses: [
      "(VllmWorker rank=0 pid=88) WARNING 11-05 09:13:02 [custom_all_reduce.py:85] Custom allreduce is disabled because it's not supported on more than two PCIe-only GPUs.",
      "Failed: Cuda error common.cu:732 'invalid device ordinal'",
    ],
  },
  {
    // a port the server or its processes bind is taken (Linux errno 98 EADDRINUSE, Windows WSAEADDRINUSE 10048): the API
    // server's socket (uvicorn's `[Errno 98] error while attempting to bind on address ('0.0.0.0', 8000)`, vLLM's own
    // `OSError: [Errno 98] Address already in use` from create_server_socket), torch.distributed's store (`The server
    // socket has failed to listen on any local network address. port: 29500, ... name: EADDRINUSE`), the ZMQ sockets
    // of the engine handshake and data parallel RPC (`zmq.error.ZMQError: Address already in use (addr='tcp://...')`).
    // NCCL's optional RAS listener (`ras/client_support.cc ... NCCL WARN Call to bind failed: Address already in use`)
    // is not: NCCL goes on without it.
    id: "vllm.portInUse", dialect: "any", level: "error", anyOf: ["address already in use", "eaddrinuse", "only one usage of each socket address"],
    values: [
      /bind on address \((?:'(?<host>[^']*)'|\[?(?<host6>[^\],)]*)\]?), (?<port>\d+)(?:, \d+, \d+)?\)/,
      /(?<store>server socket has failed to listen|TCPStore)/i,
      /\bport:? (?<storePort>\d{2,5})\b/,
      /(?<zmq>ZMQError)(?:[^]*?addr='?[a-z]+:\/\/(?<zmqHost>[^:'\s]+):(?<zmqPort>\d+))?/,
    ],
    pattern: /^(?![^]*?(?:NCCL WARN|ras\/client_support))[^]*?(?:[Aa]ddress already in use|\bEADDRINUSE\b|Only one usage of each socket address)/,
    samples: [
      "ERROR:    [Errno 98] error while attempting to bind on address ('0.0.0.0', 8000): address already in use",
      "OSError: [Errno 98] Address already in use",
      "torch.distributed.DistNetworkError: The server socket has failed to listen on any local network address. port: 29500, useIpv6: false, code: -98, name: EADDRINUSE, message: address already in use",
      "zmq.error.ZMQError: Address already in use (addr='tcp://10.0.0.5:13345')",
    ],
    nearMisses: [
      "paula09:2528103:2528103 [0] ras/client_support.cc:160 NCCL WARN Call to bind failed: Address already in use",
      "DEBUG 09-04 17:38:34 launcher.py:64] port 44319 is used by process psutil.Process(pid=60914, name='pt_main_thread', status='sleeping')",
    ],
  },
  {
    // argparse's own error (vLLM's FlexibleArgumentParser keeps ArgumentParser.error): the usage text, then
    // `<prog>: error: <message>`, and exit status 2 before anything starts. prog is `vllm serve` / `vllm` for the CLI,
    // `api_server.py` for `python -m vllm.entrypoints.openai.api_server`, a script's file name for the bench scripts.
    id: "vllm.badCliArgs", dialect: "any", level: "error",
    anyOf: [": error: unrecognized arguments", ": error: argument ", ": error: the following arguments are required", ": error: ambiguous option"],
    pattern: /(?:^|\s)(?<prog>vllm(?: [\w-]+)?|[\w.\-]+\.py): error: (?:unrecognized arguments: (?<unrecognized>.+)|argument (?<flag>[^:]+): (?<problem>.+)|the following arguments are required: (?<required>.+)|ambiguous option: (?<ambiguous>.+))$/,
    samples: [
      "api_server.py: error: unrecognized arguments: --enable-reasoning --reasoning-parser deepseek_r1",
      "vllm serve: error: argument --dtype: invalid choice: 'fp8' (choose from 'auto', 'half', 'float16', 'bfloat16', 'float', 'float32')",
      "vllm: error: the following arguments are required: model_tag",
    ],
    nearMisses: ["error: unrecognized arguments are reported by argparse before the server starts"],
  },
  {
    id: "vllm.tpNotDivisible", dialect: "any", level: "error", anyOf: ["divisible", "divide evenly"],
    // vLLM's `ensure_divisibility` (vllm/distributed/utils.py, from Megatron) names no dimension: `assert numerator %
    // denominator == 0, "{} is not divisible by {}"`, raised by `divide(size, tp_size)` in the parallel layers
    pattern: new RegExp(firstThen("(?:divisible by|not divisible by|divide evenly)", ".*tensor.?parallel") + "|" + firstThen("tensor.?parallel", ".*(?:not divisible|must divide)") + String.raw`|\bAssertionError: \d+ is not divisible by \d+\s*$`, "i"),
    samples: ["AssertionError: 8 is not divisible by tensor parallel size 3", "[rank0]: AssertionError: 32768 is not divisible by 3"],
  },
  {
    // PyTorch's CUDA caching allocator when a cudaMalloc fails even after it freed its cache (c10/cuda/CUDACachingAllocator.cpp,
    // a `[W…]` glog warning, torch ≥2.6): `memory allocation failed with OOM on device 3 while trying to allocate 26229080064
    // bytes (free: 16487546880, total: 191503007744).` The OutOfMemoryError it raises next may be caught (vLLM's autotuner,
    // a fallback path), so the line alone is a warning; a `CUDA out of memory` after it is the failure.
    id: "torch.allocatorOom", dialect: "any", level: "warning", anyOf: ["allocation failed with oom"],
    pattern: /memory allocation failed with OOM on device (?<gpu>\d+) while trying to allocate (?<bytes>\d+) bytes(?: \(free: (?<freeBytes>\d+), total: (?<totalBytes>\d+)\))?/,
    samples: [
      "[rank2]:[W301 10:04:55.812203114 CUDACachingAllocator.cpp:3933] memory allocation failed with OOM on device 2 while trying to allocate 4294967296 bytes (free: 1073741824, total: 85899345920).",
      "[W301 10:04:55.812203114 CUDACachingAllocator.cpp:3933] memory allocation failed with OOM on device 0 while trying to allocate 536870912 bytes (free: 209715200, total: 25769803776).",
    ],
    nearMisses: ["memory allocation failed: not enough host memory for the pinned buffer"],
  },
  {
    // MLPerf Inference's LoadGen summary (loadgen/results.cc, PerformanceSummary::PrintResults): `Result is : VALID` or
    // `INVALID`, the run is no result to submit or compare. A harness round vLLM (the reference SUTs of the LLM
    // benchmarks) prints it at the end of mlperf_log_summary.txt and on stdout.
    id: "vllm.mlperfInvalid", dialect: "any", level: "warning", anyOf: ["result is : invalid"],
    pattern: /^Result is : INVALID\s*$/,
    samples: ["Result is : INVALID"],
    nearMisses: ["Result is : VALID"],
  },
  {
    // the summary's constraint lines below the result, each `Yes` or `NO` (`  Min queries satisfied : NO`, and the LLM
    // benchmarks' `  Early stopping satisfied: NO`, whose colon has no space before it)
    id: "vllm.mlperfConstraint", dialect: "any", level: "info", anyOf: ["satisfied : no", "satisfied: no"],
    pattern: /^\s*(?<constraint>Performance constraints|Min duration|Min queries|Early stopping|TTFT constraints|TPOT constraints) satisfied ?: NO\s*$/,
    samples: ["  Min queries satisfied : NO", "  Early stopping satisfied: NO", "  Performance constraints satisfied : NO"],
    nearMisses: ["  Min duration satisfied : Yes", "  Early stopping satisfied: Yes"],
  },
];

/** Lines a signature must not be read from although its pattern matches (advice texts, benign NCCL WARNs). */
const PADDED = /\bpad(?:ding|ded)?\b|replicat/i;
/**
 * An optional verbs call the NIC or its driver does not support (`ibv_set_ece`, `ibv_query_ece`, `ibv_reg_dmabuf_mr`):
 * ibvwrap.cc's IBV_INT_CHECK_RET_ERRNO_OPTIONAL prints it at INFO level (`Call to ibv_set_ece failed with error Operation
 * not supported errno 95`, other versions `.. not supported` / `.. skipped, ..`), marks the feature unsupported and
 * returns ncclSuccess. A verbs call that really failed is a WARN (`NCCL WARN Call to ibv_modify_qp failed with error ..`).
 */
const IB_OPTIONAL_CALL = /NCCL INFO Call to ibv_\w+ (?:failed with error|not supported|skipped)/;
/**
 * NVSHMEM's own line, from its source file (`<nvshmem path>/<file>[:<function>]:<line>: ...`, see vllm.nvshmemFailure):
 * its verbs calls and its bootstrap's socket errors (a copy of NCCL's socket code) are NVSHMEM's, DeepEP's transport,
 * not NCCL's, whatever words they share.
 */
const NVSHMEM_ERROR_LINE = /(?<![\w./-])(?=[\w./-]*?nvshmem)[\w./-]*?\.(?:cpp|cu|cc|c|h|hpp)(?::\w+)?:\d+:? /;
/**
 * PyTorch's c10d store, not NCCL, lost its connection: TCPStore's client (`TCPStore.cpp:125] [c10d] recvValue failed on
 * SocketImpl(...): Connection reset by peer`) and ProcessGroupNCCL's heartbeat monitor polling it (`Failed to check the
 * "should dump" flag on TCPStore, (maybe TCPStore server has shut down too early), with error: Connection reset by
 * peer`). The store's server lives in rank 0's process (or the launcher's agent): these say it has gone away, which is
 * how every rank sees a job that is already ending; no NCCL peer is named.
 */
const C10D_STORE_LINE = /\bTCPStore\b/;

export const SIGNATURE_UNLESS: Readonly<Record<string, RegExp>> = {
  "vllm.cudaOom": OOM_ADVICE, "vllm.tpNotDivisibleHeads": PADDED, "vllm.tpNotDivisible": PADDED, "vllm.tpQuantShape": PADDED,
  "nccl.ibError": new RegExp(`${IB_OPTIONAL_CALL.source}|${NVSHMEM_ERROR_LINE.source}`),
  "nccl.bootstrapWeak": NVSHMEM_ERROR_LINE, "nccl.bootstrap": NVSHMEM_ERROR_LINE, "nccl.remoteExitedNet": new RegExp(`${NVSHMEM_ERROR_LINE.source}|${C10D_STORE_LINE.source}`),
  // vLLM's look for a safetensors index, logged at ERROR with the hub's answer (a local GGUF file's path refused as a repo
  // id, a 404) and then gone on from: the model is loaded another way, or fails later with its own error
  "vllm.modelDownload": /\bError retrieving safetensors: /,
  // the same words as a WARNING record: with chunked prefill on, vLLM only warns that longer prompts are refused
  "vllm.batchedTokensBelowMaxLen": /(?:^|[\s)\]])WARNING \d\d-\d\d \d\d:\d\d:\d\d/,
};

/** The values of a line of these signatures (Signature.values), for the signals reader. */
export const SIGNATURE_VALUES: ReadonlyMap<string, readonly RegExp[]> = new Map(SIGNATURES.flatMap((s) => (s.values ? [[s.id, s.values] as const] : [])));


const PREFILTER_WORDS = [...new Set(SIGNATURES.flatMap((s) => s.anyOf))].map((w) => w.toLowerCase());
/** each prefilter word that holds digits or dots (`.cc:`, `gdr 0`): what stands before and after its run of them, or null (two runs) */
const WORDS_WITH_NUMBERS = PREFILTER_WORDS.filter((w) => /[0-9.]/.test(w)).map((w) => {
  const m = /^([^0-9.]*)[0-9.]+([^0-9.]*)$/.exec(w);
  return m ? { before: m[1], after: m[2] } : null;
});

/**
 * No signature matches a line made of `parts` with any run of digits and dots between each two (the parts hold
 * neither): a prefilter word without them lies within one part, and one with them would have to start or end
 * against a run, as the parts around it do not allow. (A run stands for the numbers of a stats line, which the
 * fast path reads from the bytes: src/events/read-runtime.ts.)
 */
export function signatureFreeAroundNumbers(parts: readonly string[]): boolean {
  const lower = parts.map((p) => p.toLowerCase());
  if (lower.some((p) => /[0-9.]/.test(p) || scanWords(p, null))) return false;
  for (const w of WORDS_WITH_NUMBERS) {
    if (!w) return false;
    for (let k = 0; k + 1 < lower.length; k++) if (lower[k].endsWith(w.before) && lower[k + 1].startsWith(w.after)) return false;
  }
  return true;
}

/** A run of characters that may vary in a line: `min` to `max` digits (`hex`: or hex digits, either case). */
export interface VaryingRun {
  hex: boolean;
  min: number;
  max: number;
}

/**
 * No signature matches a line made of `parts` with, between each two, any run of `runs` (one fewer than the parts):
 * the prefilter passes no word that could lie in the line, whatever the runs hold (each word tried at every place
 * it could start, a run taking any count of characters it allows).
 */
export function signatureFreeWithRuns(parts: readonly string[], runs: readonly VaryingRun[]): boolean {
  if (parts.length !== runs.length + 1 || parts.join("").length + runs.reduce((n, r) => n + r.max, 0) > SIGNATURE_SPAN) return false;
  if (parts.some((p) => scanWords(p, null))) return false;
  // (no run: a word lies within the one part, which the prefilter passed)
  if (runs.length === 0) return true;
  // walk the line through the words' trie, a word starting at every character: `at` holds where each word begun so far
  // has reached; a run steps with every character it allows, as many times as it may be long
  let at: WordNode[] = [];
  for (let k = 0; k < parts.length; k++) {
    const part = parts[k].toLowerCase();
    for (let i = 0; i < part.length; i++) {
      const next: WordNode[] = [];
      if (wordEnds(at, part[i], next, ++wordStep)) return false;
      at = next;
    }
    if (k === runs.length) break;
    const run = runs[k];
    const after = new Set<WordNode>(run.min === 0 ? at : []);
    let cur = at;
    for (let c = 1; c <= run.max; c++) {
      const next: WordNode[] = [];
      if (runEnds(cur, run.hex, next, ++wordStep)) return false;
      const step = wordStep;
      // (each node is in `next` once: marked with this step)
      const same = c > run.min && next.length === cur.length && cur.every((n) => n.mark === step);
      cur = next;
      if (c >= run.min) for (const n of cur) after.add(n);
      // (the same places again: every longer run reaches them too)
      if (same) break;
    }
    at = [...after];
  }
  return true;
}

interface WordNode {
  next: Map<string, WordNode>;
  /** the nodes one digit on, and one digit or hex letter on */
  digitNext: WordNode[];
  hexNext: WordNode[];
  /** a whole word ends here */
  end: boolean;
  /** the last step of the walk that reached it */
  mark: number;
}
const wordNode = (): WordNode => ({ next: new Map(), digitNext: [], hexNext: [], end: false, mark: 0 });
const WORD_TRIE = wordNode();
let wordStep = 0;
for (const w of PREFILTER_WORDS) {
  let n = WORD_TRIE;
  for (let i = 0; i < w.length; i++) {
    const ch = w[i];
    let m = n.next.get(ch);
    if (!m) {
      n.next.set(ch, (m = wordNode()));
      if (ch >= "0" && ch <= "9") n.digitNext.push(m);
      if ((ch >= "0" && ch <= "9") || (ch >= "a" && ch <= "f")) n.hexNext.push(m);
    }
    n = m;
  }
  n.end = true;
}

/** `wordEnds` for every character a run allows (digits; `hex`: or a-f) */
function runEnds(from: readonly WordNode[], hex: boolean, next: WordNode[], step: number): boolean {
  for (let i = 0; i <= from.length; i++) {
    for (const m of (i < from.length ? from[i] : WORD_TRIE)[hex ? "hexNext" : "digitNext"]) {
      if (m.mark === step) continue;
      if (m.end) return true;
      m.mark = step;
      next.push(m);
    }
  }
  return false;
}

/** each word at `from` (and one starting here) taken one character `ch` on into `next` (once each: marked `step`): true if that ends a word */
function wordEnds(from: readonly WordNode[], ch: string, next: WordNode[], step: number): boolean {
  for (let i = 0; i <= from.length; i++) {
    const m = (i < from.length ? from[i] : WORD_TRIE).next.get(ch);
    if (m === undefined || m.mark === step) continue;
    if (m.end) return true;
    m.mark = step;
    next.push(m);
  }
  return false;
}

/**
 * No signature's prefilter word lies in a line's start `text`, a record header that ends in `]`, nor runs on past it
 * (no prefilter word holds a `]`): what follows it is then judged alone.
 */
export function signatureFreeHeader(text: string): boolean {
  return text.length <= SIGNATURE_SPAN && text.endsWith("]") && !scanWords(text, null) && !WORD_WITH_BRACKET;
}
const WORD_WITH_BRACKET = PREFILTER_WORDS.some((w) => w.includes("]"));

/**
 * No signature matches `text` (of at most SIGNATURE_SPAN characters) with the characters at `spans` (`[a, b)` pairs,
 * in order) changed to any other digits (`hex`: or hex digits): `signatureFreeWithRuns` with runs of their lengths.
 */
export function signatureFreeWhateverDigits(text: string, spans: readonly number[], hex = false): boolean {
  const parts: string[] = [];
  const runs: VaryingRun[] = [];
  let from = 0;
  for (let q = 0; q < spans.length; q += 2) {
    parts.push(text.slice(from, spans[q]));
    runs.push({ hex, min: spans[q + 1] - spans[q], max: spans[q + 1] - spans[q] });
    from = spans[q + 1];
  }
  parts.push(text.slice(from));
  return signatureFreeWithRuns(parts, runs);
}

export interface SignatureMatch {
  id: string;
  match: RegExpExecArray;
  /** an NCCL INFO line (an error-return inside a probe NCCL tolerates) or a retry: a failure only if no Init COMPLETE follows */
  soft: boolean;
  /** a retry announcement */
  retry: boolean;
}

/** How much of a line the patterns read: what a failure says is at its start, and the patterns stay linear in it. */
export const SIGNATURE_SPAN = 4096;

// Every signature's words, found in one pass over a line by an Aho-Corasick automaton: one table step a character
// (ASCII letters folded to lower case, as the words are written: the words are ASCII but for a few caseless CJK ones,
// so that is a case-insensitive regex's `i`). A case-insensitive regex of all ~500 words cost 2-4 us on a
// 150-character line (V8 tries the words at every position); this, ~0.3 us.
const SIGNATURES_BY_WORD = new Map<string, number[]>();
SIGNATURES.forEach((s, i) => s.anyOf.forEach((w) => SIGNATURES_BY_WORD.set(w, [...(SIGNATURES_BY_WORD.get(w) ?? []), i])));
const WORDS = [...SIGNATURES_BY_WORD.keys()];
const WORD_SIGS = WORDS.map((w) => SIGNATURES_BY_WORD.get(w)!);
/** a table entry not worked out yet */
const UNKNOWN = 0xffff;
const AC = buildWordAutomaton(WORDS);

/**
 * The automaton's tables, filled as lines are read: building every state's row for every class at once cost ~20 ms of
 * each command's start, where a run reaches a few hundred of the ~7,600 states.
 */
interface WordAutomaton {
  /** each UTF-16 code unit's class (0: in no word; A-Z as a-z) */
  cls: Uint8Array;
  classes: number;
  /** the next state, next[state * classes + class]: a trie edge, else UNKNOWN until `step` works it out */
  next: Uint16Array;
  /** the state's trie parent and the class of the edge into it */
  parent: Uint16Array;
  via: Uint8Array;
  /** the failure link (the longest proper suffix that is a trie state), UNKNOWN until worked out */
  fail: Uint16Array;
  /** 1 + the index of the word that ends at the state, else 0 */
  word: Int32Array;
  /** 1: a word ends at the state or down its failure links, 0: none, 2: not worked out */
  hit: Uint8Array;
}
function buildWordAutomaton(words: readonly string[]): WordAutomaton {
  const cls = new Uint8Array(0x10000);
  let classes = 1;
  for (const w of words) {
    if (w !== w.toLowerCase() || w.length === 0) throw new Error(`signature word ${JSON.stringify(w)}: lower case, not empty`);
    for (let j = 0; j < w.length; j++) if (cls[w.charCodeAt(j)] === 0) cls[w.charCodeAt(j)] = classes++;
  }
  for (let c = 65; c <= 90; c++) cls[c] = cls[c | 32];
  // the trie of the words in sorted order: a word shares its states with the one before up to their common prefix
  const order = words.map((w, k) => k).sort((x, y) => (words[x] < words[y] ? -1 : 1));
  const total = words.reduce((n, w) => n + w.length, 1);
  if (total > UNKNOWN || classes > 0xff) throw new Error("signature words: too many for the automaton's tables");
  const next = new Uint16Array(total * classes).fill(UNKNOWN);
  const parent = new Uint16Array(total);
  const via = new Uint8Array(total);
  const word = new Int32Array(total);
  const path: number[] = [0];
  let prev = "";
  let n = 1;
  for (const k of order) {
    const w = words[k];
    let same = 0;
    while (same < w.length && same < prev.length && w.charCodeAt(same) === prev.charCodeAt(same)) same++;
    for (let j = same; j < w.length; j++) {
      const c = cls[w.charCodeAt(j)];
      const u = path[j];
      next[u * classes + c] = n;
      parent[n] = u;
      via[n] = c;
      path[j + 1] = n++;
    }
    word[path[w.length]] = k + 1;
    prev = w;
  }
  // (the root goes back to itself on a class no word starts with)
  for (let c = 0; c < classes; c++) if (next[c] === UNKNOWN) next[c] = 0;
  const fail = new Uint16Array(n).fill(UNKNOWN);
  fail[0] = 0;
  const hit = new Uint8Array(n).fill(2);
  hit[0] = 0;
  return { cls, classes, next: next.subarray(0, n * classes), parent, via, fail, word, hit };
}

/** the failure link of state `u` */
function failOf(u: number): number {
  const a = AC;
  let f = a.fail[u];
  if (f === UNKNOWN) {
    const p = a.parent[u];
    f = a.fail[u] = p === 0 ? 0 : step(failOf(p), a.via[u]);
  }
  return f;
}

/** the state after `u` on class `c` */
function step(u: number, c: number): number {
  const a = AC;
  const at = u * a.classes + c;
  let v = a.next[at];
  if (v === UNKNOWN) v = a.next[at] = step(failOf(u), c);
  return v;
}

/** whether a word ends at state `u` or down its failure links */
function hitAt(u: number): boolean {
  const a = AC;
  if (a.hit[u] === 2) a.hit[u] = a.word[u] !== 0 || hitAt(failOf(u)) ? 1 : 0;
  return a.hit[u] === 1;
}

/**
 * Whether `line` holds a signature's word (ASCII letters in either case); with `marks`, sets 1 at the index of each
 * signature one of whose words it holds, else stops at the first word.
 */
function scanWords(line: string, marks: Uint8Array | null): boolean {
  const { cls, classes, next, hit } = AC;
  const n = line.length;
  let found = false;
  let st = 0;
  let i = 0;
  while (i < n) {
    // (no call in the inner loop: V8 then keeps the tables' bounds out of it, twice as fast)
    for (; i < n; i++) {
      const v = next[st * classes + cls[line.charCodeAt(i)]];
      if (v === UNKNOWN || hit[v] !== 0) break;
      st = v;
    }
    if (i === n) break;
    st = step(st, cls[line.charCodeAt(i++)]);
    if (!hitAt(st)) continue;
    if (marks === null) return true;
    found = true;
    markWords(st, marks);
  }
  return found;
}

/** marks the signatures of every word that ends at state `st` */
function markWords(st: number, marks: Uint8Array): void {
  const word = AC.word;
  for (let u = st; u !== 0; u = failOf(u)) if (word[u] !== 0) for (const x of WORD_SIGS[word[u] - 1]) marks[x] = 1;
}

// (one array for every line: a new one per line was a buffer outside the heap each, ~1% of a set-up log's CPU)
const MARKS = new Uint8Array(SIGNATURES.length);
/** which signatures have a word `lower` holds (1 at their index; exported for its test): valid until the next call */
export function signaturesWithWords(lower: string): Uint8Array {
  const marks = MARKS.fill(0);
  scanWords(lower, marks);
  return marks;
}

/**
 * The patterns `matchSignatures` may try on a line that is a header holding no signature's word (`signatureFreeHeader`)
 * and then `rest`: those of the signatures with a word in `rest` (no word reaches across the header's closing `]`).
 * None of them matching the line, it is no signature's.
 */
export function signaturePatternsFor(rest: string): readonly RegExp[] {
  const words = signaturesWithWords(rest.toLowerCase());
  const out: RegExp[] = [];
  for (let i = 0; i < SIGNATURES.length; i++) if (words[i] !== 0) out.push(SIGNATURES[i].pattern);
  return out;
}

/** The signatures a line is (none for most lines: one regex test). The caller must not change what it returns. */
export function matchSignatures(whole: string): readonly SignatureMatch[] {
  const line = whole.length > SIGNATURE_SPAN ? whole.slice(0, SIGNATURE_SPAN) : whole;
  // NCCL prints its set-up lines again and again verbatim (`Channel 00/0 : …`, `Bootstrap : Using …`, `GPU Direct
  // RDMA Enabled …` for communicator after communicator): for its INFO lines the answer, which depends on the text
  // alone, is kept (frozen) for the last few thousand distinct ones (not for an `Init START|COMPLETE` line: it names
  // its communicator, so it never comes again, and keeping it would only fill the heap)
  if (!line.includes("NCCL INFO") || line.includes(" Init ")) return scanWords(line, null) ? matchAll(line) : NONE;
  return matchNcclInfo(line);
}

const NONE: readonly SignatureMatch[] = Object.freeze([]);

// (a line over 512 characters is read afresh: 2,048 of them kept could hold megabytes)
const matchNcclInfo = memoByText(
  (line): readonly SignatureMatch[] => (scanWords(line, null) ? Object.freeze(matchAll(line).map((f) => Object.freeze({ ...f, match: Object.freeze(f.match) }))) : NONE),
  { limit: 2048, maxChars: 512 },
);

function matchAll(line: string): SignatureMatch[] {
  const words = MARKS.fill(0);
  scanWords(line, words);
  let lower: string | undefined;
  const out: SignatureMatch[] = [];
  let benign: boolean | undefined;
  for (let i = 0; i < SIGNATURES.length; i++) {
    const s = SIGNATURES[i];
    if (words[i] === 0 || (s.alsoOneOf !== undefined && !s.alsoOneOf.some((w) => (lower ??= line.toLowerCase()).includes(w)))) continue;
    const m = s.pattern.exec(line);
    if (!m) continue;
    if (s.dialect === "nccl" && s.level !== "info" && (benign ??= BENIGN_WARN.test(line))) continue;
    if (s.needsContext && !NCCL_CONTEXT.test(line)) continue;
    if (SIGNATURE_UNLESS[s.id]?.test(line)) continue;
    const retry = RETRY.test(line);
    // a notable line is what it is; a failure said at INFO level or as a retry may have been recovered from
    const soft = s.level !== "info" && ((line.includes("NCCL INFO") && !line.includes("NCCL WARN")) || retry);
    out.push({ id: s.id, match: m, soft, retry });
  }
  return out;
}
