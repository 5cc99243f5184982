import { describe, expect, it } from "vitest";
import { analyzeText, ids, eolsFor } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in a fiftieth round of real logs: vLLM on Kubernetes (KubeRay, LeaderWorkerSet, AIBrix, KServe, llm-d),
 * pasted from `kubectl logs`, with Ray worker prefixes. Two NCCL shapes were not read:
 * - net_ib's queue-pair set-up lines (`NET/IB: NCCL Dev 0 IbDev 0 Port 1 qpn ..`, `NET/IB: IbDev 0 Port 1 qpn ..
 *   set_ece=..`, before 2.19 `NET/IB: Dev 0 Port 1 qpn ..`) are printed only when the IB transport connects a peer, yet
 *   a window holding them and no `Using network` line left the network unknown: they were counted as chatter only.
 * - a connection record whose head Ray's interleaving cut away (` 06/0 : 24[17000] -> 26[21000] via P2P/IPC`, `O Channel
 *   06/0 : ..`) was read as a headless record only without the ` comm 0x.. nRanks N` suffix newer NCCL appends.
 * Every log text here is written for the test in the printed layout, with wrappers the logs did not all show.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubectl --timestamps", (l) => `2026-12-06T15:40:11.518204113Z ${l}`],
  ["kubectl --prefix", (l) => `[pod/llama-lws-0-1/vllm-worker] ${l}`],
  ["docker compose", (l) => `vllm-worker-1  | ${l}`],
  ["Ray", (l) => `(RayWorkerWrapper pid=4410, ip=10.42.1.17) ${l}`],
];

const join = (lines: string[], wrap: (l: string) => string, eol = "\n"): string => lines.map(wrap).join(eol) + eol;

async function eachWrap(lines: string[], check: (r: Report, at: string) => void): Promise<void> {
  for (const [name, wrap] of WRAPS)
    for (const eol of eolsFor(wrap)) check(await analyzeText(join(lines, wrap, eol)), `${name} ${JSON.stringify(eol)}`);
}

const ZERO = { "P2P/IPC": 0, "P2P/CUMEM": 0, "P2P/direct": 0, SHM: 0, "NET/IB": 0, "NET/IB/GDRDMA": 0, "NET/Socket": 0, "NET/OFI": 0, NVLS: 0, CollNet: 0 };

describe("net_ib's queue-pair set-up lines name the network", () => {
  const head = "llama-lws-0-1:4410:4497 [2] NCCL INFO ";
  const shapes: [string, string][] = [
    ["2.19+ connecting side, IB", "NET/IB: NCCL Dev 2 IbDev 2 Port 1 qpn 8812 mtu 5 LID 41 subnet-prefix 65152  FLID 0 fifoRkey=0x1f2e3d fifoLkey=0x1f2e3d"],
    ["merged devices", "NET/IB: NCCL MergedDev 0 IbDev 3 Port 1 qpn 977 mtu 5 LID 17 subnet-prefix 65152  FLID 0 fifoRkey=0x4c fifoLkey=0x4c"],
    ["accepting side, RoCE", "NET/IB: IbDev 2 Port 1 qpn 5120 set_ece={supported=1, vendor_id=0x15b3, options=0x0, comp_mask=0x0}"],
    ["accepting side cut by interleaving", "NET/IB: IbDev 2 Port 1 qpn 5121 set_ece={suppo"],
    ["before 2.19", "NET/IB: Dev 1 Port 1 qpn 203 mtu 5 LID 9"],
  ];
  for (const [name, msg] of shapes)
    it(`${name}: net IB, no connection counted, no finding`, async () => {
      await eachWrap([`${head}cudaDriverVersion 12040`, `${head}${msg}`, `${head}${msg.replace(/qpn \d+/, "qpn 1")}`], (r, at) => {
        expect(r.facts.nccl.net, at).toBe("IB");
        expect(r.facts.nccl.transports, at).toEqual(ZERO);
        expect(r.facts.nccl.gdr, at).toBeNull();
        expect(r.facts.nccl.nodes, at).toBe(1);
        expect(r.facts.firstError, at).toBeNull();
        expect(ids(r, "error"), at).toEqual([]);
      });
    });

  it("many of them after the header was learned (the fast path's ground) still say IB", async () => {
    const lines = [`${head}cudaDriverVersion 12040`];
    for (let i = 0; i < 300; i++) lines.push(`${head}NET/IB: IbDev ${i % 4} Port 1 qpn ${7000 + i} set_ece={supported=1, vendor_id=0x15b3, options=0x0, comp_mask=0x0}`);
    const r = await analyzeText(lines.join("\n") + "\n");
    expect(r.facts.nccl.net).toBe("IB");
  });

  it("a printed `Using network Socket` outranks them", async () => {
    const r = await analyzeText([`${head}Using network Socket`, `${head}NET/IB: IbDev 0 Port 1 qpn 12 set_ece={supported=1}`].join("\n") + "\n");
    expect(r.facts.nccl.net).toBe("Socket");
  });

  it("near misses name no network: the HCA list cut to nothing, prose about a port, a `Dev` line with no port", async () => {
    for (const msg of ["NET/IB: NCCL Dev 2", "NET/IB: Dev 1 is down", "checking IbDev 0 Port 1 before start"]) {
      const r = await analyzeText(`${head}cudaDriverVersion 12040\n${head}${msg}\n`);
      expect(r.facts.nccl.net, msg).toBeNull();
    }
  });
});

describe("connection records whose head Ray's interleaving cut away, with the ` comm 0x.. nRanks N` suffix", () => {
  const ray = (pid: number) => `(RayWorkerWrapper pid=${pid}, ip=10.42.3.7) `;
  const lines = [
    `${ray(650)}gpu-b:650:650 [0] NCCL INFO Channel 00/0 : 8[17000] -> 9[21000] via P2P/IPC comm 0x55aa01c0 nRanks 16`,
    `${ray(651)}gpu-b:651:2510 [1] NCCL INFO New proxy recv co`,
    `${ray(652)} 03/0 : 10[2d000] -> 11[35000] via P2P/IPC comm 0x55aa02c0 nRanks 16`,
    `${ray(653)}O Channel 05/0 : 12[4a000] -> 13[4f000] via P2P/IPC comm 0x55aa03c0 nRanks 16`,
    `${ray(654)}nd] via NET/IB/1/GDRDMA comm 0x55aa04c0 nRanks 16`,
  ];
  it("each is counted with the ranks it shows", async () => {
    for (const [name, wrap] of WRAPS.filter(([n]) => n !== "Ray"))
      for (const eol of ["\n", "\r\n"]) {
        const r = await analyzeText(join(lines, wrap, eol));
        const at = `${name} ${JSON.stringify(eol)}`;
        expect(r.facts.nccl.transports, at).toEqual({ ...ZERO, "P2P/IPC": 3, "NET/IB/GDRDMA": 1 });
        expect(r.facts.nccl.ranks, at).toBe(6);
        expect(r.facts.nccl.nodes, at).toBe(1);
        expect(ids(r, "error"), at).toEqual([]);
      }
  });

  it("the same record without the suffix reads alike (older NCCL)", async () => {
    const r = await analyzeText(lines.map((l) => l.replace(/ comm 0x\w+ nRanks \d+$/, "")).join("\n") + "\n");
    expect(r.facts.nccl.transports).toEqual({ ...ZERO, "P2P/IPC": 3, "NET/IB/GDRDMA": 1 });
    expect(r.facts.nccl.ranks).toBe(6);
  });

  it("near misses count nothing: ring order and Trees with the suffix, a tail cut inside its first device before any NCCL record, prose", async () => {
    const ringTrees = [
      `${ray(650)}gpu-b:650:650 [0] NCCL INFO Channel 00/0 : 8[17000] -> 9[21000] via P2P/IPC comm 0x55aa01c0 nRanks 16`,
      `${ray(652)} 02/24 :    0   1   2   3 comm 0x55aa02c0 nRanks 16`,
      `${ray(652)}ees [0] 9/-1/-1->8->-1 comm 0x55aa02c0 nRanks 16`,
    ];
    const r = await analyzeText(ringTrees.join("\n") + "\n");
    expect(r.facts.nccl.transports).toEqual({ ...ZERO, "P2P/IPC": 1 });
    // (a tail cut inside its first device waits for an NCCL record to show it is NCCL's; one that keeps
    // ` : 10[2d000] -> 11[35000] via …` whole is NCCL's connection form on its own)
    const alone = await analyzeText(`INFO 12-06 15:40:11 [api_server.py:1] starting\n${ray(652)}d000] -> 11[35000] via P2P/IPC comm 0x55aa02c0 nRanks 16\n`);
    expect(alone.facts.nccl.transports ?? ZERO).toEqual(ZERO);
    const whole = await analyzeText(`INFO 12-06 15:40:11 [api_server.py:1] starting\n${ray(652)} 03/0 : 10[2d000] -> 11[35000] via P2P/IPC comm 0x55aa02c0 nRanks 16\n`);
    expect(whole.facts.nccl.transports).toEqual({ ...ZERO, "P2P/IPC": 1 });
  });
});
