import { describe, expect, it } from "vitest";
import { expectEqual } from "./helpers/hot-expect.js";
import { parseConnection, parseConnectionByGrammar, parseNcclHeader, parseNcclHeaderByGrammar, scanLegacyRecord, scanNcclRecord, transportKind } from "../grammars/nccl.js";
import { classifyWarn, isBenignWarn, normalizeNet, readNcclMessage } from "../grammars/nccl-messages.js";

/** header + message + (when it is one) connection of one line */
function read(line: string) {
  const span = scanNcclRecord(line) ?? scanLegacyRecord(line);
  if (!span) return null;
  return { span, header: parseNcclHeader(span.head), conn: parseConnection(span.msg) };
}

describe("NCCL record per era", () => {
  it("2.2: legacy `[0] INFO` and `WARN` without the NCCL token", () => {
    const info = read("gpu-a:18553:18612 [0] INFO comm 0x7fa42c00a3b0 rank 0 nranks 2")!;
    expect(info.span).toMatchObject({ level: "INFO", legacy: true, msg: "comm 0x7fa42c00a3b0 rank 0 nranks 2" });
    expect(info.header).toMatchObject({ host: "gpu-a", pid: 18553, tid: 18612, dev: 0 });
    const warn = read("gpu-a:18553:18611 [0] include/socket.h:360 WARN Call to connect failed : Connection timed out")!;
    expect(warn.span).toMatchObject({ level: "WARN", legacy: true });
    expect(warn.header).toMatchObject({ host: "gpu-a", src: "include/socket.h:360" });
    expect(readNcclMessage("Using internal Network Socket")).toEqual({ kind: "usingNetwork", net: "Socket" });
  });

  it("2.3: the untagged bare-rank net record is the receiver's, a bracketed or P2P one is not", () => {
    expect(parseConnection("Ring 00 : 3 -> 4 via NET/IB/0")).toMatchObject({ keyword: "Ring", from: 3, to: 4, fromDev: null, direction: "receive" });
    expect(parseConnection("Ring 01 : 7 -> 0 via NET/Socket/1")).toMatchObject({ direction: "receive", via: "NET/Socket/1" });
    expect(parseConnectionByGrammar("Ring  00 :  3 -> 4 via NET/IB/0")).toMatchObject({ from: 3, to: 4, direction: "receive" });
    expect(parseConnection("Ring 00 : 3 -> 4 via P2P/common device")!.direction).toBeNull();
    expect(parseConnection("Ring 00 : 3[3] -> 4[0] via P2P/IPC")!.direction).toBeNull();
    expect(parseConnection("Channel 00 : 3[1b000] -> 4[1c000] via NET/IB/0")!.direction).toBeNull();
  });

  it("2.4: Ring lines without brackets, NET/Socket bootstrap line, per-HCA IB lines", () => {
    const r = read("node1:41449:43711 [6] NCCL INFO Ring 00 : 7 -> 8 [send] via NET/AWS Libfabric/0")!;
    expect(r.header).toMatchObject({ host: "node1", pid: 41449, tid: 43711, dev: 6 });
    expect(r.conn).toMatchObject({ keyword: "Ring", channel: 0, from: 7, to: 8, fromDev: null, direction: "send", via: "NET/AWS Libfabric/0" });
    expect(transportKind(r.conn!.via)).toBe("NET/OFI");
    expect(readNcclMessage("NET/Socket : Using [0]ib0:192.168.11.1<0>")).toEqual({ kind: "socketUsing", ifaces: ["ib0:192.168.11.1"] });
    expect(readNcclMessage("NET/IB: [1] mlx5_1:1/IB")).toEqual({ kind: "ibHcaLegacy", hca: { dev: "mlx5_1", port: 1, link: "IB" } });
    expect(read("NCCL version 2.4.8+cuda10.0")).toBeNull();
  });

  it("2.5: Ring with hex bus ids, direct shared memory, ring order is not a connection", () => {
    const r = read("xxx:16090:16180 [0] NCCL INFO Ring 00 : 0[1b000] -> 1[1c000] via direct shared memory")!;
    expect(r.conn).toMatchObject({ from: 0, fromDev: "1b000", to: 1, toDev: "1c000", direction: null });
    expect(transportKind(r.conn!.via)).toBe("SHM");
    expect(read("xxx:16090:16180 [0] NCCL INFO Ring 00 : 7 -> 0 -> 1")!.conn).toBeNull();
    expect(read("xxx:16090:16180 [0] NCCL INFO Channel 00 :    0   1")!.conn).toBeNull();
  });

  it("2.7–2.10: Channel without conn index, socket WARN with file:line", () => {
    const r = read("nodeb:65671:65858 [5] NCCL INFO Channel 01 : 13[92000] -> 4[89000] [send] via NET/IB/0/GDRDMA")!;
    expect(r.conn).toMatchObject({ channel: 1, connIndex: null, from: 13, fromDev: "92000", to: 4, direction: "send" });
    expect(transportKind(r.conn!.via)).toBe("NET/IB/GDRDMA");
    const w = read("worker:101542:101934 [0] include/socket.h:403 NCCL WARN Connect to 10.0.0.2<45763> failed : Connection timed out")!;
    expect(w.span.level).toBe("WARN");
    expect(w.header).toMatchObject({ host: "worker", dev: 0, src: "include/socket.h:403", func: null });
    expect(classifyWarn(w.span.msg)).toBe("timeout");
  });

  it("mid-2.1x: Channel 00/0, proxy rank and /Shared, Init COMPLETE with busId", () => {
    const r = read("g148:14937:69361 [0] NCCL INFO Channel 01/1 : 0[0] -> 8[0] [send] via NET/IB/2(5)/GDRDMA/Shared")!;
    expect(r.conn).toMatchObject({ channel: 1, connIndex: 1, from: 0, to: 8, via: "NET/IB/2(5)/GDRDMA/Shared" });
    expect(transportKind(r.conn!.via)).toBe("NET/IB/GDRDMA");
    expect(readNcclMessage("comm 0x7f49f4008fb0 rank 1 nranks 2 cudaDev 0 busId 1b000 - Init COMPLETE")).toMatchObject({ kind: "init", phase: "COMPLETE", rank: 1, nranks: 2, cudaDev: 0, busId: "1b000" });
  });

  it("2.19–2.21: P2P/CUMEM/read, comm summary, vLLM-era versions, IBext plugin", () => {
    const r = read("swat1-04:2017630:2017700 [4] NCCL INFO Channel 03/0 : 13[5] -> 4[4] via P2P/CUMEM/read")!;
    expect(transportKind(r.conn!.via)).toBe("P2P/CUMEM");
    expect(readNcclMessage("comm 0x56300ffd3cf0 rank 3 nRanks 4 nNodes 1 localRanks 4 localRank 3 MNNVL 0")).toEqual({ kind: "commSummary", comm: "0x56300ffd3cf0", rank: 3, nranks: 4, nNodes: 1, localRanks: 4, localRank: 3 });
    expect(readNcclMessage("ncclCommInitRank comm 0x8ec0ac0 rank 6 nranks 16 cudaDev 6 nvmlDev 6 busId c8000 commId 0x49bbd7790311d5eb - Init COMPLETE")).toMatchObject({ kind: "init", rank: 6, nvmlDev: 6, commId: "0x49bbd7790311d5eb" });
    expect(transportKind("NET/IBext_v8/2")).toBe("NET/IB");
    expect(transportKind("NET/IBext/4/GDRDMA")).toBe("NET/IB/GDRDMA");
    expect(normalizeNet("IBext_v8")).toBe("IB");
  });

  it("2.22+: plugin lines, IB RoCE list with relaxed ordering and OOB", () => {
    expect(readNcclMessage("NET/Plugin: Could not find: libnccl-net.so. Using internal network plugin.").kind).toBe("plugin");
    expect(readNcclMessage("NET/IB : Using [0]mlx5_0:1/RoCE [1]mlx5_1:1/RoCE [RO]; OOB eth0:22.8.12.250<0>")).toEqual({
      kind: "ibUsing", hcas: [{ dev: "mlx5_0", port: 1, link: "RoCE" }, { dev: "mlx5_1", port: 1, link: "RoCE" }], oob: "eth0:22.8.12.250<0>",
    });
    expect(readNcclMessage("NET/IB : Using [0]mlx5_2:1/IB/SHARP [RO]; OOB bond0:X.X.X.X<0>")).toMatchObject({ hcas: [{ dev: "mlx5_2", port: 1, link: "IB/SHARP" }] });
    expect(readNcclMessage("Init timings: rank 2 nranks 16 total 1.08 (kernels 0.51, bootstrap 0.22)")).toEqual({ kind: "initTimings", rank: 2, nranks: 16 });
  });

  it("2.25/2.26: version as an INFO line, `Bootstrap:` without a space, WARN timestamp", () => {
    expect(readNcclMessage("NCCL version 2.25.1+cuda12.2")).toEqual({ kind: "version", version: "2.25.1", cuda: "12.2" });
    expect(readNcclMessage("Bootstrap: Using bond0:10.0.11.5<0>")).toEqual({ kind: "bootstrapUsing", ifaces: ["bond0:10.0.11.5"] });
    const w = read("[2026-04-22 21:34:20] node-01:189884:189884 [3] misc/shmutils.cc:129 NCCL WARN Error while creating shared memory segment /dev/shm/nccl-x (size 9637888)")!;
    expect(w.header).toMatchObject({ host: "node-01", pid: 189884, dev: 3, src: "misc/shmutils.cc:129" });
    expect(classifyWarn(w.span.msg)).toBe("shm");
  });

  it("newest (2.29/2.30): `(func)` before NCCL WARN, `[Rank N]` init lines, comm suffix on connections", () => {
    const w = read("node-0:299595:299595 [5] transport/net_ib.cc:1234 (ncclIbConnect) NCCL WARN NET/IB : Got completion from peer 10.0.0.2<44206> with status=12")!;
    expect(w.header).toMatchObject({ host: "node-0", dev: 5, src: "transport/net_ib.cc:1234", func: "ncclIbConnect" });
    expect(classifyWarn(w.span.msg)).toBe("ib");
    expect(readNcclMessage("[Rank 5] ncclCommInitRankConfig comm 0x55d1632f46d0 rank 5 nranks 8 cudaDev 5 nvmlDev 5 busId 97000 commId 0x673b - Init START")).toMatchObject({ kind: "init", phase: "START", rank: 5, nranks: 8 });
    const c = parseConnection("Channel 00/0 : 0[0] -> 1[1] via P2P/IPC comm 0x9bbf3b0 nRanks 32")!;
    expect(c).toMatchObject({ via: "P2P/IPC", comm: "0x9bbf3b0" });
    expect(readNcclMessage("transport/net.cc:1298 (ncclProxy) -> 6 [Progress Thread]")).toEqual({ kind: "errorReturn", src: "transport/net.cc:1298", code: 6, thread: "Progress Thread" });
  });
});

