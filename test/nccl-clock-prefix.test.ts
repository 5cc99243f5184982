import { describe, expect, it } from "vitest";
import { analyzeText, eachWrapped, ids } from "./rules/analyze-text.js";

/**
 * A logger's clock before records NCCL printed without its `host:pid:tid` (a quoter or a collector cut it):
 * `12:31:45 [0] NCCL INFO ...` has the layout of a header but no host. Read as one, each second of the clock would be a
 * process and each hour a node (a log running past 12:59:59 would count two). Round 75rs met the shape.
 */

const WRAPS = [
  ["plain", (l: string) => l],
  ["docker compose", (l: string) => `trainer-1  | ${l}`],
] as const;

const hostless = (clock: (i: number) => string) => [
  `${clock(0)} [0] NCCL INFO Bootstrap : Using eth0:10.0.0.1<0>`,
  `${clock(1)} [0] NCCL INFO NET/Socket : Using [0]eth0:10.0.0.1<0>`,
  `${clock(2)} [0] NCCL INFO Using network Socket`,
  `${clock(3)} [0] NCCL INFO Channel 00 : 0[0] -> 1[1] via P2P/IPC`,
  `${clock(4)} [1] NCCL INFO Channel 00 : 1[1] -> 0[0] via P2P/IPC`,
  `${clock(5)} [0] NCCL INFO comm 0x55d0 rank 0 nranks 2 cudaDev 0 busId 1000 - Init COMPLETE`,
  `${clock(6)} [1] NCCL INFO comm 0x55e0 rank 1 nranks 2 cudaDev 1 busId 2000 - Init COMPLETE`,
];

describe("a clock before a hostless NCCL record", () => {
  it("names no host, however the clock moves (across an hour too)", async () => {
    // 12:59:57 … 13:00:03: as headers, hosts "12" and "13", a pid per minute and a tid per second
    const at = (i: number) => {
      const t = 12 * 3600 + 59 * 60 + 57 + i;
      const two = (n: number) => String(n).padStart(2, "0");
      return `${two(Math.floor(t / 3600))}:${two(Math.floor(t / 60) % 60)}:${two(t % 60)}`;
    };
    await eachWrapped(WRAPS, hostless(at), (r, where) => {
      expect(r.facts.nccl.hosts, where).toEqual([]);
      expect(r.facts.nccl.nodes, where).toBeNull();
      expect(r.facts.nccl.ranks, where).toBe(2);
      expect(r.facts.nccl.net, where).toBe("Socket");
      expect(r.facts.nccl.transports["P2P/IPC"], where).toBe(2);
      expect(r.facts.nccl.initComplete, where).toBe(2);
      expect(ids(r), where).not.toContain("nccl/tp-spans-nodes");
    });
  });

  it("a single-digit hour and a date before it are a clock too", async () => {
    for (const clock of [(i: number) => `9:05:0${i}`, (i: number) => `2026-03-01 09:05:0${i}`]) {
      const r = await analyzeText(hostless(clock).join("\n") + "\n");
      expect(r.facts.nccl.hosts).toEqual([]);
      expect(r.facts.nccl.ranks).toBe(2);
    }
  });

  it("leaves real headers alone: a clock before one, a host with letters, a pid past a clock's range", async () => {
    const r = await analyzeText(hostless((i) => `12:31:4${i} gpu-07:4242:4250`).join("\n") + "\n");
    expect(r.facts.nccl.hosts).toEqual(["gpu-07"]);
    expect(r.facts.nccl.nodes).toBe(1);
    for (const [host, head] of [["n12", "n12:31:45"], ["12", "12:3104:3104"], ["12", "12:31:77"]]) {
      const x = await analyzeText(hostless(() => head).join("\n") + "\n");
      expect(x.facts.nccl.hosts, head).toEqual([host]);
    }
  });
});
