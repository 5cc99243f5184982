import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import { ncclTestsRow } from "./helpers/nccl-tests-row.js";

/**
 * Shapes of round 55n's real NCCL_DEBUG=INFO and nccl-tests pastes (NVIDIA/nccl and nccl-tests issues of the NCCL
 * 2.14-2.22 era), each written for the test in the printed layout: a one-GPU nccl-tests run over loopback whose
 * redacted host name kept a trailing space, an HPC-X IBext plugin that finds no HCA and falls back to sockets listing
 * docker bridges, IBext/SHARP HCA lists beside `Init START` records, `comm … nNodes 2` records seen from one host, the
 * 2.7-2.10 `Channel 00 :` records with hex bus ids, two machines anonymized to one host name whose ranks meet over
 * NET/Socket, a proxy `Connect` failure with a system-error chain, a launcher `[0] ` before nccl-tests device lines, a
 * benign libibverbs WARN, two tracebacks interleaved character by character, and nccl-tests tables with elided rows and
 * a non-zero `#wrong`, with `[0]` tags glued inside rows, with the old `error` column and a header that lost its `#`,
 * and a footer after NCCL `Destroy COMPLETE` records. And the readings those pastes corrected: bootstrap's
 * `Message truncated : received …` under srun --label (a set-up step, not a collective), a system-error chain whose
 * first file names the transport under the proxy's `Failed to execute operation Connect`, and a peer lost by a run of
 * one rank.
 */

type Wrap = (lines: string[]) => string;
const plain: Wrap = (l) => l.join("\n") + "\n";
const crlf: Wrap = (l) => l.join("\r\n") + "\r\n";
const kubets: Wrap = (l) => l.map((x, i) => `2024-05-22T10:12:${String(10 + (i % 50)).padStart(2, "0")}.${String(200000 + i * 7919).slice(0, 6)}123Z ${x}`).join("\n") + "\n";
const compose: Wrap = (l) => l.map((x) => `trainer-1  | ${x}`).join("\n") + "\n";
// a Ray actor on the driver's node (no `ip=`): an `ip=` says the actor runs on another node than the driver, which the
// multi-node reading takes as a second node (src/facts/reconcile.ts), not the shape these one-host pastes had
const ray: Wrap = (l) => l.map((x) => `(RayTrainWorker pid=20417) ${x}`).join("\n") + "\n";
const wrappers: [string, Wrap][] = [["plain", plain], ["crlf", crlf], ["kubectl --timestamps", kubets], ["compose", compose], ["ray", ray]];

type Report = Awaited<ReturnType<typeof analyzeText>>;
const nccl = (r: Report) => r.facts.nccl;
const bench = (r: Report) => (r.facts as unknown as { bench: { ncclTests: Record<string, unknown> | null } }).bench;
const line = (lines: string[], needle: string) => lines.findIndex((l) => l.includes(needle)) + 1;
const find = (r: Report, id: string) => r.findings.find((f) => f.ruleId === id);
/**
 * Where a WARN's record starts: NCCL writes a newline before it, which a pid-keyed launcher prefix longer than 20
 * characters turns into a prefix-only line the record starts at (src/events/read-nccl.ts, test/nccl-warn-start.test.ts)
 */
const warnStart = (wrapper: string, warnLine: number) => (wrapper === "ray" ? warnLine - 1 : warnLine);

/** nccl-tests device line of the 2022+ layout (`#  Rank %2d Group %2d Pid %6d on %10s device %2d [0x%02x] %s`) */
const rankLine = (rank: number, pid: number, host: string, dev: number, bus: number, gpu: string) =>
  `#  Rank ${String(rank).padStart(2)} Group  0 Pid ${String(pid).padStart(6)} on ${host.padStart(10)} device ${String(dev).padStart(2)} [0x${bus.toString(16).padStart(2, "0")}] ${gpu}`;

