import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * A random sample of NCCL_DEBUG output in issues of 2021-2024 (round 41n): what the tool read wrong. Every log text
 * here is written for the test, in the printed shape of NCCL's own lines, and the facts are exact.
 */

type Iface = { role: string; index: number; name: string; address: string; host: string | null };
const ifaces = (r: Report): Iface[] =>
  ((r.facts.nccl as { interfaces?: Iface[] } | null)?.interfaces ?? []).map(({ role, index, name, address, host }) => ({ role, index, name, address, host }));

const wraps: ((l: string) => string)[] = [
  (l) => (l ? `2026-03-04T05:06:07.123456789Z ${l}` : l),
  (l) => `worker-2  | ${l}`,
  (l) => `(RayTrainWorker pid=4242, ip=10.9.8.7) ${l}`,
];

/** The report on `lines` under each wrapper a reader should not care about, and with CRLF line ends. */
async function throughWraps(lines: string[]): Promise<Report[]> {
  const texts = [`${lines.join("\n")}\n`, ...wraps.map((wrap) => `${lines.map(wrap).join("\n")}\n`), `${lines.join("\r\n")}\r\n`];
  return Promise.all(texts.map((t) => analyzeText(t)));
}

// bootstrap.cc / socket.cc print each interface as `[%d]%s:%s` of its name and ncclSocketToString's numeric address.
// A Linux IP alias keeps a colon in the name (`ib0:0`), so `ib0:0:10.20.30.41<0>` is the interface `ib0:0` at
// 10.20.30.41, not `ib0` at `0:10.20.30.41` (seen with NCCL 2.4.8 on a cluster whose ib0 carries a second subnet).
const aliasLines = [
  "gpu-n17:51230:51388 [0] NCCL INFO Bootstrap : Using [0]ib0:10.20.30.41<0> [1]ib0:0:10.21.30.41<0>",
  "gpu-n17:51230:51388 [0] NCCL INFO NET/Plugin : No plugin found (libnccl-net.so).",
  "gpu-n17:51230:51388 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/IB ; OOB ib0:10.20.30.41<0>",
  "NCCL version 2.4.8+cuda10.1",
  "gpu-n18:7731:7902 [0] NCCL INFO Bootstrap : Using [0]eth2:1:172.16.5.18<0>",
  "gpu-n18:7731:7902 [0] NCCL INFO NET/Socket : Using [0]eth2:1:172.16.5.18<0> [1]eth3:172.17.5.18<0>",
];

describe("interface lists whose names hold a colon (IP aliases)", () => {
  it("split each item at the colon before its address, under every wrapper", async () => {
    for (const r of await throughWraps(aliasLines)) {
      expect(ifaces(r)).toEqual([
        { role: "Bootstrap", index: 0, name: "ib0", address: "10.20.30.41", host: "gpu-n17" },
        { role: "Bootstrap", index: 1, name: "ib0:0", address: "10.21.30.41", host: "gpu-n17" },
        { role: "NET/IB OOB", index: 0, name: "ib0", address: "10.20.30.41", host: "gpu-n17" },
        { role: "Bootstrap", index: 0, name: "eth2:1", address: "172.16.5.18", host: "gpu-n18" },
        { role: "NET/Socket", index: 0, name: "eth2:1", address: "172.16.5.18", host: "gpu-n18" },
        { role: "NET/Socket", index: 1, name: "eth3", address: "172.17.5.18", host: "gpu-n18" },
      ]);
      expect(r.facts.nccl?.nodes).toBe(2);
      expect(r.facts.nccl?.version).toBe("2.4.8");
      expect(r.facts.nccl?.ibHcas).toEqual(["mlx5_0:1"]);
    }
  });

  it("keep IPv6 addresses (with a %scope) and a redacted address as before", async () => {
    const r = await analyzeText(
      [
        "box-3:900:900 [0] NCCL INFO Bootstrap : Using [0]enp5s0:192.168.40.3<0> [1]veth9c1d:fe80::a8c1:2ff:fe33:4d5e%veth9c1d<0>",
        "box-3:900:900 [0] NCCL INFO NET/Socket : Using [0]bond0:X.X.X.X<0>",
        "",
      ].join("\n"),
    );
    expect(ifaces(r)).toEqual([
      { role: "Bootstrap", index: 0, name: "enp5s0", address: "192.168.40.3", host: "box-3" },
      { role: "Bootstrap", index: 1, name: "veth9c1d", address: "fe80::a8c1:2ff:fe33:4d5e%veth9c1d", host: "box-3" },
      { role: "NET/Socket", index: 0, name: "bond0", address: "X.X.X.X", host: "box-3" },
    ]);
  });
});

