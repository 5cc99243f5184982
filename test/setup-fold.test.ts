import { afterEach, describe, expect, it } from "vitest";
import { analyzeSource, type AnalyzeOptions } from "../src/analyze.js";
import { memorySource } from "../src/input/memory.js";
import { NCCL_STATE_LIMITS } from "../src/facts/nccl.js";
import { FAST_LIMITS } from "../src/events/nccl-fast-counter.js";
import { foldedLines, readWhole } from "./helpers/folded.js";

/**
 * The fast path folds a set-up line it has seen read to one event (a connection, bootstrap, network, env, GDR line)
 * once the event store keeps no more of that kind: the lines alike become one `nccl.repeat` event, made before any
 * later line's event (src/events/read-nccl.ts `noteFold`, src/facts/state.ts `reduceRepeat`). The report, its state
 * and the events kept must be those of reading every line: here with a store of 3 events a kind, so that folding
 * starts at once, over the line shapes of NCCL 2.4 to 2.30 and what could make a fold wrong.
 */

const hex = (n: number) => n.toString(16);

interface Thread {
  host: string;
  pid: number;
  tid: number;
  dev: number;
  ip: string;
}

type Wrap = "bare" | "kubectl" | "ray";

/** the connection lines one rank prints for a ring over `nranks` ranks, in one era's words */
function ringLines(era: string, rank: number, nranks: number, gpus: number, netKind: "ib" | "socket"): string[] {
  const next = (rank + 1) % nranks;
  const prev = (rank + nranks - 1) % nranks;
  const node = (r: number) => Math.floor(r / gpus);
  const dev = (r: number) => (era === "2.4" || era === "2.7" ? `${hex(0x1b + (r % gpus))}000` : String(r % gpus));
  const out: string[] = [];
  for (let ch = 0; ch < 2; ch++) {
    const c = String(ch).padStart(2, "0");
    const chan = era === "2.4" ? `Ring ${c}` : era === "2.7" ? `Channel ${c}` : `Channel ${c}/0`;
    const net = netKind === "ib" ? `NET/IB/${ch}${era === "2.4" ? "" : "/GDRDMA"}` : `NET/Socket/${ch}`;
    if (node(next) === node(rank)) {
      const intra = era === "2.30" ? "P2P/CUMEM/read" : era === "2.18" ? (ch ? "SHM/direct/direct" : "P2P/CUMEM") : era === "2.7" ? "direct shared memory" : "P2P/IPC";
      out.push(`${chan} : ${rank}[${dev(rank)}] -> ${next}[${dev(next)}] via ${intra}`);
    } else out.push(`${chan} : ${rank}[${dev(rank)}] -> ${next}[${dev(next)}]${era === "2.4" ? "" : " [send]"} via ${net}`);
    if (node(prev) !== node(rank) && era !== "2.4") out.push(`${chan} : ${prev}[${dev(prev)}] -> ${rank}[${dev(rank)}] [receive] via ${net}`);
  }
  return out;
}

interface Opts {
  era: string;
  wrap: Wrap;
  /** communicators per round, of these sizes in turn (the same rank's lines repeat with another count) */
  sizes: number[];
  rounds: number;
  net: "ib" | "socket";
  /** each rank's set-up on two threads whose lines interleave */
  interleave?: boolean;
  /** cut lines: a connection line cut in its middle (its rest on the line below), one cut right after `via` */
  cuts?: boolean;
  /**
   * an error-return line NCCL goes on after (a connection line recovers it; `beforeNetwork`: late in the log, right
   * before a one-rank communicator's `Using network` line, folded by then, which recovers it before its Init COMPLETE)
   */
  tentative?: boolean | "beforeNetwork";
  /** the connection lines twice in a row (rings, then trees over the same peers): lines alike with no other between */
  again?: boolean;
  /**
   * Init lines the fast path must not take for another's: a pointer or commId of another length, upper-case hex,
   * `(nil)`, an Init line cut in its pointer (its rest on the line below), an error-return NCCL goes on after right
   * before an Init COMPLETE (which recovers it), an Init line with trailing blanks
   */
  oddInits?: boolean;
  /** no GDR line (a signature's, read the ordinary way): round after round, no line but the first ones goes that way */
  noGdr?: boolean;
  /**
   * NCCL's banner again before each communicator (`two`: the odd ones another version's; `afterCut`: right after a
   * connection record cut after `via`, whose rest the reader waits for)
   */
  banners?: "each" | "two" | "afterCut";
}

