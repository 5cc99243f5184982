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

describe("a failed connection to an IPv6 link-local address is a wrong interface (round 34n 034, nccl#975)", () => {
  for (const [i, text] of wrapped(LINK_LOCAL_BOOTSTRAP).entries())
    it(`names the link-local address and the bootstrap failure (variant ${i})`, async () => {
      const r = await analyzeText(text);
      expect(ids(r)).toEqual(expect.arrayContaining(["nccl/wrong-interface", "nccl/bootstrap-failure", "nccl/system-error"]));
      const f = r.findings.find((x) => x.ruleId === "nccl/wrong-interface")!;
      expect(f.severity).toBe("warning");
      expect(f.message).toContain("IPv6 link-local address fe80::a0c:2bff:fe41:77d1%ib1");
      expect(f.evidence.map((e) => e.line)).toContain(7);
      expect(f.remediation[0]).toContain("NCCL_SOCKET_FAMILY=AF_INET");
      expect(r.facts.nccl.nodes).toBe(1);
      // (under a Ray prefix NCCL's newline before the WARN is a prefix-only line of the record: test/nccl-warn-start)
      expect(r.facts.nccl.firstWarn?.line).toBe(text.includes("RayTrainWorker") ? 6 : 7);
    });

  it("reads a bootstrap interface that holds only a link-local address, once its connections time out (no address printed)", async () => {
    const r = await analyzeText([
      "gpu-r07:30512:30512 [2] NCCL INFO Bootstrap : Using ib1:fe80::a0c:2bff:fe41:77d0%ib1<0>",
      "gpu-r07:30512:30640 [2] NCCL INFO Call to connect returned Connection timed out, retrying",
    ].join("\n"));
    const f = r.findings.find((x) => x.ruleId === "nccl/wrong-interface")!;
    expect(f.message).toContain("IPv6 link-local address fe80::a0c:2bff:fe41:77d0%ib1");
    expect(f.evidence.map((e) => e.line)).toEqual(expect.arrayContaining([1, 2]));
  });

  it("says nothing of a link-local bootstrap address whose connections work, nor of a failed IPv4 connect", async () => {
    const quiet = await analyzeText([
      "gpu-r07:30512:30512 [2] NCCL INFO Bootstrap : Using ib1:fe80::a0c:2bff:fe41:77d0%ib1<0>",
      "gpu-r07:30512:30640 [2] NCCL INFO comm 0x55d1 rank 2 nranks 4 cudaDev 2 busId 41000 - Init COMPLETE",
    ].join("\n"));
    expect(ids(quiet)).not.toContain("nccl/wrong-interface");
    const v4 = await analyzeText(LINK_LOCAL_BOOTSTRAP.join("\n").replace("fe80::a0c:2bff:fe41:77d1%ib1", "10.40.2.9"));
    expect(ids(v4)).toContain("nccl/bootstrap-failure");
    expect(ids(v4)).not.toContain("nccl/wrong-interface");
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
