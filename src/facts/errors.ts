import type { Event } from "../events/index.js";
import type { Evidence } from "../model.js";
import { earlier, located, plain, type FactDomain, type Located } from "./domain.js";
import { withoutRayDedup } from "../records/peel.js";

export interface ErrorsState {
  /** the first failure that nothing later shows was recovered from */
  firstError: Located | null;
  /**
   * NCCL failures that a fallback may still undo (an error-return INFO line, a NET plugin that failed to
   * initialise, a retried connection), earliest first: dropped when a later `Using network`, channel or
   * `Init COMPLETE` line of the same input shows NCCL went on. Absent in states written before it existed.
   */
  tentative?: (Located & { pid?: number })[];
  /** tentative failures a later line showed NCCL went on from (the first few) */
  recovered?: RecoveredState[];
  /**
   * Per NCCL thread (`input|host:pid:tid`), the line of its last failing `NCCL WARN`: the error-return chain that
   * follows it on that thread is that failure travelling up (`ibv_create_qp failed`, then `net_ib.cu:371 -> 2` …
   * `init.cu:593 -> 2`), not a probe NCCL may go on from. Absent in states written before it existed.
   */
  firmWarn?: Record<string, number>;
  /**
   * Per input, its last CollNet set-up failure (a SHARP plugin WARN, or NCCL's `Cannot initialize CollNet`): the
   * error returns of CollNet's set-up path after it are that failure, which NCCL goes on from. Absent in states
   * written before it existed.
   */
  collnetCause?: Record<number, Located>;
  firstWarning: Located | null;
  errorCount: number;
  warningCount: number;
}

export interface RecoveredState {
  failure: Located;
  by: Located;
  kind: RecoveredKind;
  /** the network NCCL went on with, when the recovering line names one */
  net?: string;
}

export type RecoveredKind = "net-plugin" | "error-return" | "retry" | "collnet";

export interface RecoveredFact {
  kind: RecoveredKind;
  failure: Evidence;
  by: Evidence;
  net?: string;
  /** net-plugin: the plugin that failed and what NCCL said */
  plugin?: string;
  said?: string;
}

export interface ErrorsFacts {
  recovered: RecoveredFact[];
  firstError: Evidence | null;
  firstWarning: Evidence | null;
}

