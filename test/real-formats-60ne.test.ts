import { describe, expect, it } from "vitest";
import { analyzeText, ids, eolsFor } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in round 60ne of real logs: failures NCCL names in a WARN (CUDA errors of its allocator, ibverbs calls,
 * socket connects during bootstrap and transport set-up) and the PyTorch lines around them. Two readings were wrong:
 * the newer WARN layout that names the function (`allocator.cc:89 (ncclMemAlloc) NCCL WARN Cuda failure 205 ...`) made
 * a mapping failure an out-of-memory one (the `oom` value matched `malloc` inside `ncclMemAlloc`), and CUDA's
 * 711 'peer mapping resources exhausted' and 205 'mapping of buffer object failed' had no advice of their own. Every log
 * text here is written for the test in the printed layout, under wrappers the logs did not all show, LF and CRLF.
 */

const WRAPS: [string, (l: string) => string][] = [
  ["plain", (l) => l],
  ["kubectl --timestamps", (l) => `2026-12-06T21:04:11.518204113Z ${l}`],
  ["docker compose", (l) => `trainer-1  | ${l}`],
  ["mpirun --tag-output", (l) => `[1,0]<stdout>:${l}`],
];

const join = (lines: string[], wrap: (l: string) => string, eol = "\n"): string => lines.map(wrap).join(eol) + eol;

async function eachWrap(lines: string[], check: (r: Report, at: string) => void): Promise<void> {
  for (const [name, wrap] of WRAPS)
    for (const eol of eolsFor(wrap)) check(await analyzeText(join(lines, wrap, eol)), `${name} ${JSON.stringify(eol)}`);
}

const finding = (r: Report, id: string) => r.findings.find((f) => f.ruleId === id);
const advice = (r: Report, id: string) => (finding(r, id)?.remediation ?? []).join("\n");
const OOM_ADVICE = /GPU was already full/;

describe("CUDA error 711 'peer mapping resources exhausted' from NCCL's allocator", () => {
  const lines = [
    "# nThread 1 nGpus 10 minBytes 8 maxBytes 134217728 step: 2(factor) warmup iters: 5 iters: 20 agg iters: 1 validation: 1 graph: 0",
    "#",
    "# Using devices",
    ...Array.from({ length: 10 }, (_, i) => `#  Rank ${String(i).padStart(2)} Group  0 Pid  41870 on   gpubox12 device ${String(i).padStart(2)} [0000:${(0x31 + i).toString(16)}:00] NVIDIA RTX 6000 Ada Generation`),
    "gpubox12:41870:41870 [0] NCCL INFO Bootstrap: Using enp65s0:10.20.4.12<0>",
    "gpubox12:41870:41870 [0] NCCL INFO cudaDriverVersion 12090",
    "",
    "[2026-02-11 09:41:27] gpubox12:41870:41870 [0] allocator.cc:79 NCCL WARN Cuda failure 711 'peer mapping resources exhausted'",
    "gpubox12: Test NCCL failure common.cu:1107 'unhandled cuda error (run with NCCL_DEBUG=INFO for details) / '",
  ];
  it("says the eight-peer limit and what to run instead, not out-of-memory advice", async () => {
    await eachWrap(lines, (r, at) => {
      const f = finding(r, "nccl/cuda-error");
      expect(f, at).toBeDefined();
      expect(f!.message, at).toBe("A CUDA call inside NCCL failed: peer mapping resources exhausted.");
      expect(f!.remediation[0], at).toMatch(/^CUDA error 711 \(cudaErrorTooManyPeers\): a GPU can map the memory of at most eight peer GPUs/);
      expect(advice(r, "nccl/cuda-error"), at).toContain("NCCL_CUMEM_ENABLE=0");
      expect(advice(r, "nccl/cuda-error"), at).not.toMatch(OOM_ADVICE);
      expect(r.facts.nccl.ranks, at).toBe(10);
      expect(r.facts.nccl.nodes, at).toBe(1);
      expect(r.facts.nccl.firstWarn?.line, at).toBe(17);
      expect(r.facts.firstError?.line, at).toBe(17);
    });
  });

  it("the bare code reads the same: `Cuda failure 711` without CUDA's words", async () => {
    const r = await analyzeText("n7:31:31 [2] allocator.cc:79 NCCL WARN Cuda failure 711 'x'\n");
    expect(advice(r, "nccl/cuda-error")).toMatch(/cudaErrorTooManyPeers/);
  });
});

