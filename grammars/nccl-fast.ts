/**
 * The NCCL lines the counting fast path (src/events/nccl-fast-*.ts) may take without the grammar, as data beside
 * it: the header shape, the collectives, the INFO chatter and what may never stand in such a line. The byte
 * matcher is held to `fastLineRegex` (test/fast-line.test.ts), and what `fastLineRegex` accepts to what the
 * grammar (./nccl.ts, ./nccl-messages.ts) reads: a collective of the same name and opCount, chatter, or a TRACE record
 * (test/fast-line.test.ts, test/nccl-fast-counter.test.ts for the header). No imports: a worker thread that only
 * counts loads this and no parser.
 */

// the rest of a line: no `[` that could be an ANSI colour, a Ray dedup suffix or the `[1,0]<stdout>` / `[0] `
// of a glued record
const FAST_REST = String.raw`(?:[^\n\[]|\[(?!\d*[\],;m]|repeated ))*`;

/** INFO chatter of the PROXY/NET/ALLOC subsystems: the reader counts it and parses nothing further. */
export const CHATTER = /^(?:proxyProgress|Received and initiated|New proxy|ncclPollProxyResponse|resp\.opId|Connected to proxy|Connection to proxy|sendConnect|recvConnect|sendProxy|recvProxy|Allocated |[\w/.]+\.cc:\d+ (?:Cuda|Ib|Host)? ?(?:Host )?Alloc|[\w/.]+\.(?:cc|h):\d+ Cuda|Mem Realloc|MemoryPool|transport\/\S+ \w+ Alloc)/;

/**
 * net_ib's queue-pair set-up lines, printed only when the IB transport connects a peer: the connecting side's
 * `NET/IB: NCCL Dev 0 IbDev 0 Port 1 qpn 7 mtu 5 ..` (`NCCL MergedDev` when devices are merged), the accepting side's
 * `NET/IB: IbDev 0 Port 1 qpn 7 set_ece={..}`, and before 2.19 `NET/IB: Dev 0 Port 1 qpn 7 mtu 5 LID 3`. Counted
 * like CHATTER, but read the ordinary way: each says the network is IB (a net hint). Not CHATTER, so the fast path
 * leaves them to the reader.
 */
export const IB_QP_SETUP = /^NET\/IB: (?:\w+ )?\w*Dev \d+ (?:IbDev|Port)\b/;

/** The collective names of the NCCL reference that the message table reads alike whatever follows them. */
export const FAST_OPS = ["AllReduce", "AllGatherV", "AllGather", "ReduceScatter", "Broadcast", "Reduce", "Send", "Recv", "AlltoAll", "Gather", "Scatter", "PutSignal", "Signal", "WaitSignal"].filter(
  (op) => /^\w+$/.test(op) && !/^[CN]/.test(op) && !CHATTER.test(`${op}: opCount 0`),
);

/** A header the fast path may take: `host:pid:tid [dev]`, nothing before or after. */
export const FAST_KEY = /^[A-Za-z0-9][\w.\-]*:\d+:\d+ \[\d+\]$/;

/** FAST_KEY with its parts: host, pid, tid, device. */
export const FAST_HEADER = /^([A-Za-z0-9][\w.\-]*):(\d+):(\d+) \[(\d+)\]$/;

/**
 * Anywhere in a line these send it the ordinary way: they may split it into several records (a CR, a glued
 * level word or process prefix), or peeling and the message table may read it differently (ANSI, `Init `).
 * (A CR right before the line's `\n` is its CRLF end, no danger; nor is anything in a learned wrapper before the
 * header. A byte above 0x7F, part of a non-ASCII character, is one too. Each is searched by its first byte: CRITICAL
 * as `TICAL`, whose `T` NCCL text holds less often than `I`.)
 */
export const FAST_DANGERS = ["\r", "\x1b", "ESC[", "(", "Init ", "ERROR", "WARNING", "TICAL"];

/** The whole line after `key` up to and including its `\n`, as the fast path may take it (sticky). */
export function fastLineRegex(key: string): RegExp {
  return new RegExp(
    `${key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?: NCCL INFO (?:${FAST_OPS.join("|")}): opCount [0-9a-fA-F]+(?!\\w)${FAST_REST}(?<![\\s)\\]ET])` +
      `| NCCL INFO (?=${CHATTER.source.slice(1)})${FAST_REST}(?<![\\s)\\]ET])` +
      `| (?:\\d+\\.\\d+ )?(?:[A-Za-z_][\\w./\\-]*:\\d+ )?NCCL TRACE(?:[ \\t]${FAST_REST})?(?<!\\)))\\n`,
    "y",
  );
}