export const errorsDomain: FactDomain<ErrorsState, ErrorsFacts> = {
  name: "errors",
  init: () => ({ firstError: null, tentative: [], recovered: [], firstWarning: null, errorCount: 0, warningCount: 0 }),
  reduce(state, e: Event) {
    if (e.kind === "error") {
      state.errorCount++;
      // the first line that reports a failure (CONTRACT.md), whether or not NCCL went on after it: a failure it
      // recovered from is also in `recovered`, which the rules and the verdict read
      state.firstError = earlier(state.firstError, located(e));
    }
    if (e.kind === "error" && e.toleratedBy) {
      // its cause's own line says NCCL went on from it (see ErrorLineEvent.toleratedBy)
      const rec = (state.recovered ??= []);
      if (rec.length < MAX_RECOVERED) rec.push({ failure: located(e), by: located({ ev: e.toleratedBy, input: e.input }), kind: "error-return" });
    } else if (e.kind === "error") {
      const thread = NCCL_THREAD.exec(e.ev.text);
      const key = thread ? `${e.input}|${thread[1]}` : null;
      const warnAt = key !== null ? state.firmWarn?.[key] : undefined;
      const firm = warnAt !== undefined && e.ev.line >= warnAt && e.ev.line - warnAt <= CHAIN_SPAN;
      const cause = state.collnetCause?.[e.input];
      if (COLLNET_FAILURE.test(e.ev.text)) {
        // CollNet set-up failed for a communicator: NCCL turns CollNet off for it and goes on (see COLLNET_FAILURE)
        (state.collnetCause ??= {})[e.input] = located(e);
        if (!COLLNET_FALLBACK.test(e.ev.text)) {
          // the plugin's WARN: NCCL's own fallback WARN or a later line of the process answers it
          const t = (state.tentative ??= []);
          const pid = NCCL_PID.exec(e.ev.text);
          if (t.length < MAX_TENTATIVE) t.push({ ...located(e), ...(pid ? { pid: Number(pid[1]) } : {}) });
        } else {
          // NCCL's words that it goes on: this line, and the node's set-up failures and their returns printed before it
          // (localRank 0 prints it once the node's ranks have compared their results)
          const by = located(e);
          const rec = (state.recovered ??= []);
          if (rec.length < MAX_RECOVERED) rec.push({ failure: by, by, kind: "collnet" });
          state.tentative = (state.tentative ?? []).filter((t) => {
            if (t.input !== e.input || t.line > e.ev.line || e.ev.line - t.line > CHAIN_SPAN || !(COLLNET_FAILURE.test(t.text) || COLLNET_CHAIN.test(t.text))) return true;
            if (rec.length < MAX_RECOVERED) rec.push({ failure: { input: t.input, file: t.file, line: t.line, text: t.text }, by, kind: "collnet" });
            return false;
          });
        }
      } else if (cause && !firm && e.ev.line >= cause.line && e.ev.line - cause.line <= CHAIN_SPAN && COLLNET_CHAIN.test(e.ev.text)) {
        // an error return of CollNet's set-up path after a CollNet failure of its input: the failure travelling up to
        // where init.cc drops CollNet (≤2.18 `collnet_cleanup`) or leaves ncclCollNetSetup's result unchecked (2.19+)
        const rec = (state.recovered ??= []);
        if (rec.length < MAX_RECOVERED) rec.push({ failure: located(e), by: cause, kind: "collnet" });
      } else if (isTentative(e.ev.text) && !firm) {
        const t = (state.tentative ??= []);
        const pid = NCCL_PID.exec(e.ev.text);
        if (t.length < MAX_TENTATIVE) t.push({ ...located(e), ...(pid ? { pid: Number(pid[1]) } : {}) });
      } else if (key !== null && e.ev.text.includes("NCCL WARN ") && !isTentative(e.ev.text)) {
        const w = (state.firmWarn ??= {});
        if (!(key in w) && Object.keys(w).length >= MAX_THREADS) state.firmWarn = {};
        state.firmWarn[key] = Math.max(state.firmWarn[key] ?? 0, e.ev.line);
      }
    } else if (state.tentative?.length && (isRecovery(e) || internalNet(e))) {
      const rec = (state.recovered ??= []);
      const fellBackTo = internalNet(e);
      state.tentative = state.tentative.filter((t) => {
        // another process of the same file going on says nothing of this one
        const pid = "pid" in e && typeof e.pid === "number" ? e.pid : undefined;
        if (t.input !== e.input || t.line > e.ev.line || (t.pid !== undefined && pid !== undefined && t.pid !== pid)) return true;
        const kind = kindOf(t.text);
        // an internal transport starting up answers a NET plugin that failed, and nothing else
        if (fellBackTo && kind !== "net-plugin") return true;
        const net = e.kind === "nccl.network" ? e.net : fellBackTo;
        if (rec.length < MAX_RECOVERED) rec.push({ failure: { input: t.input, file: t.file, line: t.line, text: t.text }, by: located(e), kind, ...(net ? { net } : {}) });
        return false;
      });
    } else if (e.kind === "warning") {
      state.warningCount++;
      state.firstWarning = earlier(state.firstWarning, located(e));
    }
  },
  merge: (a, b) => ({
    firstError: earlier(a.firstError, b.firstError),
    tentative: [...(a.tentative ?? []), ...(b.tentative ?? [])].slice(0, MAX_TENTATIVE * 4),
    recovered: [...(a.recovered ?? []), ...(b.recovered ?? [])].slice(0, MAX_RECOVERED * 4),
    firstWarning: earlier(a.firstWarning, b.firstWarning),
    errorCount: a.errorCount + b.errorCount,
    warningCount: a.warningCount + b.warningCount,
    // last, and only when a side has it: the state reads the same merged or read in one go (reduce adds it last)
    ...(a.firmWarn || b.firmWarn ? { firmWarn: mergeFirmWarn(a.firmWarn, b.firmWarn) } : {}),
    ...(a.collnetCause || b.collnetCause ? { collnetCause: mergeCollnetCause(a.collnetCause, b.collnetCause) } : {}),
  }),
  finalize(state) {
    const sources: Record<string, Evidence> = {};
    const missing: import("./schema.js").Missing[] = [];
    if (state.firstError) sources.firstError = plain(state.firstError)!;
    return {
      facts: {
        firstError: plain(state.firstError),
        firstWarning: plain(state.firstWarning),
        recovered: (state.recovered ?? []).map((r) => ({ kind: r.kind, failure: plain(r.failure)!, by: plain(r.by)!, ...(r.net ? { net: r.net } : {}), ...(r.kind === "net-plugin" ? pluginFailure(r.failure.text) : {}) })),
      },
      sources,
      missing,
    };
  },
};

