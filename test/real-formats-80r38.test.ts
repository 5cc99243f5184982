import { describe, expect, it } from "vitest";
import { analyzeText, eachWrapped } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats met in round 80r38 (multi-node NCCL_DEBUG=INFO output pasted into kubeflow, BytePS, gluon-cv, ultralytics,
 * Megatron-DeepSpeed, NeMo-Run and NVIDIA/nccl threads): NCCL 2.3's `Using internal Network Socket` and
 * `misc/ibvwrap.cu` WARN, 2.5's `via direct shared memory` beside `NET/IBext/0`, mpirun's `--timestamp-output` date
 * glued to its `[1,N]<stdout>:` tag, and a 2.4-era master pod whose only NCCL line is `NET/Socket : Using
 * [0]lo:127.0.0.1<0> [1]eth0:...` followed by the plugin loader's line. The tool read the round's facts and problems
 * at first sight; what it got wrong, unscored, was that last shape: with no version printed it took the socket line
 * for the data network. NCCL ≤2.4 set the socket transport up first, for the bootstrap (init.cc initNet: `Always
 * initialize sockets as we use it for bootstrap`, then the net plugin, then IB), so a `NET/Socket : Using` line before
 * its process's `NET/Plugin` line lists bootstrap interfaces; from 2.5 `Bootstrap : Using` does that and the socket
 * transport starts only after the plugin and IB gave up. Every log text here is written for the test.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubets", (l) => `2026-02-03T11:20:05.123456789Z ${l}`],
  ["mpi-tag", (l) => `[1,0]<stdout>:${l}`],
  ["mpi-timestamp", (l) => `Tue Jun  3 09:41:07 2025[1,0]<stdout>:${l}`],
];

const eachWrap = (lines: string[], check: (r: Report, at: string) => void) => eachWrapped(WRAPS, lines, check);
const text = (lines: string[]) => lines.join("\n") + "\n";
const netMissing = (r: Report) => r.facts.missing.find((m) => m.fact === "nccl.net");

// NCCL 2.4's start of a process: the socket transport (bootstrap) first, then the plugin loader
const v24Start = [
  "Files already downloaded and verified",
  "trainer-master-0:31:31 [0] NCCL INFO NET/Socket : Using [0]lo:127.0.0.1<0> [1]eth0:10.12.4.7<0>",
  "trainer-master-0:31:31 [0] NCCL INFO NET/Plugin : No plugin found (libnccl-net.so).",
];

describe("NCCL ≤2.4's `NET/Socket : Using` before `NET/Plugin`: bootstrap interfaces, not the data network", () => {
  it("names no network when nothing after the plugin line says which, and says why", async () => {
    await eachWrap(v24Start, (r, at) => {
      expect(r.facts.nccl.net, at).toBeNull();
      expect(netMissing(r)?.why, at).toMatch(/before the `NET\/Plugin` line: NCCL ≤2\.4 lists its bootstrap interfaces/);
      expect(r.facts.nccl.nodes, at).toBe(1);
    });
  });
  it("names it from what follows the plugin line: IB's device list, IB finding nothing, a socket connection", async () => {
    const bare = await analyzeText(text(v24Start));
    expect(bare.facts.nccl.net).toBeNull();
    const ib = await analyzeText(text([...v24Start, "trainer-master-0:31:31 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/IB ; OOB eth0:10.12.4.7<0>"]));
    expect(ib.facts.nccl.net).toBe("IB");
    expect(ib.facts.nccl.ibHcas).toEqual(["mlx5_0:1"]);
    const none = await analyzeText(text([...v24Start, "trainer-master-0:31:31 [0] NCCL INFO NET/IB : No device found."]));
    expect(none.facts.nccl.net).toBe("Socket");
    const ring = await analyzeText(text([...v24Start, "trainer-master-0:31:60 [0] NCCL INFO Ring 00 : 3 -> 4 [send] via NET/Socket/0"]));
    expect(ring.facts.nccl.net).toBe("Socket");
    expect(ring.facts.nccl.transports["NET/Socket"]).toBe(1);
  });
  it("reads the order, not the lines: a Bootstrap line first, 2.5+'s wording, or a window starting at the socket line say Socket", async () => {
    const socket = "node-a:912:912 [0] NCCL INFO NET/Socket : Using [0]eth0:10.12.4.7<0>";
    const plugin24 = "node-a:912:912 [0] NCCL INFO NET/Plugin : No plugin found (libnccl-net.so).";
    expect((await analyzeText(text([socket, plugin24]))).facts.nccl.net).toBeNull();
    // a process whose `Bootstrap : Using` line came first started the 2.5+ way: its socket line is the socket transport's
    const boot = await analyzeText(text(["node-a:912:912 [0] NCCL INFO Bootstrap : Using eth0:10.12.4.7<0>", socket, plugin24]));
    expect(boot.facts.nccl.net).toBe("Socket");
    // 2.5-2.18 word the loader's line on (`, using internal implementation`): a later communicator's does not turn it round
    const v27 = await analyzeText(text([socket, "node-a:912:912 [0] NCCL INFO NET/Plugin : No plugin found (libnccl-net.so), using internal implementation"]));
    expect(v27.facts.nccl.net).toBe("Socket");
    const cut = await analyzeText(text([socket, "node-a:912:940 [0] NCCL INFO Trees [0] -1/-1/-1->0->1"]));
    expect(cut.facts.nccl.net).toBe("Socket");
    expect(netMissing(cut)).toBeUndefined();
  });
  it("reads each process's own order: another process's plugin line says nothing of it", async () => {
    const other = "node-b:77:77 [1] NCCL INFO NET/Plugin : No plugin found (libnccl-net.so).";
    const socket = "node-a:912:912 [0] NCCL INFO NET/Socket : Using [0]eth0:10.12.4.7<0>";
    const mixed = await analyzeText(text([other, socket, other]));
    expect(mixed.facts.nccl.net).toBe("Socket");
    expect(mixed.facts.nccl.nodes).toBe(2);
    const own = await analyzeText(text([other, socket, "node-a:912:912 [0] NCCL INFO NET/Plugin : No plugin found (libnccl-net.so)."]));
    expect(own.facts.nccl.net).toBeNull();
  });
});
