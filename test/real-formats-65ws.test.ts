import { describe, expect, it } from "vitest";
import { analyzeText, ids } from "./rules/analyze-text.js";
import type { Report } from "../src/model.js";

/**
 * Formats found in a sixty-fifth round of real logs (theme "ws": vLLM's distributed init and rendezvous failures): torch's
 * Gloo CPU group failing to connect its ranks (`[E ProcessGroupGloo.cpp:N] Gloo connectFullMesh failed with
 * [.../pair.cc:N] no error`, raised as RuntimeError; older torch's `pair.cc:N] connect [addr]:port: Connection refused`)
 * was left to a generic engine start-up finding, the c10d store's server failing to listen for any reason but a taken port
 * (or on a line cut before its reason) was reported by nothing, and the Ray dedup suffix on a bare `(Worker pid=N)` prefix (vLLM
 * 0.1-0.2's Ray worker actor) was read as V1's multiprocessing worker. Every log text here is written for the test in the
 * printed layout.
 */

const KUBE = (l: string) => `2026-05-11T03:12:40.551092183Z ${l}`;
const text = (lines: string[], wrap: (l: string) => string = (l) => l, eol = "\n") => lines.map(wrap).join(eol) + eol;
const variants = (lines: string[]): [string, string][] => [
  ["plain", text(lines)],
  ["kubectl CRLF", text(lines, KUBE, "\r\n")],
];
const finding = (r: Report, id: string) => r.findings.find((f) => f.ruleId === id);

describe("Gloo's CPU group cannot connect its ranks", () => {
  const lines = [
    "DEBUG 03-04 11:20:07 parallel_state.py:845] world_size=4 rank=0 local_rank=0 distributed_init_method=tcp://192.168.40.3:40121 backend=nccl",
    "(RayWorkerWrapper pid=3311, ip=192.168.40.4) [rank3]:[W ProcessGroupGloo.cpp:721] Warning: Unable to resolve hostname to a (local) address. Using the loopback address as fallback. Manually set the network interface to bind to with GLOO_SOCKET_IFNAME. (function operator())",
    "(RayWorkerWrapper pid=3310, ip=192.168.40.4) [rank2]:[E ProcessGroupGloo.cpp:144] Gloo connectFullMesh failed with [../third_party/gloo/gloo/transport/tcp/pair.cc:144] no error",
    "(RayWorkerWrapper pid=3310, ip=192.168.40.4) ERROR 03-04 11:20:09 worker_base.py:382] Error executing method init_device. This might cause deadlock in distributed execution.",
  ];
  it("names the Gloo connection failure and the loopback fallback that caused it", async () => {
    for (const [at, t] of variants(lines)) {
      const r = await analyzeText(t);
      expect(ids(r), at).toContain("nccl/bootstrap-failure");
      const f = finding(r, "nccl/bootstrap-failure")!;
      expect(f.message, at).toContain("Gloo process group");
      expect(f.message, at).toContain("bound Gloo to the loopback address, which no other node can reach");
      expect(f.remediation.join("\n"), at).toContain("GLOO_SOCKET_IFNAME");
      expect(r.facts.firstError?.line, at).toBe(3);
      expect(r.facts.distributed.worldSize, at).toBe(4);
      expect(r.facts.config.executorBackend, at).toBe("ray");
    }
  });

  it("reads torch 2.4's timestamped [E…] form and the raised RuntimeError", async () => {
    for (const line of [
      "(RayWorkerWrapper pid=88, ip=10.1.2.3) [rank1]:[E1102 09:41:10.918271033 ProcessGroupGloo.cpp:145] Gloo connectFullMesh failed with [/pytorch/third_party/gloo/gloo/transport/tcp/pair.cc:144] no error",
      "[rank0]: RuntimeError: Gloo connectFullMesh failed with [../third_party/gloo/gloo/transport/tcp/pair.cc:144] no error",
    ]) {
      const r = await analyzeText(line + "\n");
      expect(ids(r), line).toContain("nccl/bootstrap-failure");
      expect(finding(r, "nccl/bootstrap-failure")!.message, line).not.toContain("loopback address");
    }
  });

  it("reads older torch's connect refusal to a loopback peer", async () => {
    const r = await analyzeText(
      text([
        "Traceback (most recent call last):",
        '  File "/opt/conda/lib/python3.10/site-packages/torch/distributed/distributed_c10d.py", line 1102, in _new_process_group_helper',
        "RuntimeError: [/opt/conda/conda-bld/pytorch_1686/work/third_party/gloo/gloo/transport/tcp/pair.cc:799] connect [127.0.1.1]:51207: Connection refused",
      ]),
    );
    const f = finding(r, "nccl/bootstrap-failure")!;
    expect(f).toBeDefined();
    expect(f.message).toContain("connect to [127.0.1.1]:51207: Connection refused");
    expect(f.message).toContain("is a loopback address");
    expect(r.facts.firstError?.line).toBe(3);
  });

  it("near misses: the loopback warning alone, a peer closing mid-run", async () => {
    const warnOnly = await analyzeText(text([lines[1]]));
    expect(ids(warnOnly)).not.toContain("nccl/bootstrap-failure");
    const closed = await analyzeText("RuntimeError: [../third_party/gloo/gloo/transport/tcp/pair.cc:534] Connection closed by peer [10.0.0.2]:6812\n");
    expect(ids(closed)).not.toContain("nccl/bootstrap-failure");
  });
});

