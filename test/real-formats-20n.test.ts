import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import { renderText } from "../src/report/text.js";

/**
 * Formats found in a twentieth round of real NCCL logs (horovod, PyTorch, LlamaFactory, JAX/XLA, UCCL, AWS workshop
 * and scheduler docs, users' debugging notes). Every log text here is written for the test, in the format's shape,
 * with variants the logs did not show (other wrappers, IPv6, token-less INFO, CRLF, several hosts).
 */

describe("NCCL ≤2.3 interface lines, one per interface: `NET : Using interface name:address`", () => {
  // include/socket.h findInterfaces (NCCL 2.0–2.3): INFO("NET : Using interface %s:%s", name, address) for each
  // interface it keeps; the bootstrap asks for one, the socket transport for all (then `NET/Socket : N interfaces found`)
  const socketList = (pre: string, wrap: (l: string) => string, host: string, pid: number, ifs: string[]) => [
    ...ifs.map((i) => wrap(`${host}:${pid}:${pid} [0] ${pre}INFO NET : Using interface ${i}`)),
    wrap(`${host}:${pid}:${pid} [0] ${pre}INFO NET/Socket : ${ifs.length} interfaces found`),
  ];

  it("reads each line's interface, the first of a thread's run at index 0 and the rest as the socket transport's", async () => {
    for (const pre of ["NCCL ", ""]) {
      for (const wrap of [(l: string) => l, (l: string) => `[1,0]<stdout>:${l}`]) {
        for (const eol of ["\n", "\r\n"]) {
          const text = [
            wrap(`hostA:41:41 [0] ${pre}INFO Using internal Network Socket`),
            ...socketList(pre, wrap, "hostA", 41, ["lo:127.0.0.1<0>", "ens3:10.1.2.3<0>", "ib0:fe80::966d:ae03:8b:df54%ib0<0>"]),
            "",
          ].join(eol);
          const r = await analyzeText(text);
          const got = (r.facts.nccl.interfaces ?? []).map((i) => [i.role, i.index, i.name, i.address]);
          expect(got).toEqual([
            ["Bootstrap", 0, "lo", "127.0.0.1"],
            ["NET/Socket", 1, "ens3", "10.1.2.3"],
            ["NET/Socket", 2, "ib0", "fe80::966d:ae03:8b:df54%ib0"],
          ]);
          // loopback first: the bootstrap and the socket transport both start with it (one host: only a note)
          expect(ids(r, "info")).toContain("nccl/wrong-interface");
        }
      }
    }
  });

  it("warns when a multi-node job's legacy list holds a loopback or docker interface, and not for real NICs", async () => {
    const bad = [
      ...socketList("NCCL ", (l) => l, "gpu-a", 10, ["eth1:9.73.128.149<0>", "docker0:172.17.0.1<0>"]),
      ...socketList("NCCL ", (l) => l, "gpu-b", 20, ["eth1:9.73.128.150<0>", "docker0:172.17.0.1<0>"]),
      "gpu-a:10:10 [0] NCCL INFO rank 0 nranks 2",
      "gpu-b:20:20 [0] NCCL INFO rank 1 nranks 2",
      "",
    ].join("\n");
    const r = await analyzeText(bad);
    const finding = r.findings.find((f) => f.ruleId === "nccl/wrong-interface");
    expect(finding?.severity).toBe("warning");
    expect(finding?.message).toContain("docker0 (172.17.0.1)");

    const good = [...socketList("NCCL ", (l) => l, "gpu-a", 10, ["eth1:10.0.0.1<0>", "eth2:10.0.1.1<0>"]), ""].join("\n");
    const g = await analyzeText(good);
    expect(ids(g)).not.toContain("nccl/wrong-interface");
    expect(g.facts.nccl.interfaces?.map((i) => i.name)).toEqual(["eth1", "eth2"]);
  });

  it("starts a new run after any other line of the thread, so the bootstrap's single line stays the bootstrap's", async () => {
    const text = [
      "node7:5:5 [2] NCCL INFO NET : Using interface eth0:10.2.0.7<0>",
      "node7:5:5 [2] NCCL INFO NET/IB : Using interface eth0 for sideband communication",
      // another process's line between two of this thread's does not end its run
      "node7:5:9 [2] NCCL INFO NET : Using interface eth0:10.2.0.7<0>",
      "node7:6:6 [3] NCCL INFO NET : Using interface eth0:10.2.0.7<0>",
      "node7:5:9 [2] NCCL INFO NET : Using interface virbr0:192.168.122.1<0>",
      "",
    ].join("\n");
    const r = await analyzeText(text);
    const got = (r.facts.nccl.interfaces ?? []).map((i) => `${i.role}#${i.index}:${i.name}`);
    // (one entry per process: pid 5's eth0 twice, pid 6's once)
    expect(got).toEqual(["Bootstrap#0:eth0", "Bootstrap#0:eth0", "NET/Socket#1:virbr0"]);
    expect(r.facts.nccl.interfaces?.map((i) => i.count)).toEqual([2, 1, 1]);
    // virbr0 is carried by the socket transport's list: in use
    expect(r.findings.find((f) => f.ruleId === "nccl/wrong-interface")?.message).toContain("uses the virtual or loopback interface virbr0");
  });

  it("leaves lines that only look alike alone", async () => {
    const text = [
      "node7:5:5 [2] NCCL INFO NET/IB : Using interface eth0 for sideband communication",
      "node7:5:5 [2] NCCL INFO NET : Using interface for nothing",
      "NET : Using interface lo:127.0.0.1<0>", // not a record: no NCCL prefix
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.nccl.interfaces ?? []).toEqual([]);
    expect(ids(r)).not.toContain("nccl/wrong-interface");
  });
});