describe("a one-GPU nccl-tests run over loopback whose redacted host name kept a trailing space", () => {
  const head = [
    "# nThread 1 nGpus 1 minBytes 8 maxBytes 134217728 step: 2(factor) warmup iters: 5 iters: 20 agg iters: 1 validation: 1 graph: 0",
    "#",
    "# Using devices",
    rankLine(0, 51207, "HOST", 0, 0x41, "NVIDIA RTX A5000"),
    "HOST :51207:51207 [0] NCCL INFO Bootstrap : Using lo:127.0.0.1<0>",
    "HOST :51207:51207 [0] NCCL INFO NET/Plugin: Using internal network plugin.",
    "NCCL version 2.21.5+cuda12.4",
    "HOST :51207:51219 [0] NCCL INFO NET/IB : No device found.",
    "HOST :51207:51219 [0] NCCL INFO NET/Socket : Using [0]lo:127.0.0.1<0>",
    "HOST :51207:51219 [0] NCCL INFO Using non-device net plugin version 0",
    "HOST :51207:51219 [0] NCCL INFO Using network Socket",
  ];
  const lost = [
    "",
    "HOST :51207:51218 [0] misc/socket.cc:50 NCCL WARN socketProgress: Connection closed by remote peer localhost<40112>",
    "HOST :51207:51218 [0] NCCL INFO misc/socket.cc:752 -> 6",
    // the redaction missed the space on this one record: the same host
    "HOST:51207:51218 [0] NCCL INFO misc/socket.cc:428 -> 6",
  ];
  const lines = [...head, ...lost];
  for (const [name, wrap] of wrappers) {
    it(`reads one host, one rank and the lost peer; loopback stays info (${name})`, async () => {
      const r = await analyzeText(wrap(lines));
      const n = nccl(r);
      expect([n.version, n.net, n.ranks, n.nodes, n.initComplete]).toEqual(["2.21.5", "Socket", 1, 1, 0]);
      const warn = warnStart(name, line(lines, "NCCL WARN socketProgress"));
      expect(n.firstWarn?.line).toBe(warn);
      expect(r.facts.firstError?.line).toBe(warn);
      expect(ids(r, "error")).toEqual(["nccl/remote-process-exited"]);
      // a world of one rank: the lost peer is no rank
      const rp = find(r, "nccl/remote-process-exited")!;
      expect(rp.message).toContain("The run has a single rank (nccl-tests lists one device of one thread), so the other end was no other rank");
      expect(rp.message).not.toContain("the rank or node that died first");
      const wi = find(r, "nccl/wrong-interface")!;
      expect(wi.severity).toBe("info");
      expect(wi.message).toContain("lo (127.0.0.1)");
      expect(wi.message).toContain("the connection a peer closed is not its doing");
      expect(wi.message).not.toContain("no failed connection");
    });
  }

  it("without the lost peer the loopback note says no connection failed", async () => {
    const r = await analyzeText(plain(head));
    expect(ids(r, "error")).toEqual([]);
    expect(r.facts.firstError).toBeNull();
    const wi = find(r, "nccl/wrong-interface")!;
    expect(wi.severity).toBe("info");
    expect(wi.message).toContain("The log shows a single node and no failed connection");
  });
});

describe("an IBext plugin that finds no HCA, then sockets over the host NIC and docker bridges", () => {
  const lines = [
    "root@gpu17:/workspace/nccl-tests# ./build/all_reduce_perf -b 8 -e 128M -f 2 -g 2",
    rankLine(0, 311, "gpu17", 0, 0x1b, "NVIDIA A100-SXM4-80GB"),
    rankLine(1, 311, "gpu17", 1, 0x1c, "NVIDIA A100-SXM4-80GB"),
    "gpu17:311:311 [0] NCCL INFO Bootstrap : Using ens3:10.40.2.17<0>",
    "gpu17:311:311 [0] NCCL INFO NET/Plugin: Loaded net plugin NCCL RDMA Plugin (v5)",
    "gpu17:311:311 [0] NCCL INFO NET/Plugin: Loaded coll plugin SHARP (v5)",
    "NCCL version 2.20.5+cuda12.2",
    "gpu17:311:325 [1] NCCL INFO P2P plugin IBext",
    "gpu17:311:325 [1] NCCL INFO NET/IB : No device found.",
    "gpu17:311:325 [1] NCCL INFO NET/IB : No device found.",
    // cut inside the fourth interface name, as the paste was
    "gpu17:311:325 [1] NCCL INFO NET/Socket : Using [0]ens3:10.40.2.17<0> [1]br-7f01c2d9aa10:172.18.0.1<0> [2]br-c33e",
  ];
  for (const [name, wrap] of wrappers) {
    it(`reads Socket on one node with two ranks and no error (${name})`, async () => {
      const r = await analyzeText(wrap(lines));
      const n = nccl(r);
      expect([n.version, n.net, n.ranks, n.nodes, n.ibHcas, n.gdr]).toEqual(["2.20.5", "Socket", 2, 1, null, null]);
      expect(n.firstWarn).toBeNull();
      expect(r.facts.firstError).toBeNull();
      expect(ids(r, "error")).toEqual([]);
      expect(ids(r)).not.toContain("nccl/socket-fallback");
      expect(find(r, "nccl/wrong-interface")?.severity).toBe("info");
    });
  }
});

