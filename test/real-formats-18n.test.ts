import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * Formats found in an eighteenth round of real NCCL logs, most of them multi-node runs (mpiexec on Slingshot, srun
 * --label, GKE pods, Ray actors, sglang over two nodes). Every log text here is written for the test, in the format's
 * shape, with variants the logs did not show (other launchers, timestamps, CRLF).
 */

const conn = (host: string, pid: number, dev: number, ch: number, from: number, to: number, via: string, dir = "") =>
  `${host}:${pid}:${pid + 90} [${dev}] NCCL INFO Channel ${String(ch).padStart(2, "0")}/0 : ${from}[${dev}] -> ${to}[${dev}]${dir ? ` [${dir}]` : ""} via ${via}`;

describe("host names that interleaving glued or cut (two nodes' output in one stream)", () => {
  // two nodes, two processes each, their records interleaved by the launcher; some lines glue the end of one record
  // to the start of another (`..[0] NCC` + `00c1n0:..`), others cut a host name at its start
  const lines = (a: string, b: string) => [
    `${a}:1001:1101 [0] NCCL INFO Using network IB`,
    `${b}:2001:2101 [0] NCCL INFO Using network IB`,
    conn(a, 1001, 0, 0, 0, 1, "P2P/IPC"),
    conn(a, 1002, 1, 0, 1, 2, "NET/IB/0/GDRDMA", "send"),
    conn(b, 2001, 0, 0, 1, 2, "NET/IB/0/GDRDMA", "receive"),
    conn(b, 2001, 0, 1, 2, 3, "P2P/IPC"),
    conn(b, 2002, 1, 0, 3, 0, "NET/IB/0/GDRDMA", "send"),
    conn(a, 1001, 0, 1, 3, 0, "NET/IB/0/GDRDMA", "receive"),
    // a progress bar glued before a record: the bar's text is not part of the host
    `epoch 1:  40%|####      | 4/10 [00:02<00:03,  3.38it/s]${b}:2002:2102 [1] NCCL INFO Connected all rings`,
    // the head of one record, then another record whose host lost its first characters
    `${a}:1001:1101 [0] NCCL INFO C${a.slice(3)}:1002:1102 [1] NCCL INFO Connected all trees`,
    // a host glued after the start of another host's name
    `${b.slice(0, 5)}${a}:1002:1102 [1] NCCL INFO 4 coll channels, 4 p2p channels`,
    // the tail of a name alone, with the process's pid
    `${b.slice(-2)}:2001:2101 [0] NCCL INFO comm 0x55aa rank 1 nranks 4 cudaDev 0 busId 1000 - Init COMPLETE`,
    // a name cut down to its last character, a bare number or letter, with its process's pid
    `${b.slice(-1)}:2002:2102 [1] NCCL INFO comm 0x55bb rank 3 nranks 4 cudaDev 1 busId 2000 - Init COMPLETE`,
  ];

  it("counts the two real hosts, names them as the log does most often, and keeps the connections", async () => {
    for (const [a, b] of [["x3200c0s13b0n0", "x3200c0s13b1n0"], ["gpu-node-a1", "gpu-node-b7"]]) {
      const r = await analyzeText(lines(a, b).join("\n") + "\n");
      expect(r.facts.nccl.nodes).toBe(2);
      expect(r.facts.nccl.hosts).toEqual([a, b]);
      expect(r.facts.nccl.transports["NET/IB/GDRDMA"]).toBe(4);
      expect(r.facts.nccl.transports["P2P/IPC"]).toBe(2);
      expect(r.facts.nccl.initComplete).toBe(2);
    }
  });

  it("keeps a container's numeric host name a host", async () => {
    const text = [...[0, 1, 2, 3].map((c) => conn("64", 220, 5, c, 14, 5, "NET/IB/7/GDRDMA", "receive")), conn("64", 215, 0, 0, 0, 6, "P2P/IPC"), ""].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.nccl.hosts).toEqual(["64"]);
    expect(r.facts.nccl.nodes).toBe(1);
  });

  it("never joins two well-attested hosts whose names end alike", async () => {
    const text = [
      ...[0, 1, 2].map((c) => conn("gpu-node-01", 11, 0, c, 0, 1, "NET/IB/0", "send")),
      ...[0, 1, 2].map((c) => conn("cpu-node-01", 22, 0, c, 1, 0, "NET/IB/0", "send")),
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.nccl.nodes).toBe(2);
    expect(r.facts.nccl.hosts).toEqual(["cpu-node-01", "gpu-node-01"]);
  });
});

