import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import { variants } from "./helpers/variants.js";

/**
 * Round 34n (NCCL debug output from training frameworks: Horovod under mpirun, JAX under srun, torchrun, DeepSpeed,
 * TensorFlow): shapes of real pastes the readers missed or only just read. The log texts are written for the test in
 * the printed layouts; the facts checked are exact.
 */

// each log as it is, behind kubectl --timestamps and docker compose, with CRLF, and as a Ray worker prints it (plain
// and coloured): the facts must not change
const RAY = (l: string) => `(RayTrainWorker pid=4121, ip=10.30.0.7) ${l}`;
const wrapped = (lines: string[]) => [...variants(lines, { compose: true }), ...variants(lines.map(RAY))];

// NCCL's bootstrap connecting to a peer's IPv6 link-local address (ib1 carries IPv6 only): the connect fails
const LINK_LOCAL_BOOTSTRAP = [
  "gpu-r07:30512:30640 [2] NCCL INFO misc/socket.cc:504 -> 2 (Operation now in progress)",
  "gpu-r07:30512:30640 [2] NCCL INFO misc/socket.cc:567 -> 2",
  "gpu-r07:30512:30640 [2] NCCL INFO bootstrap.cc:270 -> 2",
  "gpu-r07:30512:30640 [2] NCCL INFO init.cc:1350 -> 2",
  "gpu-r07:30512:30640 [2] NCCL INFO group.cc:65 -> 2 [Async thread]",
  "",
  "gpu-r07:30513:30641 [3] misc/socket.cc:483 NCCL WARN socketStartConnect: Connect to fe80::a0c:2bff:fe41:77d1%ib1<41022> failed : Software caused connection abort",
  "gpu-r07:30513:30641 [3] NCCL INFO misc/socket.cc:564 -> 2",
  "gpu-r07:30513:30641 [3] NCCL INFO bootstrap.cc:270 -> 2",
];

describe("a bootstrap connection to an IPv6 link-local address (round 34n 034, nccl#975)", () => {
  // (the project reads the unreachable link-local peer in nccl/bootstrap-failure, test/verdict: it is the root cause)
  for (const [i, text] of wrapped(LINK_LOCAL_BOOTSTRAP).entries())
    it(`is a bootstrap failure that names the link-local peer and keeps NCCL off IPv6 (variant ${i})`, async () => {
      const r = await analyzeText(text);
      expect(ids(r)).toEqual(expect.arrayContaining(["nccl/bootstrap-failure", "nccl/system-error"]));
      const f = r.findings.find((x) => x.ruleId === "nccl/bootstrap-failure")!;
      expect(f.message).toContain("fe80::a0c:2bff:fe41:77d1 is an IPv6 link-local address");
      expect(f.remediation[0]).toContain("NCCL_SOCKET_FAMILY=AF_INET");
      expect(r.facts.nccl.nodes).toBe(1);
      // (under a Ray prefix NCCL's newline before the WARN is a prefix-only line of the record, unless a collector's
      // stamp before it moved on by the WARN's line: test/nccl-warn-start)
      expect(r.facts.nccl.firstWarn?.line).toBe(text.includes("RayTrainWorker") && !text.includes("2026-03-04T") ? 6 : 7);
      expect(r.facts.firstError?.line).toBe(1);
    });

  it("says nothing of link-local addresses when the failed peer is an IPv4 one", async () => {
    const v4 = await analyzeText(LINK_LOCAL_BOOTSTRAP.join("\n").replace("fe80::a0c:2bff:fe41:77d1%ib1", "10.40.2.9"));
    const f = v4.findings.find((x) => x.ruleId === "nccl/bootstrap-failure")!;
    expect(f.message).toContain("10.40.2.9");
    expect(f.message).not.toContain("link-local");
  });
});

// NCCL 2.2x with NCCL_IB_MERGE_NICS: ports fused into virtual devices print as `[i]={[j] dev:port/LL, ...}`
const MERGED_NICS = [
  "edge7:812:812 [0] NCCL INFO Bootstrap : Using bond0.12:10.52.3.4<0>",
  "edge7:812:990 [0] NCCL INFO NET/IB : Using [0]={[0] mlx5_4:1/RoCE, [1] mlx5_5:1/RoCE} [1]={[2] mlx5_6:1/RoCE, [3] mlx5_7:1/RoCE} [RO]; OOB bond0.12:10.52.3.4<0>",
  "edge7:812:990 [0] NCCL INFO Using network IB",
  "edge7:812:990 [0] NCCL INFO comm 0x5581 rank 1 nRanks 2 nNodes 2 localRanks 1 localRank 0 MNNVL 0",
  "edge7:812:990 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[0] [receive] via NET/IB/1/GDRDMA",
  "edge7:812:990 [0] NCCL INFO Channel 00/0 : 1[0] -> 0[0] [send] via NET/IB/0/GDRDMA",
];

