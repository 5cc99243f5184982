import { describe, expect, it } from "vitest";
import { analyzeSource, buildReport, mergeableStateOf, type AnalyzeOptions } from "../src/analyze.js";
import { memorySource } from "../src/input/memory.js";
import { renderJson, renderJsonPieces } from "../src/report/json.js";
import { createDispatcher } from "../src/classify.js";
import { chunkLine } from "../src/input/lines.js";
import { toRecord } from "../src/records/peel.js";
import { splitPhysicalLine } from "../src/records/split.js";

/**
 * NCCL_DEBUG=INFO set-up logs: communicator after communicator of bootstrap, network, connection and Init lines,
 * most of them printed again verbatim for each communicator. The NCCL reader parses each distinct connection line
 * and phrase-table message once, the signature table keeps its answer for repeated NCCL lines, and peeling gives a
 * bare record back at once (src/events/read-nccl.ts, grammars/signatures.ts, src/records/peel.ts): the report must
 * be what reading every line afresh gives, in every era's line shapes and behind every wrapper, with the counting
 * fast path on and off.
 */

type Era = "2.5" | "2.7" | "2.18" | "2.21";
type Wrap = "bare" | "kubectl" | "compose" | "ray";

const GPUS = 2;
const NODES = 2;
const RANKS = GPUS * NODES;
const hex = (n: number) => n.toString(16);

interface SetupLog {
  text: string;
  /** connection lines written, by the CONTRACT's transport kind */
  kinds: Record<string, number>;
}