describe("a connection line read by one regex", () => {
  it("is what the grammar reads, for every shape built from the parts of every era's lines and their cut or odd forms", () => {
    // (each part's first two are its usual forms, taken three times in four)
    const pick = <T>(xs: readonly T[], r: number) => xs[(r & 3) !== 0 ? (r >> 2) % 2 : (r >> 2) % xs.length];
    const parts = {
      kw: ["Channel", "Ring", "Coll", "CollNet", "Chan", "channel"],
      ch: ["00", "7", "31", "", "0a"],
      conn: ["", "/0", "/1", "/", "/x"],
      colon: [" : ", " : ", ":", "  :  ", " :", ": ", " ; "],
      rank: ["0", "12", "", "1023", "-1"],
      dev: ["", "[0]", "[1b000]", "[", "[x]", "[send]", "[]", "[7] "],
      arrow: [" -> ", " -> ", "->", " - ", "", "  ->  ", " => "],
      dir: ["", " [send]", " [receive]", " [sendx]", "[send]", " [send] [receive]", "  [receive]"],
      via: [" via P2P/IPC", " via NET/IB/0/GDRDMA", " via SHM/direct/direct", " via  SHM/direct/direct", " via", " via\tP2P/IPC/read", "via P2P", " via P2P/IPC comm 0x9bbf3b0 nRanks 32", " via direct shared memory", " via NET/Socket/0 ", " via P2P/CUMEM/read", " via NET/IB/3(12)/GDRDMA/Shared", " vi", " via NET/IB/0\r", " via P2P/IPC\nx"],
    };
    let x = 12345;
    const next = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 8);
    let regexRead = 0;
    for (let n = 0; n < 20_000; n++) {
      const msg = pick(parts.kw, next()) + " " + pick(parts.ch, next()) + pick(parts.conn, next()) + pick(parts.colon, next()) + pick(parts.rank, next()) + pick(parts.dev, next()) +
        pick(parts.arrow, next()) + pick(parts.rank, next()) + pick(parts.dev, next()) + pick(parts.dir, next()) + pick(parts.via, next());
      const want = parseConnectionByGrammar(msg);
      expectEqual(parseConnection(msg), want, () => JSON.stringify(msg));
      if (want && /^(?:Channel|Ring) \d+(?:\/\d+)? : \d/.test(msg)) regexRead++;
    }
    // (enough of them of the usual shape that the regex read them)
    expect(regexRead).toBeGreaterThan(2000);
  });
});

