import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseTorchOom } from "../grammars/torch.js";
import { analyze } from "../src/analyze.js";
import { analyzeText } from "./rules/analyze-text.js";
import { ROOT } from "./helpers/cli.js";

const OOM_21 =
  "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 896.00 MiB. GPU 0 has a total capacity of 79.19 GiB of which 612.06 MiB is free. Including non-PyTorch memory, this process has 78.58 GiB memory in use. Of the allocated memory 77.91 GiB is allocated by PyTorch, and 12.44 MiB is reserved by PyTorch but unallocated. If reserved but unallocated memory is large try setting PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True to avoid fragmentation.";

describe("PyTorch's out-of-memory numbers (grammars/torch.ts)", () => {
  it("reads every format PyTorch printed", () => {
    expect(parseTorchOom(OOM_21)).toEqual({ gpu: 0, triedGiB: 0.875, totalGiB: 79.19, freeGiB: 0.598, inUseGiB: 78.58, allocatedGiB: 77.91, reservedUnallocatedGiB: 0.012, reservedGiB: 77.922 });
    // CUDA graphs' private pools (≥2.2) and a list of processes instead of "this process" (no NVML-free build)
    expect(
      parseTorchOom(
        "CUDA out of memory. Tried to allocate 2.00 GiB. GPU 3 has a total capacity of 23.69 GiB of which 10.56 MiB is free. Process 1234 has 12.00 GiB memory in use. Process 5678 has 11.66 GiB memory in use. Of the allocated memory 10.00 GiB is allocated by PyTorch, with 2.00 GiB allocated in private pools (e.g., CUDA Graphs), and 1.50 GiB is reserved by PyTorch but unallocated.",
      ),
    ).toEqual({ gpu: 3, triedGiB: 2, totalGiB: 23.69, freeGiB: 0.01, inUseGiB: null, allocatedGiB: 10, reservedUnallocatedGiB: 1.5, reservedGiB: 11.5 });
    // PyTorch ≤2.0, with `0 bytes free`
    expect(parseTorchOom("RuntimeError: CUDA out of memory. Tried to allocate 20.00 MiB (GPU 1; 15.78 GiB total capacity; 14.56 GiB already allocated; 0 bytes free; 14.75 GiB reserved in total by PyTorch) If reserved memory is >> allocated memory try setting max_split_size_mb")).toEqual({
      gpu: 1, triedGiB: 0.02, totalGiB: 15.78, freeGiB: 0, inUseGiB: null, allocatedGiB: 14.56, reservedUnallocatedGiB: 0.19, reservedGiB: 14.75,
    });
    // ROCm: the same message with HIP; only the first sentence
    expect(parseTorchOom("HIP out of memory. Tried to allocate 1.00 GiB. GPU 0 has a total capacity of 191.98 GiB of which 512.00 MiB is free.")).toMatchObject({ gpu: 0, triedGiB: 1, totalGiB: 191.98, freeGiB: 0.5, allocatedGiB: null });
    expect(parseTorchOom("RuntimeError: CUDA error: out of memory")).toBeNull();
  });

  it("become facts.memory.oom from the first OOM error, under any launcher prefix", async () => {
    const ray = await analyzeText(
      [
        "2025-01-01T00:00:00.000000001Z INFO 01-01 00:00:00 [core.py:74] starting",
        `2025-01-01T00:00:01.000000001Z (EngineCore_0 pid=42010) ERROR 01-01 00:00:01 [core.py:700] torch.${OOM_21}`,
        "2025-01-01T00:00:02.000000001Z (EngineCore_0 pid=42010) torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 1.00 GiB. GPU 0 has a total capacity of 79.19 GiB of which 0 bytes is free.",
        "",
      ].join("\r\n"),
    );
    expect(ray.facts.memory.oom).toEqual({ gpu: 0, triedGiB: 0.875, totalGiB: 79.19, freeGiB: 0.598, inUseGiB: 78.58, allocatedGiB: 77.91, reservedUnallocatedGiB: 0.012, reservedGiB: 77.922 });
    expect(ray.facts.sources["memory.oom"].line).toBe(2);
    // an advice line names the error without reporting it: no numbers read from it
    const advice = await analyzeText("INFO 01-01 00:00:00 model_runner.py:1] To avoid CUDA out of memory errors, lower gpu_memory_utilization\n");
    expect(advice.facts.memory.oom).toBeUndefined();
  });
});