/** `comms` communicators over 2 nodes of 2 GPUs, in the line shapes of one NCCL era, each line behind `wrap` */
function setupLog(era: Era, wrap: Wrap, comms: number): SetupLog {
  const lines: string[] = [];
  const kinds: Record<string, number> = {};
  const modern = era === "2.18" || era === "2.21";
  const bus = (d: number) => `${hex(0x1b + d)}000`;
  const dev = (r: number) => (modern ? String(r % GPUS) : bus(r % GPUS));
  const net = era === "2.7" || era === "2.21" ? "Socket" : "IB";
  let n = 0;
  const put = (node: number, pid: number, line: string) => {
    n++;
    const w =
      wrap === "kubectl" ? `2025-11-20T09:14:${String(n % 60).padStart(2, "0")}.${String(123456789 + n).slice(0, 9)}Z `
      : wrap === "compose" ? `vllm-${node ? "worker" : "head"}-1  | `
      : wrap === "ray" ? `(RayWorkerWrapper pid=${pid}, ip=10.0.0.${node + 1}) `
      : "";
    lines.push(w + line);
  };
  const conn = (node: number, pid: number, head: string, msg: string, kind: string) => {
    kinds[kind] = (kinds[kind] ?? 0) + 1;
    put(node, pid, `${head} NCCL INFO ${msg}`);
  };
  put(0, 4100, `NCCL version ${{ "2.5": "2.5.6", "2.7": "2.7.8", "2.18": "2.18.3", "2.21": "2.21.5" }[era]}+cuda12.2`);
  for (let c = 0; c < comms; c++) {
    const commId = `0x7a3e5c1d9b2f${hex(0x4e60 + c)}`;
    const ptr = (r: number) => `0x55d1${hex(0xa0000000 + c * 0x10000 + r * 0x100)}`;
    const init = (r: number, phase: string) =>
      modern
        ? `ncclCommInitRank comm ${ptr(r)} rank ${r} nranks ${RANKS} cudaDev ${r % GPUS} nvmlDev ${r % GPUS} busId ${bus(r % GPUS)} commId ${commId} - Init ${phase}`
        : `comm ${ptr(r)} rank ${r} nranks ${RANKS} cudaDev ${r % GPUS} busId ${bus(r % GPUS)} - Init ${phase}`;
    for (let r = 0; r < RANKS; r++) {
      const node = Math.floor(r / GPUS);
      const pid = 4100 + r * 7;
      // (NCCL prints a blocking init's lines, Init START to COMPLETE, on the thread that called it)
      const head = `gpu-node-${"ab"[node]}:${pid}:${pid + 11} [${r % GPUS}]`;
      put(node, pid, `${head} NCCL INFO ${era === "2.5" ? "NET/Socket : Using [0]eth0" : "Bootstrap : Using eth0"}:10.0.0.${node + 1}<0>`);
      if (era === "2.21") put(node, pid, `${head} NCCL INFO cudaDriverVersion 12040`);
      put(node, pid, `${head} NCCL INFO NCCL_SOCKET_IFNAME set by environment to eth0`);
      if (net === "IB") put(node, pid, `${head} NCCL INFO NET/IB : Using [0]mlx5_0:1/IB [1]mlx5_1:1/RoCE ${era === "2.5" ? "" : "[RO]"}; OOB eth0:10.0.0.${node + 1}<0>`);
      else put(node, pid, `${head} NCCL INFO NET/Socket : Using [0]eth0:10.0.0.${node + 1}<0>`);
      put(node, pid, `${head} NCCL INFO Using network ${net}`);
      if (modern) put(node, pid, `${head} NCCL INFO ${init(r, "START")}`);
    }
    for (let r = 0; r < RANKS; r++) {
      const node = Math.floor(r / GPUS);
      const pid = 4100 + r * 7;
      const head = `gpu-node-${"ab"[node]}:${pid}:${pid + 11} [${r % GPUS}]`;
      if (era === "2.21") put(node, pid, `${head} NCCL INFO comm ${ptr(r)} rank ${r} nRanks ${RANKS} nNodes ${NODES} localRanks ${GPUS} localRank ${r % GPUS} MNNVL 0`);
      for (let ch = 0; ch < 2; ch++) {
        const next = (r + 1) % RANKS;
        const prev = (r + RANKS - 1) % RANKS;
        const chan = era === "2.5" ? `Ring ${String(ch).padStart(2, "0")}` : modern ? `Channel ${String(ch).padStart(2, "0")}/0` : `Channel ${String(ch).padStart(2, "0")}`;
        if (Math.floor(next / GPUS) === node) {
          // within a node: P2P on channel 0, shared memory on channel 1
          if (ch === 0) conn(node, pid, head, `${chan} : ${r}[${dev(r)}] -> ${next}[${dev(next)}] via ${era === "2.18" ? "P2P/CUMEM/read" : "P2P/IPC"}`, "P2P/" + (era === "2.18" ? "CUMEM" : "IPC"));
          else conn(node, pid, head, `${chan} : ${r}[${dev(r)}] -> ${next}[${dev(next)}] via ${era === "2.7" ? "direct shared memory" : "SHM/direct/direct"}`, "SHM");
        } else {
          const via = net === "IB" ? `NET/IB/${ch}/GDRDMA` : `NET/Socket/${ch}`;
          const kind = net === "IB" ? "NET/IB/GDRDMA" : "NET/Socket";
          conn(node, pid, head, `${chan} : ${r}[${dev(r)}] -> ${next}[${dev(next)}] [send] via ${via}`, kind);
        }
        if (Math.floor(prev / GPUS) !== node) {
          const via = net === "IB" ? `NET/IB/${ch}/GDRDMA` : `NET/Socket/${ch}`;
          conn(node, pid, head, `${chan} : ${prev}[${dev(prev)}] -> ${r}[${dev(r)}] [receive] via ${via}`, net === "IB" ? "NET/IB/GDRDMA" : "NET/Socket");
        }
      }
      if (net === "IB") put(node, pid, `${head} NCCL INFO GPU Direct RDMA Enabled for GPU ${r % GPUS} / HCA ${r % GPUS} (distance 4 <= 4), read 1 mode Default`);
      put(node, pid, `${head} NCCL INFO Connected all rings`);
      put(node, pid, `${head} NCCL INFO ${init(r, "COMPLETE")}`);
    }
  }
  return { text: lines.join("\n") + "\n", kinds };
}

async function read(text: string, opts: AnalyzeOptions = {}, chunkBytes = 16384) {
  const part = await analyzeSource(memorySource("setup.log", text), 0, { limits: { chunkBytes }, jobs: 1, ...opts });
  return { report: buildReport(part.state, part.events), events: part.events, state: part.state };
}