describe("a bare (Worker pid=N) prefix with Ray's dedup suffix", () => {
  const lines = [
    "(Worker pid=5120) [W socket.cpp:601] [c10d] The IPv6 network addresses of (__internal_head__, 27744) cannot be retrieved (gai error: -2 - Name or service not known).",
    "(Worker pid=5121) [W socket.cpp:601] [c10d] The IPv6 network addresses of (__internal_head__, 27744) cannot be retrieved (gai error: -2 - Name or service not known). [repeated 6x across cluster]",
  ];
  it("is Ray's worker actor (vLLM 0.1-0.2), not V1's multiprocessing worker, and no failure", async () => {
    for (const [at, t] of variants(lines)) {
      const r = await analyzeText(t);
      expect(r.facts.config.executorBackend, at).toBe("ray");
      expect(r.facts.vllm.engine, at).toBe("v0");
      expect(r.findings.filter((f) => f.severity === "error"), at).toEqual([]);
      expect(r.facts.firstError, at).toBeNull();
    }
  });

  it("near miss: V1's (Worker pid=N) without Ray, and nested under a Ray actor, stay V1 multiprocessing", async () => {
    const v1 = [
      "(Worker pid=7181) INFO 06-09 17:58:50 [parallel_state.py:1102] rank 0 in world size 2 is assigned as DP rank 0, PP rank 0, TP rank 0, EP rank 0",
      "(Worker pid=7182) INFO 06-09 17:58:50 [parallel_state.py:1102] rank 1 in world size 2 is assigned as DP rank 0, PP rank 0, TP rank 1, EP rank 1",
    ];
    for (const t of [text(v1), text(v1.map((l, i) => `(vLLMHttpServer pid=6840) ${l}${i ? " [repeated 3x across cluster]" : ""}`))]) {
      const r = await analyzeText(t);
      expect(r.facts.config.executorBackend).toBe("mp");
      expect(r.facts.vllm.engine).toBe("v1");
    }
  });
});

describe("the c10d store's server cannot listen", () => {
  const cut = "RuntimeError: The server socket has failed to listen on any local network address. port: 38217, useIpv6: 0, code: -9";
  const notLocal =
    "torch.distributed.DistNetworkError: The server socket has failed to listen on any local network address. port: 29500, useIpv6: false, code: -99, name: EADDRNOTAVAIL, message: cannot assign requested address";
  const inUse =
    "torch.distributed.DistNetworkError: The server socket has failed to listen on any local network address. port: 29500, useIpv6: false, code: -98, name: EADDRINUSE, message: address already in use";
  it("a line cut before its reason: the store could not listen, reason unknown", async () => {
    for (const [at, t] of variants([cut])) {
      const r = await analyzeText(t);
      const f = finding(r, "nccl/bootstrap-failure");
      expect(f, at).toBeDefined();
      expect(f!.message, at).toContain("could not listen on port 38217: the line was cut before its reason");
      expect(r.facts.firstError?.line, at).toBe(1);
    }
  });
  it("an address not on this machine (EADDRNOTAVAIL) says so", async () => {
    const f = finding(await analyzeText(notLocal + "\n"), "nccl/bootstrap-failure")!;
    expect(f.message).toContain("(EADDRNOTAVAIL: cannot assign requested address)");
    expect(f.remediation.join("\n")).toContain("VLLM_HOST_IP");
  });
  it("near miss: a taken port stays vllm/port-in-use's alone", async () => {
    const r = await analyzeText(inUse + "\n");
    expect(ids(r)).toContain("vllm/port-in-use");
    expect(ids(r)).not.toContain("nccl/bootstrap-failure");
  });
});
