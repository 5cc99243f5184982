import { afterEach, describe, expect, it } from "vitest";
import type { AnalyzeOptions } from "../src/analyze.js";
import { foldedLines, readWhole } from "./helpers/folded.js";
import { FAST_LIMITS } from "../src/events/nccl-fast-counter.js";
import { signatureFreeWhateverDigits, matchSignatures } from "../grammars/signatures.js";

/**
 * A big job's set-up prints no line twice, but each rank prints its connections channel after channel: lines alike
 * but for the channel number, which the fast path reads from the bytes once the event store keeps no more
 * connections (src/events/read-nccl.ts `learnShape`; test/setup-conn-bytes.test.ts). Past the fast path's caps on
 * headers and folds, it forgets them and learns afresh. The report, its state and the events kept must be those of
 * reading every line.
 */

const hex = (n: number) => n.toString(16);
const KEPT = 3;

interface Wide {
  era: "2.4" | "2.7" | "2.18" | "2.21" | "2.30" | "rccl";
  nodes: number;
  gpus: number;
  channels: number;
  /** the job started this often, with new processes */
  attempts: number;
  wrap?: "bare" | "kubectl" | "ray" | "crlf";
  /** a host name that holds a signature's word (`timeout`), or a digit-bearing one (`gdr 0` is a signature word) */
  host?: string;
  /** this node's host name is a signature's (`ncclsystemerror`): its lines read otherwise than the others' alike */
  signatureHostAt?: number;
  /** channel numbers unpadded (`Channel 7`), or of three digits */
  channelForm?: "padded" | "bare" | "wide";
  /** a line cut in its channel number (its rest on the line below) */
  cut?: boolean;
  /** an error-return line NCCL goes on after, among the connection lines (the next one recovers it) */
  tentative?: boolean;
}