/** facts and findings with the evidence reduced to its line number (a wrapper stays in the evidence's text) */
const essence = (r: { report: { facts: unknown; findings: unknown } }) =>
  JSON.stringify({ facts: r.report.facts, findings: r.report.findings }, (_k, v) =>
    v && typeof v === "object" && !Array.isArray(v) && "file" in v && "line" in v && "text" in v ? { line: v.line } : v,
  );

const ERAS: Era[] = ["2.5", "2.7", "2.18", "2.21"];

describe("set-up logs of every era read as every line read afresh", () => {
  it("each era's connections, communicators and network, exactly", async () => {
    for (const era of ERAS) {
      const comms = 6;
      const log = setupLog(era, "bare", comms);
      const { report } = await read(log.text);
      const nccl = report.facts.nccl;
      const transports = Object.fromEntries(Object.entries(nccl.transports).filter(([, v]) => v > 0));
      expect(transports, era).toEqual(log.kinds);
      expect(nccl.initComplete, era).toBe(comms * RANKS);
      expect(nccl.ranks, era).toBe(RANKS);
      expect(nccl.nodes, era).toBe(NODES);
      expect(nccl.hosts, era).toEqual(["gpu-node-a", "gpu-node-b"]);
      expect(nccl.net, era).toBe(era === "2.7" || era === "2.21" ? "Socket" : "IB");
      expect(nccl.bootstrapInterfaces, era).toEqual(era === "2.5" ? [] : ["eth0:10.0.0.1", "eth0:10.0.0.2"]);
      expect(nccl.env, era).toEqual({ NCCL_SOCKET_IFNAME: "eth0" });
      if (era === "2.5" || era === "2.18") expect(nccl.ibHcas, era).toEqual(["mlx5_0:1", "mlx5_1:1"]);
      // 2.18+ name each communicator's commId: one communicator per round, each with its own connection lines (the
      // lines name no communicator: each belongs to the one its thread is initialising); before, one of them all
      const named = era === "2.18" || era === "2.21";
      expect(nccl.communicatorCount, era).toBe(named ? comms : 1);
      const summed: Record<string, number> = {};
      for (const c of nccl.communicators) for (const [k, v] of Object.entries(c.transports)) summed[k] = (summed[k] ?? 0) + v;
      expect(summed, era).toEqual(log.kinds);
      // the matrix of the widest communicator: each rank sends to the next on 2 channels (a line on each end across nodes)
      for (let r = 0; r < RANKS; r++) {
        const next = (r + 1) % RANKS;
        const cell = nccl.matrix[String(r)]?.[String(next)] ?? {};
        const total = Object.values(cell).reduce((a, b) => a + b, 0);
        expect(total, `${era} ${r}->${next}`).toBe(2 * (named ? 1 : comms) * (Math.floor(next / GPUS) === Math.floor(r / GPUS) ? 1 : 2));
      }
    }
  });

  it("with the fast path on and off, in any chunk size, bare and behind kubectl, compose and Ray wrappers", async () => {
    for (const era of ERAS) {
      const bare = essence(await read(setupLog(era, "bare", 4).text));
      for (const wrap of ["bare", "kubectl", "compose", "ray"] as const) {
        const { text } = setupLog(era, wrap, 4);
        const slow = await read(text, { fastPath: false });
        const want = JSON.stringify({ report: slow.report, events: slow.events });
        for (const chunk of [4096, 65536]) {
          const fast = await read(text, {}, chunk);
          expect(JSON.stringify({ report: fast.report, events: fast.events }), `${era} ${wrap} ${chunk}`).toBe(want);
        }
        // a wrapper that names no origin changes nothing of the facts
        if (wrap === "kubectl" || wrap === "compose") expect(essence(slow), `${era} ${wrap}`).toBe(bare);
      }
    }
  }, 60_000);
});

