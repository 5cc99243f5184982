import { afterEach, describe, expect, it } from "vitest";
import type { AnalyzeOptions } from "../src/analyze.js";
import { foldedLines, readWhole } from "./helpers/folded.js";
import { FAST_LIMITS } from "../src/events/nccl-fast-counter.js";
import { matchSignatures, signaturePatternsFor } from "../grammars/signatures.js";

/**
 * A big job's ranks each print the same set-up lines once, each after its own header: the network's, the env's, the
 * node's Bootstrap and NET/IB lines. Once one header's line of a text was read to one event, the fast path takes the
 * first line of that text after any other header, its first line too (src/events/nccl-fast-counter.ts `learnRest`),
 * and the reader makes that event again for its header (src/events/read-nccl.ts `takeRest`). The report, its state and
 * the events kept must be those of reading every line.
 */

interface Job {
  nodes: number;
  gpus: number;
  attempts: number;
  wrap?: "bare" | "kubectl" | "ray" | "crlf";
  /** one node's host name holds a signature's word: its lines read as the ordinary way reads them */
  signatureHostAt?: number;
  /** NCCL ≤2.3's interface lines, one a line, a run of them interrupted by another line of the thread */
  legacy?: boolean;
  /** a line whose text is a signature's after one header only (the signature reads the header too) */
  nodeSignature?: boolean;
}

function jobLog(o: Job): string {
  const out: string[] = [];
  let n = 0;
  const wrap = (line: string, pid: number, ip: string) => {
    n++;
    if (o.wrap === "kubectl") return `2025-11-20T09:14:${String(n % 60).padStart(2, "0")}.${String(123456789 + n).slice(0, 9)}Z ${line}`;
    if (o.wrap === "ray") return `(RayWorkerWrapper pid=${pid}, ip=${ip}) ${line}`;
    if (o.wrap === "crlf") return `${line}\r`;
    return line;
  };
  const nr = o.nodes * o.gpus;
  for (let attempt = 0; attempt < o.attempts; attempt++) {
    for (let node = 0; node < o.nodes; node++) {
      const host = `${node === o.signatureHostAt ? "timeout" : "trn"}-${String(node).padStart(2, "0")}`;
      const ip = `172.16.${attempt}.${node + 20}`;
      const per: { pid: number; lines: string[] }[] = [];
      for (let g = 0; g < o.gpus; g++) {
        const r = node * o.gpus + g;
        const pid = 31000 + attempt * 101 + g * 17;
        const h = `${host}:${pid}:${pid + 9} [${g}] NCCL INFO`;
        const comm = `0x7e${(0x51000000 + attempt * 0x10000 + g * 0x100).toString(16)}0`;
        const ls = [`${h} Bootstrap : Using ens5:${ip}<0>`, `${h} cudaDriverVersion 12060`];
        if (o.legacy) ls.push(`${h} NET : Using interface ens5:${ip}<0>`, `${h} NCCL_IB_DISABLE set by environment to 0`, `${h} NET : Using interface ib1:10.9.${node}.1<0>`);
        ls.push(
          `${h} NCCL_SOCKET_IFNAME set by environment to ens5`,
          `${h} NCCL_IB_HCA set by environment to =mlx5_2,mlx5_7`,
          `${h} NET/IB : Using [0]mlx5_2:1/RoCE [1]mlx5_7:1/RoCE [RO]; OOB ens5:${ip}<0>`,
          `${h} Using network IB`,
          `${h} DMA-BUF is available on GPU device ${g}`,
          `${h} ncclCommInitRank comm ${comm} rank ${r} nranks ${nr} cudaDev ${g} nvmlDev ${g} busId ${(0x1a + g).toString(16)}000 commId 0x9d2e${attempt} - Init START`,
          `${h} 16 coll channels, 16 collnet channels, 0 nvls channels, 16 p2p channels, 2 p2p channels per peer`,
        );
        // (`GPU Direct RDMA Disabled` names the node where the header does: a text alike after every header)
        if (o.nodeSignature) ls.push(`${h} GPU Direct RDMA Disabled for HCA 0 'mlx5_2'`);
        for (let c = 0; c < 3; c++) ls.push(`${h} Channel ${String(c).padStart(2, "0")}/0 : ${r}[${g}] -> ${(r + 1) % nr}[${(g + 1) % o.gpus}] via P2P/IPC/read`);
        ls.push(`${h} Connected all rings`, `${h} ncclCommInitRank comm ${comm} rank ${r} nranks ${nr} cudaDev ${g} nvmlDev ${g} busId ${(0x1a + g).toString(16)}000 commId 0x9d2e${attempt} - Init COMPLETE`);
        per.push({ pid, lines: ls });
      }
      for (let i = 0; per.some((p) => i < p.lines.length); i++) for (const p of per) if (i < p.lines.length) out.push(wrap(p.lines[i], p.pid, ip));
    }
  }
  return out.join("\n") + "\n";
}