describe("the WARN layout naming the function: `allocator.cc:89 (ncclMemAlloc) NCCL WARN Cuda failure 205 ...`", () => {
  const lines = [
    "[2026-05-03 18:22:40] tower-a:6120:6120 [1] allocator.cc:89 (ncclMemAlloc) NCCL WARN Cuda failure 205 'mapping of buffer object failed'",
    "tower-a: Test NCCL failure common.cu:1107 'unhandled cuda error (run with NCCL_DEBUG=INFO for details) / '",
    " .. tower-a pid 6120: Test failure common.cu:1636",
  ];
  it("is a mapping the driver refused, with its advice; `ncclMemAlloc` is no out-of-memory word", async () => {
    await eachWrap(lines, (r, at) => {
      const f = finding(r, "nccl/cuda-error");
      expect(f, at).toBeDefined();
      expect(f!.message, at).toBe("A CUDA call inside NCCL failed: mapping of buffer object failed.");
      expect(f!.remediation[0], at).toMatch(/^CUDA error 205 'mapping of buffer object failed': the driver refused to map memory/);
      expect(advice(r, "nccl/cuda-error"), at).not.toMatch(OOM_ADVICE);
      expect(r.facts.nccl.nodes, at).toBe(1);
      expect(r.facts.nccl.firstWarn?.line, at).toBe(1);
      expect(r.facts.firstError?.line, at).toBe(1);
    });
  });

  it("near misses: an allocator that did run out keeps the memory advice; a pid holding 999 is no 'unknown error'", async () => {
    const oom = await analyzeText("tower-a:6120:6177 [1] alloc.h:182 (ncclCudaCallocAsync) NCCL WARN Cuda failure 2 'out of memory'\n");
    expect(advice(oom, "nccl/cuda-error")).toMatch(OOM_ADVICE);
    const calloc = await analyzeText("tower-a:6120:6177 [1] include/alloc.h:185 NCCL WARN Failed to CUDA calloc 6291456 bytes\n");
    expect(advice(calloc, "nccl/cuda-error")).toMatch(OOM_ADVICE);
    const pid = await analyzeText("tower-a:29991:29999 [1] transport/p2p.cc:270 NCCL WARN Cuda failure 1 'invalid argument'\n");
    expect(advice(pid, "nccl/cuda-error")).not.toMatch(/'unknown error' usually means/);
    expect(advice(pid, "nccl/cuda-error")).toMatch(/'invalid argument' has several causes/);
    const unknown = await analyzeText("tower-a:3120:3190 [1] enqueue.cc:1421 NCCL WARN Cuda failure 999 'unknown error'\n");
    expect(advice(unknown, "nccl/cuda-error")).toMatch(/'unknown error' usually means/);
  });
});

describe("ibverbs calls NCCL WARNs by name", () => {
  it("a bare WARN (no host prefix) and a torchrun traceback: an IB error of rank 3", async () => {
    const lines = [
      "misc/ibvwrap.cc:182 NCCL WARN Call to ibv_reg_mr_iova2 failed with error Invalid argument ",
      "",
      "[rank3]:   File \"/usr/local/lib/python3.12/dist-packages/torch/distributed/distributed_c10d.py\", line 2624, in _coalescing_manager",
      "[rank3]:     work = group.allgather_into_tensor_coalesced(outputs, inputs)",
    ];
    await eachWrap(lines, (r, at) => {
      expect(ids(r, "error"), at).toEqual(["nccl/ib-error"]);
      expect(r.facts.nccl.ranks, at).toBe(1);
      expect(r.facts.nccl.nodes, at).toBeNull();
      expect(r.facts.nccl.firstWarn?.line, at).toBe(1);
      expect(r.facts.nccl.firstWarn?.text, at).toContain("NCCL WARN Call to ibv_reg_mr_iova2 failed");
    });
  });

  it("ibv_modify_qp on a RoCE HCA (2.7 layout) and its `-> 2` chain", async () => {
    const host = "3c0d61aa-9f12-4b7e-a3c5-0e4411d2b7f8";
    const lines = [
      `${host}:5120:5120 [0] NCCL INFO Bootstrap : Using [0]eth1:10.44.7.21<0>`,
      `${host}:5120:5120 [0] NCCL INFO NET/IB : Using [0]mlx5_2:1/RoCE ; OOB eth1:10.44.7.21<0>`,
      `${host}:5120:5120 [0] NCCL INFO Using network IB`,
      "NCCL version 2.7.8+cuda11.0",
      "",
      `${host}:5120:5388 [1] misc/ibvwrap.cc:284 NCCL WARN Call to ibv_modify_qp failed with error No such device`,
      `${host}:5120:5388 [1] NCCL INFO transport/net_ib.cc:395 -> 2`,
      `${host}:5120:5388 [1] NCCL INFO init.cc:566 -> 2`,
      `${host}:5120:5388 [1] NCCL INFO group.cc:73 -> 2 [Async thread]`,
    ];
    await eachWrap(lines, (r, at) => {
      expect(ids(r, "error").sort(), at).toEqual(["nccl/ib-error", "nccl/system-error"]);
      expect(r.facts.nccl.version, at).toBe("2.7.8");
      expect(r.facts.nccl.net, at).toBe("IB");
      expect(r.facts.nccl.ibHcas, at).toEqual(["mlx5_2:1"]);
      expect(r.facts.nccl.nodes, at).toBe(1);
      expect(r.facts.nccl.ranks, at).toBeNull();
      expect(r.facts.firstError?.line, at).toBe(6);
    });
  });
});

