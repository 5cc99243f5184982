import { IB_NET_NAME } from "./nccl.js";
/**
 * The phrase table of NCCL messages (the text after `NCCL INFO|WARN`), NCCL 2.2 → 2.30. Syntax only:
 * each entry turns one message shape into a small typed value. Connection lines are read by the
 * chevrotain grammar in ./nccl.ts; everything here is a plain anchored regex tried after a cheap
 * first-character test.
 */

export interface IbHca {
  dev: string;
  port: number;
  /** IB, RoCE, IB/SHARP, UNSPECIFIED ... as printed */
  link: string | null;
}

export type NcclMessage =
  | { kind: "version"; version: string; cuda: string | null }
  | { kind: "usingNetwork"; net: string }
  | { kind: "ibUsing"; hcas: IbHca[]; oob: string | null; elided?: boolean }
  | { kind: "ibHcaLegacy"; hca: IbHca }
  | { kind: "ibNoDevice" }
  | { kind: "socketUsing"; ifaces: string[] }
  | { kind: "bootstrapUsing"; ifaces: string[] }
  | { kind: "legacyIface"; iface: string }
  | { kind: "ofi"; text: string }
  | { kind: "plugin"; text: string }
  | { kind: "pluginUsing"; net: string }
  | { kind: "nicDistance"; net: string }
  | { kind: "env"; name: string; value: string }
  | { kind: "init"; phase: "START" | "COMPLETE"; comm: string | null; rank: number | null; nranks: number | null; cudaDev: number | null; nvmlDev: number | null; busId: string | null; commId: string | null }
  | { kind: "commSummary"; comm: string; rank: number; nranks: number; nNodes: number; localRanks: number | null; localRank: number | null }
  | { kind: "initTimings"; rank: number; nranks: number }
  | { kind: "gdr"; enabled: boolean; scope: "hca" | "gpu"; text: string }
  | { kind: "nvls"; text: string }
  | { kind: "collnet"; text: string }
  | { kind: "collective"; op: string; opCount: string; comm: string | null; nranks: number | null }
  | { kind: "errorReturn"; src: string; code: number; thread: string | null }
  | { kind: "retry"; text: string }
  | { kind: "other" };

