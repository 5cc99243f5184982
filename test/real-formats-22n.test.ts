import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import { variants } from "./helpers/variants.js";

/**
 * Formats found in a twenty-second round of real NCCL logs (multi-node bring-up notes committed to repositories, issue
 * threads of NCCL, RCCL, nccl-tests and the frameworks around them). Every log text here is written for the test, in
 * the format's shape, with variants the logs did not show (other launcher prefixes, kubectl stamps, colour, CRLF).
 */

describe("a version line cut inside its `+cudaX.Y` suffix still names the release", () => {
  // init.cc prints `NCCL version %s+cuda%d.%d` (2.25+ as an INFO record, before as a bare line); a paste or a Ray
  // dedup can cut it anywhere in the suffix
  const host = "gb200-rack2-03";
  const lines = (tail: string) => [
    `(W pid=811) ${host}:811:1022 [0] NCCL INFO cudaDriverVersion 13000`,
    `(W pid=811) ${host}:811:1022 [0] NCCL INFO NCCL version 2.27.5${tail}`,
  ];

  it("reads 2.27.5 from every cut of the suffix, behind Ray's actor prefix, with stamps, colour or CRLF", async () => {
    for (const tail of ["+cuda12.9", "+cuda12", "+cuda12.", "+cud", "+", ""]) {
      for (const text of variants(lines(tail))) {
        const r = await analyzeText(text + "\n");
        expect(r.facts.nccl.version, `${JSON.stringify(tail)} ${JSON.stringify(text.slice(0, 40))}`).toBe("2.27.5");
      }
    }
  });

  it("the bare banner of older releases, cut the same way, behind srun's label", async () => {
    const r = await analyzeText(["0: node-a:3112:3112 [0] NCCL INFO Bootstrap : Using ib0:10.1.0.5<0>", "0: NCCL version 2.18.5+cuda1", ""].join("\n"));
    expect(r.facts.nccl.version).toBe("2.18.5");
  });

  it("a suffix that goes on with other text is no cut: the line is not read as a version", async () => {
    const r = await analyzeText(["node-a:3112:3112 [0] NCCL INFO NCCL version 2.27.5+cudaXYZ built here", ""].join("\n"));
    expect(r.facts.nccl.version).toBeNull();
  });
});

describe("`Using network X` with the author's note after it", () => {
  // net.cc prints `Using network %s` with the plugin's name, which may hold a space (`AWS Libfabric`); people pasting
  // a log add their own note after it (`# Ethernet`, `<- EFA`, `// RoCE`)
  const at = (msg: string) => `[7] NCCL INFO ${msg}`;

  it("reads the network name without the note, and keeps a name with a space", async () => {
    const cases: [string, string][] = [
      ["Using network Socket # Ethernet only", "Socket"],
      ["Using network Socket   # 이더넷", "Socket"],
      ["Using network IB <- RoCE here", "IB"],
      ["Using network AWS Libfabric // EFA", "OFI"],
      ["Using network AWS Libfabric", "OFI"],
    ];
    for (const [msg, net] of cases) {
      for (const text of variants([at("NCCL_SOCKET_IFNAME set by environment to eth0"), at(msg)])) {
        const r = await analyzeText(text + "\n");
        expect(r.facts.nccl.net, `${msg} ${JSON.stringify(text.slice(0, 30))}`).toBe(net);
      }
    }
  });
});

describe("RCCL's AMD SMI advice WARN is no failure", () => {
  // rccl src/misc/amdsmi_wrap.cc: without RCCL_USE_AMD_SMI_LIB, a HIP_FABRIC_API build WARNs, starts its internal rsmi
  // and returns ncclSuccess; the 2.26+ timestamp prefix comes before the record
  const host = "mi300-node-4";
  const advice = (dev: number) =>
    `[2026-10-01 08:12:44] ${host}:9120:9301 [${dev}] /opt/rocm/share/rccl/build/hipify/src/misc/amdsmi_wrap.cc:214 NCCL WARN RCCL_USE_AMD_SMI_LIB not set, but HIP_FABRIC_API is defined. Fabric support is only available through AMD SMI. Rerun with RCCL_USE_AMD_SMI_LIB=1 to enable AMD SMI and UALoE fabric support.`;
  const healthy = [
    `${host}:9120:9301 [0] NCCL INFO NET/IB : No device found.`,
    `${host}:9120:9301 [0] NCCL INFO Using network Socket`,
    advice(0),
    `${host}:9120:9301 [0] NCCL INFO initialized internal alternative rsmi functionality`,
    `${host}:9120:9301 [0] NCCL INFO [Rank 0] ncclCommInitAll_impl comm 0x55aa10 rank 0 nranks 2 cudaDev 0 nvmlDev 0 busId b000 commId 0x1b36 - Init START`,
    advice(1),
  ];

  it("leaves firstError empty and raises no error, whatever wraps the lines", async () => {
    for (const text of variants(healthy, { compose: true })) {
      const r = await analyzeText(text + "\n");
      expect(r.facts.firstError, JSON.stringify(text.slice(0, 40))).toBeNull();
      expect(ids(r, "error")).toEqual([]);
      expect(r.facts.nccl.firstWarn?.line).toBe(3);
    }
  });

  it("a real failure after it is still the first error", async () => {
    const r = await analyzeText([...healthy, `${host}:9120:9301 [1] /opt/rocm/share/rccl/build/hipify/src/transport/p2p.cc:256 NCCL WARN hipIpcGetMemHandle failed : invalid argument`, ""].join("\n"));
    expect(r.facts.firstError?.line).toBe(7);
  });
});

