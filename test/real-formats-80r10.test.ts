import { describe, expect, it } from "vitest";
import { eachWrapped, ids } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in round 80r10 of real logs (NCCL_DEBUG output pasted in downstream trackers: horovod, DeepSpeed,
 * LlamaFactory, accelerate, Lightning, fairseq, nccl-tests). NCCL 2.3's net record `Ring 00 : 0 -> 1 via NET/IB/0` has
 * neither devices nor a `[send]`/`[receive]` tag, and only the receiving process prints it (transport/net.cu
 * netRecvSetup logs the peer's rank, then its own). It was read as the sender's record, so every rank beside a NET hop
 * was placed on the other node: a two-node run looked like NET/IB traffic inside each host and drew a P2P warning.
 * Every log text here is written for the test in the printed layout.
 */

const WRAPS = [
  ["plain", (l: string) => l],
  ["kubectl --timestamps", (l: string) => `2026-12-07T08:10:42.330917554Z ${l}`],
  ["docker compose", (l: string) => `trainer-1  | ${l}`],
] as const;

const places = (r: Report) => Object.fromEntries((r.facts.nccl.rankMap ?? []).map((p) => [p.rank, p.host]));

describe("NCCL 2.3's untagged net record is the receiver's", () => {
  // two hosts, two ranks each; the ring 0 1 | 2 3 crosses the network at 1 -> 2 and 3 -> 0
  const lines = [
    "gpu-a:5120:5188 [0] NCCL INFO rank 0 nranks 4",
    "gpu-a:5120:5188 [0] NCCL INFO Ring 00 :    0   1   2   3",
    "gpu-a:5120:5188 [0] NCCL INFO Ring 00 : 3 -> 0 via NET/IB/0",
    "gpu-a:5120:5188 [0] NCCL INFO Ring 00 : 0[0] -> 1[1] via P2P/IPC",
    "gpu-a:5121:5190 [1] NCCL INFO Ring 00 : 1[1] -> 0[0] via P2P/IPC",
    "gpu-b:7340:7402 [0] NCCL INFO Ring 00 : 1 -> 2 via NET/IB/0",
    "gpu-b:7340:7402 [0] NCCL INFO Ring 00 : 2[0] -> 3[1] via P2P/IPC",
    "gpu-b:7341:7405 [1] NCCL INFO Ring 00 : 3[1] -> 2[0] via P2P/IPC",
  ];

  it("places each rank on the host that printed it and keeps the NET hops between the hosts", async () => {
    await eachWrapped(WRAPS, lines, (r, at) => {
      expect(places(r), at).toEqual({ 0: "gpu-a", 1: "gpu-a", 2: "gpu-b", 3: "gpu-b" });
      expect(r.facts.nccl.ranks, at).toBe(4);
      expect(r.facts.nccl.nodes, at).toBe(2);
      expect(r.facts.nccl.transports, at).toMatchObject({ "NET/IB": 2, "P2P/IPC": 4 });
      expect(r.facts.nccl.netWithinHost, at).toBe(0);
      expect(r.facts.nccl.interNode, at).toEqual({ "NET/IB": 2 });
      expect(ids(r), at).not.toContain("nccl/p2p-disabled");
      expect(ids(r), at).toContain("nccl/gdrdma-disabled");
    });
  });

  it("leaves 2.4's tagged records and the bracketed P2P/SHM records where their tags and devices put them", async () => {
    const sent = [
      "gpu-a:5120:5188 [0] NCCL INFO Ring 00 : 1 -> 2 [send] via NET/IB/0",
      "gpu-b:7340:7402 [0] NCCL INFO Ring 00 : 1 -> 2 [receive] via NET/IB/0",
      "gpu-b:7341:7405 [1] NCCL INFO Ring 00 : 3[1] -> 2[0] via direct shared memory",
    ];
    await eachWrapped(WRAPS.slice(0, 2), sent, (r, at) => {
      expect(places(r), at).toEqual({ 1: "gpu-a", 2: "gpu-b", 3: "gpu-b" });
      expect(r.facts.nccl.interNode, at).toEqual({ "NET/IB": 2 });
      expect(r.facts.nccl.netWithinHost, at).toBe(0);
    });
  });
});