describe("IBext HCAs with SHARP link layers beside Init START records of two hosts", () => {
  const ib = "NCCL INFO NET/IB : Using [0]mlx5_0:1/IB/SHARP [1]mlx5_3:1/IB/SHARP [2]mlx5_6:1/IB/SHARP [RO]; OOB ibs1:10.8.0.21<0>";
  const start = (host: string, pid: number, rank: number, busId: string) =>
    `${host}:${pid}:${pid + 60} [${rank % 8}] NCCL INFO ncclCommInitRank comm 0x55aa${rank}0e10 rank ${rank} nranks 16 cudaDev ${rank % 8} nvmlDev ${rank % 8} busId ${busId} commId 0x7c1e55d0a2b94f13 - Init START`;
  const lines = [
    `h100-b2:80412:80471 [6] ${ib}`,
    "h100-b2:80412:80471 [6] NCCL INFO Using network IBext",
    `h100-b2:80410:80470 [4] ${ib}`,
    "h100-b2:80410:80470 [4] NCCL INFO Using network IBext",
    start("h100-b1", 61205, 5, "ab000"),
    start("h100-b1", 61203, 3, "5d000"),
    // cut inside the last record's words
    start("h100-b1", 61202, 2, "4c000").replace(/ START$/, ""),
  ];
  for (const [name, wrap] of wrappers) {
    it(`reads the HCAs, the ranks of the START records and two hosts, with no Init COMPLETE (${name})`, async () => {
      const r = await analyzeText(wrap(lines));
      const n = nccl(r);
      expect(n.net).toBe("IB");
      expect(n.ibHcas).toEqual(["mlx5_0:1", "mlx5_3:1", "mlx5_6:1"]);
      expect([n.ranks, n.nodes, n.initComplete]).toEqual([3, 2, 0]);
      expect(ids(r, "error")).toEqual([]);
    });
  }
});

describe("comm records that print nNodes 2, seen from one host", () => {
  const trees = (me: number) => `NCCL INFO Trees [0] ${me + 1}/-1/-1->${me}->${me - 1} [1] ${me + 1}/-1/-1->${me}->${me - 1} [2] ${me + 1}/2/-1->${me}->-1 [3] -1/-1/-1->${me}->${me - 1}`;
  const lines = [
    `qgpu07:3310:3371 [2] ${trees(10)}`,
    "qgpu07:3310:3371 [2] NCCL INFO P2P Chunksize set to 131072",
    "qgpu07:3311:3373 [3] NCCL INFO comm 0x5601c3a0e0a0 rank 11 nRanks 16 nNodes 2 localRanks 8 localRank 3 MNNVL 0",
    `qgpu07:3311:3373 [3] ${trees(11)}`,
    "qgpu07:3312:3372 [4] NCCL INFO comm 0x55d1f08e2c40 rank 12 nRanks 16 nNodes 2 localRanks 8 localRank 4 MNNVL 0",
    "qgpu07:3312:3372 [4] NCCL INFO Trees [0] 13/-1/-1->12->11 [1] 13/-1/-1->12->11 [2]",
  ];
  for (const [name, wrap] of wrappers) {
    it(`takes NCCL's node count and counts only the comm ranks (${name})`, async () => {
      const n = nccl(await analyzeText(wrap(lines)));
      expect([n.nodes, n.ranks, n.net, n.initComplete]).toEqual([2, 2, null, 0]);
    });
  }
});