describe("merged virtual NICs in the NET/IB line (round 34n 022, nccl-tests#373)", () => {
  for (const [i, text] of wrapped(MERGED_NICS).entries())
    it(`lists every port of every fused device, in order (variant ${i})`, async () => {
      const r = await analyzeText(text);
      expect(r.facts.nccl.ibHcas).toEqual(["mlx5_4:1", "mlx5_5:1", "mlx5_6:1", "mlx5_7:1"]);
      expect(r.facts.nccl.net).toBe("IB");
      expect(r.facts.nccl.gdr).toBe(true);
      // NCCL's own nNodes wins over the one host the excerpt shows (CONTRACT: nodes)
      expect(r.facts.nccl.nodes).toBe(2);
      expect(r.facts.nccl.transports["NET/IB/GDRDMA"]).toBe(2);
    });
});

// NCCL 2.13-2.18 (misc/cudawrap.cc): dlopen of the driver library failed; NCCL goes on without the driver entry points
// (no cuMem, DMA-BUF or multicast) and its init continues, as the log's next records show
const CUDA_LIB_WARN = [
  "trainbox:7130:7130 [1] misc/cudawrap.cc:90 NCCL WARN Failed to find CUDA library in (null) (NCCL_CUDA_PATH=(null))",
  "trainbox:7130:7130 [1] NCCL INFO Bootstrap : Using eth0:172.18.0.4<0>",
  "trainbox:7130:7244 [1] NCCL INFO NET/Socket : Using [0]eth0:172.18.0.4<0>",
  "trainbox:7130:7244 [1] NCCL INFO Using network Socket",
  "trainbox:7130:7244 [1] NCCL INFO comm 0x5603 rank 1 nranks 2 cudaDev 1 busId 2000 - Init COMPLETE",
];

describe("the driver-library WARN of cudawrap.cc is advisory (round 34n 040, ColossalAI#5039)", () => {
  for (const [i, text] of wrapped(CUDA_LIB_WARN).entries())
    it(`is the first WARN, but no error and no finding (variant ${i})`, async () => {
      const r = await analyzeText(text);
      expect(r.facts.nccl.firstWarn?.text).toContain("Failed to find CUDA library in (null)");
      expect(r.facts.firstError).toBeNull();
      expect(ids(r, "error")).toEqual([]);
      expect(r.facts.nccl.initComplete).toBe(1);
    });

  it("still reads a real failure after it", async () => {
    const r = await analyzeText([...CUDA_LIB_WARN.slice(0, 2), "trainbox:7130:7244 [1] init.cc:1012 NCCL WARN Duplicate GPU detected : rank 1 and rank 0 both on CUDA device 2000"].join("\n"));
    expect(r.facts.firstError?.line).toBe(3);
    expect(ids(r)).toContain("nccl/duplicate-gpu");
  });
});

// NCCL 2.4 under Horovod/mpirun: `NET/Socket : Using` lists the socket interfaces even when the data goes over IB;
// the bootstrap takes the first one only, so a k8s overlay further down the list carries nothing
const SOCKET_LIST_24 = (net: string[]) => [
  "[1,0]<stdout>:gpu3:1407:1595 [0] NCCL INFO NET/Socket : Using [0]enp1s0f0:172.16.0.166<0> [1]enp96s0f0:10.0.26.164<0> [2]flannel.1:10.244.3.0<0>",
  "[1,0]<stdout>:gpu3:1407:1595 [0] NCCL INFO NET/Plugin : No plugin found (libnccl-net.so).",
  ...net,
  "[1,0]<stdout>:NCCL version 2.4.2+cuda10.0",
  "[1,4]<stdout>:gpu4:4105:4372 [0] NCCL INFO NET/Socket : Using [0]enp1s0f0:172.16.0.167<0> [1]enp96s0f0:10.0.28.2<0> [2]flannel.1:10.244.4.0<0>",
];

describe("a virtual interface in NCCL 2.4's socket list is used only when the data goes over sockets (round 34n 002, nccl#224)", () => {
  for (const [i, text] of wrapped(SOCKET_LIST_24(["[1,0]<stdout>:gpu3:1407:1595 [0] NCCL INFO NET/IB : Using [0]mlx5_18:1/RoCE [1]mlx5_6:1/RoCE ; OOB :"])).entries())
    it(`says nothing of flannel.1 when the network is IB (variant ${i})`, async () => {
      const r = await analyzeText(text);
      expect(r.facts.nccl.net).toBe("IB");
      expect(r.facts.nccl.nodes).toBe(2);
      expect(ids(r)).not.toContain("nccl/wrong-interface");
    });

  it("names flannel.1 when the socket transport carries the data", async () => {
    const r = await analyzeText(SOCKET_LIST_24(["[1,0]<stdout>:gpu3:1407:1595 [0] NCCL INFO NET/IB : No device found."]).join("\n"));
    expect(r.facts.nccl.net).toBe("Socket");
    const f = r.findings.find((x) => x.ruleId === "nccl/wrong-interface")!;
    expect(f.message).toContain("flannel.1 (10.244.3.0)");
  });
});