describe("PyTorch's failed fetch of NCCL's unique id from the c10d store", () => {
  // ProcessGroupNCCL::broadcastUniqueNCCLID: `[rank] is setting up NCCL communicator and retrieving ncclUniqueId from
  // [0] via c10d key-value store by key '<key>', but store->get('<key>') got error: <what the store said>`
  const line = (rank: number, key: string, error: string, verb = "retrieving") =>
    `torch.distributed.DistBackendError: [${rank}] is setting up NCCL communicator and ${verb} ncclUniqueId from [0] via c10d key-value store by key '${key}', but store->get('${key}') got error: ${error}`;

  it("is a bootstrap failure naming the waiting ranks and the store's error, not a collective timeout", async () => {
    for (const wrap of [(l: string) => l, (l: string, r = 0) => `[rank${r}]: ${l}`, (l: string) => `(RayWorkerWrapper pid=41, ip=10.0.0.9) ${l}`]) {
      for (const eol of ["\n", "\r\n"]) {
        const text = [wrap(line(4, "0", "Socket Timeout")), wrap(line(5, "0", "Socket Timeout")), ""].join(eol);
        const r = await analyzeText(text);
        expect(ids(r)).toEqual(["nccl/bootstrap-failure"]);
        const f = r.findings[0];
        expect(f.severity).toBe("error");
        expect(f.message).toContain("Ranks 4, 5 could not get NCCL's unique id from rank 0");
        expect(f.message).toContain("(Socket Timeout)");
        expect(f.message).toContain("never put it there in time");
        expect(r.facts.firstError?.line).toBe(1);
      }
    }
  });

  it("reads the other store errors and the older `retreiving` spelling", async () => {
    const closed = await analyzeText(`${line(3, "0:1", "Failed to recv, got 0 bytes. Connection was likely closed.", "retreiving")}\n`);
    expect(ids(closed)).toEqual(["nccl/bootstrap-failure"]);
    expect(closed.findings[0].message).toContain("the store's connection was closed");
    const wait = await analyzeText(`[rank8]: ${line(8, "0", "wait timeout after 600000ms, keys: /default_pg//0//cuda//0")}\n`);
    expect(ids(wait)).toEqual(["nccl/bootstrap-failure"]);
    expect(wait.findings[0].message).toContain("Rank 8 could not get");
  });

  it("leaves a real collective timeout and NCCL's own bootstrap failures as they were", async () => {
    const watchdog = "torch.distributed.DistBackendError: NCCL communicator was aborted on rank 3.  Original reason for failure was: [Rank 3] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=8, OpType=BROADCAST, Timeout(ms)=600000) ran for 600030 milliseconds before timing out.";
    expect(ids(await analyzeText(`${watchdog}\n`))).toContain("nccl/collective-timeout");
    const both = await analyzeText([
      "node1:7:9 [0] misc/socket.cc:484 NCCL WARN socketStartConnect: Connect to 10.9.0.1<40111> failed : Connection refused",
      line(1, "0", "Socket Timeout"),
      "",
    ].join("\n"));
    expect(ids(both)).toEqual(["nccl/bootstrap-failure"]);
    expect(both.findings[0].message).toContain("to 10.9.0.1 port 40111");
  });
});

