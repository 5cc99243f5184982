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