const read = (text: string, opts: AnalyzeOptions = {}, chunkBytes = 16384) => readWhole("job.log", text, opts, chunkBytes);

describe("set-up lines another header read to one event, taken after a header that has not printed them", () => {
  const limits = { ...FAST_LIMITS };
  afterEach(() => Object.assign(FAST_LIMITS, limits));

  it("read to the report, state and events of reading every line, the events kept or not", async () => {
    const cases: Job[] = [
      { nodes: 3, gpus: 4, attempts: 2 },
      { nodes: 2, gpus: 4, attempts: 2, wrap: "kubectl" },
      { nodes: 2, gpus: 4, attempts: 2, wrap: "ray" },
      { nodes: 2, gpus: 4, attempts: 2, wrap: "crlf" },
      { nodes: 3, gpus: 2, attempts: 2, signatureHostAt: 1 },
      { nodes: 2, gpus: 3, attempts: 2, legacy: true },
      { nodes: 2, gpus: 3, attempts: 2, nodeSignature: true },
    ];
    for (const o of cases) {
      const text = jobLog(o);
      for (const kept of [2, 2000]) {
        const slow = await read(text, { fastPath: false, maxEventsPerKind: kept });
        for (const chunk of [1024, 65536]) expect(await read(text, { maxEventsPerKind: kept }, chunk), `${JSON.stringify(o)} ${kept} ${chunk}`).toBe(slow);
      }
    }
  }, 120_000);

  it("past the cap on headers, forgotten with them and taken afresh", async () => {
    Object.assign(FAST_LIMITS, { keys: 5, folds: 4 });
    const text = jobLog({ nodes: 3, gpus: 4, attempts: 3 });
    const slow = await read(text, { fastPath: false, maxEventsPerKind: 3 });
    for (const chunk of [2048, 65536]) expect(await read(text, { maxEventsPerKind: 3 }, chunk), String(chunk)).toBe(slow);
  }, 60_000);

  it("are taken: each text once by the ordinary way, a node's first header's Bootstrap line and a header with a signature's word aside", () => {
    const { ordinary } = foldedLines(jobLog({ nodes: 3, gpus: 4, attempts: 2, signatureHostAt: 2 }), 3);
    const of = (t: string) => ordinary.filter((l) => l.endsWith(` NCCL INFO ${t}`) && !l.startsWith("timeout-"));
    // (the first header read them to one event; the 4 headers of `timeout-02` twice over read every line)
    for (const t of ["NCCL_SOCKET_IFNAME set by environment to ens5", "Using network IB", "16 coll channels, 16 collnet channels, 0 nvls channels, 16 p2p channels, 2 p2p channels per peer"]) expect(of(t), t).toHaveLength(1);
    expect(ordinary.filter((l) => l.startsWith("timeout-") && l.endsWith("Using network IB"))).toHaveLength(8);
    // a node's text, each attempt's (a header's first line): in the first attempt its first header's line makes its
    // host's event too (two events: not learnt from), the second's is learnt from; in the next its first header's
    expect(ordinary.filter((l) => l.includes(" Bootstrap : Using ") && !l.startsWith("timeout-"))).toHaveLength(2 * 2 + 2);
    expect(ordinary.filter((l) => l.includes(" NET/IB : Using ") && !l.startsWith("timeout-"))).toHaveLength(2 * 2);
  });
});

describe("signaturePatternsFor", () => {
  it("holds a pattern that matches whenever the table finds a signature in a header without a signature's word and the rest", () => {
    const heads = ["trn-00:31000:31009 [0]", "node-of-7:1:2 [3]", "a:1:1 [0]", "gpu.cluster.local:4242:4243 [7]"];
    const rests = [
      " NCCL INFO Bootstrap : Using ens5:172.16.0.20<0>",
      " NCCL INFO NET/IB : Using [0]mlx5_2:1/RoCE [1]mlx5_7:1/RoCE [RO]; OOB ens5:172.16.0.20<0>",
      " NCCL INFO GPU Direct RDMA Disabled for HCA 0 'mlx5_2'",
      " NCCL INFO Call to ibv_modify_qp failed with error Connection timed out",
      " NCCL INFO misc/socket.cc:564 -> 2",
      " NCCL INFO NET/Socket : Using [0]eth0:10.0.0.1<0>",
      " NCCL INFO Using network IB",
    ];
    let found = 0;
    for (const h of heads) {
      for (const rest of rests) {
        const line = h + rest;
        const patterns = signaturePatternsFor(rest);
        if (matchSignatures(line).length > 0) {
          found++;
          expect(patterns.some((p) => p.test(line)), line).toBe(true);
        }
      }
    }
    expect(found).toBeGreaterThan(4);
    expect(signaturePatternsFor(" NCCL INFO Using network IB")).toEqual([]);
  });
});