describe("a wrapper's `Failed to create NCCL communicator` report", () => {
  it("is the first error, whatever the wrapper prefixes, and a string literal in code is not", async () => {
    for (const line of [
      "Failed to create NCCL communicator: INTERNAL: ncclCommInitRankConfig(&comm, 16, id, 3, &config) failed: invalid usage",
      "thread 'main' panicked at src/comm.rs:41: Failed to create NCCL communicator: DriverError(CUDA_ERROR_INVALID_VALUE)",
      "RuntimeError: Failed to create NCCL communicators for 2 GPUs",
    ]) {
      const r = await analyzeText(["INFO starting worker 3", line, ""].join("\r\n"));
      expect(r.facts.firstError?.line).toBe(2);
    }
    const code = await analyzeText([
      "Traceback (most recent call last):",
      '  File "comm.py", line 9, in init',
      '    raise RuntimeError("Failed to create NCCL communicator (worker did not return comm)")',
      "ValueError: bad world size 0",
      "",
    ].join("\n"));
    expect(code.facts.firstError?.text).toContain("ValueError: bad world size 0");
  });
});

describe("a healthy multi-node log of one communicator, with the application's own `[Rank N]` prints", () => {
  // NCCL 2.23 + aws-ofi-nccl over EFA: init on one thread, the first collective's connections on another, then the
  // training script's prints
  const host = (n: number) => `compute-gpu-st-train-${n}`;
  const lines = (wrap: (l: string) => string) => [
    ...[1, 2].flatMap((n) => {
      const pid = 7000 + n;
      const rank = n - 1;
      return [
        `${host(n)}:${pid}:${pid + 80} [0] NCCL INFO Using network AWS Libfabric`,
        `${host(n)}:${pid}:${pid + 80} [0] NCCL INFO ncclCommInitRankConfig comm 0x55aa0${n} rank ${rank} nranks 2 cudaDev 0 nvmlDev 0 busId 1e0 commId 0x1ce7 - Init START`,
        `${host(n)}:${pid}:${pid + 80} [0] NCCL INFO comm 0x55aa0${n} rank ${rank} nRanks 2 nNodes 2 localRanks 1 localRank 0 MNNVL 0`,
        `${host(n)}:${pid}:${pid + 80} [0] NCCL INFO ncclCommInitRankConfig comm 0x55aa0${n} rank ${rank} nranks 2 cudaDev 0 nvmlDev 0 busId 1e0 commId 0x1ce7 - Init COMPLETE`,
        `${host(n)}:${pid}:${pid + 83} [0] NCCL INFO Channel 00/0 : ${1 - rank}[0] -> ${rank}[0] [receive] via NET/AWS Libfabric/0`,
        `${host(n)}:${pid}:${pid + 83} [0] NCCL INFO Channel 00/0 : ${rank}[0] -> ${1 - rank}[0] [send] via NET/AWS Libfabric/0`,
      ].map(wrap);
    }),
    "[Rank 0] Synchronized, proceeding...",
    "[Rank 1] Synchronized, proceeding...",
    "",
  ];

  it("reports one communicator spanning both nodes, not a second one made of the prints", async () => {
    for (const wrap of [(l: string) => l, (l: string) => `0: ${l}`]) {
      const r = await analyzeText(lines(wrap).join("\n"));
      const n = r.facts.nccl;
      expect(n.communicatorCount).toBe(1);
      expect(n.communicators.map((c) => [c.commId, c.nranks, c.nNodes, c.ranksSeen, c.hosts.length])).toEqual([["0x1ce7", 2, 2, 2, 2]]);
      expect(n.ranks).toBe(2);
      expect(n.nodes).toBe(2);
      expect(n.interNode).toEqual({ "NET/OFI": 4 });
      expect(n.initComplete).toBe(2);
    }
  });

  it("keeps a rank the communicator does not hold apart", async () => {
    const r = await analyzeText([...lines((l) => l), "[Rank 5] Synchronized, proceeding...", ""].join("\n"));
    expect(r.facts.nccl.communicatorCount).toBe(2);
    expect(r.facts.nccl.communicators.find((c) => c.commId === null)?.ranksSeen).toBe(1);
  });
});

