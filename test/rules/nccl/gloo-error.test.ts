import { describe, expect, it } from "vitest";
import { analyzeText } from "../analyze-text.js";

// a multi-node DP run on Ray (vllm-project/vllm#43420's shape): the engine's DP all-reduce over Gloo waited out its timeout
const DP_TIMEOUT = [
  "(APIServer pid=1201) INFO 09-12 10:00:03 [api_server.py:1805] vLLM API server version 0.10.2",
  "(APIServer pid=1201) INFO 09-12 10:00:03 [utils.py:326] non-default args: {'model': 'Qwen/Qwen3-30B-A3B', 'data_parallel_size': 4, 'data_parallel_backend': 'ray', 'tensor_parallel_size': 2}",
  "(DPEngineCoreActor pid=4411, ip=10.0.0.8) ERROR 09-12 10:40:12 [core.py:710] EngineCore encountered a fatal error.",
  "(DPEngineCoreActor pid=4411, ip=10.0.0.8) ERROR 09-12 10:40:12 [core.py:710] Traceback (most recent call last):",
  '(DPEngineCoreActor pid=4411, ip=10.0.0.8) ERROR 09-12 10:40:12 [core.py:710]   File "/usr/local/lib/python3.12/dist-packages/vllm/v1/engine/core.py", line 701, in run_engine_core',
  "(DPEngineCoreActor pid=4411, ip=10.0.0.8) ERROR 09-12 10:40:12 [core.py:710]     engine_core.run_busy_loop()",
  "(DPEngineCoreActor pid=4411, ip=10.0.0.8) ERROR 09-12 10:40:12 [core.py:710] RuntimeError: [../third_party/gloo/gloo/transport/tcp/pair.cc:534] Timed out waiting 1800000ms for recv operation to complete",
];

const LAYOUTS: [string, (l: string) => string, string][] = [
  ["plain", (l) => l, "\n"],
  ["kubectl --timestamps + CRLF", (l) => `2026-09-12T10:40:12.551203117Z ${l}`, "\r\n"],
];

const gloo = (r: Awaited<ReturnType<typeof analyzeText>>) => r.findings.filter((f) => f.ruleId === "nccl/gloo-error");