describe("a CollNet (SHARP) set-up that fails while NCCL goes on without it", () => {
  // HPC-X's collnet plugin (sharp_plugin.c) WARNs `NET/IB : SHARP coll init error: Cannot create SHARP job(-11)` when the
  // SHARP manager has no resource; transport.cc then WARNs `Cannot initialize CollNet, using point-to-point network
  // instead` and returns ncclSystemError, which init.cc answers by turning collNetSupport off and going on
  const lines = (host: string, pid: number, rank: number, end: boolean) => [
    `${host}:${pid}:${pid + 40} [0] sharp_plugin.c:365 NCCL WARN NET/IB : SHARP coll init error: Cannot create SHARP job(-11)`,
    `${host}:${pid}:${pid + 20} [0] NCCL INFO transport.cc:356 -> 2`,
    `${host}:${pid}:${pid + 20} [0] transport.cc:384 NCCL WARN Cannot initialize CollNet, using point-to-point network instead`,
    `${host}:${pid}:${pid + 20} [0] NCCL INFO transport/coll_net.cc:1358 -> 2`,
    `${host}:${pid}:${pid + 20} [0] NCCL INFO 3 coll channels, 3 collnet channels, 0 nvls channels, 4 p2p channels, 1 p2p channels per peer`,
    ...(end ? [`${host}:${pid}:${pid + 20} [0] NCCL INFO ncclCommInitRank comm 0x5468150 rank ${rank} nranks 4 cudaDev 0 nvmlDev 0 busId 7000 commId 0x70fb - Init COMPLETE`] : []),
  ];

  it("is recovered: the SHARP WARN stays the first error, and no rule calls it an InfiniBand failure", async () => {
    const log = [...lines("gpu11", 3100, 0, true), ...lines("gpu12", 5200, 2, true)];
    for (const text of variants(log)) {
      const r = await analyzeText(text + "\n");
      expect(r.facts.firstError?.line, JSON.stringify(text.slice(0, 40))).toBe(1);
      expect(ids(r, "error")).toEqual([]);
      // (the returns are the CollNet set-up's failure travelling up: recovered as it, round 75nr)
      expect(new Set((r.facts.recovered ?? []).map((x) => x.kind))).toEqual(new Set(["collnet"]));
    }
  });

  it("without Init COMPLETE, NCCL's own fallback WARN is the line that shows it went on (round 75nr: every version goes on)", async () => {
    const r = await analyzeText(lines("gpu11", 3100, 0, false).join("\n") + "\n");
    expect(r.facts.firstError?.line).toBe(1);
    expect(ids(r, "error")).toEqual([]);
    expect(ids(r)).toContain("nccl/sharp-failure");
    expect((r.facts.recovered ?? []).find((x) => x.failure.line === 2)?.by.line).toBe(1);
  });
});

describe("a connection tail whose head another Ray worker's output took: its sending rank behind ` : ` counts", () => {
  // Ray forwards each worker's output in chunks, so a record can lose its head to another line: `(RayWorkerWrapper
  // pid=630, ip=10.0.1.7)  : 4[4] -> 0[0] via P2P/IPC/read`. Behind ` : ` the sending rank is whole; a tail that starts
  // with digits (`4[4] -> 0[0] via ..`) may hold the end of a longer number (`14[4]`), so only its receiver counts
  const head = "pod-a-0:5969:23440 [0] NCCL INFO";
  const log = (tail: string) => [
    `${head} comm 0x7ec4 rank 0 nRanks 8 nNodes 2 localRanks 4 localRank 0 MNNVL 0`,
    `${head} Channel 00/0 : 1[0] -> 0[0] [receive] via NET/IB/0/GDRDMA`,
    `(RayWorkerWrapper pid=630, ip=10.0.1.7) ${tail}`,
  ];

  it("reads the ranks of both ends behind the colon, and counts the connection once", async () => {
    for (const text of variants(log(" : 4[4] -> 6[6] via P2P/IPC/read"))) {
      const r = await analyzeText(text + "\n");
      expect(r.facts.nccl.ranks, JSON.stringify(text.slice(0, 30))).toBe(4);
      expect(r.facts.nccl.transports).toMatchObject({ "P2P/IPC": 1, "NET/IB/GDRDMA": 1 });
    }
  });

  it("a tail that starts with the sending rank's digits gives only the receiver", async () => {
    const r = await analyzeText(log("4[4] -> 6[6] via P2P/IPC/read").join("\n") + "\n");
    expect(r.facts.nccl.ranks).toBe(3);
    expect(r.facts.nccl.transports).toMatchObject({ "P2P/IPC": 1 });
  });
});