describe("a communicator only partly in the log: its hosts are a lower bound on the nodes it spans", () => {
  // Slurm job of 8 ranks on three hosts, pasted from the middle: Init START of ranks 7 and 0-3 (two hosts); the third
  // host printed only its network lines
  const start = (host: string, pid: number, dev: number, rank: number) =>
    `${host}:${pid}:${pid + 30} [${dev}] NCCL INFO comm 0x5${pid} rank ${rank} nranks 8 cudaDev ${dev} nvmlDev ${dev} busId 31000 commId 0x26b3 - Init START`;
  const partial = [
    "nodeC:9502:9525 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/IB ; OOB ib0:10.0.0.9<0>",
    "nodeC:9502:9525 [0] NCCL INFO Using network IB",
    start("nodeB", 4305, 1, 7),
    ...[0, 1, 2, 3].map((r) => start("nodeA", 35182 + r, r % 2, r)),
    "",
  ];
  it("says `at least` when some of its ranks printed nothing, and the exact count when all did or NCCL printed nNodes", async () => {
    const text = async (lines: string[]) => renderText(await analyzeText(lines.join("\n")), { color: false, width: 200 }).split("\n").find((l) => l.includes("communicators"))?.trim();
    expect(await text(partial)).toBe("communicators          1 × 8 ranks across at least 2 nodes");
    // every rank seen: the hosts are the span
    const all = [...partial.slice(0, -1), ...[4, 5, 6].map((r) => start("nodeB", 4302 + r, r - 4, r)), ""];
    expect(await text(all)).toBe("communicators          1 × 8 ranks across 2 nodes");
    // NCCL's own count wins
    const withN = [...partial.slice(0, -1), "nodeA:35182:35212 [0] NCCL INFO comm 0x535182 rank 0 nRanks 8 nNodes 3 localRanks 4 localRank 0 MNNVL 0", ""];
    expect(await text(withN)).toBe("communicators          1 × 8 ranks across 3 nodes");
  });
});