describe("2.7-2.10 channel records with hex bus ids between two hosts", () => {
  const ch = (host: string, pid: number, dev: number, c: number, a: number, ab: string, b: number, bb: string, via: string) =>
    `${host}:${pid}:${pid + 812} [${dev}] NCCL INFO Channel 0${c} : ${a}[${ab}] -> ${b}[${bb}]${via}`;
  const lines = [
    ch("SRV-10-3-1-77", 30120, 2, 0, 10, "6b000", 9, "56000", " via P2P/IPC/read"),
    ch("SRV-10-3-1-8", 7711, 0, 1, 7, "e7000", 0, "1f000", " [receive] via NET/IB/1/GDRDMA"),
    ch("SRV-10-3-1-77", 30121, 3, 0, 11, "71000", 10, "6b000", " via P2P/IPC/read"),
    ch("SRV-10-3-1-8", 7712, 1, 1, 1, "25000", 12, "8a000", " [send] via NET/IB/0/GDRDMA"),
    ch("SRV-10-3-1-8", 7713, 2, 0, 2, "50000", 1, "25000", " via P2P/IPC/read"),
    ch("SRV-10-3-1-8", 7714, 3, 1, 3, "55000", 2, "50000", " via P2P/IPC"),
    // cut inside the word: not a record
    "SRV-10-3-1-8:7715:8527 [4] NCCL INFO Channe",
  ];
  for (const [name, wrap] of wrappers) {
    it(`counts the kinds, the ranks and GDR, not the cut record (${name})`, async () => {
      const n = nccl(await analyzeText(wrap(lines)));
      expect(n.transports).toMatchObject({ "P2P/IPC": 4, "NET/IB/GDRDMA": 2, "NET/IB": 0, "NET/Socket": 0 });
      expect([n.net, n.gdr, n.ranks, n.nodes]).toEqual(["IB", true, 9, 2]);
    });
  }
});

describe("two machines anonymized to one host name whose ranks meet over NET/Socket", () => {
  const lines = [
    "user:40221:40290 [0] NCCL INFO Channel 01/0 : 8[27000] -> 15[ca000] via P2P/IPC/read",
    "user:77310:77362 [1] NCCL INFO Connected all rings",
    "user:77309:77360 [0] NCCL INFO Channel 00/0 : 0[27000] -> 1[2a000] via P2P/IPC/read",
    "user:77311:77364 [2] NCCL INFO Channel 00/0 : 10[51000] -> 2[51000] [receive] via NET/Socket/0",
    "user:77311:77364 [2] NCCL INFO Channel 00/0 : 2[51000] -> 10[51000] [send] via NET/Socket/0",
    "user:77316:77361 [7] NCCL INFO 2 coll channels, 0 nvls channels, 2 p2p channels, 2 p2p channels per peer",
  ];
  for (const [name, wrap] of wrappers) {
    it(`warns that inter-node traffic goes over sockets though one host name is printed (${name})`, async () => {
      const r = await analyzeText(wrap(lines));
      const n = nccl(r);
      expect(n.transports).toMatchObject({ "P2P/IPC": 2, "NET/Socket": 2 });
      expect([n.net, n.ranks, n.nodes]).toEqual(["Socket", 6, 1]);
      expect(find(r, "nccl/socket-fallback")?.severity).toBe("warning");
      expect(ids(r, "error")).toEqual([]);
    });
  }
});

describe("a proxy Connect failure with a system-error chain", () => {
  const a = "ai-worker-10-67-3-41:506794:506838 [0]";
  const lines = [
    `${a} proxy.cc:1040 NCCL WARN [Proxy Service 8] Failed to execute operation Connect from rank 8, retcode 2`,
    `${a} NCCL INFO transport/net_ib.cc:664 -> 2`,
    `${a} NCCL INFO include/net.h:26 -> 2`,
    `${a} NCCL INFO transport/net.cc:631 -> 2`,
    "",
    "ai-worker-10-67-3-40:305399:305430 [0] NCCL INFO Connected all trees",
    "ai-worker-10-67-3-40:305399:305431 [1] NCCL INFO 2 coll channels, 2 p2p channels, 2 p2p channels per peer",
  ];
  for (const [name, wrap] of wrappers) {
    it(`reports the system error from the first line; source-file names name no network (${name})`, async () => {
      const r = await analyzeText(wrap(lines));
      const n = nccl(r);
      expect([n.ranks, n.nodes, n.net]).toEqual([1, 2, null]);
      expect(r.facts.firstError?.line).toBe(1);
      expect(n.firstWarn?.line).toBe(1);
      expect(ids(r, "error")).toContain("nccl/system-error");
    });
  }
});

describe("a launcher's `[0] ` before every nccl-tests device line", () => {
  const lines = [
    ...[1, 2, 3, 4, 5, 6, 7].map((i) => `[0] ${rankLine(i, 497880 + i, "h100clust-worker-1", i, 0xa4 + 10 * i, "NVIDIA H100 80GB HBM3")}`),
    ...[8, 9, 10, 11].map((i) => `[0] ${rankLine(i, 496755 + i, "h100clust-worker-32", i - 8, 0xa4 + 10 * (i - 8), "NVIDIA H100 80GB HBM3")}`),
    // cut after `on`: the rank is visible, its host is not
    "[0] #  Rank 12 Group  0 Pid 496767 on",
  ];
  for (const [name, wrap] of wrappers) {
    it(`counts the visible ranks and the two hosts (${name})`, async () => {
      const n = nccl(await analyzeText(wrap(lines)));
      expect([n.ranks, n.nodes]).toEqual([12, 2]);
    });
  }
});

