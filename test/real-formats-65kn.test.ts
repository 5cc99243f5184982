import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * Formats found in a sixty-fifth round of real logs (theme "kn": NCCL in Kubernetes and cloud training jobs:
 * PyTorchJob / MPIJob pods, GKE with the GPUDirect-TCPX plugin, SageMaker and EKS with aws-ofi-nccl):
 *  - a launcher's process index glued to the NCCL prefix, with no space (`[15]pod-name:pid:tid [dev] ...`);
 *  - a receive or send that times out on a socket already connected, which is a peer gone silent, no connect failure;
 *  - proxy.cc's `Proxy Call to rank N failed (Connect)`, which names the peer's rank;
 *  - torch elastic's `[N]:` tag before `Last error:` and before the plugin WARN text PyTorch prints under it
 *    (`NET/GPUDirectTCPX failed ...`): the text names the network.
 * Every log text here is written for the test in the printed layout.
 */

const KUBE = (l: string) => `2025-09-14T06:12:40.518220731Z ${l}`;
const text = (lines: string[], wrap: (l: string) => string = (l) => l, eol = "\n") => lines.map(wrap).join(eol) + eol;
const variants = (lines: string[]): [string, string][] => [
  ["plain", text(lines)],
  ["kubectl CRLF", text(lines, KUBE, "\r\n")],
];

describe("a launcher's index glued to the NCCL prefix", () => {
  const lines = [
    "[7]trainer-worker-3:61:1904 [0] misc/socket.cc:503 NCCL WARN Net : Call to recv from 10.244.9.31<40112> failed : Connection timed out",
    "[7]trainer-worker-3:61:1904 [0] NCCL INFO misc/socket.cc:520 -> 2",
    // the paste lost the name's head on this line: the same process (pid 61) of the same host
    "[7]3:61:1904 [0] transport/net_socket.cc:219 NCCL WARN NET/Socket : socket progress error",
    "[7]trainer-worker-3:61:1898 [0] NCCL INFO transport/net.cc:870 -> 2",
    "[7]trainer-worker-3:61:1898 [0] NCCL INFO proxy.cc:614 -> 2 [Proxy Thread]",
  ];
  it("reads the host under the index, one node, the socket network, and no rank from the index", async () => {
    for (const [at, t] of variants(lines)) {
      const r = await analyzeText(t);
      const n = r.facts.nccl!;
      expect(n.hosts, at).toEqual(["trainer-worker-3"]);
      expect(n.nodes, at).toBe(1);
      expect(n.ranks, at).toBeNull();
      expect(n.net, at).toBe("Socket");
      expect(n.firstWarn?.line, at).toBe(1);
      expect(r.facts.firstError?.line, at).toBe(1);
    }
  });
  it("near misses: an index glued to a word that is no NCCL prefix, and a spaced index, stay as they were", async () => {
    const prose = await analyzeText(text(["[2]trainer-worker-1 finished epoch 3"]));
    expect(prose.facts.nccl?.hosts ?? []).toEqual([]);
    const spaced = await analyzeText(text(["[4] pod-b-7:12:40 [1] NCCL INFO Using network Socket"]));
    expect(spaced.facts.nccl!.hosts).toEqual(["pod-b-7"]);
  });
});

describe("a receive or send that times out on a connected socket is a lost peer, not a bootstrap failure", () => {
  // the same failure as NCCL's versions print it: 2.10.3-2.15, 2.16-2.23, 2.24-2.28 (send), 2.29+
  const shapes = [
    "gpu-a:301:377 [3] misc/socket.cc:503 NCCL WARN Net : Call to recv from 10.8.4.12<55310> failed : Connection timed out",
    "gpu-a:301:377 [3] misc/socket.cc:542 NCCL WARN socketProgressOpt: Call to recv from 10.8.4.12<55310> failed : Connection timed out",
    "gpu-a:301:377 [3] misc/socket.cc:560 NCCL WARN socketProgressOpt: Call to send to 10.8.4.12<55310> failed : Connection timed out",
    "gpu-a:301:377 [3] os/linux.cc:410 NCCL WARN ncclOsSocketProgressOpt: Call to recv from 10.8.4.12<55310> failed : Connection timed out",
  ];
  for (const warn of shapes) {
    it(warn.slice(warn.indexOf("WARN") + 5, warn.indexOf(" 10.")), async () => {
      for (const [at, t] of variants([warn, "gpu-a:301:377 [3] NCCL INFO transport/net.cc:1302 -> 2"])) {
        const r = await analyzeText(t);
        const got = ids(r);
        expect(got, at).not.toContain("nccl/bootstrap-failure");
        expect(got, at).toContain("nccl/remote-process-exited");
        expect(got, at).toContain("nccl/system-error");
      }
    });
  }
  it("near miss: a connect that times out is still the bootstrap's failure", async () => {
    const r = await analyzeText(
      text([
        "gpu-a:301:377 [3] misc/socket.cc:480 NCCL WARN socketStartConnect: Connect to 10.8.4.12<55310> failed : Connection timed out",
        "gpu-a:301:377 [3] NCCL INFO bootstrap.cc:270 -> 2",
      ]),
    );
    expect(ids(r)).toContain("nccl/bootstrap-failure");
  });
});