describe("a header read by one regex", () => {
  it("is what the grammar reads, for every shape built from the parts of every era's headers and their odd forms", () => {
    const pick = <T>(xs: readonly T[], r: number) => xs[(r & 3) !== 0 ? (r >> 2) % 2 : (r >> 2) % xs.length];
    const parts = {
      lead: ["", "", " ", "12:31:45 ", "[1,0]<stdout>:", "`"],
      host: ["gpu-node-a", "ip-10-0-1-23.ec2.internal", "a", "12", "10.0.0.1", "h100_7", "0abc", "-x", ".node", "x/y", "a:b", "node]", ""],
      pid: [":41000", ":7", ":31", ":<pid>", ":XXXX", "", ":0x1f", ":[PID]"],
      tid: [":41140", ":41000", ":45", "", ":<tid>", ":12a"],
      dev: [" [0]", " [7]", " [15]", "[0]", " [x]", " [ 0]", "", "  [0]"],
      ms: ["", " 9298.372858", " 12.5", " 12.", " .5", " 9298", "  1.0"],
      src: ["", " sendProxy:381", " transport/net_ib.cc:1295", " /home/u/rccl/src/init.cc:125", " _f:0", " net.cc:", " 1a:2", " a:b:3", " f:1 (ncclCommInitRank)", " (func)"],
      tail: ["", "", " ", "\t", "]"],
    };
    let x = 424242;
    const next = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 8);
    let regexRead = 0;
    for (let n = 0; n < 20_000; n++) {
      const head = pick(parts.lead, next()) + pick(parts.host, next()) + pick(parts.pid, next()) + pick(parts.tid, next()) + pick(parts.dev, next()) + pick(parts.ms, next()) + pick(parts.src, next()) + pick(parts.tail, next());
      const want = parseNcclHeaderByGrammar(head);
      expectEqual(parseNcclHeader(head), want, () => JSON.stringify(head));
      if (want && /^[A-Za-z0-9][\w.-]*:\d+:\d+ \[\d+\]( \d+\.\d+)?( \/?[A-Za-z_][\w./-]*:\d+)?$/.test(head) && /[A-Za-z]/.test(head.slice(0, head.indexOf(":")))) regexRead++;
    }
    // a clock where the host would stand (a logger's time before a record with no host) is no host
    for (const head of ["12:31:45 [0]", "1:02:03 [7] 12.5 sendProxy:3", "23:59:59 [3] net.cc:12", "12:31:45x [0]", "99:31:45 [0]"]) expectEqual(parseNcclHeader(head), parseNcclHeaderByGrammar(head), () => head);
    // (enough of the usual layout that the regex read them, TRACE and WARN headers among them)
    expect(regexRead).toBeGreaterThan(3000);
    expect(parseNcclHeader("gpu-node-a:41000:41140 [0] 9298.372858 sendProxy:381")).toEqual({ host: "gpu-node-a", pid: 41000, tid: 41140, dev: 0, ms: 9298.372858, src: "sendProxy:381", func: null });
  });
});