const MAX_TENTATIVE = 64;
const MAX_RECOVERED = 16;
/** NCCL's `host:pid:tid [dev]` line header */
const NCCL_PID = /[\w.-]+:(\d+):\d+ \[\d+\]/;
/** both sides' failing-WARN lines per thread, the later line where both have one */
/** both sides' last CollNet failure per input, the later line where both have one */
function mergeCollnetCause(a: Record<number, Located> | undefined, b: Record<number, Located> | undefined): Record<number, Located> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b ?? {})) {
    const at = out[Number(k)];
    if (!at || v.line > at.line) out[Number(k)] = v;
  }
  return out;
}

function mergeFirmWarn(a: Record<string, number> | undefined, b: Record<string, number> | undefined): Record<string, number> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b ?? {})) out[k] = Math.max(out[k] ?? 0, v);
  return out;
}

/** the same header's `host:pid:tid`: one NCCL thread */
const NCCL_THREAD = /([\w.-]+:\d+:\d+) \[\d+\]/;
/** how many lines after a failing WARN its thread's error-return chain may still come (other threads interleave) */
const CHAIN_SPAN = 64;
/** NCCL threads whose last failing WARN is kept */
const MAX_THREADS = 1024;

function kindOf(text: string): RecoveredKind {
  return /\bretrying\b/.test(text) ? "retry" : COLLNET_FAILURE.test(text) ? "collnet" : VERBS_PROBE.test(text) ? "error-return" : /NCCL WARN/.test(text) ? "net-plugin" : "error-return";
}

/**
 * A failure NCCL may still recover from: an error-return line it logs at INFO level (`file.cc:N -> M`, on the
 * way to a fallback), a NET plugin that did not initialise (NCCL then uses its internal IB or socket
 * transport), a connection it retries, or a CollNet set-up that failed: the collnet plugin's own WARN (HPC-X
 * sharp_plugin.c `NET/IB : SHARP coll init error: Cannot create SHARP job(-11)`) and transport.cc's `Cannot initialize
 * CollNet, using point-to-point network instead` (ncclTransportCollNetCheck returns ncclSystemError and init.cc turns
 * collNetSupport off and goes on), or a verbs call made while libibverbs is not loaded: ibvwrap.cc's CHECK_NOT_NULL
 * (`misc/ibvwrap.cc:173 NCCL WARN lib wrapper not initialized.`, ncclInternalError) that NCCL 2.28's GDR/DMA-BUF probe
 * (`transport/net_ib/gdr.cc:56 -> 3`) meets on a host without RDMA libraries, then `Failed to initialize any GIN plugin`
 * and `Using network Socket`; or an HCA that could not be opened (`misc/ibvwrap.cc:212 NCCL WARN Call to ibv_open_device
 * failed`, then `transport/net_ib.cc:148 NCCL WARN NET/IB : Unable to open device mlx5_bond_0`): ncclIbInit skips that
 * device in every version (net_ib.cc, net_ib/init.cc: `continue`), and NCCL goes on with the others or, with none
 * (`NET/IB : No device found.`), with sockets (a container not given /dev/infiniband).
 */
export const RECOVERABLE_NCCL = /NCCL WARN lib wrapper not initialized|NCCL WARN Call to ibv_open_device failed|NCCL WARN NET\/IB ?: ?Unable to open device|NCCL INFO .*\.(?:cc|cpp|c|h|cu):\d+(?: \([\w:~]+\))? -> [1-9]\d*\s*$|NCCL WARN (?:NET\/OFI |NET\/Plugin|Failed to initialize (?:any )?NET plugin)|aws-ofi-nccl initialization failed|\bretrying\b|NCCL WARN (?:NET\/\w+ ?: )?(?:SHARP coll init error|SHARP group create ?:|sharp_coll_caps_query failed)|NCCL WARN Cannot initialize CollNet, using point-to-point network instead/;