describe("socket connects that fail", () => {
  it("bootstrap to an IPv6 link-local peer: the first failure is the chain line before the WARN", async () => {
    const lines = [
      "dgx-b07:8812:8951 [6] NCCL INFO bootstrap.cc:270 -> 2",
      "dgx-b07:8812:8951 [6] NCCL INFO init.cc:1350 -> 2",
      "dgx-b07:8812:8951 [6] NCCL INFO group.cc:65 -> 2 [Async thread]",
      "",
      "dgx-b07:8813:8950 [7] misc/socket.cc:483 NCCL WARN socketStartConnect: Connect to fe80::a288:c2ff:fe31:77d0%ib0<40127> failed : Software caused connection abort",
      "dgx-b07:8813:8950 [7] NCCL INFO misc/socket.cc:564 -> 2",
    ];
    await eachWrap(lines, (r, at) => {
      expect(ids(r, "error").sort(), at).toEqual(["nccl/bootstrap-failure", "nccl/system-error"]);
      expect(finding(r, "nccl/bootstrap-failure")!.message, at).toContain("is an IPv6 link-local address");
      expect(r.facts.firstError?.line, at).toBe(1);
      expect(r.facts.nccl.firstWarn?.line, at).toBe(5);
      expect(r.facts.nccl.nodes, at).toBe(1);
      expect(r.facts.nccl.ranks, at).toBeNull();
    });
  });

  it("the same WARN from a transport's connect (its chain through transport/net.cc, no bootstrap.cc) says so", async () => {
    const lines = [
      "gpu-h3:140:140 [4] NCCL INFO Channel 00/0 : 9[1] -> 4[4] [receive] via NET/IBext_v8/4/GDRDMA",
      "",
      "gpu-h3:143:1180 [7] socket.c:485 NCCL WARN socketStartConnect: Connect to 10.12.0.31<40877> failed : Software caused connection abort",
      "gpu-h3:143:1180 [7] NCCL INFO transport/net.cc:687 -> 2",
      "gpu-h3:140:140 [4] NCCL INFO transport/net.cc:405 -> 2",
      "gpu-h3:140:140 [4] NCCL INFO transport.cc:183 -> 2",
      "gpu-h3:140:140 [4] NCCL INFO init.cc:1263 -> 2",
    ];
    await eachWrap(lines, (r, at) => {
      const f = finding(r, "nccl/bootstrap-failure");
      expect(f, at).toBeDefined();
      expect(f!.message, at).toBe("NCCL's network transport could not connect ranks (to 10.12.0.31 port 40877): the connection failed.");
      expect(r.facts.firstError?.line, at).toBe(3);
      expect(r.facts.nccl.gdr, at).toBe(true);
    });
    // a chain through bootstrap.cc keeps the bootstrap's words, and a WARN with no chain says nothing more than it knows
    const boot = await analyzeText(lines.slice(0, 4).concat("gpu-h3:143:1180 [7] NCCL INFO bootstrap.cc:270 -> 2").join("\n") + "\n");
    expect(finding(boot, "nccl/bootstrap-failure")!.message).toMatch(/^NCCL's bootstrap could not connect ranks/);
    const bare = await analyzeText(lines[2] + "\n");
    expect(finding(bare, "nccl/bootstrap-failure")!.message).toMatch(/^NCCL's bootstrap could not connect ranks/);
  });

  it("sglang's version line and a bootstrap `No route to host`", async () => {
    const lines = [
      "[2026-01-20 11:02:44 TP3] sglang is using nccl==2.21.5",
      "gpu-n4:301:301 [3] NCCL INFO Bootstrap : Using bond0:10.9.0.14<0>",
      "",
      "gpu-n4:301:301 [3] misc/socket.cc:533 NCCL WARN socketPollConnect: Connect to 10.9.0.15<40133> returned 113(No route to host) errno 115(Operation now in progress)",
      "gpu-n4:301:301 [3] NCCL INFO misc/socket.cc:570 -> 2",
      "gpu-n4:301:301 [3] NCCL INFO bootstrap.cc:285 -> 2",
      "[2026-01-20 11:02:45 TP3] Scheduler hit an exception: Traceback (most recent call last):",
    ];
    await eachWrap(lines, (r, at) => {
      expect(r.facts.nccl.version, at).toBe("2.21.5");
      expect(ids(r, "error").sort(), at).toEqual(["nccl/bootstrap-failure", "nccl/system-error"]);
      expect(finding(r, "nccl/bootstrap-failure")!.message, at).toContain("no route to host");
      expect(r.facts.firstError?.line, at).toBe(4);
      expect(r.facts.nccl.ranks, at).toBeNull();
    });
  });
});

describe("PyTorch's error lines around NCCL's", () => {
  it("a paste starting inside `NCCL error in:` with `Last error: Net : Connection closed by remote peer`", async () => {
    const lines = [
      "GroupNCCL.cpp:1275, internal error, NCCL version 2.14.3",
      "ncclInternalError: Internal check failed.",
      "Last error:",
      "Net : Connection closed by remote peer gpu-w3<52110>",
      "Traceback (most recent call last):",
      '  File "/work/train.py", line 40, in <module>',
    ];
    await eachWrap(lines, (r, at) => {
      expect(ids(r, "error").sort(), at).toEqual(["nccl/internal-error", "nccl/remote-process-exited"]);
      expect(r.facts.nccl.version, at).toBe("2.14.3");
      expect(r.facts.firstError?.line, at).toBe(1);
    });
  });
});

describe("near misses: failures that are not there", () => {
  it("NCCL_IB_DISABLE=1 set on purpose on one node: a note, no error", async () => {
    const lines = [
      "NCCL_DEBUG=INFO NCCL_IB_DISABLE=1 ./build/all_reduce_perf -b 8 -e 128M -f 2 -g 4",
      "# nThread 1 nGpus 4 minBytes 8 maxBytes 134217728 step: 2(factor) warmup iters: 5 iters: 20 agg iters: 1 validation: 1 graph: 0",
      "#",
      "# Using devices",
      ...Array.from({ length: 4 }, (_, i) => `#  Rank  ${i} Group  0 Pid  2210 on    lab-ws1 device  ${i} [0x${(0x1a + i).toString(16)}] NVIDIA A40`),
      "lab-ws1:2210:2210 [0] NCCL INFO Bootstrap : Using eno1:192.168.8.30<0>",
    ];
    await eachWrap(lines, (r, at) => {
      expect(ids(r, "error"), at).toEqual([]);
      expect(ids(r), at).toContain("nccl/ib-disabled");
      expect(r.facts.nccl.ranks, at).toBe(4);
      expect(r.facts.nccl.nodes, at).toBe(1);
      expect(r.facts.firstError, at).toBeNull();
    });
  });

  it("2.21's `Failed to open libibverbs.so[.1]` is INFO: sockets on one host, no failure, no WARN", async () => {
    const lines = [
      "NCCL version 2.21.5+cuda12.4",
      "ws-h100:7310:7422 [0] NCCL INFO Failed to open libibverbs.so[.1]",
      "ws-h100:7310:7422 [0] NCCL INFO NET/Socket : Using [0]eth0:10.51.3.8<0>",
      "ws-h100:7310:7422 [0] NCCL INFO Using non-device net plugin version 0",
    ];
    await eachWrap(lines, (r, at) => {
      expect(ids(r, "error"), at).toEqual([]);
      expect(r.facts.nccl.net, at).toBe("Socket");
      expect(r.facts.nccl.firstWarn, at).toBeNull();
      expect(r.facts.firstError, at).toBeNull();
    });
  });
});