/** the job's set-up, each node's processes interleaved as they share its output */
function wideLog(o: Wide): string {
  const out: string[] = [];
  const nr = o.nodes * o.gpus;
  let n = 0;
  const wrap = (line: string, pid: number, ip: string) => {
    n++;
    if (o.wrap === "kubectl") return `2025-11-20T09:14:${String(n % 60).padStart(2, "0")}.${String(123456789 + n).slice(0, 9)}Z ${line}`;
    if (o.wrap === "ray") return `(RayWorkerWrapper pid=${pid}, ip=${ip}) ${line}`;
    if (o.wrap === "crlf") return `${line}\r`;
    return line;
  };
  const cc = (c: number) => (o.channelForm === "bare" ? String(c) : o.channelForm === "wide" ? String(c).padStart(3, "0") : String(c).padStart(2, "0"));
  const chan = (c: number) => (o.era === "2.4" ? `Ring ${cc(c)}` : o.era === "2.7" ? `Channel ${cc(c)}` : `Channel ${cc(c)}/0`);
  const dev = (r: number) => (o.era === "2.4" || o.era === "2.7" ? `${hex(0x1b + (r % o.gpus))}000` : String(r % o.gpus));
  const net = (c: number) => (o.era === "2.4" ? `NET/IB/${c % 2}` : `NET/IB/${c % 2}/GDRDMA`);
  const send = o.era === "2.4" ? "" : " [send]";
  for (let attempt = 0; attempt < o.attempts; attempt++) {
    for (let node = 0; node < o.nodes; node++) {
      const host = `${node === o.signatureHostAt ? "ncclsystemerror" : (o.host ?? "dgx")}-${String(node).padStart(3, "0")}`;
      const ip = `10.64.0.${node + 10}`;
      const per: { pid: number; lines: string[] }[] = [];
      for (let l = 0; l < o.gpus; l++) {
        const r = node * o.gpus + l;
        const pid = 20000 + attempt * 97 + l * 13;
        const h = `${host}:${pid}:${pid + 31} [${l}] NCCL INFO`;
        const comm = `0x7f${hex(0x3a000000 + attempt * 0x10000 + l * 0x100)}0`;
        const sfx = o.era === "rccl" ? ` comm ${comm} nRanks ${nr}` : "";
        const init = (phase: string) => `${h} ncclCommInitRank comm ${comm} rank ${r} nranks ${nr} cudaDev ${l} busId ${hex(0x18 + l * 0x10)}000 commId 0x3c5e${hex(attempt)} - Init ${phase}`;
        const ls = [`${h} Bootstrap : Using ib0:${ip}<0>`, `${h} cudaDriverVersion 12040`, `${h} NET/IB : Using [0]mlx5_0:1/IB [1]mlx5_3:1/IB ; OOB ib0:${ip}<0>`, `${h} Using network IB`, init("START")];
        const next = (r + 1) % nr;
        for (let c = 0; c < o.channels; c++) {
          if (l < o.gpus - 1) ls.push(`${h} ${chan(c)} : ${r}[${dev(r)}] -> ${next}[${dev(next)}] via P2P/IPC${o.era === "2.30" ? "/read" : ""}${sfx}`);
          else ls.push(`${h} ${chan(c)} : ${r}[${dev(r)}] -> ${next}[${dev(next)}]${send} via ${net(c)}${sfx}`);
          if (l === 0 && o.era !== "2.4") ls.push(`${h} ${chan(c)} : ${(r + nr - 1) % nr}[${dev(r + nr - 1)}] -> ${r}[${dev(r)}] [receive] via ${net(c)}${sfx}`);
          // a connection NCCL prints over sockets: also a signature's line, never folded
          if (l === 1 && c % 3 === 0) ls.push(`${h} ${chan(c)} : ${r}[${dev(r)}] -> ${(r + 2) % nr}[${dev(r + 2)}]${send} via NET/Socket/0${sfx}`);
          // letters where the channel number stands: no connection line, though its bytes are those of one around them
          if (l === 1 && c === o.channels - 1) ls.push(`${h} ${chan(c).replace(/\d+/, (d) => "x".repeat(d.length))} : ${r}[${dev(r)}] -> ${next}[${dev(next)}] via P2P/IPC${o.era === "2.30" ? "/read" : ""}${sfx}`);
          if (o.tentative && attempt === 1 && l === 0 && c === 4) ls.push(`${h} misc/socket.cc:564 -> 2`);
          if (o.cut && l === 2 && c === 3) ls.push(`${h} ${chan(c).slice(0, -2)}`, `${chan(c).slice(-2)} : ${r}[${dev(r)}] -> ${next}[${dev(next)}] via P2P/IPC`);
        }
        ls.push(`${h} Connected all rings`);
        for (let c = 0; c < o.channels; c++) if (l > 0) ls.push(`${h} ${chan(c)} : ${r}[${dev(r)}] -> ${r - 1}[${dev(r - 1)}] via P2P/IPC${sfx}`);
        ls.push(`${h} Connected all trees`, init("COMPLETE"));
        per.push({ pid, lines: ls });
      }
      for (let i = 0; per.some((p) => i < p.lines.length); i++) for (const p of per) if (i < p.lines.length) out.push(wrap(p.lines[i], p.pid, ip));
    }
  }
  return out.join("\n") + "\n";
}

const read = (text: string, opts: AnalyzeOptions = {}, chunkBytes = 16384) => readWhole("wide.log", text, { maxEventsPerKind: KEPT, ...opts }, chunkBytes);