/** the verbs-wrapper probe of RECOVERABLE_NCCL: no plugin, an error-return on the way to NCCL's own fallback */
const VERBS_PROBE = /NCCL WARN (?:lib wrapper not initialized|Call to ibv_open_device failed|NET\/IB ?: ?Unable to open device)/;

/**
 * A CollNet set-up failure: the collnet plugin's failing WARN (HPC-X nccl-rdma-sharp-plugins sharp_plugin.c: `SHARP coll
 * init error: Cannot create SHARP job(-11)` in its init, `SHARP group create: Streaming Tree lock failed (-18)` and
 * `sharp_coll_caps_query failed` in its connect) or NCCL's own `Cannot initialize CollNet, using point-to-point network
 * instead` (transport.cc / transport/coll_net.cc ncclTransportCollNetCheck, printed by a node's local rank 0). NCCL goes
 * on from all of them in every version that has CollNet: 2.7's checkCollNetSetup turns collNetSupport off, 2.8–2.15's
 * init.cc jumps to `collnet_cleanup` (frees CollNet, sets collNetSupport to 0, resets the result), 2.16–2.21 call
 * collNetTrySetup and 2.22+ ncclCollNetSetup without checking the result (their `fail:` frees CollNet and turns it off).
 */
const COLLNET_FAILURE = /NCCL WARN (?:NET\/\w+ ?: )?(?:SHARP coll init error|SHARP group create ?:|sharp_coll_caps_query failed)|NCCL WARN Cannot initialize CollNet\b/;

/** NCCL's own fallback WARN of COLLNET_FAILURE, the line that says it went on (2.7: `using IB instead`, the net's name) */
const COLLNET_FALLBACK = /NCCL WARN Cannot initialize CollNet, using \S[^\r\n]{0,40} instead/;

/**
 * An error return of CollNet's set-up path (`transport.cc:327 -> 2`, `transport/coll_net.cc:1358 -> 2`, `init.cc:670
 * -> 2`, with 2.2x's ` (function)` before the arrow): the files its failure travels through up to where NCCL drops it
 */
const COLLNET_CHAIN = /NCCL INFO (?:[\w.-]+\/)*(?:transport|coll_net|init)\.(?:cc|cu|cpp):\d+(?: \([\w:~]+\))? -> [1-9]\d*\s*$/;

/** The NET plugin a failure line names, and NCCL's words (the text after `NCCL WARN `). */
function pluginFailure(text: string): { plugin: string; said: string } {
  const named = /Failed to initialize NET plugin (\S+)/.exec(text);
  const plugin = /NET\/OFI|aws-ofi-nccl|Libfabric/i.test(text) ? "aws-ofi-nccl (NET/OFI)" : named ? named[1] : "the external NET plugin";
  const at = text.indexOf("NCCL WARN ");
  return { plugin, said: text.slice(at >= 0 ? at + 10 : 0).trim() };
}

export function isTentative(text: string): boolean {
  // (Ray's dedup suffix after the record, `net.cc:56 -> 2 [repeated 15x across cluster]`, is not part of it)
  return RECOVERABLE_NCCL.test(withoutRayDedup(text));
}

/**
 * NCCL's own IB or socket transport initialising (`NET/IB : Using [0]mlx5_0:1/IB ...`, `NET/Socket : Using [0]ens5:...`):
 * NCCL tries the NET plugin first and its internal transports only after the plugin's init failed (init.cc initNet in
 * 2.4, net.cc ncclNetInit since), so after a plugin's failing WARN such a line says NCCL went on without it, also when a
 * paste ends before `Using network`. The network it names, or null for any other event.
 */
function internalNet(e: Event): "IB" | "Socket" | null {
  if (e.kind !== "nccl.netDevices") return null;
  return e.transport === "socket" ? "Socket" : e.transport === "ib" || e.transport === "ib-legacy" ? "IB" : null;
}

/** A line that shows NCCL went on: it chose a network, connected a channel or finished initialising a communicator. */
function isRecovery(e: Event): boolean {
  return e.kind === "nccl.network" || e.kind === "nccl.connection" || (e.kind === "nccl.init" && e.phase === "COMPLETE");
}
