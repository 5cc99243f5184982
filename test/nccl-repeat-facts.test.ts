import { afterEach, describe, expect, it } from "vitest";
import { analyzeLines } from "../src/analyze.js";
import { CONN_SAMPLES, type NcclFoldedEvent } from "../src/events/nccl.js";
import { NCCL_STATE_LIMITS, ncclDomain, reduceRepeated, type NcclState } from "../src/facts/nccl.js";
import { reduceBannerAgain, reduceEvent, reduceInitAgain, reduceRepeatLines, type FactState } from "../src/facts/state.js";
import type { NcclInitEvent, NcclVersionEvent } from "../src/events/nccl.js";
import type { SignalEvent } from "../src/events/common.js";
import { SIGNAL_SAMPLES } from "../src/facts/signals.js";

/**
 * `reduceRepeated` (a fold's `n` lines alike, src/facts/nccl.ts) works a folded event out once per state and then only
 * bumps counts, and finds communicators through an index: the state must be the one of reading each line, with caps
 * reached or not, for an event read into several states, and after a merge.
 */

const limits = { ...NCCL_STATE_LIMITS };
afterEach(() => Object.assign(NCCL_STATE_LIMITS, limits));

const LINES = [
  "nodeA:11:11 [0] NCCL INFO Bootstrap : Using eth0:10.0.0.1<0> ib0:10.1.0.1<0>",
  "nodeA:11:11 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/IB [1]mlx5_1:1/IB [RO]; OOB eth0:10.0.0.1<0>",
  "nodeA:11:11 [0] NCCL INFO NET/Socket : Using [0]eth0:10.0.0.1<0> [1]eth1:10.2.0.1<0>",
  "nodeA:11:11 [0] NCCL INFO Using network IB",
  "nodeA:11:11 [0] NCCL INFO NCCL_IB_HCA set by environment to mlx5_0",
  "nodeA:11:11 [0] NCCL INFO NET/Socket : GPU Direct RDMA Disabled for HCA 1 'virbr0'",
  "nodeA:11:11 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[1] via P2P/IPC",
  "nodeA:11:11 [0] NCCL INFO Channel 00/0 : 1[1] -> 0[0] [receive] via NET/IB/0/GDRDMA",
  "nodeB:22:22 [1] NCCL INFO Bootstrap : Using eth0:10.0.0.2<0>",
  "nodeB:22:22 [1] NCCL INFO Channel 01/0 : 1[1] -> 0[0] [send] via NET/Socket/0",
  // (the same pid and, every third round, the same pointer as nodeA's: another communicator)
  "nodeC:11:11 [0] NCCL INFO Channel 00/0 : 2[0] -> 3[1] via P2P/IPC",
];

/** the folded kinds' events the ordinary way reads these lines to */
function foldedEvents(): NcclFoldedEvent[] {
  const kinds = new Set(["nccl.bootstrap", "nccl.netDevices", "nccl.network", "nccl.env", "nccl.gdr", "nccl.connection"]);
  const out = analyzeLines(LINES).events.filter((e) => kinds.has(e.kind)) as NcclFoldedEvent[];
  expect(new Set(out.map((e) => e.kind))).toEqual(kinds);
  return out;
}

/** each step: `n` lines alike of event `e` (communicator `comm`), read into state `at` */
type Step = { at: number; e: NcclFoldedEvent; comm: string | null; n: number };

function script(events: NcclFoldedEvent[], states: number): Step[] {
  const steps: Step[] = [];
  // (a connection line folds once its kind's samples are all kept: lines read one at a time first)
  for (let at = 0; at < states; at++) for (const e of events) if (e.kind === "nccl.connection") for (let i = 0; i < CONN_SAMPLES; i++) steps.push({ at, e, comm: `0x${i}`, n: 1 });
  let k = 0;
  for (let round = 0; round < 6; round++) {
    for (const e of events) {
      // communicators come and go (a new one each round, an old one again), runs of 1 to 4 lines
      const comm = e.kind === "nccl.connection" ? (round % 3 === 2 ? "0x1" : `0x${(round + 1).toString(16)}${e.ev.line}`) : null;
      steps.push({ at: k++ % states, e, comm, n: 1 + ((round + e.ev.line) % 4) });
    }
  }
  return steps;
}

/** what reading each line would do: the event read again, as the ordinary way reads a line of it */
function eachLine(s: NcclState, { e, comm, n }: Step): void {
  for (let i = 0; i < n; i++) ncclDomain.reduce(s, e.kind === "nccl.connection" ? { ...e, comm } : e);
}

const text = (s: NcclState) => JSON.stringify({ ...s, cap: undefined });

