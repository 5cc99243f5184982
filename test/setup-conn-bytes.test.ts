import { describe, expect, it } from "vitest";
import { foldedLines, readWhole } from "./helpers/folded.js";
import { rng } from "./helpers/cluster-logs.js";
import { connLayout } from "../src/events/nccl-fast-counter.js";
import { matchSignatures, signatureFreeWithRuns } from "../grammars/signatures.js";

/**
 * Connection lines of a shape the reader has read once (src/events/read-nccl.ts `learnShape`) are read from the bytes
 * after any header, whatever their channel, connIndex, peers, device digits (of the length and kind seen), network
 * device index (`via NET/<name>/<n>`) and RCCL communicator: the report, its state and the events kept must be those of reading every line, in every era's
 * forms and with lines that only look like them.
 */

const KEPT = 3;
const hex = (n: number) => n.toString(16);

interface Form {
  /** `Ring 00`, `Channel 00`, `Channel 00/0` */
  chan: "ring" | "bare" | "slash";
  /** the device bracket: an NVML index, or a bus id (lower or upper case hex) */
  dev: "nvml" | "busId" | "BUSID";
  /** RCCL's suffix: ` comm 0x… nRanks N`, or ` comm 0x…` alone */
  rccl?: "nRanks" | "comm";
  /** ` [send]` / ` [receive]` on network lines */
  dirs: boolean;
  p2p: string;
  /** `{d}`: the network device's index, from the channel (of one and of two digits) */
  net: string;
}

const FORMS: Record<string, Form> = {
  "2.4": { chan: "ring", dev: "busId", dirs: false, p2p: "P2P/IPC", net: "NET/IB/{d}" },
  "2.7": { chan: "bare", dev: "BUSID", dirs: true, p2p: "P2P/IPC", net: "NET/IB/1/GDRDMA" },
  "2.12": { chan: "slash", dev: "busId", dirs: true, p2p: "direct shared memory", net: "NET/Socket/{d}" },
  "2.12-pxn": { chan: "slash", dev: "nvml", dirs: true, p2p: "P2P/IPC/read", net: "NET/IB/{d}(3)/GDRDMA" },
  "2.21": { chan: "slash", dev: "nvml", dirs: true, p2p: "P2P/CUMEM/read", net: "NET/IB/{d}/GDRDMA" },
  "2.21-efa": { chan: "slash", dev: "nvml", dirs: true, p2p: "P2P/CUMEM/read", net: "NET/AWS Libfabric/{d}/GDRDMA" },
  rccl: { chan: "slash", dev: "busId", rccl: "nRanks", dirs: true, p2p: "P2P/IPC", net: "NET/IB/{d}/GDRDMA" },
  "rccl-comm": { chan: "slash", dev: "nvml", rccl: "comm", dirs: true, p2p: "SHM/direct/direct", net: "NET/IB/2" },
};
/** a channel's network device index: one and two digits */
const netDev = (c: number) => String([0, 1, 10, 3][c % 4]);

/** the set-up of `nodes` × `gpus` ranks over `channels`, started `attempts` times with new processes, each node's lines interleaved */
function setupLog(f: Form, nodes: number, gpus: number, channels: number, attempts: number, mutate?: (line: string, n: number) => string): string {
  const out: string[] = [];
  const nr = nodes * gpus;
  const dev = (r: number) => {
    const d = r % gpus;
    return f.dev === "nvml" ? String(d) : f.dev === "busId" ? `${hex(0x1b + d * 0x11)}000` : `${hex(0x1b + d * 0x11).toUpperCase()}000`;
  };
  const chan = (c: number, ci: number) => {
    const cc = String(c).padStart(2, "0");
    return f.chan === "ring" ? `Ring ${cc}` : f.chan === "bare" ? `Channel ${cc}` : `Channel ${cc}/${ci}`;
  };
  let n = 0;
  const net = (c: number) => f.net.replace("{d}", netDev(c));
  for (let attempt = 0; attempt < attempts; attempt++) {
    for (let node = 0; node < nodes; node++) {
      const host = `node-${String(node).padStart(2, "0")}`;
      const per: string[][] = [];
      for (let l = 0; l < gpus; l++) {
        const r = node * gpus + l;
        const pid = 3000 + attempt * 101 + l * 7;
        const h = `${host}:${pid}:${pid + 5} [${l}] NCCL INFO`;
        const comm = `0x7f${hex(0x3a0000 + attempt * 0x1000 + l * 0x10)}`;
        const sfx = f.rccl === "nRanks" ? ` comm ${comm} nRanks ${nr}` : f.rccl === "comm" ? ` comm ${comm}` : "";
        const init = (phase: string) => `${h} comm ${comm} rank ${r} nranks ${nr} cudaDev ${l} busId ${hex(0x1b + l * 0x11)}000 - Init ${phase}`;
        const ls = [`${h} Bootstrap : Using eth0:10.1.0.${node + 1}<0>`, `${h} Using network IB`, init("START")];
        const next = (r + 1) % nr;
        const prev = (r + nr - 1) % nr;
        const dir = (d: string) => (f.dirs ? ` [${d}]` : "");
        for (let c = 0; c < channels; c++) {
          for (const ci of f.chan === "slash" ? [0, 1] : [0]) {
            if (l < gpus - 1) ls.push(`${h} ${chan(c, ci)} : ${r}[${dev(r)}] -> ${next}[${dev(next)}] via ${f.p2p}${sfx}`);
            else ls.push(`${h} ${chan(c, ci)} : ${r}[${dev(r)}] -> ${next}[${dev(next)}]${dir("send")} via ${net(c)}${sfx}`);
            if (l === 0 && f.dirs) ls.push(`${h} ${chan(c, ci)} : ${prev}[${dev(prev)}] -> ${r}[${dev(r)}]${dir("receive")} via ${net(c)}${sfx}`);
          }
        }
        ls.push(`${h} Connected all rings`);
        // trees: to the node's first rank and, from it, to the first rank of the next node
        for (let c = 0; c < channels; c++) {
          if (l > 0) ls.push(`${h} ${chan(c, 0)} : ${r}[${dev(r)}] -> ${node * gpus}[${dev(0)}] via ${f.p2p}${sfx}`);
          else ls.push(`${h} ${chan(c, 0)} : ${r}[${dev(r)}] -> ${(r + gpus) % nr}[${dev(0)}]${dir("send")} via ${net(c)}${sfx}`);
        }
        ls.push(init("COMPLETE"));
        per.push(ls);
      }
      for (let i = 0; per.some((p) => i < p.length); i++) for (const p of per) if (i < p.length) out.push(mutate ? mutate(p[i], n++) : p[i]);
    }
  }
  return out.join("\n") + "\n";
}