describe("nccl/gloo-error", () => {
  for (const [name, wrap, eol] of LAYOUTS) {
    it(`names the Gloo recv that timed out, its process and node, and is the verdict (${name})`, async () => {
      const r = await analyzeText(DP_TIMEOUT.map(wrap).join(eol) + eol);
      const f = gloo(r);
      expect(f).toHaveLength(1);
      expect(f[0].severity).toBe("error");
      expect(f[0].message).toContain("A Gloo recv waited 30 min and never completed (DPEngineCoreActor pid 4411, on 10.0.0.8)");
      expect(f[0].message).toContain("vLLM runs its data-parallel coordination over Gloo");
      expect(f[0].message).toContain("Its own log holds the first error.");
      expect(f[0].evidence.map((e) => [e.file.endsWith("run.log"), e.line, e.text.includes("Timed out waiting 1800000ms for recv")])).toEqual([[true, 7, true]]);
      expect(f[0].remediation.some((x) => x.includes("GLOO_SOCKET_IFNAME=<interface> and VLLM_HOST_IP="))).toBe(true);
      expect(f[0].remediation.some((x) => x.includes("--data-parallel-address and --data-parallel-rpc-port"))).toBe(true);
      expect(r.findings[0].ruleId).toBe("nccl/gloo-error");
      expect(r.findings.find((x) => x.ruleId === "vllm/engine-dead")?.causedBy).toContain("nccl/gloo-error");
    });
  }

  it("names the peer that closed or reset Gloo's connection, and torchrun's rank, behind mpirun's tags and Ray's prefix", async () => {
    const r = await analyzeText([
      "[1,1]<stderr>:[rank1]: RuntimeError: [../third_party/gloo/gloo/transport/tcp/pair.cc:589] Read error [10.0.0.2]:57418: Connection reset by peer",
      "(RayWorkerWrapper pid=71, ip=10.0.0.8) RuntimeError: [/pytorch/third_party/gloo/gloo/transport/tcp/pair.cc:534] Connection closed by peer [10.0.0.9]:6812",
    ].join("\n") + "\n");
    const f = gloo(r);
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe("error");
    expect(f[0].message).toContain("A Gloo read on the connection to [10.0.0.2]:57418 failed: Connection reset by peer (rank 1");
    expect(f[0].message).toContain("Also: Gloo's TCP connection to [10.0.0.9]:6812 was closed by that peer (RayWorkerWrapper pid 71, on 10.0.0.8)");
    expect(f[0].message).toContain("A peer that closes or resets its connection has usually died");
    expect(f[0].evidence.map((e) => e.line)).toEqual([1, 2]);
    expect(f[0].remediation[0]).toContain("(above all the one at 10.0.0.2)");
  });

  it("leaves the verdict to an OOM on the peer that failed first", async () => {
    const r = await analyzeText([
      "(EngineCore_DP1 pid=812) ERROR 09-12 10:10:00 [core.py:710] torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 1 has a total capacity of 79.19 GiB of which 1.02 GiB is free.",
      "(EngineCore_DP0 pid=811) ERROR 09-12 10:40:12 [core.py:710] RuntimeError: [../third_party/gloo/gloo/transport/tcp/unbound_buffer.cc:133] Timed out waiting 1800000ms for send operation to complete",
    ].join("\n") + "\n");
    const f = gloo(r);
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("A Gloo send waited 30 min and never completed");
    expect(f[0].causedBy).toEqual(["vllm/cuda-oom"]);
    expect(r.findings[0].ruleId).toBe("vllm/cuda-oom");
  });

  it("leaves Gloo's start-up connect failure, a missing interface and other programs' resets to their own rules, reading only Gloo's I/O lines", async () => {
    const r = await analyzeText([
      "RuntimeError: Gloo connectFullMesh failed with [../third_party/gloo/gloo/transport/tcp/pair.cc:144] no error",
      "RuntimeError: [enforce fail at ../third_party/gloo/gloo/transport/tcp/device.cc:83] ifa != nullptr. Unable to find address for: eth9",
      "INFO:     10.0.0.5:51234 - Read error [client]: Connection reset by peer",
      "node-a:4242:4250 [0] misc/socket.cc:538 NCCL WARN Net : Connection closed by remote peer node-7<47861>",
      "RuntimeError: [/pytorch/third_party/gloo/gloo/transport/tcp/pair.cc:612] Write error [10.0.0.7]:40122: Broken pipe",
    ].join("\n") + "\n");
    const f = gloo(r);
    expect(f).toHaveLength(1);
    expect(f[0].evidence.map((e) => e.line)).toEqual([5]);
    expect(f[0].message).toContain("A Gloo write on the connection to [10.0.0.7]:40122 failed: Broken pipe.");
    expect(r.findings.map((x) => x.ruleId)).toEqual(expect.arrayContaining(["nccl/bootstrap-failure", "nccl/wrong-interface"]));
  });

  it("leaves the verdict to the NCCL error of the peer that was lost first", async () => {
    const r = await analyzeText([
      "[rank0]:[E1106 10:02:11.123456 ProcessGroupNCCL.cpp:1590] [PG 0 (default_pg) Rank 0] Process group watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error, NCCL version 2.21.5",
      "[rank0]: RuntimeError: [../third_party/gloo/gloo/transport/tcp/pair.cc:534] Connection closed by peer [10.0.0.9]:6812",
    ].join("\n") + "\n");
    const f = gloo(r);
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("Gloo's TCP connection to [10.0.0.9]:6812 was closed by that peer (rank 0)");
    expect(f[0].causedBy).toEqual(["nccl/remote-process-exited"]);
    expect(r.findings[0].ruleId).toBe("nccl/remote-process-exited");
  });

  it("stays quiet on a healthy multi-node DP log", async () => {
    const r = await analyzeText(DP_TIMEOUT.slice(0, 2).join("\n") + "\n");
    expect(gloo(r)).toEqual([]);
  });
});