describe("an Init line its author abridged: `ncclCommInitRank … rank 0 nranks 2 … Init COMPLETE`", () => {
  it("still counts the Init COMPLETE and reads its rank, with `…` or `...` and either phase", async () => {
    for (const dots of ["…", "..."]) {
      for (const phase of ["START", "COMPLETE"]) {
        const r = await analyzeText([
          "<redacted-nid>:229905:229905 [0] NCCL INFO NET/OFI Selected Provider is cxi (found 4 nics)",
          dots,
          `<redacted-nid>:229905:229905 [0] NCCL INFO ncclCommInitRank ${dots} rank 3 nranks 8 ${dots} Init ${phase}`,
          `gpu-b:7:9 [1] NCCL INFO comm ${dots} rank 5 nranks 8 ${dots}Init ${phase}`,
          "",
        ].join("\n"));
        expect(r.facts.nccl.initComplete).toBe(phase === "COMPLETE" ? 2 : 0);
        expect(r.facts.nccl.ranks).toBe(2);
      }
    }
  });

  it("not a sentence that only mentions the phase", async () => {
    const r = await analyzeText(["gpu-b:7:9 [1] NCCL INFO waiting for rank 5 nranks 8 to reach Init COMPLETE", ""].join("\n"));
    expect(r.facts.nccl.initComplete).toBe(0);
  });
});

describe("communicators without commId on two nodes (NCCL ≤ 2.18: the comm pointer comes only with Init COMPLETE)", () => {
  // 2 nodes × 2 GPUs: the world (4 ranks) and two 2-rank groups across the nodes and two inside them, every record
  // printed on the process's main thread before its Init COMPLETE, as pre-commId NCCL does
  const host = (g: number) => (g < 2 ? "nodeA" : "nodeB");
  const bus = (g: number) => (g % 2 ? "7d000" : "3e000");
  const comms = [[0, 1, 2, 3], [0, 2], [1, 3], [0, 1], [2, 3]];
  const log = (hosts: (g: number) => string) => {
    const out: string[] = [];
    let ptr = 0x5000;
    for (const members of comms) {
      const n = members.length;
      const pre = (g: number) => `${hosts(g)}:${100 + g}:${100 + g} [${g % 2}] NCCL INFO `;
      members.forEach((g, r) => {
        const nr = (r + 1) % n;
        const gn = members[nr];
        const head = `Channel 00 : ${r}[${bus(g)}] -> ${nr}[${bus(gn)}]`;
        if (host(g) === host(gn)) out.push(`${pre(g)}${head} via P2P/IPC`);
        else out.push(`${pre(g)}${head} [send] via NET/IB/0/GDRDMA`, `${pre(gn)}${head} [receive] via NET/IB/0/GDRDMA`);
      });
      members.forEach((g, r) => out.push(`${pre(g)}comm 0x${(ptr += 1).toString(16)} rank ${r} nranks ${n} cudaDev ${g % 2} busId ${bus(g)} - Init COMPLETE`));
    }
    return [...out, ""].join("\n");
  };

  it("places each network record's far end on the one other host that printed its other half", async () => {
    const n = (await analyzeText(log(host))).facts.nccl;
    expect(n.nodes).toBe(2);
    expect(n.interNode).toEqual({ "NET/IB/GDRDMA": 12 });
    expect(n.nodePairs.map((p) => [p.a, p.b, p.scope, p.kinds])).toEqual([
      ["nodeA", "nodeA", "intra", { "P2P/IPC": 3 }],
      ["nodeA", "nodeB", "inter", { "NET/IB/GDRDMA": 12 }],
      ["nodeB", "nodeB", "intra", { "P2P/IPC": 3 }],
    ]);
  });

  it("leaves the far end unknown when two other hosts printed the other half", async () => {
    // the same job twice over on nodes C/D: each record's other half comes from two hosts
    const twice = log(host) + log((g) => (g < 2 ? "nodeC" : "nodeD")).replace(/:10(\d):10\1 /g, ":20$1:20$1 ");
    const n = (await analyzeText(twice)).facts.nccl;
    expect(n.nodes).toBe(4);
    expect(n.nodePairs.filter((p) => p.scope === "inter").every((p) => p.b === null)).toBe(true);
  });
});