describe("a benign libibverbs WARN on a node with a public bootstrap address", () => {
  const lines = [
    "tr4:90812:90812 [0] NCCL INFO Bootstrap : Using eth0:162.30.7.12<0>",
    "tr4:90812:90812 [0] NCCL INFO NET/Plugin : No plugin found (libnccl-net.so), using internal implementation",
    "",
    "tr4:90812:90812 [0] misc/ibvwrap.cc:63 NCCL WARN Failed to open libibverbs.so[.1]",
    "tr4:90812:90812 [0] NCCL INFO NET/Socket : Using [0]eth0:162.30.7.12<0>",
    "tr4:90812:90812 [0] NCCL INFO Using network Socket",
    "NCCL version 2.10.3+cuda11.3",
    "tr4:90813:90813 [1] NCCL INFO Bootstrap : Using eth0:162.30.7.12<0>",
  ];
  for (const [name, wrap] of wrappers) {
    it(`keeps the WARN as first warning, not as an error (${name})`, async () => {
      const r = await analyzeText(wrap(lines));
      const n = nccl(r);
      expect([n.version, n.net, n.ranks, n.nodes]).toEqual(["2.10.3", "Socket", null, 1]);
      expect(n.firstWarn?.line).toBe(warnStart(name, 4));
      expect(r.facts.firstError).toBeNull();
      expect(ids(r, "error")).toEqual([]);
      expect(find(r, "security/public-address")?.severity).toBe("warning");
    });
  }
});

describe("two processes' tracebacks interleaved character by character", () => {
  const lines = [
    '  File "/workspace/train/setup.py", line 156, in _compile_dependencies',
    "        torch.distributed.barrier()torch.distributed.barrier()",
    "",
    "torch.distributedtorch.distributed.DistBackendError.: DistBackendErrorNCCL error in: /opt/pytorch/pytorch/torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1287, invalid usage, NCCL version 2.17.1",
    "ncclInvalidUsage: This usually reflects invalid usage of NCCL library.",
    "Last error:",
    "Duplicate GPU detected : rank 5 and rank 4 both on CUDA device c1000",
  ];
  for (const [name, wrap] of wrappers) {
    it(`reads the version, the two ranks and the duplicate GPU (${name})`, async () => {
      const r = await analyzeText(wrap(lines));
      const n = nccl(r);
      expect([n.version, n.ranks, n.nodes]).toEqual(["2.17.1", 2, null]);
      expect(r.facts.firstError?.line).toBe(4);
      expect(ids(r, "error")).toContain("nccl/duplicate-gpu");
    });
  }
});