describe("facts.timeline: the first events of each host", () => {
  it("places the Ray driver's lines on its node and a worker's ip= on the host whose ranks carry it", async () => {
    const { report } = await analyze([join(ROOT, "samples", "ray-tp8-pp2-two-nodes.log")]);
    const lines = report.facts.timeline!.map((t) => [t.host, t.engineStart?.line ?? null, t.ncclInit?.line ?? null, t.firstWarning?.line ?? null, t.firstError?.line ?? null]);
    expect(lines).toEqual([
      ["gpu-a", 7, 50, null, null],
      ["gpu-b", null, 42, null, null],
    ]);
  });

  it("gives an NCCL line's error to the host it names; lines naming none stay unplaced", async () => {
    const r = await analyzeText(
      [
        "node-a:100:100 [0] NCCL INFO ncclCommInitRank comm 0x1 rank 0 nranks 2 cudaDev 0 nvmlDev 0 busId 18000 commId 0xabc - Init START",
        "node-b:200:200 [0] NCCL INFO ncclCommInitRank comm 0x2 rank 1 nranks 2 cudaDev 0 nvmlDev 0 busId 18000 commId 0xabc - Init START",
        "node-b:200:200 [0] misc/socket.cc:484 NCCL WARN socketStartConnect: Connect to 10.0.0.1<43211> failed : Connection refused",
        "node-a:100:100 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[0] [send] via NET/Socket/0",
        "node-b:200:200 [0] NCCL INFO Channel 00/0 : 1[0] -> 0[0] [send] via NET/Socket/0",
        "node-a:100:220 [0] enqueue.cc:1 NCCL WARN Error : ring 0 does not loop back to start (3 != 0)",
        "RuntimeError: NCCL error: unhandled system error (run with NCCL_DEBUG=INFO for details)",
        "",
      ].join("\n"),
    );
    const lines = r.facts.timeline!.map((t) => [t.host, t.engineStart?.line ?? null, t.ncclInit?.line ?? null, t.firstWarning?.line ?? null, t.firstError?.line ?? null]);
    expect(lines).toEqual([
      ["node-a", null, 1, 6, 6],
      ["node-b", null, 2, 3, 3],
      [null, null, null, null, 7],
    ]);
  });

  it("an NCCL failure NCCL may go on after is the first error of the run and of its host (CONTRACT), recovered or not", async () => {
    const failing = [
      "node-c:300:301 [0] NCCL INFO init.cc:903 -> 5",
      "node-c:300:300 [0] init.cc:497 NCCL WARN Duplicate GPU detected : rank 2 and rank 0 both on CUDA device 1000",
      "",
    ].join("\n");
    const r = await analyzeText(failing);
    expect(r.facts.firstError?.line).toBe(1);
    expect(r.facts.timeline!.map((t) => [t.host, t.firstWarning?.line ?? null, t.firstError?.line ?? null])).toEqual([["node-c", 2, 1]]);
    const recovered = await analyzeText(
      [
        "node-c:300:301 [0] NCCL INFO NET/Plugin: Failed to find ncclNetPlugin_v6 symbol.",
        "node-c:300:301 [0] NCCL INFO transport/net.cc:100 -> 2",
        "node-c:300:300 [0] NCCL INFO ncclCommInitRank comm 0x1 rank 0 nranks 1 cudaDev 0 busId 18000 commId 0xabc - Init COMPLETE",
        "",
      ].join("\n"),
    );
    expect(recovered.facts.firstError?.line).toBe(2);
    expect(recovered.facts.recovered?.map((x) => [x.kind, x.failure.line, x.by.line])).toEqual([["error-return", 2, 3]]);
    expect(recovered.facts.timeline!.map((t) => [t.host, t.ncclInit?.line ?? null, t.firstError?.line ?? null])).toEqual([["node-c", 3, 2]]);
  });
});

describe("facts.firstWarning: Python logging's default format and uvicorn's at WARNING", () => {
  it("reads `WARNING:<logger>:msg` and `WARNING:  msg` as warnings, under wrappers; not a word that only starts so", async () => {
    const lines = [
      "WARNING:torch.distributed.elastic.multiprocessing.api:Sending process 7720 closing signal SIGTERM",
      "ERROR:torch.distributed.elastic.multiprocessing.api:failed (exitcode: 1) local_rank: 1 (pid: 7721) of binary: /usr/bin/python3",
    ];
    for (const [name, wrap] of [["bare", (l: string) => l], ["kubectl", (l: string) => `2026-03-01T08:12:40.118273645Z ${l}`], ["compose", (l: string) => `trainer-1  | ${l}`]] as const) {
      const r = await analyzeText(lines.map(wrap).join("\n") + "\n");
      expect([r.facts.firstWarning?.line, r.facts.firstError?.line], name).toEqual([1, 2]);
    }
    const uvicorn = await analyzeText("INFO:     Started server process [41]\nWARNING:  Invalid HTTP request received.\n");
    expect(uvicorn.facts.firstWarning?.line).toBe(2);
    const notOne = await analyzeText("WARNINGS:torch:none here\nWARNING:\n");
    expect(notOne.facts.firstWarning).toBeNull();
  });
});