describe("connection records whose head was lost to interleaving", () => {
  const head = "node-a:3100:3190 [1] NCCL INFO Using network AWS Libfabric";
  it("counts a record's tail alone on a line, a mangled prefix, and a record with a progress bar inside it", async () => {
    for (const eol of ["\n", "\r\n"]) {
      const text = [
        head,
        // the head `Channel 00/0 : 5[1] ` was glued to another record lines above; the tail stands alone
        "node-a:3100:3190 [1] NCCL INFO Channel 00/0 : 5[1] node-b:3200:3200 [1] NCCL INFO cudaDriverVersion 12040",
        "-> 6[2] via P2P/CUMEM/read",
        "receive] via NET/AWS Libfabric/1/GDRDMA",
        ": 2[2] -> 0[0] via P2P/CUMEM/read",
        // the host prefix lost its pid and tid, or its host and `NCCL I`
        "node-a:L INFO Channel 01/0 : 2[0] -> 0[0] [send] via NET/AWS Libfabric/1",
        "NFO Channel 02/0 : 5[1] -> 1[1] [send] via NET/AWS Libfabric/3/GDRDMA",
        // a progress bar printed between the ranks and the direction's `]`
        "node-a:3100:3190 [1] NCCL INFO Channel 03/0 : 3[3] -> 7[3] [senpre-train:   0%|          | 0/3104 [00:00<?, ?it/s]d] via NET/AWS Libfabric/1/GDRDMA",
        // the same with the bar's carriage return: the record is cut inside its direction bracket, its end a later record
        "node-a:3100:3190 [1] NCCL INFO Channel 04/0 : 3[3] -> 7[3] [rece\rtrain:   1%|          | 31/3104 [00:01<02:00, 25.1it/s]ive] via NET/AWS Libfabric/1/GDRDMA",
        "",
      ].join(eol);
      const r = await analyzeText(text);
      expect(r.facts.nccl.transports["P2P/CUMEM"]).toBe(2);
      expect(r.facts.nccl.transports["NET/OFI"]).toBe(5);
    }
  });

  it("does not take prose that mentions a transport for a connection", async () => {
    const text = [
      head,
      "the traffic goes via NET/IB/0 when the HCA is up",
      "see the docs: 1[1] -> 2[2] via P2P/IPC is the expected path",
      "Channel 00 -> NET/IB/0/GDRDMA     Channel 01 -> NET/IB/1",
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(Object.values(r.facts.nccl.transports).reduce((a, b) => a + b, 0)).toBe(0);
  });

  it("needs an NCCL record before it: a file of other text never counts tails", async () => {
    const r = await analyzeText("-> 6[2] via P2P/CUMEM/read\nreceive] via NET/IB/1/GDRDMA\n");
    expect(Object.values(r.facts.nccl.transports ?? {}).reduce((a, b) => a + b, 0)).toBe(0);
  });
});

describe("the node count NCCL prints in `NVLS Head` lines", () => {
  it("reads one head rank per node, so a Socket run of one visible host is multi-node (socket fallback)", async () => {
    for (const stamp of ["", "[2026-07-22 08:55:15] "]) {
      const p = `${stamp}gke-pool-a3-x7m2:1596:2150 [0] NCCL INFO`;
      const text = [
        `${p} NET/IB : No device found.`,
        `${p} NET/Socket : Using [0]eth0:10.128.0.52<0>`,
        `${p} Using network Socket`,
        `${p} NVLS multicast support is available on dev 0`,
        `${p} NVLS Head  0:  0  8 16`,
        `${p} NVLS Head  1:  1  9 17`,
        `${p} Channel 00/16 :    0   7   6   5   4   3   2   1   8  15  14  13  12  11  10   9  16  23  22  21`,
        conn("gke-pool-a3-x7m2", 1596, 0, 0, 0, 1, "P2P/CUMEM"),
        "",
      ].join("\n");
      const r = await analyzeText(text);
      expect(r.facts.nccl.nodes).toBe(3);
      expect(r.facts.nccl.hosts).toEqual(["gke-pool-a3-x7m2"]);
      expect(ids(r)).toContain("nccl/socket-fallback");
    }
  });

  it("leaves a one-node NVLS run at one node", async () => {
    const p = "dgx-h100-01:77:90 [0] NCCL INFO";
    const r = await analyzeText([`${p} NVLS Head  0:  0`, `${p} Using network IB`, conn("dgx-h100-01", 77, 0, 0, 0, 1, "P2P/CUMEM"), ""].join("\n"));
    expect(r.facts.nccl.nodes).toBe(1);
    expect(ids(r)).not.toContain("nccl/socket-fallback");
  });
});

describe("2.24+ retry reports (`<func>: connect to <addr> returned <err>, retrying (n/N) after sleep for M msec`)", () => {
  it("is the first error when the connection then fails for good", async () => {
    for (const func of ["socketPollConnect", "ncclOsSocketPollConnect"]) {
      const text = [
        `node-6:1180822:1180822 [1] NCCL INFO ${func}: connect to 10.9.9.49<58525> returned Connection refused, retrying (34/34) after sleep for 3400 msec`,
        "",
        `[2026-02-27 15:27:13] node-6:1180824:1180824 [3] os/linux.cc:200 NCCL WARN ${func}: connect to 10.9.9.49<58525> returned Connection refused, exceeded error retry count after 35 attempts`,
        "node-6:1180824:1180824 [3] NCCL INFO misc/socket.cc:389 -> 6",
        "node-6:1180824:1180824 [3] NCCL INFO bootstrap.cc:670 -> 6",
        "",
      ].join("\n");
      const r = await analyzeText(text);
      expect(r.facts.firstError?.line).toBe(1);
      expect(r.facts.nccl.firstWarn?.line).toBe(3);
      expect(ids(r, "error")).toContain("nccl/bootstrap-failure");
    }
  });

  it("is recovered from when the process goes on", async () => {
    const text = [
      "node-6:501:520 [0] NCCL INFO socketPollConnect: connect to 10.9.9.49<58525> returned Connection refused, retrying (1/34) after sleep for 100 msec",
      "node-6:501:520 [0] NCCL INFO Using network IB",
      "node-6:501:520 [0] NCCL INFO comm 0x11 rank 0 nranks 2 cudaDev 0 busId 1000 - Init COMPLETE",
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.recovered.map((x) => x.kind)).toEqual(["retry"]);
    expect(ids(r, "error")).toEqual([]);
  });
});

describe("ACCL's bracketed record header `[host][pid:tid][dev][file:line]`", () => {
  it("reads the host, pid and device of WARN and INFO records, behind a Ray prefix or none", async () => {
    for (const pre of ["", "(ActorModelRayActor pid=16101) ", "(WorkerDict pid=88, ip=10.1.2.3) "]) {
      const text = [
        `${pre}[dlc1abc-master-0][16101:17880][0][init.cc:1815] NCCL WARN init.cc:1815 -> 5`,
        `${pre}[dlc1abc-master-0][16101:17880][0][group.cc:74] NCCL INFO /ACCL-P/src/group.cc:74 -> 5 [Async thread]`,
        `${pre}`,
        `${pre}[dlc1abc-worker-1][2207:2290][3][group.cc:585] NCCL WARN group.cc:585 -> 3`,
        "",
      ].join("\n");
      const r = await analyzeText(text);
      expect(r.facts.nccl.hosts).toEqual(["dlc1abc-master-0", "dlc1abc-worker-1"]);
      expect(r.facts.nccl.nodes).toBe(2);
      expect(r.facts.nccl.firstWarn?.line).toBe(1);
      expect(r.facts.firstError?.line).toBe(1);
    }
  });

  it("does not read a bracketed timestamp or an MPI tag as such a header", async () => {
    const text = [
      "[2026-04-28 14:14:49] node-x:11:12 [0] NCCL INFO Using network IB",
      "[1,0]<stdout>:node-y:21:22 [0] NCCL INFO Using network IB",
      "",
    ].join("\n");
    const r = await analyzeText(text);
    expect(r.facts.nccl.hosts).toEqual(["node-x", "node-y"]);
  });
});

describe("Google's network plugins (GPUDirect-TCPX, TCPXO/FasTrak, gIB)", () => {
  it("names the plugin's network and counts its connections apart from IB and Socket", async () => {
    for (const [net, dev] of [["gIB", "6"], ["FasTrak", "3"], ["GPUDirectTCPX", "0"]]) {
      const text = [
        `a3-vm-0:606:642 [6] NCCL INFO NET/${net} 2026-07-28T11:09:08.733195619+00:00: Initializing network ${net}, version: 1.0.17`,
        `a3-vm-0:606:642 [6] NCCL INFO Using network ${net}`,
        `a3-vm-1:611:650 [6] NCCL INFO Using network ${net}`,
        `a3-vm-0:606:642 [6] NCCL INFO Channel 00/0 : 6[6] -> 14[6] [send] via NET/${net}/${dev}/GDRDMA`,
        `a3-vm-1:611:650 [6] NCCL INFO Channel 00/0 : 6[6] -> 14[6] [receive] via NET/${net}/${dev}/GDRDMA`,
        "",
      ].join("\r\n");
      const r = await analyzeText(text);
      expect(r.facts.nccl.net).toBe(net);
      expect(r.facts.nccl.nodes).toBe(2);
      expect(r.facts.nccl.transports[`NET/${net}/GDRDMA`]).toBe(2);
      expect(r.facts.nccl.transports["NET/Socket"]).toBe(0);
      expect(ids(r)).not.toContain("nccl/socket-fallback");
    }
  });
});

describe("a PyTorch watchdog record glued into an NCCL record (two processes writing one stream)", () => {
  it("is the first error, on the physical line that holds it", async () => {
    for (const glue of ["[rank1]:[E ProcessGroupNCCL.cpp:563] [Rank 1]", "[rank1]:[E722 08:55:15.721744728 ProcessGroupNCCL.cpp:632] [Rank 1]"]) {
      const text = [
        "x3200c0s19b1n0:192867:192985 [1] NCCL INFO Channel 07/0 : 1[1] -> 3[1] [send] via NET/AWS Libfabric/1",
        `x3200c0s19b1n0:192867:192985 [1] NCCL INFO C${glue} Watchdog caught collective operation timeout: WorkNCCL(SeqNum=1, OpType=ALLREDUCE, NumelIn=1048576, NumelOut=1048576, Timeout(ms)=120000) ran for 120005 milliseconds before timing out.`,
        "x3200c0s1b0n0:201743:201892 [0] 1184.853747 register_mr_buffers:584 NCCL TRACE NET/OFI Skip registering[rank3]:[E ProcessGroupNCCL.cpp:563] [Rank 3] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=1, OpType=ALLREDUCE, NumelIn=1048576, NumelOut=1048576, Timeout(ms)=120000) ran for 120008 milliseconds before timing out.",
        "[rank1]:[E ProcessGroupNCCL.cpp:1537] [PG 0 Rank 1] Timeout at NCCL work: 1, last enqueued NCCL work: 1, last completed NCCL work: 0.",
        "",
      ].join("\n");
      const r = await analyzeText(text);
      expect(r.facts.firstError?.line).toBe(2);
      expect(ids(r, "error")).toContain("nccl/collective-timeout");
      expect(r.facts.nccl.transports["NET/OFI"]).toBe(1);
    }
  });

  it("leaves a record that only mentions a rank alone", async () => {
    const r = await analyzeText("node-a:1:2 [0] NCCL INFO comm 0x1 rank 1 nranks 2 cudaDev 0 busId 1000 - Init COMPLETE\nnode-a:1:2 [0] NCCL INFO [Rank 1] ncclCommInitRank comm 0x1 rank 1 nranks 2 cudaDev 0 nvmlDev 0 busId 1000 commId 0x9 - Init START\n");
    expect(r.facts.firstError).toBeNull();
  });
});

describe("many pods that all print pid 1 (containers)", () => {
  it("counts every pod, and a glued piece still joins its own pod", async () => {
    const lines: string[] = [];
    for (let h = 0; h < 400; h++) {
      const host = `train-worker-${h}`;
      lines.push(`${host}:1:${40 + h} [0] NCCL INFO Channel 00/0 : ${h}[0] -> ${(h + 1) % 400}[0] [send] via NET/IB/0/GDRDMA`);
      lines.push(`${host}:1:${40 + h} [0] NCCL INFO Channel 00/0 : ${(h + 399) % 400}[0] -> ${h}[0] [receive] via NET/IB/0/GDRDMA`);
    }
    // the end of one pod's record glued before another pod's name
    lines.push("train-worker-7:1:47 [0] NCCL INFO Connected all rtrain-worker-8:1:48 [0] NCCL INFO Connected all rings");
    const r = await analyzeText(lines.join("\n") + "\n");
    expect(r.facts.nccl.nodes).toBe(400);
    expect(r.facts.nccl.hosts).toHaveLength(400);
    expect(r.facts.nccl.transports["NET/IB/GDRDMA"]).toBe(800);
  });
});