describe("NCCL record traps", () => {
  it("a record cut inside its level token is not a record", () => {
    expect(scanNcclRecord("host:1:2 [0] NCCL INF")).toBeNull();
    expect(scanNcclRecord("host:1:2 [0] NCCL INFO Connected all rings")!.msg).toBe("Connected all rings");
  });

  it("the [dev] bracket is the CUDA device, and anonymized pid/tid keep the host", () => {
    expect(parseNcclHeader("pod-id:num:num [3]")).toMatchObject({ host: "pod-id", pid: null, tid: null, dev: 3 });
    expect(parseNcclHeader("[1] misc/shmutils.cc:103")).toMatchObject({ host: null, dev: 1, src: "misc/shmutils.cc:103" });
  });

  it("a CloudWatch timestamp glued to the host does not become part of it", () => {
    expect(parseNcclHeader("2025-05-16T16:39:51.208-07:00ip-10-36-1-2:123:456 [0]")).toMatchObject({ host: "ip-10-36-1-2", pid: 123, tid: 456 });
  });

  it("cut transports are not counted; complete kind tokens are", () => {
    expect(transportKind("P2P/CUME")).toBeNull();
    expect(transportKind("P2P")).toBeNull();
    expect(transportKind("NET/IBext_v8/")).toBeNull();
    expect(transportKind("P2P/direct p")).toBe("P2P/direct");
    expect(transportKind("SHM/direct/direct")).toBe("SHM");
    expect(transportKind("NET/Socket/3")).toBe("NET/Socket");
  });

  it("benign WARNs are told apart", () => {
    expect(isBenignWarn("Failed to open libibverbs.so[.1]")).toBe(true);
    expect(isBenignWarn("CollNet is not supported with this configuration, ignoring NCCL_ALGO=COLLNET")).toBe(true);
    expect(isBenignWarn("Could not find real path of rxe0 (/sys/class/net/rxe0/device)")).toBe(true);
    expect(isBenignWarn("Cuda failure 'invalid argument'")).toBe(false);
    expect(classifyWarn("Duplicate GPU detected : rank 2 and rank 0 both on CUDA device 1000")).toBe("duplicate-gpu");
  });

  it("env echoes with and without the trailing period", () => {
    expect(readNcclMessage("NCCL_IB_DISABLE set by environment to 1.")).toEqual({ kind: "env", name: "NCCL_IB_DISABLE", value: "1" });
    expect(readNcclMessage("NCCL_SOCKET_IFNAME set by environment to bond0")).toEqual({ kind: "env", name: "NCCL_SOCKET_IFNAME", value: "bond0" });
    expect(readNcclMessage("NCCL_IB_HCA set to mlx5_4:1,mlx5_7:1")).toEqual({ kind: "env", name: "NCCL_IB_HCA", value: "mlx5_4:1,mlx5_7:1" });
  });

  it("collective lines are read for the fast path", () => {
    expect(readNcclMessage("AllReduce: opCount 1a sendbuff 0x7f3a80000000 recvbuff 0x7f3a80000000 count 1048576 datatype 7 op 0 root 0 comm 0x55d0c9a1b2c0 [nranks=16] stream 0x55d0c9a1c000")).toEqual({
      kind: "collective", op: "AllReduce", opCount: "1a", comm: "0x55d0c9a1b2c0", nranks: 16,
    });
  });
});