/** a set-up log: round after round, each thread creating communicators of `sizes` ranks, 2 GPUs a node */
function setupLog(o: Opts): string {
  const gpus = 2;
  const lines: string[] = [];
  let n = 0;
  const wrap = (t: Thread, line: string) => {
    n++;
    return o.wrap === "kubectl" ? `2025-11-20T09:14:${String(n % 60).padStart(2, "0")}.${String(123456789 + n).slice(0, 9)}Z ${line}` : o.wrap === "ray" ? `(RayWorkerWrapper pid=${t.pid}, ip=${t.ip}) ${line}` : line;
  };
  const head = (t: Thread) => `${t.host}:${t.pid}:${t.tid} [${t.dev}]`;
  lines.push(`NCCL version ${o.era}.3+cuda12.2`);
  const maxRanks = Math.max(...o.sizes);
  const threads: Thread[][] = Array.from({ length: maxRanks }, (_, r) => {
    const node = Math.floor(r / gpus);
    const pid = 4100 + r * 7;
    const ip = `10.0.0.${node + 1}`;
    return [{ host: `gpu-node-${"abcd"[node]}`, pid, tid: pid + 11, dev: r % gpus, ip }, { host: `gpu-node-${"abcd"[node]}`, pid, tid: pid + 12, dev: r % gpus, ip }];
  });
  let comm = 0;
  for (let round = 0; round < o.rounds; round++) {
    for (const size of o.sizes) {
      comm++;
      if (o.banners && comm > 1) {
        if (o.banners === "afterCut") lines.push(`${head(threads[0][0])} NCCL INFO Channel 08/0 : 0[0] -> 1[1] via`);
        lines.push(wrap(threads[0][0], `NCCL version ${o.era}.${o.banners === "two" && comm % 2 ? 4 : 3}+cuda12.2`));
      }
      const odd = o.oddInits ? comm % 6 : -1;
      const ptr = (r: number) => (odd === 1 && r === 1 ? `0x7f${hex(0xa00000 + comm * 0x100)}` : odd === 2 && r === 0 ? `0x55D1${hex(0xa0000000 + comm * 0x10000).toUpperCase()}` : odd === 3 && r === 1 ? "(nil)" : `0x55d1${hex(0xa0000000 + comm * 0x10000 + r * 0x100)}`);
      const commId = odd === 4 ? `0x${hex(0x5c1d9b2f + comm)}` : `0x7a3e5c1d9b2f${hex(0x4e60 + comm)}`;
      const init = (r: number, phase: string) =>
        o.era === "2.4" || o.era === "2.7" ? `comm ${ptr(r)} rank ${r} nranks ${size} cudaDev ${r % gpus} busId ${hex(0x1b + (r % gpus))}000 - Init ${phase}`
        : `ncclCommInitRank comm ${ptr(r)} rank ${r} nranks ${size} cudaDev ${r % gpus} nvmlDev ${r % gpus} busId ${hex(0x1b + (r % gpus))}000 commId ${commId} - Init ${phase}`;
      // each rank's lines on its thread (the odd communicators on the second thread when interleaving)
      const per: { t: Thread; lines: string[] }[] = [];
      for (let r = 0; r < size; r++) {
        const t = threads[r][o.interleave && comm % 2 ? 1 : 0];
        const h = head(t);
        const ls = [
          `${h} NCCL INFO Bootstrap : Using eth0:${t.ip}<0>`,
          `${h} NCCL INFO NCCL_SOCKET_IFNAME set by environment to eth0`,
          o.net === "ib" ? `${h} NCCL INFO NET/IB : Using [0]mlx5_0:1/IB [1]mlx5_1:1/RoCE [RO]; OOB eth0:${t.ip}<0>` : `${h} NCCL INFO NET/Socket : Using [0]eth0:${t.ip}<0>`,
          ...(o.tentative === "beforeNetwork" && size === 1 && round === o.rounds - 2 ? [`${h} NCCL INFO misc/socket.cc:564 -> 2`] : []),
          `${h} NCCL INFO Using network ${o.net === "ib" ? "IB" : "Socket"}`,
          `${h} NCCL INFO ${init(r, "START")}`,
        ];
        if (o.era === "2.30" || o.era === "2.21") ls.push(`${h} NCCL INFO comm ${ptr(r)} rank ${r} nRanks ${size} nNodes ${Math.ceil(size / gpus)} localRanks ${Math.min(gpus, size)} localRank ${r % gpus} MNNVL 0`);
        // (a communicator of one rank connects to no one)
        if (size > 1) for (let k = o.again ? 2 : 1; k > 0; k--) for (const c of ringLines(o.era, r, size, gpus, o.net)) ls.push(`${h} NCCL INFO ${c}`);
        if (o.cuts && r === 1 && round % 2 === 1) {
          // a connection record cut in its middle, and one cut right after `via`, each with its rest on the line below
          ls.push(`${h} NCCL INFO Channel 07/0 : 1[1] -> 0[`, `0] via P2P/IPC`);
          ls.push(`${h} NCCL INFO Channel 08/0 : 1[1] -> 0[0] via`, ` P2P/IPC/read`);
        }
        if (o.tentative === true && r === 0 && round === 1) ls.push(`${h} NCCL INFO misc/socket.cc:564 -> 2`);
        if (o.net === "ib" && !o.noGdr) ls.push(`${h} NCCL INFO GPU Direct RDMA Enabled for GPU ${r % gpus} / HCA ${r % gpus} (distance 4 <= 4), read 1 mode Default`);
        ls.push(`${h} NCCL INFO Connected all rings`);
        const complete = `${h} NCCL INFO ${init(r, "COMPLETE")}`;
        if (odd === 5 && r === 0) ls.push(`${h} NCCL INFO misc/socket.cc:564 -> 2`, complete);
        else if (odd === 5 && r === 1) ls.push(complete.slice(0, complete.indexOf(" comm ") + 10), complete.slice(complete.indexOf(" comm ") + 10));
        else if (odd === 0 && r === 1) ls.push(`${complete}  `);
        else ls.push(complete);
        per.push({ t, lines: ls });
      }
      // ranks in turn, or (interleaving) a line of each rank in turn
      if (o.interleave) {
        for (let i = 0; per.some((p) => i < p.lines.length); i++) for (const p of per) if (i < p.lines.length) lines.push(wrap(p.t, p.lines[i]));
      } else for (const p of per) for (const l of p.lines) lines.push(wrap(p.t, l));
    }
  }
  return lines.join("\n") + "\n";
}