describe("folded set-up lines in the NCCL facts", () => {
  for (const capped of [false, true]) {
    it(`read n lines at once as read one by one, into two states in turn${capped ? ", past the caps" : ""}`, () => {
      if (capped) Object.assign(NCCL_STATE_LIMITS, { communicators: 3, connections: 4, links: 3 });
      const events = foldedEvents();
      const fast = [ncclDomain.init(), ncclDomain.init()];
      const slow = [ncclDomain.init(), ncclDomain.init()];
      for (const step of script(events, 2)) {
        reduceRepeated(fast[step.at], step.e, step.comm, step.n);
        eachLine(slow[step.at], step);
      }
      for (const i of [0, 1]) expect(JSON.parse(text(fast[i]))).toEqual(JSON.parse(text(slow[i])));
      for (const i of [0, 1]) expect(text(fast[i])).toBe(text(slow[i]));
      if (capped) expect(Object.keys(fast[0].capped).sort()).toEqual(["communicators", "connections", "links"]);
      // the counts the fast way only bumps
      expect(fast.some((f) => Object.values(f.ifaces ?? {}).some((v) => v.count > 3))).toBe(true);
      expect(Math.max(...fast.map((f) => f.networks.IB?.count ?? 0))).toBeGreaterThan(3);
    });
  }

  it("a merged state goes on as the state of reading both inputs (its communicators indexed afresh)", () => {
    const events = foldedEvents();
    const steps = script(events, 1);
    const third = Math.floor(steps.length / 3);
    // (the first two thirds into two states merged, the rest into the merged state; all into one state)
    const a = ncclDomain.init();
    const b = ncclDomain.init();
    const sequential = ncclDomain.init();
    steps.slice(0, 2 * third).forEach((step, i) => reduceRepeated(i < third ? a : b, step.e, step.comm, step.n));
    let merged: NcclState | null = null;
    steps.forEach((step, i) => {
      if (i === 2 * third) merged = ncclDomain.merge(a, b);
      reduceRepeated(sequential, step.e, step.comm, step.n);
      if (merged) reduceRepeated(merged, step.e, step.comm, step.n);
    });
    expect(JSON.parse(text(merged!))).toEqual(JSON.parse(text(sequential)));
    expect(Object.keys(sequential.locals).length).toBeGreaterThan(10);
  });

  it("a host or pointer with a `|` finds its communicator by the key's text, as before the index", () => {
    const [conn] = foldedEvents().filter((e) => e.kind === "nccl.connection");
    const s = ncclDomain.init();
    ncclDomain.reduce(s, { ...conn, host: "a|1", pid: 2, comm: "0x9" } as NcclFoldedEvent);
    ncclDomain.reduce(s, { ...conn, host: "a", pid: 1, comm: "2|0x9" } as NcclFoldedEvent);
    ncclDomain.reduce(s, { ...conn, host: "a", pid: 1, comm: "0x9" } as NcclFoldedEvent);
    expect(Object.keys(s.locals)).toEqual(["a|1|2|0x9", "a|1|0x9"]);
    expect(Object.values(s.locals["a|1|2|0x9"].conns)[0].n).toBe(2);
  });
});

/**
 * The sinks the fast path hands folded lines and Init lines read from the bytes to (src/facts/state.ts
 * `reduceRepeatLines`, `reduceInitAgain`) do to a whole fact state what their events would through reduceEvent.
 */