describe("nccl-tests tables as pasted in issues", () => {
  const hdr = [
    "#                                                              out-of-place                       in-place          ",
    "#       size         count      type   redop    root     time   algbw   busbw #wrong     time   algbw   busbw #wrong",
    "#        (B)    (elements)                               (us)  (GB/s)  (GB/s)            (us)  (GB/s)  (GB/s)       ",
  ];
  const row = (size: number, t1: string, a1: string, b1: string, w1: number, t2: string, a2: string, b2: string, w2: number) =>
    ncclTestsRow(size, [t1, a1, b1, String(w1)], [t2, a2, b2, String(w2)]);

  for (const [name, wrap] of wrappers) {
    it(`sums a non-zero #wrong across an author's \`...\` elision and a cut row (${name})`, async () => {
      const r = await analyzeText(wrap([...hdr, row(8, "127.3", "0.00", "0.00", 0, "119.2", "0.00", "0.00", 0), "...", row(262144, "318.7", "0.82", "0.82", 0, "320.1", "0.82", "0.82", 0), row(524288, "655.0", "0.80", "0.80", 201544, "571.2", "0.92", "0.92", 199870), "     1048576"]), "t.txt");
      const t = bench(r).ncclTests!;
      expect([t.wrongTotal, t.maxBusbwGBs, t.rowsComplete, t.complete, t.avgBusbwGBs]).toEqual([401414, 0.82, 3, false, null]);
      expect(ids(r, "error")).toContain("bench/nccl-tests-wrong");
    });
  }

  it("reads rows whose launcher tag `[0]` was glued before each column group", async () => {
    const glued = (size: number, t1: string, a1: string, b1: string, t2: string, a2: string, b2: string) =>
      `[0] ${ncclTestsRow(size, [t1, a1, b1, "0"], [t2, a2, b2, "0"], { sep: "[0]" })}`;
    const lines = [
      "[0]     402.1    1.30    2.49      0[0]     388.0    1.35    2.59      0",
      glued(1048576, "1611.0", "0.65", "1.25", "2290.4", "0.46", "0.88"),
      glued(33554432, "2177.3", "15.41", "29.54", "2280.9", "14.71", "28.19"),
      glued(536870912, "193120", "2.78", "5.33", "192011", "2.80", "5.36"),
      "[0]   1073741824     2684",
    ];
    const t = bench(await analyzeText(plain(lines), "t.txt")).ncclTests!;
    expect([t.rowsComplete, t.maxBusbwGBs, t.wrongTotal, t.complete]).toEqual([3, 29.54, 0, false]);
  });

  it("reads the old `error` column whose first header line lost its `#`: no #wrong count", async () => {
    const old = (size: number, t1: string, b1: string, e1: string, t2: string, b2: string, e2: string) =>
      ncclTestsRow(size, [t1, "0.00", b1, e1], [t2, "0.00", b2, e2], { root: false });
    const lines = [
      "                                                      out-of-place                       in-place          ",
      "#       size         count      type   redop     time   algbw   busbw  error     time   algbw   busbw  error",
      "#        (B)    (elements)                       (us)  (GB/s)  (GB/s)            (us)  (GB/s)  (GB/s)       ",
      old(4, "47.12", "0.00", "0e+00", "48.90", "0.00", "3e-07"),
      old(256, "46.90", "0.01", "1e-07", "46.81", "0.01", "6e-08"),
      old(512, "46.71", "0.02", "6e-08", "46.55", "0.02", "6e-08"),
      "        1024           256",
    ];
    const r = await analyzeText(plain(lines), "t.txt");
    const t = bench(r).ncclTests!;
    expect([t.errorColumn, t.wrongTotal, t.rowsComplete, t.maxBusbwGBs]).toEqual(["error", null, 3, 0.02]);
    expect(ids(r, "error")).toEqual([]);
  });

  for (const [name, wrap] of wrappers) {
    it(`reads a footer after NCCL Destroy COMPLETE records; 0 OK is no wrong result (${name})`, async () => {
      const lines = [
        row(134217728, "5201.4", "25.80", "25.80", 0, "5190.2", "25.86", "25.86", 0),
        "gpubox:2081594:2081611 [0] NCCL INFO comm 0x55f6848de3b0 rank 0 nranks 2 cudaDev 0 busId f000 - Destroy COMPLETE",
        "gpubox:2081594:2081611 [1] NCCL INFO comm 0x55f68495f4f0 rank 1 nranks 2 cudaDev 1 busId 34000 - Destroy COMPLETE",
        "# Out of bounds values : 0 OK",
        "# Avg bus bandwidth    : 8.73115 ",
        "#",
      ];
      const r = await analyzeText(wrap(lines), "t.txt");
      const t = bench(r).ncclTests!;
      expect([t.avgBusbwGBs, t.maxBusbwGBs, t.wrongTotal, t.outOfBoundsOk, t.complete]).toEqual([8.73115, 25.8, 0, true, true]);
      expect(nccl(r).initComplete).toBe(0);
      expect(ids(r, "error")).toEqual([]);
    });
  }
});