/** the lines of `text` the fast path took, read as analyzeSource does (the rest the ordinary way) */
function takenFast(text: string): string[] {
  const b = Buffer.from(text, "latin1");
  const d = createDispatcher();
  const c = d.fast.begin(b, 10_000, { ascii: true });
  const taken: string[] = [];
  let n = 0;
  for (let s = 0; s < b.length; ) {
    const nl = b.indexOf(10, s);
    n++;
    if (c.line(s, nl, n)) taken.push(b.toString("latin1", s, nl));
    else {
      c.pass();
      for (const piece of splitPhysicalLine(chunkLine({ head: null, headCut: 0, bytes: b, ascii: true, text: "", start: 0, end: b.length }, s, nl, 10_000))) d.dispatch(toRecord("x", 0, n, piece), () => {});
    }
    s = nl + 1;
  }
  c.done();
  return taken;
}

describe("lines NCCL reads to nothing", () => {
  const h = "gpu-node-a:4100:4111 [0]";
  const quiet = [`${h} NCCL INFO Connected all rings`, `${h} NCCL INFO cudaDriverVersion 12040`, `${h} NCCL INFO Trees [0] 1/-1/-1->0->-1 [1] 1/-1/-1->0->-1`, `${h} NCCL INFO Channel 00/24 :    0   1   2   3`, `${h} NCCL INFO P2P Chunksize set to 131072`, `${h} NCCL INFO NET/Plugin: Could not find: libnccl-net.so`];
  // what looks alike but makes an event or bumps a counter, every time
  const busy = [
    `${h} NCCL INFO CustomOp: opCount 5 sendbuff 0x1 recvbuff 0x2 count 8 datatype 7 op 0 root 0 comm 0xabc [nranks=4] stream 0x9`,
    `${h} NCCL INFO Connected all rings from rank 3`,
    `${h} NCCL INFO comm 0x55d1a0000000 rank 0 nranks 4 cudaDev 0 busId 1b000 - Init COMPLETE`,
    `${h} NCCL INFO Channel 00/0 : 0[0] -> 1[1] via P2P/IPC`,
    `${h} NCCL INFO misc/socket.cc:564 -> 2`,
  ];
  const lines = ["NCCL version 2.21.5+cuda12.4", `${h} NCCL INFO Bootstrap : Using eth0:10.0.0.1<0>`];
  for (let r = 0; r < 6; r++) {
    lines.push(...quiet, ...busy);
    // the same record behind a wrapper, with a space at its end and as a piece of a longer line is read the ordinary way
    lines.push(`2025-11-20T09:14:0${r}.123456789Z ${quiet[0]}`, `${quiet[1]} `, `${quiet[2]}\r${quiet[0]}`);
  }
  const text = lines.join("\n") + "\n";

  it("are taken by the fast path from their second time, bare and whole, and nothing else is", () => {
    const taken = takenFast(text);
    const counts = new Map<string, number>();
    for (const t of taken) counts.set(t, (counts.get(t) ?? 0) + 1);
    // (and an Init line once its thread printed one of its phase before: each still makes its event, see
    // test/setup-fold.test.ts)
    expect(Object.fromEntries(counts)).toEqual(Object.fromEntries([...quiet.map((q) => [q, 5]), [busy[2], 4]]));
  });

  it("read to the same report and events with the fast path on and off", async () => {
    const slow = await read(text, { fastPath: false });
    for (const chunk of [256, 4096]) {
      const fast = await read(text, {}, chunk);
      expect(JSON.stringify({ report: fast.report, events: fast.events }), String(chunk)).toBe(JSON.stringify({ report: slow.report, events: slow.events }));
    }
    // the custom collective was counted every time
    expect(slow.report.facts.nccl.rankMap[0]).toMatchObject({ lastOpCount: 5, lastCollective: "CustomOp", collectives: 6 });
  });
});

