import { describe, expect, it } from "vitest";
import { parseNcclHeader } from "../grammars/nccl.js";
import { analyzeText, ids, eolsFor } from "./rules/analyze-text.js";

/**
 * Formats found in a twenty-fifth round of real NCCL logs pasted into the threads of projects other than NCCL itself
 * (sglang, PyTorch, Horovod, DeepSpeed, RCCL, NCCL's own example notes, committed EKS/Slurm notes). Every log text here
 * is written for the test, in the format's shape, with variants the logs did not show (other wrappers, CRLF, colour).
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubectl --timestamps", (l) => `2026-12-05T10:11:12.123456789Z ${l}`],
  ["docker compose", (l) => `trainer-1  | ${l}`],
  ["Ray worker", (l) => `(RayWorkerWrapper pid=4242, ip=10.0.0.7) ${l}`],
  ["ANSI colour", (l) => `\x1b[36m${l}\x1b[0m`],
];

describe("a header whose pid and tid the user masked with placeholders (`[Node-A]:[PID]:[Thread] [0]`)", () => {
  // NCCL prints `%s:%d:%d [%d]` (host, pid, tid, device); a user hiding where the log came from replaced all three with
  // placeholders of their own: the host stays as written (like `<cluster_name>` or `pod-id`), pid and tid are unknown
  it("reads the masked fields as a header: host as written, pid and tid unknown", () => {
    expect(parseNcclHeader("[Node-A]:[PID]:[Thread] [0]")).toMatchObject({ host: "[Node-A]", pid: null, tid: null, dev: 0 });
    expect(parseNcclHeader("gpu-node:<pid>:<tid> [3] transport/net_ib.cc:1295")).toMatchObject({ host: "gpu-node", pid: null, tid: null, dev: 3, src: "transport/net_ib.cc:1295" });
    expect(parseNcclHeader("node-b:[PID]:[TID] [7]")).toMatchObject({ host: "node-b", dev: 7 });
    // the numbers themselves still read as before
    expect(parseNcclHeader("gpu1:1234:5678 [2]")).toMatchObject({ host: "gpu1", pid: 1234, tid: 5678, dev: 2 });
  });

  const warn = (host: string, status: number) =>
    `${host}:[PID]:[Thread] [0] NCCL WARN NET/IB : Got completion from peer [PRIVATE_IP] with error ${status}, opcode 0, len 0, vendor err 129 (Recv)  `;
  const lines = (host2: string) => [
    warn("[Node-A]", 12),
    "localGid ::ffff:[MASKED_IP] remoteGid ::ffff:[MASKED_IP]  ",
    "",
    "[Node-A]:[PID]:[Thread] [0] NCCL INFO transport/net.cc:1302 -> 6  ",
    "[Node-A]:[PID]:[Thread] [0] NCCL INFO proxy.cc:878 -> 6 [Progress Thread]  ",
    "",
    warn(host2, 5),
    `${host2}:[PID]:[Thread] [0] NCCL INFO transport/net.cc:1302 -> 6  `,
  ];

  it("counts the masked hosts as nodes and still reads the IB completion error, whatever wraps the lines", async () => {
    for (const [name, wrap] of WRAPS) {
      for (const eol of eolsFor(wrap)) {
        const one = await analyzeText(lines("[Node-A]").map(wrap).join(eol) + eol);
        expect(one.facts.nccl.nodes, `${name} ${JSON.stringify(eol)}`).toBe(1);
        expect(one.facts.nccl.net, name).toBe("IB");
        expect(one.facts.nccl.firstWarn?.line, name).toBe(1);
        expect(one.facts.firstError?.line, name).toBe(1);
        expect(ids(one), name).toEqual(expect.arrayContaining(["nccl/ib-error", "nccl/remote-process-exited"]));
        const two = await analyzeText(lines("[Node-B]").map(wrap).join(eol) + eol);
        expect(two.facts.nccl.nodes, name).toBe(2);
      }
    }
  });

  it("a bracketed word before two colons in prose is no header", async () => {
    const r = await analyzeText(["note [Node-A]:[PID]:[Thread] is how we mask hosts", "nothing else here", ""].join("\n"));
    expect(r.facts.nccl.nodes).toBeNull();
  });
});

describe("a header with two fields before the device (`ubuntu1583:1585 [0] init.cc:738 NCCL WARN`)", () => {
  // NCCL always prints `%s:%d:%d [%d]`. Two fields are paste damage: a colon lost (`ubuntu` + `1583` + `:1585`), or,
  // far more often, two processes' records fused mid-header (`x3200c0s19` + `091:212328 [0]` of another record). The
  // two cannot be told apart, so no host is named from such a header; the record is still read
  it("names no host, but reads the device, the source and the record", () => {
    expect(parseNcclHeader("ubuntu1583:1585 [0] init.cc:738")).toMatchObject({ host: null, pid: null, tid: null, dev: 0, src: "init.cc:738" });
  });

  const log = [
    "root@ubuntu/pytorch# ./one_device_per_thread  --nranks 2",
    "Local rank size: 2",
    "NCCL version 2.22.3+cuda12.5",
    "",
    "ubuntu1583:1585 [0] init.cc:738 NCCL WARN Duplicate GPU detected : rank 0 and rank 1 both on CUDA device 1000",
    "",
    "ubuntu1583:1586 [0] init.cc:738 NCCL WARN Duplicate GPU detected : rank 1 and rank 0 both on CUDA device 1000",
    "Failed, NCCL error one_device_per_thread.cu:17 'invalid usage (run with NCCL_DEBUG=WARN for details)'",
  ];

  it("reads the duplicate GPU, its ranks and the first error, and invents no node", async () => {
    for (const [name, wrap] of WRAPS) {
      for (const eol of eolsFor(wrap)) {
        // (blank lines stay blank, as in the paste: a pid prefix alone on the line above a WARN starts its record)
        const r = await analyzeText(log.map((l) => (l ? wrap(l) : l)).join(eol) + eol);
        expect(r.facts.nccl.nodes, `${name} ${JSON.stringify(eol)}`).toBeNull();
        expect(r.facts.nccl.ranks, name).toBe(2);
        expect(r.facts.nccl.version, name).toBe("2.22.3");
        expect(r.facts.firstError?.line, name).toBe(5);
        expect(ids(r), name).toContain("nccl/duplicate-gpu");
      }
    }
  });

  it("fused records among whole ones add no host", async () => {
    const r = await analyzeText([
      "gpu-a1:4411:4420 [0] NCCL INFO Bootstrap : Using eth0:10.0.0.1<0>",
      "gpu-a1:4412:4421 [1] NCCL INFO Bootstrap : Using eth0:10.0.0.1<0>",
      "gpu-a191:4421 [1] NCCL INFO Using network Socket",
      "",
    ].join("\n"));
    expect(r.facts.nccl.nodes).toBe(1);
  });
});

describe("a paste that starts inside a connection record (`5] -> 6[6] via P2P/IPC`)", () => {
  // the window of the paste began after the record's `Channel 09/0 : 5[` was cut away; the tail still holds the arrow,
  // the peer rank and a whole transport token, so it is one connection line (a cut kind token would not be)
  const host = "deepseek-node-3";
  const rec = (ch: number, kind: string) => `${host}:193:3196 [5] NCCL INFO Channel ${String(ch).padStart(2, "0")}/0 : 5[5] -> 6[6] via ${kind}`;
  const cases: [string, string, Record<string, number>][] = [
    ["P2P/IPC", "5] -> 6[6] via P2P/IPC", { "P2P/IPC": 3 }],
    ["P2P/CUMEM/read", "5] -> 6[6] via P2P/CUMEM/read", { "P2P/CUMEM": 3 }],
    ["NET with direction", "] -> 6[6] [send] via NET/IB/3/GDRDMA", { "NET/IB/GDRDMA": 1, "P2P/IPC": 2 }],
  ];

  it("counts the cut record at the top of the paste with the whole ones below", async () => {
    for (const [name, first, want] of cases) {
      const kind = name === "P2P/CUMEM/read" ? "P2P/CUMEM/read" : "P2P/IPC";
      const lines = [first, rec(11, kind), rec(13, kind), `${host}:193:3196 [5] NCCL INFO Chann`];
      for (const [wname, wrap] of WRAPS) {
        const r = await analyzeText(lines.map(wrap).join("\n") + "\n");
        for (const [k, n] of Object.entries(want)) expect(r.facts.nccl.transports[k], `${name} ${wname} ${k}`).toBe(n);
        expect(r.facts.nccl.ranks, `${name} ${wname}`).toBe(2);
      }
    }
  });

  it("a first line whose kind token is cut, or prose with an arrow, is not counted", async () => {
    const cut = await analyzeText(["5] -> 6[6] via P2P/CUME", `${host}:193:3196 [5] NCCL INFO Channel 11/0 : 5[5] -> 6[6] via P2P/IPC`, ""].join("\n"));
    expect(cut.facts.nccl.transports["P2P/IPC"]).toBe(1);
    expect(cut.facts.nccl.transports["P2P/CUMEM"]).toBe(0);
    const prose = await analyzeText(["we route traffic via P2P/IPC between GPUs", "then -> next step via SHM/direct", ""].join("\n"));
    expect(Object.values(prose.facts.nccl.transports).reduce((a, b) => a + b, 0)).toBe(0);
    // the tail alone, or before text that is no NCCL record, counts nothing: only a record after it shows it is NCCL's
    for (const text of ["5] -> 6[6] via P2P/IPC\n", "5] -> 6[6] via P2P/IPC\nINFO 12-05 10:11:12 api_server.py:1] ready\n"]) {
      const alone = await analyzeText(text);
      expect(Object.values(alone.facts.nccl.transports ?? {}).reduce((a, b) => a + b, 0), JSON.stringify(text)).toBe(0);
    }
  });

  it("the PyTorch watchdog record glued to the end of Python's `Extension modules:` line is the first error", async () => {
    const lines = [
      "5] -> 6[6] via P2P/IPC",
      rec(11, "P2P/IPC"),
      "Extension modules: numpy.core._multiarray_umath, torch._C, psutil._psutil_linux, PIL._imaging[rank5]:[E226 11:16:37.121617583 ProcessGroupNCCL.cpp:616] [Rank 5] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=5653, OpType=ALLREDUCE, NumelIn=58720256, NumelOut=5872",
      "0256, Timeout(ms)=600000) ran for 600028 milliseconds before timing out.",
    ];
    const r = await analyzeText(lines.join("\n") + "\n");
    expect(r.facts.firstError?.line).toBe(3);
    expect(ids(r)).toContain("nccl/collective-timeout");
    expect(r.facts.nccl.transports["P2P/IPC"]).toBe(2);
  });
});