const read = (text: string, fastPath: boolean, chunkBytes: number) => readWhole("conn.log", text, { maxEventsPerKind: KEPT, fastPath }, chunkBytes);


describe("connection lines read from the bytes after any header", () => {
  it("read to the report, state and events of reading every line, in every era's forms, and most lines so", async () => {
    for (const [era, f] of Object.entries(FORMS)) {
      // (12 GPUs a node: device indexes of one and of two digits)
      for (const gpus of era === "2.21" ? [4, 12] : [4]) {
        const text = setupLog(f, 3, gpus, 4, 2);
        const slow = await read(text, false, 65536);
        for (const chunk of [1500, 65536]) expect(await read(text, true, chunk), `${era} ${gpus} ${chunk}`).toBe(slow);
        const conns = text.split("\n").filter((l) => / via /.test(l));
        const ordinary = foldedLines(text, KEPT).ordinary.filter((l) => / via /.test(l));
        // (the first 16 of each transport are the fact's samples, each shape's first line after them is read to learn
        // it, and the lines over sockets or `direct shared memory` a signature's words may make: read the ordinary way)
        if (!f.net.includes("Socket")) expect(ordinary.length, `${era} ${gpus}`).toBeLessThanOrEqual(48);
        expect(conns.length, era).toBeGreaterThan(190);
        // a thread's network lines of one peer fold into one event a run whatever their device's index (one line each
        // when each index was a shape of its own)
        const netRepeats = foldedLines(text, KEPT).events.flatMap((e) => (e.kind === "nccl.repeat" && e.of.kind === "nccl.connection" && e.of.transport?.startsWith("NET") ? [e.n] : []));
        if (!f.net.includes("Socket")) expect(netRepeats.reduce((a, b) => a + b, 0) / netRepeats.length, `${era} ${gpus}`).toBeGreaterThan(2.5);
      }
    }
  }, 60_000);

  it("and lines that only look like them, cut or changed anywhere, read as the ordinary way reads them", async () => {
    const random = rng(7);
    const swaps = ["", " ", "  ", "x", "9", "0", "a", "F", "[", "]", "/", ":", "-", ">", "\t", "12345678901", " comm 0x1f", " nRanks 8", " via", "Channel", "\r", "é"];
    for (const [era, f] of Object.entries(FORMS)) {
      // one connection line in five changed at one place: a character dropped, replaced or added
      const text = setupLog(f, 2, 4, 3, 2, (line, n) => {
        if (!line.includes(" via ") || n % 5 !== 0) return line;
        const at = Math.floor(random() * line.length);
        const what = swaps[Math.floor(random() * swaps.length)];
        return line.slice(0, at) + what + line.slice(at + (random() < 0.5 ? 1 : 0));
      });
      const slow = await read(text, false, 65536);
      for (const chunk of [2048, 65536]) expect(await read(text, true, chunk), `${era} ${chunk}`).toBe(slow);
    }
  }, 60_000);

  it("after a communicator's Init COMPLETE, a thread's next connection lines (lazy ones, the next communicator's) read as the ordinary way reads them", async () => {
    // each thread sets up three communicators in a row, the same peers each time, and connects two more channels
    // lazily after each Init COMPLETE: what the fast path read of its connection lines is forgotten at each
    // COMPLETE read the ordinary way, so a later line's event stands for its own group
    const lines: string[] = [];
    for (let node = 0; node < 2; node++) {
      const per: string[][] = [];
      for (let l = 0; l < 4; l++) {
        const r = node * 4 + l;
        const h = `gpu-${node}:${700 + l}:${710 + l} [${l}] NCCL INFO`;
        const ls: string[] = [];
        for (let c = 0; c < 3; c++) {
          const comm = `0x5c${c}${l}000`;
          const init = (phase: string) => `${h} ncclCommInitRank comm ${comm} rank ${r} nranks 8 cudaDev ${l} nvmlDev ${l} busId ${l + 1}b000 commId 0xab${c}0 - Init ${phase}`;
          ls.push(init("START"), `${h} comm ${comm} rank ${r} nRanks 8 nNodes 2 localRanks 4 localRank ${l} MNNVL 0`);
          for (let ch = 0; ch < 6; ch++) ls.push(`${h} Channel ${String(ch).padStart(2, "0")}/0 : ${r}[${l}] -> ${(r + 1) % 8}[${(l + 1) % 4}] via P2P/IPC/read`);
          ls.push(init("COMPLETE"));
          for (let ch = 0; ch < 2; ch++) ls.push(`${h} Channel ${String(ch).padStart(2, "0")}/1 : ${r}[${l}] -> ${(r + 4) % 8}[${l}] [send] via NET/IB/${ch}/GDRDMA`);
        }
        per.push(ls);
      }
      for (let i = 0; per.some((p) => i < p.length); i++) for (const p of per) if (i < p.length) lines.push(p[i]);
    }
    const text = lines.join("\n") + "\n";
    const slow = await read(text, false, 65536);
    for (const chunk of [700, 65536]) expect(await read(text, true, chunk), String(chunk)).toBe(slow);
    // most connection lines were read from the bytes, and a group read after a COMPLETE stands for a line after it
    const { repeats, events } = foldedLines(text, KEPT);
    expect(repeats).toBeGreaterThan(100);
    // (the lines after the last node's first COMPLETE: their groups were made after it)
    const completes = lines.flatMap((l, i) => (l.includes("Init COMPLETE") ? [i + 1] : []));
    const after = completes[7];
    const later = events.filter((e) => e.kind === "nccl.repeat" && e.of.kind === "nccl.connection" && e.ev.line > after);
    expect(later.length).toBeGreaterThan(10);
    expect(later.every((e) => e.kind === "nccl.repeat" && e.of.ev.line > completes[0])).toBe(true);
  }, 60_000);

  it("only where no signature can match whatever the numbers are", () => {
    // the runs' every value of up to two characters against the signatures themselves
    const rests = [
      " NCCL INFO Channel 00/0 : 0[0] -> 1[1] via P2P/IPC",
      " NCCL INFO Channel 00/0 : 0[0] -> 1[1] [send] via NET/Socket/0",
      " NCCL INFO Channel 00/0 : 0[0] -> 1[1] via NET/IB/0 GDR 0",
      " NCCL INFO Channel 00/0 : 0[1b000] -> 1[2c000] via P2P/IPC comm 0x1f nRanks 8",
    ];
    for (const rest of rests) {
      const layout = connLayout(rest)!;
      expect(layout, rest).not.toBeNull();
      const free = signatureFreeWithRuns(["h:1:2 [0]" + layout.parts[0], ...layout.parts.slice(1)], layout.runs);
      const values = (hex: boolean) => [..."0123456789", ...(hex ? "abcdef" : "")].flatMap((a) => ["", ..."0123456789"].map((b) => a + b));
      let any = false;
      for (let k = 0; k < layout.runs.length && !any; k++) {
        for (const v of values(layout.runs[k].hex)) {
          if (v.length < layout.runs[k].min || v.length > layout.runs[k].max) continue;
          const parts = layout.parts.map((p, q) => p + (q < layout.runs.length ? (q === k ? v : "1".repeat(layout.runs[q].min)) : ""));
          if (matchSignatures("h:1:2 [0]" + parts.join("")).length > 0) any = true;
        }
      }
      if (free) expect(any, rest).toBe(false);
    }
    expect(signatureFreeWithRuns(["h:1:2 [0]" + connLayout(rests[0])!.parts[0], ...connLayout(rests[0])!.parts.slice(1)], connLayout(rests[0])!.runs)).toBe(true);
    // `net/socket` makes a signature's word (`via net/socket`), and `gdr 0` may be made by any digit after `GDR `
    for (const rest of rests.slice(1, 3)) expect(signatureFreeWithRuns(connLayout(rest)!.parts, connLayout(rest)!.runs), rest).toBe(false);
    // a word made across a run: `p2p` with its digit varying, `err` + hex digits + `r`
    expect(signatureFreeWithRuns(["x p", "p: y"], [{ hex: false, min: 1, max: 2 }])).toBe(false);
    expect(signatureFreeWithRuns(["x ", " y"], [{ hex: true, min: 1, max: 9 }])).toBe(true);
    expect(signatureFreeWithRuns(["x d", "d y"], [{ hex: true, min: 2, max: 2 }])).toBe(true);
  });
});