// srun --label puts the task number and `: ` before every line of a task's output, NCCL's and PyTorch's alike.
const srunLines = [
  "0: node-a-1:61200:61377 [3] bootstrap.cc:77 NCCL WARN Message truncated : received 128 bytes instead of 4",
  "0: node-a-1:61200:61377 [3] NCCL INFO bootstrap.cc:554 -> 3",
  "0: node-a-1:61200:61377 [3] NCCL INFO group.cc:64 -> 3 [Async thread]",
  "2: [rank17]:[W ProcessGroupNCCL.cpp:2302] Warning: TORCH_NCCL_AVOID_RECORD_STREAMS=1 has no effect for point-to-point collectives. (function operator())",
  "2: [rank19]:[W ProcessGroupNCCL.cpp:2302] Warning: TORCH_NCCL_AVOID_RECORD_STREAMS=1 has no effect for point-to-point collectives. (function operator())",
];

describe("srun --label task prefixes", () => {
  it("read the NCCL record behind `N: ` and count PyTorch ranks, not srun task numbers", async () => {
    for (const r of await throughWraps(srunLines)) {
      expect(r.facts.nccl?.hosts).toEqual(["node-a-1"]);
      expect(r.facts.nccl?.nodes).toBe(1);
      expect(r.facts.nccl?.ranks).toBe(2);
      expect(r.facts.nccl?.firstWarn?.line).toBe(1);
      expect(r.facts.firstError?.line).toBe(1);
      expect(ids(r, "error")).toContain("nccl/internal-error");
    }
  });
});

// A paste rendered as HTML and copied back keeps the entities: the connection arrow `->` reads `-&gt;`, a port `<0>`
// reads `&lt;0&gt;`.
const htmlLines = [
  "node-q:7301:7388 [0] NCCL INFO Bootstrap : Using enp3s0:10.4.4.21&lt;0&gt;",
  "node-q:7301:7388 [0] NCCL INFO Channel 03 : 0[4f000] -&gt; 1[52000] via P2P/IPC/read",
  "node-q:7302:7389 [1] NCCL INFO Channel 03 : 1[52000] -&gt; 0[4f000] via P2P/IPC/read",
  "node-q:7302:7389 [1] NCCL INFO Channel 04 : 1[52000] -&gt; 0[4f000] via SHM/direct/direct",
];

describe("HTML-escaped pastes", () => {
  it("read `-&gt;` connection lines and `&lt;port&gt;` addresses as NCCL printed them, under every wrapper", async () => {
    for (const r of await throughWraps(htmlLines)) {
      expect(r.facts.nccl?.ranks).toBe(2);
      expect(r.facts.nccl?.transports).toMatchObject({ "P2P/IPC": 2, SHM: 1, "NET/IB": 0 });
      expect(ifaces(r)).toEqual([{ role: "Bootstrap", index: 0, name: "enp3s0", address: "10.4.4.21", host: "node-q" }]);
    }
  });

  it("leave an entity alone on a line without the escaped arrow or port", async () => {
    const r = await analyzeText("node-q:7301:7388 [0] NCCL INFO Channel 03 : 0[4f000] -> 1[52000] via P2P/IPC/read &amp; more\n");
    expect(r.facts.nccl?.transports?.["P2P/IPC"]).toBe(1);
  });
});

// tqdm writes no newline until its bar ends, so an NCCL record printed meanwhile is glued to the bar's `rate]` field.
describe("a record glued to a progress bar", () => {
  it("takes the host after the bar's `s/it]`, not the bar's tail", async () => {
    const bar = "      0/40     2.10G    0.1302   0.05511        22       640:   1%|          | 6/512 [00:12<20:41,  2.45s/it]";
    const text = [
      `${bar}gpu-w3:2240:2240 [0] NCCL INFO Broadcast: opCount 9 sendbuff 0x7f10 recvbuff 0x7f10 count 41 datatype 7 op 0 root 0 comm 0x7f20 [nranks=2] stream 0x5530`,
      "gpu-w3:2240:2240 [0] NCCL INFO Broadcast: opCount a sendbuff 0x7f30 recvbuff 0x7f30 count 83 datatype 4 op 0 root 0 comm 0x7f20 [nranks=2] stream 0x5530",
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.nccl?.hosts).toEqual(["gpu-w3"]);
    expect(r.facts.nccl?.nodes).toBe(1);
  });
});
