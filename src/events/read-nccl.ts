import { BANNER, CHATTER, IB_QP_SETUP, RCCL_BANNER, parseConnection, parseNcclHeader, scanLegacyRecord, scanNcclRecord, transportKind, type NcclConnection, type NcclHeader, type NcclRecordSpan } from "../../grammars/nccl.js";
import { NCCL_ERROR_NAME, NCCL_RESULT_NAMES, classifyWarn, isBenignWarn, normalizeNet, readNcclMessage, type NcclMessage } from "../../grammars/nccl-messages.js";
import { evidenceOf, type LogRecord } from "../model.js";
import type { LineCounter } from "./fast.js";
import { ACTIVITY_LIMIT, ActivityTable, connLayout, createFastCounter, type ConnRead, type FoldedAt, type LearnedWrapper, type NcclFastCounts } from "./nccl-fast-counter.js";
import type { SignalEvent } from "./common.js";
import type { Event } from "./index.js";
import { CONN_SAMPLES, type NcclActivityEvent, type NcclConnectionEvent, type NcclFoldedEvent, type NcclInitEvent, type NcclWho } from "./nccl.js";
import { base, type Emit, type EventBase, type RecordReader } from "./types.js";
import { memoByText } from "../util/memo.js";
import { peel, stripAnsi } from "../records/peel.js";
import { splitPhysicalLine } from "../records/split.js";
import { signatureFreeHeader, signatureFreeWhateverDigits, signatureFreeWithRuns, signaturePatternsFor } from "../../grammars/signatures.js";
import { FAST_HEADER } from "../../grammars/nccl-fast.js";
import { readSignals } from "./signals.js";

export type { NcclFastCounts, NcclFastEntry } from "./nccl-fast-counter.js";

// a whole HCA GDR message alone on its line (transport/net_ib.cc, graph/topo.cc), its NCCL head stripped
const BARE_GDR_HCA = /^\s*NET\/[A-Za-z][\w-]* ?: ?GPU Direct RDMA (?:\(DMABUF\) )?([Ee]nabled|[Dd]isabled) for HCA \d{1,3} ['\u2018\u2019]/;
/** NCCL ≤2.4's net plugin loader line when no plugin is installed (see NcclNetPluginEvent) */
const NET_PLUGIN_V24 = /^NET\/Plugin ?: ?No plugin found \(libnccl-net\.so\)\.?$/;
/** Bounds on what the reader keeps across a (possibly gigabyte) input. */
export const NCCL_READER_LIMITS = { heads: 4096, connections: 4096, messages: 4096, hosts: 8192, activity: ACTIVITY_LIMIT, comms: 8192, pids: 8192 };

/** a ≤2.3 interface line (grammars/nccl-messages.ts legacyIface), which continues its thread's run of them */
const LEGACY_IFACE_LINE = /^NET ?: ?Using interface /;
const PYTORCH_RANK = /\[(?:PG [^\]]*?)?Rank (\d+)\]/g;
// (read in the raw line, where a forum editor's escapes stay: `\[rank1\]:\[E502 …`, see records/peel.ts)
const TORCHRUN_RANK = /\\?\[rank(\d+)\\?\]:/g;
const DUMP_FROM_RANK = /\bcollective timeout from +rank (\d+)\b/;
const RANK_AND_RANK = /\brank (\d+) and rank (\d+)\b/;
const FROM_RANK = /\bfrom rank (\d+)\b/;
// proxy.cc's WARN when a call to a peer's proxy fails (`Proxy Call to rank 1 failed (Connect)`, 2.12.7 and later): the
// peer's rank, named as `from rank N` names one (a rank id, not the writer's own)
const PROXY_CALL_RANK = /\bProxy Call to rank (\d+) failed\b/;
/** a WARN a net plugin logs under its own name: `NET/FasTrak 2025-06-10T09:12:44Z: UNAVAILABLE: ...`, `NET/gIB : ...` */
const PLUGIN_WARN_NET = /^NET\/([A-Za-z][\w-]*)[ :]/;
const RANK_OF = /\brank (\d+) of (\d+) ranks\b/;
// a child communicator's line (init.cc `ncclCommSplit|ncclCommShrink comm %p … parent %p … color %d key %d`, bootstrap.cc
// `bootstrapSplit: comm %p parent %p rank %d nranks %d color %d key %d …`): its parent and colour
const SPLIT_OF = /\bparent (0x[0-9a-fA-F]+)\b.*?\bcolor (-?\d+)\b/;
const NO_SPLIT: Record<string, never> = Object.freeze({});
const splitOf = (msg: string): { parent: string; color: number } | Record<string, never> => {
  const m = msg.includes(" parent 0x") ? SPLIT_OF.exec(msg) : null;
  return m ? { parent: m[1], color: Number(m[2]) } : NO_SPLIT;
};
// a connection record cut right after `via` (`Channel 15/0 : 12[4] -> 4[4] [receive] via`), and the line below that
// holds its transport: ` NET/IBext/4/GDRDMA`, `P2P/IPC/read`, the 2.5-era `direct shared memory`; or cut inside the
// kind token, which then reads as no kind (`via NE` / `T/Socket/3`, `via P2P/CU` / `MEM/read`): the record up to `via`,
// and the token's start (the join decides whether it is one)
const CUT_IN_VIA = /^(.*\s->\s.*\svia)(?:\s+(\S+))?\s*$/;
// the rest of a cut `NET/IB : Using` list: the end of an HCA entry, then more entries or `[RO]` / `; OOB`
const IB_LIST_CONTINUATION = /^\s?[\w:\/\]]*(?:\s*\[(?:\d+\]\w|RO\])|\s*;\s*OOB\s)/;
const VIA_CONTINUATION = /^\s*((?:P2P|SHM|NET|NVLS|CollNet|COLLNET)\/\S+(?: pointer(?:\/\S+)?)?|direct shared memory)/;
// a connection record whose head was lost to interleaving: its tail alone on a line, the head glued to another record
// lines above (`-> 6[2] via P2P/CUMEM/read`, `receive] via NET/AWS Libfabric/1/GDRDMA`, `: 2[2] -> 0[0] via ..`), or
// the record with a mangled prefix of at most two words (`NFO Channel 00/0 : ..`, `host:L INFO Channel ..`), newer
// records with their ` comm 0x.. nRanks N` suffix (` 06/0 : 24[17000] -> 26[21000] via P2P/IPC comm 0x55.. nRanks 32`). Its sending
// rank is read only behind the record's ` : ` (there it is whole; at the line's start it may be a number cut in two)
const HEADLESS_CONNECTION =
  /^\s*(?:\S*\s+){0,2}?((?:Channel \d+(?:\/\d+)? +)?(?:: +(\d+)\[[\da-fx]+\] +|(?:: +)?(?:\d+\[[\da-fx]+\] +)?)(?:-> +(\d+)\[[\da-fx]+\] +)?(?:\[?(?:send|receive)\] +|\] +)?via +((?:P2P|SHM)\/\S+(?: pointer(?:\/\S+)?)?|NET\/(?:AWS )?[\w-]+\/\d+(?:\/\S+)?|direct shared memory))(?:\s+comm 0x[\da-fA-F]+(?:\s+nRanks\s+\d+)?)?\s*$/;
