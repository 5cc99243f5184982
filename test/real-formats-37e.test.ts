import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";

/**
 * Formats found in real pastes of the old NCCL releases (2.1 → 2.11; TensorFlow, Horovod, MXNet and PyTorch 1.x
 * issues, round 37e). Every log text here is written for the test, in the printed shape, and the facts are exact.
 */

// NCCL 2.2–2.3 (transport/net_ib.cu initDevices, init.cu initNet): IB's set-up names the interface of its side channel,
// then lists each active port (`NET/IB: [0] mlx5_0:1/IB`) and the process chooses `Using internal Network IB`; with
// no active port it lists none and chooses Socket, and no `NET/IB : No device found.` (2.4+) is printed
const sidebandNoPort = [
  "trainer-a:4101:4101 [0] NCCL INFO NET : Using interface ib0:10.20.0.11<0>",
  "trainer-a:4101:4101 [0] NCCL INFO NET/IB : Using interface ib0 for sideband communication",
  "trainer-a:4101:4101 [0] NCCL INFO Using internal Network Socket",
  "trainer-a:4101:4101 [0] NCCL INFO NET : Using interface ib0:10.20.0.11<0>",
  "trainer-a:4101:4101 [0] NCCL INFO NET/Socket : 1 interfaces found",
  "NCCL version 2.3.7+cuda9.0",
  "trainer-a:4101:4101 [0] NCCL INFO rank 0 nranks 2",
  "trainer-b:5202:5202 [0] NCCL INFO NET : Using interface ib0:10.20.0.12<0>",
  "trainer-b:5202:5202 [0] NCCL INFO NET/IB : Using interface ib0 for sideband communication",
  "trainer-b:5202:5202 [0] NCCL INFO Using internal Network Socket",
  "trainer-b:5202:5202 [0] NCCL INFO rank 1 nranks 2",
  "trainer-a:4101:4230 [0] NCCL INFO comm 0x7f01a8004e20 rank 0 nranks 2",
];

const fallback = (r: Awaited<ReturnType<typeof analyzeText>>) => r.findings.find((f) => f.ruleId === "nccl/socket-fallback");

describe("NCCL 2.2–2.3: IB's set-up ran and listed no port, then the process chose Socket", () => {
  it("names the cause on a two-host run: no active InfiniBand/RoCE port, the side channel it had picked", async () => {
    const r = await analyzeText(`${sidebandNoPort.join("\n")}\n`);
    expect(r.facts.nccl?.net).toBe("Socket");
    expect(r.facts.nccl?.version).toBe("2.3.7");
    expect(r.facts.nccl?.nodes).toBe(2);
    expect(r.facts.nccl?.ranks).toBe(2);
    const f = fallback(r);
    expect(f?.severity).toBe("warning");
    expect(f?.message).toContain("NCCL found no active InfiniBand/RoCE device (its InfiniBand set-up ran, with ib0 as the side channel, and listed no port)");
    expect(f?.evidence.map((e) => e.line)).toContain(2);
    expect(ids(r, "error")).toEqual([]);
  });

  it("says nothing of a missing port when the set-up listed one and the process chose IB", async () => {
    const withPort = sidebandNoPort.flatMap((l) =>
      l.includes("sideband") ? [l, l.replace(/NET\/IB : Using interface ib0 for sideband communication/, "NET/IB: [0] mlx5_0:1/IB ")] : [l.replace("Using internal Network Socket", "Using internal Network IB")]);
    const r = await analyzeText(`${withPort.join("\n")}\n`);
    expect(r.facts.nccl?.net).toBe("IB");
    expect(r.facts.nccl?.ibHcas).toEqual(["mlx5_0:1"]);
    expect(fallback(r)).toBeUndefined();
  });

  it("keeps the plain reason when the side-channel line is missing (NCCL_IB_DISABLE=1 prints none)", async () => {
    const disabled = sidebandNoPort.filter((l) => !l.includes("sideband"));
    const r = await analyzeText(`${disabled.join("\n")}\n`);
    expect(r.facts.nccl?.net).toBe("Socket");
    const f = fallback(r);
    expect(f?.message).toContain("NCCL chose the Socket network on a multi-node run");
    expect(f?.message).not.toContain("side channel");
  });

  it("reads the same through mpirun --tag-output, kubectl --timestamps, a compose pane and CRLF", async () => {
    const wraps: ((l: string, i: number) => string)[] = [
      (l, i) => `[1,${i % 2}]<stdout>:${l}`,
      (l) => `2019-05-14T08:09:10.123456789Z ${l}`,
      (l) => `worker-0  | ${l}`,
    ];
    for (const wrap of wraps) {
      const r = await analyzeText(`${sidebandNoPort.map(wrap).join("\n")}\n`);
      expect(r.facts.nccl?.net).toBe("Socket");
      expect(fallback(r)?.message).toContain("with ib0 as the side channel");
    }
    const crlf = await analyzeText(`${sidebandNoPort.join("\r\n")}\r\n`);
    expect(fallback(crlf)?.message).toContain("with ib0 as the side channel");
  });
});