describe("`Proxy Call to rank N failed` names the peer's rank", () => {
  const lines = [
    "job-x-worker-1:4410:4530 [2] NCCL INFO comm 0x55d1c0a3e7f0 rank 6 nranks 8 cudaDev 2 busId 61000 - Init START",
    "job-x-worker-1:4410:4530 [2] proxy.cc:808 NCCL WARN Proxy Call to rank 2 failed (Connect)",
    "job-x-worker-1:4410:4530 [2] NCCL INFO transport/net.cc:319 -> 2",
    "job-x-worker-1:4410:4530 [2] NCCL INFO group.cc:58 -> 2 [Async thread]",
  ];
  it("counts it beside the writer's own rank, and reports the system error", async () => {
    for (const [at, t] of variants(lines)) {
      const r = await analyzeText(t);
      expect(r.facts.nccl!.ranks, at).toBe(2);
      expect(r.facts.nccl!.firstWarn?.line, at).toBe(2);
      expect(ids(r), at).toContain("nccl/system-error");
    }
  });
  it("near miss: the proxy's INFO about a connection names no rank", async () => {
    const r = await analyzeText(text(["job-x-worker-1:4410:4531 [2] NCCL INFO New proxy send connection 0 from local rank 2, transport 2"]));
    expect(r.facts.nccl!.ranks).toBeNull();
  });
});

describe("a plugin's WARN text under PyTorch's `Last error:`, behind torch elastic's `[N]:` tag", () => {
  const tagged = (n: number, last: string) => [
    `[${n}]:torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/NCCLUtils.hpp:317, internal error - please report this issue to the NCCL developers, NCCL version 2.21.5`,
    `[${n}]:ncclInternalError: Internal check failed.`,
    `[${n}]:Last error:`,
    `[${n}]:${last}`,
  ];
  it("names the GPUDirect-TCPX plugin's network and the version", async () => {
    for (const [at, t] of variants(tagged(3, "NET/GPUDirectTCPX failed to register memory on nic 2"))) {
      const r = await analyzeText(t);
      expect(r.facts.nccl!.net, at).toBe("GPUDirectTCPX");
      expect(r.facts.nccl!.version, at).toBe("2.21.5");
      expect(r.facts.firstError?.line, at).toBe(1);
      expect(ids(r), at).toContain("nccl/internal-error");
    }
  });
  it("the same text without the tag, and an InfiniBand WARN under the tag", async () => {
    const plain = await analyzeText(text(tagged(0, "NET/GPUDirectTCPX failed to register memory on nic 2").map((l) => l.slice(4))));
    expect(plain.facts.nccl!.net).toBe("GPUDirectTCPX");
    const ib = await analyzeText(text(tagged(1, "NET/IB : Got completion from peer 10.1.0.4<41233> with status=12 opcode=0 len=0 vendor err 129 (Recv)")));
    expect(ib.facts.nccl!.net).toBe("IB");
  });
  it("near misses: NCCL's plugin loader names no network, and prose behind a tag stays prose", async () => {
    const loader = await analyzeText(text(["[2]:NET/Plugin: Could not find: libnccl-net.so. Using internal network plugin."]));
    expect(loader.facts.nccl?.net ?? null).toBeNull();
    const prose = await analyzeText(text(["[2]: see the NET/IB section of the docs"]));
    expect(prose.facts.nccl?.net ?? null).toBeNull();
  });
});

describe("a k9s log pane: box edges and padding around each record", () => {
  const pad = (l: string) => `│ ${l.padEnd(150)} │`;
  const lines = [
    "train-0-j8x2q:88:104 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/IB [1]mlx5_1:1/IB ; OOB eth0:10.32.1.7<0>",
    "train-0-j8x2q:88:104 [0] NCCL INFO Using network IB",
    "train-0-j8x2q:88:104 [0] NCCL INFO Channel 00 : 3[4b000] -> 5[e000] [receive] via NET/IB/0/GDRDMA",
    "train-0-j8x2q:88:104 [0] NCCL INFO Channel 00 : 5[e000] -> 3[4b000] [send] via NET/IB/0/GDRDMA",
  ];
  it("reads the HCAs, the ranks and the GDRDMA connections", async () => {
    const r = await analyzeText(text(lines, pad));
    const n = r.facts.nccl!;
    expect(n.ibHcas).toEqual(["mlx5_0:1", "mlx5_1:1"]);
    expect(n.ranks).toBe(2);
    expect(n.gdr).toBe(true);
    expect(n.transports["NET/IB/GDRDMA"]).toBe(2);
    expect(n.nodes).toBe(1);
  });
});