// before any NCCL record of its input (a paste that starts inside a record: `5] -> 6[6] via P2P/IPC`) only a tail that
// still holds the arrow to a `rank[dev]` is kept, and read once an NCCL record of the input follows (prose says "via"
// but not `-> 6[6] via`; a file of other text never counts one)
const MAX_PENDING_TAILS = 8;
/** a cut WARN shorter than this is too little of a message to tell which one it was */
const MIN_CUT_WARN = 12;
/** `via` (`NET/<name>/<digits>…`) with `digits` for its network's device digits */
const netDevIn = (via: string, digits: string): string => via.replace(/^(NET\/[^/]+\/)\d+/, (_, net: string) => net + digits);
// the whole `host:pid:tid [dev]` header of an NCCL record glued after another record's header (see read)
const GLUED_HEADER = /^[\w.\-]+:\d+:\d+ \[\d+\]$/;
const ARROW_DEV_VIA = /(?:^|\s)-> +\d+\[[\da-fx]+\] +(?:\[(?:send|receive)\] +)?via +\S/;
// a connection tail that holds the record's ` : <rank>[<dev>] -> <rank>[<dev>] [send|receive] via <transport>` whole
const WHOLE_PAIR_TAIL = /(?:^|\s): +\d+\[[\da-fx]+\] +-> +\d+\[[\da-fx]+\] +(?:\[(?:send|receive)\] +)?via +(?:P2P|SHM|NET)\/\S/;
// `Channel 03/0 : 3[3] -> 7[3] [sen<progress bar>d] via NET/..`: the ranks, then text up to the direction's `]`
const INTERRUPTED_CONNECTION = /^(Channel \d+(?:\/\d+)? : \d+\[[\da-fx]+\] -> \d+\[[\da-fx]+\]) \[\S.*\] via ((?:P2P|SHM)\/\S+(?: pointer(?:\/\S+)?)?|NET\/(?:AWS )?[\w-]+\/\d+(?:\/\S+)?)\s*$/;
// a PyTorch ProcessGroupNCCL record glued into an NCCL record by two processes writing one stream unbuffered
// (`host:1:2 [1] NCCL INFO C[rank1]:[E ProcessGroupNCCL.cpp:563] [Rank 1] Watchdog caught ..`): the rest is read as
// its own record by the readers after this one
const GLUED_TORCH = /\[rank\d+\]:\[[EWIF]|\[[EWIF]\d{0,4}(?: \d\d:\d\d:\d\d\.\d+)? ProcessGroupNCCL\.cpp:\d+\]/;
const gluedTorch = (rec: LogRecord, t: string): LogRecord | true => {
  if (!t.includes("ProcessGroupNCCL") && !t.includes("]:[")) return true;
  const at = t.search(GLUED_TORCH);
  const nccl = t.indexOf(" NCCL ");
  return at > nccl && nccl >= 0 ? { ...rec, text: t.slice(at) } : true;
};
// the tail of an Init record whose head another process's output interrupted (ranks of one host writing one stream
// unbuffered): init.cc ends the record `.. busId %lx commId 0x%llx - Init COMPLETE`, so the tail reads `000 commId
// 0x4c1e.. - Init COMPLETE`, alone on a line or glued after another record's head (`.. (kernels 0.32, alloc 000 commId
// 0x.. - Init COMPLETE`); older records end `busId %lx - Init COMPLETE`, and a tail of those has no commId to tell it
const INIT_TAIL = /(?:^|[\s(,])(?:[\da-f]+ )?commId 0x[\da-f]+ - Init COMPLETE\s*$/;
// (a launcher's label kept before it, srun's `3: `, counts among the words before the commId)
const INIT_TAIL_ALONE = /^\s*(?:[\w.:]+ ){0,8}commId 0x[\da-f]+ - Init COMPLETE\s*$/;
const CUT_IN_DIRECTION = /^(Channel \d+(?:\/\d+)? : \d+\[[\da-fx]+\] -> \d+\[[\da-fx]+\]) \[(?:s|se|sen|r|re|rec|rece|recei|receiv|receive)?$/;
const CUT_HEAD_END = /\S\] via ((?:P2P|SHM)\/\S+(?: pointer(?:\/\S+)?)?|NET\/(?:AWS )?[\w-]+\/\d+(?:\/\S+)?)\s*$/;
const APP_RANK = /\(rank (\d+)\)/;
/**
 * The print of PyTorch's elastic DDP example (examples/distributed/ddp, copied into many training scripts) after
 * init_process_group: `[<pid>] rank = 0, world_size = 2, n = 1, device_ids = [0]`, a variant with the launcher's RANK
 * beside it (`rank = 1 (1), world_size = 2`), and its `[<pid>] world_size = 2, rank = 1, backend=nccl` twin: the
 * process's global rank and the world's size
 */
const DDP_EXAMPLE_RANK = /^\[\d+\] (?:rank = (\d+)(?: \(\d+\))?, world_size = (\d+)\b|world_size = (\d+), rank = (\d+), backend=)/;
// aws-ofi-nccl's test programs: `NET/OFI Process rank 0 started. NCCLNet device used on host is AWS Libfabric.`
const OFI_TEST_RANK = /^NET\/OFI Process rank (\d+) started\b/;
/**
 * PyTorch Lightning's rank prints (lightning_utilities rank_zero.py `rank_prefixed_message`: `[rank: 0] Seed set to 42`;
 * fabric/pytorch `_init_dist_connection`: `Initializing distributed: GLOBAL_RANK: 1, MEMBER: 2/2`, lower-case
 * `initializing` before 1.6) name the process's global rank, as the `(rank N)` of an app's `distributed init` line does
 */
const LIGHTNING_RANK = /(?:^|\s)\[rank: (\d+)\] /;
const LIGHTNING_INIT = /\b[Ii]nitializing distributed: GLOBAL_RANK: (\d+), MEMBER: \d+\/(\d+)\b/;
// XLA's GPU collectives (JAX, TensorFlow) at VLOG(1): `[0] [rank=0] Initialized NCCL communicator for rank 0 of 2 in
// 192.5ms`, since 2026 with the communicator's address (`communicator 0x70eb.. for rank 0 of 2 in ..; devices=..`)
const XLA_COMM_INIT = /\bInitialized NCCL communicator (?:0x[0-9a-f]+ )?for rank (\d+) of (\d+)\b/;
/**
 * The bare banner with its first letter lost in a paste (`CCL version 2.21.5+cuda12.4`, as corpus 049's `RROR` and 089's
 * `O 04-11`): alone on its line and with NCCL's `+cuda` tag, so no other library's `... version` line reads as NCCL's.
 */
const CUT_BANNER = /^CCL version (\d+\.\d+\.\d+)\+cuda(\d+\.\d+)\s*$/;
/** PyTorch's ProcessGroupNCCL start-up line (glog INFO, torch ≥2.2): `[PG ID 0 PG GUID 0 Rank 1] ProcessGroupNCCL environments: NCCL version: 2.20.5, TORCH_NCCL_...` */
const PG_ENV_VERSION = /\bProcessGroupNCCL environments: NCCL version: (\d+\.\d+\.\d+)(?=[,\s]|$)/;
/**
 * DeepEP's NCCL backend (its GPU-initiated networking transport, the all2all backend vLLM's expert parallelism can use) reports
 * the NCCL library the process loaded, from ncclGetVersion: the first form `[NCCL Backend] NCCL version: 2.29.3 (loaded
 * library)`, the later `DeepEP initialized with NCCL version: 2.31.2 (loaded library)` (with EP_BUFFER_DEBUG=1).
 */
const DEEPEP_NCCL = /(?:\[NCCL Backend\] |\bDeepEP initialized with )NCCL version: (\d+\.\d+\.\d+) \(loaded library\)/;
const TESTS_HEADER = /(?:^|\s)#\s+Rank\s+(\d+)\s+(?:Group\s+\d+\s+)?Pid\s+(\d+)\s+on\s+(\S+)\s+device\s+(\d+)/;
// the header pasted outside a code fence, where GitHub took each `# ` line for a markdown heading and dropped the `#`
// (` Rank  0 Group  0 Pid  11004 on node-29 device  0 [0000:61:00] NVIDIA L40S`): the device bracket must follow
const TESTS_HEADER_BARE = /^\s*Rank\s+(\d+)\s+(?:Group\s+\d+\s+)?Pid\s+(\d+)\s+on\s+(\S+)\s+device\s+(\d+)\s+\[/;
// nccl-tests before its `Pid` column (2017-2018, the NCCL 2.0-2.3 era: `#   Rank %2d on %10s device %2d [0x%02x] %s`):
// `#   Rank  4 on clx-mld-46 device  0 [0x04] Tesla P100-PCIE-16GB`, with or without the `#`; the bus bracket must follow
const TESTS_HEADER_NO_PID = /(?:^\s*(?:#\s+)?|\s#\s+)Rank\s+(\d+)\s+on\s+(\S+)\s+device\s+(\d+)\s+\[/;
/**
 * nccl-tests' own failure prints (src/common.h): `host: Test CUDA failure common.cu:732 'invalid device ordinal'`,
 * `host: Test NCCL failure common.cu:958 'internal error / ...'` and the ` .. host pid N: Test failure common.cu:891` after them
 */
const TESTS_FAILURE = /(?:^|\s)Test (?:CUDA |NCCL )?failure [\w./\-]+\.(?:cu|cc|h):\d+/;
/**
 * An application's check macros as NCCL's own examples write them (User Guide, examples: `printf("Failed, NCCL error
 * %s:%d '%s'\n", __FILE__, __LINE__, ncclGetErrorString(r))`, and `Failed: Cuda error %s:%d '%s'`), copied into many
 * programs (Transformer Engine's userbuffers, Paddle): `Failed, NCCL error /paddle/../NCCLTools.h:227 'unhandled cuda error'`;
 * vLLM's custom all-reduce builds of 2024-2025 printed the Cuda one without its two words:
 * `Failed: /build/csrc/custom_all_reduce.cuh:310 'invalid argument'` (a source file's name and line, then the quoted error)
 */
const CHECK_MACRO_FAILURE = /(?:^|\s)Failed(?:(?:, NCCL|: Cuda) error \S+:\d+ '|: \S+\.(?:cuh|cu|cc|cpp|c|h|hpp):\d+ '[^']+'\s*$)/;
// the same header line cut before its host is complete (`#  Rank 12 Group  0 Pid   1889 on   worke`): the rank is visible
const TESTS_HEADER_CUT = /(?:^|\s)#\s+Rank\s+(\d+)\s+(?:Group\s+\d+\s+)?Pid\b|(?:^|\s)#\s{2,}Rank\s+(\d+)\s+on\s/;
// ... or cut sooner, inside `Group N` or `Pid` (`#  Rank 12 Grou`, `#  Rank  6 Group  0`): nothing may follow the cut, and the
// `#` takes the two spaces of nccl-tests' `#  Rank %2d` (a markdown heading `# Rank 0` takes one); tried on the trimmed text
const TESTS_HEADER_CUT_EARLY = /(?:^|\s)#\s{2,}Rank\s+(\d+)\s+(?:G(?:r(?:o(?:u(?:p(?:\s+(?:\d+(?:\s+Pi?)?)?)?)?)?)?)?|Pi?)$/;
// NCCL ≤2.3's init line `comm 0x… rank N nranks M` on a line of its own: its `host:pid:tid [dev] NCCL INFO` prefix was
// printed, then another process's whole line, then the rest (two processes writing one terminal)
const BARE_COMM_RANK = /^comm 0x[0-9a-fA-F]+ rank (\d+) nranks (\d+)\s*$/;
/**
 * The `ncclras` client's report (ras/client_support.cc, 2.24+) names the ranks a communicator misses or finds at odds:
 * `  Rank 12 -- GPU 4 managed by process 323032 on node 10.137.190.124`, `  Rank 3 has status INIT -- GPU ..`,
 * `  Rank 5 has launched up to operation 641 -- GPU ..` (the rank in that communicator, as in `comm .. rank N` lines)
 */
const RAS_RANK = /^\s*Rank (\d+) (?:has status \S+ |has launched up to operation \d+ )?-- GPU \S+ managed by process \d+ on node \S+/;
/** its job summary's totals table: the header, then a line whose first column is `(total)`, then the numbers */
const RAS_TOTALS_HEAD = /^\s*Nodes\s+Processes\b/;
const RAS_TOTALS_SUB = /^\s*\(total\)\s+(?:per node|\(total\))/;
const RAS_TOTALS_ROW = /^\s*(\d{1,7})\s+\d+/;
// pynccl's start-up line, as vLLM and its forks print it (`vLLM is using nccl==2.21.5`, 0.11+ `... (via nccl4py)`) and as
// SGLang's copy does (`[2025-02-24 14:09:34 TP12] sglang is using nccl==2.21.5`, `sglang-diffusion is using nccl==..`).
// The number is major.minor.patch as pynccl decodes ncclGetVersion (a `+cudaX.Y` tail is kept where a fork adds one);
// whatever follows it is not the version: a space, `(via nccl4py)`, or a record glued on by a copy (`2.20.5INFO 06-19 ..`,
// a translated copy of the line after a full-width `（`)
const VLLM_NCCL = /\b(?:vLLM|sglang(?:-diffusion)?) is using nccl==(\d+\.\d+\.\d+(?:\+cuda\d+(?:\.\d+)*)?)(?!\d)/;
// `Found nccl from library libnccl.so.2.18.1`, `Found nccl from environment variable VLLM_NCCL_SO_PATH=/x/libnccl.so.2.18.1`,
// ≤0.4.0 `Loading nccl from library /x/libnccl.so.2.18.1`
const VLLM_NCCL_LIB = /\b(?:Found|Loading) nccl from (?:library|environment variable VLLM_NCCL_SO_PATH=)\s*\S*?\blibnccl\.so\.(\d+\.\d+\.\d+)(?![\d.])/;
// the host must hold a letter; that is tested after the match, since a letter class inside the group backtracks quadratically
const BARE_PREFIX = /^([^\s:\[\]]+):(\d+):(\d+)(?: \[\d*\]?)?\s*$/;
// the same record cut inside its level word, after a whole device bracket (`host:pid:tid [0] NCC`, `.. [3] NCCL INF`,
// `.. [1] NCCL WA`): the head is whole, so it names its host as the bare prefix does
const CUT_LEVEL_PREFIX = /^([^\s:\[\]]+):(\d+):(\d+) \[\d+\] (N(?:C(?:C(?:L(?: (?:I(?:N(?:FO?)?)?|W(?:A(?:RN?)?)?)?)?)?)?)?)\s*$/;
const COMM_RANK = /\brank (\d+) n[A-Za-z]*ks?\b(?: (\d+))?/;
// the same line cut right after its rank (`comm 0x55.. rank 1 nr`, the next process's record glued on): the rank is whole
const CUT_COMM_RANK = /^(?:\w+:? )?comm 0x[0-9a-fA-F]+ rank (\d+)(?: n[A-Za-z]{0,5})?\s*$/;
const LOOSE_CONNECTION = /^(?:Channel|Ring) \d+(?:\/\d+)? : (\d+)(\[[0-9A-Fa-f]*\]?)?(?: -> (\d+)(\[[0-9A-Fa-f]*\]?)?)?(.*)$/;

const eventBase = (rec: LogRecord) => base(rec, evidenceOf(rec));

/** a pre-2.4 WARN without the `[dev]` bracket: NCCL 1.x `WARN file:line`, or a quoted `file:line WARN` (grammars/nccl.ts) */
const LEGACY_WARN_HINT = /^WARN \S+:\d+ |^\S+:\d+ WARN /;
/**
 * NCCL INFO message bodies pasted without their `host:pid:tid [d] NCCL INFO` head (the user cut it): the HCA list, the
 * communicator lines (`ncclCommInitRank[Config] comm 0x.. rank N nranks M ..`, `comm 0x.. rank N nRanks M nNodes K ..`,
 * `Init timings`), `Using network X` and connection lines `Channel 00/0 : 0[0] -> 1[1] via ..`.
 */
const STRIPPED_INFO = /^\s*(?:NET\/IB ?: ?Using (?:\[\d+\]|\[RO\])|Using network \w+\s*$|(?:ncclCommInitRank\w* )?comm 0x[0-9a-fA-F]+ rank \d+ n[Rr]anks \d+ (?:nNodes \d+|cudaDev \d+)|Init timings\b.*\brank \d+ nranks \d+|Channel \d+(?:\/\d+)? : \d+\[[\da-f]+\] -> \d+\[[\da-f]+\] .*\bvia \S)/;

const NO_HEADER = Object.freeze({ header: null, who: Object.freeze({ host: null, pid: null, dev: null }) as NcclWho });

/** `read`, its answer kept per distinct text (src/util/memo.ts); a set-up line's text is short, a long one (made up or cut) is read afresh */
const kept = <T>(limit: number, read: (text: string) => T) => memoByText(read, { limit, maxChars: 1024 });

/** `v` and all it holds, frozen: a value kept for reuse cannot be changed by one of those it is given to */
function frozen<T>(v: T): T {
  if (v !== null && typeof v === "object" && !Object.isFrozen(v)) {
    // (`for in`, not `Object.values`: an array a value was garbage, and a big job's messages are each read once)
    for (const k in v) frozen(v[k]);
    Object.freeze(v);
  }
  return v;
}

/** Ranks visible in a connection line that was cut (`-> 1[`, `[se`, `vERROR`); not in ring-order lines. */
export function looseConnectionRanks(msg: string): number[] {
  const m = LOOSE_CONNECTION.exec(msg);
  if (!m) return [];
  const rest = m[5];
  if (/^\s*->/.test(rest)) return []; // ring order `7 -> 0 -> 1`
  const bracketed = m[2] !== undefined || m[4] !== undefined;
  if (m[3] === undefined) return bracketed && m[2] !== undefined && !m[2].endsWith("]") ? [Number(m[1])] : [];
  if (!bracketed && !/^\s*(?:\[|via|$)/.test(rest)) return [];
  if (rest !== "" && !/^\s*(?:\[|v|$)/.test(rest)) return [];
  return [Number(m[1]), Number(m[3])];
}

/**
 * NCCL writes a WARN as a newline followed by the record. When a launcher (Ray, vLLM) prefixes every line with the
 * process's pid, that newline shows as a line holding only the prefix, right above the WARN: the record starts
 * there. Only a pid says the prefix is the same process's (a timestamp or a pod name would make the report depend
 * on the collector: test/wrapper-invariance.test.ts), and a prefix of 20 characters or fewer (`(pid=909608)`) is
 * not taken: the corpus conventions (../shared/corpus/nccl/NOTES.md, as scored) read the WARN's own line there. Nor is
 * one whose whole line is not where the WARN's line starts too: a collector's stamp before it that moved on between the
 * two lines (`kubectl logs --timestamps`) makes the WARN's own line the one that holds the record as it was printed.
 */
function startsWarnRecord(prev: LogRecord, rec: LogRecord): boolean {
  if (prev.input !== rec.input || prev.line !== rec.line - 1 || prev.text !== "" || prev.origin.pid === undefined || prev.origin.pid !== rec.origin.pid) return false;
  const blank = stripAnsi(prev.raw).trim();
  return blank.length > 20 && stripAnsi(rec.raw).includes(blank);
}

export interface NcclReader extends RecordReader {
  /** the counting fast path (./nccl-fast-counter.ts) */
  fast: LineCounter;
  /**
   * The record just read made no event (the caller knows: no reader, observer or signature made one of it): if this
   * reader only read an INFO message to nothing either, one that would read to nothing wherever it stood (no
   * counter, no communicator of its thread: a message the phrase table and the rank patterns have nothing for),
   * the fast path takes the lines of the same record text from now on.
   */
  noteQuiet(rec: LogRecord): void;
  /**
   * The record just read made one event, `e` (the caller knows: no reader, observer or signature made another): if it
   * is this reader's of a set-up line that reads alike wherever it stands (but for its thread's communicator), and
   * neither the event store nor the fact domain's samples would keep another of its kind, the fast path folds the
   * lines of the same record text from now on (`flushFolds` makes them events).
   */
  noteFold(rec: LogRecord, e: unknown, signal?: SignalEvent): void;
  /**
   * The record just read, with no header nor wrapper, made these events, `made` (the caller knows: the events of the
   * record, in order, and that a record of its text makes them again wherever it stands but for the line): once it
   * was read so twice, the fast path folds the lines of its bytes, each made these events again (`flushFolds`).
   */
  noteAgain(rec: LogRecord, made: Event[]): void;
  /** some lines are folded and not yet made events */
  folding(): boolean;
  /** the characters of the lines taken after another header made events again so far (see takeRest) */
  madeChars(): number;
  /** the lines folded so far, as `nccl.repeat` events: before any other event (of a line read after them) */
  flushFolds(emit: Emit): void;
  /** adds what a speculative counter (src/parallel/range.ts) counted over lines that follow this reader's last, numbered from `lineOffset + 1` */
  absorb(counts: NcclFastCounts, lineOffset: number): void;
}

/**
 * Where the lines the fast path folded go instead of `nccl.repeat` events (a "repeat sink"): the fact state, which does
 * to itself what the event `{ kind: "nccl.repeat", ev: { file: of.ev.file, line: first, text }, origin: of.origin, input:
 * of.input, of, comm, n, last, signal }` would (src/facts/state.ts `reduceRepeatLines`; the event store keeps none).
 */
export type RepeatSink = (of: NcclFoldedEvent, comm: string | null, n: number, first: number, last: number, text: string, signal?: SignalEvent) => void;
/**
 * Where an Init line the fast path read from the bytes may go instead of its `nccl.init` event, `{ ...like, ev: { file:
 * like.ev.file, line, text }, comm, commId }`: true when the sink did to the fact state what the event would, and to
 * the event store (which keeps no more of its kind); false when the event is to be made (src/facts/state.ts
 * `reduceInitAgain`).
 */
export type InitSink = (like: NcclInitEvent, comm: string, commId: string | null, line: number, text: string) => boolean;
/**
 * Where a bare line folded (see noteAgain) may go instead of its events, `made` but for the line: true when the sink did
 * to the fact state and the event store what they would (src/facts/state.ts `reduceBannerAgain`), false when they are to be made.
 */
export type AgainSink = (made: Event[], line: number) => boolean;

/**
 * Reads NCCL records into events; claims every NCCL record (returns true). `originQuiet`: whether the other
 * readers that see every record's origin have nothing to say of a learned wrapper's (see createFastCounter).
 * `repeat`, `init`: where what the fast path folded goes instead of events (see RepeatSink, InitSink; none: events).
 */
export function createNcclReader(opts: { originQuiet?: (w: LearnedWrapper) => boolean; keptPerKind?: number; repeat?: RepeatSink; init?: InitSink; again?: AgainSink; foldEmit?: () => Emit; anyOrder?: () => boolean } = {}): NcclReader {
  const hosts = new Set<string>();
  const commRank = new Map<string, number>();
  // the communicator a thread (host|pid|tid) or a process (host|pid) set up last: a `Channel … via` line carries
  // no communicator, and belongs to the one its thread is initialising (NCCL connects on the init thread)
  // keyed by pid (and tid) with the host kept beside: a line whose host name was cut at its start by interleaving
  // (`pseek-v2-5-0-1` for `deepseek-v2-5-0-1`) still finds its thread. Identical containers on two nodes number their
  // processes alike (`node-a:245:245` and `node-b:245:245`, or one name for both, told apart by Ray's `ip=`): one key
  // then holds a slot per host and launcher address, so one node's Init lines never take another node's connections.
  type CommSlot = { host: string | null; via: string | undefined; comm: string };
  const threadComm = new Map<string, CommSlot | CommSlot[]>();
  const procComm = new Map<string, CommSlot | CommSlot[]>();
  const sameHost = (a: string | null, b: string | null) => a === b || (a !== null && b !== null && (a.endsWith(b) || b.endsWith(a)));
  const noteComm = (who: NcclWho, tid: number | null, comm: string | null, keys?: [string, string], via?: string) => {
    if (!comm || comm === "(nil)") return;
    if (threadComm.size >= NCCL_READER_LIMITS.comms) threadComm.clear();
    if (procComm.size >= NCCL_READER_LIMITS.comms) procComm.clear();
    note(threadComm, keys?.[0] ?? `${who.pid}|${tid}`, who.host, comm, via || undefined);
    note(procComm, keys?.[1] ?? `${who.pid}`, who.host, comm, via || undefined);
  };
  /** the slot of `host` and `via` in a key's list: its own, else one of a name cut alike */
  const slotIn = (list: CommSlot[], host: string | null, via: string | undefined): CommSlot | undefined => {
    for (const x of list) if (x.via === via && x.host === host) return x;
    for (const x of list) if (x.via === via && sameHost(x.host, host)) return x;
    return undefined;
  };
  // (changed in place: a set-up log's every Init line passes here)
  const note = (m: typeof threadComm, key: string, host: string | null, comm: string, via: string | undefined) => {
    const cur = m.get(key);
    if (cur === undefined) m.set(key, { host, via, comm });
    else if (!Array.isArray(cur)) {
      if (cur.via === via && sameHost(cur.host, host)) {
        cur.host = host;
        cur.comm = comm;
      } else m.set(key, [cur, { host, via, comm }]);
    } else {
      const x = slotIn(cur, host, via);
      if (x) {
        x.host = host;
        x.comm = comm;
      } else {
        if (cur.length >= 16) cur.shift();
        cur.push({ host, via, comm });
      }
    }
  };
  /** a key's communicator for `host` and `via`: its slot's, else (a line whose launcher prefix was lost) the only one of its host */
  const slotOf = (cur: CommSlot | CommSlot[] | undefined, host: string | null, via: string | undefined): string | null => {
    if (cur === undefined) return null;
    if (!Array.isArray(cur)) return sameHost(cur.host, host) && (cur.via === via || cur.via === undefined || via === undefined) ? cur.comm : null;
    const x = slotIn(cur, host, via);
    if (x) return x.comm;
    let only: CommSlot | null = null;
    for (const y of cur) {
      if (!sameHost(y.host, host)) continue;
      if (only) return null;
      only = y;
    }
    return only?.comm ?? null;
  };
  const commOf = (who: NcclWho, tid: number | null, threadKey = `${who.pid}|${tid}`, procKey = `${who.pid}`, via?: string): string | null =>
    slotOf(threadComm.get(threadKey), who.host, via || undefined) ?? slotOf(procComm.get(procKey), who.host, via || undefined);
  let lastRec: LogRecord | null = null;
  // (`msg`: its message, for a tail a terminal's cut put on the next line)
  let lastNccl: { input: number; line: number; msg: string } | null = null;
  // connection tails read before the first NCCL record of their input (see ARROW_DEV_VIA)
  const pendingTails: LogRecord[] = [];
  /** a connection record whose head was lost (HEADLESS_CONNECTION's match `m`): its connection, or its tail */
  const readHeadless = (rec: LogRecord, m: RegExpExecArray, emit: Emit): boolean => {
    if (m[1].startsWith("Channel ") && readConnection(rec, emit, NOBODY, null, m[1], true)) return true;
    const transport = transportKind(m[4]);
    if (!transport || m[1].startsWith("Channel ")) return false;
    emit({ kind: "nccl.connectionTail", ...base(rec, evidenceOf(rec)), via: m[4], transport, to: m[3] === undefined ? null : Number(m[3]) });
    if (m[2] !== undefined) rank(rec, emit, NOBODY, Number(m[2]), "connection");
    if (m[3] !== undefined) rank(rec, emit, NOBODY, Number(m[3]), "connection");
    return true;
  };

  // a header's parse and who it names; and, since a set-up log prints the same lines for communicator after
  // communicator, each distinct connection line and phrase-table message: each read once (the grammar's answer
  // depends on the text alone) and frozen, as the events made of it share it
  const headerOf = kept(NCCL_READER_LIMITS.heads, (head): { header: NcclHeader | null; who: NcclWho } => {
    const header = parseNcclHeader(head);
    // (a host of dots is a writer's elision, `[default0]:...:78:108 [0] NCCL INFO ..`: NCCL prints the host name up to
    // its first dot, so never one made of dots; the record names no host)
    const host = header?.host && /^[.\u2026]+$/.test(header.host) ? null : (header?.host ?? null);
    return frozen({ header, who: { host, pid: header?.pid ?? null, dev: header?.dev ?? null } });
  });
  // (`seen`: the last message asked of these two was read before, so its line may come again: see `foldable`)
  let seen = false;
  const connectionKept = kept(NCCL_READER_LIMITS.connections, (msg): { conn: NcclConnection | null; kind: string | null } => {
    seen = false;
    const conn = parseConnection(msg);
    // (a connection holds no object: frozen as it is, for a big job's set-up reads one afresh per line)
    return Object.freeze({ conn: conn && Object.freeze(conn), kind: conn ? transportKind(conn.via) : null });
  });
  const messageKept = kept(NCCL_READER_LIMITS.messages, (msg) => {
    seen = false;
    return frozen(readNcclMessage(msg));
  });
  const connectionOf = (msg: string) => {
    seen = msg.length <= 1024;
    return connectionKept(msg);
  };
  const messageOf = (msg: string) => {
    seen = msg.length <= 1024;
    return messageKept(msg);
  };

  const table = new ActivityTable();
  const activityOf = (who: NcclWho, comm: string | null) => table.get(who, comm);

  const noteHost = (rec: LogRecord, who: NcclWho, emit: Emit) => {
    if (!who.host || hosts.has(who.host)) return;
    if (hosts.size >= NCCL_READER_LIMITS.hosts) {
      table.overflow ??= `NCCL hosts capped at ${NCCL_READER_LIMITS.hosts}`;
      return;
    }
    hosts.add(who.host);
    emit({ kind: "nccl.host", ...base(rec, evidenceOf(rec)), ...who });
  };

  const processSeen = new Map<number, string>();
  const processSig = (o: LogRecord["origin"]): string | null =>
    o.pid === undefined || (o.ip === undefined && o.host === undefined && o.tp === undefined && o.pp === undefined && o.dp === undefined && o.rank === undefined)
      ? null
      : `${o.ip ?? ""}|${o.host ?? ""}|${o.rank ?? ""}|${o.tp ?? ""}|${o.pp ?? ""}|${o.dp ?? ""}`;
  const noteProcess = (rec: LogRecord, emit: Emit) => {
    const o = rec.origin;
    const sig = processSig(o);
    if (sig === null || o.pid === undefined) return;
    const seen = processSeen.get(o.pid);
    if (seen === sig) return;
    if (seen === undefined && processSeen.size >= NCCL_READER_LIMITS.pids) return;
    processSeen.set(o.pid, sig);
    emit({
      kind: "nccl.process", ...base(rec, evidenceOf(rec)), pid: o.pid, ip: o.ip ?? null, host: o.host ?? null,
      rank: o.rank ?? null, tp: o.tp ?? null, pp: o.pp ?? null, dp: o.dp ?? null,
    });
  };

  /** noteProcess would say nothing of a record behind this wrapper */
  const processQuiet = (w: LearnedWrapper): boolean => {
    const sig = (w.memo.sig ??= processSig(w.origin) ?? "");
    return sig === "" || processSeen.get(w.origin.pid!) === sig;
  };
  const counter = createFastCounter(table, {
    speculative: false,
    hostSeen: (host) => hosts.has(host),
    originQuiet: (w) => processQuiet(w) && (opts.originQuiet?.(w) ?? true),
    // (the rest after the header as the ordinary way reads it: the whole message, and no signature's word in it; with
    // a header connHeaderOk passes, the line is then read alike)
    quietElsewhere: (line) => {
      const span = recordSpan(line);
      const rest = line.slice(line.indexOf("] NCCL INFO ") + 1);
      return span !== null && rest.startsWith(" NCCL INFO ") && span.msg === rest.slice(11) && signatureFreeWhateverDigits(rest, []);
    },
    // (the header as the ordinary way reads it: who and thread, and no signature's word in it)
    connHeaderOk: (header) => {
      const m = FAST_HEADER.exec(header);
      const span = m && signatureFreeHeader(header) ? recordSpan(`${header} NCCL INFO x`) : null;
      if (!m || !span) return false;
      const { header: h, who } = headerOf(span.head);
      return h !== null && who.host === m[1] && who.pid === Number(m[2]) && h.tid === Number(m[3]) && who.dev === Number(m[4]);
    },
    // (where the caller's flushFolds would send them before the next line read the ordinary way)
    foldsFull: opts.foldEmit && (() => flushFolds(opts.foldEmit!())),
    // (a text's lines gathered across Init lines go to the repeat sink, as counts: with events made, each in its place)
    foldsInAnyOrder: opts.repeat && opts.anyOrder,
  });

  // set-up lines folded by the fast path (see noteFold): what each text reads to, and the thread it stands for
  const keptPerKind = opts.keptPerKind ?? Infinity;
  type Folded = { e: NcclFoldedEvent; who: NcclWho; tid: number | null; threadComm: boolean; keys?: [string, string]; init?: undefined; signal?: SignalEvent };
  // an Init line the fast path takes when another of the same text but for its communicator's hex digits (and its
  // commId's) comes (each its own event): `spans`, where they stand in the text
  // a bare text's line (see noteAgain), and the texts read so once (learnt when read so again)
  type AgainFolded = { again: Event[] };
  const againAsked: string[] = [];
  type InitFolded = { init: NcclInitEvent; who: NcclWho; tid: number | null; spans: number[]; head?: string; keys?: [string, string] };
  // the events of the folded kinds made so far, by kind, and the connection events by transport kind
  const made = new Map<string, number>();
  const madeConns = new Map<string, number>();
  // the event of the record at hand that a line of its text would make again (set by `foldable`: only when its message
  // was read before, as in a log of communicator after communicator, not in a big job's set-up where no line repeats)
  let candidate: Folded | InitFolded | null = null;
  // (`shaped`: a connection line of the usual shape, which the fast path may read from the bytes: see learnShape)
  const foldable = (rec: LogRecord, emit: Emit, e: NcclFoldedEvent, who: NcclWho, tid: number | null, threadComm = false, shaped = false) => {
    made.set(e.kind, (made.get(e.kind) ?? 0) + 1);
    if ((seen || shaped) && rec.raw === rec.text) candidate = { e, who, tid, threadComm };
    if (!shaped && rec.raw === rec.text) restCandidate = { restOf: e, counted: true };
    emit(e);
  };
  // a set-up line's event that its text after the header makes after any header but for who: the host, pid and device
  // (a message's reading: no thread's communicator, no state of the reader's but `made`); after a header that did not
  // print the text yet, the fast path takes such a line and it is made here again for that header (see takeRest)
  // (`patterns`: those of the signatures with a word in its rest, which may match the line with another header: see takeRest)
  type RestFolded = { restOf: Event & { ev: EventBase["ev"] }; counted: boolean; patterns?: readonly RegExp[] };
  let restCandidate: RestFolded | null = null;
  let restChars = 0;
  /** a line of a text learnt so (see RestFolded) after header `at`, line `line`, `rest` its text after the header: its event, as readInfo makes it */
  const takeRest = (r: RestFolded, line: number, rest: string, at: FoldedAt, emit: Emit) => {
    const e = r.restOf;
    const who = at.who;
    if (r.counted) made.set(e.kind, (made.get(e.kind) ?? 0) + 1);
    if (legacyIfaceRuns.size !== 0) legacyIfaceRuns.delete(`${who.host}|${who.pid}|${at.tid}`);
    const text = at.head + rest;
    restChars += text.length;
    const rec: LogRecord = { file: e.ev.file, input: e.input, line, raw: text, text, origin: e.origin, stamp: undefined };
    // (the signature table reads every record before the readers: one with a word in the rest may match with this header)
    const patterns = r.patterns!;
    for (let q = 0; q < patterns.length; q++) {
      if (patterns[q].test(text)) {
        readSignals(rec, emit);
        break;
      }
    }
    // (its keys in the order of the event learnt from: the spread keeps them)
    emit({ ...e, ev: evidenceOf(rec), host: who.host, pid: who.pid, dev: who.dev } as Event);
  };

  const flushFolds = (emit: Emit) =>
    counter.takeFolds((id, n, first, last, rest, conn, own, at) => {
      if (at !== undefined) return takeRest(id as RestFolded, first, rest!, at, emit);
      // (a bare text's line: each its own entry, made the events of the line it was learnt from, but for the line)
      const made = (id as AgainFolded).again;
      if (made !== undefined) {
        if (opts.again === undefined || !opts.again(made, first)) for (const x of made) emit({ ...x, ev: { ...x.ev, line: first } } as Event);
        return;
      }
      const f = id as Folded | InitFolded;
      if (conn !== undefined) return takeConn(f as Folded, conn, own, n, first, last, rest!, emit);
      if (f.init !== undefined) return takeInit(f, first, rest!, emit);
      const e = f.e;
      // (a connection line without its own `comm` is of its thread's communicator, which only a line read the
      // ordinary way sets: the one it has now, as none was read since these lines)
      let comm: string | null = null;
      if (e.kind === "nccl.connection") {
        const keys = (f.keys ??= [`${f.who.pid}|${f.tid}`, `${f.who.pid}`]);
        comm = f.threadComm ? commOf(f.who, f.tid, keys[0], keys[1], e.origin.ip) : e.comm;
      }
      repeat(emit, e, comm, n, first, last, e.ev.text, f.signal);
    });
  /** `n` lines folded into `of` (see RepeatSink): to the sink, else as an event */
  const repeat = (emit: Emit, of: NcclFoldedEvent, comm: string | null, n: number, first: number, last: number, text: string, signal: SignalEvent | undefined) => {
    if (sink !== undefined) return sink(of, comm, n, first, last, text, signal);
    const ev = { file: of.ev.file, line: first, text };
    emit(signal ? { kind: "nccl.repeat", ev, origin: of.origin, input: of.input, of, comm, n, last, signal } : { kind: "nccl.repeat", ev, origin: of.origin, input: of.input, of, comm, n, last });
  };
  const sink = opts.repeat;
  const initSink = opts.init;

  /**
   * `n` connection lines of one header, shape and peers the fast path read from the bytes (see learnShape), `f` what
   * the line it learnt the shape from was read to, `conn` the first line's reading and `rest` its text after the
   * header: the event the first line reads to, read `n` times, of the communicator their RCCL suffix names (`own`),
   * else of their thread's communicator now (none was read since)
   */
  const takeConn = (f: Folded, conn: ConnRead, own: string | null, n: number, first: number, last: number, rest: string, emit: Emit) => {
    const e = f.e as NcclConnectionEvent;
    const { who, tid, keys } = conn;
    const comm = conn.shape.comm ? own : f.threadComm ? commOf(who, tid, (keys.thread ??= `${who.pid}|${tid}`), (keys.proc ??= `${who.pid}`), e.origin.ip) : e.comm;
    // (trimmed only when it may end in a blank: trimEnd copies the joined text)
    const text = rest.charCodeAt(rest.length - 1) > 32 ? conn.head + rest : (conn.head + rest).trimEnd();
    // (the event of the first line of its header, shape and peers stands for all: read again, they differ in nothing
    // the facts read but their communicator, given apart)
    const of = (conn.memo.of ??= {
      kind: "nccl.connection", ev: { file: e.ev.file, line: first, text }, origin: e.origin, input: e.input, host: who.host, pid: who.pid, dev: who.dev, channel: conn.channel, connIndex: conn.connIndex,
      from: conn.from, to: conn.to, fromDev: conn.fromDev, toDev: conn.toDev, direction: e.direction, via: conn.netDev === null ? e.via : netDevIn(e.via, conn.netDev), transport: e.transport, comm,
    } satisfies NcclConnectionEvent) as NcclConnectionEvent;
    repeat(emit, of, comm, n, first, last, text, undefined);
  };
  /**
   * Lets the fast path read connection lines of the shape of bare record `text` (read to `c.e`) after any header from
   * the bytes: any numbers (1 to 9 digits) for channel, connIndex and peers, any device digits of the length and kind
   * seen. Checked with the least and the most digits through each step of the ordinary way that reads text (peeling,
   * splitting, the record's span, chatter, the connection's reading), and no signature can match whatever they are.
   */
  const learnShape = (text: string, c: Folded): boolean => {
    const e = c.e;
    const h = text.indexOf("] NCCL INFO ") + 1;
    const layout = h > 0 ? connLayout(text.slice(h)) : null;
    if (e.kind !== "nccl.connection" || layout === null || counter.connShapeOf(text) !== undefined || !signatureFreeWithRuns(layout.parts, layout.runs)) return false;
    const head = text.slice(0, h);
    for (const fill of ["0", "9", "F"]) {
      const values: Record<string, string> = {};
      let v = head + layout.parts[0];
      layout.runs.forEach((r, k) => {
        // (the fewest digits, the most, and some of each case of hex digits)
        const x = r.min === r.max ? (fill === "F" && !r.hex ? "9" : fill).repeat(r.max) : fill === "0" ? "0" : r.hex ? (fill === "9" ? "9876543210abcdef" : "ABCDEF") : fill === "9" ? "987654321" : "4321";
        values[r.field] = x;
        v += x + layout.parts[k + 1];
      });
      const span = recordSpan(v);
      const got = span && parseConnection(span.msg);
      const num = (f: string) => (values[f] === undefined ? null : Number(values[f]));
      // (RCCL's nRanks is read by no one)
      if (!got || got.channel !== num("channel") || got.connIndex !== num("connIndex") || got.from !== num("from") || got.to !== num("to")) return false;
      // (a network's device digits are in `via`, whose transport kind and GDRDMA they change not)
      const via = values.netDev === undefined ? e.via : netDevIn(e.via, values.netDev);
      if (got.fromDev !== (values.fromDev ?? e.fromDev) || got.toDev !== (values.toDev ?? e.toDev) || got.direction !== e.direction || got.via !== via || transportKind(got.via) !== e.transport || got.via.includes("GDRDMA") !== e.via.includes("GDRDMA")) return false;
      if (got.comm !== (values.comm !== undefined ? `0x${values.comm}` : c.threadComm ? null : e.comm)) return false;
    }
    return counter.learnConnShape(text, c);
  };
  /** an Init line the fast path took (see InitFolded), `rest` its text after the header: as readInfo reads it */
  const takeInit = (f: InitFolded, line: number, rest: string, emit: Emit) => {
    const e = f.init;
    // (its text is its header's and `rest`, which ends as the line learnt from does: in nothing trimEnd would take)
    const head = (f.head ??= e.ev.text.slice(0, e.ev.text.indexOf(" NCCL INFO ")));
    const at = (k: number) => rest.slice(f.spans[k] - 2 - head.length, f.spans[k + 1] - head.length);
    const comm = at(0);
    const commId = f.spans.length > 2 ? at(2) : e.commId;
    // (made whole, its keys in the order of the line it was learnt from: no spread, for every Init line of a set-up log)
    // (a child communicator's parent is in the text the line shares with the one it was learnt from: the event carries it)
    if (e.parent !== undefined || initSink === undefined || !initSink(e, comm, commId, line, head + rest)) {
      const out: NcclInitEvent = {
        kind: "nccl.init", ev: { file: e.ev.file, line, text: head + rest }, origin: e.origin, input: e.input, host: e.host, pid: e.pid, dev: e.dev, phase: e.phase, comm,
        rank: e.rank, nranks: e.nranks, nvmlDev: e.nvmlDev, busId: e.busId, commId,
      };
      if (e.parent !== undefined) {
        out.parent = e.parent;
        out.color = e.color;
      }
      emit(out);
    }
    if (e.rank !== null && commRank.size < NCCL_READER_LIMITS.comms) commRank.set(`${f.who.host}|${f.who.pid}|${comm}`, e.rank);
    noteComm(f.who, f.tid, comm, (f.keys ??= [`${f.who.pid}|${f.tid}`, `${f.who.pid}`]), e.origin.ip);
  };
  /**
   * A bare Init record, read to `e`, reads alike with other hex digits for its communicator (and commId) at `spans`
   * but for those: checked with all 0s and all fs there through each step of the ordinary way that reads text, and
   * no signature can match whatever they are. (Asked again of a text alike but for those digits, as in a log of
   * communicator after communicator, the answer is remembered: the signatures' check costs ~1 ms a line.)
   */
  const alikeButComm = (text: string, spans: number[], e: NcclInitEvent): boolean => {
    let key = "";
    for (let q = 0, from = 0; q <= spans.length; q += 2) {
      key += q < spans.length ? `${text.slice(from, spans[q])}${"#".repeat(spans[q + 1] - spans[q])}` : text.slice(from);
      from = spans[q + 1];
    }
    key += `|${spans.join(",")}|${e.phase}|${e.rank}|${e.nranks}|${e.nvmlDev}|${e.busId}|${spans.length > 2 ? "" : e.commId}`;
    let alike = alikeInits.get(key);
    if (alike === undefined) {
      if (alikeInits.size >= NCCL_READER_LIMITS.heads) alikeInits.clear();
      alikeInits.set(key, (alike = initAlike(text, spans, e)));
    }
    return alike;
  };
  const alikeInits = new Map<string, boolean>();
  const initAlike = (text: string, spans: number[], e: NcclInitEvent): boolean => {
    if (text !== text.trimEnd() || !signatureFreeWhateverDigits(text, spans, true)) return false;
    for (const d of ["0", "f"]) {
      let v = text;
      for (let q = 0; q < spans.length; q += 2) v = v.slice(0, spans[q]) + d.repeat(spans[q + 1] - spans[q]) + v.slice(spans[q + 1]);
      const span = recordSpan(v);
      if (!span || !(span.msg.includes("Init COMPLETE") || span.msg.includes("Init START")) || span.msg.charCodeAt(0) !== text.charCodeAt(text.length - span.msg.length)) return false;
      const m = readNcclMessage(span.msg);
      const hex = (k: number) => v.slice(spans[k] - 2, spans[k + 1]);
      if (m.kind !== "init" || m.comm !== hex(0) || m.commId !== (spans.length > 2 ? hex(2) : e.commId) || m.phase !== e.phase || m.rank !== e.rank || m.nranks !== e.nranks || (m.nvmlDev ?? m.cudaDev) !== e.nvmlDev || m.busId !== e.busId) return false;
    }
    return true;
  };
  /** the span of bare record text `v` as the ordinary way reads it (a whole INFO record, no wrapper), or null */
  const recordSpan = (v: string): NcclRecordSpan | null => {
    const pieces = splitPhysicalLine(v);
    const p = peel(v);
    if (pieces.length !== 1 || pieces[0] !== v || p.text !== v || p.stamp !== undefined || Object.keys(p.origin).length > 0) return null;
    const span = scanNcclRecord(v);
    return span && span.level === "INFO" && !span.legacy && !CHATTER.test(span.msg) && v.endsWith(span.msg) ? span : null;
  };
  // the Init phases each thread printed (1: START, 2: COMPLETE)
  const initPhases = new Map<string, number>();
  const initAgain = (who: NcclWho, tid: number | null, phase: "START" | "COMPLETE"): boolean => {
    const key = `${who.host}|${who.pid}|${tid}`;
    const bit = phase === "START" ? 1 : 2;
    const had = initPhases.get(key) ?? 0;
    if (had & bit) return true;
    if (initPhases.size >= NCCL_READER_LIMITS.comms) initPhases.clear();
    initPhases.set(key, had | bit);
    return false;
  };
  /** where the hex digits of Init message `msg`'s communicator (and commId) stand in record text `text` */
  const initSpans = (text: string, msg: string, comm: string | null, commId: string | null): number[] | null => {
    if (comm === null || !comm.startsWith("0x") || !text.endsWith(msg)) return null;
    const off = text.length - msg.length;
    // (` comm 0x…`, or the message's start in NCCL ≤2.7: `comm 0x… rank …`)
    const c = msg.startsWith(`comm ${comm} `) ? -1 : msg.indexOf(` comm ${comm} `);
    if (c < 0 && !msg.startsWith("comm ")) return null;
    const spans = [off + c + 8, off + c + 6 + comm.length];
    if (commId !== null) {
      const i = msg.indexOf(`commId ${commId}`, c);
      if (i < 0) return null;
      spans.push(off + i + 9, off + i + 7 + commId.length);
    }
    return spans;
  };

  const rank = (rec: LogRecord, emit: Emit, who: NcclWho, r: number, source: string, nranks: number | null = null, extra: { nNodes?: number; localRanks?: number; comm?: string | null; parent?: string; color?: number } = {}) =>
    emit({ kind: "nccl.rank", ...base(rec, evidenceOf(rec)), ...who, rank: r, nranks, source, ...extra });

  const NOBODY: NcclWho = { host: null, pid: null, dev: null };

  // an Init record's tail apart from its head: one more communicator complete, of a process the tail does not name
  const initTail = (rec: LogRecord, emit: Emit): void => {
    emit({ kind: "nccl.init", ...base(rec, evidenceOf(rec)), ...NOBODY, phase: "COMPLETE", comm: null, rank: null, nranks: null, nvmlDev: null, busId: null, commId: null });
  };
  // where the `ncclras` job summary's totals table is being read: its header's line, then its `(total)` line
  let rasTotals: { input: number; line: number; sub: boolean } | null = null;
  /** Lines that are not NCCL records but say something about NCCL: PyTorch errors and ranks, versions, nccl-tests headers. */
  const readForeign = (rec: LogRecord, emit: Emit): boolean => {
    const t = rec.text;
    let m: RegExpExecArray | null;
    if (rasTotals !== null && (rasTotals.input !== rec.input || rec.line !== rasTotals.line + 1)) rasTotals = null;
    if (rasTotals === null) {
      if (t.includes("Nodes") && RAS_TOTALS_HEAD.test(t)) rasTotals = { input: rec.input, line: rec.line, sub: false };
    } else if (!rasTotals.sub) {
      rasTotals = RAS_TOTALS_SUB.test(t) ? { ...rasTotals, line: rec.line, sub: true } : null;
    } else {
      rasTotals = null;
      if ((m = RAS_TOTALS_ROW.exec(t))) {
        emit({ kind: "nccl.rasNodes", ...base(rec, evidenceOf(rec)), nodes: Number(m[1]) });
        return true;
      }
    }
    if (t.includes(" managed by process ") && (m = RAS_RANK.exec(t))) rank(rec, emit, NOBODY, Number(m[1]), "ras");
    if (t.includes("NCCL version") && (m = BANNER.exec(t))) {
      const bare = /^NCCL version \S+\s*$/.test(t);
      emit({ kind: "nccl.version", ...base(rec, evidenceOf(rec)), ...NOBODY, version: m[1], cuda: m[2] ?? null, source: bare ? "banner" : "pytorch" });
      if (bare) return true;
    } else if (t.startsWith("CCL version ") && (m = CUT_BANNER.exec(t))) {
      emit({ kind: "nccl.version", ...base(rec, evidenceOf(rec)), ...NOBODY, version: m[1], cuda: m[2], source: "banner" });
      return true;
    } else if (t.includes("RCCL version") && (m = RCCL_BANNER.exec(t))) emit({ kind: "nccl.version", ...base(rec, evidenceOf(rec)), ...NOBODY, version: m[1], cuda: null, source: "banner" });
    else if (t.includes("environments: NCCL version") && (m = PG_ENV_VERSION.exec(t))) emit({ kind: "nccl.version", ...base(rec, evidenceOf(rec)), ...NOBODY, version: m[1], cuda: null, source: "pytorch" });
    // (the library the process loaded, like vLLM's `Found nccl from library libnccl.so.X.Y.Z`)
    else if (t.includes("(loaded library)") && (m = DEEPEP_NCCL.exec(t))) emit({ kind: "nccl.version", ...base(rec, evidenceOf(rec)), ...NOBODY, version: m[1], cuda: null, source: "vllm" });
    if (t.includes("nccl==") && (m = VLLM_NCCL.exec(t))) emit({ kind: "nccl.version", ...base(rec, evidenceOf(rec)), ...NOBODY, version: m[1], cuda: null, source: "vllm" });
    // the library vLLM loaded, when its file name carries the full version (`libnccl.so.2` alone does not)
    else if (t.includes("libnccl.so.") && (m = VLLM_NCCL_LIB.exec(t))) emit({ kind: "nccl.version", ...base(rec, evidenceOf(rec)), ...NOBODY, version: m[1], cuda: null, source: "vllm" });
    // (only after an NCCL record of this input: a line of other text that ends so is no Init record's tail)
    if (t.includes("Init COMPLETE") && lastNccl?.input === rec.input && INIT_TAIL_ALONE.test(t)) {
      initTail(rec, emit);
      return true;
    }
    // the rest of an Init record a terminal's width cut anywhere in its last words (`… busId 9b000 commId 0x5ae7` /
    // `7eb5ea4ec1ee - Init COMPLETE`, `… busId 1b000 c` / `ommId 0x… - Init COMPLETE`, `… - Init COMP` / `LETE`): the NCCL
    // record on the line above and this one, joined where the cut fell, end as one (the cut may have left a blank at the
    // end of the one line or the start of the other, which the texts trim: joined with one too)
    if (lastNccl?.input === rec.input && lastNccl.line === rec.line - 1 && t.length <= 60 && /E\s*$/.test(t) && !/ - Init (?:COMPLETE|START)/.test(lastNccl.msg)) {
      const tail = t.trim();
      if (INIT_TAIL.test(lastNccl.msg + tail) || INIT_TAIL.test(`${lastNccl.msg} ${tail}`)) {
        initTail(rec, emit);
        return true;
      }
    }
    // (only after an NCCL record of this input: a line of other text that ends so is no connection)
    if (t.includes("via ") && lastNccl?.input === rec.input && (m = HEADLESS_CONNECTION.exec(t)) && readHeadless(rec, m, emit)) return true;
    // a paste that starts inside a record (`5] -> 6[6] via P2P/IPC`, its `Channel 09/0 : 5[` cut away): kept until an
    // NCCL record of the same input shows the text is NCCL's, then read as above (a file of other text counts none)
    if (t.includes("via ") && lastNccl?.input !== rec.input && ARROW_DEV_VIA.test(t) && (m = HEADLESS_CONNECTION.exec(t))) {
      // (unless the tail keeps the record's ` : 7[7] -> 0[0] via X` whole, both ranks with their devices: NCCL's own
      // connection form, whatever came before it, as a Ray driver prints a worker's record its writers cut in two)
      if (m[2] !== undefined && m[3] !== undefined && WHOLE_PAIR_TAIL.test(t) && readHeadless(rec, m, emit)) return true;
      if (pendingTails.length && pendingTails[0].input !== rec.input) pendingTails.length = 0;
      if (pendingTails.length < MAX_PENDING_TAILS) pendingTails.push(rec);
    }
    if (t.includes("NET/")) {
      // NCCL's own HCA GDR line with its `host:pid:tid [dev] NCCL INFO ` head stripped by the user (`NET/IB : GPU Direct
      // RDMA Disabled for HCA 0 'mlx5_0'`, quoted in a forum post): the whole message, so it is NCCL's and says the same
      if ((m = BARE_GDR_HCA.exec(t))) emit({ kind: "nccl.gdr", ...base(rec, evidenceOf(rec)), ...NOBODY, enabled: /^e/i.test(m[1]), scope: "hca" });
      if (/NET\/IB ?:|NET\/IBext/.test(t)) emit({ kind: "nccl.netHint", ...base(rec, evidenceOf(rec)), net: "IB" });
      else if (/NET\/OFI\b/.test(t)) emit({ kind: "nccl.netHint", ...base(rec, evidenceOf(rec)), net: "OFI" });
      // a net plugin's WARN text alone on its line, as PyTorch prints it under `Last error:` (`NET/GPUDirectTCPX failed to
      // ...`): the plugin names its network as readWarn reads it in a WARN record (Socket's init WARN names none)
      else if ((m = PLUGIN_WARN_NET.exec(t.trimStart())) && !/^(?:Plugin|Socket|IB\w*|OFI)$/.test(m[1])) emit({ kind: "nccl.netHint", ...base(rec, evidenceOf(rec)), net: normalizeNet(m[1]) });
    }
    // torchrun's `[rankN]:` is the process's global rank; ProcessGroupNCCL's own `[Rank M]` / `[PG .. Rank M]` is its
    // rank in that process group, global only in the default group: behind a `[rankN]:` naming another rank it is a
    // subgroup's (`[rank13]:[E.. ProcessGroupNCCL.cpp:616] [Rank 1] Watchdog caught ...`) and not counted
    let global: number | null = null;
    if (rec.raw.includes("[rank")) {
      TORCHRUN_RANK.lastIndex = 0;
      for (let r = TORCHRUN_RANK.exec(rec.raw); r; r = TORCHRUN_RANK.exec(rec.raw)) rank(rec, emit, NOBODY, (global = Number(r[1])), "pytorch");
    }
    if (t.includes("ank")) {
      PYTORCH_RANK.lastIndex = 0;
      for (let r = PYTORCH_RANK.exec(t); r; r = PYTORCH_RANK.exec(t)) if (global === null || Number(r[1]) === global) rank(rec, emit, NOBODY, Number(r[1]), "pytorch");
      if ((t.includes("#") && (m = TESTS_HEADER.exec(t))) || (t.includes(" Pid ") && (m = TESTS_HEADER_BARE.exec(t)))) {
        const who: NcclWho = { host: m[3], pid: Number(m[2]), dev: Number(m[4]) };
        noteHost(rec, who, emit);
        rank(rec, emit, who, Number(m[1]), "ncclTests");
      } else if (t.includes(" on ") && (m = TESTS_HEADER_NO_PID.exec(t))) {
        const who: NcclWho = { host: m[2], pid: null, dev: Number(m[3]) };
        noteHost(rec, who, emit);
        rank(rec, emit, who, Number(m[1]), "ncclTests");
      } else if (t.includes("#") && ((m = TESTS_HEADER_CUT.exec(t)) || (m = TESTS_HEADER_CUT_EARLY.exec(t.trimEnd())))) rank(rec, emit, NOBODY, Number(m[1] ?? m[2]), "ncclTests");
      else if ((m = APP_RANK.exec(t)) && /distributed init/.test(t)) rank(rec, emit, NOBODY, Number(m[1]), "app");
      else if (t.includes("[rank: ") && (m = LIGHTNING_RANK.exec(t))) rank(rec, emit, NOBODY, Number(m[1]), "app");
      else if (t.includes("rank = ") && (m = DDP_EXAMPLE_RANK.exec(t))) rank(rec, emit, NOBODY, Number(m[1] ?? m[4]), "app", Number(m[2] ?? m[3]));
      // the flight recorder's dump request names the rank whose watchdog timed out (ProcessGroupNCCL ≥2.4: `Received a dump
      // signal due to a collective timeout from  rank 2 and ...`, two spaces as printed; `from this local rank` on it)
      if (t.includes("timeout from ") && (m = DUMP_FROM_RANK.exec(t))) rank(rec, emit, NOBODY, Number(m[1]), "fromRank");
      if ((m = RANK_AND_RANK.exec(t)) && /Duplicate GPU| both on CUDA device /.test(t)) {
        rank(rec, emit, NOBODY, Number(m[1]), "duplicateGpu");
        rank(rec, emit, NOBODY, Number(m[2]), "duplicateGpu");
      }
    }
    if (t.includes("GLOBAL_RANK: ") && (m = LIGHTNING_INIT.exec(t))) rank(rec, emit, NOBODY, Number(m[1]), "app", Number(m[2]));
    if (t.includes("NCCL communicator") && (m = XLA_COMM_INIT.exec(t))) rank(rec, emit, NOBODY, Number(m[1]), "app", Number(m[2]));
    if (t.startsWith("comm 0x") && (m = BARE_COMM_RANK.exec(t))) rank(rec, emit, NOBODY, Number(m[1]), "comm", Number(m[2]));
    if (t.includes("Test ") && t.includes(" failure ") && TESTS_FAILURE.test(t)) emit({ kind: "error", ...base(rec, evidenceOf(rec)), source: "other", message: t.trim() });
    else if (t.includes("Failed") && CHECK_MACRO_FAILURE.test(t)) emit({ kind: "error", ...base(rec, evidenceOf(rec)), source: "other", message: t.trim() });
    // a record cut right after its `host:pid:tid` prefix still names its host
    if ((m = BARE_PREFIX.exec(t)) && /[A-Za-z]/.test(m[1])) noteHost(rec, { host: m[1], pid: Number(m[2]), dev: null }, emit);
    else if (t.includes("] N") && (m = CUT_LEVEL_PREFIX.exec(t)) && /[A-Za-z]/.test(m[1])) noteHost(rec, { host: m[1], pid: Number(m[2]), dev: null }, emit);
    // a fused remainder of a cut record: `... -> 1[1] vERROR` split off as a bare level word
    if ((t === "ERROR" || t === "CRITICAL") && lastNccl && lastNccl.line === rec.line && lastNccl.input === rec.input) {
      emit({ kind: "error", ...base(rec, evidenceOf(rec)), source: "other", message: t });
      return true;
    }
    return false;
  };

  // the benign WARN messages read so far, by input and call site (`graph/search.cc:890`)
  const benignAt = new Map<string, string[]>();
  /**
   * A WARN a paste cut inside a word (the window of an issue thread ending mid-record, `graph/search.cc:890 NCCL WARN
   * Could not find a pat`) whose words so far are the start of a benign WARN that the same call site printed earlier in
   * this input (another thread's `Could not find a path for pattern 4, falling back to simple order`): one call site
   * prints one message, so the cut line is that advisory too. Noted here as well: each benign WARN with its site.
   */
  const cutCopyOfBenign = (rec: LogRecord, header: NcclHeader | null, msg: string): boolean => {
    const site = header?.src;
    if (!site) return false;
    const key = `${rec.input}\u0000${site}`;
    if (isBenignWarn(msg)) {
      const seen = benignAt.get(key);
      if (!seen) benignAt.set(key, [msg]);
      else if (seen.length < 8 && !seen.includes(msg)) seen.push(msg);
      return false;
    }
    const head = msg.trimEnd();
    if (head.length < MIN_CUT_WARN || !/\w$/.test(head)) return false;
    return (benignAt.get(key) ?? []).some((whole) => whole.length > head.length && whole.startsWith(head) && /\w/.test(whole[head.length]));
  };

  /** `startLine`: where the WARN record begins (NCCL writes a newline first, which a launcher may have prefixed) */
  const readWarn = (rec: LogRecord, emit: Emit, who: NcclWho, header: NcclHeader | null, span: NcclRecordSpan, startLine: number) => {
    const msg = span.msg;
    const at = { ...evidenceOf(rec), line: startLine };
    const cutCopy = cutCopyOfBenign(rec, header, msg);
    const benign = cutCopy || isBenignWarn(msg);
    const warnKind = classifyWarn(msg);
    let named: number | null = null;
    let m: RegExpExecArray | null;
    if ((m = RANK_AND_RANK.exec(msg))) {
      rank(rec, emit, who, Number(m[1]), "duplicateGpu");
      rank(rec, emit, who, Number(m[2]), "duplicateGpu");
      named = Number(m[1]);
    }
    if ((m = FROM_RANK.exec(msg))) {
      rank(rec, emit, who, Number(m[1]), "fromRank");
      named ??= Number(m[1]);
    }
    if ((m = PROXY_CALL_RANK.exec(msg))) rank(rec, emit, who, Number(m[1]), "proxyPeer");
    if ((m = RANK_OF.exec(msg))) rank(rec, emit, who, Number(m[1]), "rankOf", Number(m[2]));
    if (/^NET\/IB\b|^NET\/IBext/.test(msg)) emit({ kind: "nccl.netHint", ...base(rec, evidenceOf(rec)), net: "IB" });
    else if (/^NET\/OFI\b/.test(msg)) emit({ kind: "nccl.netHint", ...base(rec, evidenceOf(rec)), net: "OFI" });
    // net_socket.cc's data-path WARNs (`NET/Socket : [peer X] message truncated`, `unable to allocate requests`) come
    // from a socket connection in use; its init WARN (`NET/Socket : no interface found`) does not
    else if (/^NET\/Socket ?: (?!no interface)/.test(msg)) emit({ kind: "nccl.netHint", ...base(rec, evidenceOf(rec)), net: "Socket" });
    // a net plugin's own WARN names its network as NCCL's transports name theirs: GPUDirect-TCPXO logs `NET/FasTrak
    // <time>: <status>`, others `NET/<name> : ...`; `NET/Plugin` is NCCL's plugin loader, no network (and
    // `NET/Socket : no interface found`, read above, names none)
    else if ((m = PLUGIN_WARN_NET.exec(msg)) && !/^(?:Plugin|Socket|IB\w*|OFI)$/.test(m[1])) emit({ kind: "nccl.netHint", ...base(rec, evidenceOf(rec)), net: normalizeNet(m[1]) });
    if (!span.legacy) {
      emit({ kind: "nccl.warn", ...base(rec, at), ...who, warnKind, message: msg, benign, ...(cutCopy ? { cutCopyLine: rec.line } : {}), src: header?.src ?? null, func: header?.func ?? null, rank: named });
    }
    // (a ≤2.3 WARN without the NCCL token is no nccl.warn, but a failure all the same unless benign: `misc/ibvwrap.cu:61
    // WARN Failed to open libibverbs.so[.1]` is the same advisory in every era, NCCL going on over sockets)
    if (!benign) {
      const name = NCCL_ERROR_NAME.exec(msg);
      emit({ kind: "error", ...base(rec, at), source: "nccl", ...(name ? { errorType: name[0] } : {}), message: msg });
    }
  };

  /** `whole`: the record is the connection line (not one cut after `via`, read with the line below) */
  const readConnection = (rec: LogRecord, emit: Emit, who: NcclWho, tid: number | null, msg: string, whole: boolean): boolean => {
    const { conn, kind } = connectionOf(msg);
    if (!conn || !kind) return false;
    madeConns.set(kind, (madeConns.get(kind) ?? 0) + 1);
    // (written out, not spread: a set-up log's most frequent event)
    const e: NcclFoldedEvent = {
      kind: "nccl.connection", ev: evidenceOf(rec), origin: rec.origin, input: rec.input, host: who.host, pid: who.pid, dev: who.dev,
      channel: conn.channel, connIndex: conn.connIndex, from: conn.from, to: conn.to ?? conn.from, fromDev: conn.fromDev, toDev: conn.toDev,
      direction: conn.direction, via: conn.via, transport: kind, comm: conn.comm ?? commOf(who, tid, undefined, undefined, rec.origin.ip),
    };
    if (whole) foldable(rec, emit, e, who, tid, conn.comm === null, true);
    else emit(e);
    return true;
  };
  // a connection record that ends in `via`, or inside the kind token after it, read with the next record when that is the
  // line below holding (the rest of) its kind
  let cutVia: { rec: LogRecord; who: NcclWho; tid: number | null; msg: string; partial: string } | null = null;
  const readCutVia = (rec: LogRecord, emit: Emit): boolean => {
    const cut = cutVia;
    cutVia = null;
    if (!cut || rec.input !== cut.rec.input || rec.line !== cut.rec.line + 1) return false;
    // (a token cut in the middle goes on at the next line's first character)
    if (cut.partial && /^\s/.test(rec.raw)) return false;
    const m = VIA_CONTINUATION.exec(cut.partial + rec.text);
    return m !== null && readConnection(cut.rec, emit, cut.who, cut.tid, `${cut.msg.trimEnd()} ${m[1]}`, false);
  };

  // `NET/IB : Using [0]mlx5_0:1/IB … [4]mlx5_4:1/` without its `; OOB …` (2.4 on print it last): a terminal's width cut
  // the list of a node of many HCAs; the next line, bare and going on with it, is read joined (the HCAs are a union, so
  // the first half's reading stands)
  let cutIbUsing: { rec: LogRecord; who: NcclWho; tid: number | null; msg: string; hcas: number } | null = null;
  const readCutIbUsing = (rec: LogRecord, emit: Emit): boolean => {
    const cut = cutIbUsing;
    cutIbUsing = null;
    if (!cut || rec.input !== cut.rec.input || rec.line !== cut.rec.line + 1 || rec.raw.trim() !== rec.text.trim() || !IB_LIST_CONTINUATION.test(rec.raw)) return false;
    const parsed = messageOf(cut.msg + rec.raw.trimEnd());
    if (parsed.kind !== "ibUsing" || parsed.hcas.length <= cut.hcas) return false;
    emit({ kind: "nccl.netDevices", ...base(cut.rec, evidenceOf(cut.rec)), ...cut.who, transport: "ib", hcas: parsed.hcas, ifaces: parsed.oob ? [parsed.oob] : [] });
    return true;
  };

  // a connection record cut inside its direction bracket by another program's output (a progress bar's `\r`, a glued
  // record): `Channel 03/0 : 3[3] -> 7[3] [sen`, its end `..?it/s]d] via NET/..` a later record of that line or the next
  let cutHead: { rec: LogRecord; who: NcclWho; tid: number | null; head: string } | null = null;
  const readCutHead = (rec: LogRecord, emit: Emit): boolean => {
    const cut = cutHead;
    cutHead = null;
    if (!cut || rec.input !== cut.rec.input || rec.line - cut.rec.line > 1) return false;
    const m = CUT_HEAD_END.exec(rec.text);
    return m !== null && readConnection(cut.rec, emit, cut.who, cut.tid, `${cut.head} via ${m[1]}`, false);
  };

  // per thread (host|pid|tid), its `Could not find real path of ...` INFO record when that was the thread's last record
  // (see the errorReturn case below): processes interleave freely, so the probe's `-> 2` is the next record of its
  // thread, not the next line
  const pciPathMisses = new Map<string, { input: number; ev: EventBase["ev"] }>();
  // NCCL ≤2.3 prints one `NET : Using interface name:address` line per interface a search found: how many lines of the
  // current run each thread printed (a run ends at any other line of that thread)
  const legacyIfaceRuns = new Map<string, number>();
  const readInfo = (rec: LogRecord, emit: Emit, who: NcclWho, tid: number | null, span: NcclRecordSpan): void => {
    const msg = span.msg;
    const c = msg.charCodeAt(0);
    // (the thread's key is made only while a probe waits: most logs have none)
    let pciPathMiss: { input: number; ev: EventBase["ev"] } | undefined;
    if (pciPathMisses.size !== 0) {
      const key = `${who.host}|${who.pid}|${tid}`;
      pciPathMiss = pciPathMisses.get(key);
      if (pciPathMiss) pciPathMisses.delete(key);
    }
    if (legacyIfaceRuns.size !== 0 && !LEGACY_IFACE_LINE.test(msg)) legacyIfaceRuns.delete(`${who.host}|${who.pid}|${tid}`);
    // connection lines of every era
    if ((c === 67 /* C */ || c === 82 /* R */) && (msg.startsWith("Channel ") || msg.startsWith("Ring ") || msg.startsWith("Coll"))) {
      if (msg.includes("via")) {
        if (readConnection(rec, emit, who, tid, msg, true)) return;
        // another program's output (a progress bar) printed inside the record, between its ranks and its `] via X`
        const inner = INTERRUPTED_CONNECTION.exec(msg);
        if (inner && readConnection(rec, emit, who, tid, `${inner[1]} via ${inner[2]}`, false)) return;
        // a terminal's hard wrap right after `via`: the kind token starts the next physical line
        const cut = CUT_IN_VIA.exec(msg);
        if (cut) cutVia = { rec, who, tid, msg: cut[1], partial: cut[2] ?? "" };
      } else {
        const h = CUT_IN_DIRECTION.exec(msg);
        if (h) cutHead = { rec, who, tid, head: h[1] };
      }
      for (const r of looseConnectionRanks(msg)) rank(rec, emit, who, r, "connection");
      if (!msg.startsWith("Coll")) {
        quiet = true;
        return;
      }
    }
    // the ≤2.3 net transport's record has neither `Ring NN :` nor devices: `7 -> 8 via NET/Socket/0`, and 2.1/2.2's
    // intra-node record no ring number: `0 -> 1 via P2P/direct pointer`, `1[5224] -> 0[5223] via direct shared memory`
    // (grammars/nccl.ts)
    if (c >= 48 && c <= 57 && msg.includes(" via ") && readConnection(rec, emit, who, tid, msg, true)) {
      quiet = true;
      return;
    }
    if (msg.includes("Init COMPLETE") || msg.includes("Init START")) {
      const parsed = readNcclMessage(msg);
      if (parsed.kind === "init") {
        const e: NcclInitEvent = { kind: "nccl.init", ...base(rec, evidenceOf(rec)), ...who, phase: parsed.phase, comm: parsed.comm ?? commOf(who, tid, undefined, undefined, rec.origin.ip), rank: parsed.rank, nranks: parsed.nranks, nvmlDev: parsed.nvmlDev ?? parsed.cudaDev, busId: parsed.busId, commId: parsed.commId, ...splitOf(msg) };
        emit(e);
        // (only on a thread that printed an Init line of this phase before: one whose communicators come and go)
        const spans = rec.raw === rec.text && initAgain(who, tid, parsed.phase) ? initSpans(rec.text, msg, parsed.comm, parsed.commId) : null;
        if (spans !== null) candidate = { init: e, who, tid, spans };
        if (parsed.comm && parsed.rank !== null && commRank.size < NCCL_READER_LIMITS.comms) commRank.set(`${who.host}|${who.pid}|${parsed.comm}`, parsed.rank);
        noteComm(who, tid, parsed.comm, undefined, rec.origin.ip);
        if (parsed.phase === "COMPLETE" && !counter.folding()) counter.connsDone(span.head);
        return;
      }
      // another record's head with an Init record's tail glued after it (`Init timings - .. alloc 000 commId 0x.. -
      // Init COMPLETE`): the tail counts, and the head reads on as its kind of record (its rank, cut short)
      if (INIT_TAIL.test(msg)) initTail(rec, emit);
    }
    if (msg.startsWith("Could not find real path")) {
      if (pciPathMisses.size >= NCCL_READER_LIMITS.hosts) pciPathMisses.clear();
      pciPathMisses.set(`${who.host}|${who.pid}|${tid}`, { input: rec.input, ev: evidenceOf(rec) });
      return;
    }
    const parsed = messageOf(msg);
    switch (parsed.kind) {
      case "version":
        foldable(rec, emit, { kind: "nccl.version", ...eventBase(rec), ...who, version: parsed.version, cuda: parsed.cuda, source: "info" }, who, tid);
        return;
      case "usingNetwork":
        foldable(rec, emit, { kind: "nccl.network", ...eventBase(rec), ...who, printed: parsed.net, net: normalizeNet(parsed.net) }, who, tid);
        return;
      case "ibUsing":
        foldable(rec, emit, { kind: "nccl.netDevices", ...eventBase(rec), ...who, transport: "ib", hcas: parsed.hcas, ifaces: parsed.oob ? [parsed.oob] : [], ...(parsed.elided ? { listElided: true } : {}) }, who, tid);
        if (!parsed.elided && !parsed.oob && !msg.includes(";") && /Using\s*\[/.test(msg)) cutIbUsing = { rec, who, tid, msg, hcas: parsed.hcas.length };
        return;
      case "ibHcaLegacy":
        foldable(rec, emit, { kind: "nccl.netDevices", ...eventBase(rec), ...who, transport: "ib-legacy", hcas: [parsed.hca], ifaces: [] }, who, tid);
        return;
      case "ibNoDevice":
        foldable(rec, emit, { kind: "nccl.netDevices", ...eventBase(rec), ...who, transport: "ib-none", hcas: [], ifaces: [] }, who, tid);
        return;
      case "socketUsing":
        foldable(rec, emit, { kind: "nccl.netDevices", ...eventBase(rec), ...who, transport: "socket", hcas: [], ifaces: parsed.ifaces }, who, tid);
        return;
      case "plugin":
        // where the loader's line stands among its process's lines tells NCCL ≤2.4's start from 2.5's (NcclNetPluginEvent);
        // only the wording of ≤2.4 (init.cc: `No plugin found (libnccl-net.so).`, the 2.5-2.18 line goes on `, using
        // internal implementation`) is read, so later releases' plugin lines stay lines read to nothing
        if (!NET_PLUGIN_V24.test(parsed.text)) break;
        foldable(rec, emit, { kind: "nccl.netPlugin", ...eventBase(rec), ...who }, who, tid);
        return;
      case "ofi":
        foldable(rec, emit, { kind: "nccl.netDevices", ...eventBase(rec), ...who, transport: "ofi", hcas: [], ifaces: [] }, who, tid);
        return;
      case "pluginUsing":
        emit({ kind: "nccl.netHint", ...eventBase(rec), net: normalizeNet(parsed.net) });
        return;
      case "nicDistance":
        // 2.4 names the network whose NICs it measured (the network in use), as a hint below `Using network`
        emit({ kind: "nccl.netHint", ...eventBase(rec), net: normalizeNet(parsed.net) });
        return;
      case "bootstrapUsing":
        foldable(rec, emit, { kind: "nccl.bootstrap", ...eventBase(rec), ...who, ifaces: parsed.ifaces }, who, tid);
        return;
      case "legacyIface": {
        const key = `${who.host}|${who.pid}|${tid}`;
        const index = legacyIfaceRuns.get(key) ?? 0;
        if (legacyIfaceRuns.size >= NCCL_READER_LIMITS.hosts) legacyIfaceRuns.clear();
        legacyIfaceRuns.set(key, index + 1);
        emit({ kind: "nccl.bootstrap", ...eventBase(rec), ...who, ifaces: [parsed.iface], legacyIndex: index });
        return;
      }
      case "env":
        foldable(rec, emit, { kind: "nccl.env", ...eventBase(rec), ...who, name: parsed.name, value: parsed.value }, who, tid);
        return;
      case "init":
        emit({ kind: "nccl.init", ...eventBase(rec), ...who, phase: parsed.phase, comm: parsed.comm ?? commOf(who, tid, undefined, undefined, rec.origin.ip), rank: parsed.rank, nranks: parsed.nranks, nvmlDev: parsed.nvmlDev ?? parsed.cudaDev, busId: parsed.busId, commId: parsed.commId, ...splitOf(msg) });
        noteComm(who, tid, parsed.comm, undefined, rec.origin.ip);
        return;
      case "commSummary":
        if (commRank.size < NCCL_READER_LIMITS.comms) commRank.set(`${who.host}|${who.pid}|${parsed.comm}`, parsed.rank);
        rank(rec, emit, who, parsed.rank, "commSummary", parsed.nranks, { nNodes: parsed.nNodes, localRanks: parsed.localRanks ?? undefined, comm: parsed.comm });
        noteComm(who, tid, parsed.comm, undefined, rec.origin.ip);
        return;
      case "initTimings":
        rank(rec, emit, who, parsed.rank, "initTimings", parsed.nranks, { comm: commOf(who, tid, undefined, undefined, rec.origin.ip) });
        return;
      case "gdr": {
        foldable(rec, emit, { kind: "nccl.gdr", ...eventBase(rec), ...who, enabled: parsed.enabled, scope: parsed.scope }, who, tid);
        // the network transport in use prints it while NCCL reads the NICs' properties (net_ib.cc, a net plugin
        // such as `NET/gIB : GPU Direct RDMA Enabled for HCA 0 'mlx5_0'`, or the topology check naming NET/Socket):
        // it names that network
        const net = /^NET\/([A-Za-z][\w-]*) ?:/.exec(parsed.text);
        if (net) emit({ kind: "nccl.netHint", ...eventBase(rec), net: normalizeNet(net[1]) });
        // (aws-ofi-nccl's `NET/OFI Could not disable CUDA API usage for HMEM, disabling GDR`: no colon, its plugin's name)
        else if (parsed.text.startsWith("NET/OFI ")) emit({ kind: "nccl.netHint", ...eventBase(rec), net: normalizeNet("OFI") });
        return;
      }
      case "nvls":
      case "collnet": {
        const e: Event = { kind: "nccl.feature", ...eventBase(rec), ...who, feature: parsed.kind, text: parsed.text };
        if (rec.raw === rec.text) restCandidate = { restOf: e, counted: false };
        emit(e);
        return;
      }
      case "collective": {
        const a = activityOf(who, parsed.comm);
        if (a) {
          a.collectives++;
          a.lastOpCount = parsed.opCount;
          a.lastCollective = parsed.op;
          a.lastLine = rec.line;
        }
        return;
      }
      case "errorReturn": {
        emit({ kind: "nccl.errorReturn", ...eventBase(rec), ...who, src: parsed.src, code: parsed.code, thread: parsed.thread });
        // 2.4's netDistance asks the net for the NIC's PCI path; a virtual NIC has none (`Could not find real path of
        // /sys/class/net/eth0/device`), ncclNetPciPath returns `include/net.h:24 -> 2` and NCCL takes the NIC at SYS distance
        const probe = pciPathMiss?.input === rec.input ? pciPathMiss.ev : null;
        const tolerated = probe && parsed.code === 2 && /(?:^|\/)net\.h:\d+$/.test(parsed.src) ? { toleratedBy: probe } : {};
        if (parsed.code !== 0) emit({ kind: "error", ...eventBase(rec), source: "nccl", errorType: NCCL_RESULT_NAMES[parsed.code] ?? `nccl result ${parsed.code}`, message: msg, ...tolerated });
        return;
      }
      case "retry":
        emit({ kind: "error", ...eventBase(rec), source: "nccl", message: msg });
        return;
    }
    let m: RegExpExecArray | null;
    if (msg.includes("rank")) {
      // `comm 0x… rank N nranks M …`, `bootstrapSplit: comm 0x… parent 0x… rank N nranks M color … - DONE` (bootstrap.cc,
      // ncclCommSplit), and NCCL ≤2.3's bare `rank N nranks M` (init.cc, printed once per rank at init)
      if (/^(?:(?:\[Rank \d+\] )?(?:\w+:? )?comm |rank \d+ nranks \d+\s*$)/.test(msg) && (m = COMM_RANK.exec(msg))) rank(rec, emit, who, Number(m[1]), "comm", m[2] ? Number(m[2]) : null, { comm: /\bcomm (0x[0-9a-fA-F]+)/.exec(msg)?.[1] ?? null, ...splitOf(msg) });
      else if ((m = CUT_COMM_RANK.exec(msg))) rank(rec, emit, who, Number(m[1]), "comm", null, { comm: /\bcomm (0x[0-9a-fA-F]+)/.exec(msg)?.[1] ?? null });
      if ((m = FROM_RANK.exec(msg))) rank(rec, emit, who, Number(m[1]), "fromRank");
      if ((m = RANK_OF.exec(msg))) rank(rec, emit, who, Number(m[1]), "rankOf", Number(m[2]));
    }
    quiet = true;
  };

  // readInfo read the record just read to nothing (no event of its own, no counter): see noteQuiet
  let quiet = false;

  return {
    name: "nccl",
    fast: counter.fast,
    absorb: counter.absorb,
    noteQuiet(rec) {
      if (quiet && rec.raw === rec.text) counter.learnQuiet(rec.text);
    },
    noteFold(rec, e, signal) {
      const r = restCandidate;
      // (no record glued in for the readers after this one: see gluedTorch)
      if (r !== null && r.restOf === e && signal === undefined && !rec.text.includes("ProcessGroupNCCL") && !rec.text.includes("]:[")) {
        counter.learnRest(rec.text, () => {
          // (the rest after the header as the ordinary way reads it: the whole message)
          const span = recordSpan(rec.text);
          const rest = rec.text.slice(rec.text.indexOf("] NCCL INFO ") + 1);
          if (span === null || !rest.startsWith(" NCCL INFO ") || span.msg !== rest.slice(11)) return undefined;
          r.patterns = signaturePatternsFor(rest);
          return r;
        });
      }
      const c = candidate;
      if (c !== null && c.init !== undefined) {
        if (c.init === e && signal === undefined && rec.raw === rec.text && alikeButComm(rec.text, c.spans, c.init)) counter.learnFold(rec.text, c, { spans: c.spans, hex: true, each: true });
        return;
      }
      if (c === null || c.e !== e || rec.raw !== rec.text || (made.get(c.e.kind) ?? 0) < keptPerKind) return;
      if (c.e.kind === "nccl.connection" && (madeConns.get(c.e.transport) ?? 0) < CONN_SAMPLES) return;
      // (a line a signature also reads folds only whole: the signal is the same for the same text alone)
      if (signal !== undefined) {
        if (seen) counter.learnFold(rec.text, { ...c, signal }, undefined, c.e.kind !== "nccl.connection");
        return;
      }
      if (c.e.kind === "nccl.connection" && learnShape(rec.text, c)) return;
      if (seen) counter.learnFold(rec.text, c, undefined, c.e.kind !== "nccl.connection");
    },
    noteAgain(rec, events) {
      const t = rec.text;
      if (rec.raw !== t) return;
      if (!againAsked.includes(t)) {
        if (againAsked.length < 8) againAsked.push(t);
        return;
      }
      counter.learnBare(t, { again: events } satisfies AgainFolded);
    },
    folding: () => counter.folding(),
    madeChars: () => restChars,
    flushFolds,
    read(rec, emit) {
      quiet = false;
      candidate = null;
      restCandidate = null;
      const t = rec.text;
      noteProcess(rec, emit);
      const prev = lastRec;
      lastRec = rec;
      let span: NcclRecordSpan | null = t.includes("NCCL ") ? scanNcclRecord(t) : null;
      if (!span && !t.includes("NCCL") && (((t.includes(" INFO ") || t.includes(" WARN ")) && (t.charCodeAt(0) === 91 || t.includes("] "))) || (t.includes("WARN ") && LEGACY_WARN_HINT.test(t)))) span = scanLegacyRecord(t);
      // (aws-ofi-nccl's test programs: `INFO: Function: main Line: 49: NET/OFI Process rank 0 started. NCCLNet device ..`)
      if (!span && (t.startsWith(": Function: ", 4) || t.startsWith(": Function: ", 5))) span = scanLegacyRecord(t);
      // a record whose `host:pid:tid [d] NCCL INFO` the user stripped: only messages no other program prints
      if (!span && STRIPPED_INFO.test(t)) span = { head: "", level: "INFO", msg: t.trim(), legacy: false };
      if (!span) return (cutVia !== null && readCutVia(rec, emit)) || (cutIbUsing !== null && readCutIbUsing(rec, emit)) || (cutHead !== null && readCutHead(rec, emit)) || readForeign(rec, emit);
      cutVia = null;
      cutIbUsing = null;
      // aws-ofi-nccl's test programs name their MPI rank when they start (`NET/OFI Process rank 1 started. NCCLNet device
      // used on <host> is AWS Libfabric.`, tests/nccl_message_transfer.c and the other tests)
      if (span.legacy && span.head === "" && span.msg.startsWith("NET/OFI Process rank ")) {
        const r = OFI_TEST_RANK.exec(span.msg);
        if (r) rank(rec, emit, NOBODY, Number(r[1]), "app");
      }
      if (cutHead !== null && (rec.input !== cutHead.rec.input || rec.line - cutHead.rec.line > 1)) cutHead = null;
      // (changed in place: every NCCL record passes here)
      if (lastNccl) {
        lastNccl.input = rec.input;
        lastNccl.line = rec.line;
        lastNccl.msg = span.msg;
      } else lastNccl = { input: rec.input, line: rec.line, msg: span.msg };
      if (pendingTails.length) {
        for (const p of pendingTails.splice(0)) {
          const pm = p.input === rec.input ? HEADLESS_CONNECTION.exec(p.text) : null;
          if (pm) readHeadless(p, pm, emit);
        }
      }
      // NCCL ≤2.3 wrote a record's header and its message in two writes (debug.h's INFO macro: one fprintf for
      // `host:pid:tid [d] NCCL INFO `, one for the message; 2.4's ncclDebugLog writes the line at once), so processes
      // sharing a stream glue a header to another process's whole record (`h:1:2 [6] NCCL INFO h:3:4 [7] NCCL INFO
      // Ring 04 : 7[7] -> 3[3] via P2P/IPC`), the first one's message following alone on a later line: the glued
      // record is read as itself, and the header before it names its process
      while (span.level === "INFO" && !span.legacy && span.head !== "" && span.msg.includes("NCCL ")) {
        const inner = scanNcclRecord(span.msg);
        // (the message must start with the glued record's header, whole: `via P2P/CUMnode-b:12:22 [1] NCCL INFO ..` is
        // a record cut short with another glued on, which the record splitter reads, or leaves whole)
        if (!inner || !GLUED_HEADER.test(inner.head) || headerOf(inner.head).header === null) break;
        const outer = headerOf(span.head);
        if (outer.header === null) break;
        noteHost(rec, outer.who, emit);
        span = inner;
      }
      const { header, who } = span.head === "" ? NO_HEADER : headerOf(span.head);
      noteHost(rec, who, emit);
      if (span.level === "TRACE" || span.level === "CALL") {
        const a = activityOf(who, null);
        if (a) a.trace++;
        return gluedTorch(rec, t);
      }
      if (span.level === "WARN") {
        readWarn(rec, emit, who, header, span, prev && startsWarnRecord(prev, rec) ? prev.line : rec.line);
        return true;
      }
      const msg = span.msg;
      if (CHATTER.test(msg)) {
        const a = activityOf(who, null);
        if (a) a.proxy++;
        return true;
      }
      if (IB_QP_SETUP.test(msg)) {
        const a = activityOf(who, null);
        if (a) a.proxy++;
        emit({ kind: "nccl.netHint", ...base(rec, evidenceOf(rec)), net: "IB" });
        return true;
      }
      if (span.legacy && msg.startsWith("Using internal Network")) {
        emit({ kind: "nccl.network", ...base(rec, evidenceOf(rec)), ...who, printed: msg.replace(/^Using internal Network\s*/, ""), net: normalizeNet(msg.replace(/^Using internal Network\s*/, "")) });
        return true;
      }
      readInfo(rec, emit, who, header?.tid ?? null, span);
      return gluedTorch(rec, t);
    },
    end(emit) {
      if (counter.folding()) flushFolds(emit);
      counter.settle();
      const overflow = table.overflow;
      if (table.size === 0 && !overflow) return;
      const entries: NcclActivityEvent["entries"] = [];
      for (const a of table.all()) {
        const r = a.comm ? commRank.get(`${a.host}|${a.pid}|${a.comm}`) : undefined;
        const { dev: _d, fastAt: _f, lastLine: _l, armed: _a, ...counters } = a;
        entries.push({ ...counters, rank: r ?? null });
      }
      const ev = { file: lastRec?.file ?? "", line: Math.max(lastRec?.line ?? 0, counter.lastFastLine()), text: "" };
      emit({ kind: "nccl.activity", ev, origin: {}, input: lastRec?.input ?? 0, entries, ...(overflow ? { notice: overflow } : {}) });
    },
  };
}