// NCCL 2.4 under Horovod's mpirun: `Ring 00 : a[dev] -> b[dev] via direct shared memory` inside a node, bracketless
// `Ring 00 : 3 -> 4 [send] via NET/IB/0` between nodes, and a CUDA failure in the SHM transport's set-up
const horovod24 = [
  "[1,1]<stdout>:gpu-n1:31001:31120 [1] NCCL INFO Ring 00 : 1[1] -> 0[0] via direct shared memory",
  "[1,2]<stdout>:gpu-n2:42002:42140 [0] NCCL INFO Ring 00 : 1 -> 2 [receive] via NET/IB/0",
  "[1,1]<stdout>:gpu-n1:31001:31120 [1] NCCL INFO Ring 00 : 1 -> 2 [send] via NET/IB/0",
  "[1,3]<stdout>:gpu-n2:42003:42141 [1] NCCL INFO Ring 00 : 3[1] -> 2[0] via direct shared memory",
  "[1,0]<stdout>:gpu-n1:31000:31119 [0] NCCL INFO Trees [0] -1->0->1/2/-1",
  "[1,3]<stdout>:",
  "[1,3]<stdout>:gpu-n2:42003:42141 [1] include/shm.h:42 NCCL WARN Cuda failure 'invalid argument'",
  "[1,3]<stdout>:gpu-n2:42003:42141 [1] NCCL INFO transport/shm.cu:187 -> 1",
  "[1,3]<stdout>:gpu-n2:42003:42141 [1] NCCL INFO init.cu:658 -> 1",
];

describe("NCCL 2.4 connection records and failures under Horovod's mpirun prefix", () => {
  it("counts direct shared memory as SHM, the bracketless network records as NET/IB, and names the CUDA failure", async () => {
    const r = await analyzeText(`${horovod24.join("\n")}\n`);
    const n = r.facts.nccl;
    expect(n?.transports?.SHM).toBe(2);
    expect(n?.transports?.["NET/IB"]).toBe(2);
    expect(n?.gdr).toBe(false);
    expect(n?.ranks).toBe(4);
    expect(n?.nodes).toBe(2);
    expect(n?.net).toBe("IB");
    expect(r.facts.firstError?.line).toBe(7);
    expect(ids(r)).toContain("nccl/cuda-error");
  });
});

// NCCL ≤2.3 wrote a record's header and its message in two writes (debug.h's INFO macro), so processes sharing one
// stream glue a header to another process's whole record, and the first record's message follows alone on a later line
const gluedHeads = [
  "dgx-7:1201:1330 [3] NCCL INFO Ring 02 : 3[3] -> 2[2] via P2P/IPC",
  "dgx-7:1204:1333 [6] NCCL INFO dgx-7:1205:1334 [7] NCCL INFO Ring 02 : 7[7] -> 3[3] via P2P/IPC",
  "dgx-7:1199:1328 [1] NCCL INFO Ring 02 : 1[1] -> 0[0] via P2P/IPC",
  "Ring 02 : 6[6] -> 5[5] via P2P/IPC",
  "dgx-8:2202:2340 [2] NCCL INFO dgx-8:2203:2341 [3] NCCL INFO Ring 02 : 11[3] -> 10[2] via P2P/IPC",
  "Ring 02 : 10[2] -> 9[1] via P2P/IPC",
  "dgx-7:1198:1327 [0] NCCL INFO comm 0x7f3a10004e20 rank 0 nranks 16",
];

describe("NCCL ≤2.3: a header glued to another process's whole record", () => {
  it("reads the glued record as itself, the lone tail as the other one, and the header's host as a node", async () => {
    const r = await analyzeText(`${gluedHeads.join("\n")}\n`);
    const n = r.facts.nccl;
    expect(n?.transports?.["P2P/IPC"]).toBe(6);
    expect(n?.ranks).toBe(10);
    expect(n?.nodes).toBe(2);
    expect(ids(r, "error")).toEqual([]);
  });

  it("reads the same through mpirun --tag-output, kubectl --timestamps and CRLF", async () => {
    const wraps: ((l: string, i: number) => string)[] = [(l, i) => `[1,${i}]<stdout>:${l}`, (l) => `2019-02-11T09:47:49.051000000Z ${l}`];
    for (const wrap of wraps) {
      const r = await analyzeText(`${gluedHeads.map(wrap).join("\n")}\n`);
      expect(r.facts.nccl?.transports?.["P2P/IPC"]).toBe(6);
      expect(r.facts.nccl?.nodes).toBe(2);
    }
    const crlf = await analyzeText(`${gluedHeads.join("\r\n")}\r\n`);
    expect(crlf.facts.nccl?.transports?.["P2P/IPC"]).toBe(6);
  });
});