describe("the fact state's sinks for folded and Init lines", () => {
  const INIT = "nodeA:11:11 [0] NCCL INFO ncclCommInitRank comm 0x5d00a0 rank 0 nranks 2 cudaDev 0 nvmlDev 0 busId 18000 commId 0x7a3e5c - Init";
  const SETUP = [...LINES, `${INIT} START`, `${INIT} COMPLETE`, "nodeB:22:22 [1] NCCL INFO ncclCommInitRank comm 0x5d00b0 rank 1 nranks 2 cudaDev 1 busId 28000 - Init COMPLETE"];
  const FAILURE = "nodeA:11:11 [0] NCCL INFO misc/socket.cc:564 -> 2";
  /** the state and events of reading `lines` the ordinary way */
  const read = (lines: string[]) => analyzeLines(lines);
  const copy = (s: FactState): FactState => structuredClone(s);
  const json = (s: FactState) => JSON.stringify(s);
  const inits = (lines: string[]) => read(lines).events.filter((e): e is NcclInitEvent => e.kind === "nccl.init");

  it("NCCL's banner read again reduces as its signal and version do, or is left to them", () => {
    const BANNER = "NCCL version 2.21.5+cuda12.4";
    const made = read([BANNER]).events;
    const sig = made.find((e): e is SignalEvent => e.kind === "signal" && e.id === "nccl.versionLine")!;
    const version = made.find((e): e is NcclVersionEvent => e.kind === "nccl.version")!;
    const again = (lines: string[], line: number): boolean => {
      const { state } = read(lines);
      const viaSink = copy(state);
      const viaEvents = copy(state);
      const took = reduceBannerAgain(viaSink, sig, version, line);
      for (const e of [sig, version]) reduceEvent(viaEvents, { ...e, ev: { ...e.ev, line } } as SignalEvent | NcclVersionEvent);
      expect(json(viaSink)).toBe(took ? json(viaEvents) : json(state));
      return took;
    };
    const banners = (n: number) => new Array<string>(n).fill(BANNER);
    // taken once the signal's first lines are all kept, earlier, with the version and the first NCCL line
    expect(again([...banners(SIGNAL_SAMPLES), ...SETUP], 500)).toBe(true);
    expect(again([...SETUP, ...banners(SIGNAL_SAMPLES + 2)], 500)).toBe(true);
    // not while a later line may be among the first, nor with a failure waiting for a line that shows NCCL went on,
    // nor where another version or none was read
    expect(again([...banners(SIGNAL_SAMPLES - 1), ...SETUP], 500)).toBe(false);
    expect(again([...banners(SIGNAL_SAMPLES), ...SETUP], SIGNAL_SAMPLES)).toBe(false);
    expect(again([...banners(SIGNAL_SAMPLES), ...SETUP, FAILURE], 500)).toBe(false);
    expect(again([...new Array<string>(SIGNAL_SAMPLES).fill("NCCL version 2.21.4+cuda12.4"), ...SETUP], 500)).toBe(false);
    expect(again(SETUP, 500)).toBe(false);
  });

  it("a run of folded lines reduces as its lines read one by one, with and without a failure waiting for one", () => {
    // (a connection line folds once its kind's samples are all kept)
    const samples = LINES.filter((l) => l.includes(" via ")).flatMap((l) => new Array<string>(CONN_SAMPLES).fill(l));
    for (const lines of [[...SETUP, ...samples], [...SETUP, ...samples, FAILURE]]) {
      const { state } = read(lines);
      if (lines.includes(FAILURE)) expect(state.errors.tentative?.length).toBe(1);
      for (const of of foldedEvents()) {
        const comm = of.kind === "nccl.connection" ? "0x77" : of.comm ?? null;
        const viaSink = copy(state);
        const eachLine = copy(state);
        // (the first line's text: a connection's of another channel)
        const text = of.ev.text.replace("Channel 00", "Channel 07");
        reduceRepeatLines(viaSink, of, comm, 3, 80, 82, text);
        for (let line = 80; line <= 82; line++) reduceEvent(eachLine, { ...of, ev: { file: of.ev.file, line, text }, ...(of.kind === "nccl.connection" ? { comm } : {}) } as NcclFoldedEvent);
        expect(json(viaSink)).toBe(json(eachLine));
        if (lines.includes(FAILURE) && of.pid === 11 && (of.kind === "nccl.network" || of.kind === "nccl.connection")) expect(viaSink.errors.recovered?.[0]?.by).toMatchObject({ line: 80, text });
      }
    }
  });

  it("an Init line alike but for its communicator reduces as its event once nothing else would change, else is left to the event", () => {
    const { state } = read(SETUP);
    const [start, complete, other] = inits(SETUP);
    const again = (s: FactState, like: NcclInitEvent, comm: string, commId: string | null, line: number) => {
      const text = like.ev.text.replace(like.comm!, comm);
      const viaSink = copy(s);
      const viaEvent = copy(s);
      const took = reduceInitAgain(viaSink, like, comm, commId, line, text);
      reduceEvent(viaEvent, { ...like, ev: { file: like.ev.file, line, text }, comm, commId });
      // (what it did is what the event does; what it left, it left untouched)
      expect(json(viaSink)).toBe(took ? json(viaEvent) : json(s));
      return took;
    };
    // later lines of a communicator met before or not, past the communicators kept or not
    for (const capped of [false, true]) {
      if (capped) Object.assign(NCCL_STATE_LIMITS, { communicators: Object.keys(state.nccl.locals).length });
      const s = copy(state);
      s.nccl.cap.kept.communicators = Object.keys(s.nccl.locals).length;
      for (const like of [start, complete]) {
        expect(again(s, like, "0x5d00a0", "0x7a3e5c", 50)).toBe(true);
        expect(again(s, like, "0x5d1234", "0x99", 51)).toBe(true);
        expect(again(s, like, "0x5d1234", null, 52)).toBe(true);
      }
      // the signals' last COMPLETE line moves on; the timeline's last host too
      const t = copy(s);
      expect(reduceInitAgain(t, complete, "0x5d1234", null, 60, complete.ev.text)).toBe(true);
      expect(t.signals.completeAt[0]).toBe(60);
      expect(t.timeline!.lastHost).toEqual({ input: 0, line: 60, host: "nodeA" });
    }
    // one after another into one state (nothing the facts keep of one is changed by the next)
    Object.assign(NCCL_STATE_LIMITS, limits);
    const bySink = copy(state);
    const byEvent = copy(state);
    [start, complete, start, complete].forEach((like, n) => {
      const comm = n < 2 ? "0x5d7777" : "0x5d8888";
      expect(reduceInitAgain(bySink, like, comm, `0x${n}`, 70 + n, like.ev.text.replace(like.comm!, comm))).toBe(true);
      reduceEvent(byEvent, { ...like, ev: { file: like.ev.file, line: 70 + n, text: like.ev.text.replace(like.comm!, comm) }, comm, commId: `0x${n}` });
    });
    expect(json(bySink)).toBe(json(byEvent));
    expect(bySink.nccl.locals["nodeA|11|0x5d8888"]).toMatchObject({ commId: "0x2", rank: 0 });
    // a failure waiting for a line that shows NCCL went on: the event recovers it
    const failed = read([...SETUP, FAILURE]).state;
    expect(again(failed, complete, "0x5d1234", null, 60)).toBe(false);
    expect(again(failed, start, "0x5d1234", null, 60)).toBe(false);
    // a line before the first NCCL line or its host's first Init line, of a host with none, of no host; no NCCL INFO yet
    expect(again(state, start, "0x5d1234", null, 1)).toBe(false);
    expect(again(state, start, "0x5d1234", null, SETUP.length - 3)).toBe(false);
    expect(again(state, other, "0x5d1234", null, 60)).toBe(true);
    const noHost = copy(state);
    delete noHost.timeline!.byHost.nodeB;
    expect(again(noHost, other, "0x5d1234", null, 60)).toBe(false);
    expect(again(state, { ...start, host: null }, "0x5d1234", null, 60)).toBe(false);
    const noInfo = copy(state);
    noInfo.dialects!.ncclInfo = false;
    expect(again(noInfo, start, "0x5d1234", null, 60)).toBe(false);
  });

  it("the same Init line again and again into one state (what it says of its process worked out once) reduces as its events do", () => {
    const { state } = read(SETUP);
    const [start, complete] = inits(SETUP);
    // a launcher's address beside the host, a pid whose hosts the state does not list yet
    const ray = { ...start, origin: { ip: "10.0.0.9", pid: 11 } };
    const newPid = { ...complete, pid: 33 };
    for (const capped of [false, true]) {
      Object.assign(NCCL_STATE_LIMITS, limits);
      const base = copy(state);
      // (past the caps: no communicator, link or seat more is kept, and each one dropped is counted)
      if (capped) {
        Object.assign(NCCL_STATE_LIMITS, { communicators: Object.keys(base.nccl.locals).length, links: base.nccl.cap.kept.links, ranks: Object.keys(base.nccl.gpuSeats ?? {}).length });
        base.nccl.cap.kept.communicators = Object.keys(base.nccl.locals).length;
      }
      const bySink = copy(base);
      const byEvent = copy(base);
      let n = 0;
      for (const commId of ["0x7a3e5c", "0x7a3e5c", "0x7a3e5c", "0x99", "0x99", "0x7a3e5c"]) {
        for (const like of [start, complete, ray, newPid]) {
          const comm = `0x5d${(0x9000 + n).toString(16)}`;
          const line = 100 + n++;
          const text = like.ev.text.replace(like.comm!, comm);
          expect(reduceInitAgain(bySink, like, comm, commId, line, text)).toBe(true);
          reduceEvent(byEvent, { ...like, ev: { file: like.ev.file, line, text }, comm, commId });
          expect(json(bySink)).toBe(json(byEvent));
        }
      }
      expect(bySink.nccl.initComplete).toBe(state.nccl.initComplete + 12);
      expect(bySink.nccl.capped.communicators?.dropped ?? 0).toBe(capped ? 24 : 0);
      if (capped) expect(bySink.nccl.capped.links?.dropped).toBeGreaterThan(0);
      else expect(bySink.nccl.links["10.0.0.9"]).toEqual(["nodeA"]);
    }
  });
});
