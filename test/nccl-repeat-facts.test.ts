import { afterEach, describe, expect, it } from "vitest";
import { analyzeLines } from "../src/analyze.js";
import { CONN_SAMPLES, type NcclFoldedEvent } from "../src/events/nccl.js";
import { NCCL_STATE_LIMITS, ncclDomain, reduceRepeated, type NcclState } from "../src/facts/nccl.js";

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