describe("lines NCCL reads to nothing, after other headers", () => {
  // a big job's ranks print the same quiet lines, each after its own header: once one was read to nothing, its text is
  // taken after any header the fast path may read (not one holding a signature's word: `timeout-7`)
  const quiet = ["Connected all rings", "cudaDriverVersion 12040", "P2P Chunksize set to 131072", "Trees [0] 1/-1/-1->0->-1 [1] 1/-1/-1->0->-1"];
  const hosts = ["gpu-a", "gpu-b", "timeout-7", "gpu-c", "gpu-d"];
  const lines = ["NCCL version 2.21.5+cuda12.4"];
  hosts.forEach((host, n) => {
    for (let d = 0; d < 2; d++) {
      const h = `${host}:${4100 + d}:${4111 + d} [${d}]`;
      lines.push(`${h} NCCL INFO Bootstrap : Using eth0:10.0.0.${n + 1}<0>`, `${h} NCCL INFO Using network IB`, ...quiet.map((q) => `${h} NCCL INFO ${q}`));
      // (a quiet text with a signature's word is never taken, nor the same with a space at its end)
      lines.push(`${h} NCCL INFO Connected all rings timeout`, `${h} NCCL INFO cudaDriverVersion 12040 `);
    }
  });
  const text = lines.join("\n") + "\n";

  it("are taken from the bytes after another header once read to nothing, but after one with a signature's word", () => {
    const taken = takenFast(text);
    // (the first header's are read the ordinary way; each later header's taken but those of `timeout-7`, and with them
    // its `Using network IB`, which the first header read to one event: test/setup-rest.test.ts)
    const want = hosts.flatMap((host, n) => (n === 0 || host === "timeout-7" ? [] : [0, 1].flatMap((d) => ["Using network IB", ...quiet].map((q) => `${host}:${4100 + d}:${4111 + d} [${d}] NCCL INFO ${q}`))));
    expect(taken.filter((t) => !t.includes("gpu-a:4101"))).toEqual(want);
  });

  it("read to the same report and events with the fast path on and off", async () => {
    const slow = await read(text, { fastPath: false });
    for (const chunk of [256, 4096]) {
      const fast = await read(text, {}, chunk);
      expect(JSON.stringify({ report: fast.report, events: fast.events }), String(chunk)).toBe(JSON.stringify({ report: slow.report, events: slow.events }));
    }
  });
});

describe("a JSON report in pieces", () => {
  it("is the text of renderJson, for a set-up log's report with its state and for awkward values", async () => {
    const r = await read(setupLog("2.21", "ray", 40).text);
    const report = { ...r.report, state: mergeableStateOf(r) };
    const whole = renderJson(report);
    expect(whole.length).toBeGreaterThan(100_000);
    for (const batch of [1, 4096, 1 << 20]) {
      const pieces = [...renderJsonPieces(report, batch)];
      expect(pieces.join(""), String(batch)).toBe(whole);
      if (batch === 4096) expect(pieces.length).toBeGreaterThan(20);
      // (no piece near the state's NCCL facts, ~89 kB: few entries but many communicators, they are taken apart too)
      if (batch === 4096) expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(30_000);
    }
    const odd = {
      a: undefined, f: () => 1, s: "line\nbreak \u2028 \"q\"", e: [], o: {}, n: null, neg: -0, nan: NaN,
      list: [undefined, () => 1, 1, [[], {}], { x: undefined }],
      deep: { d1: { d2: { d3: { d4: Array.from({ length: 100 }, (_, i) => ({ i, s: `v${i}\n`, u: undefined })) } } } },
      many: Object.fromEntries(Array.from({ length: 70 }, (_, i) => [`k${i}`, i % 3 ? { i } : []])),
      holds: { d1: { d2: { few: 1, many: Object.fromEntries(Array.from({ length: 70 }, (_, i) => [`k${i}`, { i, u: undefined }])), list: Array(64).fill(null) } } },
      date: new Date(0),
      // (keys that are array indexes and `__proto__`, read from a log into a state, among others: taken a run at a time)
      mixed: JSON.parse('{"d1":{"d2":{"m":{"b":1,"2":{"x":1},"__proto__":{"y":2},"1":[1],"a":"z"},"big":[{"s":"' + "x".repeat(40_000) + '"},1,2]}}}'),
    };
    expect([...renderJsonPieces(odd as never, 64)].join("")).toBe(renderJson(odd as never));
  });
});