describe("`message truncated`: bootstrap's set-up check against the socket transport's data check", () => {
  // srun --label before each line, a torchrun per node under it (the `[rankN]:` of two ranks under one task label)
  const setup = [
    "1: p4de-st-7:4827:6900 [4] bootstrap.cc:77 NCCL WARN Message truncated : received 256 bytes instead of 4",
    "1: p4de-st-7:4827:6900 [4] NCCL INFO bootstrap.cc:554 -> 3",
    "1: p4de-st-7:4827:6900 [4] NCCL INFO transport.cc:204 -> 3",
    "1: p4de-st-7:4827:6900 [4] NCCL INFO group.cc:64 -> 3 [Async thread]",
    "2: [rank18]:[W ProcessGroupNCCL.cpp:2302] Warning: 0TORCH_NCCL_AVOID_RECORD_STREAMS=1 has no effect for point-to-point collectives. (function operator())",
    "2: p4de-st-8:4871:7029 [2] NCCL INFO Channel 00/1 : 1[2] -> 0[2] [send] via NET/AWS Libfabric/1/GDRDMA/Shared",
  ];
  for (const [name, wrap] of wrappers) {
    it(`reads bootstrap's truncation as two ranks at different set-up steps, not a collective mismatch (${name})`, async () => {
      const r = await analyzeText(wrap(setup));
      const n = nccl(r);
      expect([n.net, n.gdr, n.nodes]).toEqual(["OFI", true, 2]);
      expect(n.transports).toMatchObject({ "NET/OFI": 1 });
      expect(r.facts.firstError?.line).toBe(1);
      expect(ids(r, "error")).toEqual(expect.arrayContaining(["nccl/error", "nccl/internal-error"]));
      const e = find(r, "nccl/error")!;
      expect(e.message).toContain("a set-up message from a peer was larger than the one this rank expected at that step (256 bytes arrived where 4 were expected)");
      expect(e.message).not.toContain("NCCL_PROTO");
      expect(e.remediation[0]).toMatch(/^Run one NCCL on every rank/);
    });
  }

  it("leaves the same check after PyTorch's `Last error:` to nccl/internal-error, which quotes it", async () => {
    const r = await analyzeText(plain([
      "torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1970, internal error - please report this issue to the NCCL developers, NCCL version 2.19.3",
      "ncclInternalError: Internal check failed.",
      "Last error:",
      "Message truncated : received 1024 bytes instead of 256",
    ]));
    expect(ids(r, "error")).toEqual(["nccl/internal-error"]);
    expect(find(r, "nccl/internal-error")!.message).toContain("Message truncated : received 1024 bytes instead of 256");
  });

  for (const [label, warn] of [
    ["the socket transport's present tense", "h200-10:74737:75914 [1] transport/net_socket.cc:488 NCCL WARN NET/Socket : peer 10.0.5.194<41988> message truncated : receiving 4 bytes instead of 2. If you believe your socket network is in healthy state,           there may be a mismatch in collective sizes or environment settings (e.g. NCCL_PROTO, NCCL_ALGO) between ranks"],
    ["the ≤2.3 socket transport's past tense in its own file", "hvd1:2918:3333 [0] transport/net_socket.cu:200 WARN Message truncated : received 696320 bytes instead of 32768"],
  ] as const) {
    it(`keeps the collective reading for ${label}`, async () => {
      const r = await analyzeText(plain([warn]));
      const e = find(r, "nccl/error")!;
      expect(e.message).toContain("The ranks disagree on a collective");
      expect(e.message).not.toContain("set-up message");
      expect(e.remediation[0]).toMatch(/^Make every rank issue the same collectives/);
    });
  }
});

describe("an unhandled system error whose chain names the transport, under the proxy's Connect WARN", () => {
  const proxy = "ai-worker-3:506794:506838 [0] proxy.cc:1040 NCCL WARN [Proxy Service 8] Failed to execute operation Connect from rank 8, retcode 2";
  const chain = (first: string) => [proxy, `ai-worker-3:506794:506838 [0] NCCL INFO ${first} -> 2`, "ai-worker-3:506794:506838 [0] NCCL INFO transport/net.cc:631 -> 2", "ai-worker-3:506794:506838 [0] NCCL INFO proxy.cc:914 -> 2"];
  for (const [name, wrap] of wrappers) {
    it(`names the InfiniBand transport of net_ib.cc, not a socket operation (${name})`, async () => {
      const r = await analyzeText(wrap(chain("transport/net_ib.cc:664")));
      const f = find(r, "nccl/system-error")!;
      expect(f.message).toContain("the InfiniBand transport: its queue-pair set-up, a verbs call or its out-of-band connection to the peer (transport/net_ib.cc in the error chain)");
      expect(f.message).not.toContain("socket operation");
      expect(f.remediation[0]).toMatch(/^Check the HCAs of both nodes/);
    });
  }

  it("names a socket operation when the chain starts in misc/socket.cc under the IB transport", async () => {
    const r = await analyzeText(plain([proxy, "ai-worker-3:506794:506838 [0] NCCL INFO misc/socket.cc:564 -> 2", "ai-worker-3:506794:506838 [0] NCCL INFO transport/net_ib.cc:664 -> 2"]));
    const f = find(r, "nccl/system-error")!;
    expect(f.message).toContain("a socket operation between ranks (misc/socket.cc in the error chain)");
    expect(f.remediation.join(" ")).not.toContain("Check the HCAs");
  });

  it("keeps the socket call a WARN names before any chain file", async () => {
    const r = await analyzeText(plain(["ubuntu:39964:40075 [0] misc/socket.cc:483 NCCL WARN socketStartConnect: Connect to 10.0.0.2<45763> failed : Software caused connection abort", ...chain("transport/net_ib.cc:664")]));
    expect(find(r, "nccl/system-error")!.message).toContain("a socket operation between ranks (connect to 10.0.0.2 port 45763: Software caused connection abort)");
  });

  it("stays general when the chain holds no transport's file", async () => {
    const r = await analyzeText(plain([proxy, "ai-worker-3:506794:506838 [0] NCCL INFO transport/net.cc:631 -> 2"]));
    expect(find(r, "nccl/system-error")!.message).toContain("a system call (shared memory, sockets, InfiniBand verbs or memory registration)");
  });
});