describe("a failed socket connection to an IPv6 link-local peer behind Azure's accelerated-networking VF", () => {
  // misc/socket.cc `socketStartConnect: Connect to fe80::...%enP7906s1<port> failed`: NCCL's interface search keeps
  // link-local IPv6 addresses, so an interface whose only address is link-local can be chosen. bootstrap-failure
  // already names the link-local peer as the cause (test/verdict); the enP<n>s<n> VF gets the Azure hint
  const tag = "(head, rank=0, pid=5634) [vm-0:3]:";
  const log = (peer: string) => [
    `${tag}vm-0:11172:11249 [3] NCCL INFO transport/net.cc:687 -> 2`,
    `${tag}`,
    `${tag}vm-0:11172:11249 [3] misc/socket.cc:484 NCCL WARN socketStartConnect: Connect to ${peer}<51577> failed : Software caused connection abort`,
    `${tag}vm-0:11172:11249 [3] NCCL INFO misc/socket.cc:567 -> 2`,
  ];
  const root = (r: Awaited<ReturnType<typeof analyzeText>>) => r.findings.find((x) => x.ruleId === "nccl/bootstrap-failure")!;

  it("names the link-local peer and, for an enP VF, eth0, behind Ray's and torchrun's tags, stamps, colour or CRLF", async () => {
    for (const text of variants(log("fe80::20d:3aff:fef7:74b3%enP7906s1"))) {
      const r = await analyzeText(text + "\n");
      const f = root(r);
      expect(f.message, JSON.stringify(text.slice(0, 30))).toContain("fe80::20d:3aff:fef7:74b3 is an IPv6 link-local address");
      expect(f.remediation[0]).toContain("enP7906s1 looks like the VF Azure's accelerated networking pairs with eth0");
      expect(ids(r)).toContain("nccl/system-error");
    }
  });

  it("a link-local peer on another interface gets no Azure hint", async () => {
    const f = root(await analyzeText(log("fe80::966d:ae03:8b:df54%ib0").join("\n") + "\n"));
    expect(f.message).toContain("IPv6 link-local");
    expect(f.remediation.join(" ")).not.toContain("Azure");
  });

  it("a routable peer gets neither", async () => {
    const f = root(await analyzeText(log("10.60.0.4").join("\n") + "\n"));
    expect(f.message).not.toContain("link-local");
    expect(f.remediation.join(" ")).not.toContain("Azure");
  });
});

describe("aws-ofi-nccl's `Could not find ncclGetVersion symbol` WARN is advice, not a failure", () => {
  // configure_nvls_option looks up ncclGetVersion to decide on NVLS for NCCL < 2.18.5; without it the plugin warns and
  // goes on (newer releases print it as TRACE)
  const warn = "algo-1:46:58 [0] configure_nvls_option:287 NCCL WARN NET/OFI Could not find ncclGetVersion symbol";

  it("raises no error and leaves firstError empty, in a SageMaker-style print-out with stamps, colour or CRLF", async () => {
    for (const text of variants(["Let's use 4 GPUs!", "NCCL version 2.17.1+cuda11.8", warn, "Outside: input size torch.Size([30, 5]) output_size torch.Size([30, 2])"])) {
      const r = await analyzeText(text + "\n");
      expect(r.facts.firstError, JSON.stringify(text.slice(0, 30))).toBeNull();
      expect(r.findings.filter((f) => f.severity === "error").map((f) => f.ruleId)).toEqual([]);
      expect(r.facts.nccl.firstWarn?.line).toBe(3);
    }
  });

  it("the plugin's real failures next to it still count", async () => {
    const r = await analyzeText([warn, "algo-1:46:58 [0] nccl_net_ofi_init:1244 NCCL WARN NET/OFI aws-ofi-nccl initialization failed", ""].join("\n"));
    expect(r.facts.firstError?.line).toBe(2);
  });
});