// (a record cut inside its `+cudaX.Y` suffix, `NCCL version 2.27.5+cuda12`, still names the release: the CUDA part stays unknown)
const VERSION = /^NCCL version (\d+\.\d+\.\d+[\w.\-]*?)(?:\+cuda(\d+\.\d+)|\+cuda[A-Z_]+\.[A-Z_]+|\+(?:c(?:u(?:d(?:a\d*\.?)?)?)?)?(?=\s*$))?(?:\s|$)/;
const RCCL_VERSION = /^RCCL version\s?:?\s?(\d+\.\d+\.\d+)(?=$|[\s+\-])/;
// (what the author wrote after it in a pasted log, `Using network Socket # Ethernet`, is not part of the name; names
// may hold spaces: `AWS Libfabric`)
const USING_NETWORK = /^Using network (.+?)(?:\s+(?:#|\/\/|<-|\u2190)\s.*)?\s*$/;
const ASSIGNED_NET = /^Assigned NET plugin (.+?) to comm\s*$/;
/**
 * NCCL 2.4 (transport/net.cc netGetDevices): `CUDA Dev 0[0], Socket NIC distance :  SYS`, one line per GPU with the
 * GPU's distance to each NIC of the network in use, named by that network (ncclNetName(): `IB`, `Socket`, or a
 * plugin's name such as `AWS Libfabric`)
 */
const NIC_DISTANCE = /^CUDA Dev \d+\[\d+\], (\S.*?) NIC distance :/;
const PLUGIN_USING = /^NET\/([A-Za-z][\w-]*) ?: ?Using \[\d+\]/;
/**
 * a net plugin reporting a data connection of its own (google/nccl-fastsocket net_fastsocket.cc connect and accept:
 * `NET/FastSocket : Connected after 0 retries.`, `.. : Connected data socket 3`, `.. : Accepted data socket 3`, then
 * `.. : Async connect done`): the plugin carries the traffic, as its `Using [0]..` device list says when the paste has it
 */
const PLUGIN_CONNECTED = /^NET\/([A-Za-z][\w-]*) ?: ?(?:Connected after \d+ retries|(?:Connected|Accepted) data socket \d+|Async connect done)\b/;
const HCA_ITEM = /\[\d+\]\s?([\w\-.]+):(\d+)(?:\/([A-Za-z]+(?:\/[A-Za-z]+)?))?/g;
// NCCL ≤2.3 (include/socket.h findInterfaces): one line per interface found, `NET : Using interface lo:127.0.0.1<0>`;
// the bootstrap asks for one interface, the socket transport for all of them (then `NET/Socket : N interfaces found`)
const LEGACY_IFACE = /^NET ?: ?Using interface (\S+)\s*$/;
const IB_USING = /^NET\/IB ?: ?Using(?!\s+interface\b)\s*=?\s*(.*)$/;
// one line per HCA: pre-2.5 `NET/IB: [0] mlx5_0:1/IB`; the device list of ≈2.19 on (and RCCL), with the verbs device
// between name and port, `NET/IB: [0] mlx5_0:uverbs0:1/IB provider=Mlx5 speed=400000 context=0x… pciPath=… ar=1`
const IB_LEGACY = /^NET\/IB ?: ?\[\d+\] ([\w\-.]+):(?:uverbs\d+:)?(\d+)\/(\w+)/;
const IFACE_ITEM = /(?:\[\d+\])?([\w.\-@]+):([0-9A-Fa-f.:%\w<>\-]+?)<\d+>/g;
// misc/socket.cc: `%s: connect returned %s, retrying (%d/%ld) after sleep for %u msec` (2.24.3–2.26), `%s: connect to %s
// returned %s, retrying (..)` (2.27.3+); transport/net_ib: `Call to ibv_modify_qp failed with .., retrying 1/10 after ..`
const RETRY_REPORT = /^\w+: connect (?:to \S+ )?returned .*, retrying \(\d+\/\d+\)|^Call to \w+ failed with .*, retrying \d+\/\d+/;
// (the value runs to the end of the line, NCCL's `.` after a number aside; a note its author appended to the line in a
// post, `... set by environment to 1.  # <- IB off`, is no part of it: NCCL prints no ` # ` in a value)
const ENV = /^(NCCL_\w+|[A-Z][A-Z0-9_]{2,}) set by environment to (.*?)\.?(?:\s+#\s.*)?\s*$/;
const ENV_HCA = /^(NCCL_IB_HCA) set to (.*?)\s*$/;
const INIT = /(?:^|\s)comm (0x[0-9a-fA-F]+|\(nil\)) rank (\d+) n\w*ks (\d+)(?: cudaDev (\d+))?(?: nvmlDev (\d+))?(?: busId ([0-9a-fA-F]+))?(?:.*?commId (0x[0-9a-fA-F]+))?.*?- Init (START|COMPLETE)/;
// (also a line its author abridged, the ` - ` gone with what stood before it: `ncclCommInitRank … rank 0 nranks 2 … Init COMPLETE`)
const INIT_LOOSE = /(?:- |(?:\u2026|\.\.\.) ?)Init (START|COMPLETE)/;
// (a record cut after `nNodes K` still says how many nodes the communicator spans)
const COMM_SUMMARY = /^comm (0x[0-9a-fA-F]+) rank (\d+) nRanks (\d+) nNodes (\d+)(?= |$)(?: localRanks (\d+)(?: localRank (\d+))?)?/;
const INIT_TIMINGS = /^Init timings(?: - \w+)?: rank (\d+) nranks (\d+)/;
const COLLECTIVE = /^(\w+): opCount ([0-9a-fA-F]+)\b(?:.*? comm (0x[0-9a-fA-F]+))?(?:.*?\[nranks=(\d+)\])?/;
// `NET/IB : GPU Direct RDMA Enabled for HCA 0 'mlx5_0'`; plugins and NCCL's DMA-BUF path: `GPU Direct RDMA (DMABUF) enabled for HCA …`
const GDR_HCA = /GPU Direct RDMA (?:\(DMABUF\) )?(Enabled|Disabled|enabled|disabled)\b(?: for HCA)?/;
const OFI_GDR_OFF = /\bdisabling GDR\b|\bwithout GPUDirect RDMA support\b/;
const ERROR_RETURN = /^([\w./\-]+\.(?:cc|c|cpp|h|hpp|cu)):(\d+)(?: \(\w+\))? -> (\d+)(?: \[([^\]]+)\])?/;

/**
 * The `[i]dev:port/LINK` items of a device list. `cut`: the record lost its end (no `; OOB` part), so the last item's link
 * layer may be a cut word (`mlx5_9:1/IB/SH`) and is left unknown when nothing follows it.
 */
function hcas(list: string, cut = false): IbHca[] {
  const out: IbHca[] = [];
  const end = list.trimEnd().length;
  HCA_ITEM.lastIndex = 0;
  for (let m = HCA_ITEM.exec(list); m; m = HCA_ITEM.exec(list)) out.push({ dev: m[1], port: Number(m[2]), link: m[3] === undefined || (cut && m.index + m[0].length >= end) ? null : m[3] });
  return out;
}

// an address as NCCL prints it (ncclSocketToString, numeric host): IPv4 dotted quad, or IPv6 with an optional `%scope`
const IPV4_ADDRESS = /^\d{1,3}(?:\.\d{1,3}){3}$/;
const IPV6_ADDRESS = /^(?=[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*:)[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){1,7}(?::\d{1,3}(?:\.\d{1,3}){3})?(?:%[\w.\-]+)?$/;

/**
 * One `name:address` item of a `Bootstrap : Using` / `NET/Socket : Using` / `OOB` list, split into name and address. The
 * item is `%s:%s` of the interface name and the address, and a Linux interface name can itself hold a colon (an IP alias,
 * `ib0:0:10.2.145.121<0>`), so the split is at the first colon whose remainder reads as an address; failing that (an
 * empty or redacted address, `eth0:<0>`, `bond0:X.X.X.X<0>`) at the first colon. The `<port>` is dropped.
 */
export function splitIface(item: string): { name: string; address: string } | null {
  const bare = item.replace(/<\d+>$/, "");
  const first = bare.indexOf(":");
  if (first <= 0) return null;
  for (let i = first; i > 0; i = bare.indexOf(":", i + 1)) {
    const address = bare.slice(i + 1);
    if (IPV4_ADDRESS.test(address) || IPV6_ADDRESS.test(address)) return { name: bare.slice(0, i), address };
  }
  return { name: bare.slice(0, first), address: bare.slice(first + 1) };
}

function ifaces(list: string): string[] {
  const out: string[] = [];
  IFACE_ITEM.lastIndex = 0;
  for (let m = IFACE_ITEM.exec(list); m; m = IFACE_ITEM.exec(list)) out.push(`${m[1]}:${m[2]}`);
  return out;
}

/** Reads one NCCL INFO/WARN message into a typed value; `other` when the table has no entry for it. */
export function readNcclMessage(msg: string): NcclMessage {
  const c = msg.charCodeAt(0);
  let m: RegExpExecArray | null;
  switch (c) {
    case 78 /* N */:
      if (msg.startsWith("NCCL version")) {
        if ((m = VERSION.exec(msg))) return { kind: "version", version: m[1], cuda: m[2] ?? null };
        break;
      }
      if (msg.startsWith("NET/IB")) {
        if ((m = IB_USING.exec(msg))) {
          const oob = /;\s*OOB\s+(\S+)/.exec(m[1]);
          const list = m[1].split(";")[0];
          // NCCL itself never prints an ellipsis here: `Using ...` / `Using …` is a paste whose device list the user cut,
          // so the HCAs are unknown rather than none (an empty `Using [RO]; OOB` list is a real "no device" print)
          if (/^\s*(?:\.{3,}|\u2026)\s*$/.test(list)) return { kind: "ibUsing", hcas: [], oob: oob ? oob[1] : null, elided: true };
          return { kind: "ibUsing", hcas: hcas(list, !m[1].includes(";")), oob: oob ? oob[1] : null };
        }
        if ((m = IB_LEGACY.exec(msg))) return { kind: "ibHcaLegacy", hca: { dev: m[1], port: Number(m[2]), link: m[3] } };
        if (/^NET\/IB ?: ?No device found/.test(msg)) return { kind: "ibNoDevice" };
        if ((m = GDR_HCA.exec(msg))) return { kind: "gdr", enabled: /^e/i.test(m[1]), scope: "hca", text: msg };
        break;
      }
      if (msg.startsWith("NET/Socket")) {
        if ((m = /^NET\/Socket ?: ?Using (.*)$/.exec(msg)) && !/threads/.test(m[1])) return { kind: "socketUsing", ifaces: ifaces(m[1]) };
        // NCCL's topology check names the network in use: `NET/Socket : GPU Direct RDMA Disabled for HCA 0 'lo'`
        if ((m = GDR_HCA.exec(msg))) return { kind: "gdr", enabled: /^e/i.test(m[1]), scope: "hca", text: msg };
        break;
      }
      if (msg.startsWith("NET/OFI")) {
        // aws-ofi-nccl turning GPU Direct RDMA off for its devices (nccl_ofi_net.c: the INFO `Could not disable CUDA API
        // usage for HMEM, disabling GDR`; its TRACE `Using Libfabric 1.18 API, without GPUDirect RDMA support`)
        if (OFI_GDR_OFF.test(msg)) return { kind: "gdr", enabled: false, scope: "hca", text: msg };
        return { kind: "ofi", text: msg };
      }
      if (msg.charCodeAt(3) !== 47 /* / */ && (m = LEGACY_IFACE.exec(msg))) {
        const item = ifaces(m[1]);
        if (item.length === 1) return { kind: "legacyIface", iface: item[0] };
        break;
      }
      if (msg.startsWith("NET/Plugin") || msg.startsWith("NET/Plugin:")) return { kind: "plugin", text: msg };
      if (msg.startsWith("NVLS")) return { kind: "nvls", text: msg };
      if ((m = ENV.exec(msg))) return { kind: "env", name: m[1], value: m[2] };
      if ((m = ENV_HCA.exec(msg))) return { kind: "env", name: m[1], value: m[2] };
      if (msg.startsWith("NET/")) {
        if ((m = GDR_HCA.exec(msg))) return { kind: "gdr", enabled: /^e/i.test(m[1]), scope: "hca", text: msg };
        // a net plugin listing the devices it will use, as NCCL's own transports do (`NET/FastSocket : Using [0]ibs108:..`)
        if ((m = PLUGIN_USING.exec(msg))) return { kind: "pluginUsing", net: m[1] };
        if ((m = PLUGIN_CONNECTED.exec(msg))) return { kind: "pluginUsing", net: m[1] };
        if (/^NET\/[\w ]+?\s?:\s?Using\b/.test(msg) || /Selected Provider/.test(msg)) return { kind: "plugin", text: msg };
      }
      break;
    case 82 /* R */:
      if ((m = RCCL_VERSION.exec(msg))) return { kind: "version", version: m[1], cuda: null };
      break;
    case 85 /* U */:
      if ((m = USING_NETWORK.exec(msg))) return { kind: "usingNetwork", net: m[1] };
      if (/^Using internal Network (\w+)/.test(msg)) return { kind: "usingNetwork", net: /^Using internal Network (\w+)/.exec(msg)![1] };
      break;
    case 66 /* B */:
      if ((m = /^Bootstrap ?: ?Using\s*(.*)$/.exec(msg))) return { kind: "bootstrapUsing", ifaces: ifaces(m[1]) };
      break;
    case 71 /* G */:
      if (/^GPU Direct RDMA (Enabled|Disabled) for /.test(msg)) return { kind: "gdr", enabled: /Enabled/.test(msg), scope: /for HCA/.test(msg) ? "hca" : "gpu", text: msg };
      break;
    case 67 /* C */:
      if ((m = NIC_DISTANCE.exec(msg))) return { kind: "nicDistance", net: m[1] };
      if (/^Coll[Nn]et\b|collnet/.test(msg)) return { kind: "collnet", text: msg };
      if (msg.startsWith("Call to connect returned") || /^Call to \w+ returned .*retrying/.test(msg)) return { kind: "retry", text: msg };
      if (msg.startsWith("Connected NVLS")) return { kind: "nvls", text: msg };
      break;
    case 73 /* I */:
      if ((m = INIT_TIMINGS.exec(msg))) return { kind: "initTimings", rank: Number(m[1]), nranks: Number(m[2]) };
      break;
  }
  // 2.24+ (os/linux.cc, misc/socket.cc): `ncclOsSocketPollConnect: connect to 10.0.0.2<58525> returned Connection refused,
  // retrying (34/34) after sleep for 3400 msec`; and `Call to ibv_modify_qp failed with 110 .., retrying 1/10 after 20 msec of sleep`
  if (msg.includes(", retrying") && RETRY_REPORT.test(msg)) return { kind: "retry", text: msg };
  if ((m = ENV.exec(msg))) return { kind: "env", name: m[1], value: m[2] };
  if (msg.endsWith("START") || msg.endsWith("COMPLETE") || msg.includes("- Init ")) {
    if ((m = INIT.exec(msg))) {
      return {
        kind: "init", phase: m[8] as "START" | "COMPLETE", comm: m[1], rank: Number(m[2]), nranks: Number(m[3]),
        cudaDev: m[4] ? Number(m[4]) : null, nvmlDev: m[5] ? Number(m[5]) : null, busId: m[6] ?? null, commId: m[7] ?? null,
      };
    }
    if ((m = INIT_LOOSE.exec(msg))) {
      const r = /\brank (\d+) n\w*ks? (\d+)/.exec(msg);
      return { kind: "init", phase: m[1] as "START" | "COMPLETE", comm: null, rank: r ? Number(r[1]) : null, nranks: r ? Number(r[2]) : null, cudaDev: null, nvmlDev: null, busId: null, commId: null };
    }
  }
  if (msg.startsWith("comm 0x") && (m = COMM_SUMMARY.exec(msg))) {
    return { kind: "commSummary", comm: m[1], rank: Number(m[2]), nranks: Number(m[3]), nNodes: Number(m[4]), localRanks: m[5] ? Number(m[5]) : null, localRank: m[6] ? Number(m[6]) : null };
  }
  if (msg.includes(" -> ") && (m = ERROR_RETURN.exec(msg))) return { kind: "errorReturn", src: `${m[1]}:${m[2]}`, code: Number(m[3]), thread: m[4] ?? null };
  if (msg.includes(": opCount ") && (m = COLLECTIVE.exec(msg))) return { kind: "collective", op: m[1], opCount: m[2], comm: m[3] ?? null, nranks: m[4] ? Number(m[4]) : null };
  if (/\bnvls channels\b|^NVLS|Connected NVLS/.test(msg)) return { kind: "nvls", text: msg };
  if (/collnet channels|CollNet/.test(msg)) return { kind: "collnet", text: msg };
  // 2.28+ plugin/net.cc names the network plugin a communicator runs on, `Assigned NET plugin IB to comm` (then init.cc's
  // `Using network IB`, which a cut or grepped paste can lack): the network in use, as a hint below `Using network`
  if ((m = ASSIGNED_NET.exec(msg))) return { kind: "pluginUsing", net: m[1] };
  if (/(?:^|\s)(?:TUNER|PROFILER|NET|GIN|COLL)\/Plugin\b|^Initialized NET plugin|^Assigned (?:NET|GIN) plugin|^Using non-device net plugin|^P2P plugin|^Plugin Path|^Loaded (?:net|coll|collnet) plugin/.test(msg)) return { kind: "plugin", text: msg };
  return { kind: "other" };
}

/** What a failing NCCL WARN is about; the rules read this. */
export type NcclWarnKind =
  | "ib" | "socket" | "bootstrap" | "shm" | "cuda" | "duplicate-gpu" | "system" | "internal" | "remote" | "timeout"
  | "version-mismatch" | "proxy" | "ofi" | "p2p" | "plugin" | "invalid-usage" | "other";

const WARN_KINDS: [RegExp, NcclWarnKind][] = [
  [/Duplicate GPU detected|Multiple [Rr]anks .*same GPU/, "duplicate-gpu"],
  [/Mismatched NCCL version|version mismatch/i, "version-mismatch"],
  [/Cuda failure|CUDA calloc|cudaIpc|unhandled cuda error|CUDA driver/i, "cuda"],
  [/shared memory|\/dev\/shm|shmutils|Error: failed to extend|posix_fallocate/i, "shm"],
  [/^NET\/IB|ibv_|ibvwrap|Got completion from peer|libibverbs|async (?:fatal )?event|IbDev|mlx\d/, "ib"],
  [/^NET\/OFI|OFI|libfabric|efa/i, "ofi"],
  [/Bootstrap|bootstrap/, "bootstrap"],
  [/timed out|timeout|exceeded (?:retries|timeouts)/i, "timeout"],
  [/Connection closed by remote peer|remote process exited|Connection reset by peer|Broken pipe/i, "remote"],
  [/socket|Socket|Connect to |connect to |Call to (?:recv|send|connect|accept)|Net : /, "socket"],
  [/Proxy|proxy/, "proxy"],
  [/P2P|peer with device|peer access/, "p2p"],
  [/Plugin|plugin/, "plugin"],
  [/internal error|Internal check/i, "internal"],
  [/invalid usage|Invalid value|Invalid NCCL/i, "invalid-usage"],
  [/system error|Call to \w+ failed/i, "system"],
];

/** Classifies a WARN message. */
export function classifyWarn(msg: string): NcclWarnKind {
  for (const [re, kind] of WARN_KINDS) if (re.test(msg)) return kind;
  return "other";
}

/**
 * net_ib.cc's async-event thread WARNs every event, fatal or not: these are the subnet manager's routine ones (the
 * port coming up, a LID/GID/P_Key table or SM change, `client reregistration`). A record cut inside the event's
 * name (`... Got async event : client reregistr`) is the same event: 4+ of its first characters end the line.
 */
const BENIGN_ASYNC_EVENTS = ["port active", "GID table change", "LID change", "client reregistration", "SM change", "P_Key change"];
const cutAt = (name: string, min: number): string =>
  name.slice(0, min).replace(/[.*+?^${}()|[\]\\]/g, "\\$&") + [...name.slice(min)].reduceRight((rest, c) => `(?:${c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}${rest})?`, "");
/** `async event : <benign event>` (the name whole, or cut at the end of the line) */
export const BENIGN_ASYNC_EVENT = new RegExp(`async event\\s*:\\s*(?:${BENIGN_ASYNC_EVENTS.map((n) => `${n}|${cutAt(n, Math.min(4, n.length))}\\s*$`).join("|")})`, "i");

/**
 * RCCL's advisory WARNs, printed while the communicator comes up and followed by a normal start (ROCm/rccl src/init.cc,
 * src/misc/api_trace.cc):
 * - the start-up advice read from /proc/cmdline and the environment, `Missing "iommu=pt" from kernel command line which
 *   can lead to system instablity or hang!`, `Missing "HSA_FORCE_FINE_GRAIN_PCIE=1" from environment ..`, and from
 *   /proc/sys/kernel/numa_balancing `NUMA auto balancing enabled which can lead to variability in the RCCL performance!
 *   Disable by "sudo sysctl kernel.numa_balancing=0"`;
 * - the optional profiler hook, `[rocprofiler-sdk-rccl][PID] rocprofiler-register failed with error code 4 : ..`:
 *   RcclGetFunctionTable warns and returns the API table all the same;
 * - MSCCL++ left off, `MSCCL++: Cannot enable MSCCL++; environment is not MSCCL compatible`, `.. on gfx90a
 *   architecture`, `MSCCL++: Feature not enabled. ENABLE_MSCCLPP must be defined ..`: init goes on and sets
 *   initState = ncclSuccess.
 * - AMD SMI left off in a build with fabric support (src/misc/amdsmi_wrap.cc), `RCCL_USE_AMD_SMI_LIB not set, but
 *   HIP_FABRIC_API is defined. Fabric support is only available through AMD SMI. ..`: RCCL goes on with its internal
 *   rsmi (`initialized internal alternative rsmi functionality`).
 * - DMA-BUF turned on by setting (src/misc/rocmwrap.cc initOnceFunc): `DMA_BUF Support is force enabled, so explicitly
 *   setting RCCL_FORCE_ENABLE_DMABUF=1` (RCCL_FORCE_ENABLE_DMABUF=1) and `NCCL_CUMEM_ENABLE is set but NCCL_DMABUF_ENABLE
 *   is not. Forcefully enabling DMA-BUF for hipMem.`: both set dmaBufSupport = 1 and go on to the ROCr checks.
 * - cuMem left off (src/misc/rocmwrap.cc, the cuMem capability check of newer RCCL): `cuMem support requires VMM RDMA
 *   support`, `.. requires Linux kernel >= 6.8`, `.. requires HIP_VERSION >= 7.2.0 (or ROCm 7.0.2.x backport)` each set
 *   supported = 0 and return it, and `NCCL_CUMEM_ENABLE=1 is set but cuMem VMM APIs are unavailable in this build
 *   (HIP_VERSION=N); disabling cuMem`: RCCL goes on with cuMem off, as NCCL does where cuMem is unsupported.
 * - NCCL_MIN_NCHANNELS refused (src/init.cc, RCCL 2.2x): `NCCL_MIN_NCHANNELS set by environment is ignored due to less
 *   than 8 GPUs.` (fewer than 8 ranks asking for more than 64) and `.. due to greater than max allowed 48 channels.`: each
 *   sets the minimum to 2 and init goes on (a tuning setting dropped, not a failure).
 * - the protocol tuning of a GPU whose model it did not match (src/misc/rccl_wrap.cc rcclUpdateCollectiveProtocol, a void
 *   function): `LL cutoff points not detected for a supported arch gfx942`, warned once, and RCCL keeps its default LL
 *   thresholds.
 * The start-up advice is also read cut at the end of the line anywhere after its `from` (a paste or a log window that
 * stops inside the sentence: `Missing "iommu=pt" from kernel comm`): NCCL and RCCL print no other `Missing "X" from`
 * WARN, and the rest of the sentence is fixed text.
 * Unanchored: the signature reader tests whole lines with it.
 */
const RCCL_ADVICE_CUT = `\\bMissing "[^"]+" from(?: (?:${cutAt("kernel command line which can lead to", 1)}|${cutAt("environment which can lead to", 1)}))?\\s*$|\\bNUMA auto balancing enabled(?: ${cutAt("which can lead to variability", 1)})?\\s*$`;
export const RCCL_ADVISORY_WARN = new RegExp(`${RCCL_ADVICE_CUT}|${/\bNCCL_MIN_NCHANNELS set by environment is ignored due to (?:less than \d+ GPUs|greater than max allowed \d+ channels)|\bMissing "[^"]+" from (?:kernel command line|environment) which can lead to |\bNUMA auto balancing enabled which can lead to variability|\[rocprofiler-sdk-rccl\]\[\d+\] rocprofiler-register failed with error code|\bMSCCL\+\+: (?:Cannot enable MSCCL\+\+|Feature not enabled)|\bRCCL_USE_AMD_SMI_LIB not set, but HIP_FABRIC_API is defined\b|\bDMA_BUF Support is force enabled, so explicitly setting RCCL_FORCE_ENABLE_DMABUF=1|\bNCCL_CUMEM_ENABLE is set but NCCL_DMABUF_ENABLE is not\. Forcefully enabling DMA-BUF|\bcuMem support requires (?:VMM RDMA support|Linux kernel >= |HIP_VERSION >= )|\bNCCL_CUMEM_ENABLE=1 is set but cuMem VMM APIs are unavailable in this build|\bLL cutoff points not detected for a supported arch\b/.source}`);

/**
 * aws-ofi-nccl's advisory WARN from configure_nvls_option (older releases): it looks up
 * `ncclGetVersion` to decide whether to turn NVLS off for NCCL < 2.18.5; without the symbol it warns `Could not find
 * ncclGetVersion symbol` and goes on (later releases print the same case as TRACE, `skipping NVLS NCCL version check`).
 * Unanchored: the signature reader tests whole lines with it.
 */
export const OFI_ADVISORY_WARN = /\bNET\/OFI Could not find ncclGetVersion symbol/;

/**
 * aws-ofi-nccl giving up its own initialisation: `aws-ofi-nccl initialization failed` (nccl_net_ofi_init, later
 * nccl_net_ofi_create_plugin), `Initializing plugin failed` (the versioned init entry points), `Unable to find a protocol
 * that worked.  Failing initialization.` (no protocol of RDMA / SENDRECV came up) and the older ofi_init's `Only EFA
 * provider is supported` (an AWS platform whose provider is not efa: it returns ncclSystemError at once). NCCL then
 * leaves the plugin and tries its internal IB and socket transports (init.cc initNet before 2.11, net.cc ncclNetInit
 * since), so such a line says the run's network is NOT the plugin's, whatever NET/OFI lines came before it.
 * Unanchored: read from the WARN's message text.
 */
export const OFI_GAVE_UP_WORDS = "aws-ofi-nccl initialization failed|Initializing plugin failed|Unable to find a protocol that worked|Only EFA provider is supported";
export const OFI_GAVE_UP = new RegExp(String.raw`\bNET\/OFI (?:${OFI_GAVE_UP_WORDS})`);

/**
 * google/nccl-fastsocket's flow-steering WARNs (net_fastsocket.cc connect/accept): `Cannot get incoming CPU.` when
 * getsockopt(SO_INCOMING_CPU) fails, and `Maximum retry reached for connect 3.` / `.. for accept 3.` when it stops
 * looking for a socket on the wanted queue: both go on with the next free socket (`Connected after 1000 retries.`);
 * only `Cannot find empty socket for N.` returns an error. Unanchored: the signature reader tests whole lines with it.
 */
export const FASTSOCKET_ADVISORY_WARN = /\bCannot get incoming CPU\.|\bMaximum retry reached for (?:connect|accept) \d+\./;

/**
 * misc/cudawrap.cc (2.13-2.18) `Failed to find CUDA library in (null) (NCCL_CUDA_PATH=(null))`, and the later form that
 * names the library and dlerror's reason, `Failed to find CUDA library libcuda.so (NCCL_CUDA_PATH='') : <reason>`: NCCL
 * could not dlopen the CUDA driver library itself; its callers fall back (no cuMem, DMA-BUF or multicast) and init
 * goes on (WSL2, whose libcuda.so is outside the loader's path, prints it before a normal init).
 */
export const CUDA_LIB_ADVISORY_WARN = /\bFailed to find CUDA library (?:in \S* \(NCCL_CUDA_PATH=|\S+ \(NCCL_CUDA_PATH='[^']*'\) : )/;

/**
 * Tuning and topology settings NCCL sets aside and goes on without (WARN in these releases, INFO in later ones):
 * - graph/tuning.cc's getNthreads (2.5 on): `Invalid NCCL_NTHREADS 100 (must be a multiple of 32)`, `Invalid
 *   NCCL_LL128_NTHREADS 1024 (maximum 640).`, `.. (minimum 64).`: the thread count is clamped.
 * - graph/xml.cc's ncclTopoGetXmlFromFile (2.6 on): `Could not open XML topology file /opt/x/topo.xml : No such file or
 *   directory` for the file NCCL_TOPO_FILE names; it returns ncclSuccess and NCCL detects the topology itself. (The XML
 *   graph file of NCCL_GRAPH_FILE, `Could not open XML graph file`, returns ncclSystemError: a failure.)
 */
export const TUNING_ADVISORY_WARN = /\bInvalid NCCL_(?:LL128_)?NTHREADS -?\d+ \((?:must be a multiple of|maximum|minimum) \d+\)|\bCould not open XML topology file \S+ : /;

/** WARNs that do not report a failure (CONTRACT.md). */
const BENIGN_WARN = [
  BENIGN_ASYNC_EVENT,
  /Failed to open libibverbs\.so/,
  /CollNet is not supported.*ignoring/i,
  // a NIC's path (`rxe0`, `/sys/class/net/eth0/device`): NCCL goes on without it. The GPU's bus path
  // (graph/xml.cc getPciPath, `/sys/class/pci_bus/0000:21/../../0000:21:00.0`) returns ncclSystemError in every version
  /Could not find real path of (?!\/sys\/class\/pci_bus\/)/,
  /NET\/Plugin ?: ?(?:No plugin found|Could not find)/,
  /Failed to find ncclNetPlugin_v\d+ symbol/,
  // graph/search.cc 2.5–2.12 (INFO from 2.13): no topology path, so NCCL uses a simple ring and goes on. The 2.4
  // form without "falling back" returns ncclInternalError and stays a failure.
  /Could not find a path for pattern \d+, falling back to simple order/,
  RCCL_ADVISORY_WARN,
  OFI_ADVISORY_WARN,
  FASTSOCKET_ADVISORY_WARN,
  CUDA_LIB_ADVISORY_WARN,
  TUNING_ADVISORY_WARN,
];

export function isBenignWarn(msg: string): boolean {
  return BENIGN_WARN.some((re) => re.test(msg));
}

/** NCCL result codes of the `file.cc:NNN -> N` chains. */
export const NCCL_RESULT_NAMES: Record<number, string> = {
  1: "ncclUnhandledCudaError",
  2: "ncclSystemError",
  3: "ncclInternalError",
  4: "ncclInvalidArgument",
  5: "ncclInvalidUsage",
  6: "ncclRemoteError",
  7: "ncclInProgress",
  8: "ncclTimeout",
};

/** `ncclSystemError`, `ncclRemoteError` ... named anywhere in a line. */
export const NCCL_ERROR_NAME = /\bnccl(?:UnhandledCuda|System|Internal|InvalidArgument|InvalidUsage|Remote|Timeout)Error\b|\bnccl(?:InvalidArgument|InvalidUsage|Timeout)\b/;

/**
 * the normalized network of a printed name: IB (incl. IBext plugins), Socket, OFI, or the name. HPC-X's
 * nccl-rdma-sharp-plugins names its net plugin `NCCL RDMA Plugin` / `NCCL RDMA SHARP Plugin` (src/p2p_plugin.c;
 * `NCCL RDMA Plugin v8`, `.. v10` in later releases), which 2.19+ prints as `Using network NCCL RDMA Plugin v8`: its
 * transport is the IBext verbs plugin (`P2P plugin v8 IBext_v8`) unless NCCL_PLUGIN_P2P picks UCX
 */
export function normalizeNet(name: string): string {
  const x = name.trim();
  if (IB_NET_NAME.test(x) || /^IBext/i.test(x)) return "IB";
  if (/^Socket$/i.test(x)) return "Socket";
  if (/libfabric|^OFI$|^AWS/i.test(x)) return "OFI";
  return x;
}