describe("connection lines alike but for the channel, folded by the fast path", () => {
  const limits = { ...FAST_LIMITS };
  afterEach(() => Object.assign(FAST_LIMITS, limits));

  it("read to the report, state and events of reading every line, in every era's line shapes", async () => {
    for (const era of ["2.4", "2.7", "2.18", "2.21", "2.30", "rccl"] as const) {
      const text = wideLog({ era, nodes: 3, gpus: 4, channels: 6, attempts: 2 });
      const slow = await read(text, { fastPath: false });
      for (const chunk of [2048, 65536]) expect(await read(text, {}, chunk), `${era} ${chunk}`).toBe(slow);
    }
  }, 60_000);

  it("wrapped, with CRLF, cut in the channel number, other channel widths, or a host name a signature reads", async () => {
    const cases: Wide[] = [
      { era: "2.21", nodes: 2, gpus: 4, channels: 5, attempts: 2, wrap: "kubectl" },
      { era: "2.21", nodes: 2, gpus: 4, channels: 5, attempts: 2, wrap: "ray" },
      { era: "2.21", nodes: 2, gpus: 4, channels: 5, attempts: 2, wrap: "crlf" },
      { era: "2.18", nodes: 2, gpus: 4, channels: 12, attempts: 2, channelForm: "bare" },
      { era: "2.18", nodes: 2, gpus: 4, channels: 5, attempts: 2, channelForm: "wide" },
      { era: "2.21", nodes: 2, gpus: 4, channels: 6, attempts: 2, cut: true },
      { era: "2.21", nodes: 2, gpus: 4, channels: 6, attempts: 2, tentative: true },
      { era: "2.21", nodes: 2, gpus: 4, channels: 5, attempts: 2, host: "timeout" },
      { era: "2.21", nodes: 2, gpus: 4, channels: 5, attempts: 2, host: "gdr" },
      { era: "2.21", nodes: 3, gpus: 4, channels: 5, attempts: 2, signatureHostAt: 1 },
    ];
    for (const o of cases) {
      const text = wideLog(o);
      const slow = await read(text, { fastPath: false });
      for (const chunk of [1024, 16384]) expect(await read(text, {}, chunk), `${JSON.stringify(o)} ${chunk}`).toBe(slow);
    }
  }, 60_000);

  it("forget what they learnt past their caps on headers and folds, and learn it afresh", async () => {
    Object.assign(FAST_LIMITS, { keys: 5, folds: 4 });
    const text = wideLog({ era: "2.21", nodes: 3, gpus: 4, channels: 6, attempts: 3 });
    const slow = await read(text, { fastPath: false });
    for (const chunk of [2048, 65536]) expect(await read(text, {}, chunk), String(chunk)).toBe(slow);
  }, 60_000);

  it("are folded: connection lines after the first of each peer and transport take the fast path", () => {
    // 2 nodes x 4 GPUs x 16 channels: 240 ring and tree connection lines of which 24 are the first of their peer and
    // transport, 6 the first of their kind before the store is full, 12 over sockets (a signature's)
    const text = wideLog({ era: "2.21", nodes: 2, gpus: 4, channels: 16, attempts: 1 });
    expect(foldedLines(text, KEPT).repeats).toBeGreaterThan(150);
    // lines read to nothing after one header are taken after every other (each header's first line aside)
    const { ordinary } = foldedLines(wideLog({ era: "2.21", nodes: 3, gpus: 4, channels: 4, attempts: 2 }), KEPT);
    expect(ordinary.filter((l) => l.endsWith("Connected all rings")).length).toBe(1);
    expect(ordinary.filter((l) => l.endsWith("cudaDriverVersion 12040")).length).toBe(1);
    // a host name a signature reads: nothing folds but what repeats whole (nothing here)
    expect(foldedLines(wideLog({ era: "2.21", nodes: 2, gpus: 4, channels: 16, attempts: 1, host: "timeout" }), KEPT).repeats).toBe(0);
  });
});

describe("signatureFreeWhateverDigits", () => {
  it("says a line matches no signature whatever digits stand at [a, b), as trying them all does", () => {
    const lines = [
      "h:1:2 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[1] via P2P/IPC",
      "gdr:1:2 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[1] via P2P/IPC",
      "h:1:2 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[1] via NET/IB/0 GDR 00",
      "h:1:2 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[1] via NET/Socket/0",
      "timeout:1:2 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[1] via P2P/IPC",
    ];
    for (const line of lines) {
      for (const [a, b] of [[28, 30], [line.length - 2, line.length]] as const) {
        let any = false;
        for (let d = 0; d < 100; d++) any ||= matchSignatures(line.slice(0, a) + String(d).padStart(2, "0") + line.slice(b)).length > 0;
        if (signatureFreeWhateverDigits(line, [a, b])) expect(any, `${line} ${a}`).toBe(false);
      }
    }
    expect(signatureFreeWhateverDigits(lines[0], [28, 30])).toBe(true);
    // `GDR 0` is a signature's word: the digits there could make it
    expect(signatureFreeWhateverDigits(lines[2], [lines[2].length - 2, lines[2].length])).toBe(false);
  });
});