describe("a lost peer in an nccl-tests run of two ranks is another rank's doing", () => {
  it("keeps the surviving-rank reading when the device list has two ranks", async () => {
    const r = await analyzeText(plain([
      "# nThread 1 nGpus 1 minBytes 8 maxBytes 134217728 step: 2(factor) warmup iters: 5 iters: 20 agg iters: 1 validation: 1 graph: 0",
      "#",
      "# Using devices",
      rankLine(0, 398189, "nodea", 0, 0x07, "NVIDIA A100-SXM4-80GB"),
      rankLine(1, 73214, "nodeb", 0, 0x07, "NVIDIA A100-SXM4-80GB"),
      "nodea:398189:398230 [0] misc/socket.cc:50 NCCL WARN socketProgress: Connection closed by remote peer nodeb<40112>",
      "nodea:398189:398230 [0] NCCL INFO misc/socket.cc:752 -> 6",
    ]));
    const rp = find(r, "nccl/remote-process-exited")!;
    expect(rp.message).toContain("the root cause is usually on the rank or node that died first");
    expect(rp.message).not.toContain("single rank");
  });

  it("keeps it for one process driving two GPUs (`-g 2`)", async () => {
    const r = await analyzeText(plain([
      "# nThread 1 nGpus 2 minBytes 8 maxBytes 134217728 step: 2(factor) warmup iters: 5 iters: 20 agg iters: 1 validation: 1 graph: 0",
      rankLine(0, 311, "gpu17", 0, 0x1b, "NVIDIA A100-SXM4-80GB"),
      rankLine(1, 311, "gpu17", 1, 0x1c, "NVIDIA A100-SXM4-80GB"),
      "gpu17:311:330 [0] misc/socket.cc:50 NCCL WARN socketProgress: Connection closed by remote peer localhost<40112>",
    ]));
    expect(find(r, "nccl/remote-process-exited")!.message).not.toContain("single rank");
  });
});

describe("the rank print of PyTorch's elastic DDP example before NCCL's lines", () => {
  const lines = [
    "[7840] rank = 1, world_size = 2, n = 1, device_ids = [1]",
    "05-06-76-201:7840:7840 [1] NCCL INFO Bootstrap : Using ens5f0np0:10.220.178.202<0>",
    "05-06-76-201:7840:7911 [1] NCCL INFO NET/IB : No device found.",
    "05-06-76-201:7840:7911 [1] NCCL INFO NET/Socket : Using [0]ens5f0np0:10.220.178.202<0>",
    "05-06-76-201:7840:7911 [1] NCCL INFO Using network Socket",
  ];
  for (const [name, wrap] of wrappers) {
    it(`counts the printed rank (${name})`, async () => {
      const n = nccl(await analyzeText(wrap(lines)));
      expect([n.ranks, n.nodes, n.net]).toEqual([1, 1, "Socket"]);
    });
  }

  it("reads its twin and the variant with the launcher's RANK beside it", async () => {
    const n = nccl(await analyzeText(plain(["[4242] world_size = 16, rank = 9, backend=nccl", "[4243] rank = 10 (10), world_size = 16, n = 1, device_ids = [2]"])));
    expect(n.ranks).toBe(2);
  });

  it("counts no rank from prints of another shape", async () => {
    const n = nccl(await analyzeText(plain(["[7840] local rank = 3, world_size = 8", "rank = 1, world_size = 2, n = 1", "[7840] rank = 1 of the batch", "epoch 3: rank = 2"])));
    expect(n.ranks).toBeNull();
  });
});