const KEPT = 3;

const read = (text: string, opts: AnalyzeOptions = {}, chunkBytes = 16384) => readWhole("setup.log", text, { maxEventsPerKind: KEPT, ...opts }, chunkBytes);

const folded = (text: string) => foldedLines(text, KEPT).repeats;

// the ordinary way's reading of a text, once for the file: tests 2 and 5 read the same logs (under the same limits, part
// of the key, as one test lowers them)
const slowReads = new Map<string, Promise<string>>();
const readSlow = (text: string) => {
  const key = JSON.stringify([NCCL_STATE_LIMITS, FAST_LIMITS, text]);
  let r = slowReads.get(key);
  if (r === undefined) slowReads.set(key, (r = read(text, { fastPath: false })));
  return r;
};

const ERAS = ["2.4", "2.7", "2.18", "2.21", "2.30"];

describe("set-up lines folded by the fast path", () => {
  const limits = { ...NCCL_STATE_LIMITS };
  const fastLimits = { ...FAST_LIMITS };
  afterEach(() => {
    Object.assign(NCCL_STATE_LIMITS, limits);
    Object.assign(FAST_LIMITS, fastLimits);
  });

  it("read to the report, state and events of reading every line, in every era's line shapes", async () => {
    for (const era of ERAS) {
      for (const net of ["ib", "socket"] as const) {
        const text = setupLog({ era, wrap: "bare", sizes: [4], rounds: 6, net, again: era !== "2.4" });
        const slow = await read(text, { fastPath: false });
        for (const chunk of [4096, 65536]) expect(await read(text, {}, chunk), `${era} ${net} ${chunk}`).toBe(slow);
        // (a `via NET/Socket` line is also a signature's: never folded)
        const lines = folded(text);
        // (a third of the lines: the rest are Init lines and the first few of each kind, and a `via NET/Socket` line is
        // also a signature's, never folded)
        expect(lines, `${era} ${net}`).toBeGreaterThan(net === "ib" ? 70 : 45);
        // (of the report read above in 64 K chunks, equal to `slow`: not read a third time)
        if (era !== "2.4") expect(slow, `${era} ${net}`).toContain('"kind":"nccl.connection"');
      }
    }
  }, 60_000);

  it("when the same lines come again in a communicator of another size, on interleaved threads, cut, wrapped, or after a failure NCCL goes on from", async () => {
    const cases: Opts[] = [
      // rank 0..1's lines of a 2-rank communicator are those of the 4-rank one but for the ring's ends
      { era: "2.21", wrap: "bare", sizes: [4, 2, 4], rounds: 4, net: "ib" },
      { era: "2.18", wrap: "bare", sizes: [4, 2], rounds: 4, net: "ib", interleave: true },
      { era: "2.18", wrap: "bare", sizes: [4, 2], rounds: 4, net: "ib", interleave: true, again: true },
      { era: "2.18", wrap: "bare", sizes: [4], rounds: 6, net: "ib", cuts: true },
      { era: "2.21", wrap: "bare", sizes: [4], rounds: 4, net: "ib", tentative: true },
      { era: "2.18", wrap: "bare", sizes: [4, 1], rounds: 6, net: "ib", noGdr: true, tentative: "beforeNetwork" },
      { era: "2.21", wrap: "kubectl", sizes: [4, 2], rounds: 4, net: "ib" },
      { era: "2.18", wrap: "ray", sizes: [4, 2], rounds: 4, net: "ib", interleave: true },
      { era: "2.21", wrap: "bare", sizes: [4, 2], rounds: 4, net: "ib", oddInits: true },
      { era: "2.18", wrap: "bare", sizes: [4, 2], rounds: 6, net: "ib", noGdr: true },
      { era: "2.18", wrap: "bare", sizes: [4], rounds: 10, net: "ib", noGdr: true, interleave: true },
      // (one node: after the first rounds no line goes the ordinary way)
      { era: "2.4", wrap: "bare", sizes: [2], rounds: 12, net: "ib", noGdr: true },
      { era: "2.21", wrap: "bare", sizes: [2], rounds: 12, net: "ib", noGdr: true, interleave: true },
      { era: "2.4", wrap: "bare", sizes: [4, 2], rounds: 4, net: "ib", oddInits: true },
      { era: "2.18", wrap: "bare", sizes: [4, 2], rounds: 4, net: "ib", oddInits: true, interleave: true },
    ];
    for (const o of cases) {
      const text = setupLog(o);
      const slow = await readSlow(text);
      for (const chunk of [1024, 16384]) expect(await read(text, {}, chunk), `${JSON.stringify(o)} ${chunk}`).toBe(slow);
    }
    // bare lines are folded (from a thread's third line of a text on), and most Init lines taken by the fast path
    // (each its own event); a recovered failure stays recovered
    expect(folded(setupLog(cases[1]))).toBeGreaterThan(50);
    for (const era of ["2.4", "2.21"]) {
      const text = setupLog({ era, wrap: "bare", sizes: [4], rounds: 6, net: "ib" });
      // (48 Init lines: the first of each thread and phase go the ordinary way, and the second, which is learnt)
      expect(text.split("\n").filter((l) => l.includes(" - Init ")).length, era).toBe(48);
      expect(foldedLines(text, KEPT).ordinary.filter((l) => l.includes(" - Init ")).length, era).toBe(16);
    }
    const recovered = JSON.parse(await read(setupLog(cases.find((c) => c.tentative === true)!)));
    expect(recovered.report.facts.recovered).toMatchObject([{ kind: "error-return", failure: { text: expect.stringContaining("socket.cc:564 -> 2") } }]);
    // (recovered by the folded line right after it, though an Init line and a connection's follow before the next
    // line read the ordinary way: the lines folded across Init lines are handed over in their order then)
    const late = setupLog(cases.find((c) => c.tentative === "beforeNetwork")!);
    const byLine = late.split("\n").findIndex((l) => l.endsWith("socket.cc:564 -> 2")) + 2;
    expect(late.split("\n")[byLine - 1]).toMatch(/ NCCL INFO Using network IB$/);
    expect(JSON.parse(await read(late)).report.facts.recovered).toMatchObject([{ kind: "error-return", by: { line: byLine } }]);
  }, 60_000);

  it("are learnt when their header prints them again: a text each thread prints twice at most is never folded", () => {
    const bootstrap = (rounds: number) => {
      const { ordinary, repeats } = foldedLines(setupLog({ era: "2.21", wrap: "bare", sizes: [4], rounds, net: "ib" }), KEPT);
      return { ordinary: ordinary.filter((l) => l.includes(" NCCL INFO Bootstrap : Using ")).length, repeats };
    };
    // 4 threads on 2 nodes, each printing its node's Bootstrap line once a round: in two rounds nothing is folded at
    // all (the second thread of a node reads its node's text to one event: the first thread's second line of it is
    // then taken after its header and made that event again, test/setup-rest.test.ts)
    expect(bootstrap(1)).toEqual({ ordinary: 4, repeats: 0 });
    expect(bootstrap(2)).toEqual({ ordinary: 6, repeats: 0 });
    // from the third round on, none does (the first lines of their kind and message, kept as events, are not learnt
    // from)
    expect(bootstrap(3).ordinary).toBe(9);
    expect(bootstrap(6).ordinary).toBe(9);
  });

  it("count what a cap dropped line by line, as reading every line does", async () => {
    Object.assign(NCCL_STATE_LIMITS, { communicators: 14, connections: 12, links: 5 });
    const text = setupLog({ era: "2.21", wrap: "bare", sizes: [4, 2], rounds: 6, net: "ib", again: true });
    const slow = await read(text, { fastPath: false });
    expect(JSON.parse(slow).state.facts.nccl.capped).toMatchObject({ communicators: { limit: 14 }, connections: { limit: 12 }, links: { limit: 5 } });
    for (const chunk of [2048, 65536]) expect(await read(text, {}, chunk), String(chunk)).toBe(slow);
  });

  it("are handed over once runs pend past the limit, between lines the fast path reads, as before a line read the ordinary way", async () => {
    const cases: Opts[] = [
      // (one node: after the first rounds no line goes the ordinary way, and only the limit hands the runs over)
      { era: "2.4", wrap: "bare", sizes: [2], rounds: 12, net: "ib", noGdr: true },
      { era: "2.21", wrap: "bare", sizes: [2], rounds: 12, net: "ib", noGdr: true, interleave: true },
      { era: "2.18", wrap: "bare", sizes: [4, 2], rounds: 4, net: "ib", interleave: true, again: true },
      { era: "2.21", wrap: "bare", sizes: [4], rounds: 4, net: "ib", tentative: true },
      { era: "2.21", wrap: "bare", sizes: [4, 2], rounds: 4, net: "ib", oddInits: true },
    ];
    const runs = (text: string) => foldedLines(text, KEPT).events.filter((e) => e.kind === "nccl.repeat").length;
    for (const o of cases) {
      const text = setupLog(o);
      const slow = await readSlow(text);
      const { repeats, ordinary } = foldedLines(text, KEPT);
      const before = runs(text);
      for (const pending of [1, 2, 5]) {
        FAST_LIMITS.pending = pending;
        for (const chunk of [1024, 65536]) expect(await read(text, {}, chunk), `${JSON.stringify(o)} ${pending} ${chunk}`).toBe(slow);
        // the same lines folded and read the ordinary way, in more runs
        expect(foldedLines(text, KEPT), `${JSON.stringify(o)} ${pending}`).toMatchObject({ repeats, ordinary });
        if (pending === 1) expect(runs(text), JSON.stringify(o)).toBeGreaterThan(before);
      }
      FAST_LIMITS.pending = fastLimits.pending;
    }
  }, 60_000);

  it("NCCL's banner again: a bare line of its bytes made the events it was read to, but for the line", async () => {
    const cases: Opts[] = [
      { era: "2.21", wrap: "bare", sizes: [4], rounds: 6, net: "ib", banners: "each" },
      { era: "2.18", wrap: "bare", sizes: [4, 2], rounds: 4, net: "ib", interleave: true, banners: "two" },
      { era: "2.18", wrap: "bare", sizes: [4], rounds: 6, net: "ib", cuts: true, banners: "afterCut" },
      { era: "2.21", wrap: "bare", sizes: [4], rounds: 4, net: "ib", tentative: true, banners: "each" },
      { era: "2.4", wrap: "bare", sizes: [2], rounds: 12, net: "ib", noGdr: true, banners: "each" },
      { era: "2.21", wrap: "kubectl", sizes: [4, 2], rounds: 4, net: "ib", banners: "each" },
    ];
    const banner = (l: string) => /^(?:\S+Z )?NCCL version/.test(l);
    const banners = (text: string) => foldedLines(text, KEPT).ordinary.filter(banner).length;
    for (const o of cases) {
      for (const crlf of [false, true]) {
        const lf = setupLog(o);
        const text = crlf ? lf.replace(/\n/g, "\r\n") : lf;
        const slow = await read(text, { fastPath: false });
        for (const chunk of [1024, 65536]) expect(await read(text, {}, chunk), `${JSON.stringify(o)} ${crlf} ${chunk}`).toBe(slow);
      }
      const lf = setupLog(o);
      const all = lf.split("\n").filter(banner).length;
      // a text's first two go the ordinary way (the second is learnt from), the rest are folded; a wrapped one never is
      expect(banners(lf), JSON.stringify(o)).toBe(o.wrap !== "bare" ? all : o.banners === "two" ? 4 : 2);
    }
    // the version and the signal's count and last line are those of every banner read
    const facts = JSON.parse(await read(setupLog(cases[1]))).report.facts;
    expect(facts.nccl.versions).toEqual(["2.18.3", "2.18.4"]);
  }, 60_000);

  it("are made events before what --follow reports after each chunk", async () => {
    const text = setupLog({ era: "2.18", wrap: "bare", sizes: [4, 2], rounds: 4, net: "ib", again: true });
    const batches = async (fastPath: boolean) => {
      const seen: string[] = [];
      await analyzeSource(memorySource("setup.log", text), 0, { limits: { chunkBytes: 4096 }, jobs: 1, maxEventsPerKind: KEPT, fastPath, onBatch: (state, events) => seen.push(JSON.stringify({ state, events })) });
      return seen;
    };
    const slow = await batches(false);
    expect(slow.length).toBeGreaterThan(5);
    expect(await batches(true)).toEqual(slow);
  });
});
